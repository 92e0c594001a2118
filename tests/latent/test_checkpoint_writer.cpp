// The checkpoint writer: pickles byte-equal to Python's own (goldens of make_pickle_goldens.py),
// the zip container read back by our reader (alignment, CRCs, ZIP64), a Lightning checkpoint of
// the tiny model read back by our reader (every tensor bit-equal, hyper-parameters, optimizer
// states), truncated files, and bad input. That Lightning and PyTorch themselves accept the file
// is checked by check_lightning_load.py (latent_checkpoint_lightning_load / _torch_load).
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

#include "latent/checkpoint/architecture.hpp"
#include "latent/checkpoint/checkpoint.hpp"
#include "latent/checkpoint/lightning_writer.hpp"
#include "latent/checkpoint/pickle_writer.hpp"
#include "latent/checkpoint/unpickler.hpp"
#include "latent/checkpoint/zip_writer.hpp"
#include "latent_test.hpp"
#include "test_support.hpp"
#include "tiny_checkpoint.hpp"

using namespace cartography::latent;
using namespace latent_test;
namespace pk = cartography::latent::pickle;

namespace {

std::string writer_data(const std::string& name) {
  return std::string(CARTO_TEST_DATA) + "/train/ckpt_writer/" + name;
}

pk::Ref i(int64_t v) { return pk::make(v); }
pk::Ref f(double v) { return pk::make(v); }
pk::Ref b(bool v) { return pk::make(v); }
pk::Ref none() { return pk::make(pk::None{}); }
pk::Ref bytes(std::string v) { return pk::make(pk::Bytes{std::move(v)}); }

// A path in the temp folder that the test removes.
struct TempPath {
  std::string path;
  explicit TempPath(const std::string& name)
      : path((std::filesystem::temp_directory_path() / ("carto_writer_" + std::to_string(::getpid()) + "_" + name))
                 .string()) {}
  ~TempPath() { std::filesystem::remove(path); }
};

void expect_same_bytes(const std::string& ours, const std::string& golden_name) {
  const std::string golden = read_file(writer_data(golden_name));
  ASSERT_FALSE(golden.empty()) << golden_name;
  EXPECT_EQ(ours.size(), golden.size()) << golden_name;
  size_t at = 0;
  while (at < ours.size() && at < golden.size() && ours[at] == golden[at]) ++at;
  EXPECT_EQ(at, std::min(ours.size(), golden.size())) << golden_name << ": first difference at byte " << at;
}

}  // namespace

TEST(PickleWriter, ScalarsContainersAndIntegersAsPython) {
  pk::Ref empty = pk::str("");  // Python's '' is one object, so key and value share it
  pk::Ref v = pk::dict({
      {pk::str("a"), i(1)},
      {pk::str("b"), pk::list({i(1), f(2.5), none(), b(true), b(false)})},
      {pk::str("c"), pk::tuple({i(1), i(2)})},
      {pk::str("d"), pk::tuple({})},
      {pk::str("e"), pk::str("h\xc3\xa9llo \xe2\x98\x83")},
      {pk::str("n"), i(-5)},
      {pk::str("big"), i(int64_t{1} << 40)},
      {pk::str("neg"), i(-(int64_t{1} << 40))},
      {pk::str("top"), i(std::numeric_limits<int64_t>::max())},
      {pk::str("i32"), i(70000)},
      {pk::str("m"), i(-70000)},
      {pk::str("f"), f(std::numeric_limits<double>::infinity())},
      {pk::str("x"), pk::tuple({i(1), i(2), i(3), i(4)})},
      {pk::str("y"), pk::list({})},
      {pk::str("z"), pk::dict({})},
      {pk::str("i2"), i(65535)},
      {empty, empty},
  });
  expect_same_bytes(pk::write_pickle(v), "pickle_scalars.pkl");
}

TEST(PickleWriter, SharedObjectsAreMemoized) {
  pk::Ref shared = pk::list({i(1)});
  expect_same_bytes(pk::write_pickle(pk::list({shared, shared, pk::str("k")})), "pickle_shared.pkl");
}

TEST(PickleWriter, OrderedDictWithMetadataAsPython) {
  pk::Ref version = pk::str("version");
  pk::Ref metadata = pk::ordered_dict({{pk::str(""), pk::dict({{version, i(1)}})},
                                       {pk::str("a"), pk::dict({{version, i(1)}})}});
  pk::Ref od = pk::ordered_dict({{pk::str("w"), i(1)}, {pk::str("v"), f(2.5)}},
                                pk::dict({{pk::str("_metadata"), metadata}}));
  expect_same_bytes(pk::write_pickle(od), "pickle_ordered.pkl");
}

