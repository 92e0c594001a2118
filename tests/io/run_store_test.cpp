// The parallel HDF5 run store, run under mpirun -n 1/2/3: tables from rank 0, ragged column
// blocks from every rank (collective in HDF5's own account: H5Pget_mpio_no_collective_cause),
// variable-length UTF-8 strings, empty tables, the .partial → final
// rename, and failures that carry HDF5's own reason on every rank. Read back with the serial
// HDF5 API on rank 0.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <mpi.h>

#include <filesystem>

#include "io/run_store.hpp"
#include "io/run_store_mpi.hpp"

namespace cartography::io {
namespace {

int rank() {
  int r;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}
int size() {
  int s;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

template <typename T>
std::vector<T> read_all(hid_t file, const char* name, hid_t type) {
  hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  EXPECT_GE(d, 0) << name;
  hid_t s = H5Dget_space(d);
  std::vector<T> out(static_cast<size_t>(H5Sget_simple_extent_npoints(s)));
  H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
  H5Sclose(s);
  H5Dclose(d);
  return out;
}

std::vector<std::string> read_strings(hid_t file, const char* name) {
  hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  EXPECT_GE(d, 0) << name;
  hid_t t = H5Dget_type(d);
  EXPECT_TRUE(H5Tis_variable_str(t) > 0) << name;
  EXPECT_EQ(H5Tget_cset(t), H5T_CSET_UTF8) << name;
  hid_t s = H5Dget_space(d);
  std::vector<char*> raw(static_cast<size_t>(H5Sget_simple_extent_npoints(s)));
  if (!raw.empty()) H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data());
  std::vector<std::string> out;
  for (char* p : raw) out.emplace_back(p ? p : "");
  if (!raw.empty()) H5Dvlen_reclaim(t, s, H5P_DEFAULT, raw.data());
  H5Sclose(s);
  H5Tclose(t);
  H5Dclose(d);
  return out;
}

TEST(RunStore, WritesCollectivelyAndRenamesWhenFinished) {
  std::string dir = "/tmp/carto_store_test_" + std::to_string(size());
  if (rank() == 0) std::filesystem::create_directories(dir);
  MPI_Barrier(MPI_COMM_WORLD);
  std::string path = dir + "/run.h5";
  // Rank r owns maps of r+1 frames at columns r*(r+1)/2 ... (a triangle layout).
  int r = rank();
  int64_t total = 0;
  for (int k = 0; k < size(); ++k) total += k + 1;
  int64_t offset = int64_t(r) * (r + 1) / 2;
  std::vector<double> block(size_t(2 * (r + 1)));
  for (int i = 0; i <= r; ++i) {
    block[size_t(i)] = 100.0 * r + i;           // row 0
    block[size_t(r + 1 + i)] = -100.0 * r - i;  // row 1
  }
  {
    RunStore store = RunStore::create(path, StoreComm{MPI_COMM_WORLD});
    store.attribute("ranks", int64_t(size()));
    store.attribute("format", std::string("test"));
    store.table("t/ints", {3}, r == 0 ? std::vector<int64_t>{1, 2, 3} : std::vector<int64_t>{});
    store.strings("t/names", r == 0 ? std::vector<std::string>{"a", "héllo"} : std::vector<std::string>{});
    store.ragged("sig", 2, total, std::vector<ColumnBlock<double>>{{offset, r + 1, block.data()}});
    store.table("t/floats", {2, 2}, r == 0 ? std::vector<float>{1, 2, 3, 4} : std::vector<float>{});
    // Collective in HDF5's own account, not only requested: on every rank, for every transfer.
    EXPECT_EQ(store.independent_writes(), std::vector<std::string>{});
    if (r == 0) EXPECT_TRUE(std::filesystem::exists(path + ".partial"));
    EXPECT_FALSE(std::filesystem::exists(path));
    store.finish();
  }
  EXPECT_TRUE(std::filesystem::exists(path));
  if (r != 0) return;
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_EQ(read_all<int64_t>(f, "t/ints", H5T_NATIVE_INT64), (std::vector<int64_t>{1, 2, 3}));
  auto sig = read_all<double>(f, "sig", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(sig.size(), size_t(2 * total));
  for (int k = 0; k < size(); ++k) {
    int64_t off = int64_t(k) * (k + 1) / 2;
    for (int i = 0; i <= k; ++i) {
      EXPECT_EQ(sig[size_t(off + i)], 100.0 * k + i);
      EXPECT_EQ(sig[size_t(total + off + i)], -100.0 * k - i);
    }
  }
  hid_t a = H5Aopen(f, "complete", H5P_DEFAULT);
  int64_t complete = 0;
  H5Aread(a, H5T_NATIVE_INT64, &complete);
  EXPECT_EQ(complete, 1);
  H5Aclose(a);
  EXPECT_EQ(read_strings(f, "t/names"), (std::vector<std::string>{"a", "héllo"}));
  H5Fclose(f);
}

// The bounded-memory form: every rank writes its columns in its own number of transfers, several
// non-adjacent spans per transfer (columns interleaved across ranks), and joins the transfers it
// has nothing for with no spans. Every value lands in its column, and every transfer was
// collective.
TEST(RunStore, ColumnsInSeveralTransfersWithManySpansEach) {
  const std::string dir = "/tmp/carto_store_test_rounds_" + std::to_string(size());
  if (rank() == 0) std::filesystem::create_directories(dir);
  MPI_Barrier(MPI_COMM_WORLD);
  const std::string path = dir + "/run.h5";
  const int r = rank(), n = size();
  const int64_t rows = 3, total = 24;  // column c belongs to rank c % n
  auto value = [](int64_t row, int64_t col) { return float(1000 * row + col); };
  std::vector<int64_t> my_columns;
  for (int64_t c = r; c < total; c += n) my_columns.push_back(c);
  const size_t my_rounds = size_t(r) + 1;  // rank r: r + 1 transfers, the last ones maybe empty
  {
    RunStore store = RunStore::create(path, StoreComm{MPI_COMM_WORLD});
    store.create_ragged("mu", Element::Float32, rows, total);
    const size_t per_round = (my_columns.size() + my_rounds - 1) / my_rounds;
    for (int k = 0; k < n; ++k) {  // n transfers on every rank: the most any rank needs
      std::vector<int64_t> cols;
      for (size_t i = size_t(k) * per_round; k < int(my_rounds) && i < my_columns.size() && i < (k + 1) * per_round; ++i)
        cols.push_back(my_columns[i]);
      std::vector<float> data(size_t(rows) * cols.size());
      ColumnSpans<float> spans;
      for (size_t j = 0; j < cols.size(); ++j) {
        spans.spans.emplace_back(cols[j], 1);
        for (int64_t row = 0; row < rows; ++row) data[size_t(row) * cols.size() + j] = value(row, cols[j]);
      }
      spans.data = data.data();
      store.write_columns("mu", spans);
    }
    EXPECT_EQ(store.independent_writes(), std::vector<std::string>{});
    store.finish();
  }
  if (r != 0) return;
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  auto mu = read_all<float>(f, "mu", H5T_NATIVE_FLOAT);
  ASSERT_EQ(mu.size(), size_t(rows * total));
  for (int64_t row = 0; row < rows; ++row)
    for (int64_t c = 0; c < total; ++c) EXPECT_EQ(mu[size_t(row * total + c)], value(row, c)) << row << "," << c;
  H5Fclose(f);
}

// Spans out of order, overlapping or outside the dataset, or the wrong element type, are refused
// before any transfer (the same on every rank here, so no rank is left waiting).
TEST(RunStore, BadSpansAreRefused) {
  const std::string dir = "/tmp/carto_store_test_badspans_" + std::to_string(size());
  if (rank() == 0) std::filesystem::create_directories(dir);
  MPI_Barrier(MPI_COMM_WORLD);
  RunStore store = RunStore::create(dir + "/run.h5", StoreComm{MPI_COMM_WORLD});
  store.create_ragged("sig", Element::Float64, 2, 10);
  std::vector<double> data(40);
  using Spans = std::vector<std::pair<int64_t, int64_t>>;
  for (const Spans& bad : {Spans{{5, 2}, {1, 2}}, Spans{{1, 3}, {3, 1}}, Spans{{8, 3}}, Spans{{-1, 2}}}) {
    EXPECT_THROW(store.write_columns("sig", ColumnSpans<double>{bad, data.data()}), StoreError);
  }
  EXPECT_THROW(store.write_columns("sig", ColumnSpans<float>{{{0, 1}}, nullptr}), StoreError);
  EXPECT_THROW(store.write_columns("nothing", ColumnSpans<double>{}), StoreError);
  store.write_columns("sig", ColumnSpans<double>{{{0, 1}, {1, 1}}, data.data()});  // adjacent: fine
  store.finish();
}

TEST(RunStore, EmptyTablesAndLongOrNonUtf8Strings) {
  std::string dir = "/tmp/carto_store_test_empty_" + std::to_string(size());
  if (rank() == 0) std::filesystem::create_directories(dir);
  MPI_Barrier(MPI_COMM_WORLD);
  const std::string path = dir + "/run.h5";
  const std::string long_name(8 << 20, 'v');  // one 8 MB name must not size every other string
  {
    RunStore store = RunStore::create(path, StoreComm{MPI_COMM_WORLD});
    store.table("t/none", {0, 3}, std::vector<int64_t>{});
    store.table("t/empty_doubles", {0}, std::vector<double>{});
    store.strings("t/no_names", {});
    std::vector<std::string> names;
    for (int i = 0; i < 1000; ++i) names.push_back("n" + std::to_string(i));
    names.push_back(long_name);
    names.push_back(std::string("bad\xff\xfename.osz"));
    names.push_back(std::string("a\0b", 3));  // a C string would end at the NUL
    if (rank() == 0) store.strings("t/names", names);
    store.ragged("sig", 9, 0, std::vector<ColumnBlock<double>>{});
    store.finish();
  }
  if (rank() != 0) return;
  // Variable-length strings: the file holds the bytes once, not 1002 x 8 MB.
  EXPECT_LT(std::filesystem::file_size(path), uintmax_t(3 * long_name.size()));
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_TRUE(read_strings(f, "t/no_names").empty());
  EXPECT_TRUE(read_all<int64_t>(f, "t/none", H5T_NATIVE_INT64).empty());
  auto names = read_strings(f, "t/names");
  ASSERT_EQ(names.size(), 1003u);
  EXPECT_EQ(names[999], "n999");
  EXPECT_EQ(names[1000], long_name);
  EXPECT_EQ(names[1001], "bad\xef\xbf\xbd\xef\xbf\xbdname.osz");  // declared UTF-8: shown with U+FFFD
  EXPECT_EQ(names[1002], "a\xef\xbf\xbd" "b");
  H5Fclose(f);
}

TEST(RunStore, FailuresCarryHdf5sReasonOnEveryRank) {
  // A folder that does not exist: every rank gets a StoreError with HDF5's words, not just
  // "failed".
  try {
    RunStore::create("/nonexistent_carto_dir/run.h5", StoreComm{MPI_COMM_WORLD});
    ADD_FAILURE() << "created a store in a missing folder";
  } catch (const StoreError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("/nonexistent_carto_dir/run.h5.partial"), std::string::npos) << what;
    EXPECT_NE(what.find("unable to"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace cartography::io

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  int rc = RUN_ALL_TESTS();
  int worst = 0;
  MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return worst;
}
