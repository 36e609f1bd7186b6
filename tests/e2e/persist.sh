#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Persistence: -p keeps a client on one backend, -M groups a client network, a port-0 and a fwmark service keep a client across ports, templates expire, expire_quiescent_template moves a client off a weight-0 backend; PersistConn and templates are listed.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

VIP2=100.100.100.101
CLIENT2_IP=10.0.1.3
CLIENT3_IP=10.0.1.4
topo_up
ip -n "$NS_CLIENT" addr add "$CLIENT2_IP/24" dev eth0
ip -n "$NS_CLIENT" addr add "$CLIENT3_IP/24" dev eth0
on_director ip addr add "$VIP2/32" dev "${TOPO_PREFIX}vip"
start_http 8000
start_http 8001
start_udp_name 9000

# get FROM URL: the backend answering a request from source address FROM.
get() {
	on_client curl -sS --max-time 5 --interface "$1" "$2" 2>&1 || true
}

# requests FROM URL...: the backends answering each URL, from FROM.
requests() {
	local from=$1 u out=()
	shift
	for u in "$@"; do
		out+=("$(get "$from" "$u")")
	done
	echo "${out[*]}"
}

# all_same DESC "R1 R2 ...": all replies equal and a backend name.
all_same() {
	local desc=$1 r first x
	read -r -a r <<<"$2"
	first=${r[0]}
	for x in "${r[@]}"; do
		[[ $x == "$first" && ($x == A || $x == B) ]] || {
			not_ok "$desc ($2)"
			return 0
		}
	done
	ok "$desc ($2)"
}

other() { [[ $1 == A ]] && echo B || echo A; }

conns() { on_director ipvsadm -L -c -n; }
persist_list() { on_director ipvsadm -L -n --persistent-conn; }

# ---- -p on a TCP service: one client, one backend.
svc=$VIP:80
on_director ipvsadm -A -t "$svc" -s rr -p 60
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "$svc" -r "${BACKEND_IP[$b]}:8000" -m
done
show ipvsadm -L -n
expect_match "service listed as persistent 60 s" "^TCP  $svc rr persistent 60 *$" \
	"$(on_director ipvsadm -L -n)"

r1=$(requests "$CLIENT_IP" "http://$VIP/" "http://$VIP/" "http://$VIP/" "http://$VIP/")
all_same "4 connections from $CLIENT_IP land on one backend" "$r1"
b1=${r1%% *}
r2=$(requests "$CLIENT2_IP" "http://$VIP/" "http://$VIP/" "http://$VIP/")
all_same "3 connections from $CLIENT2_IP land on one backend" "$r2"
# rr scheduled once per client: the second client gets the other backend.
expect_eq "the second client is scheduled to the other backend" "$(other "$b1")" "${r2%% *}"

show ipvsadm -L -c -n
list=$(conns)
expect_match "template of $CLIENT_IP listed (client port 0, dest port 8000)" \
	"^TCP +[0-9:]+ +(NONE|ASSURED) +$CLIENT_IP:0 +$svc +${BACKEND_IP[$b1]}:8000 *$" "$list"
expect_match "template of $CLIENT2_IP listed on the other backend" \
	"^TCP +[0-9:]+ +(NONE|ASSURED) +$CLIENT2_IP:0 +$svc +${BACKEND_IP[$(other "$b1")]}:8000 *$" "$list"
expect_eq "7 connections and 2 templates listed" 9 \
	"$(grep -cE '^TCP ' <<<"$list")"
show ipvsadm -L -n --persistent-conn
for b in A B; do
	expect_match "backend $b has PersistConn 1" \
		"^  -> ${BACKEND_IP[$b]}:8000 +1 +1 +0 +[0-9]+ *$" "$(persist_list)"
done

# ---- weight 0: the template holds unless expire_quiescent_template.
on_director ipvsadm -e -t "$svc" -r "${BACKEND_IP[$b1]}:8000" -m -w 0
expect_eq "weight 0: the client stays on its backend by default" "$b1" \
	"$(get "$CLIENT_IP" "http://$VIP/")"
qt=/proc/sys/net/ipv4/vs/expire_quiescent_template
if on_director test -w "$qt"; then
	on_director sysctl -qw net.ipv4.vs.expire_quiescent_template=1
	expect_eq "expire_quiescent_template=1: the client moves" "$(other "$b1")" \
		"$(get "$CLIENT_IP" "http://$VIP/")"
	expect_match "the new template points to the other backend" \
		"^TCP +[0-9:]+ +(NONE|ASSURED) +$CLIENT_IP:0 +$svc +${BACKEND_IP[$(other "$b1")]}:8000 *$" \
		"$(conns)"
	on_director sysctl -qw net.ipv4.vs.expire_quiescent_template=0
else
	not_ok "sysctl $qt present"
fi

