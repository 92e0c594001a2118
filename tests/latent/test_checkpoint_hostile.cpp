// Crafted checkpoints whose sizes, offsets, shapes and strides were chosen to overflow or to
// point outside their storage: each must be refused with a CheckpointError that names the file
// and says what is wrong, before any element is read.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "latent/checkpoint/architecture.hpp"
#include "latent/checkpoint/checkpoint.hpp"
#include "latent_test.hpp"
#include "test_support.hpp"

using namespace cartography::latent;
using namespace latent_test;

namespace {

constexpr int64_t k2_61 = int64_t{1} << 61;
constexpr int64_t k2_62 = int64_t{1} << 62;

struct Crafted {
  std::string storage_type = "FloatStorage";
  int64_t declared_numel = 4;
  std::string entry = std::string(16, '\0');  // the storage's bytes in the zip
  int64_t offset = 0;
  std::vector<int64_t> shape{4}, stride{1};
};

std::string build(const Crafted& c) {
  PickleWriter p;
  p.proto().op('}').str("state_dict").op('}').str("w");
  p.tensor("0", c.declared_numel, c.offset, c.shape, c.stride, c.storage_type);
  p.op('s').op('s').op('.');
  return make_zip({{"archive/data.pkl", p.bytes()}, {"archive/data/0", c.entry}, {"archive/version", "3\n"}});
}

// The CheckpointError of opening the file, reading every tensor and its architecture ("" when
// all of it succeeded). Every message must name the file.
std::string error_of(const std::string& contents) {
  TempFile f(contents);
  try {
    Checkpoint ck(f.path());
    for (const auto& [key, t] : ck.state_dict()) (void)ck.read_float32(t);
    (void)read_architecture(ck);
  } catch (const CheckpointError& e) {
    EXPECT_TRUE(contains(e.what(), f.path())) << "the message names the file: " << e.what();
    return e.what();
  }
  return "";
}

std::string doubles(const std::vector<double>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
}

}  // namespace

TEST(CheckpointHostile, TheBuilderMakesAReadableCheckpoint) {
  // The baseline the hostile cases below mutate: it must be accepted up to the architecture
  // (a one-tensor state_dict is no osu-dreamer model), so each refusal comes from its mutation.
  const std::string message = error_of(build(Crafted{}));
  EXPECT_TRUE(contains(message, "state_dict has no encoder.0.weight")) << message;
}

TEST(CheckpointHostile, StorageWhoseByteSizeWrapsIsRefused) {
  // numel = 2^61 + 1 doubles: numel x 8 wraps to 8, the size of the one-element entry. Before
  // the checked product this passed, and the offset below read 8 KB past the storage.
  Crafted c;
  c.storage_type = "DoubleStorage";
  c.declared_numel = k2_61 + 1;
  c.entry = doubles({1.0});
  c.offset = 1000;
  c.shape = {1};
  const std::string message = error_of(build(c));
  EXPECT_TRUE(contains(message, "holds 8 bytes but storage 0 needs " + std::to_string(k2_61 + 1) + " x float64"))
      << message;
  // Every dtype size whose wrap an int64 numel can reach: 2^64 / size + 1 elements wrap to
  // `size` bytes, the size of a one-element entry (2-byte types would need numel > 2^63).
  for (const auto& [type, size] : std::vector<std::pair<std::string, uint64_t>>{
           {"FloatStorage", 4}, {"IntStorage", 4}, {"LongStorage", 8}, {"DoubleStorage", 8}}) {
    c.storage_type = type;
    c.declared_numel = static_cast<int64_t>(~uint64_t{0} / size) + 2;  // 2^64 / size + 1
    ASSERT_EQ(static_cast<uint64_t>(c.declared_numel) * size, size) << "the product wraps to one element";
    c.entry = std::string(size, '\0');
    const std::string m = error_of(build(c));
    EXPECT_TRUE(contains(m, "needs " + std::to_string(c.declared_numel))) << type << ": " << m;
  }
}

TEST(CheckpointHostile, ViewWhoseExtentWrapsIsRefused) {
  // (5 - 1) x 2^62 = 2^64: in wrapping arithmetic the last element is index 0, inside.
  Crafted c;
  c.shape = {5};
  c.stride = {k2_62};
  EXPECT_TRUE(contains(error_of(build(c)), "reaches past its storage"));
  // Offset + extent overflows int64.
  c.shape = {2};
  c.stride = {1};
  c.offset = std::numeric_limits<int64_t>::max();
  EXPECT_TRUE(contains(error_of(build(c)), "reaches past its storage"));
  // Two dimensions whose sum of extents overflows although each fits.
  c.offset = 0;
  c.shape = {2, 2};
  c.stride = {std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max()};
  EXPECT_TRUE(contains(error_of(build(c)), "reaches past its storage"));
  // Exactly one past the end (the off-by-one boundary) and exactly at the end.
  c.shape = {5};
  c.stride = {1};
  EXPECT_TRUE(contains(error_of(build(c)), "reaches past its storage"));
  c.shape = {2};
  c.offset = 2;
  const std::string ok = error_of(build(c));
  EXPECT_FALSE(contains(ok, "reaches past")) << ok;
}

