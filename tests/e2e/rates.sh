#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Rate estimation: under steady traffic a service, its dest and the /proc/net/ip_vs_stats totals show non-zero CPS, packet and byte rates (ipvsadm --rate, 2 s estimator); -Z zeroes counters and rates; rates decay to 0 once traffic stops.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

svc=$VIP:80
topo_up
start_http 8000
on_director ipvsadm -A -t "$svc" -s rr
on_director ipvsadm -a -t "$svc" -r "${BACKEND_IP[A]}:8000" -m

# rates [DEST]: "CPS InPPS OutPPS InBPS OutBPS" of the service or a dest.
rates() {
	on_director ipvsadm -L -n --rate --exact | _ipvs_line "$svc" "${1:-}" 3 7
}

# all_positive "A B C D E": five fields, every one a number above 0.
all_positive() {
	local v n=0
	for v in $1; do
		[[ $v =~ ^[0-9]+$ ]] && ((v > 0)) || return 1
		n=$((n + 1))
	done
	((n == 5))
}

# Steady load: one curl fetching the VIP over and over, a new
# connection per request (the server closes each).
bg_start load "$NS_CLIENT" curl -s --max-time 120 "http://$VIP/?[1-100000]"

# rates_positive: "yes" once every rate of the service is above 0.
rates_positive() {
	if all_positive "$(rates)"; then echo yes; else echo no; fi
}

expect_eventually "service rates all non-zero under load" 60 yes rates_positive
r=$(rates)
show ipvsadm -L -n --rate
if all_positive "$r"; then ok "service rates: $r"; else not_ok "service rates all positive" "$r"; fi
d=$(rates "${BACKEND_IP[A]}:8000")
if all_positive "$d"; then ok "dest rates: $d"; else not_ok "dest rates all positive" "$d"; fi
read -r cps _ <<<"$r"
expect_cmp "CPS is plausible (at most 1000 in this test host)" "$cps" -le 1000

# The namespace's totals: the second value line of ip_vs_stats.
tot=$(on_director awk 'NF == 5 && $1 ~ /^[0-9A-F]+$/ { n++; if (n == 2) print }' /proc/net/ip_vs_stats)
show cat /proc/net/ip_vs_stats
read -r tcps tinpps _ <<<"$tot"
# hex_positive HEX: "yes" for a hexadecimal number above 0, else what it is.
hex_positive() {
	if [[ $1 =~ ^[0-9A-Fa-f]+$ ]] && ((16#$1 > 0)); then
		echo yes
	else
		echo "'$1'"
	fi
}
expect_eq "ip_vs_stats Conns/s is a number above 0" yes "$(hex_positive "$tcps")"
expect_eq "ip_vs_stats InPkts/s is a number above 0" yes "$(hex_positive "$tinpps")"

# Traffic stops: -Z puts counters and rates at 0 at once.
kill "${BG_PIDS[-1]}"
sleep 1
on_director ipvsadm -Z
expect_eq "rates are 0 right after -Z" "0 0 0 0 0" "$(rates)"
expect_eq "counters are 0 right after -Z" "0 0 0 0 0" "$(ipvs_stats "$svc")"
sleep 5
expect_eq "rates stay 0 without traffic" "0 0 0 0 0" "$(rates)"
# rates under load (4), ip_vs_stats (2), -Z (2), decayed (1)
done_testing 9
