#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: ipvs=both
# The sync daemon on the wire, against in-tree IPVS both ways, in one
# boot that loads one IPVS at a time: what an in-tree master multicasts
# (message versions 1 and 0) is captured into files, one file a
# message, and sent again into a kvs backup, whose ipvsadm -L -c -n must
# then list what the in-tree master listed (the expiry times aside); and
# the same from a kvs master into an in-tree backup.  The connections:
# TCP ones through a NAT service, TCP ones through a persistent service
# (with their templates) and UDP flows.
#
#  cl 10.0.1.2,.3 --[lan]-- dm 10.0.1.1 (VIP 10.0.1.100) --[inner]-- A 10.0.2.11
#                                                              \-- B 10.0.2.12
#  dm's sync interface on [syn] 10.0.3.1: cap 10.0.3.2 captures;
#  replays: tx 10.0.3.12 sends to the backup bk 10.0.3.11.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[[ $KVS_IPVS == both ]] ||
	skip_all "needs kvs and Debian's ip_vs loadable in one boot (scripts/e2e boots it with --ipvs=both)"

VIP=10.0.1.100
GROUP=224.0.0.81
SYNCID=9
STOP=$WORK/stop
PHASE_NS=()
IPVS=none

ns() { ip netns exec "$@"; }

# unload MODULE...: a service's references to its scheduler may drop
# only after an RCU grace period, a namespace's IPVS after its cleanup
# work: retry a while.
unload() {
	local m i
	for m; do
		for i in $(seq 100); do
			[[ -d /sys/module/$m ]] || break
			rmmod "$m" 2>/dev/null && break
			((i < 100)) || rmmod "$m"
			sleep 0.2
		done
	done
}

# use_ipvs kvs|intree: unloads the other one, loads this one.
use_ipvs() {
	local mods
	[[ $1 != "$IPVS" ]] || return 0
	if [[ $IPVS != none ]]; then
		mods=$(awk '$1 ~ /^(kvs|ip_vs)_/ { print $1 }' /proc/modules)
		# shellcheck disable=SC2086 # one module name per word
		[[ -z $mods ]] || unload $mods
		unload "${IPVS/intree/ip_vs}"
	fi
	IPVS=$1
	log "IPVS: $IPVS"
	case $IPVS in
	intree) modprobe ip_vs ;;
	kvs) modprobe kvs ;;
	esac
	genl ctrl get name IPVS >/dev/null 2>&1 || {
		not_ok "IPVS genetlink family present ($IPVS)"
		exit 1
	}
}

for n in lan inner syn; do
	ip link add "$n" type bridge
	LINKS_MADE+=("$n")
	ip link set "$n" up
done

# node NS IFNAME BRIDGE ADDR...: namespace NS (made if new) with a veth
# IFNAME on BRIDGE holding ADDRs.
node() {
	local n=$1 ifname=$2 br=$3 a
	shift 3
	if [[ ! -e /run/netns/$n ]]; then
		_netns_add "$n"
		PHASE_NS+=("$n")
	fi
	ip link add "$br-$n" type veth peer name "$ifname" netns "$n"
	ip link set "$br-$n" master "$br" up
	ip -n "$n" link set "$ifname" up
	for a; do
		ip -n "$n" addr add "$a" dev "$ifname"
	done
}

# phase_end: its talkers told to end, what still runs in its namespaces
# stopped, the namespaces and their links gone.
phase_end() {
	local n
	touch "$STOP"
	wait_until 10 phase_quiet || true
	for n in "${PHASE_NS[@]}"; do
		# shellcheck disable=SC2046 # one pid per word
		kill -KILL $(ip netns pids "$n") 2>/dev/null || true
	done
	for n in "${PHASE_NS[@]}"; do
		ip link del "lan-$n" 2>/dev/null || true
		ip link del "inner-$n" 2>/dev/null || true
		ip link del "syn-$n" 2>/dev/null || true
		ip netns del "$n"
	done
	PHASE_NS=()
	rm -f "$STOP"
}

# phase_quiet: no talker runs in the client namespace any more.
phase_quiet() {
	[[ ! -e /run/netns/cl || -z $(ip netns pids cl) ]]
}

