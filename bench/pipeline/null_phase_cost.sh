#!/bin/bash
# The null (cross-song) baseline's share of a run: the time null_phase.cpp logs ("null baseline:
# N Track A and M Track B cross-song pairs in X s") beside the run's wall time and write stage,
# for -n 1 and 2, Track A only and with the random-weight fixture checkpoint, on a synthetic corpus.
#   bench/pipeline/null_phase_cost.sh [songs=300] [build=build] [work=/tmp/null_phase_cost]
# Run it alone (flock /tmp/carto-bench.lock ...): timings beside another job mean nothing.
set -euo pipefail
songs=${1:-300}; build=${2:-build}; work=${3:-/tmp/null_phase_cost}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
bin=$(realpath "$build/bin/cartography")
ckpt=$(dirname "$0")/../../checkpoints/vae_small_UNTRAINED_random_weights.ckpt
corpus=$work/corpus_$songs
mkdir -p "$work"
[ -d "$corpus" ] || "$bin" synth "$corpus" --songs "$songs" --seed 7 -q
echo "corpus: $(ls "$corpus"/*.osz | wc -l) archives ($songs songs)"
for n in 1 2; do
  for ck in none "$ckpt"; do
    rm -rf "$work/out"
    /usr/bin/time -f "  wall %e s" mpirun -n "$n" "$bin" run "$corpus" --out "$work/out" --checkpoint "$ck" \
      --no-report --progress-seconds 600 2>&1 | grep -E "null baseline|wall" | sed 's/^\[[^]]*\] /  /'
    echo "  -n $n, checkpoint $(basename "$ck"); stage seconds: $(/usr/bin/python3 -c \
      "import json; print({k: round(v, 2) for k, v in json.load(open('$work/out/run_summary.json'))['timing']['stage_s'].items()})")"
  done
done
