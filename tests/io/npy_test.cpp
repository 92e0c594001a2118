// The .npy reader against hostile headers: every refusal is an NpyError that names the file and
// says what is wrong, and a header claiming more data than the file holds is refused before any
// allocation (a claim of 2^45 elements would otherwise end in std::bad_alloc, not NpyError).
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/npy.hpp"

namespace cartography::io {
namespace {

namespace fs = std::filesystem;

std::string temp_path(const std::string& name) {
  return (fs::path(::testing::TempDir()) / ("npy_" + std::to_string(::getpid()) + "_" + name)).string();
}

// A .npy of format `major`.0 with `dict` as its header text (padded as numpy pads it) and
// `data` after it; the header length field is honest unless `claimed_len` overrides it.
std::string npy_bytes(const std::string& dict, const std::string& data, int major = 1, int64_t claimed_len = -1) {
  const size_t len_bytes = major == 1 ? 2 : 4;
  std::string header = dict;
  const size_t total = 8 + len_bytes + header.size() + 1;
  header.append((total + 63) / 64 * 64 - total, ' ');
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += '\0';
  const uint64_t len = claimed_len >= 0 ? static_cast<uint64_t>(claimed_len) : header.size();
  for (size_t i = 0; i < len_bytes; ++i) out += static_cast<char>((len >> (8 * i)) & 0xFF);
  return out + header + data;
}

std::string dict(const std::string& descr, const std::string& shape, const std::string& fortran = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
}

std::string doubles(const std::vector<double>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
}

struct TempNpy {
  std::string path;
  TempNpy(const std::string& name, const std::string& bytes) : path(temp_path(name)) {
    std::ofstream(path, std::ios::binary) << bytes;
  }
  ~TempNpy() { fs::remove(path); }
};

// The message of read_npy<double> (or of read_npy_float64) on these bytes; "" if accepted.
std::string error_of(const std::string& bytes, bool any_float = false) {
  TempNpy f("case.npy", bytes);
  try {
    if (any_float) (void)read_npy_float64(f.path);
    else (void)read_npy<double>(f.path);
  } catch (const NpyError& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.rfind(f.path + ": ", 0), 0u) << "the message starts with the file: " << m;
    return m;
  }
  return "";
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(NpyReader, AcceptsWhatNumpyWrites) {
  // A version 1.0 and a version 2.0 header, a 0-d array, an empty one, and numpy's own fixture.
  EXPECT_EQ(error_of(npy_bytes(dict("<f8", "(2, 1)"), doubles({1, 2}))), "");
  EXPECT_EQ(error_of(npy_bytes(dict("<f8", "(2,)"), doubles({1, 2}), 2)), "");
  EXPECT_EQ(error_of(npy_bytes(dict("<f8", "()"), doubles({7}))), "");
  EXPECT_EQ(error_of(npy_bytes(dict("<f8", "(9, 0)"), "")), "");
  const auto golden = read_npy<float>(std::string(CARTO_TEST_DATA) + "/vae/golden/small/case4_mu.npy");
  EXPECT_EQ(golden.shape.size(), 2u);
  EXPECT_EQ(golden.data.size(), static_cast<size_t>(golden.shape[0] * golden.shape[1]));
}

TEST(NpyReader, HugeShapeInASmallFileIsRefusedBeforeAllocating) {
  // 192 bytes whose header claims 2^45 doubles (256 TiB).
  const std::string bytes = npy_bytes(dict("<f8", "(35184372088832,)"), std::string(64, '\0'));
  ASSERT_EQ(bytes.size(), 192u);
  const std::string m = error_of(bytes);
  EXPECT_TRUE(has(m, "claims shape (35184372088832,) of '<f8' (281474976710656 bytes of data) but the file holds 64 bytes"))
      << m;
  EXPECT_TRUE(has(m, "truncated")) << m;
  // Elements whose byte count overflows 64 bits, and an element count that overflows.
  EXPECT_TRUE(has(error_of(npy_bytes(dict("<f8", "(4611686018427387904,)"), "")), "over 2^64 bytes"));
  EXPECT_TRUE(has(error_of(npy_bytes(dict("<f8", "(4294967296, 4294967296)"), "")), "more elements than 64 bits"));
  EXPECT_TRUE(has(error_of(npy_bytes(dict("<f8", "(99999999999999999999,)"), "")), "does not fit 64 bits"));
  // Partial products past int64 before a zero dimension (fuzz_npy: the reader accepted this
  // empty array, which write_npy then refused).
  EXPECT_TRUE(has(error_of(npy_bytes(dict("<f8", "(4294967296, 4294967296, 0)"), "")), "more elements than 64 bits"));
  EXPECT_TRUE(has(error_of(npy_bytes(dict("<f8", "(3037000500, 3037000500, 0)"), "")), "more elements than 64 bits"));
}

TEST(NpyReader, DataSizeMustMatchTheHeaderExactly) {
  EXPECT_TRUE(has(error_of(npy_bytes(dict("<f8", "(3,)"), doubles({1, 2}))), "holds 16 bytes after its header: truncated"));
  const std::string m = error_of(npy_bytes(dict("<f8", "(1,)"), doubles({1, 2})));
  EXPECT_TRUE(has(m, "(8 bytes of data) but the file holds 16 bytes")) << m;
  EXPECT_FALSE(has(m, "truncated")) << m;
}

TEST(NpyReader, HeaderProblemsAreNamed) {
  // A header cut short: it used to be reported as "Fortran order".
  const std::string full = npy_bytes(dict("<f8", "(1,)"), doubles({1}));
  std::string m = error_of(full.substr(0, 40));
  EXPECT_TRUE(has(m, "truncated .npy header: it claims 118 bytes but the file has 40 bytes")) << m;
  m = error_of(npy_bytes(dict("<f8", "(1,)"), doubles({1}), 2, int64_t{1} << 31));
  EXPECT_TRUE(has(m, "header claims 2147483648 bytes (at most 65536)")) << m;
  EXPECT_TRUE(has(error_of("\x93NUMPY\x09\x00", false), "not a .npy file"));  // 8 bytes
  EXPECT_TRUE(has(error_of(std::string("\x93NUMPY\x09\x00\x10\x00", 10) + std::string(16, ' ')),
                  "unsupported .npy format version 9.0"));
  EXPECT_TRUE(has(error_of("PK\x03\x04 not numpy at all"), "not a .npy file"));
  EXPECT_TRUE(has(error_of(npy_bytes("{'fortran_order': False, 'shape': (1,), }", doubles({1}))), "no 'descr'"));
  EXPECT_TRUE(has(error_of(npy_bytes("{'descr': '<f8', 'shape': (1,), }", doubles({1}))), "no 'fortran_order'"));
  EXPECT_TRUE(has(error_of(npy_bytes("{'descr': '<f8', 'fortran_order': False, }", doubles({1}))), "no 'shape'"));
  EXPECT_TRUE(has(error_of(npy_bytes(dict("<f8", "(-1,)"), "")), "shape is malformed"));
  EXPECT_TRUE(has(error_of(npy_bytes(dict("<f8", "(1, 2"), "")), "shape is malformed"));
  std::string dims = "(";
  for (int i = 0; i < 33; ++i) dims += "1,";
  EXPECT_TRUE(has(error_of(npy_bytes(dict("<f8", dims + ")"), doubles({1}))), "more than 32 dimensions"));
  EXPECT_TRUE(has(error_of(npy_bytes(dict("<f8", "(1,)", "True"), doubles({1}))), "Fortran-order"));
}

TEST(NpyReader, DtypeMessagesSayWhatIsRequired) {
  const std::string ints = npy_bytes(dict("<i8", "(1,)"), std::string(8, '\0'));
  std::string m = error_of(ints);
  EXPECT_TRUE(has(m, "the .npy dtype is '<i8' but '<f8' is required")) << m;
  m = error_of(ints, /*any_float=*/true);
  EXPECT_TRUE(has(m, "the .npy dtype is '<i8' but float64 ('<f8') or float32 ('<f4') is required")) << m;
  EXPECT_TRUE(has(error_of(npy_bytes(dict(">f8", "(1,)"), doubles({1}))), "'>f8' but '<f8'"));
  // float32 is widened by read_npy_float64 and keeps its values.
  const float f[2] = {1.5f, -2.25f};
  TempNpy file("f4.npy", npy_bytes(dict("<f4", "(2,)"), std::string(reinterpret_cast<const char*>(f), 8)));
  EXPECT_EQ(read_npy_float64(file.path).data, (std::vector<double>{1.5, -2.25}));
}

TEST(NpyReader, NonRegularFilesAreRefusedWithoutBlocking) {
  const std::string fifo = temp_path("fifo.npy");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  try {
    (void)read_npy<double>(fifo);
    ADD_FAILURE() << "a FIFO was read";
  } catch (const NpyError& e) {
    EXPECT_TRUE(has(e.what(), fifo + ": not a regular file")) << e.what();
  }
  fs::remove(fifo);
  EXPECT_THROW((void)read_npy<double>(::testing::TempDir()), NpyError);
  EXPECT_TRUE(has(error_of(""), "not a .npy file"));
  try {
    (void)read_npy<double>(temp_path("missing.npy"));
    ADD_FAILURE() << "a missing file was read";
  } catch (const NpyError& e) {
    EXPECT_TRUE(has(e.what(), "missing.npy: cannot open")) << e.what();
  }
}

TEST(NpyWriter, ShapeWhoseSizeOverflowsIsRefused) {
  const std::string path = temp_path("w.npy");
  EXPECT_THROW((NpyWriter<double>(path, {int64_t{1} << 40, int64_t{1} << 40})), NpyError);
  EXPECT_THROW((NpyWriter<double>(path, {int64_t{1} << 61})), NpyError);  // bytes overflow
  EXPECT_THROW((NpyWriter<double>(path, {-2, 3})), NpyError);
  fs::remove(path);
}

TEST(NpyWriter, SymbolicLinkIsNotWrittenThrough) {
  const std::string target = temp_path("link_target.txt"), link = temp_path("link.npy");
  std::ofstream(target) << "precious";
  fs::remove(link);
  fs::create_symlink(target, link);
  const std::vector<double> x = {1.0, 2.0};
  EXPECT_THROW(write_npy<double>(link, {2}, x.data()), NpyError);
  std::ifstream in(target);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "precious");
  fs::remove(link);
  fs::remove(target);
}

}  // namespace
}  // namespace cartography::io
