#!/usr/bin/env bash
# keystone.sh: a real OpenStack Keystone (identity v3) on loopback, for the
# integration tests. Debian's keystone over a private PostgreSQL (SQLite does
# not work: Keystone answers "database is locked"), served by uWSGI.
#
#   .ci/keystone.sh check          exit 0 when everything is installed
#   .ci/keystone.sh install        install the Debian packages when missing
#   .ci/keystone.sh start [DIR]    install if needed, then start PostgreSQL and
#                                  Keystone on free 127.0.0.1 ports, with all
#                                  state under DIR (default: a new temp dir);
#                                  writes DIR/env and prints it
#   .ci/keystone.sh stop DIR       stop what "start DIR" started, by PID
#   .ci/keystone.sh status DIR     print the server's open transactions and
#                                  what the reaper (below) has ended
#   .ci/keystone.sh sql DIR SQL    run SQL on the server's keystone database
#
# DIR/env holds shell assignments: the OS_* variables of the bootstrap admin
# (password auth, project "admin", domain "Default"), KEYSTONE_DIR,
# KEYSTONE_UWSGI_PID and KEYSTONE_PG_PID. "start" on a DIR whose Keystone
# answers just prints its env; on a DIR whose processes are gone it restarts
# them on the same ports without bootstrapping again.
#
# With KEYSTONE_WATCH_PID=PID, "start" also leaves a small watcher that runs
# "stop DIR" once PID has exited (the test helper passes its own PID, so a
# killed test binary does not leave servers behind).
#
# "start" also runs a reaper while Keystone runs: every 2 s it ends the
# PostgreSQL sessions whose transaction has been open for more than
# $REAP_AFTER, and logs them to DIR/reaper.log. A Keystone request takes
# milliseconds, but a worker sometimes keeps a transaction open after a
# request (seen after a client went away mid-request) and goes on serving
# requests inside it; rows it holds then block every other worker, and since
# that session is never idle for long, idle_in_transaction_session_timeout
# does not end it (PostgreSQL 15 has no transaction_timeout).
#
# Test-only settings: trust auth on PostgreSQL, password_hash_rounds = 4,
# admin password "secret". Never expose it beyond loopback.
set -euo pipefail

PASSWORD=secret
REAP_AFTER='20 seconds'
PACKAGES=(keystone postgresql python3-psycopg2)
# Debian's Python, the one keystone runs on (a pyenv python3 may come first on PATH).
PY=/usr/bin/python3

log() { echo "keystone.sh: $*" >&2; }
die() { log "$*"; exit 1; }

installed() {
	[ -x "$PY" ] &&
		command -v keystone-manage >/dev/null 2>&1 &&
		command -v uwsgi >/dev/null 2>&1 &&
		[ -n "$(pg_bindir 2>/dev/null)" ] &&
		"$PY" -c 'import psycopg2' 2>/dev/null
}