TEST(PickleWriter, BytesSetsAndBatchesAsPython) {
  expect_same_bytes(pk::write_pickle(pk::list({bytes(std::string("\x00\xff" "ab", 4)), bytes("z")})),
                    "pickle_bytes.pkl");
  expect_same_bytes(pk::write_pickle(pk::make(pk::Set{{i(3)}})), "pickle_set.pkl");
  std::vector<pk::Ref> items;
  std::vector<std::pair<pk::Ref, pk::Ref>> pairs;
  for (int k = 0; k < 1001; ++k) {
    items.push_back(i(k));
    pairs.emplace_back(i(k), i(k));
  }
  expect_same_bytes(pk::write_pickle(pk::list({pk::list(items), pk::dict(pairs)})), "pickle_batches.pkl");
}

TEST(PickleWriter, ReadBackByOurUnpickler) {
  pk::Ref v = pk::dict({{pk::str("t"), pk::tuple({i(-3), f(0.25), pk::str("x"), bytes("\x01\x80")})},
                        {pk::str("o"), pk::ordered_dict({{pk::str("k"), pk::list({none()})}})}});
  const std::string bytes_ = pk::write_pickle(v);
  pk::Ref back = pk::unpickle(std::as_bytes(std::span<const char>(bytes_.data(), bytes_.size())), "mem", "mem", {});
  const auto& t = pk::as_sequence(pk::lookup(back, "t"));
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(pk::as_int(t[0]), -3);
  EXPECT_EQ(pk::as_number(t[1]), 0.25);
  EXPECT_EQ(pk::as_string(t[2]), "x");
  ASSERT_TRUE(t[3]->get<pk::Bytes>());
  EXPECT_EQ(t[3]->get<pk::Bytes>()->data, "\x01\x80");
  pk::Ref o = pk::lookup(back, "o");  // an OrderedDict reads back as a dict
  ASSERT_TRUE(o && o->get<pk::Dict>());
  EXPECT_TRUE(pk::as_sequence(pk::lookup(o, "k")).at(0)->get<pk::None>());
}

TEST(PickleWriter, RefusesWhatProtocol2CannotSay) {
  EXPECT_THROW(pk::write_pickle(pk::str("\xff")), std::invalid_argument);  // not UTF-8
  EXPECT_THROW(pk::write_pickle(pk::str("\xed\xa0\x80")), std::invalid_argument);  // a surrogate
  pk::Ref cyclic = pk::list({});
  pk::Ref t = pk::tuple({cyclic});
  cyclic->get<pk::List>()->items.push_back(t);
  EXPECT_THROW(pk::write_pickle(t), std::invalid_argument);
  cyclic->get<pk::List>()->items.clear();  // free the cycle
  pk::Ref deep = i(0);
  for (int k = 0; k < 1100; ++k) deep = pk::list({deep});
  EXPECT_THROW(pk::write_pickle(deep), std::invalid_argument);
}

TEST(ZipWriter, RecordsAlignedAndReadBack) {
  TempPath out("zip.ckpt");
  std::string big(100000, '\0');
  for (size_t k = 0; k < big.size(); ++k) big[k] = static_cast<char>(k * 7);
  {
    TorchZipWriter zip(out.path, "my_model");
    zip.add("data.pkl", std::string_view("\x80\x02N.", 4));
    zip.add("data/0", big);
    zip.add("data/1", std::string_view{});
    zip.finish();
  }
  StoredZip z(out.path);
  ASSERT_EQ(z.entries().size(), 4u);  // + .data/serialization_id
  for (const auto& e : z.entries()) EXPECT_EQ(e.data_offset % 64, 0u) << e.name;
  const auto* e = z.find("my_model/data/0");
  ASSERT_TRUE(e);
  auto data = z.data(*e);
  ASSERT_EQ(data.size(), big.size());
  EXPECT_EQ(std::memcmp(data.data(), big.data(), big.size()), 0);
  const auto* id = z.find("my_model/.data/serialization_id");
  ASSERT_TRUE(id);
  EXPECT_EQ(z.data(*id).size(), 40u);
}

TEST(ZipWriter, Zip64FieldsAndManyRecords) {
  TempPath out("zip64.ckpt");
  {
    // Every size and offset takes ZIP64 fields, and there are more records than 16 bits count.
    TorchZipWriter zip(out.path, "archive", 0);
    for (int k = 0; k < 70000; ++k) zip.add("data/" + std::to_string(k), std::to_string(k));
    zip.finish();
  }
  StoredZip z(out.path);
  ASSERT_EQ(z.entries().size(), 70001u);
  const auto* e = z.find("archive/data/69999");
  ASSERT_TRUE(e);
  auto data = z.data(*e);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(data.data()), data.size()), "69999");
  EXPECT_EQ(e->data_offset % 64, 0u);
}

