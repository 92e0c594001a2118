// `cartography encode-latent` end to end: the program loads the latent plugin, reads a
// (9, L) float64 .npy, writes (D, ceil(L/18)) float32 equal to the reference's latents.
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
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

TEST(EncodeLatentCli, ValuesBeyondFloat32AreRefusedNamingTheFirstOne) {
  // Finite float64 values that float32 cannot hold used to become inf inside the model and
  // NaN latents in a file written with rc 0.
  if (!fs::exists(kProgram)) GTEST_SKIP() << kProgram << "is not built yet";
  Paths p;
  for (const double bad : {1e39, -3.5e38, 1e300}) {
    std::vector<double> x(9 * 100, 0.25);
    x[3 * 100 + 57] = bad;
    x[5 * 100 + 2] = bad;  // a later one is not the one reported
    cartography::io::write_npy<double>(p("big.npy"), {9, 100}, x.data());
    const CliRun r = run("encode-latent " + p("big.npy") + " --checkpoint " + checkpoint_path("tiny") + " --out " +
                         p("z.npy") + " --cpu");
    EXPECT_NE(r.status, 0) << bad;
    EXPECT_TRUE(contains(r.err, p("big.npy") + ": value beyond float32's range")) << r.err;
    EXPECT_TRUE(contains(r.err, "at row 3, frame 57")) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(p("z.npy")));
    EXPECT_FALSE(fs::exists(p("z.npy.tmp")));
  }
  // The largest float32 itself is accepted as input (whatever the model makes of it, no
  // non-finite latent is ever written: rc 0 means a finite file).
  std::vector<double> x(9 * 100, 0.0);
  x[0] = static_cast<double>(std::numeric_limits<float>::max());
  cartography::io::write_npy<double>(p("max.npy"), {9, 100}, x.data());
  const CliRun r = run("encode-latent " + p("max.npy") + " --checkpoint " + checkpoint_path("tiny") + " --out " +
                       p("z.npy") + " --cpu");
  EXPECT_FALSE(contains(r.err, "beyond float32")) << r.err;
  if (r.status == 0) {
    for (float v : cartography::io::read_npy<float>(p("z.npy")).data) ASSERT_TRUE(std::isfinite(v));
  } else {
    EXPECT_TRUE(contains(r.err, "non-finite latent")) << r.err;
    EXPECT_FALSE(fs::exists(p("z.npy")));
  }
}

TEST(EncodeLatentCli, InputFileProblemsNameTheFileAndTheProblem) {
  if (!fs::exists(kProgram)) GTEST_SKIP() << kProgram << "is not built yet";
  Paths p;
  const auto encode = [&](const std::string& input, const std::string& out = "z.npy") {
    return run("encode-latent " + input + " --checkpoint " + checkpoint_path("tiny") + " --out " + p(out) + " --cpu");
  };
  // An integer array: the message says which dtypes are wanted (it used to say "not <f4").
  {
    std::string bytes = cartography::io::npy_header("<i8", {9, 4}) + std::string(9 * 4 * 8, '\0');
    std::ofstream(p("ints.npy"), std::ios::binary) << bytes;
    const CliRun r = encode(p("ints.npy"));
    EXPECT_NE(r.status, 0);
    EXPECT_TRUE(contains(r.err, p("ints.npy") + ": the .npy dtype is '<i8' but float64 ('<f8') or float32 ('<f4') is required"))
        << r.err;
  }
  // A truncated header (it used to be reported as "Fortran order").
  {
    const std::string bytes = cartography::io::npy_header("<f8", {9, 4});
    std::ofstream(p("cut.npy"), std::ios::binary) << bytes.substr(0, 30);
    const CliRun r = encode(p("cut.npy"));
    EXPECT_NE(r.status, 0);
    EXPECT_TRUE(contains(r.err, p("cut.npy") + ": truncated .npy header")) << r.err;
  }
  // A header claiming far more data than the file holds.
  {
    const std::string bytes = cartography::io::npy_header("<f8", {9, int64_t{1} << 40}) + std::string(64, '\0');
    std::ofstream(p("huge.npy"), std::ios::binary) << bytes;
    const CliRun r = encode(p("huge.npy"));
    EXPECT_NE(r.status, 0);
    EXPECT_TRUE(contains(r.err, p("huge.npy") + ": the .npy header claims shape (9, 1099511627776)")) << r.err;
  }
  // float32 input is accepted and gives the latents of the same values as float64.
  {
    const auto x = golden<float>("small", 4, "x");
    cartography::io::write_npy<float>(p("x32.npy"), x.shape, x.data.data());
    const std::vector<double> xd(x.data.begin(), x.data.end());
    cartography::io::write_npy<double>(p("x64.npy"), x.shape, xd.data());
    ASSERT_EQ(encode(p("x32.npy"), "z32.npy").status, 0);
    ASSERT_EQ(encode(p("x64.npy"), "z64.npy").status, 0);
    EXPECT_EQ(cartography::io::read_npy<float>(p("z32.npy")).data, cartography::io::read_npy<float>(p("z64.npy")).data);
  }
  EXPECT_FALSE(fs::exists(p("z.npy")));
}

TEST(EncodeLatentCli, OutputThatIsAFifoIsRefusedBeforeTheModelRuns) {
  // rename() would replace the node (as root, `--out /dev/full` became a regular file).
  if (!fs::exists(kProgram)) GTEST_SKIP() << kProgram << "is not built yet";
  Paths p;
  const std::vector<double> ok(9 * 100, 0.0);
  cartography::io::write_npy<double>(p("x.npy"), {9, 100}, ok.data());
  ASSERT_EQ(::mkfifo(p("z.npy").c_str(), 0600), 0);
  const CliRun r = run("encode-latent " + p("x.npy") + " --checkpoint " + checkpoint_path("tiny") + " --out " + p("z.npy"));
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "z.npy is a FIFO, not a regular file")) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(p("z.npy"))));
}
