// The parallel HDF5 run store, run under mpirun -n 1/2/3: tables from rank 0, ragged column
// blocks from every rank, fixed-length strings, the .partial → final rename. Read back with the
// serial HDF5 API on rank 0.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <mpi.h>

#include <filesystem>

#include "io/run_store.hpp"

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
    RunStore store = RunStore::create(path, MPI_COMM_WORLD);
    store.attribute("ranks", int64_t(size()));
    store.attribute("format", std::string("test"));
    store.table("t/ints", {3}, r == 0 ? std::vector<int64_t>{1, 2, 3} : std::vector<int64_t>{});
    store.strings("t/names", r == 0 ? std::vector<std::string>{"a", "héllo"} : std::vector<std::string>{});
    store.ragged("sig", 2, total, std::vector<ColumnBlock<double>>{{offset, r + 1, block.data()}});
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
  hid_t d = H5Dopen2(f, "t/names", H5P_DEFAULT);
  hid_t t = H5Dget_type(d);
  size_t len = H5Tget_size(t);
  std::vector<char> names(2 * len);
  H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, names.data());
  EXPECT_EQ(std::string(names.data(), strnlen(names.data(), len)), "a");
  EXPECT_EQ(std::string(names.data() + len, strnlen(names.data() + len, len)), "héllo");
  H5Tclose(t);
  H5Dclose(d);
  H5Fclose(f);
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
