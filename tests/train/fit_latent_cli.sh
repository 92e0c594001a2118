#!/usr/bin/env bash
# `cartography fit-latent` end to end with the real latent plugin, the tiny config and four
# corpus_small archives (a few seconds a run):
#   - a run of 8 steps writes last.ckpt, best.ckpt, metrics.csv (a row per batch) and config.yaml;
#   - 4 steps then --resume to 8 gives the same weights, bit for bit, and the same metrics.csv;
#   - mpirun -n 2 (with the per-batch weight check) gives the weights of -n 1 within 1e-5;
#   - a bad config key, a missing checkpoint to resume, a folder without maps and more ranks than
#     windows per batch fail with rc != 0 and a message naming the problem.
# Usage: fit_latent_cli.sh <cartography> <corpus_small> <work dir> <python with torch>
set -euo pipefail
cartography=$1 corpus=$2 work=$3 python=$4
config=$(cd "$(dirname "$0")/../.." && pwd)/config/latent_tiny.yml
rm -rf "$work" && mkdir -p "$work/data" "$work/empty"
for a in 100020 100036 100082 100123; do ln -s "$corpus/$a.osz" "$work/data/$a.osz"; done
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
fit() { "$cartography" fit-latent "$work/data" --config "$config" --cache-dir "$work/cache" --progress-seconds 60 "$@"; }

fit --out "$work/whole" --max-steps 8
for f in checkpoints/last.ckpt checkpoints/best.ckpt metrics.csv config.yaml; do
  test -s "$work/whole/$f" || { echo "FAILED: no $f"; exit 1; }
done
rows=$(($(wc -l < "$work/whole/metrics.csv") - 1))
[ "$rows" -eq 4 ] || { echo "FAILED: metrics.csv has $rows rows, 4 batches ran"; exit 1; }
cmp -s "$config" "$work/whole/config.yaml" || { echo "FAILED: config.yaml is not the config"; exit 1; }

fit --out "$work/resumed" --max-steps 4
fit --out "$work/resumed" --max-steps 8 --resume
cmp "$work/whole/metrics.csv" "$work/resumed/metrics.csv" || { echo "FAILED: resumed metrics.csv differs"; exit 1; }

mpirun --oversubscribe -n 2 "$cartography" fit-latent "$work/data" --config "$config" --cache-dir "$work/cache" \
  --out "$work/n2" --max-steps 8 --check-weights-every 1 --progress-seconds 60

"$python" - "$work" <<'PY'
import sys, torch
work = sys.argv[1]
def weights(run):
    return torch.load(f"{work}/{run}/checkpoints/last.ckpt", map_location="cpu")["state_dict"]
whole, resumed, n2 = weights("whole"), weights("resumed"), weights("n2")
assert whole.keys() == resumed.keys() == n2.keys()
for k in whole:
    assert torch.equal(whole[k], resumed[k]), f"resumed differs at {k}"
scale = max(v.float().abs().max().item() for v in whole.values())
diff = max((whole[k].float() - n2[k].float()).abs().max().item() for k in whole)
print(f"-n 2 vs -n 1: max |diff| {diff:.3g} (max |w| {scale:.3g})")
assert diff <= 1e-5 * scale, "-n 2 differs from -n 1"
PY

expect_failure() {  # <what the message must contain> <command...>
  local want=$1; shift
  if out=$("$@" 2>&1); then echo "FAILED: succeeded: $*"; exit 1; fi
  grep -qF -- "$want" <<<"$out" || { echo "FAILED: no '$want' in: $out"; exit 1; }
}
sed 's/strides:/stridez:/' "$config" > "$work/bad.yml"
expect_failure "bad.yml: model.ae_args.stridez: unknown key" \
  "$cartography" fit-latent "$work/data" --config "$work/bad.yml" --out "$work/bad"
expect_failure "no checkpoint to resume from" fit --out "$work/nothing" --resume
expect_failure "no training data" "$cartography" fit-latent "$work/empty" --config "$config" --out "$work/e"
expect_failure "data.batch_size = 2 is below the 4 ranks" \
  mpirun --oversubscribe -n 4 "$cartography" fit-latent "$work/data" --config "$config" --out "$work/n4"
echo "fit-latent end to end: OK"
