#!/usr/bin/env bash
# Peak memory per rank against the number of archives (issue 12 item 4): `cartography run` on a
# synthetic corpus of ~10,000 archives and on a ~3,000-archive part of it (whole songs, hard
# links), at -n 1 and -n 2, Track A only and (WITH_LATENT=1) with the random-weight fixture
# checkpoint; then a corpus that holds only the corpus' largest group (most frames), whose peak
# is what one group needs. Figures: run_summary.json timing.per_rank[].peak_rss_mib (getrusage
# ru_maxrss of each rank). A rank's peak should stay flat from 3k to 10k archives, within ~2x
# the largest group's. OLD_BIN=<older cartography> adds the same rows for that binary (its
# plugins must sit in <its dir>/../lib), for a before/after table. NO_CONTROLS=1 adds a table
# of runs with --no-controls.
# usage: bench/pipeline/peak_rss.sh [songs (default 3300 ≈ 10,000 archives)] [build dir] [work dir]
# Synthesis of the corpus takes ~30 min on 2 busy cores (cached in the work dir); each 10k run
# writes a ~5 GB cartography.h5 (deleted after its figures are read).
set -euo pipefail
songs=${1:-3300}; build=${2:-build}; work=${3:-/tmp/carto_peak_rss}
bin=$(realpath "$build/bin/cartography")
ckpt=$(realpath "$(dirname "$0")/../../checkpoints/vae_small_UNTRAINED_random_weights.ckpt")
py=/usr/bin/python3  # numpy + h5py (Debian)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
mkdir -p "$work"
big=$work/corpus_s$songs; part=$work/corpus_s${songs}_3k; one=$work/corpus_s${songs}_biggest
[ -f "$big/synth_manifest.json" ] || "$bin" synth "$big" --songs "$songs" --seed 7 -q

# The ~3,000-archive part: whole songs, in the manifest's order, until 3,000 archives.
if [ ! -d "$part" ]; then
  mkdir -p "$part.tmp"
  $py - "$big" "$part.tmp" <<'PY'
import json, os, sys
big, part = sys.argv[1:3]
songs = {}
for a in json.load(open(os.path.join(big, "synth_manifest.json")))["archives"]:
    songs.setdefault(a["song"], []).append(a["file"])
n = 0
for files in songs.values():
    if n >= 3000: break
    for f in files:
        os.link(os.path.join(big, f), os.path.join(part, f))
        n += 1
PY
  mv "$part.tmp" "$part"
fi

# run <label> <corpus> <ranks> [run options...]: one line of figures, the outputs then deleted.
run() {
  local label=$1 corpus=$2 n=$3; shift 3
  local exe=${RUN_BIN:-$bin} out=$work/out
  rm -rf "$out"
  local t0 t1; t0=$(date +%s.%N)
  mpirun -n "$n" "$exe" run "$corpus" --out "$out" --no-report --progress-seconds 600 "$@" > "$work/$label.n$n.log" 2>&1 \
    || { echo "FAILED: $label -n $n (see $work/$label.n$n.log)"; return 1; }
  t1=$(date +%s.%N)
  $py - "$out" "$label" "$n" "$(echo "$t1 - $t0" | bc)" "$(ls "$corpus" | grep -c '\.osz$')" <<'PY'
import json, os, sys
out, label, n, wall, archives = sys.argv[1:6]
t = json.load(open(os.path.join(out, "run_summary.json")))["timing"]
peaks = " ".join(f"{r['peak_rss_mib']:7.0f}" for r in t["per_rank"])
groups = " ".join(f"{r['groups']}" for r in t["per_rank"])
h5 = os.path.getsize(os.path.join(out, "cartography.h5")) / 2**20
st = t["stage_s"]
print(f"{label:26s} {int(n):2d} {int(archives):8d} {float(wall):8.1f} {st.get('groups', 0):8.1f} {st.get('write', 0):8.1f} "
      f"{h5:9.0f}   {peaks}   (groups per rank: {groups})")
PY
  # The largest group (most frames) of the first 10k run: its archives make the one-group corpus.
  if [ "$corpus" = "$big" ] && [ ! -d "$one" ]; then
    mkdir -p "$one.tmp"
    $py - "$out" "$big" "$one.tmp" <<'PY'
import json, os, sys
import h5py, numpy as np
out, big, one = sys.argv[1:4]
with h5py.File(os.path.join(out, "cartography.h5"), "r") as f:
    g, frames = f["maps/song_group_idx"][()], f["maps/frames"][()]
biggest = int(np.bincount(g, weights=frames).argmax())
group = json.load(open(os.path.join(out, "data/multi_mapper_index.json")))[biggest]
for s in group["beatmapsets"]:
    os.link(os.path.join(big, s["filename"]), os.path.join(one, s["filename"]))
print(f"# largest group: song_group_idx {biggest}, {len(group['beatmapsets'])} archives, "
      f"{int(frames[g == biggest].sum())} frames in {int((g == biggest).sum())} maps", file=sys.stderr)
PY
    mv "$one.tmp" "$one"
  fi
  rm -rf "$out"
}

table() {  # table <suffix> [run options...]
  local sfx=$1; shift
  for n in 1 2; do
    run "3k$sfx" "$part" "$n" "$@"
    run "10k$sfx" "$big" "$n" "$@"
  done
  run "largest-group$sfx" "$one" 1 "$@"
}

printf "%-26s %2s %8s %8s %8s %8s %9s   %s\n" "corpus" "n" "archives" "wall_s" "groups_s" "write_s" "h5_MiB" \
  "peak RSS MiB per rank"
if [ "${NO_CONTROLS:-0}" != only ]; then
  table "" --checkpoint none
  [ "${WITH_LATENT:-0}" = 1 ] && table "+latent" --checkpoint "$ckpt"
fi
# Without the controls (their null phase reads the arrays back inside the write stage);
# NO_CONTROLS=only: that table alone (4x faster).
[ "${NO_CONTROLS:-0}" != 0 ] && table " no-controls" --checkpoint none --no-controls
if [ -n "${OLD_BIN:-}" ]; then
  echo "# before (OLD_BIN=$OLD_BIN)"
  RUN_BIN=$OLD_BIN table " (old)" --checkpoint none
fi
