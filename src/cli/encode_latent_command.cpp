// `cartography encode-latent <x.npy> --checkpoint <ckpt> --out <z.npy> [--latent mean|sample]
// [--seed N]`: the VAE latents of one 9-dim signal. In: (9, L) float64 .npy (float32 accepted),
// every value finite and within float32's range (the model computes in float32).
// Out: (D, ceil(L/18)) float32 .npy, the posterior mean by default, or the reference's sample
// z = mu + exp(logvar/2)·ε after torch.manual_seed(seed). The model runs in the latent plugin
// (libcartography_latent.so), so this program does not link libtorch. Written to <out>.tmp and
// renamed when complete. Any failure: exit 1 and one stderr line.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "io/npy.hpp"
#include "io/output_file.hpp"
#include "latent/latent_client.hpp"

namespace cartography::cli {
namespace {

struct EncodeLatentOptions {
  std::string input;
  std::string checkpoint;
  std::string out;
  std::string latent = "mean";
  uint64_t seed = 0;
  bool cpu = false;
  int threads = 0;
};

// The first value of a (rows, L) row-major array that the model, which computes in float32,
// cannot take: NaN, infinite, or finite but beyond float32's range (it would become inf, then
// NaN latents). Reported as "row r, frame f".
void require_float32_range(const std::string& path, const std::vector<double>& values, int64_t L) {
  constexpr double kMax = std::numeric_limits<float>::max();
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (std::isfinite(v) && std::fabs(v) <= kMax) continue;
    std::ostringstream os;
    os << path << ": " << (std::isfinite(v) ? "value beyond float32's range" : "non-finite value") << " ("
       << v << ") at row " << i / static_cast<size_t>(L) << ", frame " << i % static_cast<size_t>(L)
       << "; the latent model computes in float32";
    throw std::runtime_error(os.str());
  }
}

// Never presents an output holding NaN or infinity (a checkpoint whose weights overflow on this
// input could produce one).
void require_finite_latents(const std::string& checkpoint, const std::vector<float>& z, int64_t l) {
  for (size_t i = 0; i < z.size(); ++i)
    if (!std::isfinite(z[i]))
      throw std::runtime_error(checkpoint + ": the model produced a non-finite latent at channel " +
                               std::to_string(i / static_cast<size_t>(l)) + ", latent frame " +
                               std::to_string(i % static_cast<size_t>(l)) + "; nothing was written");
}

int encode_latent(const EncodeLatentOptions& o) {
  const std::string temporary = o.out + ".tmp";
  try {
    io::refuse_overwriting_input(o.input, o.out);
    io::temporary_for(o.out);  // before any work: a device or FIFO at --out is refused
    const io::NpyArray<double> x = io::read_npy_float64(o.input);
    if (x.shape.size() != 2 || x.shape[0] != 9)
      throw std::runtime_error(o.input + ": expected a (9, L) array, found shape (" +
                               [&] {
                                 std::string s;
                                 for (size_t i = 0; i < x.shape.size(); ++i) s += (i ? ", " : "") + std::to_string(x.shape[i]);
                                 return s;
                               }() + ")");
    const int64_t L = x.shape[1];
    if (L == 0) throw std::runtime_error(o.input + ": the signal has no frames");
    require_float32_range(o.input, x.data, L);

    latent::LatentOptions options;
    options.checkpoint = o.checkpoint.c_str();
    options.force_cpu = o.cpu ? 1 : 0;
    options.threads = o.threads;
    latent::LatentClient model(options);
    const int64_t D = model.info().emb_dim, l = model.latent_frames(L);
    std::vector<float> z(static_cast<size_t>(D * l));
    if (o.latent == "sample") model.sample(x.data.data(), L, o.seed, z.data());
    else model.encode(x.data.data(), L, z.data(), nullptr);
    require_finite_latents(o.checkpoint, z, l);
    io::write_npy<float>(temporary, {D, l}, z.data());
    std::filesystem::rename(temporary, o.out);
    return 0;
  } catch (const std::exception& e) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    std::cerr << "cartography encode-latent: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

Command add_encode_latent(CLI::App& parent) {
  auto o = std::make_shared<EncodeLatentOptions>();
  CLI::App* app = parent.add_subcommand(
      "encode-latent", "Encode a (9, L) signal with the VAE encoder into a (D, ceil(L/18)) float32 .npy");
  app->add_option("x", o->input, "(9, L) float64 .npy signal (from encode-osu)")->required();
  app->add_option("--checkpoint", o->checkpoint, "Latent-model checkpoint (.ckpt)")->required();
  app->add_option("--out", o->out, "Output .npy file")->required();
  app->add_option("--latent", o->latent, "mean: the posterior mean (deterministic); sample: the reference's draw")
      ->check(CLI::IsMember({"mean", "sample"}))
      ->capture_default_str();
  app->add_option("--seed", o->seed, "Seed of the sample (torch.manual_seed) for --latent sample")->capture_default_str();
  app->add_flag("--cpu", o->cpu, "Run on the CPU even when CUDA is available");
  app->add_option("--threads", o->threads, "CPU threads (0: libtorch's default)")->check(CLI::NonNegativeNumber);
  return {app, [o] { return encode_latent(*o); }};
}

}  // namespace cartography::cli
