#include "latent/latent_service.hpp"
#include "latent/scoped_threads.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/cuda.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "latent/checkpoint/architecture.hpp"
#include "latent/checkpoint/checkpoint.hpp"
#include "latent/fused_encoder.hpp"
#include "latent/model.hpp"

namespace cartography::latent {
namespace {

// Default window: 2048 latent steps of input (36,864 frames ≈ 3.7 min of music): the fused CPU
// path then adds ~260 MB for the published model; halving it costs ~15% more time on 2 cores
// (twice the thread rendezvous per frame, and the margins).
constexpr int64_t kDefaultCpuWindowSteps = 2048;
constexpr int64_t kDefaultCudaWindowSteps = 8192;

// Setting up the model is hundreds of small tensor ops; with several OpenMP threads each one
// pays a thread rendezvous, which on a busy machine costs milliseconds (measured: 2 s instead of
// 0.15 s to load the full-size model on 2 shared cores). Run the setup on one thread.
struct SerialSection : ScopedThreads {
  SerialSection() : ScopedThreads(1) {}
};

// Work (input frames x trunk width) that earns one more intra-op thread: a window of the
// published model (H = 360) gets a second thread from 8,192 frames (about 50 s of music), the
// small test models (H = 48) from about 61,000. Below that the parallel regions of a forward
// pass (several per layer) cost more in rendezvous than they save: `encode-latent` of vae_small
// on 2,000 to 120,000 frames was no faster with 2 threads than with 1 on a shared 2-core machine.
constexpr int64_t kWorkPerThread = 8192 * 360;

// One window of work: the latent steps [core_begin, core_end) of map `map`, computed from the
// input frames [window_begin, window_end) (padded-frame coordinates).
struct Piece {
  int64_t map = 0;
  int64_t window_begin = 0, window_end = 0;
  int64_t core_begin = 0, core_end = 0;
};

class TorchLatentEncoder final : public LatentEncoder {
 public:
  explicit TorchLatentEncoder(const LatentOptions& options) {
    if (!options.checkpoint || !*options.checkpoint) throw std::runtime_error("no checkpoint given");
    if (options.threads > 0) at::set_num_threads(options.threads);
    threads_ = at::get_num_threads();
    device_ = pick_device(options);
    SerialSection serial;
    const Checkpoint checkpoint(options.checkpoint);
    arch_ = read_architecture(checkpoint);
    model_ = LatentModel(arch_, options.with_decoder != 0);
    model_->load(checkpoint, device_);
    finish(options);
  }

  TorchLatentEncoder(const LatentArchitecture& arch, uint64_t seed, const LatentOptions& options) {
    if (options.threads > 0) at::set_num_threads(options.threads);
    threads_ = at::get_num_threads();
    device_ = pick_device(options);
    SerialSection serial;
    arch_ = arch;
    model_ = LatentModel(arch_, options.with_decoder != 0);
    model_->randomize(seed, device_);
    finish(options);
  }

  void finish(const LatentOptions& options) {
    if (device_.is_cpu() && !options.use_modules) fused_.emplace(model_->encoder, arch_);

    const int64_t chunk = arch_.chunk();
    margin_ = (arch_.receptive_radius() + chunk - 1) / chunk * chunk;
    const int64_t steps = device_.is_cpu() ? kDefaultCpuWindowSteps : kDefaultCudaWindowSteps;
    window_ = options.window_frames > 0 ? (options.window_frames + chunk - 1) / chunk * chunk : steps * chunk;
  }

  void info(LatentInfo* out) const override {
    *out = LatentInfo{};
    out->x_dim = static_cast<int32_t>(arch_.x_dim);
    out->h_dim = static_cast<int32_t>(arch_.h_dim);
    out->emb_dim = static_cast<int32_t>(arch_.emb_dim);
    out->frames_per_latent = static_cast<int32_t>(arch_.chunk());
    out->margin_frames = margin_;
    out->window_frames = window_;
    out->has_decoder = model_->decoder ? 1 : 0;
    out->fused = fused_ ? 1 : 0;
    std::snprintf(out->device, sizeof out->device, "%s", device_.str().c_str());
    std::snprintf(out->architecture, sizeof out->architecture, "%s", arch_.describe().c_str());
  }

