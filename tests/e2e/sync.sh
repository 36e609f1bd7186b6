#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: also intree
# Two directors in a pair: d1 the master, d2 the backup of the sync
# daemon (ipvsadm --start-daemon), the same NAT services on both.  20
# long-lived TCP connections (10 synced in message version 1, 10 in
# version 0) go through d1; d2 lists them
# all as synced; then the virtual address and the backends' gateway move
# to d2, as a VRRP failover moves them, and every connection goes on to
# its end through d2 (lost: 0).  (Persistence templates are synced too,
# but not checked here yet.)
#
#  cl 10.0.1.2,.3 --[lan]-- d1 10.0.1.11 (VIP 10.0.1.100)  --[inner]-- A 10.0.2.11
#                      \--- d2 10.0.1.12                 ---/     \--- B 10.0.2.12
#  inner: d1 10.0.2.101 (gateway 10.0.2.254), d2 10.0.2.102; sync on inner.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

VIP=10.0.1.100
GW=10.0.2.254
STOP=$WORK/stop	# the connections end once this exists

ns() { ip netns exec "$@"; }

topo() {
	local n
	ipvs_ready
	for n in cl d1 d2 ba bb; do
		_netns_add "$n"
	done
	lan_add lan inner
	lan_port cl eth0 lan
	lan_port d1 lan lan
	lan_port d2 lan lan
	lan_port d1 in inner
	lan_port d2 in inner
	lan_port ba eth0 inner
	lan_port bb eth0 inner
	ip -n cl addr add 10.0.1.2/24 dev eth0
	ip -n cl addr add 10.0.1.3/24 dev eth0
	ip -n d1 addr add 10.0.1.11/24 dev lan
	ip -n d2 addr add 10.0.1.12/24 dev lan
	ip -n d1 addr add 10.0.2.101/24 dev in
	ip -n d2 addr add 10.0.2.102/24 dev in
	ip -n ba addr add 10.0.2.11/24 dev eth0
	ip -n bb addr add 10.0.2.12/24 dev eth0
	for n in ba bb; do
		ip -n "$n" route add default via "$GW"
	done
	for n in d1 d2; do
		ns "$n" sysctl -qw net.ipv4.ip_forward=1
	done
	# d1 is active: it holds the VIP and the backends' gateway.
	ip -n d1 addr add "$VIP/24" dev lan
	ip -n d1 addr add "$GW/24" dev in
}

# services D: the same services on director D, dests added in one order.
services() {
	local d=$1 b
	ns "$d" ipvsadm -A -t "$VIP:80" -s rr
	for b in 11 12; do
		ns "$d" ipvsadm -a -t "$VIP:80" -r "10.0.2.$b:8000" -m
	done
}

# conn I: connection I sends a numbered line every 0.5 s until $STOP
# exists (lib.sh's echo_conn).
conn() {
	echo_conn "conn$1" cl "TCP:$VIP:80" 0.5 "$STOP"
}

# synced D PORT STATE: connections to VIP:PORT in STATE on director D.
synced() {
	ns "$1" ipvsadm -L -c -n | awk -v v="$VIP:$2" -v s="$3" \
		'$5 == v && $3 == s { n++ } END { print n + 0 }'
}

topo
for b in ba bb; do
	bg_start "echo-$b" "$b" socat TCP-LISTEN:8000,reuseaddr,fork SYSTEM:cat
done
for b in ba bb; do
	wait_listen "$b" tcp 8000
done
services d1
services d2

check "master started on d1" ns d1 ipvsadm --start-daemon master \
	--mcast-interface in --syncid 7
check "backup started on d2" ns d2 ipvsadm --start-daemon backup \
	--mcast-interface in --syncid 7
check_fails "a second master is refused" ns d1 ipvsadm --start-daemon master \
	--mcast-interface in --syncid 7
expect_match "d1 lists its master" "master sync daemon \(mcast=in, syncid=7" \
	"$(ns d1 ipvsadm -L --daemon)"
expect_match "d2 lists its backup" "backup sync daemon \(mcast=in, syncid=7" \
	"$(ns d2 ipvsadm -L --daemon)"

for i in $(seq 1 10); do
	conn "$i"
done
expect_eventually "d2 holds the 10 version 1 connections, established" \
	90 10 synced d2 80 ESTABLISHED

ns d1 sysctl -qw net.ipv4.vs.sync_version=0
for i in $(seq 11 20); do
	conn "$i"
done
expect_eventually "d2 holds all 20 connections, established" \
	90 20 synced d2 80 ESTABLISHED
show_d2=$(ns d2 ipvsadm -L -c -n)
log "d2's table:"
while read -r l; do log "  $l"; done <<<"$show_d2"
# shellcheck disable=SC2016 # awk's fields
expect_eq "d2 lists them synced in ip_vs_conn_sync" 20 \
	"$(ns d2 awk '$5 == "0050" && $9 == "SYNC"' /proc/net/ip_vs_conn_sync |
		wc -l)"
if [[ $KVS_IPVS == kvs ]]; then
	ns d2 cat /proc/net/kvs_sync | sed 's/^/# d2 kvs_sync: /'
fi

# The failover: the addresses move, neighbours learn the new owner.
log "failover: VIP and gateway move from d1 to d2"
ip -n d1 addr del "$VIP/24" dev lan
ip -n d1 addr del "$GW/24" dev in
ip -n d2 addr add "$VIP/24" dev lan
ip -n d2 addr add "$GW/24" dev in
for n in cl ba bb; do
	ip -n "$n" neigh flush all
done
before=$(ns d2 ipvsadm -L -n --stats --exact | awk -v v="$VIP:80" '$2 == v { print $4 }')

# Some lines through d2, then every connection ends.
sleep 5
touch "$STOP"
read -r lost _ < <(echo_conns_lost 60 $(seq -f 'conn%g' 1 20))
expect_eq "connections lost in the failover" 0 "$lost"
after=$(ns d2 ipvsadm -L -n --stats --exact | awk -v v="$VIP:80" '$2 == v { print $4 }')
log "d2 InPkts of $VIP:80: $before before the failover, $after after"
expect_cmp "the connections' packets crossed d2" "${after:-0}" -gt "${before:-0}"

check "backup stopped" ns d2 ipvsadm --stop-daemon backup
check_fails "stopping it again fails" ns d2 ipvsadm --stop-daemon backup
check "master stopped" ns d1 ipvsadm --stop-daemon master
expect_eq "no daemon listed" "" "$(ns d1 ipvsadm -L --daemon)"

done_testing 14
