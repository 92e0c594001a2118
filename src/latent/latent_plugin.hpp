// The latent model as a plugin: `libcartography_latent.so` exports `cartography_latent_open`,
// which returns a LatentEncoder. Callers (the CLI, the pipeline) include only this header and
// load the library with open_plugin("latent"), so they never link libtorch, and a cluster can
// drop in a build of the library against its own CUDA libtorch (see src/latent/README.md).
//
// The boundary is deliberately C-like: plain structs, pointers, status codes and a
// last_error() string, no std::string and no exceptions across it. A libtorch from pip may be
// built with the old libstdc++ string ABI (_GLIBCXX_USE_CXX11_ABI=0) while the rest of the
// program uses the new one; virtual calls with POD arguments are unaffected by that.
// A LatentEncoder is not thread-safe: use one per thread, or serialise calls.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cartography::latent {

// Bumped whenever the structs or the virtual functions below change.
inline constexpr int kLatentAbiVersion = 2;

struct LatentOptions {
  const char* checkpoint = nullptr;  // Lightning .ckpt (or a bare state_dict saved by torch.save)
  int force_cpu = 0;                 // 1: CPU even when CUDA is available
  int device_index = -1;             // CUDA device; -1: node-local MPI/Slurm rank mod device count
  int threads = 0;                   // > 0: intra-op threads (at::set_num_threads); 0: leave as is
  int64_t window_frames = 0;         // frames per window of work (memory bound); 0: default
  int use_modules = 0;               // 1: plain module forward instead of the fused CPU path
  int with_decoder = 0;              // 1: also load the decoder trunk (for decode())
  // 1: the checkpoint's architecture with random weights drawn from random_seed instead of its
  // trained weights (the random-encoder control of `run`: what the architecture alone gives).
  int random_weights = 0;
  uint64_t random_seed = 0;
};

struct LatentInfo {
  int32_t x_dim = 0;              // 9
  int32_t h_dim = 0;              // H
  int32_t emb_dim = 0;            // D: rows of mu / logvar / z
  int32_t frames_per_latent = 0;  // 18: one latent step per this many input frames
  int64_t margin_frames = 0;      // context added each side of a window (≥ receptive field)
  int64_t window_frames = 0;      // frames encoded per window (longer maps are chunked)
  int32_t has_decoder = 0;
  int32_t fused = 0;              // 1: the fused CPU path is in use
  char device[32] = {};           // "cpu", "cuda:1"
  char architecture[160] = {};    // "H=360 D=32 strides=[2,3,3] stacks=1 depth=4 expand=1/1"
};

// One map of a batch: x is row-major [9, frames] float64; mu and logvar (either may be null)
// receive row-major [D, ceil(frames / 18)] float32.
struct LatentMap {
  const double* x = nullptr;
  int64_t frames = 0;
  float* mu = nullptr;
  float* logvar = nullptr;
};

class LatentEncoder {
 public:
  virtual ~LatentEncoder() = default;
  virtual void info(LatentInfo* out) const = 0;
  // Each returns 0 on success, -1 on failure with the reason in last_error().
  // The posterior mean and log-variance of one map (the map is right-padded with zeros to a
  // multiple of 18; long maps are encoded in overlapping windows, same result).
  virtual int encode(const double* x, int64_t frames, float* mu, float* logvar) = 0;
  // Several maps at once; short maps share work.
  virtual int encode_batch(const LatentMap* maps, int64_t count) = 0;
  // The reference's sample z = mu + exp(logvar/2)·ε, ε = torch.randn_like after
  // torch.manual_seed(seed) (on the CPU generator, whatever the device). z: [D, ceil(frames/18)].
  virtual int sample(const double* x, int64_t frames, uint64_t seed, float* z) = 0;
  // The decoder trunk (before the audio head): z [D, l] → out [H, l·18]. Needs with_decoder.
  virtual int decode(const float* z, int64_t latent_frames, float* out) = 0;
  virtual const char* last_error() const = 0;
};

// Symbols exported by libcartography_latent.so.
inline constexpr const char* kLatentAbiSymbol = "cartography_latent_abi_version";
inline constexpr const char* kLatentOpenSymbol = "cartography_latent_open";
using LatentAbiVersionFn = int();
// Returns a new encoder (delete it when done) or null with the reason copied into `error`.
using LatentOpenFn = LatentEncoder*(const LatentOptions* options, char* error, size_t error_size);

inline int64_t latent_length(int64_t frames, int64_t frames_per_latent = 18) {
  return (frames + frames_per_latent - 1) / frames_per_latent;
}

}  // namespace cartography::latent

extern "C" {
int cartography_latent_abi_version();
cartography::latent::LatentEncoder* cartography_latent_open(const cartography::latent::LatentOptions* options,
                                                            char* error, size_t error_size);
}
