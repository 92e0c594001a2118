#!/usr/bin/env bash
# Submits a cartography job to Slurm with the site defaults of slurm/defaults.env.
#
#   slurm/submit.sh <job.yaml> [cpu|gpu] [sbatch options...] [-- cartography run options...]
#   slurm/submit.sh --fit-latent <dataset_dir> <config.yml> <out> [cpu|gpu] [sbatch options...]
#                   [-- cartography fit-latent options...]
#
#   slurm/submit.sh jobs/full_archive.yaml gpu
#   slurm/submit.sh jobs/track_a_only.yaml cpu --nodes=4 --time=2:00:00
#   slurm/submit.sh jobs/quickstart.yaml cpu --wait -- --out /scratch/me/qs   # flags after -- go to `cartography run`
#   slurm/submit.sh --fit-latent /data/maps config/latent_model.yml /scratch/me/latent gpu -- --checkpoint-every 500
#
# The first form runs `cartography run --job <job.yaml> --resume` (cpu.sbatch, gpu.sbatch); the
# second `cartography fit-latent` (fit_latent.sbatch), with --resume added by every attempt that
# finds <out>/checkpoints/last.ckpt (so do not pass --resume; a new training needs a new <out>).
# Prints sbatch's "Submitted batch job <id>". With --wait (-W) it returns when the job ends,
# with the job's exit code. Environment: CARTO_SLURM_DEFAULTS (another defaults file),
# CARTO_SUBMIT_TIMEOUT (limit on the sbatch call; default 120 s, or 7 days with --wait), and
# every variable of defaults.env.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

die() { echo "submit.sh: $*" >&2; exit 2; }
usage() { sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
case "$1" in -h|--help) usage ;; esac
fit_latent=0
if [ "$1" = --fit-latent ]; then
  [ $# -ge 4 ] || usage
  fit_latent=1
  dataset=$2 config=$3 fit_out=$4
  shift 4
else
  job=$1
  shift
fi
kind=cpu
if [ $# -gt 0 ] && { [ "$1" = cpu ] || [ "$1" = gpu ]; }; then
  kind=$1
  shift
fi
sbatch_args=()
run_args=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then
    shift
    run_args=("$@")
    break
  fi
  sbatch_args+=("$1")
  shift
done

if [ "$fit_latent" = 1 ]; then
  [ -d "$dataset" ] || die "dataset folder not found: $dataset"
  [ -f "$config" ] || die "config file not found: $config"
  for a in "${run_args[@]}"; do
    [ "$a" != --resume ] || die "--resume: every attempt adds it when $fit_out/checkpoints/last.ckpt exists"
  done
  # Absolute, since the job runs from the repository root.
  dataset=$(realpath "$dataset")
  config=$(realpath "$config")
  fit_out=$(realpath -m "$fit_out")
else
  [ -f "$job" ] || die "job file not found: $job"
  job=$(realpath "$job")
fi

defaults=${CARTO_SLURM_DEFAULTS:-$here/defaults.env}
[ -f "$defaults" ] || die "defaults file not found: $defaults"
# shellcheck source=defaults.env
source "$defaults"

abspath() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$root/$1" ;; esac; }
build=$(abspath "$CARTO_BUILD_DIR")
logs=$(abspath "$CARTO_LOG_DIR")
bin=$build/bin/cartography
[ -x "$bin" ] || die "no $bin: build first (scripts/build.sh) or set CARTO_BUILD_DIR in $defaults"
mkdir -p "$logs"

# sbatch reads these itself; an empty value means "use the cluster's default", so drop it.
for v in SBATCH_ACCOUNT SBATCH_QOS SBATCH_CONSTRAINT SBATCH_RESERVATION SBATCH_TIMELIMIT; do
  if [ -n "${!v:-}" ]; then export "${v?}"; else unset "$v"; fi
done

# What the batch script needs on the compute node (the environment travels with the job and
# is the same for every requeued attempt).
export CARTOGRAPHY_ROOT=$root
export CARTOGRAPHY_BIN=$bin
export CARTO_SETUP
if [ -n "${CARTOGRAPHY_PLUGIN_DIR:-}" ]; then export CARTOGRAPHY_PLUGIN_DIR; else unset CARTOGRAPHY_PLUGIN_DIR; fi

if [ "$fit_latent" = 1 ]; then
  # Named after the output folder: carto-fit-<out's name>.
  name=fit-$(basename "$fit_out" | tr -c 'A-Za-z0-9_.\n-' _)
  script=$here/fit_latent.sbatch
  script_args=("$kind" "$dataset" "$config" "$fit_out")
  what="fit-latent $dataset -> $fit_out"
else
  name=$(sed -n 's/^name:[[:space:]]*\([A-Za-z0-9_.-]*\).*/\1/p' "$job" | head -1)
  [ -n "$name" ] || name=$(basename "$job" .yaml)
  script=$here/$kind.sbatch
  script_args=("$job")
  what="job $job"
fi

opts=(--job-name="carto-$name"
      --output="$logs/%x-%j.out"
      --chdir="$root"
      --export=ALL
      --signal="B:USR1@$CARTO_REQUEUE_SIGNAL_S")
opt_if() { [ -z "$2" ] || opts+=("$1=$2"); }
if [ "$kind" = cpu ]; then
  opt_if --partition "$CARTO_CPU_PARTITION"
  opt_if --nodes "$CARTO_CPU_NODES"
  opt_if --ntasks-per-node "$CARTO_CPU_TASKS_PER_NODE"
  opt_if --cpus-per-task "$CARTO_CPU_CPUS_PER_TASK"
  opt_if --mem-per-cpu "$CARTO_CPU_MEM_PER_CPU"
else
  opt_if --partition "$CARTO_GPU_PARTITION"
  opt_if --nodes "$CARTO_GPU_NODES"
  opt_if --ntasks-per-node "$CARTO_GPU_TASKS_PER_NODE"
  opt_if --cpus-per-task "$CARTO_GPU_CPUS_PER_TASK"
  opt_if --mem-per-cpu "$CARTO_GPU_MEM_PER_CPU"
  if [ -n "$CARTO_GPU_GRES" ]; then opts+=(--gres="$CARTO_GPU_GRES"); else opts+=(--gpus-per-task=1); fi
fi

wait_mode=0
for a in "${sbatch_args[@]}"; do
  case "$a" in -W|--wait) wait_mode=1 ;; esac
done
[ -z "${SBATCH_WAIT:-}" ] || wait_mode=1
if [ "$wait_mode" = 1 ]; then limit=${CARTO_SUBMIT_TIMEOUT:-7d}; else limit=${CARTO_SUBMIT_TIMEOUT:-120}; fi

echo "submit.sh: $kind $what (logs: $logs/carto-$name-<jobid>.out)" >&2
set +e
timeout "$limit" sbatch "${opts[@]}" "${sbatch_args[@]}" "$script" "${script_args[@]}" "${run_args[@]}"
rc=$?
set -e
[ $rc -ne 124 ] || echo "submit.sh: sbatch did not return within $limit" >&2
exit $rc
