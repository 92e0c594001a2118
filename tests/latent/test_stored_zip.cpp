// The zip container reader: real torch.save archives, and every way such a file can be broken.
#include <string>

#include "latent/checkpoint/checkpoint_error.hpp"
#include "latent/checkpoint/stored_zip.hpp"
#include "latent_test.hpp"
#include "test_support.hpp"

using cartography::latent::CheckpointError;
using cartography::latent::StoredZip;
using namespace latent_test;

namespace {

std::string error_of(const std::string& contents) {
  TempFile f(contents);
  try {
    StoredZip zip(f.path());
  } catch (const CheckpointError& e) {
    EXPECT_TRUE(contains(e.what(), f.path())) << "the message names the file:" << e.what();
    return e.what();
  }
  return "";
}

}  // namespace

TEST(StoredZip, Crc32CheckValue) {
  const std::string s = "123456789";  // the standard CRC-32 check input
  EXPECT_EQ(cartography::latent::crc32(std::span<const std::byte>(reinterpret_cast<const std::byte*>(s.data()), s.size())),
            0xCBF43926u);
}

TEST(StoredZip, ListsTheEntriesOfRealCheckpoints) {
  // Entry counts and the first entry as Python's zipfile lists them.
  StoredZip tiny(checkpoint_path("tiny"));
  EXPECT_EQ(tiny.entries().size(), 148u);
  EXPECT_EQ(tiny.entries()[0].name, "vae_tiny/data.pkl");
  EXPECT_EQ(tiny.entries()[0].size, 32068u);
  StoredZip small(checkpoint_path("small"));
  EXPECT_EQ(small.entries().size(), 184u);
  const StoredZip::Entry* version = small.find("vae_small/version");
  ASSERT_TRUE(version != nullptr);
  auto bytes = small.data(*version);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), "3\n");
  // Every entry's CRC checks out.
  for (const auto& e : small.entries()) small.data(e);
}

TEST(StoredZip, RefusesMissingEmptyGarbageAndTruncatedFiles) {
  EXPECT_THROW(StoredZip("/nonexistent/file.ckpt"), CheckpointError);
  EXPECT_TRUE(contains(error_of(""), "empty file"));
  EXPECT_TRUE(contains(error_of(std::string(5000, 'x')), "not a zip archive"));
  const std::string real = read_file(checkpoint_path("tiny"));
  // Cut in the middle: the central directory is gone.
  EXPECT_TRUE(contains(error_of(real.substr(0, real.size() / 2)), "end-of-central-directory"));
  // Cut just before the end record: the directory offset now points past the end.
  const std::string cut = real.substr(0, real.size() - 200) + real.substr(real.size() - 22);
  const std::string message = error_of(cut);
  EXPECT_TRUE(contains(message, "truncated") || contains(message, "corrupt")) << message;
}

TEST(StoredZip, RefusesCompressedEntries) {
  const std::string zip = make_zip({{"a/data.pkl", "xyz", 8}});
  const std::string message = error_of(zip);
  EXPECT_TRUE(contains(message, "compressed")) << message;
  EXPECT_TRUE(contains(message, "a/data.pkl")) << message;
}

TEST(StoredZip, ReportsEntriesThatRunPastTheEnd) {
  std::string zip = make_zip({{"a/data.pkl", std::string(100, 'p')}});
  // Claim 10,000 bytes in the central directory (stored: both sizes).
  const size_t cd = zip.find("PK\x01\x02");
  ASSERT_NE(cd, std::string::npos);
  std::string big;
  put_le(big, 10000, 4);
  zip.replace(cd + 20, 4, big);
  zip.replace(cd + 24, 4, big);
  const std::string message = error_of(zip);
  EXPECT_TRUE(contains(message, "extends past the end")) << message;
}

TEST(StoredZip, DetectsCorruptDataByCrc) {
  std::string real = read_file(checkpoint_path("tiny"));
  StoredZip original(checkpoint_path("tiny"));
  const StoredZip::Entry* e = original.find("vae_tiny/data/5");
  ASSERT_TRUE(e != nullptr);
  real[e->data_offset + 3] ^= 0x40;
  TempFile f(real);
  StoredZip zip(f.path());
  try {
    zip.data(*zip.find("vae_tiny/data/5"));
    ADD_FAILURE() << "a flipped bit went unnoticed";
  } catch (const CheckpointError& err) {
    EXPECT_TRUE(contains(err.what(), "CRC mismatch in entry vae_tiny/data/5")) << err.what();
  }
}

TEST(StoredZip, ReadsZip64Records) {
  const std::string zip = make_zip({{"a/data.pkl", "pickle"}, {"a/data/0", std::string(40, 'w')}}, /*zip64=*/true);
  TempFile f(zip);
  StoredZip z(f.path());
  ASSERT_EQ(z.entries().size(), 2u);
  const StoredZip::Entry* e = z.find("a/data/0");
  ASSERT_TRUE(e != nullptr);
  EXPECT_EQ(e->size, 40u);
  auto bytes = z.data(*e);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), std::string(40, 'w'));
  auto pkl = z.data(*z.find("a/data.pkl"));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(pkl.data()), pkl.size()), "pickle");
}
