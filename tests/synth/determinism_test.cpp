// Same seed and options: byte-identical archives and manifest, whatever the thread count.
// Another seed: different archives.
#include <gtest/gtest.h>

#include <filesystem>

#include "synth/synth.hpp"
#include "synth/synth_corpus.hpp"

namespace cartography::synth {
namespace {

TEST(SynthDeterminism, SameSeedSameBytesWhateverTheThreadCount) {
  const auto& first = testing::corpus(testing::small_options());
  SynthOptions o = testing::small_options();
  o.jobs = 1;
  o.out_dir = testing::temp_dir("again");
  generate_corpus(o);
  const auto names = testing::files_in(first.dir);
  ASSERT_EQ(names, testing::files_in(o.out_dir));
  for (const auto& name : names)
    EXPECT_TRUE(testing::read_file(first.dir + "/" + name) == testing::read_file(o.out_dir + "/" + name)) << name;
  std::filesystem::remove_all(o.out_dir);
}

TEST(SynthDeterminism, AnotherSeedAnotherCorpus) {
  const auto& first = testing::corpus(testing::small_options());
  SynthOptions o = testing::small_options();
  o.seed = 6;
  const auto& other = testing::corpus(o);
  EXPECT_NE(first.manifest.at("archives"), other.manifest.at("archives"));
  const auto a = testing::files_in(first.dir), b = testing::files_in(other.dir);
  int same = 0;
  for (const auto& name : a)
    if (std::find(b.begin(), b.end(), name) != b.end() && name != "synth_manifest.json")
      same += testing::read_file(first.dir + "/" + name) == testing::read_file(other.dir + "/" + name);
  EXPECT_EQ(same, 0);
}

}  // namespace
}  // namespace cartography::synth
