#!/usr/bin/env bash
# Stops the daemons that start.sh started, by the pid files in its folder (never by name), and waits until they
# are gone (a killed daemon lingers as a zombie for about a second).
#
#   .ci/slurm/stop.sh [DIR]      DIR defaults to $CALLSIM_SLURM_DIR, else /tmp/callsim-slurm
set -uo pipefail

dir=${1:-${CALLSIM_SLURM_DIR:-/tmp/callsim-slurm}}

alive() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

for daemon in slurmd slurmctld munged; do
  file="$dir/$daemon.pid"
  [ -s "$file" ] || continue
  pid=$(cat "$file")
  if alive "$pid"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
      alive "$pid" || break
      sleep 0.1
    done
    alive "$pid" && kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$file"
done
exit 0