TEST(CheckpointHostile, ShapeWhoseElementCountOverflowsIsRefused) {
  Crafted c;
  c.shape = {k2_62, 4};  // 2^64 elements, each at storage index 0
  c.stride = {0, 0};
  EXPECT_TRUE(contains(error_of(build(c)), "number of elements overflows 64 bits"));
  // An overflow before a zero dimension is refused too, not read as an empty tensor.
  c.shape = {k2_62, k2_62, 0};
  c.stride = {0, 0, 0};
  EXPECT_TRUE(contains(error_of(build(c)), "number of elements overflows 64 bits"));
}

TEST(CheckpointHostile, BroadcastViewLargerThanItsStorageIsRefused) {
  // Stride 0 over one element: 2^40 elements from a 4-byte storage would allocate 4 TiB.
  Crafted c;
  c.shape = {int64_t{1} << 40};
  c.stride = {0};
  const std::string message = error_of(build(c));
  EXPECT_TRUE(contains(message, "more than its storage")) << message;
  // As large as the storage is fine (a genuine broadcast of a small vector).
  c.shape = {4};
  EXPECT_FALSE(contains(error_of(build(c)), "more than its storage"));
}

TEST(CheckpointHostile, NegativeAndAbsurdGeometryIsRefused) {
  Crafted c;
  c.shape = {-1};
  EXPECT_TRUE(contains(error_of(build(c)), "negative size or stride"));
  c.shape = {2};
  c.stride = {-1};
  c.offset = 3;
  EXPECT_TRUE(contains(error_of(build(c)), "negative size or stride"));
  c.stride = {1};
  c.offset = -1;
  EXPECT_TRUE(contains(error_of(build(c)), "negative storage offset"));
  c.offset = 0;
  c.shape = std::vector<int64_t>(kMaxTensorDims + 1, 1);
  c.stride = std::vector<int64_t>(kMaxTensorDims + 1, 1);
  EXPECT_TRUE(contains(error_of(build(c)), "65 dimensions (at most 64)"));
  c.stride.pop_back();
  EXPECT_TRUE(contains(error_of(build(c)), "shape and stride differ in length"));
  c.declared_numel = -4;
  EXPECT_TRUE(contains(error_of(build(c)), "negative size"));
}

TEST(CheckpointHostile, WeightsThatAreNotFiniteFloat32AreRefused) {
  // Finite doubles beyond float32's range would become inf (and converting them is undefined).
  Crafted c;
  c.storage_type = "DoubleStorage";
  c.declared_numel = 2;
  c.shape = {2};
  for (double bad : {1e300, -1e39, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    c.entry = doubles({0.5, bad});
    const std::string message = error_of(build(c));
    EXPECT_TRUE(contains(message, "storage 0 element 1 (float64) is not a finite float32")) << bad << ": " << message;
  }
  // The largest finite float32 is still accepted.
  c.entry = doubles({0.5, static_cast<double>(std::numeric_limits<float>::max())});
  EXPECT_FALSE(contains(error_of(build(c)), "finite")) << "float32 max";
  // A float32 NaN.
  c = Crafted{};
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(c.entry.data() + 8, &nan, 4);
  EXPECT_TRUE(contains(error_of(build(c)), "element 2 (float32) is not a finite float32"));
}

TEST(CheckpointHostile, Zip64EntryCountBeyondTheCentralDirectoryIsRefused) {
  // A valid ZIP64 archive whose ZIP64 end record claims 2^40 entries: reserving for them would
  // ask for tens of terabytes.
  std::string zip = make_zip({{"archive/data.pkl", "\x80\x02K\x05."}}, /*zip64=*/true);
  const size_t record = zip.rfind(std::string("\x50\x4b\x06\x06", 4));
  ASSERT_NE(record, std::string::npos);
  for (size_t field : {24u, 32u}) {
    std::string count;
    put_le(count, uint64_t{1} << 40, 8);
    zip.replace(record + field, 8, count);
  }
  const std::string message = error_of(zip);
  EXPECT_TRUE(contains(message, "1099511627776 entries declared")) << message;
}

TEST(CheckpointHostile, WeightsOfTooFewDimensionsForTheArchitecture) {
  // A bare state_dict whose encoder.0.weight is a 0-d tensor: the architecture inference used
  // to index its (absent) first dimension.
  PickleWriter p;
  p.proto().op('}').str("encoder.0.weight").tensor("0", 1, 0, {}, {}).op('s').op('.');
  const std::string zip =
      make_zip({{"archive/data.pkl", p.bytes()}, {"archive/data/0", std::string(4, '\0')}, {"archive/version", "3\n"}});
  const std::string message = error_of(zip);
  EXPECT_TRUE(contains(message, "encoder.0.weight has 0 dimensions, too few")) << message;
}
