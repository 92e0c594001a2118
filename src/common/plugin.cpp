#include "common/plugin.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <vector>

namespace cartography {
namespace fs = std::filesystem;

std::string executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

namespace {

std::vector<fs::path> candidate_paths(const std::string& file) {
  std::vector<fs::path> out;
  if (const char* dir = std::getenv("CARTOGRAPHY_PLUGIN_DIR"); dir && *dir) out.push_back(fs::path(dir) / file);
  fs::path exe_dir = executable_dir();
  out.push_back(exe_dir / ".." / "lib" / file);
  out.push_back(exe_dir / file);
  out.push_back(exe_dir / ".." / "lib" / "cartography" / file);
  return out;
}

// libgomp (libtorch's OpenMP) spin-waits between parallel regions by default: on a node where
// another process holds a core, a spinning thread burns the time slice its partner needs, and the
// latent stage of one process with 2 threads measured 5-15 s instead of 0.75 s on 36 maps
// (bench/latent/time_latent_loaded.sh). Threads that wait passively lose nothing when alone.
// libgomp reads the policy once, when it is loaded (as a dependency of a plugin), so it is set
// here, before any dlopen; a policy the user chose is kept.
void prefer_passive_openmp_waiting() { setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/0); }

}  // namespace

void* open_plugin(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, void*> handles;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = handles.find(name); it != handles.end()) return it->second;
  prefer_passive_openmp_waiting();
  const std::string file = "libcartography_" + name + ".so";
  std::string errors;
  for (const fs::path& path : candidate_paths(file)) {
    if (!fs::exists(path)) continue;
    if (void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL)) return handles[name] = h;
    errors += std::string("\n  ") + dlerror();
  }
  if (void* h = dlopen(file.c_str(), RTLD_NOW | RTLD_GLOBAL)) return handles[name] = h;
  errors += std::string("\n  ") + dlerror();
  throw PluginError("cannot load the " + name + " plugin (" + file +
                    "); set CARTOGRAPHY_PLUGIN_DIR to the folder that holds it:" + errors);
}

void* plugin_symbol(const std::string& name, const char* symbol) {
  void* handle = open_plugin(name);
  dlerror();
  void* address = dlsym(handle, symbol);
  if (!address) throw PluginError("plugin " + name + " has no symbol " + symbol);
  return address;
}

void require_plugin_abi(const std::string& name, const char* abi_symbol, int expected) {
  using AbiVersionFn = int();
  const int found = plugin_function<AbiVersionFn>(name, abi_symbol)();
  if (found != expected)
    throw PluginError("the " + name + " plugin has interface version " + std::to_string(found) +
                      ", this program needs " + std::to_string(expected) + ": rebuild libcartography_" + name +
                      ".so from this source tree");
}

}  // namespace cartography
