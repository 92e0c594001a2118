// The 53-minute Marathon map (L = 531,448 frames, 6,503 objects, Bézier segments of more than
// 12 points): parity with its golden encoding, whole and streamed in blocks. Labelled `slow`
// in CTest, but it runs in well under a second in a release build.
#include <gtest/gtest.h>

#include "encode/fixture_names.hpp"
#include "encode/golden_compare.hpp"
#include "osu/beatmap.hpp"

namespace cartography::testing {
namespace {

TEST(Marathon, MatchesReferenceEncoding) {
  const GoldenFile file(golden_path("encode_9dim_marathon.h5"));
  const GoldenEncoding reference = file.read(kMarathon);
  ASSERT_EQ(reference.frames, 531448);
  const osu::Beatmap beatmap = osu::read_beatmap(osu_fixture(kMarathon));
  EXPECT_EQ(static_cast<int64_t>(beatmap.hit_objects().size()), reference.n_objects);
  EXPECT_TRUE(beatmap.repairs().empty());
  const std::vector<double> ours = encode::encode_beatmap(beatmap, reference.frames);
  EXPECT_TRUE(rows_match(ours, reference));
}

TEST(Marathon, StreamedBlocksMatchReference) {
  const GoldenFile file(golden_path("encode_9dim_marathon.h5"));
  const GoldenEncoding reference = file.read(kMarathon);
  const osu::Beatmap beatmap = osu::read_beatmap(osu_fixture(kMarathon));
  const int64_t L = reference.frames, block = 65536;
  encode::SignalEncoder encoder(beatmap);
  std::vector<double> ours(static_cast<size_t>(encode::kRows * L));
  std::vector<double> buffer(static_cast<size_t>(encode::kRows * block));
  for (int64_t first = 0; first < L; first += block) {
    const int64_t n = std::min(block, L - first);
    encoder.encode_block(first, n, buffer.data(), block);
    for (int r = 0; r < encode::kRows; ++r)
      std::copy_n(buffer.begin() + r * block, n, ours.begin() + r * L + first);
  }
  EXPECT_TRUE(rows_match(ours, reference));
}

}  // namespace
}  // namespace cartography::testing
