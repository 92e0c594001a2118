// `cartography encode-latent <x.npy> --checkpoint <ckpt> --out <z.npy> [--latent mean|sample]
// [--seed N]`: the VAE latents of one 9-dim signal. In: (9, L) float64 .npy (float32 accepted).
// Out: (D, ceil(L/18)) float32 .npy, the posterior mean by default, or the reference's sample
// z = mu + exp(logvar/2)·ε after torch.manual_seed(seed). The model runs in the latent plugin
// (libcartography_latent.so), so this program does not link libtorch. Written to <out>.tmp and
// renamed when complete. Any failure: exit 1 and one stderr line.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "io/npy.hpp"
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

// The signal as float64, whichever float dtype the file holds.
io::NpyArray<double> read_signal(const std::string& path) {
  try {
    return io::read_npy<double>(path);
  } catch (const io::NpyError& e) {
    if (std::string(e.what()).find("dtype is not") == std::string::npos) throw;
  }
  io::NpyArray<float> f = io::read_npy<float>(path);
  return {f.shape, std::vector<double>(f.data.begin(), f.data.end())};
}

int encode_latent(const EncodeLatentOptions& o) {
  const std::string temporary = o.out + ".tmp";
  try {
    const io::NpyArray<double> x = read_signal(o.input);
    if (x.shape.size() != 2 || x.shape[0] != 9)
      throw std::runtime_error(o.input + ": expected a (9, L) array, found shape (" +
                               [&] {
                                 std::string s;
                                 for (size_t i = 0; i < x.shape.size(); ++i) s += (i ? ", " : "") + std::to_string(x.shape[i]);
                                 return s;
                               }() + ")");
    const int64_t L = x.shape[1];
    if (L == 0) throw std::runtime_error(o.input + ": the signal has no frames");
    for (size_t i = 0; i < x.data.size(); ++i)
      if (!std::isfinite(x.data[i]))
        throw std::runtime_error(o.input + ": non-finite value in row " + std::to_string(i / L) + " at frame " + std::to_string(i % L));

    latent::LatentOptions options;
    options.checkpoint = o.checkpoint.c_str();
    options.force_cpu = o.cpu ? 1 : 0;
    options.threads = o.threads;
    latent::LatentClient model(options);
    const int64_t D = model.info().emb_dim, l = model.latent_frames(L);
    std::vector<float> z(static_cast<size_t>(D * l));
    if (o.latent == "sample") model.sample(x.data.data(), L, o.seed, z.data());
    else model.encode(x.data.data(), L, z.data(), nullptr);
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
