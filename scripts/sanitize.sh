#!/usr/bin/env bash
# The sanitizer job (CI, after scripts/test.sh): a separate build with AddressSanitizer and
# UndefinedBehaviorSanitizer (-fno-sanitize-recover=undefined: any undefined behaviour aborts),
# benchmarks off, that runs
#   1. the unit tests (ctest -L unit) and the checkpoint/latent-input tests (ctest -L latent),
#      with LeakSanitizer on, except under mpirun (label mpi): Open MPI unloads its components
#      before exit, so their allocations cannot even be attributed (let alone suppressed);
#      those run with ASan and UBSan but without the leak check,
#   2. the fuzz corpora replayed once under the fuzz targets' own ASan + UBSan build: the seed
#      corpora, the committed reproducers (fuzz/crashes/<target>/) and any grown corpus, plus
#      20,000 generated checkpoints of the structure-aware target (scripts/fuzz.sh replay).
# Exits non-zero on any failing test or sanitizer report.
#
#   scripts/sanitize.sh [extra ctest arguments]
#
# Environment: SANITIZE_BUILD_DIR (default build-asan), SANITIZE_JOBS (parallel build and test
# jobs, default nproc), SANITIZE_WITH_TORCH (ON: also the latent model, its plugin and tests,
# linked against the uninstrumented libtorch; default ON), FUZZ_BUILD_DIR / FUZZ_WORK_DIR
# (the fuzz build to reuse, as scripts/fuzz.sh; CI passes the one its fuzz_smoke test built).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${SANITIZE_BUILD_DIR:-$root/build-asan}
jobs=${SANITIZE_JOBS:-$(nproc)}
torch=${SANITIZE_WITH_TORCH:-ON}

# _GLIBCXX_ASSERTIONS: bounds checks in the standard containers as well.
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1 -D_GLIBCXX_ASSERTIONS"
echo "== configuring $build (ASan + UBSan, torch $torch)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCARTOGRAPHY_BUILD_BENCH=OFF -DCARTOGRAPHY_FUZZ_TESTS=OFF -DCARTOGRAPHY_WITH_TORCH="$torch" >/dev/null
echo "== building"
cmake --build "$build" -j "$jobs"

# Leaks are errors (a leak was a fuzz finding before).
asan="abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

status=0
echo "== unit and latent tests under ASan + UBSan + LeakSanitizer"
(cd "$build" && ASAN_OPTIONS="detect_leaks=1:$asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
  ctest --output-on-failure -j "$jobs" --timeout 900 -L 'unit|latent' -LE mpi "$@") || status=1
echo "== unit tests under mpirun, ASan + UBSan (no leak check: Open MPI's unloaded components)"
(cd "$build" && ASAN_OPTIONS="detect_leaks=0:$asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
  ctest --output-on-failure -j "$jobs" --timeout 900 -L unit -L mpi "$@") || status=1

echo "== fuzz corpora replayed under ASan + UBSan"
set +e
scripts/fuzz.sh replay
rc=$?
set -e
case $rc in
  0) ;;
  77) echo "SKIP: fuzz corpora not replayed (no clang/libFuzzer)" ;;
  *) status=1 ;;
esac
[ $status -eq 0 ] && echo "== sanitizers: clean" || echo "== sanitizers: FAILED (see above)"
exit $status
