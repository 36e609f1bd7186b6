#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Firewall-mark services (ipvsadm -A -f MARK, and -6): packets an nftables
# prerouting rule marks are balanced by their mark, IPv4 and IPv6, two
# ports under one mark, rr alternation; unmarked packets are not; the
# listings, counters and ipvsadm-save output are the in-tree ones.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_up
start_http 8000

# Mark 1: TCP to the VIP on ports 80 and 81; mark 2: TCP to [VIP6]:80.
on_director nft -f - <<NFT
table ip kvsmark {
	chain pre {
		type filter hook prerouting priority -150;
		ip daddr $VIP tcp dport { 80, 81 } meta mark set 1
	}
}
table ip6 kvsmark6 {
	chain pre {
		type filter hook prerouting priority -150;
		ip6 daddr $VIP6 tcp dport 80 meta mark set 2
	}
}
NFT
nat_service -f 1 8000
nat_service -f 2 8000 -6
list=$(on_director ipvsadm -L -n)
show ipvsadm -L -n
expect_match "fwmark 1 listed" "^FWM  1 rr *$" "$list"
expect_match "fwmark 2 listed as IPv6" "^FWM  2 IPv6 rr *$" "$list"
for b in "${BACKENDS[@]}"; do
	expect_match "backend $b of mark 1 listed as Masq" \
		"^  -> ${BACKEND_IP[$b]}:8000 +Masq +1 +0 +0 *$" "$list"
	expect_match "backend $b of mark 2 listed as Masq" \
		"^  -> \[${BACKEND_IP6[$b]}\]:8000 +Masq +1 +0 +0 *$" "$list"
done
save=$(on_director ipvsadm-save -n)
show ipvsadm-save -n
expect_match "ipvsadm-save: mark 1" "^-A -f 1 -s rr$" "$save"
expect_match "ipvsadm-save: mark 2" "^-A -f 2 -6 -s rr$" "$save"
expect_match "ipvsadm-save: a dest of mark 2" \
	"^-a -f 2 -6 -r \[${BACKEND_IP6[A]}\]:8000 -m -w 1$" "$save"

for url in "http://$VIP/" "http://$VIP:81/" "http://[$VIP6]/"; do
	expect_rr_http "$NS_CLIENT" "$url" "marked requests to $url alternate"
done

# Port 82 is not marked: nothing balances it, and the director itself
# (nothing listening there) refuses it.
out=$(on_client curl -sS --max-time 5 "http://$VIP:82/" 2>&1 || true)
expect_match "an unmarked port is not balanced" \
	"Connection refused|Couldn't connect" "$out"

# fwm_stats MARK: "Conns InPkts OutPkts InBytes OutBytes" of a fwmark
# service (an IPv6 one has "IPv6" after its mark).
fwm_stats() {
	# shellcheck disable=SC2016 # awk program, not shell
	on_director ipvsadm -L -n --stats --exact |
		awk -v m="$1" '$1 == "FWM" && $2 == m {
			i = ($3 == "IPv6") ? 4 : 3
			print $i, $(i + 1), $(i + 2), $(i + 3), $(i + 4) }'
}
fwm_conns() {
	fwm_stats "$1" | cut -d' ' -f1
}
expect_eventually "mark 1 counts its 8 connections" 6 8 fwm_conns 1
expect_eventually "mark 2 counts its 4 connections" 6 4 fwm_conns 2
show ipvsadm -L -n --stats
for m in 1 2; do
	read -r _ inpkts outpkts inbytes outbytes <<<"$(fwm_stats "$m")"
	expect_cmp "mark $m InPkts moved" "$inpkts" -ge 4
	expect_cmp "mark $m OutPkts moved" "$outpkts" -ge 4
	expect_cmp "mark $m InBytes moved" "$inbytes" -gt 0
	expect_cmp "mark $m OutBytes moved" "$outbytes" -gt 0
done
for b in "${BACKENDS[@]}"; do
	expect_eq "mark 1 backend $b: 4 connections" 4 \
		"$(ipvs_stat conns 1 "${BACKEND_IP[$b]}:8000")"
	expect_eq "mark 2 backend $b: 2 connections" 2 \
		"$(ipvs_stat conns 2 "[${BACKEND_IP6[$b]}]:8000")"
done
conns=$(on_director ipvsadm -L -n -c)
show ipvsadm -L -n -c
expect_match "connections of mark 1 show the VIP and port 81" \
	"^TCP .* $CLIENT_IP:[0-9]+ +$VIP:81 +10\.0\.2\.1[12]:8000" "$conns"
expect_match "connections of mark 2 show [VIP6]:80" \
	"^TCP .* \[$CLIENT_IP6\]:[0-9]+ +\[$VIP6\]:80 +\[fd00:2::1[12]\]:8000" "$conns"
on_director nft delete table ip kvsmark
on_director nft delete table ip6 kvsmark6
done_testing 29
