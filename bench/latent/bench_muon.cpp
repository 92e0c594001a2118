// One Muon step (src/latent/training/muon.hpp) over the full-size latent model's parameters
// (muon_shapes.txt, from muon_shapes.py: critic 4.8 M floats, generator 14.9 M), random weights
// and gradients, CPU, 2 threads. muon_reference_step.py times the reference's step on the same
// shapes. Argument: 0 = critic, 1 = generator.
//
// Shared 2-core machine (load ~5), wall time per step: critic 0.57 s, generator 1.48 s; the
// reference under torch 2.7.1 in the same conditions 1.5 s and 12.8 s. With every bf16 matmul
// done as float32 through Debian's reference BLAS (before muon.cpp used oneDNN's bf16 matmul
// for large products) they took 17.7 s and 40 s.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "latent/training/muon.hpp"

using namespace cartography::latent::training;

namespace {

// Line `group` of muon_shapes.txt: a name, then shapes AxBxC ('s' = 0-dim).
std::vector<std::vector<int64_t>> group_shapes(int group) {
  std::ifstream in(CARTO_MUON_SHAPES);
  std::string line;
  for (int i = 0; i <= group; ++i)
    if (!std::getline(in, line)) throw std::runtime_error(std::string(CARTO_MUON_SHAPES) + ": missing group line");
  std::istringstream words(line);
  std::string word;
  words >> word;  // the group's name
  std::vector<std::vector<int64_t>> shapes;
  while (words >> word) {
    std::vector<int64_t> shape;
    if (word != "s") {
      std::istringstream dims(word);
      for (std::string d; std::getline(dims, d, 'x');) shape.push_back(std::stoll(d));
    }
    shapes.push_back(shape);
  }
  return shapes;
}

void BM_MuonStep(benchmark::State& state) {
  torch::set_num_threads(2);
  torch::manual_seed(0);
  std::vector<torch::Tensor> params;
  for (const auto& s : group_shapes(static_cast<int>(state.range(0)))) params.push_back(torch::randn(s));
  MuonOptions o;
  o.lr = 0.002, o.weight_decay = 0;
  MuonOptimizer opt(params, o);
  int64_t floats = 0;
  for (const auto& p : params) floats += p.numel();
  for (auto _ : state) {
    state.PauseTiming();
    for (auto& p : params) p.mutable_grad() = torch::randn_like(p);
    state.ResumeTiming();
    opt.step();
  }
  state.counters["floats"] = static_cast<double>(floats);
  state.counters["tensors"] = static_cast<double>(params.size());
}

}  // namespace

BENCHMARK(BM_MuonStep)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK_MAIN();
