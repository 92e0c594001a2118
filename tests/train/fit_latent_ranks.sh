#!/usr/bin/env bash
# `cartography fit-latent` with the real latent plugin across rank counts and after a crash
# (issue 9's "done when"), on four corpus_small archives with a tiny batch-4 config
# (tests/data/train/fit_latent_ranks/latent_tiny_b4.yml), 20 optimizer steps (Lightning's
# global_step: 10 batches), one thread per rank:
#   1. -n 1, mpirun -n 2 and mpirun -n 4 (same global batch; the MPI runs check after every batch
#      that every rank holds the same weights). Not bit for bit: a shard's gradient is summed over
#      ranks by the all-reduce, so the batch's float sums run in a different order for each rank
#      count, and Muon's bf16 Newton-Schulz turns a last-bit difference of a gradient into one bf16
#      rounding step of the update (lr x 2^-8 = 7.8e-6 here). Measured (max |diff| / max|w|,
#      max|w| = 4.7):
#        after 1 batch (2 steps): 1.7e-6 at -n 2 (2 of 153 tensors differ at all); checked within
#          FIRST_TOLERANCE = 1e-5, and the batch's logged losses (computed before any step, so
#          only the sums' order differs) within 1e-5 relative;
#        after 10 batches (20 steps): 2.0e-4 (-n 2), 1.3e-4 (-n 4): the following steps
#          amplify those first rounding steps (3 batches: 4.7e-5); checked within
#          RANK_TOLERANCE = 1e-3, while those steps move the weights by 1.6e-2 (checked
#          > 10 x RANK_TOLERANCE, so a rank training on the wrong windows would be seen).
#   2. A run killed with SIGKILL a little after its third batch (--checkpoint-every 1, so at an
#      arbitrary point, maybe inside a checkpoint write), then --resume to the end, equals the
#      uninterrupted run: at -n 1 weights and metrics.csv bit for bit; at -n 2 (both ranks killed) the same,
#      compared with the uninterrupted -n 2 run.
# Usage: fit_latent_ranks.sh <cartography> <corpus_small> <work dir> <python with torch>
set -euo pipefail
cartography=$1 corpus=$2 work=$3 python=$4
config=$(cd "$(dirname "$0")/../.." && pwd)/tests/data/train/fit_latent_ranks/latent_tiny_b4.yml
FIRST_TOLERANCE=1e-5 RANK_TOLERANCE=1e-3
STEPS=20
rm -rf "$work" && mkdir -p "$work/data"
for a in 100020 100036 100082 100123; do ln -s "$corpus/$a.osz" "$work/data/$a.osz"; done
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
fit_args() { echo fit-latent "$work/data" --config "$config" --cache-dir "$work/cache" --threads 1 \
                  --progress-seconds 60 --max-steps $STEPS; }
fit() { "$cartography" $(fit_args) "$@"; }
fit_mpi() { local n=$1; shift; mpirun --oversubscribe -n "$n" "$cartography" $(fit_args) --check-weights-every 1 "$@"; }
timed() { local t0=$SECONDS; "$@"; echo "timing: $((SECONDS - t0)) s: $*"; }

# The checkpoints' state_dicts: "equal" bit for bit, "close" within tol x max|w|, or "moved": by
# more than 10 x tol x max|w| (so that "close" can tell a wrong run).
compare() {  # <equal|close|moved> <run a> <run b> [tol]
  "$python" - "$work" "$@" <<'PY'
import sys, torch
work, how, a, b = sys.argv[1:5]
def weights(run, name="last.ckpt"):
    return torch.load(f"{work}/{run}/checkpoints/{name}", map_location="cpu")["state_dict"]
wa, wb = weights(a), weights(b)
assert wa.keys() == wb.keys(), f"{a} and {b}: different state_dict keys"
scale = max(v.float().abs().max().item() for v in wa.values())
diff = {k: (wa[k].double() - wb[k].double()).abs().max().item() for k in wa}
worst = max(diff, key=diff.get)
print(f"{b} vs {a}: max |diff| {diff[worst]:.3g} at {worst} ({diff[worst] / scale:.3g} x max|w| {scale:.3g})")
if how == "equal":
    bad = [k for k in wa if not torch.equal(wa[k], wb[k])]
    assert not bad, f"{b} differs from {a} in {len(bad)} tensors, first {bad[0]}"
elif how == "moved":
    assert diff[worst] > 10 * float(sys.argv[5]) * scale, f"{b} is too close to {a} for the tolerance to tell"
else:
    assert diff[worst] <= float(sys.argv[5]) * scale, f"{b} differs from {a} by more than {sys.argv[5]} x max|w|"
PY
}

