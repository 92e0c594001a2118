#include "pipeline/checkpoint_provenance.hpp"

#include <algorithm>
#include <array>
#include <filesystem>

#include "latent/checkpoint/architecture.hpp"
#include "latent/checkpoint/checkpoint.hpp"

namespace cartography::pipeline {
namespace {

namespace pickle = latent::pickle;

// The random-weight checkpoints of this repository; their counters are fabricated (see the
// header). A fixture regenerated with other bytes must be added here (checkpoint_provenance_test
// checks the bundled ones).
constexpr std::array<const char*, 2> kRandomWeightFixtures = {
    "268b04bb04b9d10c1d0f2dc94570bb4f",  // checkpoints/vae_small_UNTRAINED_random_weights.ckpt
    "91140e3a3db767941009538434ffaa9e",  // tests/data/vae/vae_tiny.ckpt
};

std::optional<int64_t> integer_at(const pickle::Ref& root, std::string_view key) {
  const pickle::Ref v = pickle::lookup(root, key);
  if (!v) return std::nullopt;
  if (const int64_t* i = v->get<int64_t>()) return *i;
  return std::nullopt;  // bool, float, string...: not a counter Lightning wrote
}

bool has_optimizer_states(const pickle::Ref& root) {
  const pickle::Ref v = pickle::lookup(root, "optimizer_states");
  if (!v) return false;
  if (const auto* l = v->get<pickle::List>()) return !l->items.empty();
  if (const auto* t = v->get<pickle::Tuple>()) return !t->items.empty();
  return false;
}

}  // namespace

bool is_random_weight_fixture(const std::string& xxh3_128) {
  return std::find(kRandomWeightFixtures.begin(), kRandomWeightFixtures.end(), xxh3_128) !=
         kRandomWeightFixtures.end();
}

void apply_verdict(CheckpointProvenance& p) {
  const std::string counters =
      p.global_step ? std::to_string(*p.global_step) + " optimizer steps" +
                          (p.epoch ? ", epoch " + std::to_string(*p.epoch) : std::string())
                    : std::string();
  const bool fixture = is_random_weight_fixture(p.xxh3_128);
  if (fixture || p.file.find("UNTRAINED") != std::string::npos) {
    p.trained = "no";
    p.verdict = std::string("untrained (random weights): ") +
                (fixture ? "a random-weight fixture of this repository" : "its file name says UNTRAINED") +
                (counters.empty() ? std::string() : " (its counters, " + counters + ", are not real)");
  } else if (p.global_step && *p.global_step > 0) {
    p.trained = "yes";
    p.verdict = "trained: " + counters;
  } else if (p.global_step) {
    p.trained = "no";
    p.verdict = "untrained (random weights): global_step is " + std::to_string(*p.global_step);
  } else {
    p.trained = "unknown";
    p.verdict = "unknown: no global_step in the file (a bare state_dict, or not saved by Lightning)";
  }
}

CheckpointProvenance read_checkpoint_provenance(const std::string& path, const std::string& xxh3_128) {
  const latent::Checkpoint ck(path);
  CheckpointProvenance p;
  p.path = path;
  p.file = std::filesystem::path(path).filename().string();
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) ck.fail("cannot read its size: " + ec.message());
  p.bytes = static_cast<int64_t>(size);
  p.xxh3_128 = xxh3_128;
  p.global_step = integer_at(ck.root(), "global_step");
  p.epoch = integer_at(ck.root(), "epoch");
  if (const pickle::Ref v = pickle::lookup(ck.root(), "pytorch-lightning_version"))
    if (const auto* s = v->get<std::string>()) p.lightning_version = *s;
  p.training_state = has_optimizer_states(ck.root());
  p.architecture = latent::read_architecture(ck).describe();
  apply_verdict(p);
  return p;
}

io::Json to_json(const CheckpointProvenance& p) {
  auto or_null = [](const auto& v) { return v ? io::Json(*v) : io::Json(nullptr); };
  return {{"file", p.file},
          {"bytes", p.bytes},
          {"xxh3_128", p.xxh3_128},
          {"global_step", or_null(p.global_step)},
          {"epoch", or_null(p.epoch)},
          {"lightning_version", or_null(p.lightning_version)},
          {"training_state", p.training_state},
          {"architecture", p.architecture},
          {"trained", p.trained},
          {"verdict", p.verdict}};
}

CheckpointProvenance provenance_from_json(const io::Json& j, const std::string& path) {
  auto optional_of = [&](const char* key, auto kind) -> std::optional<decltype(kind)> {
    const io::Json& v = j.at(key);
    if (v.is_null()) return std::nullopt;
    return v.get<decltype(kind)>();
  };
  CheckpointProvenance p;
  p.path = path;
  p.file = j.at("file").get<std::string>();
  p.bytes = j.at("bytes").get<int64_t>();
  p.xxh3_128 = j.at("xxh3_128").get<std::string>();
  p.global_step = optional_of("global_step", int64_t{});
  p.epoch = optional_of("epoch", int64_t{});
  p.lightning_version = optional_of("lightning_version", std::string());
  p.training_state = j.at("training_state").get<bool>();
  p.architecture = j.at("architecture").get<std::string>();
  p.trained = j.at("trained").get<std::string>();
  p.verdict = j.at("verdict").get<std::string>();
  return p;
}

}  // namespace cartography::pipeline
