// `cartography encode-latent` end to end: the program loads the latent plugin, reads a
// (9, L) float64 .npy, writes (D, ceil(L/18)) float32 equal to the reference's latents.
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "latent_test.hpp"
#include "test_support.hpp"

using namespace latent_test;
namespace fs = std::filesystem;

namespace {

const std::string kProgram = std::string(CARTO_BINARY_DIR) + "/bin/cartography";

struct CliRun {
  int status = -1;
  std::string err;
};

CliRun run(const std::string& args) {
  const fs::path err = fs::temp_directory_path() / ("carto_cli_err_" + std::to_string(::getpid()));
  const int rc = std::system((kProgram + " " + args + " 2> " + err.string()).c_str());
  CliRun r{WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, read_file(err.string())};
  fs::remove(err);
  return r;
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = a.size() == b.size() ? 0 : INFINITY;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) worst = std::max(worst, std::fabs(double(a[i]) - b[i]));
  return worst;
}

struct Paths {
  fs::path dir = fs::temp_directory_path() / ("carto_cli_" + std::to_string(::getpid()));
  Paths() { fs::create_directories(dir); }
  ~Paths() { fs::remove_all(dir); }
  std::string operator()(const std::string& name) const { return (dir / name).string(); }
};

}  // namespace

TEST(EncodeLatentCli, MeanAndSampleMatchTheReference) {
  if (!fs::exists(kProgram)) GTEST_SKIP() << kProgram << "is not built yet";
  Paths p;
  const auto x = golden<float>("small", 4, "x");
  const std::vector<double> xd(x.data.begin(), x.data.end());
  cartography::io::write_npy<double>(p("x.npy"), x.shape, xd.data());
  const std::string ckpt = checkpoint_path("small");

  CliRun r = run("encode-latent " + p("x.npy") + " --checkpoint " + ckpt + " --out " + p("z.npy") + " --cpu");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto z = cartography::io::read_npy<float>(p("z.npy"));
  const auto mu = golden<float>("small", 4, "mu");
  EXPECT_EQ(z.shape, mu.shape);
  EXPECT_LE(max_abs_diff(z.data, mu.data), 1e-5);
  EXPECT_FALSE(fs::exists(p("z.npy.tmp")));

  r = run("encode-latent " + p("x.npy") + " --checkpoint " + ckpt + " --out " + p("s.npy") +
          " --latent sample --seed 1234 --cpu");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_LE(max_abs_diff(cartography::io::read_npy<float>(p("s.npy")).data, golden<float>("small", 4, "z_seed1234").data), 1e-5);
}

TEST(EncodeLatentCli, ErrorsAreOneClearLine) {
  if (!fs::exists(kProgram)) GTEST_SKIP() << kProgram << "is not built yet";
  Paths p;
  const std::vector<double> wrong(8 * 100, 0.0);
  cartography::io::write_npy<double>(p("bad.npy"), {8, 100}, wrong.data());
  CliRun r = run("encode-latent " + p("bad.npy") + " --checkpoint " + checkpoint_path("tiny") + " --out " + p("z.npy"));
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(contains(r.err, "expected a (9, L) array, found shape (8, 100)")) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;

  const std::vector<double> ok(9 * 100, 0.0);
  cartography::io::write_npy<double>(p("x.npy"), {9, 100}, ok.data());
  cartography::io::write_npy<double>(p("not_a_checkpoint.ckpt"), {9, 100}, ok.data());
  r = run("encode-latent " + p("x.npy") + " --checkpoint " + p("not_a_checkpoint.ckpt") + " --out " + p("z.npy"));
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(contains(r.err, "not_a_checkpoint.ckpt: not a zip archive")) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(p("z.npy")));
}
