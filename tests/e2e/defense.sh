#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Memory defense sysctls with the in-tree meaning: amemthresh above the host's memory turns drop_entry, drop_packet and secure_tcp from 1 to 2 (and back once it is lowered; 0 stays off, 3 on); drop_entry then ends part of a table of half-open connections, drop_packet drops every new connection (rate 1) or, in mode 3, 1 in am_droprate; secure_tcp keeps a handshake the real server has not followed up in SYNACK.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

vs=net.ipv4.vs
topo_up
start_tcp_sink 8001

# send_udp FIRST N: N datagrams to VIP:53, each from its own client port
# FIRST, FIRST+1, ...: N new connections.
# (gawk's /inet/udp/LPORT/HOST/PORT: one process, not one per port.)
send_udp() {
	on_client gawk -v first="$1" -v n="$2" -v vip="$VIP" 'BEGIN {
		for (p = first; p < first + n; p++) {
			s = "/inet/udp/" p "/" vip "/53"
			print "x" |& s
			close(s)
		}
	}'
}

# half_open [PORT]: connections to VIP:PORT (default 80) in SYN_RECV.
half_open() {
	on_director ipvsadm -L -n -c | grep -c "SYN_RECV .*$VIP:${1:-80} " || true
}

# syn_flood PORT: 40 connects to VIP:PORT from subshells (no exec),
# given up after 2 s.
syn_flood() {
	on_client bash -c 'for i in $(seq 40); do
			(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null &
		done
		sleep 2
		kill $(jobs -p) 2>/dev/null
		wait' _ "$VIP" "$1" || true
}

half_open_le() { (($(half_open) <= $1)); }
udp_conns_ge() { (($(ipvs_stat conns "$VIP:53") >= $1)); }

for s in amemthresh:1024 am_droprate:10 drop_entry:0 drop_packet:0 \
	secure_tcp:0 backup_only:0; do
	expect_eq "${s%:*} defaults to ${s#*:}" "${s#*:}" \
		"$(on_director sysctl -n "$vs.${s%:*}")"
done

# UDP to the backends (nothing listens: only the Conns counter matters);
# TCP to an address that never answers, so each SYN leaves a half-open
# connection; and TCP to the backends' sinks.
nat_service -u "$VIP:53" 9
on_director ip neigh replace 10.0.2.99 lladdr 02:00:00:00:00:99 \
	dev "${TOPO_PREFIX}br" nud permanent
on_director ipvsadm -A -t "$VIP:80" -s rr
on_director ipvsadm -a -t "$VIP:80" -r 10.0.2.99:80 -m
on_director ipvsadm -A -t "$VIP:79" -s rr
on_director ipvsadm -a -t "$VIP:79" -r 10.0.2.99:80 -m
nat_service -t "$VIP:81" 8001

syn_flood 80
n0=$(half_open)
log "half-open connections: $n0 (t=$SECONDS s)"
expect_cmp "40 SYNs leave (nearly) 40 half-open connections" "$n0" -ge 35

# ---- 1 <-> 2 as memory crosses amemthresh
for s in drop_entry drop_packet secure_tcp; do
	on_director sysctl -qw "$vs.$s=1"
done
expect_eq "mode 1 reads 1 while memory is plenty" "1 1 1" "$(defense_modes)"
on_director sysctl -qw $vs.amemthresh=2147483647
expect_eventually "mode 1 reads 2 once memory is below amemthresh" 4 "2 2 2" defense_modes

# drop_packet 2, memory far below amemthresh: amemthresh / (amemthresh -
# available) is 1, every new connection is dropped.
send_udp 20000 10

# drop_entry 2: a random 1/32 of the table a second; half-open ones go.
wait_until 30 half_open_le $((n0 - 4)) || true
n1=$(half_open)
log "half-open connections after drop_entry: $n1 (t=$SECONDS s)"
expect_cmp "drop_entry 2 ends half-open connections" "$n1" -le $((n0 - 4))
expect_cmp "drop_entry 2 ends them a part at a time" "$n1" -gt 0
expect_eq "drop_packet 2 at rate 1 dropped all 10 new connections" 0 \
	"$(ipvs_stat conns "$VIP:53")"

on_director sysctl -qw $vs.drop_entry=0
sleep 1.5
expect_eq "mode 0 stays 0 while memory is short" "0 2 2" "$(defense_modes)"
# drop_entry 0 while memory is short: a fresh table of half-open
# connections (port 79; drop_packet off meanwhile, so that they are
# made) stays whole for 10 s.  At a 1/32 of the table a second, a
# drop_entry that ignored mode 0 would end 12 of 40 on average, and
# spare them all about once in 300,000 runs; they are far from their
# 60 s timeout.
on_director sysctl -qw $vs.drop_packet=0
syn_flood 79
n2=$(half_open 79)
on_director sysctl -qw $vs.drop_packet=1
log "half-open connections on port 79: $n2 (t=$SECONDS s)"
expect_cmp "40 more SYNs with drop_entry 0 leave (nearly) 40 half-open" "$n2" -ge 35
sleep 10
expect_eq "drop_entry 0: the half-open connections stay for 10 s" "$n2" \
	"$(half_open 79)"
on_director sysctl -qw $vs.amemthresh=1024
expect_eventually "mode 2 reads 1 again once memory is above amemthresh" 4 \
	"0 1 1" defense_modes

# ---- mode 3: always on, drop_packet at 1 in am_droprate
on_director sysctl -qw $vs.am_droprate=4
on_director sysctl -qw $vs.drop_packet=3
on_director sysctl -qw $vs.secure_tcp=3
[[ $KVS_IPVS != kvs ]] || d0=$(drop_defense)
send_udp 30000 40
# The in-tree counters lag by up to 2 s.
wait_until 10 udp_conns_ge 29 || true
sleep 2.5
c=$(ipvs_stat conns "$VIP:53")
log "drop_packet 3, am_droprate 4: $c of 40 new connections made (t=$SECONDS s)"
expect_cmp "drop_packet 3 drops about 1 in 4 (at least 29 of 40 made)" "$c" -ge 29
expect_cmp "drop_packet 3 drops about 1 in 4 (at most 31 of 40 made)" "$c" -le 31
if [[ $KVS_IPVS == kvs ]]; then
	expect_eq "kvs_stats drop_defense counts the $((40 - c)) drops" \
		$((d0 + 40 - c)) "$(drop_defense)"
fi
expect_eq "mode 3 stays 3 while memory is plenty" "0 3 3" "$(defense_modes)"
on_director sysctl -qw $vs.drop_packet=0

# ---- secure_tcp: a client that completes the handshake and says nothing
# (the sink says nothing either) stays SYNACK under the secure table, is
# ESTABLISHED under the normal one.
# held PORT: such a connection to VIP:PORT, closed when the test ends.
held() {
	mkfifo "$WORK/held$1.in"
	bg_start "held$1" "$NS_CLIENT" sh -c "exec nc $VIP $1 <'$WORK/held$1.in'"
	# shellcheck disable=SC2034 # open until the test ends
	exec {fd}>"$WORK/held$1.in"
}
# states PORT: the states of the connections to VIP:PORT.
states() {
	on_director ipvsadm -L -n -c |
		awk -v v="$VIP:$1" '$5 == v { print $3 }' | sort -u | paste -sd' '
}
held 81
expect_eventually "secure_tcp 3: an idle handshake stays SYNACK" 10 SYNACK states 81
on_director sysctl -qw $vs.secure_tcp=0
nat_service -t "$VIP:82" 8001
held 82
expect_eventually "secure_tcp 0: the same handshake is ESTABLISHED" 10 ESTABLISHED states 82
log "t=$SECONDS s"
show sysctl $vs.amemthresh $vs.drop_entry $vs.drop_packet $vs.secure_tcp
# 6 defaults, 1 half-open table, 2 mode 1 <-> 2, 3 drop_entry 2 and
# drop_packet 2, 3 drop_entry 0, 1 back to mode 1, 3 mode 3 (4 under
# kvs), 2 secure_tcp.
if [[ $KVS_IPVS == kvs ]]; then
	done_testing 22
else
	done_testing 21
fi
