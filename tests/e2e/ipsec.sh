#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# AH and ESP follow IKE: over an rr UDP service on port 500 (NAT), each
# of two clients makes its IKE exchange (port 500 to port 500), which
# rr sends to different backends; then that client's ESP and AH packets
# reach the backend of its IKE connection, and no other; ESP from a
# client without an IKE exchange is not balanced.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

CLIENT2_IP=10.0.1.3
topo_up
ip -n "$NS_CLIENT" addr add "$CLIENT2_IP/24" dev eth0
start_udp_name 500
# Each backend logs the ESP (50) and AH (51) packets it receives, IP
# header included (an IPv4 raw socket's view).
for b in "${BACKENDS[@]}"; do
	for p in 50 51; do
		bg_start "raw$p-$b" "${NS_BACKEND[$b]}" socat -u "IP4-RECV:$p" \
			"OPEN:$WORK/raw$p-$b,creat,append"
	done
done

on_director ipvsadm -A -u "$VIP:500" -s rr
on_director ipvsadm -a -u "$VIP:500" -r "${BACKEND_IP[A]}:500" -m
on_director ipvsadm -a -u "$VIP:500" -r "${BACKEND_IP[B]}:500" -m

# ike FROM: one IKE datagram from FROM:500; prints the backend answering.
ike() {
	echo ike | on_client socat -T 2 - \
		"UDP4:$VIP:500,bind=$1:500,reuseaddr" 2>/dev/null || true
}

# send PROTO FROM TEXT: an IPv4 packet of protocol PROTO carrying TEXT.
send() {
	echo "$3" | on_client socat -u - "IP4-SENDTO:$VIP:$1,bind=$2" ||
		true
}

# seen PROTO B TEXT: backend B received TEXT in a PROTO packet.
seen() {
	grep -aq -- "$3" "$WORK/raw$1-$2" 2>/dev/null
}

first=$(ike "$CLIENT_IP")
second=$(ike "$CLIENT2_IP")
log "IKE: $CLIENT_IP on $first, $CLIENT2_IP on $second"
expect_match "IKE of client 1 answered" '^[AB]$' "$first"
expect_match "IKE of client 2 answered" '^[AB]$' "$second"
expect_ne "rr puts the two IKE connections on different backends" \
	"$first" "$second"

for i in 1 2 3; do
	send 50 "$CLIENT_IP" "esp-one-$i"
	send 50 "$CLIENT2_IP" "esp-two-$i"
done
send 51 "$CLIENT_IP" "ah-one"
send 51 "$CLIENT2_IP" "ah-two"
# Not an IKE client: its ESP belongs to no connection.
on_client ip addr add 10.0.1.4/24 dev eth0
send 50 10.0.1.4 "esp-stray"

other() { if [[ $1 == A ]]; then echo B; else echo A; fi; }
if [[ $first =~ ^[AB]$ && $second =~ ^[AB]$ ]]; then
	for i in 1 2 3; do
		check "ESP $i of client 1 reaches $first" \
			wait_until 10 seen 50 "$first" "esp-one-$i"
		check "ESP $i of client 2 reaches $second" \
			wait_until 10 seen 50 "$second" "esp-two-$i"
	done
	check "AH of client 1 reaches $first" wait_until 10 seen 51 "$first" ah-one
	check "AH of client 2 reaches $second" \
		wait_until 10 seen 51 "$second" ah-two
	check_fails "no ESP of client 1 on $(other "$first")" \
		seen 50 "$(other "$first")" esp-one
	check_fails "no ESP of client 2 on $(other "$second")" \
		seen 50 "$(other "$second")" esp-two
fi
check_fails "ESP of a client without IKE reaches no backend" \
	bash -c "grep -aqs esp-stray $WORK/raw50-A $WORK/raw50-B"
show ipvsadm -L -n --stats

done_testing 14
