#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: also intree
# sysctl sync_refresh_period on a master: with sync_threshold "3 0" a
# connection is sent once, at its third packet, so the backup's copy
# counts its timeout down; with sync_refresh_period 2 s it is sent again
# each time its end time has moved 2 s (less than half its timeout)
# since it was last sent, so the backup's copy stays fresh.  And
# sync_retries: with a period of 8 s, a connection is sent once in 8 s
# without retries, and with 3 it is also sent again 3 times, a second
# apart (counted in the messages a third namespace captures).
#
#  cl 10.0.1.2 --[lan]-- d1 10.0.1.11 (VIP 10.0.1.100) --[inner]-- A 10.0.2.11
#                        d2 10.0.1.12 -----------------------/
#  sync on inner (d1 10.0.2.101, the backends' gateway; d2 10.0.2.102).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

VIP=10.0.1.100
STOP=$WORK/stop

ns() { ip netns exec "$@"; }

ipvs_ready
for n in cl d1 d2 ba cap; do
	_netns_add "$n"
done
lan_add lan inner
lan_port cl eth0 lan
lan_port d1 lan lan
lan_port d2 lan lan
lan_port d1 in inner
lan_port d2 in inner
lan_port ba eth0 inner
lan_port cap eth0 inner
ip -n cap addr add 10.0.2.200/24 dev eth0
ip -n cl addr add 10.0.1.2/24 dev eth0
ip -n d1 addr add 10.0.1.11/24 dev lan
ip -n d1 addr add "$VIP/24" dev lan
ip -n d2 addr add 10.0.1.12/24 dev lan
ip -n d1 addr add 10.0.2.101/24 dev in
ip -n d2 addr add 10.0.2.102/24 dev in
ip -n ba addr add 10.0.2.11/24 dev eth0
ip -n ba route add default via 10.0.2.101
ns d1 sysctl -qw net.ipv4.ip_forward=1
for d in d1 d2; do
	ns "$d" ipvsadm -A -t "$VIP:80" -s rr
	ns "$d" ipvsadm -a -t "$VIP:80" -r 10.0.2.11:8000 -m
done
bg_start echo ba socat TCP-LISTEN:8000,reuseaddr,fork SYSTEM:cat
wait_listen ba tcp 8000

ns d1 sysctl -qw net.ipv4.vs.sync_threshold="3 0"
ns d1 sysctl -qw net.ipv4.vs.sync_refresh_period=0
check "master started on d1" ns d1 ipvsadm --start-daemon master \
	--mcast-interface in --syncid 3
check "backup started on d2" ns d2 ipvsadm --start-daemon backup \
	--mcast-interface in --syncid 3

# One connection, a line every 0.5 s until $STOP.
bg_start conn cl bash -c "(while [ ! -e $STOP ]; do echo x; sleep 0.5; done) |
	socat -t 5 - TCP:$VIP:80"

# expiry: seconds left of the connection's copy on d2 (MM:SS), or none.
expiry() {
	ns d2 ipvsadm -L -c -n | awk -v v="$VIP:80" '$5 == v && $3 == "ESTABLISHED" {
		split($2, t, ":"); print t[1] * 60 + t[2]; exit }'
}
# shellcheck disable=SC2317 # called through expect_eventually
held() { [[ -n $(expiry) ]] && echo yes || echo no; }

expect_eventually "d2 holds the connection" 60 yes held
e1=$(expiry)
sleep 8
e2=$(expiry)
log "d2's copy: ${e1:-none} s left, 8 s later ${e2:-none} s"
expect_cmp "without sync_refresh_period d2's copy counts down (sent once)" \
	"$((${e1:-0} - ${e2:-0}))" -ge 6

ns d1 sysctl -qw net.ipv4.vs.sync_refresh_period=2
# fresh: d2's copy has at least 894 s of the 900 s established timeout
# (a resend every 2 s, in-tree's master holding a message up to 2 s).
fresh() { (($(expiry) >= 894)) && echo fresh || echo "stale: $(expiry)"; }
expect_eventually "with sync_refresh_period 2 s d1 sends it again: d2's copy is fresh" \
	20 fresh fresh
sleep 8
expect_eq "8 s later d2's copy is still fresh (sent every 2 s)" fresh "$(fresh)"

ns d1 sysctl -qw net.ipv4.vs.sync_refresh_period=0
sleep 12
e3=$(expiry)
log "sync_refresh_period 0 again: 12 s later ${e3:-none} s left"
expect_cmp "sync_refresh_period 0 again: d2's copy counts down" "${e3:-900}" -le 891

# The messages d1 sends, all into one file by one socket, and the
# entries they hold (the count is byte 4 of a version 1 message, its
# size bytes 2 and 3).
bg_start capture cap socat -u -b 65536 \
	"UDP4-RECV:8848,ip-add-membership=224.0.0.81:10.0.2.200,reuseaddr" \
	"CREATE:$WORK/stream"
wait_listen cap udp 8848
entries() {
	od -An -v -tu1 "$WORK/stream" | gawk '
		{ for (i = 1; i <= NF; i++) b[n++] = $i }
		END {
			for (at = 0; at + 8 <= n; at += len) {
				len = b[at + 2] * 256 + b[at + 3]
				if (len < 8)
					break
				sum += b[at + 4]
			}
			print sum + 0
		}'
}
# sent_in SECONDS: the entries captured meanwhile.
sent_in() {
	local a
	a=$(entries)
	sleep "$1"
	echo $(($(entries) - a))
}
ns d1 sysctl -qw net.ipv4.vs.sync_refresh_period=8
ns d1 sysctl -qw net.ipv4.vs.sync_retries=0
sleep 3
n0=$(sent_in 20)
ns d1 sysctl -qw net.ipv4.vs.sync_retries=3
sleep 3
n3=$(sent_in 20)
# 20 s: without retries a send each 8 s (2 or 3); with 3, a send and 3
# resends at least a second apart (at the requests, each 0.5 s or more
# under emulation), then 8 s to the next: 4 each 11 to 13 s, 5 to 7 in
# the window (in-tree's master holds a message up to 2 s, which moves
# some across its ends).  4 or more is what no retries cannot give.
log "sync_refresh_period 8 s: in 20 s, sent $n0 times without retries, $n3 times with 3"
expect_cmp "without retries: at most 3 sends in 20 s" "$n0" -le 3
expect_cmp "with sync_retries 3: at least 4 sends in 20 s" "$n3" -ge 4

touch "$STOP"
done_testing 9
