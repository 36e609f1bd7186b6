#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The sysctls that change how connections are handled, with the in-tree meaning: conn_reuse_mode (a client reusing a finished connection's port is scheduled afresh, or not with 0), expire_nodest_conn (packets of a removed dest's connection are dropped, or end it with 1; a SYN reusing a quiesced dest's tuple is scheduled afresh whatever conn_reuse_mode, a UDP flow is not), with the settings kube-proxy and Docker use; sloppy_tcp and sloppy_sctp (a mid-stream packet may open a connection).
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

vs=net.ipv4.vs
topo_up
# The client binds the same port again at once: whichever side closed
# first, its own socket must not sit in TIME_WAIT then (curl would fail
# with EADDRINUSE before any packet reached the director).
on_client sysctl -qw net.ipv4.tcp_max_tw_buckets=0
start_http 8000
start_tcp_sink 8001

on_director ipvsadm -A -t "$VIP:80" -s rr
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "$VIP:80" -r "${BACKEND_IP[$b]}:8000" -m
done

# get PORT: the backend that answers a request from client port PORT.
get() {
	on_client curl -sS --max-time 5 --local-port "$1" "http://$VIP/" 2>&1 || true
}

# ---- conn_reuse_mode
expect_eq "conn_reuse_mode defaults to 1" 1 "$(on_director sysctl -n $vs.conn_reuse_mode)"
r1=$(get 41000)
r2=$(get 41000)
log "mode 1: port 41000 twice -> $r1 $r2"
expect_match "mode 1: first request answered" '^[AB]$' "$r1"
expect_match "mode 1: the reused port is answered" '^[AB]$' "$r2"
expect_ne "mode 1: the reused port is scheduled afresh (rr moves on)" "$r1" "$r2"

on_director sysctl -qw $vs.conn_reuse_mode=0
r3=$(get 41001)
r4=$(get 41001)
log "mode 0: port 41001 twice -> $r3 $r4"
expect_match "mode 0: first request answered" '^[AB]$' "$r3"
expect_eq "mode 0: the reused port follows the old connection" "$r3" "$r4"
on_director sysctl -qw $vs.conn_reuse_mode=1

# hold NAME PORT: a client connection to VIP:PORT that sends what is
# written to the fifo $WORK/NAME.in (the caller keeps it open on an fd).
hold() {
	mkfifo "$WORK/$1.in"
	bg_start "$1" "$NS_CLIENT" sh -c "exec nc $VIP $2 <'$WORK/$1.in'"
}

# conn_lines PATTERN: the -Lnc lines matching PATTERN.
conn_lines() {
	on_director ipvsadm -L -n -c | grep -E -- "$1" || true
}

# ---- expire_nodest_conn
svc81=$VIP:81
on_director ipvsadm -A -t "$svc81" -s rr
on_director ipvsadm -a -t "$svc81" -r "${BACKEND_IP[A]}:8001" -m
sink=$(sink_log A)
hold h1 81
exec 3>"$WORK/h1.in"
echo one >&3
expect_eventually "held connection reaches backend A" 10 one cat "$sink"
on_director ipvsadm -d -t "$svc81" -r "${BACKEND_IP[A]}:8001"
echo two >&3
sleep 2
expect_eq "expire_nodest_conn 0: a removed dest gets nothing more" one "$(cat "$sink")"
expect_match "expire_nodest_conn 0: the connection stays" ESTABLISHED \
	"$(conn_lines "${BACKEND_IP[A]}:8001")"
on_director sysctl -qw $vs.expire_nodest_conn=1
echo three >&3
sleep 2
expect_eq "expire_nodest_conn 1: still nothing for the removed dest" one "$(cat "$sink")"
expect_eq "expire_nodest_conn 1: the connection ended" "" \
	"$(conn_lines "ESTABLISHED.*${BACKEND_IP[A]}:8001")"
exec 3>&-

