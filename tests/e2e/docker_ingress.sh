#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Docker swarm's routing mesh, as libnetwork sets up its ingress sandbox:
# a firewall-mark service fed by mangle MARK rules (the published port in
# PREROUTING, the service VIP in INPUT), conntrack=1 with the sandbox's
# other IPVS sysctls, and "-t nat -A POSTROUTING -m ipvs --ipvs -d SUBNET
# -j SNAT --to-source IP" (iptables-legacy), toward tasks whose default
# route does not lead back to the director: they answer only because the
# SNAT rule made the director the client.  The match module loads on
# demand; its other options (--vaddr, --vport, --vproto, --vdir,
# --vmethod, --vportctl, and !) count the packets they should, through
# iptables-legacy and iptables-nft; ip6tables (nft) does the same for an
# IPv6 service once.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

vs=net.ipv4.vs
MARK=256
SBOX_IP=$DIRECTOR_BACKEND_IP		# the sandbox's address on ingress
SUBNET=10.0.2.0/24
SUBNET6=fd00:2::/64
INGRESS=$DIRECTOR_CLIENT_IP		# where published ports are reached
PUBLISHED=8080

topo_up
start_http "$PUBLISHED"
# The tasks' default route leads elsewhere (a gateway that is not there).
for b in "${BACKENDS[@]}"; do
	ip -n "${NS_BACKEND[$b]}" route replace default via 10.0.2.254
	ip -n "${NS_BACKEND[$b]}" -6 route replace default via fd00:2::254
done

on_director sysctl -qw $vs.conntrack=1 $vs.conn_reuse_mode=0 \
	$vs.expire_nodest_conn=1 $vs.expire_quiescent_template=1
# The tasks are the service's real servers, port 0: the packet keeps its.
on_director ipvsadm -A -f $MARK -s rr
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -f $MARK -r "${BACKEND_IP[$b]}:0" -m -w 1
done
# A persistent service, for --vportctl (its templates' port is 80).
on_director ipvsadm -A -t "$INGRESS:80" -s rr -p 60
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "$INGRESS:80" -r "${BACKEND_IP[$b]}:$PUBLISHED" -m
done
nat_service -t "[$VIP6]:80" "$PUBLISHED"

ipt=(on_director iptables-legacy)
"${ipt[@]}" -t mangle -A PREROUTING -p tcp --dport $PUBLISHED -j MARK --set-mark $MARK
"${ipt[@]}" -t mangle -A INPUT -d "$VIP/32" -j MARK --set-mark $MARK

match_mod=kvs_xt_ipvs
[[ $KVS_IPVS != intree ]] || match_mod=xt_ipvs
expect_eq "no ipvs match module loaded yet" no \
	"$([[ -d /sys/module/$match_mod ]] && echo yes || echo no)"
check "iptables-legacy: the ingress SNAT rule (-m ipvs --ipvs) loads" \
	"${ipt[@]}" -t nat -A POSTROUTING -m ipvs --ipvs -d $SUBNET -j SNAT --to-source $SBOX_IP
expect_eq "the ipvs match module ($match_mod) was loaded on demand" yes \
	"$([[ -d /sys/module/$match_mod ]] && echo yes || echo no)"

