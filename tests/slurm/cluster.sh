# A throw-away single-node Slurm cluster for the tests (munged, slurmctld, slurmd from the Debian
# packages, no systemd, no cgroups). Sourced by the test scripts (bash); needs root.
#
#   cluster_up <state dir> <cpus>   starts what is not running, waits for the node to be idle,
#                                   exports SLURM_CONF; PIDs of what it started go to <dir>/run
#   cluster_down <state dir>        stops exactly those PIDs (checking each still is that program)
#
# Adapted from the project's slurm-local recipe. Ports: CARTO_SLURMCTLD_PORT / CARTO_SLURMD_PORT
# (default 6817 / 6818); the cluster's addresses are loopback (127.0.0.1). Every client call is
# under `timeout`.

cluster_log() { echo "[slurm-test] $*" >&2; }

# Is something already listening on TCP port $1?
cluster_port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

cluster_up() {
  local dir=$1 cpus=$2
  local ctld_port=${CARTO_SLURMCTLD_PORT:-6817} d_port=${CARTO_SLURMD_PORT:-6818}
  mkdir -p "$dir"/{etc,run,log,state/ctld,state/d}

  local p
  for p in "$ctld_port" "$d_port"; do
    if cluster_port_busy "$p"; then
      cluster_log "port $p is in use (another Slurm?): stop it or set CARTO_SLURMCTLD_PORT/CARTO_SLURMD_PORT"
      return 1
    fi
  done

  # munge: reuse a working munged, else start one as user munge with the packaged key.
  if ! timeout 10 bash -c 'munge -n | unmunge' >/dev/null 2>&1; then
    if [ ! -s /etc/munge/munge.key ]; then
      timeout 30 mungekey --create --keyfile=/etc/munge/munge.key --force
    fi
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
    install -d -o munge -g munge -m 755 /run/munge
    install -d -o munge -g munge -m 700 /var/log/munge /var/lib/munge
    # setpriv execs munged, so $! is munged's own PID.
    setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged -F >"$dir/log/munged.out" 2>&1 &
    echo $! >"$dir/run/munged.pid"
    local i
    for i in $(seq 1 100); do
      timeout 5 bash -c 'munge -n | unmunge' >/dev/null 2>&1 && break
      sleep 0.1
    done
    if ! timeout 5 bash -c 'munge -n | unmunge' >/dev/null 2>&1; then
      cluster_log "munged did not start"
      cat "$dir/log/munged.out" >&2
      return 1
    fi
  fi

  local host bind=
  host=$(hostname -s)
  # Bind the daemons to the host name's address instead of every interface when that address is
  # loopback (Debian's /etc/hosts: 127.0.1.1), so ports 6817/6818 are not open to the network.
  # Elsewhere (a container whose name resolves to its bridge address) they bind as Slurm does
  # by default, since clients reach them on 127.0.0.1.
  case "$(getent hosts "$host" | awk '{print $1; exit}')" in
    127.*) bind="CommunicationParameters=NoInAddrAny,NoCtldInAddrAny" ;;
    *) cluster_log "$host does not resolve to a loopback address: daemons listen on all interfaces" ;;
  esac
  export SLURM_CONF=$dir/etc/slurm.conf
  # CARTO_TEST_GRES=gpu:N: N fake GPUs (character devices that exist everywhere), so that GPU
  # requests (--gpus-per-task, --gres) are scheduled and bound on a machine without GPUs.
  local gres_types= node_gres=
  if [ -n "${CARTO_TEST_GRES:-}" ]; then
    local n=${CARTO_TEST_GRES#gpu:} i devs=(/dev/null /dev/zero /dev/full /dev/random /dev/urandom)
    [ "$n" -le ${#devs[@]} ] || { cluster_log "at most ${#devs[@]} fake GPUs"; return 1; }
    gres_types="GresTypes=gpu"
    node_gres="Gres=gpu:$n"
    : >"$dir/etc/gres.conf"
    for ((i = 0; i < n; i++)); do echo "Name=gpu File=${devs[$i]}" >>"$dir/etc/gres.conf"; done
  fi
  # No cgroups (proctrack/linuxproc, task/none): nothing to configure outside $dir. The node
  # advertises $cpus CPUs whatever the machine has (config_overrides), so a 2-rank job fits
  # on a small CI box next to other tests.
  cat >"$SLURM_CONF" <<EOF
ClusterName=cartotest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
StateSaveLocation=$dir/state/ctld
SlurmdSpoolDir=$dir/state/d
SlurmctldPidFile=$dir/run/slurmctld.daemon.pid
SlurmdPidFile=$dir/run/slurmd.daemon.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
MailProg=/bin/true
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
MinJobAge=5
SlurmdParameters=config_overrides
$bind
$gres_types
NodeName=$host CPUs=$cpus $node_gres NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

  # Foreground daemons (-D) backgrounded here, so their PIDs are ours. -c: clean state.
  slurmctld -D -c -f "$SLURM_CONF" >"$dir/log/slurmctld.out" 2>&1 &
  echo $! >"$dir/run/slurmctld.pid"
  local i
  for i in $(seq 1 100); do
    timeout 5 scontrol ping 2>/dev/null | grep -q UP && break
    sleep 0.2
  done
  slurmd -D -f "$SLURM_CONF" >"$dir/log/slurmd.out" 2>&1 &
  echo $! >"$dir/run/slurmd.pid"

  local state=
  for i in $(seq 1 120); do
    state=$(timeout 5 sinfo -h -N -n "$host" -o %T 2>/dev/null || true)
    case "$state" in
      idle) break ;;
      down*|drain*) timeout 5 scontrol update NodeName="$host" State=RESUME 2>/dev/null || true ;;
    esac
    sleep 0.25
  done
  if [ "$state" != idle ]; then
    cluster_log "node not idle (state '$state')"
    tail -n 20 "$dir"/log/slurm*.log "$dir"/log/*.out >&2 || true
    return 1
  fi
  cluster_log "up: $host with $cpus CPUs, SLURM_CONF=$SLURM_CONF"
}

# Prints $2's PID from $1/run/$2.pid if that process still is $2, and forgets the file.
cluster_pid_of() {
  local f="$1/run/$2.pid" p
  [ -f "$f" ] || return 0
  p=$(cat "$f")
  rm -f "$f"
  if [ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ]; then echo "$p"; fi
}

# TERM the given PIDs, wait up to 15 s, KILL what is left.
cluster_stop() {
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  local i p alive
  for i in $(seq 1 75); do
    alive=0
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.2
  done
  for p in "$@"; do
    if kill -0 "$p" 2>/dev/null; then kill -KILL "$p" 2>/dev/null || true; fi
  done
}

cluster_down() {
  local dir=$1
  # Jobs still on this cluster (a failed test) end first, so no slurmstepd or rank outlives it.
  if [ -f "$dir/run/slurmctld.pid" ] && [ -n "${SLURM_CONF:-}" ]; then
    local jobs i
    jobs=$(timeout 10 squeue -h -o %i 2>/dev/null || true)
    if [ -n "$jobs" ]; then
      cluster_log "cancelling leftover jobs: $jobs"
      # shellcheck disable=SC2086
      timeout 10 scancel $jobs 2>/dev/null || true
      for i in $(seq 1 60); do
        [ -z "$(timeout 5 squeue -h -o %i 2>/dev/null || true)" ] && break
        sleep 0.25
      done
    fi
  fi
  # slurmd first: it also ends running job steps; munged last (both daemons use it).
  # shellcheck disable=SC2046
  cluster_stop $(cluster_pid_of "$dir" slurmd) $(cluster_pid_of "$dir" slurmctld)
  # shellcheck disable=SC2046
  cluster_stop $(cluster_pid_of "$dir" munged)
  cluster_log "down"
}
