#!/usr/bin/env bash
# `cartography run` with --out on a full disk: a small tmpfs (mounted here; needs root, else
# the test is skipped with rc 77) of several sizes, so the disk fills at different writes
# (progress files, JSON, the HDF5 file), under mpirun -n 1 and -n 2. Each run must end with
# rc 1 (no segfault, no hang), say "No space left on device", and leave nothing that looks
# complete (no run_summary.json, cartography.h5 or data/*.json; progress files may stay).
#   full_disk.sh <cartography> <corpus> <work dir>
set -uo pipefail
bin=$1; corpus=$2; work=$3
if [ "$(id -u)" -ne 0 ]; then echo "skipped: mounting a small tmpfs needs root"; exit 77; fi
mkdir -p "$work/mnt"
if ! mount -t tmpfs -o size=64k tmpfs "$work/mnt" 2>/dev/null; then
  echo "skipped: cannot mount a tmpfs here (container without CAP_SYS_ADMIN?)"; exit 77
fi
umount "$work/mnt"
trap 'umount "$work/mnt" 2>/dev/null' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
fails=0
# 16k: the first progress file; 160k, 400k: the per-rank spill of the arrays (it holds every
# signal until the end: ~22 MB here); 30m: the HDF5 file, in a round of the final write.
for size in 16k 160k 400k 30m; do
  for n in 1 2; do
    mount -t tmpfs -o size=$size tmpfs "$work/mnt"
    out=$work/mnt/out
    timeout 120 mpirun -n $n "$bin" run "$corpus" --out "$out" --checkpoint none --progress-seconds 30 \
      >"$work/log_${size}_n$n" 2>&1
    rc=$?
    label="size $size, -n $n"
    if [ $rc -ne 1 ]; then
      echo "FAIL: $label: rc $rc (expected 1)"; tail -5 "$work/log_${size}_n$n"; fails=$((fails + 1))
    elif ! grep -q "run failed: .*No space left on device" "$work/log_${size}_n$n"; then
      echo "FAIL: $label: the error does not say 'No space left on device'"; tail -5 "$work/log_${size}_n$n"
      fails=$((fails + 1))
    else
      echo "ok: $label: $(grep -o 'run failed: .*' "$work/log_${size}_n$n" | head -1 | cut -c1-160)"
    fi
    left=$(cd "$out" 2>/dev/null && find . -type f ! -path './progress/*' | sort)
    if [ -n "$left" ]; then echo "FAIL: $label: files left that may look complete: $left"; fails=$((fails + 1)); fi
    umount "$work/mnt"
  done
done
[ $fails -eq 0 ] && echo "every full-disk run failed cleanly"
exit $((fails > 0))
