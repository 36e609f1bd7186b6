#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The sysctls about ICMP, with the in-tree meaning: nat_icmp_send (a NAT real server's packet that belongs to no connection earns it a port unreachable, IPv4 and IPv6, unless it is a TCP RST), schedule_icmp (an ICMP error about a reply no connection knows is scheduled to a real server).
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

vs=net.ipv4.vs
topo_up

on_director ipvsadm -A -u "$VIP:5300" -s rr
on_director ipvsadm -a -u "$VIP:5300" -r "${BACKEND_IP[A]}:9000" -m
on_director ipvsadm -A -u "[$VIP6]:5300" -s rr
on_director ipvsadm -a -u "[$VIP6]:5300" -r "[${BACKEND_IP6[A]}]:9000" -m
on_director ipvsadm -A -t "$VIP:80" -s rr
on_director ipvsadm -a -t "$VIP:80" -r "${BACKEND_IP[A]}:8000" -m

# What backend A and the client see, all test long.
bg_start dump-a "${NS_BACKEND[A]}" timeout 120 tcpdump -lnv -i eth0 "icmp or (icmp6 and ip6[40] == 1)"
bg_start dump-c "$NS_CLIENT" timeout 120 tcpdump -ln -i eth0 "udp or tcp portrange 5000-5010"
wait_until 10 grep -q "listening on" "$WORK/dump-a.log" || true
wait_until 10 grep -q "listening on" "$WORK/dump-c.log" || true
# The client takes UDP on ports 5000-5002, so that it does not answer
# with port unreachables of its own.
for port in 5000 5001 5002; do
	bg_start "recv$port" "$NS_CLIENT" socat -u "UDP6-RECV:$port,ipv6only=0" -
done
wait_listen "$NS_CLIENT" udp 5002

# from_a FAMILY CLIENT-PORT: backend A sends a datagram from its port
# 9000, a dest of the UDP services, to the client, which never asked.
from_a() {
	if [[ $1 == 4 ]]; then
		on_backend A socat -u - "UDP4-SENDTO:$CLIENT_IP:$2,sourceport=9000" <<<hello
	else
		on_backend A socat -u - "UDP6-SENDTO:[$CLIENT_IP6]:$2,sourceport=9000" <<<hello
	fi
}
# tcp_from_a BYTES: backend A sends this TCP segment to the client.
tcp_from_a() {
	on_backend A bash -c "printf '$1' | socat -u - IP4-SENDTO:$CLIENT_IP:6"
}
# From backend A's port 8000 (a dest of $VIP:80), an ACK to client
# port 5003 and a RST to 5004, with their checksums.
ack_5003='\x1f\x40\x13\x8b\x00\x00\x00\x01\x00\x00\x00\x01\x50\x10\x00\x00\x65\xfb\x00\x00'
rst_5004='\x1f\x40\x13\x8c\x00\x00\x00\x01\x00\x00\x00\x00\x50\x04\x00\x00\x66\x07\x00\x00'
seen_a() { grep -Ec -- "$1" "$WORK/dump-a.log" || true; }
seen_c() { grep -Ec -- "$1" "$WORK/dump-c.log" || true; }

# ---- nat_icmp_send
expect_eq "nat_icmp_send defaults to 0" 0 "$(on_director sysctl -n $vs.nat_icmp_send)"
from_a 4 5000
from_a 6 5000
tcp_from_a "$ack_5003"
expect_eventually "nat_icmp_send 0: the client gets backend A's IPv4 datagram" 10 1 \
	seen_c "${BACKEND_IP[A]}\.9000 > $CLIENT_IP\.5000: UDP"
expect_eventually "nat_icmp_send 0: the client gets backend A's IPv6 datagram" 10 1 \
	seen_c "${BACKEND_IP6[A]}\.9000 > $CLIENT_IP6\.5000: UDP"
expect_eventually "nat_icmp_send 0: the client gets backend A's ACK" 10 1 \
	seen_c "${BACKEND_IP[A]}\.8000 > $CLIENT_IP\.5003: Flags \[\.\]"
sleep 1
expect_eq "nat_icmp_send 0: backend A hears no unreachable" 0 \
	"$(seen_a "unreachable")"

