// metrics.csv: one row per logged training batch, every loss the reference logs under its
// Lightning name, the learning rates as LearningRateMonitor names them (lr-Muon: the critic's
// optimizer, the first; lr-Muon-1: the generator's), and val/l2_rec on the rows of batches
// after which validation ran. An empty cell: not logged at that row.
#pragma once

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>

namespace cartography::train {

struct MetricsRow {
  int64_t epoch = 0, step = 0, batch = 0;  // step: global_step after the batch; batch: batches since the start
  std::optional<double> critic_adversarial, critic_gradient_penalty;
  std::optional<double> gen_kl, gen_adversarial, gen_reconstruction, gen_l2;
  std::optional<double> val_l2_rec;
  std::optional<double> lr_critic, lr_generator;
};

class MetricsLog {
 public:
  // A fresh file, or (keep_before >= 0) the existing one with only its rows of batch < keep_before
  // kept (the rows an interrupted run wrote after its last checkpoint are dropped, so a resumed run
  // appends no duplicate). Throws std::runtime_error naming the file.
  MetricsLog(const std::string& path, int64_t keep_before);
  void append(const MetricsRow& row);  // written through (flushed) at once

  static const char* header();

 private:
  std::string path_;
  std::ofstream out_;
};

}  // namespace cartography::train
