#!/usr/bin/env bash
# Load balance and strong scaling of `cartography run` on a corpus skewed by a few
# Marathon-length songs: -n 1, 2, 4, Track A only and with the random-weight fixture checkpoint,
# each with the static cost-balanced plan (CARTOGRAPHY_BENCH_STATIC_PLAN=1, the old behaviour)
# and with dynamic dispatch (the default). Prints per-rank busy time (inside run_group), the
# spread (max-min)/mean, the wall time and the speedup/efficiency against -n 1; keeps every
# run_summary.json under <work>/summaries/ for bench/pipeline/scaling_model.py.
# Only results are compared by the tests; here the JSON of every run is also checked to be
# byte-identical to the -n 1 run of the same track.
# usage: bench/pipeline/balance.sh [normal songs (80)] [build dir (build)] [work dir]
# Run it alone (flock /tmp/carto-bench.lock): on a shared machine the timings mean little.
set -euo pipefail
songs=${1:-80}; build=${2:-build}; work=${3:-/tmp/carto_balance}
here=$(cd "$(dirname "$0")" && pwd)
bin=$build/bin/cartography
ckpt=$here/../../checkpoints/vae_small_UNTRAINED_random_weights.ckpt
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
mkdir -p "$work/summaries"

# The corpus: normal songs (seed 7) plus 3 songs of ~10 minutes with 2-3 mappers each (seed
# 1235: its ids miss those of seed 7 at 60 and 80 songs), made apart and merged. Archives are
# named <beatmapset_id>.osz, so a shared name would be a shared id (the index would skip one):
# refuse that. Both synth runs title their songs "Synthetic Song 001".. by the same artists, so
# a long song joins the group of the normal song of the same number: a few large mixed groups.
corpus=$work/skew_$songs
if [ ! -d "$corpus" ]; then
  "$bin" synth "$work/normal_$songs" --songs "$songs" --seed 7 -q
  "$bin" synth "$work/marathon" --songs 3 --duration 600 --min-mappers 2 --max-mappers 3 --seed 1235 -q
  clash=$(comm -12 <(cd "$work/normal_$songs" && ls *.osz | sort) <(cd "$work/marathon" && ls *.osz | sort))
  [ -z "$clash" ] || { echo "beatmapset ids shared by both corpora: $clash" >&2; exit 1; }
  mkdir -p "$corpus.tmp"
  cp -l "$work/normal_$songs"/*.osz "$work/marathon"/*.osz "$corpus.tmp/"
  mv "$corpus.tmp" "$corpus"
fi
echo "corpus: $(ls "$corpus"/*.osz | wc -l) archives, $(du -sm "$corpus" | cut -f1) MiB" \
     "($songs songs + 3 of ~600 s); $(nproc) cores; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$(nproc)" -ge 4 ] || echo "note: -n 4 on $(nproc) cores is oversubscribed: ranks share cores, so it shows balance, not speed"

wall() {  # wall seconds of a command, its output to $log
  local log=$1; shift
  local t0 t1; t0=$(date +%s.%N); "$@" > "$log" 2>&1; t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

for track in none ckpt; do
  [ "$track" = none ] && ck=none || ck=$ckpt
  for plan in static dynamic; do
    for n in 1 2 4; do
      name=${track}_${plan}_n$n; out=$work/out_$name
      if [ "$plan" = static ]; then export CARTOGRAPHY_BENCH_STATIC_PLAN=1; else unset CARTOGRAPHY_BENCH_STATIC_PLAN; fi
      w=$(wall "$out.log" mpirun -n "$n" "$bin" run "$corpus" --out "$out" --checkpoint "$ck" --no-report \
            --progress-seconds 60) || { echo "$name failed: see $out.log" >&2; exit 1; }
      cp "$out/run_summary.json" "$work/summaries/$name.json"
      echo "$w" > "$work/summaries/$name.wall"
      ref=$work/out_${track}_static_n1
      for d in data results; do diff -r -q "$ref/$d" "$out/$d" > /dev/null || { echo "$name: $d differs from $ref" >&2; exit 1; }; done
    done
  done
done
unset CARTOGRAPHY_BENCH_STATIC_PLAN

/usr/bin/python3 - "$work/summaries" <<'PY'
import json, os, sys
d = sys.argv[1]
def load(name):
    s = json.load(open(os.path.join(d, name + ".json")))["timing"]
    s["wall"] = float(open(os.path.join(d, name + ".wall")).read())
    return s
print(f"{'track':5} {'plan':8} {'n':>2} {'wall_s':>7} {'groups_s':>8} {'speedup':>7} {'effic':>6} "
      f"{'spread':>7}  per-rank busy_s/idle_s (groups)")
for track in ("none", "ckpt"):
    for plan in ("static", "dynamic"):
        base = load(f"{track}_{plan}_n1")
        for n in (1, 2, 4):
            t = load(f"{track}_{plan}_n{n}")
            busy = [r["busy_s"] for r in t["per_rank"]]
            mean = sum(busy) / len(busy)
            spread = (max(busy) - min(busy)) / mean if mean > 0 else 0.0
            speed = base["wall"] / t["wall"]
            ranks = " ".join(f"r{r['rank']}:{r['busy_s']:.2f}/{r['idle_s']:.2f}({r['groups']})" for r in t["per_rank"])
            print(f"{track:5} {plan:8} {n:>2} {t['wall']:7.2f} {t['stage_s']['groups']:8.2f} {speed:7.2f} "
                  f"{speed / n:6.2f} {spread:7.1%}  {ranks}")
print("speedup/efficiency: wall of -n 1 over wall of -n N, with the same plan; spread: (max-min)/mean busy_s")
PY