# services NS: the services, the same on masters and backups.
services() {
	local port
	ns "$1" ipvsadm -A -t "$VIP:80" -s rr
	ns "$1" ipvsadm -A -t "$VIP:81" -s rr -p 300
	ns "$1" ipvsadm -A -u "$VIP:53" -s rr
	for port in 80 81; do
		ns "$1" ipvsadm -a -t "$VIP:$port" -r 10.0.2.11:8000 -m
		ns "$1" ipvsadm -a -t "$VIP:$port" -r 10.0.2.12:8000 -m
	done
	ns "$1" ipvsadm -a -u "$VIP:53" -r 10.0.2.11:9000 -m
	ns "$1" ipvsadm -a -u "$VIP:53" -r 10.0.2.12:9000 -m
}

# table NS: ipvsadm -L -c -n without its header and expiry times, sorted.
table() {
	ns "$1" ipvsadm -L -c -n | awk 'NR > 2 { print $1, $3, $4, $5, $6 }' | sort
}

# A talker: "ID N" every 200 ms until $STOP exists (reads on a FIFO
# nobody writes are its waits).
mkfifo "$WORK/tick"
cat >"$WORK/talk.sh" <<'EOF'
id=$1 stop=$2 n=0
exec 9<>"$3"
while [ ! -e "$stop" ]; do
	n=$((n + 1))
	echo "$id $n"
	read -r -t 0.2 -u 9 _ || :
done
EOF
# split STREAM DIR: what a capture wrote, one message after the other,
# cut into one file a message by the size each holds in bytes 2 and 3
# (versions 0 and 1 alike).
split() {
	od -An -v -tu1 "$1" | LC_ALL=C gawk -v dir="$2" '
		{ for (i = 1; i <= NF; i++) b[n++] = $i }
		END {
			for (at = 0; at + 4 <= n; at += len) {
				len = b[at + 2] * 256 + b[at + 3]
				if (len < 4 || at + len > n)
					exit 1
				f = sprintf("%s/m.%06d", dir, ++k)
				for (i = 0; i < len; i++)
					printf "%c", b[at + i] > f
				close(f)
			}
		}'
}

# entries DIR: the entries the messages in DIR hold, by their headers
# (version 1: count in byte 4; version 0: in byte 0).
entries() {
	local f sum=0 c
	for f in "$1"/m.*; do
		[[ -e $f ]] || continue
		if [[ $2 == 1 ]]; then
			c=$(od -An -tu1 -j4 -N1 "$f")
		else
			c=$(od -An -tu1 -j0 -N1 "$f")
		fi
		sum=$((sum + c))
	done
	echo "$sum"
}

# master VERSION DIR: a master director with live connections in the
# loaded IPVS, multicasting messages of VERSION, captured into DIR; its
# table is left in DIR.table.
master() {
	local v=$1 dir=$2 i b
	mkdir -p "$dir"
	node cl eth0 lan 10.0.1.2/24 10.0.1.3/24
	node dm c lan 10.0.1.1/24 "$VIP/24"
	node dm in inner 10.0.2.1/24
	node dm sy syn 10.0.3.1/24
	node ba eth0 inner 10.0.2.11/24
	node bb eth0 inner 10.0.2.12/24
	node cap eth0 syn 10.0.3.2/24
	ip -n cl route add default via 10.0.1.1
	for b in ba bb; do
		ip -n "$b" route add default via 10.0.2.1
		bg_start "$b-tcp" "$b" socat TCP-LISTEN:8000,reuseaddr,fork SYSTEM:cat
		bg_start "$b-udp" "$b" socat UDP-RECVFROM:9000,fork "EXEC:echo $b"
	done
	for b in ba bb; do
		wait_listen "$b" tcp 8000
		wait_listen "$b" udp 9000
	done
	ns dm sysctl -qw net.ipv4.ip_forward=1
	ns dm sysctl -qw "net.ipv4.vs.sync_version=$v"
	services dm
	# One socket, one process: every datagram, in order, into one file.
	bg_start "capture-$v" cap socat -u -b 65536 \
		"UDP4-RECV:8848,ip-add-membership=$GROUP:10.0.3.2,reuseaddr" \
		"CREATE:$dir.stream"
	wait_listen cap udp 8848
	ns dm ipvsadm --start-daemon master --mcast-interface sy --syncid "$SYNCID"
	for i in 1 2 3 4; do
		bg_start "tcp80-$v-$i" cl bash -c "bash $WORK/talk.sh t$i $STOP $WORK/tick |
			socat - TCP:$VIP:80,bind=10.0.1.$((2 + i % 2))"
	done
	for i in 1 2; do
		bg_start "tcp81-$v-$i" cl bash -c "bash $WORK/talk.sh p$i $STOP $WORK/tick |
			socat - TCP:$VIP:81,bind=10.0.1.$((1 + i))"
		bg_start "udp-$v-$i" cl bash -c "bash $WORK/talk.sh u$i $STOP $WORK/tick |
			socat - UDP:$VIP:53,bind=10.0.1.2:700$i"
	done
	# 4 + 2 TCP established, 2 templates, 2 UDP: 10 entries.
	wait_until 60 master_ready dm || true
	# Every entry sent at least once: the threshold is 3 requests.
	sleep 4
	table dm >"$dir.table"
	ns dm ipvsadm -L -c -n | sed "s/^/# $IPVS master v$v: /"
	ns dm ipvsadm --stop-daemon master
	sleep 1
	phase_end
	split "$dir.stream" "$dir" || not_ok "the capture of $IPVS's v$v messages cuts into messages"
	log "$IPVS master v$v: $(find "$dir" -name 'm.*' | wc -l) messages captured"
}

