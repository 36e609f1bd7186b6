#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Seed 004, DR mode: a dummy VIP 10.0.0.185 on the director and on each real server, ipvsadm -A (default wlc) and -a ... -g; wget through the VIP reaches both, replies bypass the director.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

vip=10.0.0.185
svc=$vip:80
topo_up
start_http 80
# The director routes the real servers' direct replies back to the client.
director_dr_router

# As in the seed: a dummy link with the VIP on the host...
on_director ip link add name seed0 type dummy
_link_made seed0
on_director ip addr add "$vip" dev seed0
on_director ip link set seed0 up
# ...and one in each real server, which must not answer ARP for it.
for b in "${BACKENDS[@]}"; do
	on_backend "$b" ip link add name dummy1 type dummy
	on_backend "$b" ip addr add "$vip" dev dummy1
	on_backend "$b" ip link set dummy1 up
	on_backend "$b" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2
done

check "ipvsadm -A -t $svc" on_director ipvsadm -A -t "$svc"
for b in "${BACKENDS[@]}"; do
	check "ipvsadm -a -t $svc -r ${BACKEND_IP[$b]}:80 -g" \
		on_director ipvsadm -a -t "$svc" -r "${BACKEND_IP[$b]}:80" -g
done
list=$(on_director ipvsadm -Ln)
show ipvsadm -Ln
expect_match "service listed with the default scheduler" "^TCP  $svc wlc *$" "$list"
for b in "${BACKENDS[@]}"; do
	expect_match "real server $b listed as Route" \
		"^  -> ${BACKEND_IP[$b]}:80 +Route +1 " "$list"
done

seen=
for i in 1 2 3 4; do
	r=$(on_client timeout 10 busybox wget -qO- "http://$vip:80/" 2>&1) || true
	echo "client\$ busybox wget -qO- $vip:80   ->   $r"
	expect_match "wget $i through the VIP gets a real server's page" '^(A|B)$' "$r"
	seen+=$r
done
expect_match "both real servers answered" 'A.*B|B.*A' "$seen"

expect_eventually "Conns counts the 4 requests" 6 4 ipvs_stat conns "$svc"
show ipvsadm -Ln --stats
expect_cmp "InPkts moved" "$(ipvs_stat inpkts "$svc")" -gt 0
# The real servers answer from the VIP, and their replies reach the client
# through the director acting as a plain router, which counts them as
# in-tree does: proof that they came back from the VIP, unrewritten.
expect_cmp "OutPkts: the direct replies routed by the director" \
	"$(ipvs_stat outpkts "$svc")" -gt 0
done_testing 14