TEST(ZipWriter, UnfinishedOrFailedWriteLeavesNoFile) {
  TempPath out("unfinished.ckpt");
  {
    TorchZipWriter zip(out.path);
    zip.add("data.pkl", "x");
  }  // destroyed before finish()
  EXPECT_FALSE(std::filesystem::exists(out.path));
  {
    TorchZipWriter zip(out.path);
    zip.add("a", "x");
    EXPECT_THROW(zip.add("a", "y"), CheckpointError);  // duplicate record
  }
  EXPECT_FALSE(std::filesystem::exists(out.path));
  EXPECT_THROW(TorchZipWriter("/nonexistent-dir/x.ckpt"), CheckpointError);
}

namespace {

struct WrittenTiny {
  TinyCheckpoint tiny = make_tiny_checkpoint(writer_data("tiny_layout.txt"));
  TempPath out{"tiny.ckpt"};
  WrittenTiny() { write_lightning_checkpoint(out.path, tiny.checkpoint); }
};

bool bit_equal(const std::vector<float>& a, std::span<const float> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

TEST(LightningWriter, TinyCheckpointReadsBackBitEqual) {
  WrittenTiny w;
  Checkpoint ck(w.out.path);
  EXPECT_EQ(ck.archive_name(), "archive");
  EXPECT_EQ(ck.format_version(), "3");
  const auto& written = w.tiny.checkpoint.state_dict;
  ASSERT_EQ(ck.state_dict().size(), written.size());
  ASSERT_EQ(written.size(), 153u);  // the fixture's count
  for (size_t k = 0; k < written.size(); ++k) {
    const auto& [name, tensor] = ck.state_dict()[k];
    EXPECT_EQ(name, written[k].name);
    EXPECT_EQ(tensor.shape, written[k].shape) << name;
    EXPECT_EQ(tensor.dtype(), DType::Float32) << name;
    EXPECT_TRUE(bit_equal(ck.read_float32(tensor), written[k].data)) << name;
  }
  EXPECT_EQ(pk::as_int(pk::lookup(ck.root(), "global_step")), 8);
  EXPECT_EQ(pk::as_string(pk::lookup(ck.root(), "pytorch-lightning_version")), "2.5.2");

  // Optimizer states: tensors bit-equal, AdamW steps.
  pk::Ref states = pk::lookup(ck.root(), "optimizer_states");
  ASSERT_TRUE(states);
  const auto& optimizers = pk::as_sequence(states);
  ASSERT_EQ(optimizers.size(), 2u);
  for (size_t o = 0; o < 2; ++o) {
    const MuonState& m = w.tiny.checkpoint.optimizers[o];
    const pk::Dict* state = pk::lookup(optimizers[o], "state")->get<pk::Dict>();
    ASSERT_TRUE(state);
    ASSERT_EQ(state->items.size(), m.params.size());
    for (size_t k = 0; k < m.params.size(); ++k) {
      const MuonParamState& p = m.params[k];
      EXPECT_EQ(pk::as_int(state->items[k].first), p.index);
      const pk::Ref& entry = state->items[k].second;
      if (!p.momentum_buffer.empty()) {
        const TensorRecord* t = as_tensor(pk::lookup(entry, "momentum_buffer"));
        ASSERT_TRUE(t);
        EXPECT_TRUE(bit_equal(ck.read_float32(*t), p.momentum_buffer));
      } else if (p.moment1.empty()) {
        EXPECT_TRUE(entry->get<pk::Dict>()->items.empty());  // a parameter without gradient
      } else {
        EXPECT_EQ(pk::as_int(pk::lookup(entry, "step")), p.step);
        const TensorRecord* m2 = as_tensor(pk::lookup(entry, "moment2"));
        ASSERT_TRUE(m2);
        EXPECT_TRUE(bit_equal(ck.read_float32(*m2), p.moment2));
      }
    }
    pk::Ref group = pk::as_sequence(pk::lookup(optimizers[o], "param_groups")).at(0);
    EXPECT_EQ(pk::as_number(pk::lookup(group, "lr")), m.lr);
    EXPECT_EQ(pk::as_sequence(pk::lookup(group, "params")).size(), static_cast<size_t>(m.param_count));
  }
}

TEST(LightningWriter, HyperParametersReadBack) {
  WrittenTiny w;
  Checkpoint ck(w.out.path);
  const LatentArchitecture a = read_architecture(ck);
  EXPECT_TRUE(a.from_hyper_parameters);
  EXPECT_EQ(a.h_dim, 64);
  EXPECT_EQ(a.emb_dim, 16);
  EXPECT_EQ(a.strides, (std::vector<int64_t>{2, 3, 3}));
  EXPECT_EQ(a.stack_depth, 2);
  pk::Ref hp = ck.hyper_parameters();
  EXPECT_EQ(pk::as_number(pk::field(pk::field(hp, "opt_args"), "lr")), 0.002);
  EXPECT_TRUE(std::isinf(pk::as_number(pk::field(pk::field(hp, "lr_schedule_args"), "decay_start"))));
  EXPECT_TRUE(pk::field(pk::field(hp, "lr_schedule_args"), "warmup_steps")->get<int64_t>());
  EXPECT_TRUE(pk::field(hp, "kl_factor")->get<double>());
  const auto& convs = pk::as_sequence(pk::field(pk::field(hp, "critic_args"), "convs"));
  ASSERT_EQ(convs.size(), 3u);
  EXPECT_EQ(pk::as_int(pk::as_sequence(convs[1]).at(3)), 4);
  EXPECT_EQ(pk::as_string(pk::field(hp, "_instantiator")), "pytorch_lightning.cli.instantiate_module");
}

TEST(LightningWriter, NonDefaultMuonArgumentsKeptInOptArgs) {
  LatentHyperParams hp = tiny_hyper_params();
  const pk::Ref plain = pk::lookup(hyper_parameters_value(hp), "opt_args");
  EXPECT_EQ(plain->get<pk::Dict>()->items.size(), 2u);  // lr, weight_decay: as the fixture
  hp.momentum = 0.9;
  hp.adamw_beta2 = 0.99;
  const pk::Ref changed = pk::lookup(hyper_parameters_value(hp), "opt_args");
  EXPECT_EQ(pk::as_number(pk::lookup(changed, "momentum")), 0.9);
  EXPECT_EQ(pk::as_number(pk::as_sequence(pk::lookup(changed, "adamw_betas")).at(1)), 0.99);
}

TEST(LightningWriter, TruncatedFileIsACheckpointError) {
  WrittenTiny w;
  const std::string whole = read_file(w.out.path);
  for (size_t keep : {whole.size() - 1, whole.size() - 22, whole.size() / 2, size_t{100}, size_t{0}}) {
    TempFile cut(whole.substr(0, keep));
    try {
      Checkpoint ck(cut.path());
      ADD_FAILURE() << "a file cut to " << keep << " bytes was accepted";
    } catch (const CheckpointError& e) {
      EXPECT_NE(std::string(e.what()).find(cut.path()), std::string::npos) << e.what();
    }
  }
}

TEST(LightningWriter, BadInputNamesTheFileAndLeavesNothing) {
  TinyCheckpoint tiny = make_tiny_checkpoint(writer_data("tiny_layout.txt"));
  TempPath out("bad.ckpt");
  tiny.checkpoint.state_dict[3].data = tiny.checkpoint.state_dict[3].data.first(1);
  try {
    write_lightning_checkpoint(out.path, tiny.checkpoint);
    ADD_FAILURE() << "a tensor with too few values was written";
  } catch (const CheckpointError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(out.path), std::string::npos) << what;
    EXPECT_NE(what.find(tiny.checkpoint.state_dict[3].name), std::string::npos) << what;
  }
  EXPECT_FALSE(std::filesystem::exists(out.path));

  TinyCheckpoint twice = make_tiny_checkpoint(writer_data("tiny_layout.txt"));
  twice.checkpoint.optimizers[0].params[1].index = twice.checkpoint.optimizers[0].params[0].index;
  EXPECT_THROW(write_lightning_checkpoint(out.path, twice.checkpoint), CheckpointError);
  EXPECT_THROW(write_lightning_checkpoint("/nonexistent-dir/x.ckpt", make_tiny_checkpoint(writer_data("tiny_layout.txt")).checkpoint),
               CheckpointError);
}

TEST(LightningWriter, StateKeyAsLightningFormatsIt) {
  ModelCheckpointState m;
  EXPECT_EQ(model_checkpoint_state_key(m),
            "ModelCheckpoint{'monitor': 'val/l2_rec', 'mode': 'min', 'every_n_train_steps': 0, 'every_n_epochs': 1, "
            "'train_time_interval': None}");
}
