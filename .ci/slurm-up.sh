#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for tests/test_slurm.py (and to try the
# `launcher=slurm` preset without a real cluster).
#
# Installs Debian's slurm-wlm and munge if missing, writes /etc/slurm/slurm.conf for one
# node (this host, `hostname -s`) in one partition `debug`, starts munged, slurmctld and
# slurmd directly (no systemd in containers) and waits until `sinfo` shows the node idle.
# Every daemon binds to the address the short hostname resolves to (127.0.0.1 in this
# container), not to every interface. No accounting, no cgroups.
#
# Idempotent: a second call finds the daemons answering and only waits for the node.
# Must run as root. `.ci/slurm-up.sh --down` stops the daemons it started.
set -euo pipefail

NODE="$(hostname -s)"
# The address the daemons talk on and bind to: the one the short hostname resolves to
# (127.0.0.1 in these containers), else loopback.
ADDR="$(getent ahostsv4 "$NODE" | awk 'NR == 1 {print $1}')"
ADDR="${ADDR:-127.0.0.1}"
CPUS="${SLURM_UP_CPUS:-$(nproc)}"
CONF=/etc/slurm/slurm.conf
LOG=/var/log/slurm
PIDS=/run/slurm-up

if [[ $(id -u) -ne 0 ]]; then
  echo "slurm-up: must run as root (installs packages, starts slurmd)" >&2
  exit 1
fi

if [[ "${1:-}" == "--down" ]]; then
  for daemon in slurmd slurmctld munged; do
    if [[ -s "$PIDS/$daemon.pid" ]]; then
      kill "$(cat "$PIDS/$daemon.pid")" 2>/dev/null || true
      rm -f "$PIDS/$daemon.pid"
    fi
  done
  exit 0
fi

# 1. Packages (Debian bookworm: Slurm 22.05).
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
    || ! command -v sinfo >/dev/null || ! command -v munged >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 \
    slurm-wlm munge >/dev/null
fi
id slurm >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin slurm

# 2. Config: one node, one partition, no accounting, nothing that needs cgroups.
# RealMemory is 90 % of this machine's memory, so jobs that ask for memory (submitit's
# mem_gb) fit and slurmd never finds less memory than configured.
MEM_MB=$(awk '/^MemTotal:/ {printf "%d", $2 / 1024 * 0.9}' /proc/meminfo)
mkdir -p /etc/slurm "$LOG" "$PIDS" /var/spool/slurmctld /var/spool/slurmd
chown slurm:slurm /var/spool/slurmctld "$LOG"
NEW_CONF="$(mktemp)"
cat >"$NEW_CONF" <<EOF
# Written by .ci/slurm-up.sh: a one-node test cluster on this host.
ClusterName=medborgersim
SlurmctldHost=$NODE($ADDR)
SlurmUser=slurm
SlurmctldPort=6817
SlurmdPort=6818
# Bind to $ADDR (what $NODE resolves to), not to every interface.
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$PIDS/slurmctld.pid
SlurmdPidFile=$PIDS/slurmd.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
MailProg=/bin/true
# Keep finished jobs visible to squeue/scontrol for a while (there is no sacct database).
MinJobAge=600
NodeName=$NODE NodeAddr=$ADDR CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
if ! cmp -s "$NEW_CONF" "$CONF"; then
  install -m 0644 "$NEW_CONF" "$CONF"
  CONF_CHANGED=1
else
  CONF_CHANGED=0
fi
rm -f "$NEW_CONF"

running() {  # running <name>: the pid file names a live process
  local pid
  pid="$(cat "$PIDS/$1.pid" 2>/dev/null)" && [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

# 3. Munge: a key (the Debian package makes one; make it if missing), then the daemon.
if [[ ! -s /etc/munge/munge.key ]]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
fi
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged
  cp /run/munge/munged.pid "$PIDS/munged.pid"
  munge -n </dev/null | unmunge >/dev/null
fi

# 4. Slurm daemons; a changed config restarts them.
if [[ $CONF_CHANGED == 1 ]]; then
  for daemon in slurmd slurmctld; do
    if running "$daemon"; then
      kill "$(cat "$PIDS/$daemon.pid")" 2>/dev/null || true
      for _ in $(seq 50); do running "$daemon" || break; sleep 0.2; done
    fi
  done
fi
running slurmctld || /usr/sbin/slurmctld
running slurmd || /usr/sbin/slurmd

# 5. Wait until the node takes jobs.
for _ in $(seq 60); do
  state="$(sinfo -h -N -n "$NODE" -o '%t' 2>/dev/null || true)"
  case "$state" in
    idle|mix|alloc) echo "slurm-up: node $NODE is $state (partition debug, $CPUS CPUs)"; exit 0 ;;
    down*|drain*) scontrol update nodename="$NODE" state=resume 2>/dev/null || true ;;
  esac
  sleep 1
done
echo "slurm-up: node $NODE did not become idle; see $LOG/slurmctld.log and $LOG/slurmd.log" >&2
sinfo -N -l >&2 || true
exit 1
