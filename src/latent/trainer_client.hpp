// Opening the training side of the latent plugin from code that does not link libtorch (the
// pipeline plugin's fit-latent job): loads libcartography_latent.so through open_plugin("latent"),
// checks its trainer ABI version and opens a LatentTrainer; the reference's audio features
// (cartography_latent_cqt) as a throwing function. The same convention as latent_client.hpp.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "common/plugin.hpp"
#include "latent/trainer_plugin.hpp"

namespace cartography::latent {

class TrainerClient {
 public:
  explicit TrainerClient(const TrainerOptions& options) {
    auto* abi = plugin_function<TrainerAbiVersionFn>("latent", kTrainerAbiSymbol);
    if (abi() != kTrainerAbiVersion)
      throw std::runtime_error("the latent plugin has trainer interface version " + std::to_string(abi()) +
                               ", this program needs " + std::to_string(kTrainerAbiVersion) +
                               ": rebuild libcartography_latent.so from this source tree");
    auto* open = plugin_function<TrainerOpenFn>("latent", kTrainerOpenSymbol);
    char error[1024] = {};
    trainer_.reset(open(&options, error, sizeof error));
    if (!trainer_) throw std::runtime_error(error[0] ? error : "the latent plugin failed to open the trainer");
  }

  LatentTrainer& trainer() { return *trainer_; }

  // Audio features [72, n/98 + 1] of mono 16384 Hz s16 samples into `out`.
  static void cqt(const int16_t* samples, int64_t n, float* out, int threads) {
    static CqtFn* fn = plugin_function<CqtFn>("latent", kCqtSymbol);
    char error[1024] = {};
    if (fn(samples, n, out, threads, error, sizeof error) != 0)
      throw std::runtime_error(error[0] ? error : "the latent plugin's CQT failed");
  }

 private:
  std::unique_ptr<LatentTrainer> trainer_;
};

}  // namespace cartography::latent
