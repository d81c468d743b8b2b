#!/usr/bin/env bash
# Starts a one-node Slurm cluster for the tests, without systemd: munged (authentication), slurmctld and slurmd
# run as plain daemons, with the configuration, state, logs and pid files in one scratch folder. Stop it with
# stop.sh and the same folder. Needs root and Debian's slurm-wlm and munge packages (.ci/run installs them).
#
#   .ci/slurm/start.sh [DIR]      DIR defaults to $CALLSIM_SLURM_DIR, else /tmp/callsim-slurm
#   export SLURM_CONF=DIR/slurm.conf   (clients such as sbatch and squeue read it; the tests find it there too)
#
# The node is this machine (`hostname -s`, all of `nproc`'s CPUs, 90% of its memory). No cgroups: processes are
# tracked by /proc, tasks are not confined, nothing is accounted. SchedulerParameters=batch_sched_delay=0 lets
# array tasks start at once (the default 3 s delay made 20 tiny tasks take 25 s instead of 10 s).
set -euo pipefail

dir=${1:-${CALLSIM_SLURM_DIR:-/tmp/callsim-slurm}}
here=$(cd "$(dirname "$0")" && pwd)
for program in munged slurmctld slurmd sinfo; do
  command -v "$program" >/dev/null || { echo "start.sh: $program is missing: apt-get install slurm-wlm munge" >&2; exit 1; }
done

# A stale cluster from an earlier start would answer for this one: stop it, and start from empty state.
if [ -d "$dir" ]; then
  "$here/stop.sh" "$dir"
  rm -rf "$dir"
fi
mkdir -p "$dir/state" "$dir/spool"
chmod 700 "$dir"

# munge: the packaged key and socket; started here only when no munged answers already.
if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
  if [ ! -s /etc/munge/munge.key ]; then
    install -d -o munge -g munge -m 0700 /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
  fi
  runuser -u munge -- /usr/sbin/munged
  cp /run/munge/munged.pid "$dir/munged.pid"
  for _ in $(seq 50); do
    munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

host=$(hostname -s)
cpus=$(nproc)
memory=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
cat >"$dir/slurm.conf" <<CONF
# One-node cluster for callsim's tests (written by .ci/slurm/start.sh).
ClusterName=callsim
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"

slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"

# Ready when the node is idle (about a second).
for _ in $(seq 300); do
  if [ "$(sinfo -h -N -o %T 2>/dev/null | head -n 1)" = "idle" ]; then
    echo "slurm: node $host idle ($cpus CPUs, ${memory} MB); export SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.1
done
echo "start.sh: the node did not become idle in 30 s; logs: $dir/slurmctld.log $dir/slurmd.log" >&2
tail -n 20 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
exit 1
