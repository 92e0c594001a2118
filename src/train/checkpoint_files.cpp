#include "train/checkpoint_files.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace cartography::train {
namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'C', 'A', 'R', 'T', 'G', 'R', 'D', '1'};

void rename_or_throw(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) throw std::runtime_error(to + ": cannot be written (rename from " + from + ": " + ec.message() + ")");
}

template <typename T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

}  // namespace

uint64_t fnv1a(const void* data, size_t bytes, uint64_t h) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

void save_checkpoint_atomically(latent::LatentTrainer& trainer, const std::string& path,
                                const latent::CheckpointMeta& meta) {
  const std::string tmp = path + ".tmp";
  if (trainer.save(tmp.c_str(), meta) != 0) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw std::runtime_error(path + ": checkpoint not written: " + trainer.last_error());
  }
  rename_or_throw(tmp, path);
}

void write_text_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), std::streamsize(text.size()));
    out.flush();
    if (!out) throw std::runtime_error(path + ": cannot be written (" + std::strerror(errno) + ")");
  }
  rename_or_throw(tmp, path);
}

std::string pending_gradients_path(const std::string& checkpoint_path) { return checkpoint_path + ".grad"; }

void write_pending_gradients(const std::string& path, const PendingGradients& g) {
  std::string bytes(kMagic, sizeof kMagic);
  put(bytes, g.global_step);
  put(bytes, g.batches_seen);
  put(bytes, int64_t(g.critic.size()));
  put(bytes, int64_t(g.generator.size()));
  bytes.append(reinterpret_cast<const char*>(g.critic.data()), g.critic.size() * sizeof(float));
  bytes.append(reinterpret_cast<const char*>(g.generator.data()), g.generator.size() * sizeof(float));
  put(bytes, fnv1a(bytes.data(), bytes.size()));
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    out.flush();
    if (!out) throw std::runtime_error(path + ": cannot be written (" + std::strerror(errno) + ")");
  }
  rename_or_throw(tmp, path);
}

PendingGradients read_pending_gradients(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot be read (" + std::strerror(errno) + ")");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t head = sizeof kMagic + 4 * sizeof(int64_t);
  if (bytes.size() < head + sizeof(uint64_t) || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw std::runtime_error(path + ": not a pending-gradients file of fit-latent");
  int64_t f[4];
  std::memcpy(f, bytes.data() + sizeof kMagic, sizeof f);
  if (f[2] < 0 || f[3] < 0 || f[2] > (int64_t(1) << 36) || f[3] > (int64_t(1) << 36) ||
      bytes.size() != head + size_t(f[2] + f[3]) * sizeof(float) + sizeof(uint64_t))
    throw std::runtime_error(path + ": truncated or corrupt (sizes do not match the file)");
  uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - sizeof stored, sizeof stored);
  if (fnv1a(bytes.data(), bytes.size() - sizeof stored) != stored)
    throw std::runtime_error(path + ": corrupt (checksum mismatch)");
  PendingGradients g;
  g.global_step = f[0];
  g.batches_seen = f[1];
  g.critic.resize(size_t(f[2]));
  g.generator.resize(size_t(f[3]));
  std::memcpy(g.critic.data(), bytes.data() + head, g.critic.size() * sizeof(float));
  std::memcpy(g.generator.data(), bytes.data() + head + g.critic.size() * sizeof(float),
              g.generator.size() * sizeof(float));
  return g;
}

}  // namespace cartography::train
