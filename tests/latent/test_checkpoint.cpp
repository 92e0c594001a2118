// Checkpoints: both fixtures against what Python's zipfile+pickle read from them
// (golden/<model>_manifest.txt), the architecture from the hyper-parameters, and corrupt files.
#include <cmath>
#include <map>
#include <sstream>
#include <string>

#include "latent/checkpoint/architecture.hpp"
#include "latent/checkpoint/checkpoint.hpp"
#include "latent_test.hpp"
#include "test_support.hpp"

using namespace cartography::latent;
using namespace latent_test;

namespace {

struct ManifestTensor {
  std::string key, dtype;
  std::vector<int64_t> shape, stride;
  int64_t offset = 0;
  double sum = 0;
};
struct Manifest {
  std::string archive, version, toplevel;
  std::vector<ManifestTensor> tensors;
  std::map<std::string, std::string> hparams, classes;
};

std::vector<int64_t> ints(const std::string& csv) {
  std::vector<int64_t> out;
  if (csv == "-") return out;
  std::stringstream ss(csv);
  for (std::string part; std::getline(ss, part, ',');) out.push_back(std::stoll(part));
  return out;
}

Manifest read_manifest(const std::string& model) {
  Manifest m;
  std::istringstream in(read_file(golden_dir() + "/" + model + "_manifest.txt"));
  for (std::string line; std::getline(in, line);) {
    std::istringstream ls(line);
    std::string kind;
    ls >> kind;
    if (kind == "archive") ls >> m.archive;
    if (kind == "version") ls >> m.version;
    if (kind == "toplevel") ls >> m.toplevel;
    if (kind == "tensor") {
      ManifestTensor t;
      std::string shape, stride, sum;
      ls >> t.key >> t.dtype >> shape >> stride >> t.offset >> sum;
      t.shape = ints(shape);
      t.stride = ints(stride);
      t.sum = std::stod(sum);
      m.tensors.push_back(t);
    }
    if (kind == "hparam" || kind == "class") {
      std::string key, value;
      ls >> key >> value;
      (kind == "hparam" ? m.hparams : m.classes)[key] = value;
    }
  }
  return m;
}

std::string error_of(const std::string& contents) {
  TempFile f(contents);
  try {
    Checkpoint ck(f.path());
  } catch (const CheckpointError& e) {
    EXPECT_TRUE(contains(e.what(), f.path())) << "the message names the file:" << e.what();
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Checkpoint, StateDictMatchesPythonsReading) {
  for (const std::string model : {"tiny", "small"}) {
    const Manifest m = read_manifest(model);
    const Checkpoint ck(checkpoint_path(model));
    EXPECT_EQ(ck.archive_name(), m.archive);
    EXPECT_EQ(ck.format_version(), m.version);
    ASSERT_EQ(ck.state_dict().size(), m.tensors.size()) << model;
    for (size_t i = 0; i < m.tensors.size(); ++i) {
      const auto& [key, t] = ck.state_dict()[i];
      const ManifestTensor& want = m.tensors[i];
      EXPECT_EQ(key, want.key);
      EXPECT_EQ(std::string(dtype_name(t.dtype())), want.dtype) << key;
      EXPECT_EQ(t.shape, want.shape) << key;
      EXPECT_EQ(t.stride, want.stride) << key;
      EXPECT_EQ(t.offset, want.offset) << key;
      double sum = 0;
      for (float v : ck.read_float32(t)) sum += v;
      EXPECT_NEAR(sum, want.sum, 1e-9 * (1 + std::fabs(want.sum))) << key;
    }
  }
}

TEST(Checkpoint, HyperParametersInsideDataclassRecords) {
  for (const std::string model : {"tiny", "small"}) {
    const Manifest m = read_manifest(model);
    const Checkpoint ck(checkpoint_path(model));
    const pickle::Ref hp = ck.hyper_parameters();
    ASSERT_TRUE(hp != nullptr);
    const pickle::Ref ae = pickle::field(hp, "ae_args");
    const pickle::Ref layer = pickle::field(ae, "layer_args");
    ASSERT_TRUE(ae && ae->get<pickle::Object>() && layer && layer->get<pickle::Object>());
    EXPECT_EQ(ae->get<pickle::Object>()->cls, m.classes.at("ae_args"));
    EXPECT_EQ(layer->get<pickle::Object>()->cls, m.classes.at("ae_args.layer_args"));

    const LatentArchitecture a = read_architecture(ck);
    EXPECT_TRUE(a.from_hyper_parameters);
    EXPECT_EQ(std::to_string(a.h_dim), m.hparams.at("h_dim"));
    EXPECT_EQ(std::to_string(a.emb_dim), m.hparams.at("emb_dim"));
    EXPECT_EQ(a.strides, ints(m.hparams.at("ae_args.strides")));
    EXPECT_EQ(std::to_string(a.ae_expand), m.hparams.at("ae_args.expand"));
    EXPECT_EQ(std::to_string(a.num_stacks), m.hparams.at("ae_args.layer_args.num_stacks"));
    EXPECT_EQ(std::to_string(a.stack_depth), m.hparams.at("ae_args.layer_args.stack_depth"));
    EXPECT_EQ(std::to_string(a.wavenet_expand), m.hparams.at("ae_args.layer_args.expand"));
    EXPECT_EQ(a.chunk(), 18);

    // Everything else of the file is there too, as plain values or opaque records.
    std::string keys;
    for (const auto& kv : ck.root()->get<pickle::Dict>()->items) keys += (keys.empty() ? "" : ",") + pickle::as_string(kv.first);
    EXPECT_EQ(keys, m.toplevel);
    EXPECT_EQ(pickle::as_int(pickle::lookup(ck.root(), "global_step")), 58000);
    const pickle::Ref opt = pickle::lookup(ck.root(), "optimizer_states");
    ASSERT_TRUE(opt != nullptr);
    EXPECT_EQ(pickle::as_sequence(opt).size(), 1u);
    // The optimizer state holds tensors too; they are records over their own storages.
    const pickle::Ref state = pickle::lookup(pickle::as_sequence(opt)[0], "state");
    ASSERT_TRUE(state && state->get<pickle::Dict>());
    const pickle::Ref buffer = pickle::lookup(state->get<pickle::Dict>()->items.at(0).second, "momentum_buffer");
    ASSERT_TRUE(as_tensor(buffer) != nullptr);
    EXPECT_EQ(as_tensor(buffer)->shape, (std::vector<int64_t>{4, 4}));
  }
}

TEST(Checkpoint, ReadsStridedAndOffsetViews) {
  const std::vector<float> storage{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  // A transposed [3, 2] view of rows 1.. of a [4, 3] matrix: offset 3, strides (1, 3).
  TempFile f(one_tensor_checkpoint(storage, {3, 2}, {1, 3}, 3));
  const Checkpoint ck(f.path());
  EXPECT_EQ(ck.read_float32("w"), (std::vector<float>{3, 6, 4, 7, 5, 8}));
  EXPECT_FALSE(ck.hyper_parameters());
}

TEST(Checkpoint, CorruptFilesGiveClearErrors) {
  const std::string real = read_file(checkpoint_path("tiny"));
  EXPECT_TRUE(contains(error_of(real.substr(0, 100000)), "end-of-central-directory"));
  EXPECT_TRUE(contains(error_of(std::string(300, '\x13')), "not a zip archive"));
  EXPECT_TRUE(contains(error_of(std::string("\x80\x02}q\x00.", 6)), "legacy"));
  // A zip, but not a torch.save archive.
  EXPECT_TRUE(contains(error_of(make_zip({{"readme.txt", "hello"}})), "no <archive>/data.pkl"));
  // A storage entry missing (renamed in the archive).
  {
    const std::vector<float> v{1, 2, 3};
    PickleWriter p;
    p.proto().op('}').str("state_dict").op('}').str("w").tensor("0", 3, 0, {3}, {1}).op('s').op('s').op('.');
    const std::string zip = make_zip({{"a/data.pkl", p.bytes()},
                                      {"a/data/1", std::string(reinterpret_cast<const char*>(v.data()), 12)}});
    const std::string message = error_of(zip);
    EXPECT_TRUE(contains(message, "no entry a/data/0")) << message;
  }
  // A storage whose entry is smaller than its declared size.
  EXPECT_TRUE(contains(error_of(one_tensor_checkpoint({1, 2, 3}, {3}, {1}, 0, 5)), "holds 12 bytes"));
  // A view reaching past its storage.
  EXPECT_TRUE(contains(error_of(one_tensor_checkpoint({1, 2, 3}, {2, 2}, {2, 1})), "reaches past its storage"));
  // An unknown opcode inside data.pkl.
  {
    const std::string message = error_of(make_zip({{"a/data.pkl", std::string("\x80\x02}\xfe.", 5)}}));
    EXPECT_TRUE(contains(message, "a/data.pkl: pickle unknown opcode 0xfe at byte 3")) << message;
  }
  // A pickle that is not a checkpoint.
  EXPECT_TRUE(contains(error_of(make_zip({{"a/data.pkl", std::string("\x80\x02K\x05.", 5)}})), "no state_dict"));
  // An unknown storage type.
  {
    PickleWriter p;
    p.proto().op('}').str("w").tensor("0", 1, 0, {1}, {1}, "ComplexFloatStorage").op('s').op('.');
    const std::string message = error_of(make_zip({{"a/data.pkl", p.bytes()}, {"a/data/0", std::string(8, '\0')}}));
    EXPECT_TRUE(contains(message, "unsupported type torch.ComplexFloatStorage")) << message;
  }
}

TEST(Checkpoint, ArchitectureMustAgreeWithTheWeights) {
  // A bare state_dict: no hyper-parameters, and not an osu-dreamer model.
  TempFile f(one_tensor_checkpoint({1, 2, 3}, {3}, {1}));
  const Checkpoint ck(f.path());
  try {
    read_architecture(ck);
    ADD_FAILURE() << "a foreign model was accepted";
  } catch (const CheckpointError& e) {
    EXPECT_TRUE(contains(e.what(), "state_dict has no encoder.0.weight")) << e.what();
  }
}