  int encode(const double* x, int64_t frames, float* mu, float* logvar) override {
    LatentMap map{x, frames, mu, logvar};
    return encode_batch(&map, 1);
  }

  int encode_batch(const LatentMap* maps, int64_t count) override {
    return guarded([&] { run_batch(maps, count); });
  }

  int sample(const double* x, int64_t frames, uint64_t seed, float* z) override {
    return guarded([&] {
      const int64_t l = arch_.latent_length(frames), D = arch_.emb_dim;
      at::Tensor mu = at::empty({1, D, l}), logvar = at::empty({1, D, l});
      LatentMap map{x, frames, mu.data_ptr<float>(), logvar.data_ptr<float>()};
      run_batch(&map, 1);
      // torch.manual_seed(seed); std = (0.5 * logvar).exp(); z = mu + std * randn_like(std)
      at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
      const at::Tensor std = (logvar * 0.5).exp();
      const at::Tensor eps = at::randn(std.sizes(), generator, std.options());
      const at::Tensor result = (mu + std * eps).contiguous();
      std::memcpy(z, result.data_ptr<float>(), sizeof(float) * static_cast<size_t>(D * l));
    });
  }

  int decode(const float* z, int64_t latent_frames, float* out) override {
    return guarded([&] {
      if (!model_->decoder) throw std::runtime_error("decode() needs the decoder: open with with_decoder = 1");
      if (latent_frames <= 0) throw std::runtime_error("decode() of an empty latent sequence");
      c10::InferenceMode guard;
      const at::Tensor input =
          at::from_blob(const_cast<float*>(z), {1, arch_.emb_dim, latent_frames}, at::kFloat).to(device_);
      const at::Tensor result = model_->decoder->forward(input).to(at::kCPU).contiguous();
      std::memcpy(out, result.data_ptr<float>(), sizeof(float) * static_cast<size_t>(result.numel()));
    });
  }

  const char* last_error() const override { return error_.c_str(); }

 private:
  template <typename F>
  int guarded(F&& f) {
    try {
      f();
      error_.clear();
      return 0;
    } catch (const std::exception& e) {
      error_ = e.what();
    } catch (...) {
      error_ = "unknown error in the latent plugin";
    }
    return -1;
  }

  static at::Device pick_device(const LatentOptions& options) {
    if (options.force_cpu || !torch::cuda::is_available()) return at::Device(at::kCPU);
    const int count = static_cast<int>(torch::cuda::device_count());
    const int index = options.device_index >= 0 ? options.device_index : local_device_index(count);
    if (index >= count)
      throw std::runtime_error("CUDA device " + std::to_string(index) + " requested, " + std::to_string(count) + " present");
    return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
  }

  // Cuts every map into pieces (whole short maps, or windows of long ones with margins), packs
  // consecutive pieces into batches of bounded size, runs them and scatters the latent steps.
  void run_batch(const LatentMap* maps, int64_t count) {
    const int64_t chunk = arch_.chunk();
    std::vector<Piece> pieces;
    for (int64_t m = 0; m < count; ++m) {
      if (maps[m].frames < 0) throw std::runtime_error("negative frame count");
      if (maps[m].frames > 0 && !maps[m].x) throw std::runtime_error("null input signal");
      const int64_t padded = arch_.latent_length(maps[m].frames) * chunk;
      for (int64_t a = 0; a < padded; a += window_) {
        const int64_t b = std::min(padded, a + window_);
        pieces.push_back({m, std::max<int64_t>(0, a - margin_), std::min(padded, b + margin_), a, b});
      }
    }
    const int64_t budget = window_ + 2 * margin_;
    for (size_t first = 0; first < pieces.size();) {
      size_t last = first + 1;
      int64_t total = pieces[first].window_end - pieces[first].window_begin;
      const bool same_length_only = !fused_;  // the module path batches along B, so equal lengths
      while (last < pieces.size()) {
        const int64_t len = pieces[last].window_end - pieces[last].window_begin;
        if (total + len > budget) break;
        if (same_length_only && len != pieces[first].window_end - pieces[first].window_begin) break;
        total += len;
        ++last;
      }
      run_pieces(maps, pieces.data() + first, pieces.data() + last);
      first = last;
    }
  }

