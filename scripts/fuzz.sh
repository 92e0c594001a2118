#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, with clang) and runs each for N seconds.
#
#   scripts/fuzz.sh [seconds per target, default 30] [target ...]
#   scripts/fuzz.sh replay [target ...]   runs every seed, committed reproducer (fuzz/crashes/)
#                                         and grown-corpus input once, no fuzzing (CI sanitizer job)
#   targets: osu_parser osz_archive checkpoint checkpoint_struct npy, and job_file when
#   fuzz/fuzz_job_file.cpp exists (default: all)
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_WORK_DIR (default $FUZZ_BUILD_DIR/work:
# corpora that grow from run to run, crash artifacts, logs), FUZZ_JOBS (parallel build jobs,
# default 2), FUZZ_RSS_MB (default 2048), FUZZ_EXTRA_ARGS (more libFuzzer flags, e.g.
# "-detect_leaks=0"), FUZZ_NO_LEAK_CHECK (targets run with -detect_leaks=0: an open leak
# finding, see fuzz/crashes/README.md, would otherwise stop every run of that target).
# Exit status: 0 when no target found a crash, 1 when one did (the reproducers are listed),
# 77 when clang or its libFuzzer runtime is missing (CTest reports a skip).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

secs=${1:-30}
shift || true
replay=0
if [ "$secs" = replay ]; then
  replay=1
  secs=0
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(osu_parser osz_archive checkpoint checkpoint_struct npy)
  [ ! -f fuzz/fuzz_job_file.cpp ] || targets+=(job_file)
fi

build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
work=${FUZZ_WORK_DIR:-$build/work}
jobs=${FUZZ_JOBS:-2}
rss=${FUZZ_RSS_MB:-2048}

cxx=$(command -v clang++ || command -v clang++-14 || true)
cc=$(command -v clang || command -v clang-14 || true)
if [ -z "$cxx" ] || [ -z "$cc" ]; then
  echo "SKIP: clang not found (Debian: apt-get install clang-14 libclang-rt-14-dev)"
  exit 77
fi
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
     timeout 120 "$cxx" -x c++ -fsanitize=fuzzer,address,undefined -o /dev/null - 2>/dev/null; then
  echo "SKIP: $cxx cannot link -fsanitize=fuzzer (Debian: apt-get install libclang-rt-14-dev)"
  exit 77
fi

echo "== building fuzz targets in $build"
timeout 900 cmake -S fuzz -B "$build" -G Ninja -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
timeout 1800 cmake --build "$build" -j "$jobs" -- $(printf 'fuzz_%s ' "${targets[@]}")

# Seed corpora from the test fixtures (regenerated each run; the growing corpora stay).
seeds=$work/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/{osu_parser,osz_archive,checkpoint,checkpoint_struct,npy,job_file} "$work"/logs
find tests/data/osu -name '*.osu' -size -64k -exec cp -t "$seeds/osu_parser" {} +
for d in tests/data/osz_real tests/data/corpus_small tests/data/bad_corpus; do
  [ -d "$d" ] || continue
  find "$d" -maxdepth 1 -type f \( -name '*.osz' -o -name '*.olz' \) -size -64k -exec cp -t "$seeds/osz_archive" {} +
done
python3 - "$seeds/checkpoint" tests/data/vae/vae_tiny.ckpt tests/data/vae/vae_small.ckpt <<'EOF'
import os, sys, zipfile
out = sys.argv[1]
for path in sys.argv[2:]:
    if not os.path.exists(path):
        continue
    base = os.path.basename(path)
    raw = open(path, "rb").read()
    if len(raw) < 256 * 1024:  # the whole file (even first byte: "a .ckpt file")
        open(os.path.join(out, base + ".file"), "wb").write(b"\x00" + raw)
    with zipfile.ZipFile(path) as z:  # only the pickle (odd first byte)
        for name in z.namelist():
            if name.endswith("/data.pkl"):
                open(os.path.join(out, base + ".pkl"), "wb").write(b"\x01" + z.read(name))
EOF

# .npy: the small fixtures (numpy-written, float32 and float64) and the committed reproducers.
# (Fixtures of different folders share names: each seed is named after its whole path.)
find tests/data -name '*.npy' -size -64k | while read -r f; do cp "$f" "$seeds/npy/${f//\//_}"; done
# Job files: the shipped jobs (the job-file target's own seeds, if any, are added below).
find jobs -name '*.yaml' -size -64k -exec cp -t "$seeds/job_file" {} + 2>/dev/null || true
# Committed reproducers of fixed findings are replayed as seeds (fuzz/crashes/<target>/).
for t in "${targets[@]}"; do
  [ ! -d "fuzz/crashes/$t" ] || find "fuzz/crashes/$t" -type f ! -name '*.md' -exec cp -t "$seeds/$t" {} +
done
# checkpoint_struct builds its archive from the input bytes; any bytes are a seed. Empty seed
# folders are fine (libFuzzer starts from an empty input).

declare -A max_len=([osu_parser]=65536 [osz_archive]=131072 [checkpoint]=262144 [checkpoint_struct]=4096
                    [npy]=16384 [job_file]=16384)
declare -A dict=([osu_parser]=fuzz/dict/osu.dict)

found=0
summary=()
for t in "${targets[@]}"; do
  corpus=$work/corpus/$t
  artifacts=$work/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  log=$work/logs/$t.log
  args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb="$rss" -max_len="${max_len[$t]:-65536}"
        -artifact_prefix="$artifacts/" -print_final_stats=1)
  inputs=("$corpus" "$seeds/$t")
  if [ $replay -eq 1 ]; then
    # -runs=0: execute the given inputs once each (whole files: no -max_len), then stop.
    args=(-runs=0 -timeout=10 -rss_limit_mb="$rss" -artifact_prefix="$artifacts/" -print_final_stats=1)
    # The structure-aware generator has no seed files: it replays 20,000 inputs of a fixed
    # random seed instead (the same archives on every run, ~20 s).
    [ "$t" != checkpoint_struct ] || args=(-runs=20000 -seed=1 -max_len=4096 "${args[@]:1}")
  fi
  [ -z "${dict[$t]:-}" ] || args+=(-dict="${dict[$t]}")
  # shellcheck disable=SC2206
  [ -z "${FUZZ_EXTRA_ARGS:-}" ] || args+=(${FUZZ_EXTRA_ARGS})
  # (LeakSanitizer also checks once more at exit: ASAN_OPTIONS turns that off as well.)
  asan_options=${ASAN_OPTIONS:-}
  case " ${FUZZ_NO_LEAK_CHECK:-} " in
    *" $t "*) args+=(-detect_leaks=0); asan_options="${asan_options:+$asan_options:}detect_leaks=0" ;;
  esac
  if [ $replay -eq 1 ]; then
    echo "== fuzz_$t: replaying $(find "${inputs[@]}" -type f | wc -l) inputs (log $log)"
  else
    echo "== fuzz_$t for ${secs}s (corpus $corpus, log $log)"
  fi
  set +e
  ASAN_OPTIONS=$asan_options timeout $((secs + 900 * replay + 120)) "$build/fuzz_$t" "${args[@]}" "${inputs[@]}" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  n=$(find "$corpus" -type f | wc -l)
  line="fuzz_$t: rc=$rc, ${execs:-?} executions (${rate:-?}/s), corpus $n inputs"
  if [ $rc -ne 0 ]; then
    found=1
    line="$line -- FOUND A PROBLEM: $(ls -t "$artifacts" | head -3 | tr '\n' ' ')"
    grep -E "ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|LeakSanitizer|libFuzzer)|runtime error|CONTRACT VIOLATION|SUMMARY" "$log" | head -5 || true
    tail -n 30 "$log"
  fi
  summary+=("$line")
done

if [ $replay -eq 1 ]; then echo "== summary (replay)"; else echo "== summary (${secs}s per target)"; fi
printf '%s\n' "${summary[@]}"
if [ $found -ne 0 ]; then
  echo "reproduce: $build/fuzz_<target> <artifact>; keep reproducers under fuzz/crashes/<target>/"
  exit 1
fi
