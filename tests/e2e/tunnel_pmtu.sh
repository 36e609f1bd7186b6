#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tunnel path MTU beyond the first hop: a router between the director and
# a tunnel real server has a smaller MTU (1400) on its far link than the
# director's own links (1500).  The director's IPIP, GUE and GRE packets
# that grow past it are refused by the router with "fragmentation
# needed", quoting the director's outer header; the director must lower
# its route's PMTU toward the real server and tell the client the inner
# MTU (1400 less the tunnel's header), as in-tree does, or a client's
# large TCP upload through the VIP stalls.  The real server answers the
# client directly (through the router and the director as plain routers),
# with the byte count it received.  (A download would not do: its data
# goes from the real server to the client directly, never into the
# tunnel.)
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

PORT=8000
GUE_PORT=6080
FAR_MTU=1400
SIZE=1048576
RS_IP=10.0.3.2
ROUTER_FAR_IP=10.0.3.1
# What each tunnel adds in front of the client's packet (IPv4 outer).
declare -A OVERHEAD=([ipip]=20 [gue]=32 [gre]=24)
declare -A FWD=(
	[ipip]="-i"
	[gue]="-i --tun-type gue --tun-port $GUE_PORT"
	[gre]="-i --tun-type gre"
)

topo_up
director_dr_router
# Backend A is the router; the real server R sits behind it.
ROUTER=${NS_BACKEND[A]}
NS_BACKEND[R]=${TOPO_PREFIX}rs
BACKEND_IP[R]=$RS_IP
BACKEND_IP6[R]=fd00:3::2
_netns_add "${NS_BACKEND[R]}"
ip link add name far netns "$ROUTER" mtu "$FAR_MTU" type veth \
	peer name eth0 netns "${NS_BACKEND[R]}" mtu "$FAR_MTU"
ip -n "$ROUTER" addr add "$ROUTER_FAR_IP/24" dev far
ip -n "$ROUTER" link set dev far up
ip -n "${NS_BACKEND[R]}" addr add "$RS_IP/24" dev eth0
ip -n "${NS_BACKEND[R]}" addr add "${BACKEND_IP6[R]}/64" dev eth0 nodad
ip -n "${NS_BACKEND[R]}" link set dev eth0 up
ip -n "${NS_BACKEND[R]}" route add default via "$ROUTER_FAR_IP"
# The real server's answers come from the VIP, which the router routes
# out another way (its default route, toward the director).
run_in "$ROUTER" sysctl -qw net.ipv4.ip_forward=1 \
	net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.far.rp_filter=0
on_director ip route add 10.0.3.0/24 via "${BACKEND_IP[A]}"
backend_vip R "$VIP"
backend_decap R "$GUE_PORT"
# The real server answers with what it got: the byte count.
bg_start rs-count "${NS_BACKEND[R]}" \
	socat TCP-LISTEN:$PORT,fork,reuseaddr "SYSTEM:wc -c"
wait_listen "${NS_BACKEND[R]}" tcp "$PORT"
head -c "$SIZE" /dev/urandom >"$WORK/payload"

# icmp_stat NS FIELD: a counter of the Icmp: lines of /proc/net/snmp in NS.
# shellcheck disable=SC2016 # the $ are awk's
icmp_stat() {
	run_in "$1" awk -v f="$2" '$1 == "Icmp:" {
		if (!n) { for (i = 2; i <= NF; i++) if ($i == f) c = i; n = 1 }
		else print $c }' /proc/net/snmp
}

for m in ipip gue gre; do
	on_director ipvsadm -R <<-EOF
		-C
		-A -t $VIP:$PORT -s rr
		-a -t $VIP:$PORT -r $RS_IP:$PORT ${FWD[$m]}
	EOF
	on_client ip route flush cache
	on_director ip route flush cache
	router_sent=$(icmp_stat "$ROUTER" OutDestUnreachs)
	director_got=$(icmp_stat "$NS_DIRECTOR" InDestUnreachs)
	got=$(ip netns exec "$NS_CLIENT" timeout 60 \
		socat -t 30 - "TCP:$VIP:$PORT" <"$WORK/payload" 2>&1 | tr -d ' ') || true
	expect_eq "$m: a $SIZE-byte upload through the VIP reached the real server whole" \
		"$SIZE" "$got"
	expect_cmp "$m: the router refused a tunnel packet too big for its far link" \
		"$(icmp_stat "$ROUTER" OutDestUnreachs)" -gt "$router_sent"
	# The stack's own tunnel handlers (ip_gre, fou, loaded for the real
	# server) would lower the PMTU too: the error must be IPVS's.
	expect_eq "$m: IPVS took the error, the director's stack never saw it" \
		"$director_got" "$(icmp_stat "$NS_DIRECTOR" InDestUnreachs)"
	expect_match "$m: the director's route to the real server has the router's MTU" \
		"mtu $FAR_MTU" "$(on_director ip route get "$RS_IP")"
	expect_match "$m: the client learned the inner MTU" \
		"mtu $((FAR_MTU - OVERHEAD[$m]))" "$(on_client ip route get "$VIP")"
	expect_eventually "$m: one connection counted" 5 1 \
		ipvs_stat conns "$VIP:$PORT"
done
show ipvsadm -L -n --stats
on_director ipvsadm -C
done_testing 18
