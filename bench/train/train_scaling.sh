#!/usr/bin/env bash
# Training benchmarks of issue 9 (figures, not timed tests); see bench/train/README.md.
#
#   bench/train/train_scaling.sh [step|ranks|all]
#
# step:  one training batch (critic + generator, Muon steps on the reference's accumulation
#        schedule) through our trainer (bench_trainer_step) and through the reference in PyTorch
#        eager (eager_reference_step.py), from the same initial state on the same batch (ours
#        writes both, eager reads them), same config, frames and threads; tiny and full
#        configuration at 1 and 2 threads; the ratio. With OPENBLAS_DIR (a folder holding
#        OpenBLAS's libblas.so.3) ours once more with it in place of the system's BLAS.
# ranks: `cartography fit-latent` on a corpus at -n 1/2/4 (--threads 1 per rank): strong scaling
#        (global batch 4) and weak scaling (batch 4 per rank), tiny config; the full config at -n 1/2.
#        Featurisation is excluded: a first run fills the feature cache, the figure is the last
#        progress line's rate (batches since the start of training / seconds since then).
# Every command runs under /usr/bin/time -v (peak RSS, wall); `uptime` is logged beside each figure.
# Results: $OUT/results.md (tables), $OUT/*.json|*.log|*.time (raw).
#
# Environment (defaults): BUILD (<repo>/build), OUT (/tmp/train_scaling), TRAINREF_PYTHON
# (/work/trainref/venv/bin/python), TRAINREF_SRC (/work/trainref/src, holds osu_dreamer/), CORPUS
# (<repo>/tests/data/corpus_small), THREADS ("1 2"), TINY_STEPS (10), FULL_STEPS (2: the full config
# accumulates 2 batches per step, so an even count), RANKS ("1 2 4"), RANK_STEPS (40), FULL_RANKS
# ("1 2"), FULL_RANK_STEPS (4), CONFIGS ("tiny full"), OPENBLAS_DIR (unset).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-$root/build}
out=${OUT:-/tmp/train_scaling}
py=${TRAINREF_PYTHON:-/work/trainref/venv/bin/python}
pysrc=${TRAINREF_SRC:-/work/trainref/src}
corpus=${CORPUS:-$root/tests/data/corpus_small}
what=${1:-all}
threads_list=${THREADS-"1 2"}
configs=${CONFIGS-"tiny full"}
openblas=${OPENBLAS_DIR:-}
ranks_list=${RANKS-"1 2 4"}
full_ranks_list=${FULL_RANKS-"1 2"}
rank_steps=${RANK_STEPS:-40}
full_rank_steps=${FULL_RANK_STEPS:-4}
case "$what" in step|ranks|all) ;; *) echo "usage: $0 [step|ranks|all]" >&2; exit 2 ;; esac

mkdir -p "$out"
results=$out/results.md
mpirun_args=(--oversubscribe)
[ "$(id -u)" = 0 ] && mpirun_args+=(--allow-run-as-root)

# A JSON field of the last line of a file ("a.b" for nested keys).
json_field() {
  python3 -c 'import json,sys
v = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
for k in sys.argv[2].split("."): v = v[k]
print(v)' "$1" "$2"
}
# Peak RSS (MiB) and wall seconds from a /usr/bin/time -v report.
peak_mib() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }
wall_s() {
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + p[i]; printf "%.1f", s}' "$1"
}
cpu_s() { awk -F': ' '/(User|System) time/ {s += $2} END {printf "%.0f", s}' "$1"; }
load() { uptime | sed 's/.*load average: //'; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }
# "wall (CPU)" seconds per batch of a step JSON, and the ratios of two such files.
seconds() { printf '%.3f (%.3f)' "$(json_field "$1" s_per_batch_mean)" "$(json_field "$1" cpu_s_per_batch_mean)"; }
ratios() {
  echo "**$(ratio "$(json_field "$1" s_per_batch_mean)" "$(json_field "$2" s_per_batch_mean)")**" \
    "($(ratio "$(json_field "$1" cpu_s_per_batch_mean)" "$(json_field "$2" cpu_s_per_batch_mean)"))"
}

# Configs derived from the repository's (no copies): the seed's full config with val_size 1 (the
# corpus has fewer songs than its 64) and the tiny one; both without validation during the runs.
derive_config() {  # name source batch_size
  sed -e "s/^\(    batch_size:\).*/\1 $3/" -e 's/^\(    val_size:\).*/\1 1/' \
      -e 's/^\(    val_check_interval:\).*/\1 100000/' "$2" >"$out/$1.yml"
}
config_of() { case "$1" in tiny) echo "$root/config/latent_tiny.yml" ;; full) echo "$root/config/latent_model.yml" ;; esac; }
yaml_int() { awk -v k="$2:" '$1 == k {print $2; exit}' "$1"; }

