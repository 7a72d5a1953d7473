#!/usr/bin/env bash
# Real servers for the team-scale tests, on 127.0.0.1 only: PostgreSQL 15, OpenStack Swift
# with its S3 API, and a one-node Slurm cluster (munged, slurmctld, slurmd, slurmrestd on a
# unix socket); and an XFS file system with reflinks (a loop-mounted image) for the
# copy-on-write clone tests. Sourced by scripts/test.sh, which calls services_start and traps
# services_stop; can also be run by hand: `source scripts/services.sh; services_start`.
#
# Exports, for each service that came up:
#   KEEL_TEST_POSTGRES   postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres
#   KEEL_TEST_S3         http://127.0.0.1:PORT  (+ KEEL_TEST_S3_ACCESS_KEY, KEEL_TEST_S3_SECRET_KEY)
#   KEEL_TEST_SLURM      slurm+unix:///path/to/slurmrestd.sock  (+ KEEL_TEST_SLURM_CONF)
#   KEEL_TEST_REFLINK_DIR  a writable folder on XFS with reflink=1 (root and loop devices needed)
# A service that cannot be installed or started exports nothing and says why; its tests then
# skip loudly. services_stop stops exactly the processes services_start started, by pid.

_svc_pids=()
_svc_dir=""
_svc_pg_data=""
_svc_slurm_conf=""
_svc_created_swift_conf=0
_svc_xfs_mnt=""
_svc_ring_cache="${KEEL_SWIFT_RING_CACHE:-/tmp/keel-swift-rings}"

_svc_log() { echo "services: $*" >&2; }

# A free TCP port on loopback (bound then released; good enough for a test run).
_svc_free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

_svc_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

_svc_install() {
  local missing=() p
  for p in postgresql-15 swift swift-proxy swift-account swift-container swift-object slurm-wlm slurmrestd munge xfsprogs bubblewrap jq curl; do
    dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $(id -u) -ne 0 ]]; then _svc_log "missing packages (${missing[*]}) and not root: cannot install"; return 0; fi
  _svc_log "installing ${missing[*]} (apt)"
  apt-get update -qq >/dev/null 2>&1 || _svc_log "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$_svc_dir/apt.log" 2>&1 \
    || _svc_log "apt-get install failed; see $_svc_dir/apt.log"
}

_svc_wait() { # seconds, command...
  local deadline=$((SECONDS + $1)); shift
  while (( SECONDS < deadline )); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}

_svc_postgres() {
  local bin=/usr/lib/postgresql/15/bin port
  [[ -x $bin/initdb ]] || { _svc_log "PostgreSQL 15 not installed: postgres tests will be SKIPPED"; return 0; }
  port=$(_svc_free_port) || { _svc_log "no free port for PostgreSQL"; return 0; }
  local d="$_svc_dir/pg" sock="$_svc_dir/pgsock"
  mkdir -p "$d" "$sock"; chown postgres: "$d" "$sock"; chmod 700 "$d"
  echo keel-test-pw >"$_svc_dir/pgpass"; chown postgres: "$_svc_dir/pgpass"
  if ! runuser -u postgres -- "$bin/initdb" -D "$d" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --pwfile="$_svc_dir/pgpass" -E UTF8 --no-sync >"$_svc_dir/initdb.log" 2>&1; then
    _svc_log "initdb failed (see $_svc_dir/initdb.log): postgres tests will be SKIPPED"; return 0
  fi
  if ! runuser -u postgres -- "$bin/pg_ctl" -D "$d" -l "$d/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null 2>&1; then
    _svc_log "PostgreSQL did not start (see $d/server.log): postgres tests will be SKIPPED"; return 0
  fi
  _svc_pg_data="$d"
  export KEEL_TEST_POSTGRES="postgres://postgres:keel-test-pw@127.0.0.1:$port/postgres"
  _svc_log "PostgreSQL ready on 127.0.0.1:$port"
}

_svc_swift_conf() { # name port egg
  cat <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $2
workers = 0
user = swift
swift_dir = $_svc_dir/swift/etc
devices = $_svc_dir/swift/srv
mount_check = false
log_name = swift-$1
log_level = WARNING

[pipeline:main]
pipeline = $1-server

[app:$1-server]
use = egg:swift#$1
EOF
}

