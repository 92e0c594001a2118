#!/usr/bin/env bash
# How checkpoints/latent_demo.ckpt was made (see checkpoints/README.md): a synthetic corpus from
# `cartography synth`, then `cartography fit-latent` with latent_demo.yml (a copy of
# config/latent_demo.yml) on one rank, 2 CPU threads. The best checkpoint by val/l2_rec is the model.
#   make_demo_model.sh [work dir (default /tmp/latent_demo)] [build dir (default build)]
# Wall time: about 50 minutes on 2 shared CPU cores (plus the feature cache on a first run).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-/tmp/latent_demo}; bin=${2:-build}/bin/cartography
"$bin" synth "$work/corpus" --songs 300 --seed 2026
"$bin" fit-latent "$work/corpus" --config "$here/latent_demo.yml" --out "$work/run" \
  --cache-dir "$work/cache" --threads 2 2>&1 | tee "$work/fit_latent.log"
echo "model: $work/run/checkpoints/best.ckpt (copied to checkpoints/latent_demo.ckpt)"
