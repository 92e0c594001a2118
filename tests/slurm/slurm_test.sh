#!/usr/bin/env bash
# CTest (label slurm): starts a real single-node Slurm (munged, slurmctld, slurmd), submits
# jobs/quickstart.yaml through slurm/submit.sh -> slurm/cpu.sbatch (2 ranks, srun --mpi=pmix),
# checks the outputs, and stops the daemons it started (trap, also on failure).
#
#   slurm_test.sh quickstart <source dir> <build dir>
#       sbatch --wait; the job must succeed and its outputs pass check_run.py.
#   slurm_test.sh gpu <source dir> <build dir>
#       slurm/gpu.sbatch on 2 fake GPUs, with --gpus-per-task=1 and with --gres=gpu:2: each must
#       finish and bind GPUs to ranks as documented.
#   slurm_test.sh requeue <source dir> <build dir>
#       the first attempt waits (CARTO_SETUP); the test sends USR1 to the batch shell as Slurm's
#       --signal=B:USR1@N would before the time limit; the job must requeue itself, start
#       again (SLURM_RESTART_COUNT=1), run with --resume and finish with the same checks.
#   slurm_test.sh fit_latent <source dir> <build dir>
#       slurm/submit.sh --fit-latent: config/latent_tiny.yml on 4 corpus_small archives, 2 ranks,
#       --max-steps 8, --wait; the job must succeed with last.ckpt and a metrics.csv of 4 batches.
#   slurm_test.sh fit_latent_requeue <source dir> <build dir>
#       the same with a checkpoint every batch; `scontrol requeue` once the first checkpoint is
#       written: the second attempt must resume from it (--resume) and end at global step 8.
#
# Needs root (the daemons run as root; munged as munge). Exit 77 (skipped) when not root.
# Outputs and logs stay under <build dir>/tests/slurm/<mode>/ for inspection.
set -euo pipefail

mode=${1:?mode}
src=$(realpath "${2:?source dir}")
build=$(realpath "${3:?build dir}")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ "$(id -u)" != 0 ]; then
  echo "SKIP: the Slurm test starts munged/slurmctld/slurmd and needs root"
  exit 77
fi
for c in slurmctld slurmd munged munge unmunge sbatch srun scontrol squeue sinfo scancel setpriv python3; do
  command -v "$c" >/dev/null || { echo "FAIL: $c not found (scripts/install-deps.sh installs slurm-wlm and munge)"; exit 1; }
done
bin=$build/bin/cartography
[ -x "$bin" ] || { echo "FAIL: $bin not built"; exit 1; }

work=$build/tests/slurm/$mode
rm -rf "$work"
mkdir -p "$work/logs"
# Daemon state in a short /tmp path: slurmd's unix sockets must fit in 108 bytes.
state=$(mktemp -d /tmp/carto-slurm.XXXXXX)

# shellcheck source=cluster.sh
source "$here/cluster.sh"

finish() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  cluster_down "$state"
  # The requeue test's parked sleep, if the requeue left it behind.
  if [ -f "$work/sleep.pid" ]; then
    p=$(cat "$work/sleep.pid")
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" != sleep ] || kill "$p" 2>/dev/null
  fi
  if [ $rc -ne 0 ]; then
    mkdir -p "$work/cluster-logs"
    cp -r "$state/log/." "$work/cluster-logs/" 2>/dev/null
    echo "---- job logs ($work/logs) ----"
    tail -n 40 "$work"/logs/*.out 2>/dev/null
    echo "---- slurmctld/slurmd (copied to $work/cluster-logs) ----"
    tail -n 15 "$state"/log/slurmctld.log "$state"/log/slurmd.log 2>/dev/null
  fi
  rm -rf "$state"
  exit $rc
}
trap finish EXIT
trap 'exit 130' INT TERM

# The gpu mode gets 2 fake GPUs (see cluster.sh), so that gpu.sbatch's requests are scheduled
# and bound; the ranks then fall back to the CPU (no CUDA here).
if [ "$mode" = gpu ]; then export CARTO_TEST_GRES=gpu:2; else unset CARTO_TEST_GRES; fi
cluster_up "$state" 4

# The site defaults of slurm/defaults.env, replaced by this cluster's (environment wins there).
export CARTO_CPU_PARTITION=debug CARTO_CPU_NODES=1 CARTO_CPU_TASKS_PER_NODE=2 CARTO_CPU_CPUS_PER_TASK=1
export CARTO_CPU_MEM_PER_CPU=
export CARTO_GPU_PARTITION=debug CARTO_GPU_NODES=1 CARTO_GPU_TASKS_PER_NODE=2 CARTO_GPU_CPUS_PER_TASK=1
export CARTO_GPU_MEM_PER_CPU= CARTO_GPU_GRES=
export SBATCH_TIMELIMIT=10 SBATCH_ACCOUNT= SBATCH_QOS= SBATCH_CONSTRAINT= SBATCH_RESERVATION=
export CARTO_BUILD_DIR=$build CARTO_LOG_DIR=$work/logs
export CARTO_REQUEUE_SIGNAL_S=60
unset SBATCH_PARTITION SBATCH_WAIT CARTOGRAPHY_PLUGIN_DIR

job=$src/jobs/quickstart.yaml
out=$work/out
# The quickstart job with every stage when its checkpoint is there; Track A alone otherwise.
ckpt=$(sed -n 's/^checkpoint:[[:space:]]*//p' "$job" | head -1)
run_args=(--out "$out")
check_args=()
if [ -n "$ckpt" ] && [ "$ckpt" != none ] && [ -f "$(dirname "$job")/$ckpt" ]; then
  check_args+=(--track-b)
