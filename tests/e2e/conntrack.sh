#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Conntrack hygiene on a director where conntrack runs (a stateful rule
# is loaded).  With sysctl conntrack=0 (the default) 1,000 NAT
# connections leave no conntrack entry at all: requests and the real
# servers' replies are both untracked.  With conntrack=1 each live
# connection has one entry, the client's, whose reply is the real
# server's (so ct state and ct mark rules see the real servers' answers
# as the connection's replies), and the entry goes when the connection
# expires.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

load=$(dirname "$0")/e2e-bin/kvs_load
[[ -x $load ]] || { not_ok "$load built (make e2e-bins)"; exit 1; }
vs=net.ipv4.vs

topo_up
for b in "${BACKENDS[@]}"; do
	bg_start "crr-$b" "${NS_BACKEND[$b]}" "$load" server 8000 2
	# A sink that keeps every connection it accepts open.
	bg_start "hold-$b" "${NS_BACKEND[$b]}" socat -u TCP-LISTEN:8001,fork,reuseaddr /dev/null
done
for b in "${BACKENDS[@]}"; do
	wait_listen "${NS_BACKEND[$b]}" tcp 8000
	wait_listen "${NS_BACKEND[$b]}" tcp 8001
done
check "a stateful rule loads (conntrack runs in the director)" \
	on_director iptables -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT

# entries: the conntrack entries that involve the VIP or a backend.
entries() {
	on_director conntrack -L 2>/dev/null |
		grep -cE "$VIP|${BACKEND_IP[A]}|${BACKEND_IP[B]}" || true
}

# ---- conntrack=0: 1,000 connections, no entry
nat_service -t "$VIP:80" 8000
total=0
for _ in $(seq 10); do
	out=$(on_client "$load" crr "$VIP:80" 4 2 || true)
	log "kvs_load crr: $out"
	n=$(awk '{ print $2 }' <<<"$out")
	total=$((total + ${n:-0}))
	((total < 1000)) || break
done
expect_cmp "1,000 NAT connections completed" "$total" -ge 1000
# ipvs_conns_ge N: the service counted at least N connections.
ipvs_conns_ge() {
	local c
	c=$(ipvs_stat conns "$VIP:80")
	[[ $c =~ ^[0-9]+$ ]] && ((c >= $1))
}
check "the director balanced them" wait_until 10 ipvs_conns_ge "$total"
show conntrack -C
expect_eq "conntrack=0: no conntrack entry for them" 0 "$(entries)"

# ---- conntrack=1: one entry per live connection
on_director sysctl -qw $vs.conntrack=1
# Idle connections expire after 15 s, their entries with them.
on_director ipvsadm --set 15 0 0
on_director iptables -t mangle -A PREROUTING -d "$VIP" -p tcp --dport 81 \
	-j CONNMARK --set-mark 7
on_director iptables -A FORWARD -m connmark --mark 7 -m comment --comment ct-mark
on_director iptables -A FORWARD -m conntrack --ctstate ESTABLISHED --ctdir REPLY \
	--ctorigdst "$VIP" -m comment --comment ct-reply
nat_service -t "$VIP:81" 8001
for i in 1 2 3; do
	mkfifo "$WORK/h$i.in"
	bg_start "h$i" "$NS_CLIENT" sh -c "exec nc $VIP 81 <'$WORK/h$i.in'"
done
exec 3>"$WORK/h1.in" 4>"$WORK/h2.in" 5>"$WORK/h3.in"
echo one >&3
echo two >&4
echo three >&5
# live: the entries of the client's connections to VIP:81.
live() {
	on_director conntrack -L -p tcp --orig-dst "$VIP" --orig-port-dst 81 2>/dev/null || true
}
expect_eventually "conntrack=1: one entry per live connection" 10 3 \
	on_director sh -c "conntrack -L -p tcp --orig-dst $VIP --orig-port-dst 81 2>/dev/null | grep -c ESTABLISHED"
ct=$(live)
log "$ct"
expect_eq "each entry's reply is the real server's" 3 \
	"$(grep -cE "src=10\.0\.2\.1[12] dst=$CLIENT_IP sport=8001 " <<<"$ct" || true)"
# rule_pkts COMMENT: the packets of the filter FORWARD rule of that comment.
rule_pkts() {
	on_director iptables -nvxL FORWARD | awk -v c="/* $1 */" 'index($0, c) { print $1; exit }'
}
expect_cmp "ct mark: the real servers' replies carry the connection's mark" \
	"$(rule_pkts ct-mark)" -gt 0
expect_cmp "ct state: the real servers' replies are the connection's replies" \
	"$(rule_pkts ct-reply)" -gt 0
expect_eventually "the entries go when the connections expire" 40 0 \
	on_director sh -c "conntrack -L -p tcp --orig-dst $VIP --orig-port-dst 81 2>/dev/null | wc -l"
exec 3>&- 4>&- 5>&-

done_testing 9
