#!/usr/bin/env bash
# The arrays and map tables of run A's cartography.h5 equal those of every other run given
# (h5diff: same shapes, every value equal). Root attributes differ by design (ranks), so only
# datasets are compared.
#   same_store.sh <run A> <run B> [<run C> ...]
set -euo pipefail
a=$1; shift
sets=(encodings/signal latents/mu maps/frames maps/frame_offset maps/latent_frames maps/latent_offset
      maps/beatmapset_id maps/song_group_idx maps/osu_path maps/filename track_a/pearson track_b/pearson)
status=0
for b in "$@"; do
  for d in "${sets[@]}"; do
    # A Track-A-only run has no latents: a dataset missing from both files is the same.
    if ! h5ls "$a/cartography.h5/$d" >/dev/null 2>&1 && ! h5ls "$b/cartography.h5/$d" >/dev/null 2>&1; then continue; fi
    # h5diff exits 0 for datasets of different shapes ("not comparable"): its words count too.
    rc=0; out=$(h5diff -c "$a/cartography.h5" "$b/cartography.h5" "/$d" 2>&1) || rc=$?
    if [ $rc -ne 0 ] || echo "$out" | grep -qi "not comparable"; then
      echo "differs: /$d ($a vs $b): $(echo "$out" | head -3)"; status=1
    fi
  done
done
[ $status -eq 0 ] && echo "datasets (${sets[*]}) equal or absent in both, in $a and $*"
exit $status