else
  echo "note: $ckpt not found next to $job: the job runs Track A only (--checkpoint none)"
  run_args+=(--checkpoint none)
fi

status_of_log() {  # the last "step finished with status N" of a job log
  sed -n 's/.*step finished with status \([0-9]*\).*/\1/p' "$1" | tail -1
}

# fit-latent's job: the tiny config on 4 archives (2 songs per global batch of 2, 2 ranks).
fit_data=$work/data
mkdir -p "$fit_data"
for a in 100020 100036 100082 100123; do ln -s "$src/tests/data/corpus_small/$a.osz" "$fit_data/$a.osz"; done
fit_submit() {  # <seconds> <out> [submit.sh options...]: submit.sh --fit-latent ... cpu > $work/submit.out
  local limit=$1 fit_out=$2
  shift 2
  CARTO_SUBMIT_TIMEOUT=$((limit - 30)) timeout "$limit" "$src/slurm/submit.sh" --fit-latent "$fit_data" "$src/config/latent_tiny.yml" "$fit_out" cpu "$@" \
    >"$work/submit.out" 2>&1
}
# <out>/metrics.csv must hold exactly the batches 0..3 with global steps 2, 4, 6, 8 (the tiny
# config steps critic and generator once a batch), <out>/checkpoints/last.ckpt must exist, and
# the job log <log> must end the training at global step 8.
check_fit_out() {
  local fit_out=$1 log=$2 got
  grep -q "fit-latent: done at global step 8 " "$log" || { echo "FAIL: the training did not end at global step 8"; exit 1; }
  [ -s "$fit_out/checkpoints/last.ckpt" ] || { echo "FAIL: no $fit_out/checkpoints/last.ckpt"; exit 1; }
  [ -s "$fit_out/metrics.csv" ] || { echo "FAIL: no $fit_out/metrics.csv"; exit 1; }
  head -1 "$fit_out/metrics.csv" | grep -q '^epoch,step,batch,' ||
    { echo "FAIL: metrics.csv header: $(head -1 "$fit_out/metrics.csv")"; exit 1; }
  got=$(tail -n +2 "$fit_out/metrics.csv" | cut -d, -f2,3 | tr '\n' ' ')
  [ "$got" = "2,0 4,1 6,2 8,3 " ] ||
    { echo "FAIL: metrics.csv (step,batch) rows are '$got', want '2,0 4,1 6,2 8,3 '"; exit 1; }
}

