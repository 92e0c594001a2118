#!/usr/bin/env bash
# Planted truth at a larger size than the CTest (tests/synth/planted_truth.sh), and the
# calibration of the planted strength: the Track A r each dimension reaches for a strength w
# given to every dimension at once, beside w² (the share of bars two mappers both take from
# the song). Prints one table per part; exit 1 if a preset's category is not recovered.
#
# usage: bench/synth/planted_truth.sh [build_dir] [work_dir] [songs] [duration_s]
#   (defaults: build, /tmp/carto_planted_bench, 60 songs of ~45 s, 4-6 mappers per song)
# Run it alone: flock /tmp/carto-bench.lock bench/synth/planted_truth.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
work=${2:-/tmp/carto_planted_bench}
songs=${3:-60}
duration=${4:-45}
exe=$build/bin/cartography

echo "== presets A, B, C: $songs songs of ~${duration} s, 4-6 mappers each"
start=$(date +%s)
bash "$root/tests/synth/planted_truth.sh" "$exe" "$work/presets" "$songs" "$duration" A B C
echo "presets: $(( $(date +%s) - start )) s"

echo "== strength sweep: every dimension at strength w ($((songs / 2)) songs of ~${duration} s)"
for w in 0 0.2 0.3 0.45 0.6 0.8 1; do
  corpus=$work/sweep_$w
  rm -rf "$corpus" "$corpus.out"
  spec="ONSET=$w,COMBO=$w,SLIDE=$w,WHISTLE=$w,FINISH=$w,CLAP=$w,X=$w,Y=$w"
  "$exe" synth "$corpus" --songs $((songs / 2)) --seed 31 --duration "$duration" --min-mappers 4 --max-mappers 6 \
    --planted "$spec" -q
  "$exe" run "$corpus" --out "$corpus.out" --checkpoint none --no-report > /dev/null
done
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
dims = ["ONSET", "COMBO", "SLIDE", "SUSTAIN", "WHISTLE", "FINISH", "CLAP", "X", "Y"]
print("w     w2    " + " ".join(f"{d:>7s}" for d in dims))
for w in ["0", "0.2", "0.3", "0.45", "0.6", "0.8", "1"]:
    s = json.load(open(f"{work}/sweep_{w}.out/results/track_a/track_a_results.json"))["summary"]
    print(f"{float(w):<5.2f} {float(w)**2:<5.3f} " + " ".join(f"{s[d]['pearson_mean']:+7.3f}" for d in dims))
PY
