#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, to try `instability sweep --submit slurm` on a laptop
# and to test it for real (.ci/run). Needs root and Debian's slurm-wlm and munge:
#   apt-get install slurm-wlm munge
#   scripts/slurm-local.sh start     # munged (if not running), slurmctld, slurmd; waits until idle
#   scripts/slurm-local.sh status    # exit 0 while it runs
#   scripts/slurm-local.sh stop      # stops only what `start` started
# The configuration, state and spool live in a temporary folder; /etc/slurm/slurm.conf becomes a
# link to its slurm.conf (so sbatch, squeue, scancel find the cluster) and is removed by `stop`.
# A machine that already has its own /etc/slurm/slurm.conf is left alone: start refuses.
set -euo pipefail

CONF_LINK=/etc/slurm/slurm.conf
MARK=instability-slurm-local   # in the temp folder's name: how stop recognises our link

die() { echo "slurm-local: $*" >&2; exit 1; }

our_dir() { # the temp folder of a running local cluster, if /etc/slurm/slurm.conf is our link
  [[ -L $CONF_LINK ]] || return 1
  local target; target=$(readlink "$CONF_LINK")
  [[ $target == */$MARK.*/slurm.conf ]] || return 1
  dirname "$target"
}

pid_alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

start() {
  [[ $(id -u) == 0 ]] || die "start needs root (the Slurm daemons and munged run as root and munge)"
  command -v slurmctld >/dev/null && command -v munged >/dev/null \
    || die "Slurm or munge is not installed: apt-get install slurm-wlm munge"
  if dir=$(our_dir); then
    if pid_alive "$(cat "$dir/slurmctld.pid" 2>/dev/null)"; then echo "slurm-local: already running ($dir)"; return 0; fi
    stop   # the leftovers of a cluster whose daemons died
  fi
  [[ -e $CONF_LINK || -L $CONF_LINK ]] && die "$CONF_LINK exists and is not ours: this machine has its own Slurm; use it instead"

  dir=$(mktemp -d "${TMPDIR:-/tmp}/$MARK.XXXXXX")
  chmod 755 "$dir"
  mkdir -p "$dir/state" "$dir/spool"
  local host cpus; host=$(hostname -s); cpus=$(nproc)
  cat >"$dir/slurm.conf" <<EOF
# Written by scripts/slurm-local.sh: a one-node cluster on localhost.
ClusterName=instability-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
KillWait=10
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  mkdir -p "$(dirname "$CONF_LINK")"
  ln -s "$dir/slurm.conf" "$CONF_LINK"

  if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then   # no working munged yet
    if [[ ! -s /etc/munge/munge.key ]]; then
      install -d -o munge -g munge -m 700 /etc/munge
      dd if=/dev/urandom of=/etc/munge/munge.key bs=128 count=1 status=none
      chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
    fi
    install -d -o munge -g munge -m 755 /run/munge
    install -d -o munge -g munge -m 700 /var/lib/munge /var/log/munge
    runuser -u munge -- /usr/sbin/munged
    cp /run/munge/munged.pid "$dir/munged.pid"   # started here: stop ends it
  fi

  slurmctld
  slurmd
  for _ in $(seq 60); do
    state=$(sinfo -h -o %T 2>/dev/null | head -1 || true)
    [[ $state == idle* || $state == mixed* || $state == allocated* ]] && { echo "slurm-local: running, node $host with $cpus CPUs ($dir)"; return 0; }
    sleep 1
  done
  die "the cluster did not come up in 60 s; see $dir/slurmctld.log and $dir/slurmd.log"
}

stop() {
  local dir
  dir=$(our_dir) || { echo "slurm-local: no local cluster of ours is running"; return 0; }
  for d in slurmd slurmctld munged; do
    local pid; pid=$(cat "$dir/$d.pid" 2>/dev/null || true)
    pid_alive "$pid" || continue
    kill "$pid"
    for _ in $(seq 50); do pid_alive "$pid" || break; sleep 0.2; done
  done
  rm -f "$CONF_LINK"
  rm -rf "$dir"
  echo "slurm-local: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if dir=$(our_dir) && pid_alive "$(cat "$dir/slurmctld.pid" 2>/dev/null)"; then echo "slurm-local: running ($dir)"; sinfo; else echo "slurm-local: not running"; exit 1; fi ;;
  *) echo "usage: scripts/slurm-local.sh start|stop|status" >&2; exit 2 ;;
esac