_svc_swift_rings() { # op cp ap: reuse cached rings built for these ports, else build
  local key="$_svc_ring_cache/$1-$2-$3"
  if [[ ! -f $key/object.ring.gz ]]; then
    mkdir -p "$key.tmp"
    local kind port
    for kind in object container account; do
      case $kind in object) port=$1 ;; container) port=$2 ;; account) port=$3 ;; esac
      (cd "$key.tmp" && swift-ring-builder $kind.builder create 6 1 1 >/dev/null &&
        swift-ring-builder $kind.builder add "r1z1-127.0.0.1:$port/d1" 100 >/dev/null &&
        swift-ring-builder $kind.builder rebalance >/dev/null) &
    done
    wait
    rm -rf "$key"; mv "$key.tmp" "$key"
  fi
  cp "$key"/*.ring.gz "$_svc_dir/swift/etc/"
}

_svc_swift() {
  command -v swift-proxy-server >/dev/null || { _svc_log "Swift not installed: S3 tests will be SKIPPED"; return 0; }
  local op cp ap pp
  # Reuse the ports of a cached ring when they are free, so the ~6 s rebalance is paid once.
  local cached
  cached=$(ls -d "$_svc_ring_cache"/*-*-* 2>/dev/null | grep -v '\.tmp$' | head -n 1)
  if [[ -n $cached ]]; then IFS=- read -r op cp ap <<<"$(basename "$cached")"; fi
  if [[ -z ${op:-} ]] || ! _svc_port_free "$op" || ! _svc_port_free "$cp" || ! _svc_port_free "$ap"; then
    op=$(_svc_free_port); cp=$(_svc_free_port); ap=$(_svc_free_port)
  fi
  pp=$(_svc_free_port)
  mkdir -p "$_svc_dir/swift/etc" "$_svc_dir/swift/srv/d1" "$_svc_dir/swift/run"
  printf '[swift-hash]\nswift_hash_path_suffix = keeltest\nswift_hash_path_prefix = keeltest\n\n[storage-policy:0]\nname = Policy-0\ndefault = yes\n' \
    >"$_svc_dir/swift/etc/swift.conf"
  # Some code paths read /etc/swift/swift.conf before swift_dir applies; provide one only if absent.
  if [[ ! -f /etc/swift/swift.conf ]]; then
    mkdir -p /etc/swift; cp "$_svc_dir/swift/etc/swift.conf" /etc/swift/swift.conf; _svc_created_swift_conf=1
  fi
  _svc_swift_rings "$op" "$cp" "$ap"
  _svc_swift_conf object "$op" object >"$_svc_dir/swift/etc/object-server.conf"
  _svc_swift_conf container "$cp" container >"$_svc_dir/swift/etc/container-server.conf"
  _svc_swift_conf account "$ap" account >"$_svc_dir/swift/etc/account-server.conf"
  cat >"$_svc_dir/swift/etc/proxy-server.conf" <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $pp
workers = 0
user = swift
swift_dir = $_svc_dir/swift/etc
log_name = swift-proxy
log_level = WARNING

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:s3api]
use = egg:swift#s3api
location = us-east-1

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:cache]
use = egg:swift#memcache
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
EOF
  chown -R swift: "$_svc_dir/swift"
  local s
  for s in object container account proxy; do
    "swift-$s-server" "$_svc_dir/swift/etc/$s-server.conf" >"$_svc_dir/swift/run/$s.log" 2>&1 &
    _svc_pids+=($!)
  done
  _svc_swift_port=$pp
}

_svc_swift_ready() {
  [[ -n ${_svc_swift_port:-} ]] || return 0
  if _svc_wait 60 curl -sf "http://127.0.0.1:$_svc_swift_port/healthcheck" && \
     _svc_wait 20 curl -sf -o /dev/null "http://127.0.0.1:$_svc_swift_port/info"; then
    export KEEL_TEST_S3="http://127.0.0.1:$_svc_swift_port" KEEL_TEST_S3_ACCESS_KEY="test:tester" KEEL_TEST_S3_SECRET_KEY="testing"
    _svc_log "Swift S3 API ready on 127.0.0.1:$_svc_swift_port"
  else
    _svc_log "Swift did not become healthy (logs in $_svc_dir/swift/run): S3 tests will be SKIPPED"
  fi
}

_svc_slurm() {
  command -v slurmctld >/dev/null && command -v slurmrestd >/dev/null && command -v munged >/dev/null \
    || { _svc_log "Slurm/munge not installed: Slurm tests will be SKIPPED"; return 0; }
  local s="$_svc_dir/slurm" host cpus mem cport dport
  host=$(hostname -s); cpus=$(nproc); mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
  cport=$(_svc_free_port); dport=$(_svc_free_port)
  mkdir -p "$s"/{state,spool,log,munge,rest,jobs}
  chown munge: "$s/munge"; chmod 700 "$s/munge"
  chown slurm: "$s/rest" "$s/jobs"; chmod 755 "$s/rest"; chmod 1777 "$s/jobs"
  setpriv --reuid munge --regid munge --init-groups munged --foreground --force \
    --socket="$s/munge/munge.socket" --pid-file="$s/munge/munged.pid" --seed-file="$s/munge/seed" \
    --log-file="$s/munge/munged.log" --key-file=/etc/munge/munge.key >/dev/null 2>&1 &
  _svc_pids+=($!)
  _svc_wait 10 test -S "$s/munge/munge.socket" || { _svc_log "munged did not start (see $s/munge/munged.log): Slurm tests will be SKIPPED"; return 0; }
  chmod 755 "$s/munge"
  _svc_slurm_conf="$s/slurm.conf"
  cat >"$_svc_slurm_conf" <<EOF
ClusterName=keeltest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$cport
SlurmdPort=$dport
AuthType=auth/munge
AuthInfo=socket=$s/munge/munge.socket
CredType=cred/munge
SlurmUser=root
StateSaveLocation=$s/state
SlurmdSpoolDir=$s/spool
SlurmctldPidFile=$s/slurmctld.pid
SlurmdPidFile=$s/slurmd.pid
SlurmctldLogFile=$s/log/slurmctld.log
SlurmdLogFile=$s/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$s/log/jobcomp.txt
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_min_interval=0,kill_invalid_depend
KillWait=2
MinJobAge=600
InactiveLimit=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
  slurmctld -D -f "$_svc_slurm_conf" >"$s/log/slurmctld.out" 2>&1 &
  _svc_pids+=($!)
  slurmd -D -f "$_svc_slurm_conf" >"$s/log/slurmd.out" 2>&1 &
  _svc_pids+=($!)
  if ! _svc_wait 30 bash -c "SLURM_CONF='$_svc_slurm_conf' sinfo -h -o %T | grep -qx idle"; then
    _svc_log "Slurm node not idle (logs in $s/log): Slurm tests will be SKIPPED"; return 0
  fi
  SLURM_CONF="$_svc_slurm_conf" setpriv --reuid slurm --regid slurm --init-groups \
    slurmrestd -s openapi/v0.0.38 -a rest_auth/local "unix:$s/rest/slurmrestd.sock" >"$s/log/slurmrestd.log" 2>&1 &
  _svc_pids+=($!)
  if _svc_wait 20 test -S "$s/rest/slurmrestd.sock" && \
     _svc_wait 20 curl -sf --unix-socket "$s/rest/slurmrestd.sock" http://localhost/slurm/v0.0.38/ping; then
    export KEEL_TEST_SLURM="slurm+unix://$s/rest/slurmrestd.sock" KEEL_TEST_SLURM_CONF="$_svc_slurm_conf"
    _svc_log "Slurm ready: $KEEL_TEST_SLURM"
  else
    _svc_log "slurmrestd did not answer (see $s/log/slurmrestd.log): Slurm tests will be SKIPPED"
  fi
}

# A 1 GiB sparse image, formatted XFS with reflinks and loop-mounted inside the services folder.
_svc_xfs() {
  if [[ $(id -u) -ne 0 ]] || ! command -v mkfs.xfs >/dev/null; then
    _svc_log "not root or no mkfs.xfs: the reflink tests will be SKIPPED"; return 0
  fi
  local img="$_svc_dir/xfs.img" mnt="$_svc_dir/xfs"
  mkdir -p "$mnt"
  if truncate -s 1G "$img" && mkfs.xfs -q -m reflink=1 "$img" >"$_svc_dir/xfs.log" 2>&1 \
      && mount -o loop "$img" "$mnt" >>"$_svc_dir/xfs.log" 2>&1; then
    chmod 1777 "$mnt"
    _svc_xfs_mnt="$mnt"
    export KEEL_TEST_REFLINK_DIR="$mnt"
  else
    _svc_log "could not mount an XFS loop image ($(tr '\n' ' ' <"$_svc_dir/xfs.log" | head -c 200)): the reflink tests will be SKIPPED"
  fi
}

services_start() {
  local t0=$SECONDS
  _svc_dir=$(mktemp -d /tmp/keel-services.XXXXXX); chmod 755 "$_svc_dir"
  export KEEL_SERVICES_DIR="$_svc_dir"
  unset KEEL_TEST_POSTGRES KEEL_TEST_S3 KEEL_TEST_SLURM KEEL_TEST_REFLINK_DIR
  _svc_install
  _svc_swift        # starts the servers; they warm up while the others start
  _svc_postgres
  _svc_slurm
  _svc_xfs
  _svc_swift_ready
  _svc_log "started in $((SECONDS - t0)) s (folder $_svc_dir)"
  return 0
}

services_stop() {
  if [[ -n $_svc_slurm_conf ]]; then SLURM_CONF="$_svc_slurm_conf" timeout 10 scontrol shutdown >/dev/null 2>&1; fi
  if [[ -n $_svc_pg_data ]]; then
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$_svc_pg_data" -m immediate -w stop >/dev/null 2>&1
  fi
  local pid
  for pid in "${_svc_pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${_svc_pids[@]}"; do
    for _ in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null
  done
  _svc_pids=()
  if [[ $_svc_created_swift_conf -eq 1 ]]; then rm -f /etc/swift/swift.conf; _svc_created_swift_conf=0; fi
  if [[ -n $_svc_xfs_mnt ]]; then
    umount "$_svc_xfs_mnt" 2>/dev/null || umount -l "$_svc_xfs_mnt" 2>/dev/null
    _svc_xfs_mnt=""
  fi
  # --one-file-system: never into a mount that could not be taken down.
  [[ -n $_svc_dir && -d $_svc_dir ]] && rm -rf --one-file-system "$_svc_dir"
  _svc_dir=""
  return 0
}
