#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sysctl cache_bypass, with the in-tree meaning (a transparent web cache
# cluster): policy routing delivers marked packets for any address to the
# director, where a firewall-mark service balances them over the caches.
# When no cache can take a new connection, the client is refused
# (cache_bypass 0) or the packets go on to the address they were for, the
# origin server, and the client gets its answer (1), IPv4 and IPv6.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

vs=net.ipv4.vs
ORIGIN=100.100.200.1
ORIGIN6=2001:db8:200::1
topo_up
# The caches: both backends on port 8000.  The origin server: backend A
# also owns the origin addresses, which the director routes to it.
start_http 8000
backend_vip A "$ORIGIN" "$ORIGIN6"
mkdir -p "$WORK/origin"
echo origin >"$WORK/origin/index.html"
bg_start origin "${NS_BACKEND[A]}" busybox httpd -f -p 80 -h "$WORK/origin"
wait_listen "${NS_BACKEND[A]}" tcp 80
on_director ip route add "$ORIGIN/32" via "${BACKEND_IP[A]}"
on_director ip -6 route add "$ORIGIN6/128" via "${BACKEND_IP6[A]}"

# The director marks web requests to the origin and takes them in.
on_director nft -f - <<NFT
table inet kvsbypass {
	chain pre {
		type filter hook prerouting priority -150;
		ip daddr $ORIGIN tcp dport 80 meta mark set 1
		ip6 daddr $ORIGIN6 tcp dport 80 meta mark set 1
	}
}
NFT
for f in -4 -6; do
	on_director ip "$f" rule add fwmark 1 lookup 100
done
on_director ip route add local 0.0.0.0/0 dev lo table 100
on_director ip -6 route add local ::/0 dev lo table 100

on_director ipvsadm -A -f 1 -s rr
on_director ipvsadm -A -f 1 -6 -s rr
on_director ipvsadm -a -f 1 -r "${BACKEND_IP[B]}:8000" -m -w 0
on_director ipvsadm -a -f 1 -6 -r "[${BACKEND_IP6[B]}]:8000" -m -w 0
show ipvsadm -L -n

# tcp_out_rsts: the resets the director's own TCP sent (IPv4 and IPv6
# share the counter).  With nothing on port 80, the director's TCP
# would refuse a marked request IPVS let through with a reset; IPVS
# refuses with ICMP (or, where that cannot leave from the origin's
# address, not at all).
tcp_out_rsts() {
	# shellcheck disable=SC2016 # awk program, not shell
	on_director awk '$1 == "Tcp:" { if (!n++) { for (i = 2; i <= NF; i++)
		if ($i == "OutRsts") c = i } else print $c }' /proc/net/snmp
}

urls=("http://$ORIGIN/" "http://[$ORIGIN6]/")
expect_eq "cache_bypass defaults to 0" 0 "$(on_director sysctl -n $vs.cache_bypass)"
rsts=$(tcp_out_rsts)
for url in "${urls[@]}"; do
	# Refused, or no answer at all where the port unreachable cannot
	# leave from the origin's address.
	out=$(on_client curl -sS --max-time 3 "$url" 2>&1 || true)
	expect_match "cache_bypass 0, no cache available: $url gets no answer" \
		"Connection refused|Couldn't connect|timed out" "$out"
done
expect_eq "cache_bypass 0: IPVS took the requests (the director's TCP sent no reset)" \
	"$rsts" "$(tcp_out_rsts)"

on_director sysctl -qw $vs.cache_bypass=1
for url in "${urls[@]}"; do
	for i in 1 2; do
		expect_eq "cache_bypass 1, no cache available: the origin answers $url ($i)" \
			origin "$(http_get "$NS_CLIENT" "$url")"
	done
done
# (In-tree lists a bypassed flow's connection, to 0.0.0.0:0; kvs makes
# none: not compared.)

# A cache that takes connections again has them, bypass or not: the
# route to a real server does not follow the mark (which the rule above
# would turn back to this host), in-tree's and kvs's alike.
on_director ipvsadm -e -f 1 -r "${BACKEND_IP[B]}:8000" -m -w 1
on_director ipvsadm -e -f 1 -6 -r "[${BACKEND_IP6[B]}]:8000" -m -w 1
for url in "${urls[@]}"; do
	expect_eq "cache_bypass 1, a cache available: it answers $url" \
		B "$(http_get "$NS_CLIENT" "$url")"
done
expect_eventually "the cache counts its IPv4 connection" 6 1 \
	ipvs_stat conns 1 "${BACKEND_IP[B]}:8000"
on_director sysctl -qw $vs.cache_bypass=0
show ipvsadm -L -n -c

on_director nft delete table inet kvsbypass
for f in -4 -6; do
	on_director ip "$f" rule del fwmark 1 lookup 100
	on_director ip "$f" route flush table 100
done
# default, 2 refusals and no reset, 4 bypassed, 2 to the cache and its count
done_testing 11