master_ready() {
	local t
	t=$(ns "$1" ipvsadm -L -c -n)
	(($(grep -c ' ESTABLISHED ' <<<"$t") == 6 && $(grep -cE ' (NONE|ASSURED) ' <<<"$t") == 2 &&
		$(grep -c '^UDP ' <<<"$t") == 2))
}

# backup DIR: a backup director with the same services; DIR's messages
# sent to it, in the order they were captured.  Leaves its table in
# DIR.replayed.
backup() {
	local dir=$1 f
	node bk sy syn 10.0.3.11/24
	node tx eth0 syn 10.0.3.12/24
	services bk
	ns bk ipvsadm --start-daemon backup --mcast-interface sy --syncid "$SYNCID"
	for f in "$dir"/m.*; do
		[[ -e $f ]] || continue
		ns tx socat -u -b 65536 "OPEN:$f" \
			"UDP4-DATAGRAM:$GROUP:8848,ip-multicast-if=10.0.3.12"
	done
	wait_until 15 same "$dir" || true
	table bk >"$dir.replayed"
	ns bk ipvsadm -L -c -n | sed "s/^/# $IPVS backup: /"
	if [[ $IPVS == kvs ]]; then
		ns bk cat /proc/net/kvs_sync >"$dir.stats"
		sed "s/^/# kvs backup: /" "$dir.stats"
	fi
	ns bk ipvsadm --stop-daemon backup
	phase_end
}

same() {
	[[ $(table bk) == "$(cat "$1.table")" ]]
}

# Nothing counted as dropped in a kvs backup's /proc/net/kvs_sync.
drops() {
	awk '$1 ~ /^rx_drop_/ { n += $2 } END { print n + 0 }' "$1"
}

# ---- in-tree's messages, captured
use_ipvs intree
for v in 1 0; do
	master "$v" "$WORK/intree-v$v"
	expect_eq "in-tree master (v$v) lists 10 entries" 10 \
		"$(wc -l <"$WORK/intree-v$v.table")"
	expect_cmp "in-tree master (v$v) sent them (entries in its messages)" \
		"$(entries "$WORK/intree-v$v" "$v")" -ge 10
done

# ---- ... into a kvs backup; kvs's messages captured
use_ipvs kvs
for v in 1 0; do
	backup "$WORK/intree-v$v"
	expect_eq "kvs backup fed in-tree's v$v messages lists what in-tree's master listed" \
		"$(cat "$WORK/intree-v$v.table")" "$(cat "$WORK/intree-v$v.replayed")"
	expect_eq "kvs backup dropped none of in-tree's v$v entries" 0 \
		"$(drops "$WORK/intree-v$v.stats")"
done
for v in 1 0; do
	master "$v" "$WORK/kvs-v$v"
	expect_eq "kvs master (v$v) lists 10 entries" 10 \
		"$(wc -l <"$WORK/kvs-v$v.table")"
	expect_cmp "kvs master (v$v) sent them (entries in its messages)" \
		"$(entries "$WORK/kvs-v$v" "$v")" -ge 10
done

# ---- ... into an in-tree backup
use_ipvs intree
for v in 1 0; do
	backup "$WORK/kvs-v$v"
	expect_eq "in-tree backup fed kvs's v$v messages lists what kvs's master listed" \
		"$(cat "$WORK/kvs-v$v.table")" "$(cat "$WORK/kvs-v$v.replayed")"
done

done_testing 14
