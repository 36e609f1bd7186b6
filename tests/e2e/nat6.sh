#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# NAT over IPv6: TCP and UDP rr services on [VIP6] alternate over two
# backends; random payloads cross the VIP intact both ways (cmp on the
# other side); replies come from the VIP; counters and the connection
# list (IPv6 lines of /proc/net/ip_vs_conn) follow.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

tsvc="[$VIP6]:80"
VIP6_FULL=2001:0db8:0000:0000:0000:0000:0000:0100
usvc="[$VIP6]:53"
topo_up
start_http 8000
start_udp_name 9000 6

nat_service -t "$tsvc" 8000
nat_service -u "$usvc" 9000
list=$(on_director ipvsadm -L -n)
show ipvsadm -L -n
expect_match "TCP service listed with rr" "^TCP  \[$VIP6\]:80 rr *$" "$list"
expect_match "UDP service listed with rr" "^UDP  \[$VIP6\]:53 rr *$" "$list"
for b in "${BACKENDS[@]}"; do
	expect_match "backend $b listed as Masq" \
		"^  -> \[${BACKEND_IP6[$b]}\]:8000 +Masq +1 +0 +0 *$" "$list"
done

# ---- TCP: HTTP requests alternate
expect_rr_http "$NS_CLIENT" "http://[$VIP6]/" \
	"four HTTP requests through [VIP6] alternate"

# ---- TCP: a random upload to each backend arrives intact
head -c 300000 /dev/urandom >"$WORK/up"
for b in "${BACKENDS[@]}"; do
	bg_start "up-$b" "${NS_BACKEND[$b]}" \
		socat -u TCP6-LISTEN:8001,reuseaddr "OPEN:$WORK/got-$b,creat,trunc"
done
for b in "${BACKENDS[@]}"; do
	wait_listen "${NS_BACKEND[$b]}" tcp 8001
done
nat_service -t "[$VIP6]:81" 8001
for i in 1 2; do
	check "upload $i of 300 kB through [VIP6]:81" \
		on_client socat -u "OPEN:$WORK/up" "TCP6:[$VIP6]:81"
done
for b in "${BACKENDS[@]}"; do
	# The sink may still be writing when the client is done.
	wait_until 10 cmp -s "$WORK/up" "$WORK/got-$b" || true
	check "backend $b received the upload byte for byte" cmp "$WORK/up" "$WORK/got-$b"
done

# ---- TCP: a random download from a backend arrives intact
head -c 500000 /dev/urandom >"$WORK/${TOPO_PREFIX}www-A/blob"
cp "$WORK/${TOPO_PREFIX}www-A/blob" "$WORK/${TOPO_PREFIX}www-B/blob"
for i in 1 2; do
	on_client curl -sS --max-time 20 -o "$WORK/down-$i" "http://[$VIP6]/blob" || true
	check "download $i of 500 kB through [VIP6] is intact" \
		cmp "$WORK/${TOPO_PREFIX}www-A/blob" "$WORK/down-$i"
done

# ---- UDP: queries alternate, replies come from the VIP
replies=()
for i in 1 2 3 4; do
	# -t: the reply may take a while under emulation (fork, exec).
	out=$(echo "query $i" | on_client socat -d -d -t 3 -T 3 - "UDP6-DATAGRAM:[$VIP6]:53" 2>&1) || true
	r=$(grep -v ' socat\[' <<<"$out" | head -n1) || true
	# socat prints the source in full: [2001:0db8:...:0100]:53
	from=$(sed -n 's/.*received packet with [0-9]* bytes from AF=10 //p' <<<"$out" | head -n1)
	echo "client\$ echo query $i | socat - UDP6-DATAGRAM:[$VIP6]:53   ->   $r (from $from)"
	[[ -n $r ]] || log "socat said: $out"
	replies+=("$r")
	expect_eq "UDP reply $i comes from the VIP" "[$VIP6_FULL]:53" "$from"
done
expect_alternation "four UDP queries through [VIP6] alternate" "${replies[@]}"

# ---- UDP: a random datagram is echoed back intact
for b in "${BACKENDS[@]}"; do
	bg_start "echo-$b" "${NS_BACKEND[$b]}" socat -t 2 UDP6-RECVFROM:9001,fork PIPE
done
udp_warm 9001 6
nat_service -u "[$VIP6]:54" 9001
head -c 1200 /dev/urandom >"$WORK/dgram"
for i in 1 2; do
	# A connected socket: only a reply from [VIP6]:54 is taken.
	on_client socat -t 5 -T 5 - "UDP6:[$VIP6]:54" <"$WORK/dgram" >"$WORK/echo-$i" || true
	check "datagram $i of 1200 random bytes echoed back intact" \
		cmp "$WORK/dgram" "$WORK/echo-$i"
done
for b in "${BACKENDS[@]}"; do
	expect_eq "backend $b echoed one datagram: Conns InPkts OutPkts 1 1 1" \
		"1 1 1" "$(ipvs_stats "[$VIP6]:54" "[${BACKEND_IP6[$b]}]:9001" | cut -d' ' -f1-3)"
done

# ---- counters and the connection list
expect_eventually "TCP service Conns counts the 6 connections" 6 6 \
	ipvs_stat conns "$tsvc"
expect_eventually "UDP service Conns counts the 4 queries" 6 4 \
	ipvs_stat conns "$usvc"
show ipvsadm -L -n --stats
read -r _ inpkts outpkts inbytes outbytes <<<"$(ipvs_stats "$tsvc")"
expect_cmp "TCP InPkts moved" "$inpkts" -ge 6
expect_cmp "TCP OutBytes moved past the 1 MB downloaded" "$outbytes" -gt 1000000
expect_cmp "TCP InBytes moved" "$inbytes" -gt 0
expect_cmp "TCP OutPkts moved" "$outpkts" -ge 6
read -r _ inpkts _ inbytes _ <<<"$(ipvs_stats "[$VIP6]:81")"
expect_cmp "upload service InBytes moved past the 600 kB uploaded" "$inbytes" -gt 600000
for b in "${BACKENDS[@]}"; do
	expect_eq "UDP backend $b: Conns InPkts OutPkts are 2 2 2" "2 2 2" \
		"$(ipvs_stats "$usvc" "[${BACKEND_IP6[$b]}]:9000" | cut -d' ' -f1-3)"
done
conns=$(on_director ipvsadm -L -n -c)
show ipvsadm -L -n -c
expect_match "connection list shows IPv6 TCP entries" \
	"^TCP .* \[$CLIENT_IP6\]:[0-9]+ +\[$VIP6\]:80 +\[fd00:2::1[12]\]:8000" "$conns"
expect_match "connection list shows IPv6 UDP entries" \
	"^UDP .* \[$CLIENT_IP6\]:[0-9]+ +\[$VIP6\]:53 +\[fd00:2::1[12]\]:9000" "$conns"
done_testing 31
