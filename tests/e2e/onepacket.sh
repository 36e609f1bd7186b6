#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One-packet scheduling (-o): datagrams from one UDP socket are each scheduled (rr alternates), no connection entry is kept, Conns counts each datagram; a fwmark -o service does the same for UDP while its TCP keeps connections.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_up
start_udp_name 9000
start_http 8000

# send4 PORT: four datagrams from ONE socket to VIP:PORT, 0.4 s apart;
# prints "NAME FROM" for each answer (FROM: the address it came from).
send4() {
	local out
	out=$( (for i in 1 2 3 4; do echo "q$i"; sleep 0.4; done; sleep 1.5) |
		on_client socat -d -d -T 3 - "UDP4-DATAGRAM:$VIP:$1" 2>&1) || true
	paste -d' ' <(grep -v ' socat\[' <<<"$out") \
		<(sed -n 's/.*received packet with [0-9]* bytes from AF=2 //p' <<<"$out")
}

# check_answers DESC "NAME FROM" lines: rr alternation, each answer from
# the backend that wrote it (one-packet replies are not translated back).
check_answers() {
	local desc=$1 lines=$2 names from name addr
	read -r -a names <<<"$(cut -d' ' -f1 <<<"$lines" | tr '\n' ' ')"
	expect_alternation "$desc" "${names[@]}"
	from=ok
	while read -r name addr; do
		[[ $addr == "${BACKEND_IP[$name]:-x}:9000" ]] || from="$name from $addr"
	done <<<"$lines"
	expect_eq "$desc: each answer comes from its backend's address" ok "$from"
}

svc=$VIP:53
on_director ipvsadm -A -u "$svc" -s rr -o
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -u "$svc" -r "${BACKEND_IP[$b]}:9000" -m
done
show ipvsadm -L -n
expect_match "UDP service listed with ops" "^UDP  $svc rr ops *$" \
	"$(on_director ipvsadm -L -n)"

lines=$(send4 53)
echo "$lines" | sed 's/^/client# /'
check_answers "datagrams of one socket alternate" "$lines"
show ipvsadm -L -c -n
expect_no_match "no connection entry listed" "^UDP " "$(on_director ipvsadm -L -c -n)"
expect_eventually "service Conns counts each datagram" 6 4 ipvs_stat conns "$svc"
expect_eq "service InPkts is 4" 4 "$(ipvs_stat inpkts "$svc")"
for b in "${BACKENDS[@]}"; do
	expect_eq "backend $b: Conns 2, no entry counted" "2 0 0" \
		"$(ipvs_stat conns "$svc" "${BACKEND_IP[$b]}:9000") $(ipvs_conns "$svc" "${BACKEND_IP[$b]}:9000")"
done

# Without -o, the same socket stays on one backend.
on_director ipvsadm -E -u "$svc" -s rr
lines=$(send4 53)
names=$(cut -d' ' -f1 <<<"$lines" | sort -u | tr '\n' ' ')
expect_match "without -o one socket stays on one backend" "^[AB] $" "$names"

# A fwmark service: -o for its UDP, connections for its TCP.
on_director nft add table ip kvstest
on_director nft add chain ip kvstest pre '{ type filter hook prerouting priority mangle; }'
on_director nft add rule ip kvstest pre ip daddr "$VIP" udp dport 54 meta mark set 5
on_director nft add rule ip kvstest pre ip daddr "$VIP" tcp dport 8000 meta mark set 5
on_director ipvsadm -A -f 5 -s rr -o
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -f 5 -r "${BACKEND_IP[$b]}:9000" -m
done
lines=$(send4 54)
echo "$lines" | sed 's/^/client# /'
check_answers "fwmark -o: datagrams of one socket alternate" "$lines"
on_director ipvsadm -d -f 5 -r "${BACKEND_IP[A]}:9000"
on_director ipvsadm -d -f 5 -r "${BACKEND_IP[B]}:9000"
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -f 5 -r "${BACKEND_IP[$b]}" -m
done
r=$(http_get "$NS_CLIENT" "http://$VIP:8000/")
expect_match "fwmark -o: TCP still answered" "^[AB]$" "$r"
show ipvsadm -L -c -n
expect_match "fwmark -o: the TCP connection is listed" \
	"^TCP .* $CLIENT_IP:[0-9]+ +$VIP:8000 +[0-9.]+:8000 *$" "$(on_director ipvsadm -L -c -n)"
