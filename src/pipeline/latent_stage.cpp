#include "pipeline/latent_stage.hpp"

#include "catalog/failure.hpp"
#include "latent/latent_client.hpp"

namespace cartography::pipeline {

LatentStage::LatentStage(std::unique_ptr<latent::LatentClient> client, const RunOptions& opt)
    : client_(std::move(client)), options_(opt) {}
LatentStage::~LatentStage() = default;

std::shared_ptr<LatentStage> LatentStage::open(const RunOptions& opt, int threads,
                                               std::optional<uint64_t> random_seed) {
  latent::LatentOptions o;
  o.threads = threads;
  o.checkpoint = opt.checkpoint.c_str();
  o.force_cpu = opt.device == Device::Cpu ? 1 : 0;
  o.random_weights = random_seed ? 1 : 0;
  o.random_seed = random_seed.value_or(0);
  try {
    return std::shared_ptr<LatentStage>(new LatentStage(std::make_unique<latent::LatentClient>(o), opt));
  } catch (const std::exception& e) {
    throw std::runtime_error("latent model (" + opt.checkpoint + "): " + e.what());
  }
}

std::string LatentStage::device() const { return client_->info().device; }

std::optional<std::string> LatentStage::encode_into(const EncodedMap& m, std::vector<float>& z) {
  const int64_t dims = client_->info().emb_dim, steps = client_->latent_frames(m.frames);
  z.clear();
  try {
    z.resize(static_cast<size_t>(dims * steps));
    if (options_.latent == LatentMode::Sample) client_->sample(m.signal.data(), m.frames, options_.seed, z.data());
    else client_->encode(m.signal.data(), m.frames, z.data(), nullptr);
  } catch (const std::exception& e) {
    z.clear();
    return catalog::failure_reason(e, "running the latent model");
  }
  // The model in float32 overflows on huge (finite) inputs: such a latent is refused here, before
  // any statistic sees it.
  if (auto where = first_non_finite(z, steps)) {
    z.clear();
    return "the latent holds a non-finite value (" + *where + "): the model overflowed float32";
  }
  return std::nullopt;
}

void LatentStage::encode(EncodedMap& m, std::vector<Skip>& skips) {
  std::vector<float> z;
  if (auto why = encode_into(m, z)) {
    skips.push_back({"latent", m.entry.osu_path, *why});
    return;
  }
  m.latent = std::move(z);
  m.latent_dims = client_->info().emb_dim;
  m.latent_frames = client_->latent_frames(m.frames);
}

}  // namespace cartography::pipeline
