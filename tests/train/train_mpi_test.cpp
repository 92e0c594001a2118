// The training loop under mpirun with the fake trainer (tests/train/fake_trainer.hpp) and the
// MPI all-reduce of the pipeline plugin: every rank holds the same weights after every batch
// (checked by the loop's weight hash, check_weights_every = 1), and the weights equal those of
// one process within float tolerance. Batches of 5 windows: uneven shards at -n 2 and -n 4.
//   train_mpi_test <out_dir>               trains, then stops at half, resumes, trains on; rank 0
//                                          writes <out_dir>/weights.bin (whole run) and
//                                          <out_dir>/weights_resumed.bin
//   train_mpi_test --compare A B tolerance  max |A - B| <= tolerance (relative to max |A|)
// Plain main: returns 1 on a failure.
#include <mpi.h>

#include <cmath>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "pipeline/mpi_gradient_reducer.hpp"
#include "train/fake_trainer.hpp"
#include "train/train_loop.hpp"

namespace {
using namespace cartography;
using train::testing::all_weights;

void write_floats(const std::string& path, const std::vector<float>& v) {
  std::ofstream o(path, std::ios::binary | std::ios::trunc);
  o.write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(float)));
}

std::vector<float> read_floats(const std::string& path) {
  std::ifstream i(path, std::ios::binary);
  std::vector<char> b((std::istreambuf_iterator<char>(i)), {});
  std::vector<float> v(b.size() / sizeof(float));
  std::memcpy(v.data(), b.data(), v.size() * sizeof(float));
  return v;
}

int compare(const std::string& a, const std::string& b, double tolerance) {
  const auto x = read_floats(a), y = read_floats(b);
  if (x.empty() || x.size() != y.size()) {
    std::fprintf(stderr, "FAILED: %s and %s differ in size (%zu, %zu)\n", a.c_str(), b.c_str(), x.size(), y.size());
    return 1;
  }
  double diff = 0, scale = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    diff = std::max(diff, std::fabs(double(x[i]) - y[i]));
    scale = std::max(scale, std::fabs(double(x[i])));
  }
  std::printf("max |diff| %.3g (max |w| %.3g)\n", diff, scale);
  if (!(diff <= tolerance * scale)) {
    std::fprintf(stderr, "FAILED: %s vs %s: max |diff| %.3g > %.3g\n", a.c_str(), b.c_str(), diff, tolerance * scale);
    return 1;
  }
  return 0;
}

train::LoopOptions options(const std::string& out_dir, int64_t max_steps) {
  train::LoopOptions o;
  o.config = train::read_train_config(std::string(CARTO_SOURCE_DIR) + "/config/latent_tiny.yml");
  o.config.model.grad_accum_steps = 2;
  o.config.model.critic_steps_per_gen = 2;
  o.config.model.warmup_steps = 4;
  o.config.batch_size = 5;
  o.config.seq_len = 16;
  o.config.max_steps = max_steps;
  o.config.val_check_interval = {true, 3};
  o.config.check_val_every_n_epoch.reset();
  o.config.limit_val_batches = {false, 1.0};
  o.config.log_every_n_steps = 1;
  o.out_dir = out_dir;
  o.seed = 11;
  o.checkpoint_every = 2;
  o.check_weights_every = 1;
  return o;
}

int train_and_resume(const std::string& out_dir) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  pipeline::MpiGradientReducer reducer(MPI_COMM_WORLD);
  const int64_t windows = 5 * 5 + 1, max_steps = 30;
  std::vector<float> whole_weights;
  {
    const auto o = options(out_dir + "/whole", max_steps);
    train::testing::FakeTrainer t(o.config.model);
    train::testing::ToySource s(windows, 5, 16, 5);
    train::run_train_loop(t, s, reducer, o);
    whole_weights = all_weights(t);
  }
  {
    auto o = options(out_dir + "/resumed", 13);
    train::testing::FakeTrainer first(o.config.model);
    train::testing::ToySource s(windows, 5, 16, 5);
    train::run_train_loop(first, s, reducer, o);
    o.config.max_steps = max_steps;
    o.resume = true;
    train::testing::FakeTrainer second(o.config.model, 77);
    train::run_train_loop(second, s, reducer, o);
    if (rank == 0) {
      write_floats(out_dir + "/weights.bin", whole_weights);
      write_floats(out_dir + "/weights_resumed.bin", all_weights(second));
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "--compare") return compare(argv[2], argv[3], std::stod(argv[4]));
  if (argc != 2) {
    std::fprintf(stderr, "usage: train_mpi_test <out_dir> | --compare A B tolerance\n");
    return 2;
  }
  MPI_Init(&argc, &argv);
  int rc = 0;
  try {
    rc = train_and_resume(argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FAILED: %s\n", e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
  return rc;
}
