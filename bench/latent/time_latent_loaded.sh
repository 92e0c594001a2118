#!/bin/bash
# The latent stage of `cartography run` as one process (its per-rank latent_s in
# run_summary.json: the model on every representative, not the model's loading), quiet and
# beside one competing CPU-bound process (a shell busy loop), for each OpenMP wait policy:
# "default" (what the program picks: passive waiting unless OMP_WAIT_POLICY is set), ACTIVE (the
# spin-waiting of libgomp's own default, the behaviour before) and PASSIVE. The run picks its
# intra-op threads itself (the node's cores shared among its ranks: all cores for one process).
#
# usage: bench/latent/time_latent_loaded.sh [BUILD_DIR] [CORPUS] [CHECKPOINT] [REPS]
#   BUILD_DIR   default build (needs bin/cartography and lib/libcartography_{pipeline,latent}.so)
#   CORPUS      default tests/data/corpus_small (36 representatives)
#   CHECKPOINT  default tests/data/vae/vae_small.ckpt
#   REPS        runs per cell (default 3); prints min / median / max of latent_s
# The figures depend on what else runs on the machine: the script prints the load average and
# the core count before and after, so a table can say under which conditions it was taken.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
corpus=${2:-$root/tests/data/corpus_small}
ckpt=${3:-$root/tests/data/vae/vae_small.ckpt}
reps=${4:-3}
program=$build/bin/cartography
[ -x "$program" ] || { echo "no $program: build the cartography target first" >&2; exit 1; }
work=$(mktemp -d)
hog=""
stop_hog() { if [ -n "$hog" ]; then kill "$hog" 2>/dev/null || true; wait "$hog" 2>/dev/null || true; hog=""; fi; }
trap 'stop_hog; rm -rf "$work"' EXIT

latent_seconds() {  # $1: OMP_WAIT_POLICY value, or "default" for none
  local policy=$1
  rm -rf "$work/out"
  if [ "$policy" = default ]; then
    env -u OMP_WAIT_POLICY "$program" run "$corpus" --out "$work/out" --checkpoint "$ckpt" --cpu --no-report \
      --progress-seconds 1000 > "$work/log" 2>&1
  else
    OMP_WAIT_POLICY=$policy "$program" run "$corpus" --out "$work/out" --checkpoint "$ckpt" --cpu --no-report \
      --progress-seconds 1000 > "$work/log" 2>&1
  fi
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["timing"]["per_rank"][0]["latent_s"])' \
    "$work/out/run_summary.json"
}

summary() {  # min / median / max of the numbers on stdin
  python3 -c 'import sys,statistics as s; v=sorted(float(x) for x in sys.stdin); print(f"min {v[0]:6.2f} s  median {s.median(v):6.2f} s  max {v[-1]:6.2f} s")'
}

echo "cores: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "corpus: $corpus; checkpoint: $ckpt; $reps runs per cell"
for condition in quiet loaded; do
  if [ "$condition" = loaded ]; then
    bash -c 'while :; do :; done' &
    hog=$!
  fi
  for policy in default ACTIVE PASSIVE; do
    times=""
    for _ in $(seq "$reps"); do times+="$(latent_seconds "$policy")"$'\n'; done
    printf '%-7s %-8s latent stage: %s\n' "$condition" "$policy" "$(printf '%s' "$times" | summary)"
  done
  stop_hog
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