# Counting rules (no target) before the SNAT: what each option matches.
counters() {
	local m=(-t mangle -A POSTROUTING -m ipvs)
	"${ipt[@]}" "${m[@]}" --vaddr "$INGRESS/32" --vport $PUBLISHED --vdir ORIGINAL \
		--vmethod MASQ -m comment --comment c-all &&
	"${ipt[@]}" "${m[@]}" --vmethod GATE -m comment --comment c-gate &&
	"${ipt[@]}" "${m[@]}" --vdir REPLY -m comment --comment c-reply &&
	"${ipt[@]}" "${m[@]}" ! --vaddr "$INGRESS/32" -m comment --comment c-notingress &&
	"${ipt[@]}" "${m[@]}" --vproto tcp --vport $PUBLISHED -m comment --comment c-tcp &&
	"${ipt[@]}" "${m[@]}" --vproto udp -m comment --comment c-udp &&
	"${ipt[@]}" "${m[@]}" --vportctl 80 -m comment --comment c-ctl80 &&
	"${ipt[@]}" "${m[@]}" --vportctl 81 -m comment --comment c-ctl81
}
check "iptables-legacy: rules with every -m ipvs option load" counters
check "iptables-nft: a -m ipvs rule loads" on_director iptables-nft -t mangle -A POSTROUTING \
	-m ipvs --ipvs --vmethod MASQ -d $SUBNET -m comment --comment n-masq
check "ip6tables (nft): the ingress SNAT rule and a counting rule load" on_director sh -c "
	ip6tables -t nat -A POSTROUTING -m ipvs --ipvs -d $SUBNET6 -j SNAT --to-source $DIRECTOR_BACKEND_IP6 &&
	ip6tables -t mangle -A POSTROUTING -m ipvs --vaddr $VIP6/128 --vport 80 --vmethod MASQ -m comment --comment v6"
show iptables-legacy-save
show ipvsadm -L -n

# ---- the routing mesh
expect_rr_http "$NS_CLIENT" "http://$INGRESS:$PUBLISHED/" \
	"the published port alternates over the tasks (answers come back through SNAT)"
expect_rr_http "$NS_CLIENT" "http://$VIP:$PUBLISHED/" \
	"the service VIP (marked in INPUT) alternates over the tasks"
ct=$(on_director conntrack -L -p tcp --orig-dst "$INGRESS" 2>/dev/null || true)
log "$ct"
expect_match "conntrack: the tasks saw the sandbox as the client" \
	"dport=$PUBLISHED src=10\.0\.2\.1[12] dst=$SBOX_IP sport=$PUBLISHED " "$ct"
r=$(http_get "$NS_CLIENT" "http://$INGRESS/")
expect_match "a persistent service answers through SNAT" '^[AB]$' "$r"
expect_rr_http "$NS_CLIENT" "http://[$VIP6]/" "IPv6: the service alternates over the tasks (ip6tables SNAT)"

# pkts TOOL COMMENT: the packet count of the mangle POSTROUTING rule
# with that comment.
pkts() {
	on_director "$1" -t mangle -nvxL POSTROUTING |
		awk -v c="/* $2 */" 'index($0, c) { print $1; exit }'
}
expect_cmp "--vaddr --vport --vdir ORIGINAL --vmethod MASQ: requests counted" \
	"$(pkts iptables-legacy c-all)" -gt 0
expect_cmp "--vmethod GATE: nothing (every dest masquerades)" \
	"$(pkts iptables-legacy c-gate)" -eq 0
expect_cmp "--vdir REPLY: nothing (replies are not requests)" \
	"$(pkts iptables-legacy c-reply)" -eq 0
expect_cmp "! --vaddr: the VIP's requests counted" \
	"$(pkts iptables-legacy c-notingress)" -gt 0
expect_cmp "--vproto tcp --vport: counted" "$(pkts iptables-legacy c-tcp)" -gt 0
expect_cmp "--vproto udp: nothing" "$(pkts iptables-legacy c-udp)" -eq 0
expect_cmp "--vportctl 80: the persistent service's requests counted" \
	"$(pkts iptables-legacy c-ctl80)" -gt 0
expect_cmp "--vportctl 81: nothing" "$(pkts iptables-legacy c-ctl81)" -eq 0
expect_cmp "iptables-nft: --ipvs --vmethod MASQ -d SUBNET counted" \
	"$(pkts iptables-nft n-masq)" -gt 0
expect_cmp "ip6tables: --vaddr --vport --vmethod MASQ counted" "$(pkts ip6tables v6)" -gt 0

done_testing 21
