#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ICMP errors about NAT connections, IPv4 and IPv6: a backend's port
# unreachable reaches the client from the VIP (the client sees
# "Connection refused"); a client's port unreachable about a late reply
# reaches the backend, quoting what the backend sent; the director
# answers an oversize packet with frag needed / packet too big and the
# upload completes by path MTU discovery; an error quoting garbage
# belongs to no connection and is left to the stack, as in-tree leaves it
# (under kvs: not counted as a drop).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_up
# TCP sinks on both families: what they get lands in $WORK/sink-A and -B.
for b in "${BACKENDS[@]}"; do
	bg_start "sink-$b" "${NS_BACKEND[$b]}" \
		socat -u TCP6-LISTEN:8000,fork,reuseaddr "SYSTEM:cat >>$WORK/sink-$b"
done
for b in "${BACKENDS[@]}"; do
	wait_listen "${NS_BACKEND[$b]}" tcp 8000
done
# A UDP server that answers only after its client has given up.
for b in "${BACKENDS[@]}"; do
	bg_start "late-$b" "${NS_BACKEND[$b]}" \
		socat -t 4 UDP6-RECVFROM:9100,fork "SYSTEM:sleep 2; echo late"
done
for b in "${BACKENDS[@]}"; do
	wait_listen "${NS_BACKEND[$b]}" udp 9100
done
udp_warm 9100 6

# dests_inpkts SERVICE DEST...: the sum of the dests' InPkts.
dests_inpkts() {
	local svc=$1 d n sum=0
	shift
	for d; do
		n=$(ipvs_stat inpkts "$svc" "$d")
		[[ $n =~ ^[0-9]+$ ]] || { echo "$d: $n"; return 0; }
		sum=$((sum + n))
	done
	echo "$sum"
}

for fam in 4 6; do
	if [[ $fam == 4 ]]; then
		vip=$VIP
		declare -n rip=BACKEND_IP
	else
		vip="[$VIP6]"
		declare -n rip=BACKEND_IP6
	fi
	wrap() { [[ $fam == 4 ]] && echo "$1" || echo "[$1]"; }
	# Port 5353 balances to a backend port nobody listens on.
	on_director ipvsadm -A -u "$vip:5353" -s rr
	on_director ipvsadm -A -u "$vip:5354" -s rr
	on_director ipvsadm -A -t "$vip:80" -s rr
	for b in "${BACKENDS[@]}"; do
		on_director ipvsadm -a -u "$vip:5353" -r "$(wrap "${rip[$b]}"):9999" -m
		on_director ipvsadm -a -t "$vip:80" -r "$(wrap "${rip[$b]}"):8000" -m
	done
	on_director ipvsadm -a -u "$vip:5354" -r "$(wrap "${rip[A]}"):9100" -m

	log "IPv$fam: port unreachable from a backend"
	for i in 1 2; do
		out=$(echo "query $i" | on_client socat -t 4 -T 4 - "UDP$fam:$vip:5353" 2>&1) || true
		echo "client\$ echo query $i | socat - UDP$fam:$vip:5353   ->   $out"
		expect_match "IPv$fam query $i: the client is refused (ICMP from the backend, via the VIP)" \
			"Connection refused" "$out"
	done
	# The director itself refuses a port of the VIP nobody balances:
	# only the dests' counters show that the queries went through.
	expect_eventually "IPv$fam: the 2 queries reached the dests (their InPkts)" \
		6 2 dests_inpkts "$vip:5353" "$(wrap "${rip[A]}"):9999" \
		"$(wrap "${rip[B]}"):9999"

	unset -n rip

	log "IPv$fam: port unreachable from the client, about a late reply"
	bg_start "dump$fam" "${NS_BACKEND[A]}" timeout 30 tcpdump -c 1 -lnv -i eth0 "icmp or (icmp6 and ip6[40] == 1)"
	sleep 2
	echo "query" | on_client socat -t 0.2 -T 0.2 - "UDP$fam:$vip:5354" || true
	wait_until 10 grep -q "unreachable" "$WORK/dump$fam.log" || true
	dump=$(cat "$WORK/dump$fam.log")
	echo "$dump" | grep -v "^tcpdump\|listening on" || true
	expect_match "IPv$fam: backend A gets the client's port unreachable" \
		"unreachable" "$dump"
	# For IPv4, tcpdump prints the quoted datagram: from backend A's
	# port 9100 (KUnit checks the IPv6 quote).
	if [[ $fam == 4 ]]; then
		expect_match "IPv4: the error quotes the reply as backend A sent it" \
			"${BACKEND_IP[A]}\.9100 > $CLIENT_IP\.[0-9]+: .*UDP" "$dump"
	else
		# (in-tree leaves the ICMPv6 checksum to offload: tcpdump
		# calls it bad)
		expect_match "IPv6: the error reaches backend A" \
			"$CLIENT_IP6 > ${BACKEND_IP6[A]}: .*ICMP6, destination unreachable, unreachable port" "$dump"
	fi

	log "IPv$fam: packets over the MTU toward the backends"
	on_director ip link set dev br mtu 1300
	head -c 200000 /dev/urandom >"$WORK/up$fam"
	check "IPv$fam: 200 kB upload through $vip:80 completes" \
		on_client timeout 60 socat -u "OPEN:$WORK/up$fam" "TCP$fam:$vip:80"
	route=$(on_client ip -"$fam" route get "${vip//[\[\]]/}")
	echo "client\$ ip -$fam route get ${vip//[\[\]]/}: $route"
	expect_match "IPv$fam: the client learnt the path MTU 1300 from the director" \
		"mtu 1300" "$route"
	on_director ip link set dev br mtu 1500
done

# rr may well have sent both to the same backend.
got=$(cat "$WORK"/sink-[AB] | wc -c)
expect_cmp "the backends received both uploads whole (400 kB)" "$got" -eq 400000

# ---- garbage quotes
kvs=
[[ ${KVS_IPVS:-kvs} == kvs ]] && kvs=1
drop() {
	# shellcheck disable=SC2016 # awk program, not shell
	on_director awk -v k="$1" '$1 == k { print $2 }' /proc/net/kvs_stats
}
if [[ -n $kvs ]]; then
	before=$(drop drop_malformed)
	# Port unreachable quoting 2 bytes of an IPv4 header.
	on_client bash -c "printf '\x03\x03\xfc\xb4\x00\x00\x00\x00\x45\x00' | socat -u - IP4-SENDTO:$VIP:1" || true
	sleep 1
	# Destination unreachable quoting an IPv6 header cut at 20 bytes.
	on_client bash -c "printf '\x01\x04\x00\x00\x00\x00\x00\x00\x60\x00\x00\x00\x00\x08\x11\x40\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00' | socat -u - IP6-SENDTO:[$VIP6]:58" || true
	sleep 2
	# In-tree ignores both: they belong to no connection.
	expect_eq "ICMP errors quoting cut headers are left to the stack, not dropped" \
		"$before" "$(drop drop_malformed)"
	show cat /proc/net/kvs_stats
fi
show ipvsadm -L -n --stats
# Per family: 2 refusals, their dests' InPkts, the late error and its
# quote, the upload and the path MTU; then the uploads' bytes, and under
# kvs the 2 malformed quotes counted.
if [[ -n $kvs ]]; then
	done_testing 16
else
	done_testing 15
fi
