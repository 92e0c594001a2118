#include "train/metrics_log.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace cartography::train {
namespace fs = std::filesystem;

namespace {

std::string cell(const std::optional<double>& v) {
  if (!v) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", *v);
  return buf;
}

// The batch column of a data row (the third), or -1 when the row is not one of ours.
int64_t batch_of(const std::string& line) {
  std::istringstream in(line);
  std::string field;
  for (int i = 0; i < 3 && std::getline(in, field, ','); ++i) {
    if (i == 2) {
      try {
        size_t used = 0;
        const long long v = std::stoll(field, &used);
        return used == field.size() ? v : -1;
      } catch (const std::exception&) {
        return -1;
      }
    }
  }
  return -1;
}

}  // namespace

const char* MetricsLog::header() {
  return "epoch,step,batch,train/critic/adversarial,train/critic/gradient_penalty,train/gen/kl,"
         "train/gen/adversarial,train/gen/reconstruction,train/gen/l2,val/l2_rec,lr-Muon,lr-Muon-1";
}

MetricsLog::MetricsLog(const std::string& path, int64_t keep_before) : path_(path) {
  std::vector<std::string> kept;
  if (keep_before >= 0 && fs::exists(path)) {
    std::ifstream in(path);
    std::string line;
    if (!std::getline(in, line) || line != header())
      throw std::runtime_error(path + ": not a metrics.csv of fit-latent (unexpected header); move it away to resume");
    while (std::getline(in, line)) {
      const int64_t b = batch_of(line);
      if (b < 0) throw std::runtime_error(path + ": a row without a batch number: '" + line + "'");
      if (b < keep_before) kept.push_back(line);
    }
  }
  // Rewritten whole through a temporary: an interrupted rewrite leaves the old file.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << header() << "\n";
    for (const auto& l : kept) out << l << "\n";
    out.flush();
    if (!out) throw std::runtime_error(path + ": cannot be written (" + std::strerror(errno) + ")");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw std::runtime_error(path + ": cannot be written (" + ec.message() + ")");
  out_.open(path, std::ios::app);
  if (!out_) throw std::runtime_error(path + ": cannot be opened for appending (" + std::strerror(errno) + ")");
}

void MetricsLog::append(const MetricsRow& r) {
  out_ << r.epoch << ',' << r.step << ',' << r.batch << ',' << cell(r.critic_adversarial) << ','
       << cell(r.critic_gradient_penalty) << ',' << cell(r.gen_kl) << ',' << cell(r.gen_adversarial) << ','
       << cell(r.gen_reconstruction) << ',' << cell(r.gen_l2) << ',' << cell(r.val_l2_rec) << ','
       << cell(r.lr_critic) << ',' << cell(r.lr_generator) << '\n';
  out_.flush();
  if (!out_) throw std::runtime_error(path_ + ": cannot be written (" + std::strerror(errno) + ")");
}

}  // namespace cartography::train
