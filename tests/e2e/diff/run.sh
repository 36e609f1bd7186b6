#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs the command lines of every *.cmds file in its folder and prints each one with its output and exit status, counters masked; scripts/e2e compares this output between --ipvs=intree and --ipvs=kvs.
set -uo pipefail
cd "$(dirname "$0")" || exit 2

# Debian's ip_vs loads on first use anyway (ipvsadm runs modprobe); load
# it first so that nothing of that shows in the output.
[[ ${KVS_IPVS:-kvs} != intree ]] || modprobe ip_vs || exit 2

# mask CMD: hides what depends on timing: the counters of --stats and
# --rate, the connection columns of listings, expiry times of -c.  A
# masked line keeps its indentation; its columns are joined by one space.
mask() {
	awk -v cmd="$1" '
		BEGIN { stats = cmd ~ /--stats|--rate/
			list = cmd ~ /(^| )(-L|-l|--list)( |$)/
			conns = cmd ~ /(^| )(-c|--connection)( |$)/ }
		function masked(from, i, lead) {
			lead = substr($0, 1, match($0, /[^ ]/) - 1)
			for (i = from; i <= NF; i++) $i = "#"
			print lead $0
		}
		conns && $1 ~ /^(TCP|UDP|SCTP|IP)$/ { $2 = "#"; print; next }
		stats && ($1 == "->" || $1 ~ /^(TCP|UDP|SCTP|FWM)$/) && NF > 2 { masked(3); next }
		list && !stats && $1 == "->" && $2 != "RemoteAddress:Port" { masked(5); next }
		{ print }'
}

for cmds in *.cmds; do
	echo "### $cmds"
	while IFS= read -r line; do
		if [[ -z $line || $line == \#* ]]; then
			echo "$line"
			continue
		fi
		echo "\$ $line"
		out=$(bash -c "$line" 2>&1 </dev/null)
		rc=$?
		[[ -z $out ]] || mask "$line" <<<"$out"
		echo "[exit $rc]"
	done <"$cmds"
done
