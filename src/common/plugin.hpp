// Heavy stages (MPI + HDF5 pipeline, libtorch latent model, FFmpeg synthesis) live in shared
// libraries opened only when a subcommand needs them, so `cartography encode-osu` and `--help`
// start without paying for MPI, libtorch or FFmpeg (each costs 80 ms to 0.6 s per process).
#pragma once

#include <stdexcept>
#include <string>

namespace cartography {

struct PluginError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Opens libcartography_<name>.so (RTLD_GLOBAL: Open MPI's components resolve symbols of
// libmpi through the global scope). Looks in $CARTOGRAPHY_PLUGIN_DIR, then in ../lib and the
// directory beside the running executable, then the loader's default path. Handles are cached.
void* open_plugin(const std::string& name);

// The address of a symbol of an opened plugin, or PluginError naming plugin and symbol.
void* plugin_symbol(const std::string& name, const char* symbol);

template <typename Fn>
Fn* plugin_function(const std::string& name, const char* symbol) {
  return reinterpret_cast<Fn*>(plugin_symbol(name, symbol));
}

// Every plugin exports `int <abi_symbol>()`, the version of its plain-struct interface, bumped
// whenever a struct or an entry point changes. A plugin built from another source tree would
// read the caller's structs wrongly: this throws PluginError naming the plugin and both
// versions unless the plugin's version is `expected`.
void require_plugin_abi(const std::string& name, const char* abi_symbol, int expected);

// Directory of the running executable (from /proc/self/exe).
std::string executable_dir();

}  // namespace cartography