# Still with expire_nodest_conn 1: removing a dest ends its idle
# connections without waiting for their next packet.
svc83=$VIP:83
on_director ipvsadm -A -t "$svc83" -s rr
on_director ipvsadm -a -t "$svc83" -r "${BACKEND_IP[A]}:8001" -m
hold h4 83
exec 6>"$WORK/h4.in"
echo eight >&6
expect_eventually "idle connection to port 83 established" 10 1 \
	sh -c "ipvsadm -L -n -c | grep -c 'ESTABLISHED.*:83 '"
on_director ipvsadm -d -t "$svc83" -r "${BACKEND_IP[A]}:8001"
expect_eventually "expire_nodest_conn 1: a removed dest's idle connection ends" 10 0 \
	sh -c "ipvsadm -L -n -c | grep -c 'ESTABLISHED.*:83 '"
exec 6>&-
on_director sysctl -qw $vs.expire_nodest_conn=0

# ---- kube-proxy's settings: conn_reuse_mode=0, expire_nodest_conn=1.
# As in-tree 6.1, the weight-0 check stands on its own: a SYN reusing
# the tuple of a connection whose dest was quiesced is scheduled afresh
# even with conn_reuse_mode 0; a datagram is never a new connection, so
# a UDP flow stays with its quiesced dest.
svc84=$VIP:84
on_director ipvsadm -A -t "$svc84" -s rr
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "$svc84" -r "${BACKEND_IP[$b]}:8000" -m
done
get84() {
	on_client curl -sS --max-time 5 --local-port "$1" "http://$svc84/" 2>&1 || true
}
# weight SVC BACKEND W [-t|-u]: set a NAT dest's weight.
weight() {
	on_director ipvsadm -e "${5:--t}" "$1" -r "${BACKEND_IP[$2]}:$3" -m -w "$4"
}
other() { [[ $1 == A ]] && echo B || echo A; }
on_director sysctl -qw $vs.conn_reuse_mode=0 $vs.expire_nodest_conn=1
k1=$(get84 42000)
expect_match "kube-proxy settings: first request answered" '^[AB]$' "$k1"
weight "$svc84" "$k1" 8000 0
k2=$(get84 42000)
log "kube-proxy settings: port 42000 before and after quiescing $k1 -> $k1 $k2"
expect_eq "kube-proxy settings: a SYN reusing a quiesced dest's tuple is scheduled afresh" \
	"$(other "$k1")" "$k2"
weight "$svc84" "$k1" 8000 1

start_udp_name 9000
svc_u=$VIP:53
on_director ipvsadm -A -u "$svc_u" -s rr
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -u "$svc_u" -r "${BACKEND_IP[$b]}:9000" -m
done
udp_from() {
	echo x | on_client socat -t 4 -T 4 - "UDP4:$svc_u,sourceport=$1" 2>&1 || true
}
u1=$(udp_from 42100)
expect_match "kube-proxy settings: UDP answered" '^[AB]$' "$u1"
weight "$svc_u" "$u1" 9000 0 -u
u2=$(udp_from 42100)
log "kube-proxy settings: UDP port 42100 before and after quiescing $u1 -> $u1 $u2"
expect_eq "kube-proxy settings: a UDP flow stays with its quiesced dest" "$u1" "$u2"
weight "$svc_u" "$u1" 9000 1 -u

# ---- Docker's: the same and expire_quiescent_template=1, on a
# persistent service: the reused port's SYN is scheduled afresh and its
# client's template to the quiesced dest goes with it.
svc85=$VIP:85
on_director ipvsadm -A -t "$svc85" -s rr -p 60
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "$svc85" -r "${BACKEND_IP[$b]}:8000" -m
done
get85() {
	on_client curl -sS --max-time 5 --local-port "$1" "http://$svc85/" 2>&1 || true
}
on_director sysctl -qw $vs.expire_quiescent_template=1
d1=$(get85 42200)
d2=$(get85 42201)
expect_match "Docker settings: persistent service answered" '^[AB]$' "$d1"
expect_eq "Docker settings: the client's template holds" "$d1" "$d2"
weight "$svc85" "$d1" 8000 0
d3=$(get85 42200)
log "Docker settings: port 42200 before and after quiescing $d1 -> $d1 $d3"
expect_eq "Docker settings: a SYN reusing a quiesced dest's tuple leaves it, template and all" \
	"$(other "$d1")" "$d3"
