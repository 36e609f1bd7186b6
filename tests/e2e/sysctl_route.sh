#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The sysctls about routing, with the in-tree meaning: snat_reroute (a NAT reply, its source now the VIP, is routed again, so a policy rule "from VIP" picks its way out: here into a dummy sink, IPv4 and IPv6; off, it leaves by the main table) and ignore_tunneled (it marks a tunnel packet as IPVS's, but the kernel's IP tunnels clear that mark as they decapsulate, skb_scrub_packet, so a datagram out of an IPIP tunnel is balanced either way, in-tree as in kvs), and the pkt_type check (a frame not sent to this host is not balanced).
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

vs=net.ipv4.vs
topo_up
start_http 8000
start_udp_name 9000
nat_service -t "$VIP:80" 8000
nat_service -t "[$VIP6]:80" 8000
nat_service -u "$VIP:9000" 9000
show ipvsadm -L -n

# ---- snat_reroute
# The sink: a dummy link that the rule "from the VIP" routes the
# client's networks to.  A reply routed there never reaches the client.
on_director ip link add name rsink type dummy
on_director ip link set dev rsink up
on_director ip rule add from "$VIP" lookup 200 pref 100
on_director ip route add 10.0.1.0/24 dev rsink table 200
on_director ip -6 rule add from "$VIP6" lookup 200 pref 100
on_director ip -6 route add fd00:1::/64 dev rsink table 200

# sink_tx: packets the director sent into the sink.
sink_tx() {
	on_director cat /sys/class/net/rsink/statistics/tx_packets
}

urls=("http://$VIP/" "http://[$VIP6]/")
expect_eq "snat_reroute defaults to 1" 1 "$(on_director sysctl -n $vs.snat_reroute)"
for url in "${urls[@]}"; do
	tx=$(sink_tx)
	out=$(http_get "$NS_CLIENT" "$url")
	expect_no_match "snat_reroute 1: $url gets no reply (it went by the rule)" \
		'^[AB]$' "$out"
	expect_cmp "snat_reroute 1: the replies of $url went into the sink" \
		"$(sink_tx)" -gt "$tx"
done
on_director sysctl -qw $vs.snat_reroute=0
for url in "${urls[@]}"; do
	tx=$(sink_tx)
	expect_match "snat_reroute 0: $url is answered by the main table's route" \
		'^[AB]$' "$(http_get "$NS_CLIENT" "$url")"
	expect_eq "snat_reroute 0: nothing of $url went into the sink" \
		"$tx" "$(sink_tx)"
done
on_director sysctl -qw $vs.snat_reroute=1
on_director ip rule del from "$VIP" lookup 200 pref 100
on_director ip -6 rule del from "$VIP6" lookup 200 pref 100

# ---- ignore_tunneled
# The client reaches the VIP through an IPIP tunnel to the director, from
# an address of its own that the director routes back to it in the clear.
TUN_SRC=10.0.9.2
on_client ip link add name ktun type ipip local "$CLIENT_IP" remote "$DIRECTOR_CLIENT_IP"
on_client ip addr add "$TUN_SRC/32" dev ktun
on_client ip link set dev ktun up
on_client ip route add "$VIP/32" dev ktun src "$TUN_SRC"
on_director ip link add name ktun type ipip local "$DIRECTOR_CLIENT_IP" remote "$CLIENT_IP"
on_director ip link set dev ktun up
on_director ip route add "$TUN_SRC/32" via "$CLIENT_IP"
for c in all ktun; do
	on_director sysctl -qw "net.ipv4.conf.$c.rp_filter=0"
done

# udp_noports: datagrams the director's own UDP had no socket for.
udp_noports() {
	# shellcheck disable=SC2016 # awk program, not shell
	on_director awk '$1 == "Udp:" { if (!n++) { for (i = 2; i <= NF; i++)
		if ($i == "NoPorts") c = i } else print $c }' /proc/net/snmp
}

# tunneled N: N datagrams to the UDP service through the tunnel.
tunneled() {
	local i
	for ((i = 0; i < $1; i++)); do
		echo "tunneled $i" | on_client socat -t 1 -T 1 - "UDP4:$VIP:9000" >/dev/null 2>&1 || true
	done
}

expect_eq "ignore_tunneled defaults to 0" 0 "$(on_director sysctl -n $vs.ignore_tunneled)"
in0=$(ipvs_stat inpkts "$VIP:9000")
tunneled 2
expect_eventually "ignore_tunneled 0: the 2 tunneled datagrams are balanced (service InPkts)" \
	6 $((in0 + 2)) ipvs_stat inpkts "$VIP:9000"
on_director sysctl -qw $vs.ignore_tunneled=1
expect_eq "ignore_tunneled reads back 1" 1 "$(on_director sysctl -n $vs.ignore_tunneled)"
noports=$(udp_noports)
tunneled 3
expect_eventually "ignore_tunneled 1: the 3 tunneled datagrams are balanced still (IPIP's decap clears the mark)" \
	6 $((in0 + 5)) ipvs_stat inpkts "$VIP:9000"
expect_eq "ignore_tunneled 1: the director's own UDP got none of them (NoPorts)" \
	"$noports" "$(udp_noports)"
# The same datagrams in the clear are balanced still.
on_client ip route del "$VIP/32" dev ktun
expect_match "ignore_tunneled 1: a datagram in the clear is still balanced" \
	'^[AB]$' "$(echo plain | on_client socat -t 4 -T 4 - "UDP4:$VIP:9000" 2>&1 || true)"

# ---- pkt_type
# A frame from another host not sent to this one, here an Ethernet
# broadcast carrying the VIP as its IP destination, is left to the stack,
# as in-tree: not balanced, and the director's own UDP (no socket on the
# port) counts it.  (In-tree folds its counters every 2 s: wait that.)
sleep 3
in1=$(ipvs_stat inpkts "$VIP:9000")
noports=$(udp_noports)
on_client ip neigh replace "$DIRECTOR_CLIENT_IP" lladdr ff:ff:ff:ff:ff:ff \
	nud permanent dev eth0
echo broadcast | on_client socat -t 1 -T 1 - "UDP4:$VIP:9000" >/dev/null 2>&1 || true
expect_eventually "pkt_type: a broadcast frame to the VIP reaches the director's own UDP (NoPorts)" \
	6 $((noports + 1)) udp_noports
sleep 3
expect_eq "pkt_type: and is not balanced (service InPkts)" \
	"$in1" "$(ipvs_stat inpkts "$VIP:9000")"
on_client ip neigh del "$DIRECTOR_CLIENT_IP" dev eth0

# snat_reroute: default (1), 2 families x 2 checks, off 2 x 2;
# ignore_tunneled: default (1), on 0 (1), on 1 (3), in the clear (1);
# pkt_type (2).
done_testing 17
