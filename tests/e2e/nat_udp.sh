#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# UDP NAT service with rr over two backends: replies alternate, come back from the VIP address, and counters move.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

svc=$VIP:53
topo_up
start_udp_name 9000

on_director ipvsadm -A -u "$svc" -s rr
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -u "$svc" -r "${BACKEND_IP[$b]}:9000" -m
done
list=$(on_director ipvsadm -L -n)
show ipvsadm -L -n
expect_match "UDP service listed with rr" "^UDP  $svc rr *$" "$list"

# socat's UDP4-DATAGRAM takes replies from any address, and -d -d logs
# where each one came from; a new socket (source port) per query makes
# each query a new IPVS connection.
replies=()
for i in 1 2 3 4; do
	out=$(echo "query $i" | on_client socat -d -d -T 2 - "UDP4-DATAGRAM:$VIP:53" 2>&1) || true
	r=$(grep -v ' socat\[' <<<"$out" | head -n1)
	from=$(sed -n 's/.*received packet with [0-9]* bytes from AF=2 //p' <<<"$out" | head -n1)
	echo "client\$ echo query $i | socat - UDP4-DATAGRAM:$VIP:53   ->   $r (from $from)"
	replies+=("$r")
	expect_eq "reply $i comes from the VIP" "$svc" "$from"
done
expect_alternation "four queries through the VIP alternate" "${replies[@]}"

expect_eventually "service Conns counts the 4 queries" 6 4 ipvs_stat conns "$svc"
show ipvsadm -L -n --stats
read -r _ inpkts outpkts inbytes outbytes <<<"$(ipvs_stats "$svc")"
expect_cmp "service InPkts counts the 4 queries" "$inpkts" -eq 4
expect_cmp "service OutPkts counts the 4 replies" "$outpkts" -eq 4
expect_cmp "service InBytes moved" "$inbytes" -gt 0
expect_cmp "service OutBytes moved" "$outbytes" -gt 0
for b in "${BACKENDS[@]}"; do
	expect_eq "backend $b: Conns InPkts OutPkts are 2 2 2" "2 2 2" \
		"$(ipvs_stats "$svc" "${BACKEND_IP[$b]}:9000" | cut -d' ' -f1-3)"
	# UDP entries count as inactive connections.
	expect_eq "backend $b: 0 active, 2 inactive" "0 2" \
		"$(ipvs_conns "$svc" "${BACKEND_IP[$b]}:9000")"
done
show ipvsadm -L -n
done_testing 15