# The first logged row (losses of the first batch, before any step) of two runs within 1e-5 relative.
same_first_losses() {  # <run a> <run b>
  "$python" - "$work/$1/metrics.csv" "$work/$2/metrics.csv" <<'PY'
import csv, math, sys
rows = [next(csv.DictReader(open(f))) for f in sys.argv[1:3]]
for key, a in rows[0].items():
    if a == "" and rows[1][key] == "": continue
    a, b = float(a), float(rows[1][key])
    assert math.isclose(a, b, rel_tol=1e-5), f"first batch {key}: {sys.argv[2]} {b} vs {a}"
print(f"first batch losses of {sys.argv[2]}: within 1e-5 relative")
PY
}

# 1. Rank counts: one batch, then ten.
for n in 1 2 4; do
  if [ $n = 1 ]; then STEPS=2 timed fit --out "$work/n1_first"; else STEPS=2 timed fit_mpi $n --out "$work/n${n}_first"; fi
done
timed fit --out "$work/n1"
timed fit_mpi 2 --out "$work/n2"
timed fit_mpi 4 --out "$work/n4"
for n in 2 4; do
  compare close n1_first n${n}_first $FIRST_TOLERANCE
  same_first_losses n1 n$n
  compare close n1 n$n $RANK_TOLERANCE
done
compare moved n1_first n1 $RANK_TOLERANCE
rows=$(($(wc -l < "$work/n1/metrics.csv") - 1))
[ "$rows" -eq $((STEPS / 2)) ] || { echo "FAILED: n1 metrics.csv has $rows rows, $((STEPS / 2)) batches ran"; exit 1; }

# 2. Kill -9 mid-run (the ranks too under mpirun), then resume.
kill_mid_run() {  # <out> <command...>
  local out=$1; shift
  "$@" --out "$out" --checkpoint-every 1 > "$out.log" 2>&1 &
  local pid=$! waited=0
  # Three batches logged (each wrote last.ckpt), then up to a second on: at no particular point.
  until [ -e "$out/metrics.csv" ] && [ "$(wc -l < "$out/metrics.csv")" -gt 3 ]; do
    sleep 0.1; waited=$((waited + 1))
    [ $waited -lt 3000 ] || { echo "FAILED: not three batches after 300 s"; cat "$out.log"; exit 1; }
    kill -0 $pid 2>/dev/null || { echo "FAILED: the run ended before it could be killed"; cat "$out.log"; exit 1; }
  done
  sleep "0.$((RANDOM % 10))"
  local victims
  victims="$(pgrep -P $pid || true) $pid"  # mpirun's children are the ranks
  kill -9 $victims 2>/dev/null || { echo "FAILED: the run ended before it was killed"; exit 1; }
  wait $pid 2>/dev/null || true
  local done_rows=$(($(wc -l < "$out/metrics.csv") - 1))
  [ "$done_rows" -lt $((STEPS / 2)) ] || { echo "FAILED: the killed run had finished ($done_rows rows)"; exit 1; }
  echo "killed $out after $done_rows logged batches; left: $(ls "$out/checkpoints" | tr '\n' ' ')"
}
kill_mid_run "$work/n1_killed" fit
timed fit --out "$work/n1_killed" --resume
compare equal n1 n1_killed
cmp "$work/n1/metrics.csv" "$work/n1_killed/metrics.csv" || { echo "FAILED: resumed -n 1 metrics.csv differs"; exit 1; }

kill_mid_run "$work/n2_killed" fit_mpi 2
timed fit_mpi 2 --out "$work/n2_killed" --resume
compare equal n2 n2_killed
cmp "$work/n2/metrics.csv" "$work/n2_killed/metrics.csv" || { echo "FAILED: resumed -n 2 metrics.csv differs"; exit 1; }
echo "fit-latent across rank counts and after kill -9: OK"
