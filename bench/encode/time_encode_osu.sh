#!/usr/bin/env bash
# Times `cartography encode-osu` end to end (process start to .npy on disk) with
# /usr/bin/time -v: a typical ~5-minute map (1,044 objects, L = 50,986 as in the reference's
# 0.5 s timing), the 53-minute Marathon map (L = 531,448; reference 15-28 s) and a one-object
# chart (start-up). Work = map time - one-object time. Prints the median wall time of N runs,
# user+system CPU time and peak RSS.
#   bench/encode/time_encode_osu.sh [build_dir] [runs] [extra encode-osu options...]
# OUT_DIR=/dev/shm/... writes the .npy files to memory instead of the disk under $TMPDIR
# (the Marathon file is 38 MB; on a small VM disk writeback throttling dominates wall time).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build-osu}"
runs="${2:-7}"
shift $(( $# > 2 ? 2 : $# ))
bin="$build/bin/cartography"
data="$root/tests/data/osu"
out="$(mktemp -d "${OUT_DIR:-${TMPDIR:-/tmp}}/time_encode_osu.XXXXXX")"
trap 'rm -rf "$out"' EXIT

# name|chart|frames
cases=(
  "one-object|$root/bench/encode/one_object.osu|1"
  "typical|$data/ppy-osu__1124896__completed.osu|50986"
  "marathon|$data/ppy-osu__Within_Temptation_-_The_Unforgiving_Armin_Marathon_.osu|531448"
)

median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

TIMEFORMAT='%3R %3U %3S'
declare -A wall cpu rss
for c in "${cases[@]}"; do
  IFS='|' read -r name chart frames <<< "$c"
  walls=(); cpus=(); peak=0
  for _ in $(seq "$runs"); do
    # /usr/bin/time -v gives the peak RSS; its times have 10 ms resolution, so wall and CPU
    # come from bash's `time` (1 ms) around it (the baseline subtracts the wrapper's cost).
    { time /usr/bin/time -v -o "$out/time.txt" "$bin" encode-osu "$chart" --frames "$frames" --out "$out/x.npy" "$@" \
        2> "$out/err.txt" || { cat "$out/err.txt" >&2; exit 1; }; } 2> "$out/bash_time.txt"
    read -r w u s < "$out/bash_time.txt"
    r=$(awk -F': ' '/Maximum resident/ {print $2}' "$out/time.txt")
    walls+=("$w"); cpus+=("$(echo "$u + $s" | bc -l)")
    (( r > peak )) && peak=$r
  done
  wall[$name]=$(printf '%s\n' "${walls[@]}" | median)
  cpu[$name]=$(printf '%s\n' "${cpus[@]}" | median)
  rss[$name]=$peak
  printf '%-10s L=%-7s wall %6.3f s  cpu %6.3f s  peak RSS %6d KB\n' "$name" "$frames" "${wall[$name]}" "${cpu[$name]}" "$peak"
done

work() { echo "${wall[$1]} - ${wall[one-object]}" | bc -l; }
cpu_work() { echo "${cpu[$1]} - ${cpu[one-object]}" | bc -l; }
ratio() { awk -v ref="$2" -v w="$1" 'BEGIN { if (w <= 0) print "inf"; else printf "%.0f", ref / w }'; }
tw=$(work typical); mw=$(work marathon)
tc=$(cpu_work typical); mc=$(cpu_work marathon)
printf 'work typical  wall %.3f s: %sx the reference 0.5 s  (cpu %.3f s: %sx)\n' "$tw" "$(ratio "$tw" 0.5)" "$tc" "$(ratio "$tc" 0.5)"
printf 'work marathon wall %.3f s: %sx the reference 15 s, %sx its 28 s  (cpu %.3f s: %sx, %sx)\n' \
  "$mw" "$(ratio "$mw" 15)" "$(ratio "$mw" 28)" "$mc" "$(ratio "$mc" 15)" "$(ratio "$mc" 28)"
printf 'start-up (one-object chart) %.3f s\n' "${wall[one-object]}"
printf 'output in %s\n' "$(dirname "$out")"
printf 'load average: %s (the machine is shared; wall times include waiting for a core)\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
