#!/usr/bin/env bash
# End-to-end timing of `cartography run` to Track A on a synthetic corpus, for 1, 2 and 4 ranks,
# with per-stage times and peak memory per rank (from run_summary.json), side by side with the
# reference pipeline (steps 01-05) when its harness is available (REFHARNESS_RUN=path/to/run.sh).
# Work = time on the corpus minus time on a 2-song corpus (fixed start-up excluded).
# usage: bench/pipeline/bench_run.sh [songs (default 100 ≈ 300 archives)] [build dir] [work dir]
set -euo pipefail
songs=${1:-100}; build=${2:-build}; work=${3:-/tmp/carto_bench}
bin=$build/bin/cartography
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
mkdir -p "$work"
[ -d "$work/corpus_$songs" ] || "$bin" synth "$work/corpus_$songs" --songs "$songs" --seed 7 -q
[ -d "$work/corpus_2" ] || "$bin" synth "$work/corpus_2" --songs 2 --min-mappers 2 --seed 8 -q
echo "corpus: $(ls "$work/corpus_$songs"/*.osz | wc -l) archives ($songs songs); baseline: $(ls "$work/corpus_2"/*.osz | wc -l) archives"

wall() {  # wall seconds of a command, its output to $log
  local log=$1; shift
  local t0 t1; t0=$(date +%s.%N); "$@" > "$log" 2>&1; t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

printf "%-28s %8s %8s %8s   %s\n" "run" "wall_s" "base_s" "work_s" "stage seconds (rank 0) / peak RSS MiB per rank"
for n in 1 2 4; do
  out=$work/out_n$n
  w=$(wall "$out.log" mpirun -n "$n" "$bin" run "$work/corpus_$songs" --out "$out" --checkpoint none --progress-seconds 30)
  b=$(wall "$out.base.log" mpirun -n "$n" "$bin" run "$work/corpus_2" --out "$out.base" --checkpoint none)
  detail=$(python3 - "$out/run_summary.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["timing"]
st = " ".join(f"{k}={v:.2f}" for k, v in t["stage_s"].items())
ranks = " ".join(f"r{r['rank']}:{r['peak_rss_mib']:.0f}(audio {r['audio_s']:.1f}s enc {r['encode_s']:.1f}s)" for r in t["per_rank"])
print(st + " | " + ranks)
PY
)
  printf "%-28s %8.2f %8.2f %8.2f   %s\n" "cartography -n $n (Track A)" "$w" "$b" "$(echo "$w - $b" | bc)" "$detail"
done
# The random-weight fixture, named explicitly: the timings stay comparable with those recorded
# before the default became the demo model (checkpoints/latent_demo.ckpt).
ckpt=$(dirname "$0")/../../checkpoints/vae_small_UNTRAINED_random_weights.ckpt
w=$(wall "$work/full.log" "$bin" run "$work/corpus_$songs" --out "$work/out_full" --checkpoint "$ckpt" --progress-seconds 30)
printf "%-28s %8.2f   (all stages, bundled untrained vae_small)\n" "cartography -n 1 (A+B+synth)" "$w"

if [ -n "${REFHARNESS_RUN:-}" ]; then
  w=$(TRACK_A_ONLY=1 wall "$work/ref.log" "$REFHARNESS_RUN" "$work/corpus_$songs" "$work/ref_out")
  b=$(TRACK_A_ONLY=1 wall "$work/ref.base.log" "$REFHARNESS_RUN" "$work/corpus_2" "$work/ref_out_base")
  printf "%-28s %8.2f %8.2f %8.2f   steps: %s\n" "reference 01-05" "$w" "$b" "$(echo "$w - $b" | bc)" \
    "$(tr '\n' ' ' < "$work/ref_out/timings.txt")"
  # The Track-A-only harness output keeps absolute extraction paths: make them relative.
  sed -i "s#${REFHARNESS:-/tmp/refharness}/ref/experiment/output/data/extracted/##g" "$work/ref_out/encoding_manifest.json"
  # Differential check: ours with the reference's audio lookup (exact name, .mp3/.ogg only);
  # by default we find AudioFilename case-insensitively and so encode more maps than it does.
  "$bin" run "$work/corpus_$songs" --out "$work/out_refmatch" --checkpoint none --audio-match reference > "$work/refmatch.log" 2>&1
  python3 "$(dirname "$0")/../../tests/pipeline/check_run.py" "$work/out_refmatch" "$work/ref_out" --no-registry
fi
