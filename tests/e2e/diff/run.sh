#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs the command lines of every *.cmds file in its folder and prints each one with its output and exit status, counters masked; scripts/e2e compares this output between --ipvs=intree and --ipvs=kvs.
#
# A .cmds file has one command line per line, run in order by bash on a
# fresh test host (in a subshell of this script: no pipefail, no set -e).
# Blank lines and lines starting with # are copied to the output as they
# are.  Each command is printed as "$ LINE", then its output (stdout and
# stderr, masked as below), then "[exit N]".
#
# Directives (a line that is only the directive):
#   @topo   builds lib.sh's topology (client, director = this namespace,
#           backends A 10.0.2.11 and B 10.0.2.12, VIP 100.100.100.100),
#           with an HTTP server on port 8000 and a UDP name server on
#           port 9000 in each backend.  Later lines can use lib.sh's
#           helpers and variables: on_client, on_backend, http_get,
#           $VIP, $NS_CLIENT, ${BACKEND_IP[A]} ...  Prints nothing.
#   @settle waits until the in-tree estimator has folded the counters
#           (2.5 s), so that listings after traffic are stable.
# and one directive that starts a line:
#   @def NAME() { ...; }  defines a shell function for the lines after
#           it (each line runs in a subshell of its own); prints nothing.
#
# Masking (what depends on timing, nothing else):
#   ipvsadm --stats / --rate lines: the numbers after the address;
#   ipvsadm -L (no --stats/--rate): ActiveConn/InActConn of dests;
#   ipvsadm -c and /proc/net/ip_vs_conn*: the Expires column;
#   /proc/net/ip_vs_stats*: every counter and rate;
#   /proc/net/ip_vs: nothing (it has connection counts only);
#   lines CMD prints from /proc/sys/net/ipv4/vs: the value of
#   sync_qlen_max only (its default is a share of the memory pages free
#   at load time).
# A masked line keeps its indentation; its columns are joined by one
# space.  Counters that should be exact are asserted by e2e tests, not
# here.
#
# The last line of output is "### run.sh: end, N commands", printed only
# when every file ran to its end; scripts/e2e fails a run without it.
# run.sh stops with an error on stderr and without that line (exit 2)
# when the topology cannot be built or its servers do not answer, and
# exits 1 after the end when a command was not found (exit status 127):
# a broken test host then fails instead of printing the same errors
# under kvs and in-tree.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here" || exit 2

# Debian's ip_vs loads on first use anyway (ipvsadm runs modprobe); load
# it first so that nothing of that shows in the output.
[[ ${KVS_IPVS:-kvs} != intree ]] || modprobe ip_vs || exit 2

# lib.sh is sourced at the top level (its arrays must be global) when a
# .cmds file asks for the topology.
topo=
if grep -qx '@topo' ./*.cmds; then
	# shellcheck source=../lib.sh
	. "$here/lib.sh"
	# lib.sh's reporting and traps are for tests: keep only its cleanup,
	# and this script's exit status.
	trap - ERR
	set +eE
	trap 'rc=$?; _cleanup >/dev/null 2>&1; exit $rc' EXIT
fi

# topo_setup: lib.sh's topology and servers, torn down when this exits.
# What it prints goes to stderr; it fails unless each backend answers
# HTTP on port 8000 and UDP on port 9000 from the director (lib.sh counts
# a server that does not come up as a failed check).
topo_setup() {
	local b
	[[ -z $topo ]] || return 0
	topo=1
	topo_up >&2 || return 1
	start_http 8000 >&2
	start_udp_name 9000 >&2
	((T_FAIL == 0)) || return 1
	for b in "${BACKENDS[@]}"; do
		[[ $(http_get "" "http://${BACKEND_IP[$b]}:8000/") == "$b" ]] || {
			echo "run.sh: backend $b does not answer HTTP" >&2
			return 1
		}
		[[ $(echo hi | socat -t 4 -T 4 - "UDP:${BACKEND_IP[$b]}:9000" 2>&1) == "$b" ]] || {
			echo "run.sh: backend $b does not answer UDP" >&2
			return 1
		}
	done
}

# mask CMD: hides what depends on timing (see the top of this file).
mask() {
	awk -v cmd="$1" '
		BEGIN { stats = cmd ~ /--stats|--rate/
			list = cmd ~ /(^| )(-L|-l|--list)( |$)/
			conns = cmd ~ /(^| )(-c|--connection)( |$)/
			pconn = cmd ~ /ip_vs_conn/
			csync = cmd ~ /ip_vs_conn_sync/
			qlen = cmd ~ /sys\/net\/ipv4\/vs|net\.ipv4\.vs/
			pstats = cmd ~ /ip_vs_stats/ }
		function masked(from, i, lead) {
			lead = substr($0, 1, match($0, /[^ ]/) - 1)
			for (i = from; i <= NF; i++) $i = "#"
			print lead $0
		}
		conns && $1 ~ /^(TCP|UDP|SCTP|IP)$/ { $2 = "#"; print; next }
		pconn && $1 ~ /^(TCP|UDP|SCTP|IP)$/ && NF >= 9 { $(csync ? 10 : 9) = "#"; print; next }
		qlen && $0 ~ /sync_qlen_max/ { sub(/[0-9]+$/, "#"); print; next }
		pstats && $0 ~ /^ *(~|[0-9A-F]+)( +[0-9A-F]+)+ *$/ {
			if ($1 == "~" || NF == 6) masked(2); else masked(1)
			next }
		stats && ($1 == "->" || $1 ~ /^(TCP|UDP|SCTP|FWM)$/) && NF > 2 { masked(3); next }
		list && !stats && $1 == "->" && $2 != "RemoteAddress:Port" { masked(5); next }
		{ print }'
}

ncmds=0
missing=()
for cmds in *.cmds; do
	echo "### $cmds"
	while IFS= read -r line; do
		if [[ -z $line || $line == \#* ]]; then
			echo "$line"
			continue
		fi
		echo "\$ $line"
		case $line in
		@def\ *)
			eval "${line#@def }"
			continue ;;
		@topo)
			topo_setup || {
				echo "run.sh: $cmds: the test topology is broken" >&2
				exit 2
			}
			continue ;;
		@settle)
			sleep 2.5
			continue ;;
		esac
		ncmds=$((ncmds + 1))
		out=$(
			trap - EXIT ERR
			set +eEu +o pipefail
			eval "$line" 2>&1 </dev/null
		)
		rc=$?
		[[ -z $out ]] || mask "$line" <<<"$out"
		echo "[exit $rc]"
		((rc != 127)) || missing+=("$cmds: $line")
	done <"$cmds"
done
echo "### run.sh: end, $ncmds commands"
if ((${#missing[@]})); then
	echo "run.sh: a command was not found (exit status 127) in:" >&2
	printf '  %s\n' "${missing[@]}" >&2
	exit 1
fi
exit 0
