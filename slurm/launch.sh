# Sourced by slurm/cpu.sbatch, slurm/gpu.sbatch and slurm/fit_latent.sbatch inside the allocation
# (bash): runs one cartography step over all tasks and makes the job requeue-friendly.
#   carto_launch <job.yaml> [run options]       `cartography run --job <job> --resume ...`
#   carto_launch_fit_latent <dataset> <config> <out> [fit-latent options]
#                                               `cartography fit-latent ...`, with --resume when
#                                               <out>/checkpoints/last.ckpt exists
#
#  - Time limit: sbatch --signal=B:USR1@N sends USR1 to this shell N seconds before the end;
#    the job requeues itself (scontrol requeue) and the next attempt resumes (run: --resume skips
#    the song groups already complete in <out>/cartography.h5; fit-latent: --resume continues
#    from the last checkpoint).
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

# GPU jobs: logs the allocation's GPUs and, one line per rank, which GPUs it sees (the latent
# stage takes its node-local rank mod that count); a warning when there are none.
carto_report_gpus() {
  if [ -z "${SLURM_GPUS_PER_TASK:-}${SLURM_JOB_GPUS:-}${SLURM_STEP_GPUS:-}${CUDA_VISIBLE_DEVICES:-}" ]; then
    carto_log "WARNING: no GPU in this allocation (submit with --gpus-per-task=1 or --gres=gpu:N);" \
              "the latent stage will run on the CPU"
  else
    carto_log "GPUs: per task ${SLURM_GPUS_PER_TASK:-?}, job ${SLURM_JOB_GPUS:-?}, visible here ${CUDA_VISIBLE_DEVICES:-?}"
    # One line per rank: which GPUs it sees (the latent stage takes local rank mod that count).
    timeout 120 srun --mpi=none --label bash -c \
      'echo "binding: rank $SLURM_PROCID on $(hostname -s), local rank $SLURM_LOCALID, CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES:-none}"' ||
      carto_log "could not list the GPU binding (continuing)"
  fi
}

# Sets carto_bin to the binary the steps run; status 2 (logged) when it is missing.
carto_find_bin() {
  carto_bin=${CARTOGRAPHY_BIN:-${CARTOGRAPHY_ROOT}/build/bin/cartography}
  [ -x "$carto_bin" ] || { carto_log "cartography binary not found: $carto_bin (set CARTOGRAPHY_BIN or build)"; return 2; }
}

# carto_launch <job.yaml> [cartography run options...]
carto_launch() {
  local job=$1
  shift
  carto_find_bin || return 2
  [ -f "$job" ] || { carto_log "job file not found: $job"; return 2; }
  carto_step "$carto_bin" run --job "$job" --resume "$@"
}

# carto_launch_fit_latent <dataset_dir> <config.yml> <out> [cartography fit-latent options...]
# fit-latent refuses --resume without a checkpoint, so every attempt decides: --resume when an
# earlier attempt (or an earlier job with the same <out>) left <out>/checkpoints/last.ckpt.
carto_launch_fit_latent() {
  local data=$1 config=$2 out=$3 a
  shift 3
  carto_find_bin || return 2
  [ -d "$data" ] || { carto_log "dataset folder not found: $data"; return 2; }
  [ -f "$config" ] || { carto_log "config file not found: $config"; return 2; }
  local args=()
  for a in "$@"; do
    if [ "$a" = --resume ]; then
      carto_log "ignoring --resume: it is added when $out/checkpoints/last.ckpt exists"
    else
      args+=("$a")
    fi
  done
  if [ -f "$out/checkpoints/last.ckpt" ]; then
    carto_log "resuming from $out/checkpoints/last.ckpt"
    args+=(--resume)
  else
    carto_log "no $out/checkpoints/last.ckpt: training from the start"
  fi
  carto_step "$carto_bin" fit-latent "$data" --config "$config" --out "$out" "${args[@]}"
}

# carto_step <binary> <cartography arguments...>: one srun step over all tasks, with the traps
# that turn USR1 into a requeue and pass TERM on to the step; returns the step's status.
carto_step() {
  local bin=$1
  shift
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
  carto_log "$bin $*"
  if [ "$carto_requeued" = 1 ]; then
    carto_log "requeued or stopped during setup: not starting the step"
    return 0
  fi

  # The step may not outlive the allocation; timeout only matters when the time limit is
  # unknown to squeue (then 0 = no extra limit).
  local left
  left=$(carto_seconds_left)
  timeout --kill-after=60 "$left" \
    srun --mpi=pmix --kill-on-bad-exit=1 --label "$bin" "$@" &
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
