// Opening the latent plugin from a program that does not link libtorch: loads
// libcartography_latent.so through open_plugin("latent"), checks its ABI version, and wraps the
// status-code interface in one that throws std::runtime_error.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/plugin.hpp"
#include "latent/latent_plugin.hpp"

namespace cartography::latent {

class LatentClient {
 public:
  explicit LatentClient(const LatentOptions& options) {
    auto* abi = plugin_function<LatentAbiVersionFn>("latent", kLatentAbiSymbol);
    if (abi() != kLatentAbiVersion)
      throw std::runtime_error("the latent plugin has interface version " + std::to_string(abi()) +
                               ", this program needs " + std::to_string(kLatentAbiVersion) +
                               ": rebuild libcartography_latent.so from this source tree");
    auto* open = plugin_function<LatentOpenFn>("latent", kLatentOpenSymbol);
    char error[1024] = {};
    encoder_.reset(open(&options, error, sizeof error));
    if (!encoder_) throw std::runtime_error(error[0] ? error : "the latent plugin failed to open the model");
    encoder_->info(&info_);
  }

  const LatentInfo& info() const { return info_; }
  int64_t latent_frames(int64_t frames) const { return latent_length(frames, info_.frames_per_latent); }

  void encode(const double* x, int64_t frames, float* mu, float* logvar) {
    check(encoder_->encode(x, frames, mu, logvar));
  }
  void encode_batch(const std::vector<LatentMap>& maps) {
    check(encoder_->encode_batch(maps.data(), static_cast<int64_t>(maps.size())));
  }
  void sample(const double* x, int64_t frames, uint64_t seed, float* z) {
    check(encoder_->sample(x, frames, seed, z));
  }
  void decode(const float* z, int64_t latent_frames, float* out) {
    check(encoder_->decode(z, latent_frames, out));
  }

 private:
  void check(int status) const {
    if (status != 0) throw std::runtime_error(encoder_->last_error());
  }
  std::unique_ptr<LatentEncoder> encoder_;
  LatentInfo info_;
};

}  // namespace cartography::latent
