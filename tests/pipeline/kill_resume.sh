#!/usr/bin/env bash
# Kill-and-resume: a `cartography run` under mpirun -n 4 is killed mid-way, first by killing one
# rank, then by killing the whole job; each time `run --resume` must finish with JSON
# byte-identical to an uninterrupted run, and no output of the killed run may look finished.
# usage: kill_resume.sh <cartography> <corpus> <checkpoint> <work dir> <same_outputs.sh>
set -euo pipefail
bin=$1; corpus=$2; ckpt=$3; work=$4; same=$5
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
rm -rf "$work"; mkdir -p "$work"
run() { timeout 300 mpirun --oversubscribe -n 4 "$bin" run "$corpus" --checkpoint "$ckpt" "$@"; }

run --out "$work/whole" > "$work/whole.log" 2>&1
groups=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$work/whole/data/multi_mapper_index.json")

# Starts a slowed run in the background; waits until at least 2 groups are saved.
start_slow_run() {
  local out=$1
  CARTOGRAPHY_TEST_GROUP_DELAY_MS=700 setsid timeout 300 mpirun --oversubscribe -n 4 "$bin" run "$corpus" \
    --checkpoint "$ckpt" --out "$out" > "$out.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    n=$(ls "$out/progress" 2>/dev/null | grep -c '\.cbor$' || true)
    [ "$n" -ge 2 ] && return 0
    sleep 0.05
  done
  echo "no group was saved in time"; cat "$out.log"; exit 1
}

check_interrupted() {  # nothing of a killed run looks finished
  local out=$1
  [ ! -e "$out/cartography.h5" ] || { echo "FAIL: $out/cartography.h5 exists after the kill"; exit 1; }
  [ ! -e "$out/run_summary.json" ] || { echo "FAIL: $out/run_summary.json exists after the kill"; exit 1; }
  local json
  json=$(cd "$out" && find data results -name '*.json' 2>/dev/null | head -3)
  [ -z "$json" ] || { echo "FAIL: result JSON of the killed run looks finished: $json"; exit 1; }
  done_groups=$(ls "$out/progress" | grep -c '\.cbor$' || true)
  [ "$done_groups" -lt "$groups" ] || { echo "FAIL: the run had finished every group before the kill"; exit 1; }
  echo "killed with $done_groups of $groups groups saved"
}

resume_and_compare() {
  local out=$1
  run --out "$out" --resume > "$out.resume.log" 2>&1
  resumed=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['groups']['resumed'])" "$out/run_summary.json")
  [ "$resumed" -ge 1 ] || { echo "FAIL: nothing was resumed"; exit 1; }
  [ ! -e "$out/progress" ] || { echo "FAIL: progress files left after a finished run"; exit 1; }
  bash "$same" "$work/whole" "$out"
  echo "resumed $resumed groups: identical"
}

# 1. One rank dies (SIGKILL); mpirun then ends the job.
start_slow_run "$work/one_rank"
victim=$(pgrep -P "$(pgrep -P "$pid" -x mpirun || echo "$pid")" -x cartography | tail -1 || true)
[ -n "$victim" ] || victim=$(pgrep -f "cartography run $corpus" | tail -1)
kill -KILL "$victim"
wait "$pid" || true
check_interrupted "$work/one_rank"
resume_and_compare "$work/one_rank"

# 2. The whole job is killed (as a preempted or cancelled job would be).
start_slow_run "$work/whole_job"
kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
pkill -KILL -f "cartography run $corpus --checkpoint $ckpt --out $work/whole_job" || true
wait "$pid" || true
sleep 0.5
check_interrupted "$work/whole_job"
resume_and_compare "$work/whole_job"
echo "kill-and-resume: ok"
