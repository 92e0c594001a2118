#!/usr/bin/env bash
# --no-controls: no results/controls/ at all, and every other JSON byte-identical to the run
# with the controls (the controls add files, they never change the study's own numbers).
# usage: no_controls.sh <cartography> <corpus> <checkpoint> <out> <run with controls>
set -euo pipefail
bin=$1; corpus=$2; ckpt=$3; out=$4; with=$5
rm -rf "$out"
"$bin" run "$corpus" --out "$out" --checkpoint "$ckpt" --no-controls --no-report > "$out.log" 2>&1
[ ! -e "$out/results/controls" ] || { echo "results/controls/ written with --no-controls"; exit 1; }
[ -d "$with/results/controls" ] || { echo "no results/controls/ in $with"; exit 1; }
files=$(cd "$out" && find data results -name '*.json' | sort)
[ -n "$files" ] || { echo "no JSON under $out"; exit 1; }
for f in $files; do cmp "$out/$f" "$with/$f"; done
echo "$(echo "$files" | wc -l) JSON files byte-identical with and without the controls"