per_step() {
  {
    echo "## Per batch: ours vs PyTorch eager (same initial state, batch, config, frames, threads)"
    echo
    echo "Wall and, in brackets, process CPU seconds per batch (all threads; less sensitive to other load); ratios eager/ours."
    echo
    echo "| config | batch x frames | threads | ours s/batch | eager s/batch | eager/ours | ours + OpenBLAS s/batch | eager/(ours + OpenBLAS) | ours peak RSS | eager peak RSS | load (1/5/15 min) |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
  } >>"$results"
  local losses=""
  for cfg in $configs; do
    local yml batch frames steps
    yml=$(config_of "$cfg")
    batch=$(yaml_int "$yml" batch_size)
    frames=$(yaml_int "$yml" seq_len)
    steps=$([ "$cfg" = full ] && echo "${FULL_STEPS:-2}" || echo "${TINY_STEPS:-10}")
    for t in $threads_list; do
      local tag=step_${cfg}_t$t before
      before=$(load)
      /usr/bin/time -v -o "$out/$tag.ours.time" env OMP_WAIT_POLICY=PASSIVE "$build/bin/bench_trainer_step" "$yml" \
        --batch "$batch" --frames "$frames" --steps "$steps" --threads "$t" --save-batch "$out/$tag.batch.f32" \
        --save-state "$out/$tag.init.ckpt" >"$out/$tag.ours.json" 2>"$out/$tag.ours.log"
      /usr/bin/time -v -o "$out/$tag.eager.time" env PYTHONPATH="$pysrc" OMP_WAIT_POLICY=PASSIVE "$py" \
        "$here/eager_reference_step.py" --config "$yml" --batch "$batch" --frames "$frames" --steps "$steps" \
        --threads "$t" --batch-file "$out/$tag.batch.f32" --init "$out/$tag.init.ckpt" \
        >"$out/$tag.eager.json" 2>"$out/$tag.eager.log"
      local blas="-" blas_ratio="-"
      if [ -n "$openblas" ]; then  # the same binary with OpenBLAS in place of the system's libblas.so.3
        LD_LIBRARY_PATH="$openblas" OMP_WAIT_POLICY=PASSIVE "$build/bin/bench_trainer_step" "$yml" --batch "$batch" \
          --frames "$frames" --steps "$steps" --threads "$t" >"$out/$tag.openblas.json" 2>"$out/$tag.openblas.log"
        blas=$(seconds "$out/$tag.openblas.json")
        blas_ratio=$(ratios "$out/$tag.eager.json" "$out/$tag.openblas.json")
      fi
      rm -f "$out/$tag.batch.f32" "$out/$tag.init.ckpt"
      printf '| %s | %s x %s | %s | %s | %s | %s | %s | %s | %s MiB | %s MiB | %s -> %s |\n' "$cfg" "$batch" "$frames" "$t" \
        "$(seconds "$out/$tag.ours.json")" "$(seconds "$out/$tag.eager.json")" \
        "$(ratios "$out/$tag.eager.json" "$out/$tag.ours.json")" "$blas" "$blas_ratio" "$(peak_mib "$out/$tag.ours.time")" \
        "$(peak_mib "$out/$tag.eager.time")" "$before" "$(load)" | tee -a "$results"
      for side in ours eager; do
        losses+=$(printf '| %s | %s | %s | %.6g | %.6g | %.6g | %.6g | %.6g | %.6g |' "$cfg" "$t" "$side" \
          "$(json_field "$out/$tag.$side.json" 'losses.train/critic/adversarial')" \
          "$(json_field "$out/$tag.$side.json" 'losses.train/critic/gradient_penalty')" \
          "$(json_field "$out/$tag.$side.json" 'losses.train/gen/kl')" \
          "$(json_field "$out/$tag.$side.json" 'losses.train/gen/adversarial')" \
          "$(json_field "$out/$tag.$side.json" 'losses.train/gen/reconstruction')" \
          "$(json_field "$out/$tag.$side.json" 'losses.train/gen/l2')")$'\n'
      done
    done
  done
  {
    echo
    echo "Losses of the last timed batch (same initial state and batch; the bottleneck noise is drawn differently, see README):"
    echo
    echo "| config | threads | side | critic/adversarial | critic/gradient_penalty | gen/kl | gen/adversarial | gen/reconstruction | gen/l2 |"
    echo "|---|---|---|---|---|---|---|---|---|"
    printf '%s' "$losses"
    echo
  } >>"$results"
}

# One fit-latent run; prints "batches/s steps/s wall/cpu peak|load_before|load_after".
fit_run() {  # tag ranks config max_steps steps_per_batch
  local tag=$1 n=$2 yml=$3 steps=$4 before
  before=$(load)
  rm -rf "${out:?}/${tag:?}"
  /usr/bin/time -v -o "$out/$tag.time" mpirun "${mpirun_args[@]}" -n "$n" -x OMP_WAIT_POLICY=PASSIVE \
    "$build/bin/cartography" fit-latent "$corpus" --config "$yml" --out "$out/$tag" --cache-dir "$out/cache" \
    --max-steps "$steps" --threads 1 --cpu --progress-seconds 0.001 >"$out/$tag.log" 2>&1
  echo "$(training_rate "$out/$tag.log" "$5") $(wall_s "$out/$tag.time")/$(cpu_s "$out/$tag.time") $(peak_mib "$out/$tag.time")|$before|$(load)"
}

