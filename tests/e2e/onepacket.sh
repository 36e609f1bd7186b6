#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One-packet scheduling (-o): datagrams from one UDP socket are each scheduled (rr alternates), no connection entry is kept, Conns counts each datagram; a fwmark -o service does the same for UDP while its TCP keeps connections.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_up
start_udp_name 9000
start_http 8000

# send4 PORT: four datagrams from ONE socket to VIP:PORT; prints "NAME
# FROM" for each answer (FROM: the address it came from).  They go 1.5 s
# apart: a backend's socat hands each datagram to a child bound to the
# sender's port until it exits, and that child drops a second datagram.
send4() {
	local out
	out=$( (for i in 1 2 3 4; do echo "q$i"; sleep 1.5; done) |
		on_client socat -d -d -T 4 - "UDP4-DATAGRAM:$VIP:$1" 2>&1) || true
	paste -d' ' <(grep -v ' socat\[' <<<"$out") \
		<(sed -n 's/.*received packet with [0-9]* bytes from AF=2 //p' <<<"$out")
}

# check_answers DESC "NAME FROM" lines: the answers to one socket come
# from both backends, each from the address of the backend that wrote it
# (one-packet replies are not translated back, as in-tree).  Not all four
# need come back: a slow backend may miss one (see send4).
check_answers() {
	local desc=$1 lines=$2 bad='' seen='' n=0 name addr
	while read -r name addr; do
		[[ -n $name ]] || continue
		n=$((n + 1))
		[[ $addr == "${BACKEND_IP[$name]:-x}:9000" ]] || bad="answer $n: $name from $addr"
		[[ $seen == *"$name"* ]] || seen+=$name
	done <<<"$lines"
	[[ ${#seen} == 2 ]] || bad="answers only from '$seen'"
	if [[ -z $bad ]]; then
		ok "$desc ($n answers)"
	else
		not_ok "$desc" "$bad" "$lines"
	fi
}

svc=$VIP:53
on_director ipvsadm -A -u "$svc" -s rr -o
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -u "$svc" -r "${BACKEND_IP[$b]}:9000" -m
done
show ipvsadm -L -n
expect_match "UDP service listed with ops" "^UDP  $svc rr ops *$" \
	"$(on_director ipvsadm -L -n)"

# Four datagrams from one socket (bash's /dev/udp): each is scheduled.
on_client bash -c "exec 3>/dev/udp/$VIP/53; for i in 1 2 3 4; do echo q\$i >&3; sleep 0.2; done"
expect_eventually "service Conns counts each datagram" 6 4 ipvs_stat conns "$svc"
expect_eq "service InPkts is 4" 4 "$(ipvs_stat inpkts "$svc")"
for b in "${BACKENDS[@]}"; do
	expect_eq "backend $b: Conns 2, no entry counted" "2 0 0" \
		"$(ipvs_stat conns "$svc" "${BACKEND_IP[$b]}:9000") $(ipvs_conns "$svc" "${BACKEND_IP[$b]}:9000")"
done
show ipvsadm -L -c -n
expect_no_match "no connection entry listed" "^UDP " "$(on_director ipvsadm -L -c -n)"

# The answers: from both backends, untranslated.
lines=$(send4 53)
echo "$lines" | sed 's/^/client# /'
check_answers "answers to one socket come from both backends" "$lines"

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
on_client bash -c "exec 3>/dev/udp/$VIP/54; for i in 1 2 3 4; do echo q\$i >&3; sleep 0.2; done"
expect_eventually "fwmark -o: Conns counts each datagram" 6 4 ipvs_stat conns 5
for b in "${BACKENDS[@]}"; do
	expect_eq "fwmark -o: backend $b: Conns 2, no entry counted" "2 0 0" \
		"$(ipvs_stat conns 5 "${BACKEND_IP[$b]}:9000") $(ipvs_conns 5 "${BACKEND_IP[$b]}:9000")"
done
expect_no_match "fwmark -o: no UDP entry for port 54" "^UDP .* $VIP:54 " \
	"$(on_director ipvsadm -L -c -n)"
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
done_testing 14