case "$mode" in
  fit_latent)
    rc=0
    fit_submit 480 "$work/fit" --wait -- --max-steps 8 || rc=$?
    cat "$work/submit.out"
    log=$(ls "$work"/logs/carto-fit-fit-*.out 2>/dev/null | head -1)
    [ -n "$log" ] || { echo "FAIL: no job log in $work/logs"; exit 1; }
    echo "---- $log ----"
    cat "$log"
    [ "$rc" = 0 ] || { echo "FAIL: sbatch --wait returned $rc"; exit 1; }
    [ "$(status_of_log "$log")" = 0 ] || { echo "FAIL: the step did not report status 0"; exit 1; }
    grep -q "2 rank(s)" "$log" || { echo "FAIL: the job did not get 2 ranks"; exit 1; }
    grep -q "training from the start" "$log" || { echo "FAIL: a fresh job did not start from scratch"; exit 1; }
    if grep -q -- "--resume" "$log"; then echo "FAIL: a fresh job ran with --resume"; exit 1; fi
    check_fit_out "$work/fit" "$log"
    echo "PASS: slurm $mode"
    exit 0
    ;;

  fit_latent_requeue)
    fit_out=$work/fit
    fit_submit 90 "$fit_out" -- --max-steps 8 --checkpoint-every 1
    cat "$work/submit.out"
    id=$(sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p' "$work/submit.out")
    [ -n "$id" ] || { echo "FAIL: no job id"; exit 1; }
    log=$work/logs/carto-fit-fit-$id.out
    # The first checkpoint (after batch 0, global step 2) is renamed into place whole.
    for i in $(seq 1 1200); do
      [ -f "$fit_out/checkpoints/last.ckpt" ] && break
      sleep 0.1
    done
    [ -f "$fit_out/checkpoints/last.ckpt" ] || { echo "FAIL: no first checkpoint within 2 minutes"; cat "$log"; exit 1; }
    # Requeue mid-training, as preemption or an admin would: Slurm stops the job (TERM) and
    # queues it again.
    timeout 30 scontrol requeue "$id"
    rows_at_requeue=$(($(wc -l <"$fit_out/metrics.csv") - 1))
    released=0
    for i in $(seq 1 480); do
      st=$(timeout 10 squeue -h -j "$id" -o "%T %r" 2>/dev/null || true)
      [ -z "$st" ] && break
      if [ "$released" = 0 ] && [ "$st" = "PENDING BeginTime" ]; then
        timeout 10 scontrol update JobId="$id" StartTime=now && released=1
      fi
      sleep 1
    done
    [ -z "$st" ] || { echo "FAIL: job $id still $st after 8 minutes"; exit 1; }
    echo "---- $log ----"
    cat "$log"
    [ "$rows_at_requeue" -lt 4 ] ||
      { echo "FAIL: the first attempt had finished all 4 batches before the requeue (too fast to test)"; exit 1; }
    grep -q "step ended with status .* after a requeue/stop request" "$log" ||
      { echo "FAIL: the first attempt's step was not stopped by the requeue"; exit 1; }
    grep -q "attempt 2 on" "$log" || { echo "FAIL: the job did not start a second attempt"; exit 1; }
    grep -q "resuming from $fit_out/checkpoints/last.ckpt" "$log" ||
      { echo "FAIL: the second attempt did not resume"; exit 1; }
    grep -q "fit-latent .* --resume" "$log" || { echo "FAIL: the step was not started with --resume"; exit 1; }
    [ "$(status_of_log "$log")" = 0 ] || { echo "FAIL: the second attempt did not finish with status 0"; exit 1; }
    check_fit_out "$fit_out" "$log"
    echo "PASS: slurm $mode"
    exit 0
    ;;

  quickstart)
    rc=0
    CARTO_SUBMIT_TIMEOUT=420 timeout 480 "$src/slurm/submit.sh" "$job" cpu --wait -- "${run_args[@]}" \
      >"$work/submit.out" 2>&1 || rc=$?
    cat "$work/submit.out"
    log=$(ls "$work"/logs/carto-quickstart-*.out 2>/dev/null | head -1)
    [ -n "$log" ] || { echo "FAIL: no job log in $work/logs"; exit 1; }
    echo "---- $log ----"
    cat "$log"
    [ "$rc" = 0 ] || { echo "FAIL: sbatch --wait returned $rc"; exit 1; }
    [ "$(status_of_log "$log")" = 0 ] || { echo "FAIL: the step did not report status 0"; exit 1; }
    grep -q "2 rank(s)" "$log" || { echo "FAIL: the job did not get 2 ranks"; exit 1; }
    ;;

  requeue)
    # First attempt: park in an interruptible wait (traps run during `wait`), like a long run.
    # (The sleep's PID goes to a file: the requeue kills the shell but not always its orphan.)
    export CARTO_SETUP='if [ "${SLURM_RESTART_COUNT:-0}" = 0 ]; then echo "first attempt: waiting for USR1"; sleep 300 & echo $! >"$CARTO_TEST_SLEEP_PID"; wait $!; fi'
    export CARTO_TEST_SLEEP_PID=$work/sleep.pid
    CARTO_SUBMIT_TIMEOUT=60 timeout 90 "$src/slurm/submit.sh" "$job" cpu -- "${run_args[@]}" >"$work/submit.out" 2>&1
    cat "$work/submit.out"
    id=$(sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p' "$work/submit.out")
    [ -n "$id" ] || { echo "FAIL: no job id"; exit 1; }
    log=$work/logs/carto-quickstart-$id.out
    for i in $(seq 1 240); do
      grep -qx "first attempt: waiting for USR1" "$log" 2>/dev/null && break
      sleep 0.5
    done
    grep -qx "first attempt: waiting for USR1" "$log" || { echo "FAIL: the first attempt never started"; cat "$log" 2>/dev/null; exit 1; }
    # What --signal=B:USR1@N does at N seconds before the time limit.
    timeout 30 scancel --batch --signal=USR1 "$id"
    # Wait for the job to leave the queue. A requeued job comes back PENDING with a begin time
    # two minutes ahead (Slurm's requeue delay); the test moves that to now.
    released=0
    for i in $(seq 1 480); do
      st=$(timeout 10 squeue -h -j "$id" -o "%T %r" 2>/dev/null || true)
      [ -z "$st" ] && break
      if [ "$released" = 0 ] && [ "$st" = "PENDING BeginTime" ]; then
        timeout 10 scontrol update JobId="$id" StartTime=now && released=1
      fi
      sleep 1
    done
    [ -z "$st" ] || { echo "FAIL: job $id still $st after 8 minutes"; exit 1; }
    echo "---- $log ----"
    cat "$log"
    grep -q "time limit near: requeueing" "$log" || { echo "FAIL: the USR1 handler did not run"; exit 1; }
    grep -q "attempt 2 on" "$log" || { echo "FAIL: the job did not start a second attempt"; exit 1; }
    grep -q "cartography run --job $job --resume" "$log" || { echo "FAIL: the step was not started with --resume"; exit 1; }
    [ "$(grep -cx 'first attempt: waiting for USR1' "$log")" = 1 ] || { echo "FAIL: the setup wait ran twice"; exit 1; }
    [ "$(status_of_log "$log")" = 0 ] || { echo "FAIL: the second attempt did not finish with status 0"; exit 1; }
    ;;

  gpu)
    # gpu.sbatch twice: --gpus-per-task=1 (each rank sees its own GPU), then --gres=gpu:2 (each
    # rank sees both). Both runs must finish (CPU fallback) and show that binding per rank.
    for variant in per-task gres; do
      [ "$variant" = gres ] && export CARTO_GPU_GRES=gpu:2
      rc=0
      # run_args without its leading "--out $out": each variant has its own output folder.
      CARTO_SUBMIT_TIMEOUT=420 timeout 480 "$src/slurm/submit.sh" "$job" gpu --wait -- "${run_args[@]:2}" \
        --out "$work/out-$variant" >"$work/submit-$variant.out" 2>&1 || rc=$?
      cat "$work/submit-$variant.out"
      id=$(sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p' "$work/submit-$variant.out")
      log=$work/logs/carto-quickstart-$id.out
      echo "---- $log ----"
      cat "$log" 2>/dev/null || true
      [ "$rc" = 0 ] || { echo "FAIL: gpu.sbatch ($variant) returned $rc"; exit 1; }
      [ "$(status_of_log "$log")" = 0 ] || { echo "FAIL: the step did not report status 0 ($variant)"; exit 1; }
      b0=$(sed -n 's/.*binding: rank 0 .*CUDA_VISIBLE_DEVICES=\(.*\)$/\1/p' "$log")
      b1=$(sed -n 's/.*binding: rank 1 .*CUDA_VISIBLE_DEVICES=\(.*\)$/\1/p' "$log")
      if [ "$variant" = per-task ]; then
        [ -n "$b0" ] && [ -n "$b1" ] && [ "$b0" != none ] && [ "$b0" != "$b1" ] ||
          { echo "FAIL: --gpus-per-task=1 did not give each rank its own GPU (rank 0: '$b0', rank 1: '$b1')"; exit 1; }
      else
        [ "$b0" = "0,1" ] && [ "$b1" = "0,1" ] ||
          { echo "FAIL: --gres=gpu:2 should show both GPUs to each rank (rank 0: '$b0', rank 1: '$b1')"; exit 1; }
      fi
      timeout 120 python3 "$here/check_run.py" "$work/out-$variant" --ranks 2 --archives 37 "${check_args[@]}"
    done
    echo "PASS: slurm gpu"
    exit 0
    ;;

  *)
    echo "unknown mode $mode"
    exit 2
    ;;
esac

timeout 120 python3 "$here/check_run.py" "$out" --ranks 2 --archives 37 "${check_args[@]}" \
  --reference-index "$src/tests/data/corpus_small_reference/multi_mapper_index.json"
echo "PASS: slurm $mode"
