# Sourced by slurm/cpu.sbatch and slurm/gpu.sbatch inside the allocation (bash): runs one
# `cartography run --job <job> --resume` step over all tasks and makes the job requeue-friendly.
#
#  - Time limit: sbatch --signal=B:USR1@N sends USR1 to this shell N seconds before the end;
#    the job requeues itself (scontrol requeue) and the next attempt resumes (--resume skips
#    the song groups already complete in <out>/cartography.h5).
#  - Preemption (PreemptMode=REQUEUE) and scancel send TERM: it is passed on to the step so the
#    ranks stop together; Slurm itself requeues a preempted --requeue job.
#  - Node failure: Slurm requeues --requeue jobs itself.
# The srun step runs in the background and this shell waits for it, so that bash runs the
# traps as soon as a signal arrives (bash defers traps while a foreground command runs).

carto_log() { printf '[%s %s] %s\n' "$(date +%Y-%m-%dT%H:%M:%S)" "job ${SLURM_JOB_ID:-?}" "$*"; }

# Seconds left before the job's time limit, or 0 when unknown/unlimited.
carto_seconds_left() {
  local left d=0 h=0 m=0 s=0
  left=$(timeout 30 squeue -h -j "$SLURM_JOB_ID" -o %L 2>/dev/null | head -1) || left=
  case "$left" in
    ""|UNLIMITED|NOT_SET|INVALID) echo 0; return ;;
  esac
  if [[ $left == *-* ]]; then d=${left%%-*}; left=${left#*-}; fi
  IFS=: read -r -a parts <<<"$left"
  case ${#parts[@]} in
    3) h=${parts[0]}; m=${parts[1]}; s=${parts[2]} ;;
    2) m=${parts[0]}; s=${parts[1]} ;;
    1) s=${parts[0]} ;;
  esac
  echo $(( 10#$d * 86400 + 10#$h * 3600 + 10#$m * 60 + 10#$s ))
}

carto_step_pid=
carto_requeued=0

carto_on_usr1() {
  carto_log "time limit near: requeueing (attempt $(( ${SLURM_RESTART_COUNT:-0} + 1 )) ends, the next one resumes)"
  if timeout 60 scontrol requeue "$SLURM_JOB_ID"; then
    carto_requeued=1
  else
    carto_log "scontrol requeue failed: the job will end at its time limit; resubmit it (it resumes)"
  fi
}

carto_on_term() {
  carto_log "TERM received (preemption, requeue or scancel): stopping the step"
  [ -z "$carto_step_pid" ] || kill -TERM "$carto_step_pid" 2>/dev/null || true
  carto_requeued=1
}

# carto_launch <job.yaml> [cartography run options...]
carto_launch() {
  local job=$1
  shift
  local bin=${CARTOGRAPHY_BIN:-${CARTOGRAPHY_ROOT}/build/bin/cartography}
  [ -x "$bin" ] || { carto_log "cartography binary not found: $bin (set CARTOGRAPHY_BIN or build)"; return 2; }
  [ -f "$job" ] || { carto_log "job file not found: $job"; return 2; }
  # From here on a signal requeues or stops the job instead of killing this shell outright.
  trap carto_on_usr1 USR1
  trap carto_on_term TERM INT
  carto_log "attempt $(( ${SLURM_RESTART_COUNT:-0} + 1 )) on ${SLURM_JOB_NUM_NODES:-?} node(s), ${SLURM_NTASKS:-?} rank(s): $(hostname -s)"
  if [ -n "${CARTO_SETUP:-}" ]; then
    carto_log "setup: $CARTO_SETUP"
    eval "$CARTO_SETUP"
  fi

  # srun no longer inherits --cpus-per-task from the allocation (Slurm >= 22.05).
  if [ -n "${SLURM_CPUS_PER_TASK:-}" ]; then
    export SRUN_CPUS_PER_TASK=$SLURM_CPUS_PER_TASK
    export OMP_NUM_THREADS=$SLURM_CPUS_PER_TASK
  fi
  carto_log "$bin run --job $job --resume $*"
  if [ "$carto_requeued" = 1 ]; then
    carto_log "requeued or stopped during setup: not starting the step"
    return 0
  fi

  # The step may not outlive the allocation; timeout only matters when the time limit is
  # unknown to squeue (then 0 = no extra limit).
  local left
  left=$(carto_seconds_left)
  timeout --kill-after=60 "$left" \
    srun --mpi=pmix --kill-on-bad-exit=1 --label "$bin" run --job "$job" --resume "$@" &
  carto_step_pid=$!

  # wait returns early (status > 128) whenever a trapped signal arrives: wait again until the
  # step is really gone, then report its own status.
  local rc=0
  while :; do
    set +e
    wait "$carto_step_pid"
    rc=$?
    set -e
    kill -0 "$carto_step_pid" 2>/dev/null || break
  done
  # A late USR1 (the step just finished) must not kill this shell and fail a finished job.
  trap '' USR1
  trap - TERM INT
  if [ "$carto_requeued" = 1 ]; then
    carto_log "step ended with status $rc after a requeue/stop request"
  else
    carto_log "step finished with status $rc"
  fi
  return "$rc"
}
