# Every dependency is a Debian package (see README). Targets get only what they use:
# MPI/HDF5 only in pipeline and io/store, libtorch only in latent, FFmpeg only in audio/synth.
find_package(PkgConfig REQUIRED)

if(CARTOGRAPHY_WITH_TORCH OR CARTOGRAPHY_LATENT_ONLY)
  # Debian's CPU libtorch by default; a CUDA libtorch via -DCMAKE_PREFIX_PATH=$(python3 -c
  # 'import torch.utils; print(torch.utils.cmake_prefix_path)').
  find_package(Torch REQUIRED)
endif()

if(CARTOGRAPHY_BUILD_TESTS)
  find_package(GTest QUIET)
endif()

if(CARTOGRAPHY_LATENT_ONLY)
  return()
endif()

find_package(nlohmann_json 3.10 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(MPI REQUIRED COMPONENTS C CXX)
find_package(Boost 1.74 REQUIRED COMPONENTS mpi serialization)
# libzip's CMake config names /usr/bin/zipcmp, which Debian ships in a separate package.
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
pkg_check_modules(HDF5P REQUIRED IMPORTED_TARGET hdf5-openmpi)
# Content fingerprints of archives and checkpoints for --resume (XXH3).
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET libavformat libavcodec libavutil libswresample)
if(CARTOGRAPHY_BUILD_TESTS AND NOT GTest_FOUND)
  message(FATAL_ERROR "GoogleTest not found: apt-get install libgtest-dev libgmock-dev")
endif()
if(CARTOGRAPHY_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