# "batches/s steps/s" of a fit-latent log, featurisation excluded: the last progress line's rate
# (batches since training began / seconds since then) where its two decimals give >= 2 significant
# digits (>= 0.5 steps/s), else from the lines' 1-second time stamps between the first batch's
# line and the last one's (slow runs: >= 30 s a batch, the first batch's warm-up left out).
training_rate() {  # log steps_per_batch
  python3 - "$1" "$2" <<'PY'
import re, sys
lines = [m.groups() for m in (re.search(r"^\[(\d+):(\d+):(\d+)[^\]]*\] fit-latent: step (\d+)\S* .*?, ([\d.]+) steps/s", l)
                              for l in open(sys.argv[1])) if m]
per_batch = float(sys.argv[2])
if not lines:
    sys.exit(sys.argv[1] + ": no progress line")
steps_per_s = float(lines[-1][4])
if steps_per_s < 0.5:
    t = [int(h) * 3600 + int(m) * 60 + int(s) for h, m, s, _, _ in lines]
    t = [x + 86400 if x < t[0] else x for x in t]
    if len(lines) < 2 or t[-1] == t[0]:
        sys.exit(sys.argv[1] + ": too few progress lines for a rate")
    steps_per_s = (int(lines[-1][3]) - int(lines[0][3])) / (t[-1] - t[0])
print(f"{steps_per_s / per_batch:.3g} {steps_per_s:.3g}")
PY
}

# One table row from fit_run's answer; the efficiency against `base` batches/s (strong: per rank).
fit_row() {  # config mode ranks batch answer base
  local rate steps wall peak loads eff
  read -r rate steps wall peak <<<"${5%%|*}"
  loads=${5#*|}
  eff=$(python3 -c "import sys; r, n, b, strong = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4] == 'strong'
print(f'{r / (n * b if strong else b):.0%}')" "$rate" "$3" "${6:-$rate}" "$2")
  printf '| %s | %s | %s | %s | %s | %s | %.2f | %s | %s s | %s MiB | %s -> %s |\n' "$1" "$2" "$3" "$4" "$rate" "$steps" \
    "$(python3 -c "print($rate * $4)")" "$eff" "$wall" "$peak" "${loads%%|*}" "${loads#*|}" | tee -a "$results"
}
batches_per_s() { read -r rate _ <<<"${1%%|*}"; echo "$rate"; }

ranks() {
  derive_config tiny_b4 "$root/config/latent_tiny.yml" 4
  # Fill the feature cache (featurisation is not what is measured).
  mpirun "${mpirun_args[@]}" -n 2 "$build/bin/cartography" fit-latent "$corpus" --config "$out/tiny_b4.yml" \
    --out "$out/warm" --cache-dir "$out/cache" --max-steps 2 --threads 1 --cpu >"$out/warm.log" 2>&1
  {
    echo "## fit-latent at -n ranks (--threads 1 per rank; $(nproc) cores: -n 4 is oversubscribed)"
    echo
    echo "| config | scaling | ranks | global batch | batches/s | steps/s | windows/s | efficiency | wall / CPU s, whole run (start, cache read, checkpoint included) | peak RSS (largest rank) | load before -> after |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
  } >>"$results"
  local r base="" one=""
  # Strong scaling: the same global batch of 4 windows cut over the ranks.
  for n in $ranks_list; do
    r=$(fit_run "fit_tiny_strong_n$n" "$n" "$out/tiny_b4.yml" "$rank_steps" 2)
    [ -z "$base" ] && base=$(batches_per_s "$r") && one=$r
    fit_row tiny strong "$n" 4 "$r" "$base"
  done
  # Weak scaling: 4 windows per rank (at one rank the strong run's batch, so its run is reused).
  for n in $ranks_list; do
    if [ "$n" = 1 ] && [ -n "$one" ]; then r=$one; else
      derive_config "tiny_b$((4 * n))" "$root/config/latent_tiny.yml" $((4 * n))
      r=$(fit_run "fit_tiny_weak_n$n" "$n" "$out/tiny_b$((4 * n)).yml" "$rank_steps" 2)
    fi
    fit_row tiny weak "$n" $((4 * n)) "$r" "$base"
  done
  derive_config full "$root/config/latent_model.yml" 8
  base=""
  for n in $full_ranks_list; do
    r=$(fit_run "fit_full_n$n" "$n" "$out/full.yml" "$full_rank_steps" 1)
    [ -z "$base" ] && base=$(batches_per_s "$r")
    fit_row full strong "$n" 8 "$r" "$base"
  done
  echo >>"$results"
}

{
  echo "# Training benchmarks $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo ' (src modified)')"
  echo
} >"$results"
case "$what" in
  step) per_step ;;
  ranks) ranks ;;
  all) per_step; ranks ;;
esac
echo "results: $results"