# pg_bindir prints the newest installed PostgreSQL server's bin directory.
pg_bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
	[ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

do_install() {
	installed && return 0
	[ "$(id -u)" = 0 ] || die "keystone is not installed and installing needs root: apt-get install ${PACKAGES[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y --no-install-recommends "${PACKAGES[@]}" >&2; then
		apt-get update >&2
		apt-get install -y --no-install-recommends "${PACKAGES[@]}" >&2
	fi
	# The packages try to start their services; without an init system they
	# cannot, which is expected. Our instances are private anyway.
	installed || die "packages installed but keystone-manage, uwsgi, initdb or psycopg2 is still missing"
}

free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# answers URL: true when GET URL gives 200.
answers() {
	"$PY" - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
    sys.exit(0 if r.status == 200 else 1)
PY
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# as_pg runs a command as the PostgreSQL owner (postgres refuses root).
as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

write_env() {
	local d=$1
	cat >"$d/env.tmp" <<ENV
OS_AUTH_URL=http://127.0.0.1:$KS_PORT/v3
OS_USERNAME=admin
OS_PASSWORD=$PASSWORD
OS_PROJECT_NAME=admin
OS_USER_DOMAIN_NAME=Default
OS_PROJECT_DOMAIN_NAME=Default
OS_IDENTITY_API_VERSION=3
OS_REGION_NAME=RegionOne
KEYSTONE_DIR=$d
KEYSTONE_UWSGI_PID=$UWSGI_PID
KEYSTONE_PG_PID=$PG_PID
ENV
	mv "$d/env.tmp" "$d/env"
}

do_start() {
	local d=${1:-}
	do_install
	if [ -z "$d" ]; then
		d=$(mktemp -d /tmp/iamkit-keystone.XXXXXX)
	fi
	mkdir -p "$d"
	d=$(cd "$d" && pwd)
	local bin
	bin=$(pg_bindir)

	# Already running: print and go.
	if [ -f "$d/env" ]; then
		# shellcheck disable=SC1091
		. "$d/env"
		if alive "${KEYSTONE_UWSGI_PID:-}" && answers "$OS_AUTH_URL"; then
			cat "$d/env"
			return 0
		fi
	fi

	# Ports: chosen once per DIR and kept.
	if [ -f "$d/ports" ]; then
		# shellcheck disable=SC1091
		. "$d/ports"
	else
		PG_PORT=$(free_port)
		KS_PORT=$(free_port)
		while [ "$KS_PORT" = "$PG_PORT" ]; do KS_PORT=$(free_port); done
		printf 'PG_PORT=%s\nKS_PORT=%s\n' "$PG_PORT" "$KS_PORT" >"$d/ports"
	fi

	# PostgreSQL: data under DIR, TCP on loopback only, socket in DIR.
	local pguser
	if [ "$(id -u)" = 0 ]; then
		pguser=postgres
		chown postgres "$d"
	else
		pguser=$(id -un)
	fi
	if [ ! -f "$d/data/PG_VERSION" ]; then
		as_pg "$bin/initdb" -D "$d/data" -A trust -U "$pguser" >"$d/initdb.log" 2>&1 ||
			die "initdb failed: $(tail -n 20 "$d/initdb.log")"
	fi
	if ! as_pg "$bin/pg_ctl" -D "$d/data" status >/dev/null 2>&1; then
		as_pg "$bin/pg_ctl" -D "$d/data" -w -t 60 -l "$d/pg.log" \
			-o "-k $d -h 127.0.0.1 -p $PG_PORT -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c idle_in_transaction_session_timeout=30s" \
			start >/dev/null || die "PostgreSQL did not start: $(tail -n 20 "$d/pg.log")"
	fi
	PG_PID=$(head -n1 "$d/data/postmaster.pid")

	# Keystone: config, schema, keys, bootstrap (once per DIR).
	local conf=$d/keystone.conf
	if [ ! -f "$d/bootstrapped" ]; then
		as_pg "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$pguser" -d postgres -qAt \
			-c "select 1 from pg_database where datname='keystone'" | grep -q 1 ||
			as_pg "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$pguser" -d postgres -q \
				-c "create database keystone" >/dev/null
		cat >"$conf" <<CONF
[DEFAULT]
log_dir = $d
[database]
connection = postgresql://$pguser@127.0.0.1:$PG_PORT/keystone
[token]
provider = fernet
[fernet_tokens]
key_repository = $d/fernet-keys
[credential]
key_repository = $d/credential-keys
[identity]
password_hash_rounds = 4
CONF
		local u g
		u=$(id -un)
		g=$(id -gn)
		local km=(keystone-manage --config-file "$conf")
		{
			"${km[@]}" db_sync &&
				"${km[@]}" fernet_setup --keystone-user "$u" --keystone-group "$g" &&
				"${km[@]}" credential_setup --keystone-user "$u" --keystone-group "$g" &&
				"${km[@]}" bootstrap --bootstrap-password "$PASSWORD" \
					--bootstrap-admin-url "http://127.0.0.1:$KS_PORT/v3/" \
					--bootstrap-public-url "http://127.0.0.1:$KS_PORT/v3/" \
					--bootstrap-internal-url "http://127.0.0.1:$KS_PORT/v3/" \
					--bootstrap-region-id RegionOne
		} >"$d/manage.log" 2>&1 || die "keystone-manage failed: $(tail -n 30 "$d/manage.log")"
		touch "$d/bootstrapped"
	fi

	# uWSGI in its own session (its PID is its process group). Its plain
	# http-socket closes every connection after one response without saying
	# so, and a client reusing it for a POST gets "connection reset":
	# "Connection: close" tells clients not to reuse connections.
	# --lazy-apps loads Keystone in each worker rather than once in the
	# master before forking, and --thunder-lock serializes accept(), as
	# Debian's own /etc/keystone/keystone-uwsgi.ini does: without them a
	# request was seen, rarely, to get no answer at all (no transaction open
	# in PostgreSQL, so not a lock wait), in TestConformanceEC2's 8 parallel
	# CreateUser calls of one name.
	setsid uwsgi --plugins python3 --http-socket "127.0.0.1:$KS_PORT" \
		--wsgi-file /usr/bin/keystone-wsgi-public --master --processes 4 --threads 1 \
		--lazy-apps --thunder-lock \
		--add-header "Connection: close" \
		--die-on-term --env "OS_KEYSTONE_CONFIG_FILES=$conf" \
		>"$d/uwsgi.log" 2>&1 </dev/null &
	UWSGI_PID=$!
	echo "$UWSGI_PID" >"$d/uwsgi.pid"

	local url=http://127.0.0.1:$KS_PORT/v3 i
	for ((i = 0; i < 600; i++)); do
		answers "$url" && break
		alive "$UWSGI_PID" || die "uwsgi exited: $(tail -n 30 "$d/uwsgi.log")"
		sleep 0.1
	done
	answers "$url" || { do_stop "$d"; die "Keystone did not answer $url within 60s: $(tail -n 30 "$d/uwsgi.log")"; }

	local self
	self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
	setsid bash "$self" reap "$d" "$UWSGI_PID" >/dev/null 2>&1 </dev/null &
	echo $! >"$d/reaper.pid"

	write_env "$d"
	if [ -n "${KEYSTONE_WATCH_PID:-}" ]; then
		setsid bash -c 'while kill -0 "$1" 2>/dev/null && [ -f "$3/env" ]; do sleep 1; done; [ -f "$3/env" ] && exec "$2" stop "$3"' \
			watch "$KEYSTONE_WATCH_PID" "$self" "$d" >/dev/null 2>&1 </dev/null &
	fi
	cat "$d/env"
}

# psql_ks DIR SQL runs SQL on the keystone database of DIR's PostgreSQL.
psql_ks() {
	local d=$1 bin pguser
	bin=$(pg_bindir)
	# shellcheck disable=SC1091
	. "$d/ports"
	if [ "$(id -u)" = 0 ]; then pguser=postgres; else pguser=$(id -un); fi
	as_pg "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$pguser" -d keystone -qAt -F ' | ' -c "$2"
}

# do_reap DIR PID: the reaper described at the top, for as long as PID
# (uWSGI) lives.
do_reap() {
	local d=$1 pid=$2 out
	while alive "$pid"; do
		out=$(psql_ks "$d" "select now()::time(0), pid, pg_terminate_backend(pid), state, now() - xact_start, left(regexp_replace(query, '\s+', ' ', 'g'), 300)
			from pg_stat_activity where datname = 'keystone' and pid <> pg_backend_pid()
			and xact_start < now() - interval '$REAP_AFTER'" 2>&1) || true
		[ -n "$out" ] && echo "$out" >>"$d/reaper.log"
		sleep 2
	done
}

do_status() {
	local d=${1:-}
	[ -n "$d" ] && [ -f "$d/ports" ] || die "usage: $0 status DIR"
	echo "open transactions (pid | state | age | waiting on | blocked by | query):"
	psql_ks "$d" "select pid, state, now() - xact_start, wait_event_type, pg_blocking_pids(pid), left(regexp_replace(query, '\s+', ' ', 'g'), 200)
		from pg_stat_activity where datname = 'keystone' and pid <> pg_backend_pid() and xact_start is not null order by xact_start" 2>&1 || true
	if [ -s "$d/reaper.log" ]; then
		echo "ended by the reaper (time | pid | ended | state | age | query):"
		tail -n 20 "$d/reaper.log"
	fi
	if [ -f "$d/uwsgi.log" ]; then
		echo "requests that took over 5 s (uwsgi.log):"
		{ grep -E 'in [0-9]{4,} msecs' "$d/uwsgi.log" || true; } | awk '{ split($0, a, " in "); split(a[2], b, " "); if (b[1] + 0 > 5000) print }' | tail -n 20
		echo "last lines of uwsgi.log:"
		tail -n 15 "$d/uwsgi.log"
	fi
	local klog
	for klog in "$d"/keystone*.log; do
		[ -f "$klog" ] || continue
		echo "errors in $(basename "$klog"):"
		{ grep -E ' (ERROR|CRITICAL) ' "$klog" || true; } | { grep -v 'Conflict occurred' || true; } | tail -n 20
	done
}

do_stop() {
	local d=${1:-}
	[ -n "$d" ] && [ -d "$d" ] || die "usage: $0 stop DIR"
	local pid bin
	if [ -f "$d/uwsgi.pid" ]; then
		pid=$(cat "$d/uwsgi.pid")
		if alive "$pid"; then
			kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
			for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
			alive "$pid" && kill -KILL -- "-$pid" 2>/dev/null || true
		fi
	fi
	if [ -f "$d/reaper.pid" ]; then
		kill "$(cat "$d/reaper.pid")" 2>/dev/null || true
	fi
	if [ -f "$d/data/postmaster.pid" ]; then
		bin=$(pg_bindir)
		as_pg "$bin/pg_ctl" -D "$d/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -f "$d/env"
}

cmd=${1:-start}
case "$cmd" in
check) installed ;;
install) do_install ;;
start) do_start "${2:-}" ;;
stop) do_stop "${2:-}" ;;
status) do_status "${2:-}" ;;
reap) do_reap "$2" "$3" ;;
sql) psql_ks "$2" "$3" ;;
*) die "usage: $0 check | install | start [DIR] | stop DIR | status DIR" ;;
esac
