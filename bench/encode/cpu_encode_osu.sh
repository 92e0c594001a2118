#!/usr/bin/env bash
# CPU time of `cartography encode-osu`, process start to exit, as `perf stat -r N` measures it
# (task-clock: mean of N runs, in ms to 0.01 ms; time_encode_osu.sh's 1 ms clock cannot resolve
# a change of a few tenths of a ms on the typical map). Work = map - one-object chart (start-up);
# the ratio is against the reference's 0.5 s for the typical map (L = 50,986).
#   bench/encode/cpu_encode_osu.sh [build_dir] [runs]
# Needs perf (linux-perf). Run under `flock /tmp/carto-bench.lock` on a shared machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
runs="${2:-200}"
bin="$build/bin/cartography"
out="$(mktemp -d "${OUT_DIR:-/dev/shm}/cpu_encode_osu.XXXXXX")"
trap 'rm -rf "$out"' EXIT
command -v perf > /dev/null || { echo "perf is not installed" >&2; exit 1; }

# Mean task-clock in ms over $runs runs of encode-osu on chart $1 with $2 frames.
cpu_ms() {
  perf stat -r "$runs" -x, -e task-clock "$bin" encode-osu "$1" --frames "$2" --out "$out/x.npy" 2>&1 > /dev/null |
    awk -F, '$3 == "task-clock" { print $1 }'
}

one=$(cpu_ms "$root/bench/encode/one_object.osu" 1)
typical=$(cpu_ms "$root/tests/data/osu/ppy-osu__1124896__completed.osu" 50986)
awk -v one="$one" -v typ="$typical" 'BEGIN {
  printf "one-object cpu %.2f ms\ntypical    cpu %.2f ms (L = 50986)\n", one, typ
  printf "work typical cpu %.2f ms: %.0fx the reference 0.5 s\n", typ - one, 500 / (typ - one) }'
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
