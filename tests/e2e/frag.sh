#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fragments, as production sees them (large DNS answers): a 3,000-byte UDP request and a 3,000-byte reply, each fragmented by its sender, cross the VIP whole by NAT, direct routing and an IPIP tunnel, over IPv4 and IPv6; an overlapping and a truncated IPv4 train from a real server are dropped by the director, counted in its IP reassembly counters (ReasmFails), and the client sees none of it.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

PORT=7000
declare -A FWD=([nat]="-m" [dr]="-g" [ipip]="-i")
PAYLOAD=$WORK/payload
head -c 3000 /dev/urandom >"$PAYLOAD"

topo_up
director_dr_router
backend_vip A "$VIP" "$VIP6"
backend_decap A
start_echo remote-A "${NS_BACKEND[A]}" "$PORT" "${BACKEND_IP[A]}" "$VIP" \
	"${BACKEND_IP6[A]}" "$VIP6"

# row METHOD FAM: one UDP service, real server A, 3,000 bytes there and
# back, compared on both sides.
row() {
	local m=$1 fam=$2 vip=$VIP rip=${BACKEND_IP[A]} svc log before got
	local tag="$m IPv$fam" conns=1
	svc=$vip:$PORT
	if [[ $fam == 6 ]]; then
		vip=$VIP6
		rip="[${BACKEND_IP6[A]}]"
		svc="[$vip]:$PORT"
	fi
	on_director ipvsadm -R <<-EOT
		-C
		-A -u $svc -s rr
		-a -u $svc -r $rip:$PORT ${FWD[$m]}
	EOT
	log=$(echo_log remote-A)
	before=$(stat -c %s "$log")
	got=$WORK/got
	echo_through udp "$vip" "$PORT" "$PAYLOAD" >"$got" 2>/dev/null || true
	# IPv6 inside IPv6: the client's 1,500-byte fragments do not fit
	# the tunnel, the director answers packet too big (as in-tree), the
	# datagram is lost and the client's next one, cut to the tunnel's
	# MTU, goes through: as a DNS client retries.
	if [[ $m == ipip && $fam == 6 ]] && ! cmp -s "$PAYLOAD" "$got"; then
		expect_match "$tag: the client learned the tunnel's MTU" "mtu 1460" \
			"$(on_client ip -6 route get "$vip")"
		before=$(stat -c %s "$log")
		echo_through udp "$vip" "$PORT" "$PAYLOAD" >"$got" 2>/dev/null || true
		conns=2
	fi
	if wait_until 5 _size_ge "$log" $((before + 3000)) &&
		tail -c +$((before + 1)) "$log" | cmp -s - "$PAYLOAD"; then
		ok "$tag: the 3,000-byte request reached the real server whole"
	else
		not_ok "$tag: the 3,000-byte request reached the real server whole" \
			"its log grew from $before to $(stat -c %s "$log") bytes"
	fi
	if cmp -s "$PAYLOAD" "$got"; then
		ok "$tag: the 3,000-byte reply reached the client whole"
	else
		not_ok "$tag: the 3,000-byte reply reached the client whole" \
			"got $(stat -c %s "$got") bytes"
		show ipvsadm -L -n --stats
	fi
	# In-tree 6.1 publishes its counters with the 2 s estimator tick.
	check "$tag: $conns connection(s) counted" \
		wait_until 5 conns_counted "$svc" "$conns"
}

# conns_counted SVC N: the service's Conns counter reads N.
conns_counted() {
	[[ $(ipvs_stat conns "$1") == "$2" ]]
}

for fam in 4 6; do
	for m in nat dr ipip; do
		row "$m" "$fam"
	done
done

# mib NS TABLE FIELD FILE: an IP counter of /proc/net/snmp ("Ip") or
# /proc/net/netstat ("IpExt") in namespace NS.
mib() {
	# shellcheck disable=SC2016 # awk program, not shell
	run_in "$1" awk -v t="$2:" -v f="$3" '$1 == t {
		if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; next }
		print $c[f]; exit }' "/proc/net/$4"
}

# mib_above NS TABLE FIELD FILE N: that counter is above N.
mib_above() {
	(($(mib "$1" "$2" "$3" "$4") > $5))
}

# frag ID FLAGS_OFFSET PAYLOAD: one IPv4 fragment of UDP from real
# server A to the client, its header written by hand (IP_HDRINCL; the
# kernel fills in the length and the checksum), sent from A.  ID and
# FLAGS_OFFSET are 4 hex digits, PAYLOAD printf escapes.
frag() {
	local hdr
	hdr="\\x45\\x00\\x00\\x00\\x${1:0:2}\\x${1:2:2}\\x${2:0:2}\\x${2:2:2}"
	hdr+="\\x40\\x11\\x00\\x00\\x0a\\x00\\x02\\x0b\\x0a\\x00\\x01\\x02"
	on_backend A bash -c "printf '$hdr$3' |
		socat -u - IP4-SENDTO:$CLIENT_IP:17,setsockopt-int=0:3:1" || true
}

# A NAT service: the director balances (in-tree hooks in only then).
on_director ipvsadm -R <<EOT
-C
-A -u $VIP:$PORT -s rr
-a -u $VIP:$PORT -r ${BACKEND_IP[A]}:$PORT -m
EOT
on_director sysctl -qw net.ipv4.ipfrag_time=2
udp8='\x1b\x58\xaf\xc8\x00\x28\x00\x00' # 7000 -> 45000, length 40
data8='\x64\x61\x74\x61\x64\x61\x74\x61'
c_reqds=$(mib "$NS_CLIENT" Ip ReasmReqds snmp)
d_fails=$(mib "$NS_DIRECTOR" Ip ReasmFails snmp)
# Overlapping: bytes 8-15 twice, then the last piece.
frag 4242 2000 "$udp8$data8"
frag 4242 2001 "$data8$data8"
frag 4242 0003 "$data8$data8"
# Truncated: a first piece whose rest never comes.
frag 4343 2000 "$udp8$data8"
check "director: both trains dropped and counted (ReasmFails up by 2)" \
	wait_until 10 mib_above "$NS_DIRECTOR" Ip ReasmFails snmp $((d_fails + 1))
show grep -E '^Ip(Ext)?:' /proc/net/snmp /proc/net/netstat
expect_eq "client: no fragment of either train reached it" "$c_reqds" \
	"$(mib "$NS_CLIENT" Ip ReasmReqds snmp)"
show ipvsadm -L -n --stats

done_testing 21
