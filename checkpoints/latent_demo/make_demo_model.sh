#!/usr/bin/env bash
# How checkpoints/latent_demo.ckpt was made (see checkpoints/README.md): a synthetic corpus from
# `cartography synth`, then `cartography fit-latent` with config/latent_demo.yml on one rank, 2 CPU
# threads. The best checkpoint by val/l2_rec is the model.
#   make_demo_model.sh [work dir (default /tmp/latent_demo)] [build dir (default build)]
# Wall time: about 34 minutes on 2 shared CPU cores (plus ~1.5 min for the feature cache).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-/tmp/latent_demo}; bin=${2:-build}/bin/cartography
"$bin" synth "$work/corpus" --songs 300 --seed 2026
"$bin" fit-latent "$work/corpus" --config "$root/config/latent_demo.yml" --out "$work/run" \
  --cache-dir "$work/cache" --threads 2 2>&1 | tee "$work/fit_latent.log"
echo "model: $work/run/checkpoints/best.ckpt (copied to checkpoints/latent_demo.ckpt)"