on_director sysctl -qw $vs.conn_reuse_mode=1 $vs.expire_nodest_conn=0 \
	$vs.expire_quiescent_template=0

# ---- sloppy_tcp: connections idle past a 2 s timeout are forgotten;
# their next packet opens a new one only with sloppy_tcp.
svc82=$VIP:82
on_director ipvsadm -A -t "$svc82" -s rr
on_director ipvsadm -a -t "$svc82" -r "${BACKEND_IP[B]}:8001" -m
on_director ipvsadm --set 2 0 0
hold h2 82
exec 4>"$WORK/h2.in"
echo four >&4
expect_eventually "first held connection counted" 10 1 ipvs_stat conns "$svc82"
expect_eventually "the idle connection is forgotten (2 s timeout)" 10 "" \
	conn_lines "$svc82 "
echo five >&4
sleep 3
expect_eq "sloppy_tcp 0: a mid-stream packet opens nothing" 1 "$(ipvs_stat conns "$svc82")"
exec 4>&-

hold h3 82
exec 5>"$WORK/h3.in"
echo six >&5
expect_eventually "second held connection counted" 10 2 ipvs_stat conns "$svc82"
expect_eventually "the second idle connection is forgotten (2 s timeout)" 10 "" \
	conn_lines "$svc82 "
on_director sysctl -qw $vs.sloppy_tcp=1
echo seven >&5
expect_eventually "sloppy_tcp 1: a mid-stream packet opens a connection" 10 3 \
	ipvs_stat conns "$svc82"
exec 5>&-
on_director sysctl -qw $vs.sloppy_tcp=0
on_director ipvsadm --set 900 0 0

# ---- sloppy_sctp: an SCTP packet whose first chunk is DATA (no INIT
# before it) opens a connection only with sloppy_sctp.  The packet is
# fixed: client port 40000 to 9000, a verification tag, one DATA chunk
# "sctp" and their CRC32c (which covers no address).
sctp_data='\x9c\x40\x23\x28\x01\x02\x03\x04\x10\x19\x7e\x0a\x00\x03\x00\x14\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x73\x63\x74\x70'
send_sctp_data() {
	on_client bash -c "printf '$sctp_data' | socat -u - IP4-SENDTO:$VIP:132"
}
svc_sctp=$VIP:9000
on_director ipvsadm -A --sctp-service "$svc_sctp" -s rr
on_director ipvsadm -a --sctp-service "$svc_sctp" -r "${BACKEND_IP[A]}:9000" -m
expect_eq "sloppy_sctp defaults to 0" 0 "$(on_director sysctl -n $vs.sloppy_sctp)"
bg_start sctpdump "${NS_BACKEND[A]}" timeout 60 tcpdump -ln -i eth0 sctp
wait_until 10 grep -q "listening on" "$WORK/sctpdump.log" || true
send_sctp_data
sleep 2
expect_eq "sloppy_sctp 0: a DATA chunk opens nothing" 0 "$(ipvs_stat conns "$svc_sctp")"
expect_no_match "sloppy_sctp 0: backend A gets nothing" "DATA" "$(cat "$WORK/sctpdump.log")"
on_director sysctl -qw $vs.sloppy_sctp=1
send_sctp_data
expect_eventually "sloppy_sctp 1: a DATA chunk opens a connection" 10 1 \
	ipvs_stat conns "$svc_sctp"
expect_eventually "sloppy_sctp 1: the DATA chunk reaches backend A" 10 0 \
	sh -c "grep -q '$CLIENT_IP\.40000 > ${BACKEND_IP[A]}\.9000: sctp.*DATA' $WORK/sctpdump.log; echo \$?"
show ipvsadm -L -n -c
on_director sysctl -qw $vs.sloppy_sctp=0
done_testing 31