# ---- -M 255.255.255.0: the whole client network shares one backend.
svc=$VIP:81
on_director ipvsadm -A -t "$svc" -s rr -p 60 -M 255.255.255.0
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "$svc" -r "${BACKEND_IP[$b]}:8000" -m
done
r=$(requests "$CLIENT_IP" "http://$svc/" "http://$svc/")
r+=" $(requests "$CLIENT2_IP" "http://$svc/" "http://$svc/")"
r+=" $(requests "$CLIENT3_IP" "http://$svc/")"
all_same "-M /24: three clients of 10.0.1.0/24 land on one backend" "$r"
show ipvsadm -L -c -n
list=$(conns)
expect_match "one template for 10.0.1.0" \
	"^TCP +[0-9:]+ +(NONE|ASSURED) +10\.0\.1\.0:0 +$svc +${BACKEND_IP[${r%% *}]}:8000 *$" "$list"
expect_eq "no per-client template on $svc" 1 \
	"$(grep -cE "^TCP .* [0-9.]+:0 +$svc " <<<"$list")"

# ---- port 0: one backend for the client across ports.
on_director ipvsadm -A -t "$VIP2:0" -s rr -p 60
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "$VIP2:0" -r "${BACKEND_IP[$b]}" -m
done
show ipvsadm -L -n
r=$(requests "$CLIENT_IP" "http://$VIP2:8000/" "http://$VIP2:8001/" "http://$VIP2:8000/" "http://$VIP2:8001/")
all_same "port-0 service: ports 8000 and 8001 land on one backend" "$r"
r2=$(requests "$CLIENT2_IP" "http://$VIP2:8001/" "http://$VIP2:8000/")
all_same "port-0 service: a second client too" "$r2"
expect_eq "port-0 service: the second client on the other backend" "$(other "${r%% *}")" "${r2%% *}"
list=$(conns)
expect_match "port-0 template: ports 0" \
	"^TCP +[0-9:]+ +(NONE|ASSURED) +$CLIENT_IP:0 +$VIP2:0 +${BACKEND_IP[${r%% *}]}:0 *$" "$list"
expect_match "port-0 connections keep the port asked for" \
	"^TCP .* $CLIENT_IP:[0-9]+ +$VIP2:8001 +${BACKEND_IP[${r%% *}]}:8001 *$" "$list"
on_director ipvsadm -D -t "$VIP2:0"

# ---- fwmark: marked traffic to two ports of VIP2 persists as one.
on_director nft add table ip kvstest
on_director nft add chain ip kvstest pre '{ type filter hook prerouting priority mangle; }'
on_director nft add rule ip kvstest pre ip daddr "$VIP2" tcp dport '{ 8000, 8001 }' meta mark set 7
on_director ipvsadm -A -f 7 -s rr -p 60
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -f 7 -r "${BACKEND_IP[$b]}" -m
done
r=$(requests "$CLIENT3_IP" "http://$VIP2:8001/" "http://$VIP2:8000/" "http://$VIP2:8001/")
all_same "fwmark service: ports 8000 and 8001 land on one backend" "$r"
show ipvsadm -L -c -n
expect_match "fwmark template: protocol IP, the mark as address" \
	"^IP +[0-9:]+ +(NONE|ASSURED) +$CLIENT3_IP:0 +0\.0\.0\.7:0 +${BACKEND_IP[${r%% *}]}:0 *$" "$(conns)"

# ---- expiry: a UDP template outlives its connection by -p seconds only.
on_director ipvsadm --set 0 0 2
svc=$VIP:53
on_director ipvsadm -A -u "$svc" -s rr -p 4
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -u "$svc" -r "${BACKEND_IP[$b]}:9000" -m
done
udp_query() {
	echo "q" | on_client socat -T 2 - "UDP4-DATAGRAM:$VIP:53,bind=$1" 2>/dev/null | head -n1
}
u=$(udp_query "$CLIENT_IP")
expect_match "UDP query answered by a backend" "^[AB]$" "$u"
expect_eq "a second query from $CLIENT_IP goes to the same backend" "$u" "$(udp_query "$CLIENT_IP")"
tpl_re="^UDP +[0-9:]+ +(NONE|ASSURED) +$CLIENT_IP:0 +$svc +${BACKEND_IP[$u]:-x}:9000 *$"
expect_match "UDP template listed, ASSURED by the answer" \
	"^UDP +[0-9:]+ +ASSURED +$CLIENT_IP:0 +$svc " "$(conns)"
expect_eventually "UDP template gone within 10 s" 10 0 \
	on_director bash -c "ipvsadm -L -c -n | grep -cE '$tpl_re' || true"
expect_match "PersistConn back to 0 on backend $u" \
	"^  -> ${BACKEND_IP[$u]:-x}:9000 +1 +0 +0 +0 *$" "$(persist_list)"
done_testing 27
