#!/usr/bin/env bash
# The cost of the scientific controls (issue 13): `cartography run` with the controls (the
# default) against --no-controls, on a synthetic corpus, -n 1, with the random-weight fixture
# (checkpoints/vae_small_UNTRAINED_random_weights.ckpt). Prints wall seconds of both, their
# ratio (the issue's bound: 2x), and where the controls' time goes (run_summary.json:
# per-rank latent_s and controls_s; controls_s = random encoders + onset/lag/ICC per group).
# Run it under `flock /tmp/carto-bench.lock` on a shared machine.
# usage: bench/pipeline/controls_cost.sh [songs (default 100)] [build dir] [work dir] [extra run flags...]
set -euo pipefail
songs=${1:-100}; build=${2:-build}; work=${3:-/tmp/carto_controls_bench}
shift $(( $# < 3 ? $# : 3 ))
bin=$build/bin/cartography
ckpt=$(dirname "$0")/../../checkpoints/vae_small_UNTRAINED_random_weights.ckpt
mkdir -p "$work"
[ -d "$work/corpus_$songs" ] || "$bin" synth "$work/corpus_$songs" --songs "$songs" --seed 7 -q
echo "corpus: $(ls "$work/corpus_$songs"/*.osz | wc -l) archives ($songs songs); extra flags: $*"

wall() {  # wall seconds of a command, its output to $log
  local log=$1; shift
  local t0 t1; t0=$(date +%s.%N); "$@" > "$log" 2>&1; t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
figures() {
  python3 - "$1/run_summary.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["timing"]
r = t["per_rank"][0]
print(f"groups={t['stage_s']['groups']:.2f}s write={t['stage_s']['write']:.2f}s "
      f"latent={r['latent_s']:.2f}s controls={r.get('controls_s', 0):.2f}s audio={r['audio_s']:.2f}s")
PY
}
run() { "$bin" run "$work/corpus_$songs" --out "$1" --checkpoint "$ckpt" --no-report --progress-seconds 600 "${@:2}"; }
off=$(wall "$work/off.log" run "$work/out_off" --no-controls "$@")
on=$(wall "$work/on.log" run "$work/out_on" "$@")
printf "%-16s %8.2f s   %s\n" "--no-controls" "$off" "$(figures "$work/out_off")"
printf "%-16s %8.2f s   %s\n" "controls (on)" "$on" "$(figures "$work/out_on")"
printf "ratio on/off: %.2f (bound: 2.00)\n" "$(echo "$on / $off" | bc -l)"