  void run_pieces(const LatentMap* maps, const Piece* begin, const Piece* end) {
    c10::InferenceMode guard;
    const int64_t chunk = arch_.chunk(), D = arch_.emb_dim, X = arch_.x_dim;
    std::vector<int64_t> bounds{0};
    for (const Piece* p = begin; p != end; ++p) bounds.push_back(bounds.back() + p->window_end - p->window_begin);
    // The input laid end to end, float32 as the reference's `.float()`, zero-padded:
    // time-major [T, 9] for the fused path, [9, T] for the modules.
    const int64_t T = bounds.back();
    const bool time_major = fused_.has_value();
    at::Tensor x = time_major ? at::zeros({T, X}) : at::zeros({X, T});
    float* xp = x.data_ptr<float>();
    for (const Piece* p = begin; p != end; ++p) {
      const LatentMap& map = maps[p->map];
      const int64_t offset = bounds[p - begin];
      const int64_t stop = std::min(p->window_end, map.frames);
      for (int64_t c = 0; c < X; ++c)
        for (int64_t t = p->window_begin; t < stop; ++t) {
          const int64_t at = offset + t - p->window_begin;
          xp[time_major ? at * X + c : c * T + at] = static_cast<float>(map.x[c * map.frames + t]);
        }
    }
    at::Tensor out;  // [T/chunk, 2D]: mu columns then logvar columns
    if (fused_) {
      ScopedThreads threads(threads_for(T));
      out = fused_->forward(x, bounds);
    } else {
      const int64_t n = end - begin, len = T / n;  // equal lengths: a batch along B
      const at::Tensor batch = x.view({X, n, len}).permute({1, 0, 2}).contiguous().to(device_);
      auto [mu, logvar] = model_->encoder->forward(batch);  // [n, D, len/chunk] each
      out = at::cat({mu, logvar}, 1).permute({0, 2, 1}).reshape({T / chunk, 2 * D}).to(at::kCPU).contiguous();
    }
    const float* op = out.data_ptr<float>();
    for (const Piece* p = begin; p != end; ++p) {
      const LatentMap& map = maps[p->map];
      const int64_t l = arch_.latent_length(map.frames);
      const int64_t from = (bounds[p - begin] + p->core_begin - p->window_begin) / chunk;
      const int64_t n = (p->core_end - p->core_begin) / chunk, to = p->core_begin / chunk;
      for (int64_t i = 0; i < n; ++i)
        for (int64_t d = 0; d < D; ++d) {
          if (map.mu) map.mu[d * l + to + i] = op[(from + i) * 2 * D + d];
          if (map.logvar) map.logvar[d * l + to + i] = op[(from + i) * 2 * D + D + d];
        }
    }
  }

  // Intra-op threads for `frames` input frames on the CPU: by the work, at most as configured.
  int threads_for(int64_t frames) const {
    const int64_t wanted = std::max<int64_t>(1, frames * arch_.h_dim / kWorkPerThread);
    return static_cast<int>(std::min<int64_t>(threads_, wanted));
  }

  int threads_ = 1;  // intra-op threads as configured (LatentOptions::threads, or libtorch's default)
  at::Device device_{at::kCPU};
  LatentArchitecture arch_;
  LatentModel model_{nullptr};
  std::optional<FusedEncoder> fused_;
  int64_t margin_ = 0, window_ = 0;
  std::string error_;
};

}  // namespace

int local_device_index(int device_count) {
  if (device_count <= 0) return 0;
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID", "MPI_LOCALRANKID", "LOCAL_RANK"}) {
    if (const char* v = std::getenv(name); v && *v) {
      char* end = nullptr;
      const long rank = std::strtol(v, &end, 10);
      if (end && *end == '\0' && rank >= 0) return static_cast<int>(rank % device_count);
    }
  }
  return 0;
}

std::unique_ptr<LatentEncoder> make_latent_encoder(const LatentOptions& options) {
  return std::make_unique<TorchLatentEncoder>(options);
}

std::unique_ptr<LatentEncoder> make_random_latent_encoder(const LatentArchitecture& arch, uint64_t seed,
                                                          const LatentOptions& options) {
  return std::make_unique<TorchLatentEncoder>(arch, seed, options);
}

}  // namespace cartography::latent
