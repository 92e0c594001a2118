#!/usr/bin/env bash
# Planted-truth validation (issue 13, item 6): generates corpora whose cross-mapper agreement is
# known per dimension (`cartography synth --planted A|B|C`: a Latin square in which every
# dimension is song-driven, mapper-driven and mixed once), runs the study on each, and checks
# that Track A's category of every dimension (pearson_mean > 0.3 PERCEPTUAL, < 0.1 STYLISTIC)
# is the planted one. Where the run writes results/controls/null_baseline.json, also checks
# that the cross-song null sits at chance for every dimension.
#
# usage: planted_truth.sh <cartography> <work_dir> [songs] [duration_s] [presets...]
set -euo pipefail

exe=$1
work=$2
songs=${3:-14}
duration=${4:-30}
shift $(( $# < 4 ? $# : 4 ))
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(A B C)
here=$(cd "$(dirname "$0")" && pwd)

rm -rf "$work"
mkdir -p "$work"
status=0
seed=11
for preset in "${presets[@]}"; do
  corpus=$work/corpus_$preset
  out=$work/run_$preset
  "$exe" synth "$corpus" --songs "$songs" --seed "$seed" --duration "$duration" \
    --min-mappers 4 --max-mappers 6 --planted "$preset" -q
  "$exe" run "$corpus" --out "$out" --checkpoint none --no-report > "$work/run_$preset.log"
  echo "== preset $preset (seed $seed, $songs songs of ~${duration} s)"
  python3 "$here/planted_truth_check.py" "$corpus/synth_manifest.json" "$out" || status=1
  seed=$((seed + 1))
done
exit $status
