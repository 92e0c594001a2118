#!/usr/bin/env bash
# `cartography run` refuses bad options the same way from a flag and from a job-file key, and
# refuses non-regular inputs (FIFO, device) before opening them, each with a message naming the
# source; nothing is started (no output folder is created).
#   run_options.sh <cartography binary>
set -uo pipefail
bin=${1:?cartography binary}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0

# expect_refusal <label> <text the message must hold> -- <args...>
expect_refusal() {
  local label=$1 want=$2
  shift 3
  local out rc
  out=$(timeout 20 "$bin" run "$@" 2>&1)
  rc=$?
  if [ $rc -eq 0 ] || [ $rc -ge 124 ]; then
    echo "FAIL: $label: rc $rc (expected a refusal): $out"; fails=$((fails + 1)); return
  fi
  if ! grep -qF -- "$want" <<<"$out"; then
    echo "FAIL: $label: message lacks '$want': $out"; fails=$((fails + 1)); return
  fi
  echo "ok: $label: $out"
}

mkfifo "$work/fifo"
printf 'out: %s/o\ngroup_by: osu_creator\n' "$work" >"$work/underscore.yaml"
printf 'out: %s/o\ncheckpoint: %s/fifo\n' "$work" "$work" >"$work/fifo_ckpt.yaml"
printf 'out: %s/o\nseed: 1e3\n' "$work" >"$work/seed.yaml"

expect_refusal "flag group-by underscore" "--group-by: 'osu_creator' is not one of set-creator, osu-creator" -- \
  --out "$work/o" --group-by osu_creator
expect_refusal "job group_by underscore" "underscore.yaml: key 'group_by': 'osu_creator' is not one of" -- \
  --job "$work/underscore.yaml"
expect_refusal "FIFO job file" "is a FIFO, not a regular file" -- --job "$work/fifo"
expect_refusal "FIFO checkpoint (flag)" "--checkpoint: checkpoint $work/fifo is a FIFO" -- \
  --out "$work/o" --checkpoint "$work/fifo"
expect_refusal "FIFO checkpoint (job)" "fifo_ckpt.yaml: key 'checkpoint': checkpoint" -- --job "$work/fifo_ckpt.yaml"
expect_refusal "device checkpoint" "checkpoint /dev/zero is a character device" -- --out "$work/o" --checkpoint /dev/zero
expect_refusal "seed not an integer (job)" "seed.yaml: key 'seed': '1e3' is not an integer" -- --job "$work/seed.yaml"
expect_refusal "no --out" "--out is required" -- --checkpoint none
expect_refusal "dataset not a folder" "dataset folder $work/fifo not found or not a folder" -- \
  "$work/fifo" --out "$work/o" --checkpoint none
if [ -e "$work/o" ]; then echo "FAIL: a refused run created its output folder"; fails=$((fails + 1)); fi

# `synth --seed` is parsed as `run --seed` is: CLI11 alone turned -1 into 2^64-1 with rc 0.
for seed in -1 1e3 +5 18446744073709551616; do
  out=$(timeout 20 "$bin" synth "$work/synth" --songs 1 --seed "$seed" -q 2>&1)
  rc=$?
  if [ $rc -eq 0 ] || [ $rc -ge 124 ] || ! grep -qF -- "is not an integer from 0 to" <<<"$out" || [ -e "$work/synth" ]; then
    echo "FAIL: synth --seed $seed: rc $rc: $out"; fails=$((fails + 1))
  else
    echo "ok: synth --seed $seed refused"
  fi
done

# --help says where --resume reads from.
if ! "$bin" run --help | grep -q -- "--resume .*<out>/progress/"; then
  echo "FAIL: run --help does not say that --resume reads <out>/progress/"; fails=$((fails + 1))
fi
[ $fails -eq 0 ] && echo "all refusals as expected"
exit $((fails > 0))
