#!/usr/bin/env bash
# `cartography fit-latent --deterministic` gives the same model to the last bit for any rank
# count: -n 1, 2 and 4 (global batch 4, tiny model, 4 corpus_small archives, 4 optimizer
# steps) write byte-identical metrics.csv and bit-equal weights, and -n 2 resumed after 2 steps
# equals them too.
# Usage: fit_latent_deterministic.sh <cartography> <corpus_small> <work dir> <python with torch>
set -euo pipefail
cartography=$1 corpus=$2 work=$3 python=$4
root=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work" && mkdir -p "$work/data"
for a in 100020 100036 100082 100123; do ln -s "$corpus/$a.osz" "$work/data/$a.osz"; done
sed -e 's/^    batch_size: 2/    batch_size: 4/' "$root/config/latent_tiny.yml" > "$work/config.yml"
grep -q "batch_size: 4" "$work/config.yml" || { echo "FAILED: could not set batch_size 4"; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
fit() {  # <ranks> <out> [options]
  local n=$1 out=$2; shift 2
  mpirun --oversubscribe -n "$n" "$cartography" fit-latent "$work/data" --config "$work/config.yml" \
    --cache-dir "$work/cache" --out "$work/$out" --deterministic --progress-seconds 600 "$@" > "$work/$out.log" 2>&1 ||
    { echo "FAILED: -n $n $out"; tail -20 "$work/$out.log"; exit 1; }
}
fit 1 n1 --max-steps 4
fit 2 n2 --max-steps 4
fit 4 n4 --max-steps 4
fit 2 n2_resumed --max-steps 2
fit 2 n2_resumed --max-steps 4 --resume
for run in n2 n4 n2_resumed; do
  cmp "$work/n1/metrics.csv" "$work/$run/metrics.csv" || { echo "FAILED: $run/metrics.csv differs from n1's"; exit 1; }
done
"$python" - "$work" <<'PY'
import sys, torch
work = sys.argv[1]
runs = ["n1", "n2", "n4", "n2_resumed"]
sd = {r: torch.load(f"{work}/{r}/checkpoints/last.ckpt", map_location="cpu")["state_dict"] for r in runs}
for r in runs[1:]:
    assert sd[r].keys() == sd["n1"].keys(), r
    bad = [k for k in sd["n1"] if not torch.equal(sd["n1"][k], sd[r][k])]
    assert not bad, f"{r}: {len(bad)} tensors differ from -n 1, first {bad[0]}"
print("deterministic: -n 1, -n 2, -n 4 and a resumed -n 2 hold bit-equal weights")
PY