on_director sysctl -qw $vs.nat_icmp_send=1
from_a 4 5001
from_a 6 5001
tcp_from_a "$ack_5003"
tcp_from_a "$rst_5004"
expect_eventually "nat_icmp_send 1: backend A gets port unreachable for its IPv4 datagram" 10 1 \
	seen_a "ICMP $CLIENT_IP udp port 5001 unreachable"
expect_eventually "nat_icmp_send 1: backend A gets port unreachable for its IPv6 datagram" 10 1 \
	seen_a "unreachable port, $CLIENT_IP6 udp port 5001"
expect_eventually "nat_icmp_send 1: backend A gets port unreachable for its ACK" 10 1 \
	seen_a "ICMP $CLIENT_IP tcp port 5003 unreachable"
expect_eventually "nat_icmp_send 1: backend A's RST still reaches the client" 10 1 \
	seen_c "${BACKEND_IP[A]}\.8000 > $CLIENT_IP\.5004: Flags \[R\]"
expect_eq "nat_icmp_send 1: the client gets none of the datagrams" 0 \
	"$(seen_c "> ($CLIENT_IP|$CLIENT_IP6)\.5001:")"
expect_eq "nat_icmp_send 1: the client gets the ACK no more" 1 \
	"$(seen_c "> $CLIENT_IP\.5003: Flags \[\.\]")"
expect_eq "nat_icmp_send 1: no unreachable for the RST" 0 \
	"$(seen_a "tcp port 5004 unreachable")"
# A packet from another port of backend A is none of IPVS's business.
on_backend A socat -u - "UDP4-SENDTO:$CLIENT_IP:5002,sourceport=9001" <<<hello
expect_eventually "nat_icmp_send 1: a datagram from a port no service uses goes through" 10 1 \
	seen_c "${BACKEND_IP[A]}\.9001 > $CLIENT_IP\.5002: UDP"
on_director sysctl -qw $vs.nat_icmp_send=0

# ---- schedule_icmp: the client sends port unreachable about a
# datagram from $VIP:5300 to its port 6000 (then 6001) that no
# connection knows: a fixed ICMP message, checksums included.
quote_6000='\x03\x03\xd0\xcb\x00\x00\x00\x00\x45\x00\x00\x21\x00\x00\x00\x00\x40\x11\xa7\x02\x64\x64\x64\x64\x0a\x00\x01\x02\x14\xb4\x17\x70\x00\x0d\x00\x00'
quote_6001='\x03\x03\xd0\xca\x00\x00\x00\x00\x45\x00\x00\x21\x00\x00\x00\x00\x40\x11\xa7\x02\x64\x64\x64\x64\x0a\x00\x01\x02\x14\xb4\x17\x71\x00\x0d\x00\x00'
icmp_to_vip() {
	on_client bash -c "printf '$1' | socat -u - IP4-SENDTO:$VIP:1"
}
expect_eq "schedule_icmp defaults to 0" 0 "$(on_director sysctl -n $vs.schedule_icmp)"
icmp_to_vip "$quote_6000"
sleep 2
expect_eq "schedule_icmp 0: the error schedules nothing" 0 "$(ipvs_stat conns "$VIP:5300")"
expect_eq "schedule_icmp 0: backend A gets no error" 0 "$(seen_a "udp port 6000 unreachable")"

on_director sysctl -qw $vs.schedule_icmp=1
icmp_to_vip "$quote_6001"
expect_eventually "schedule_icmp 1: the error makes a connection" 10 1 \
	ipvs_stat conns "$VIP:5300"
expect_eventually "schedule_icmp 1: backend A gets the error" 10 1 \
	seen_a "$CLIENT_IP > ${BACKEND_IP[A]}: ICMP $CLIENT_IP udp port 6001 unreachable"
expect_eventually "schedule_icmp 1: the error quotes backend A's port 9000" 10 1 \
	seen_a "${BACKEND_IP[A]}\.9000 > $CLIENT_IP\.6001:"
expect_eventually "schedule_icmp 1: the connection lasts seconds, with no packet of its own" 10 "" \
	sh -c "ipvsadm -L -n -c | grep ':6001 '"
on_director sysctl -qw $vs.schedule_icmp=0

show ipvsadm -L -n -c
echo "backend A's capture:"
grep -v "^tcpdump\|listening on" "$WORK/dump-a.log" || true
done_testing 20
