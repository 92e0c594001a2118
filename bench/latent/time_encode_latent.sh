#!/bin/bash
# Times `cartography encode-latent` on a 30,000-frame signal (about 3 minutes of music) against
# a 20-frame one: the difference is the encoding, the short run is the fixed cost (program and
# plugin start, libtorch initialisation, reading and preparing the checkpoint).
#
# usage: bench/latent/time_encode_latent.sh [BUILD_DIR] [CHECKPOINT] [THREADS]
#   BUILD_DIR   default build-latent (needs bin/cartography and lib/libcartography_latent.so)
#   CHECKPOINT  default checkpoints/vae_small_UNTRAINED_random_weights.ckpt (H=48); for the
#               full-size architecture make one with
#               /usr/bin/python3 bench/latent/eager_reference.py --save /tmp/latent_full
#               and pass /tmp/latent_full/full_random.ckpt
#   THREADS     CPU threads (default 2)
# Prints wall seconds, CPU seconds and peak RSS of each run (GNU time), best of 3.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-latent}
ckpt=${2:-$root/checkpoints/vae_small_UNTRAINED_random_weights.ckpt}
threads=${3:-2}
program=$build/bin/cartography
[ -x "$program" ] || { echo "no $program: build the cartography target first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$work" <<'PY'
import sys, numpy as np
rng = np.random.default_rng(0)
for frames in (20, 30000):
    np.save(f'{sys.argv[1]}/x{frames}.npy', rng.uniform(-1, 1, size=(9, frames)))
PY

for frames in 20 30000; do
  best=""
  for rep in 1 2 3; do
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" \
      "$program" encode-latent "$work/x$frames.npy" --checkpoint "$ckpt" --out "$work/z.npy" --cpu --threads "$threads"
    read -r wall user sys rss < "$work/time"
    line=$(printf '%6d frames: wall %6.2f s  cpu %6.2f s  peak RSS %5d MiB' "$frames" "$wall" "$(echo "$user + $sys" | bc)" "$((rss / 1024))")
    if [ -z "$best" ] || (( $(echo "$wall < $bestwall" | bc) )); then best=$line; bestwall=$wall; fi
  done
  echo "$best"
done
echo "checkpoint: $ckpt, threads: $threads"
