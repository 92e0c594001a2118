// The plugin as the CLI reaches it: libcartography_synth.so loaded by name, its entry point
// writing a corpus; and, when the `cartography` program is built, the subcommand end to end.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "common/plugin.hpp"
#include "synth/synth_corpus.hpp"
#include "synth/synth_plugin.hpp"

namespace cartography::synth {
namespace {

namespace fs = std::filesystem;

TEST(SynthPlugin, EntryPointWritesACorpus) {
  setenv("CARTOGRAPHY_PLUGIN_DIR", CARTO_BINARY_DIR "/lib", 1);
  require_plugin_abi("synth", kSynthAbiSymbol, kSynthAbiVersion);
  auto* entry = plugin_function<SynthRunFn>("synth", kSynthRunSymbol);
  auto run = [entry](const SynthOptions& options) {
    const SynthRunOptions plain = to_plugin_options(options);
    return entry(&plain);
  };
  SynthOptions o;
  o.out_dir = testing::temp_dir("plugin");
  o.songs = 2;
  o.duration_s = 4;
  o.quiet = true;
  EXPECT_EQ(run(o), 0);
  EXPECT_TRUE(fs::exists(o.out_dir + "/synth_manifest.json"));
  EXPECT_GE(testing::files_in(o.out_dir).size(), 3u);
  SynthOptions bad = o;
  bad.songs = 0;
  EXPECT_EQ(run(bad), 1);  // reported, not thrown across the plugin boundary
  fs::remove_all(o.out_dir);
}

TEST(SynthPlugin, CartographySynthSubcommand) {
  const std::string exe = CARTO_BINARY_DIR "/bin/cartography";
  if (!fs::exists(exe)) GTEST_SKIP() << "cartography not built";
  const std::string dir = testing::temp_dir("cli");
  const std::string cmd = exe + " synth " + dir + " --songs 2 --seed 9 --duration 4 -q";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  EXPECT_TRUE(fs::exists(dir + "/synth_manifest.json"));
  EXPECT_NE(std::system((exe + " synth " + dir + " --songs 0 -q 2>/dev/null").c_str()), 0);
  fs::remove_all(dir);
}

// The planted spec crosses the plugin boundary as a borrowed string (ABI 2).
TEST(SynthPlugin, PlantedSpecReachesThePlugin) {
  const std::string exe = CARTO_BINARY_DIR "/bin/cartography";
  if (!fs::exists(exe)) GTEST_SKIP() << "cartography not built";
  const std::string dir = testing::temp_dir("planted_cli");
  const std::string cmd = exe + " synth " + dir + " --songs 2 --seed 9 --duration 4 -q --planted ONSET=song";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const auto text = testing::read_file(dir + "/synth_manifest.json");
  EXPECT_NE(std::string(text.begin(), text.end()).find("\"planted_truth\""), std::string::npos);
  EXPECT_NE(std::system((exe + " synth " + dir + "/x --songs 2 -q --planted ONSET=loud 2>/dev/null").c_str()), 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cartography::synth
