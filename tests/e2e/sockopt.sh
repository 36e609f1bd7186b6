#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The legacy sockopt interface: kvs_sockopt_client makes every IP_VS_SO_SET/GET call, good and bad (wrong lengths, unknown services, bad values, no CAP_NET_ADMIN) and checks results and errnos; ipvsadm then lists over netlink what it set; under load GET_SERVICE gives non-zero rates and the counters ipvsadm lists.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

client=$(dirname "$0")/e2e-bin/kvs_sockopt_client
[[ -x $client ]] || { not_ok "$client built (make e2e-bins)"; exit 1; }
ipvs_ready

# The client's own checks, one line each, count as this test's.
rc=0
"$client" >"$WORK/client.out" 2>&1 || rc=$?
client_checks=0
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "sockopt: ${line#ok - }"; client_checks=$((client_checks + 1)) ;;
	"not ok - "*) not_ok "sockopt: ${line#not ok - }"; client_checks=$((client_checks + 1)) ;;
	*) echo "$line" ;;
	esac
done <"$WORK/client.out"
expect_eq "the client ran to its end and passed" 0 "$rc"

show ipvsadm -L -n
list=$(ipvsadm -L -n)
expect_match "netlink lists the service set over sockopt" \
	"^TCP  10\.9\.9\.9:80 wrr persistent 300 mask 255\.255\.255\.0 *$" "$list"
expect_match "and its dest" "^  -> 10\.0\.2\.11:8080 +Masq +3 +0 +0 *$" "$list"
expect_eq "one service, one dest" 2 "$(grep -c -- '^TCP\|->.*Masq' <<<"$list")"

# Rates: under load, GET_SERVICE carries the estimator's rates as netlink
# does; once the load stops, its counters are ipvsadm's.
ipvsadm -C
topo_up
start_http 8000
svc=$VIP:80
ipvsadm -A -t "$svc" -s rr
ipvsadm -a -t "$svc" -r "${BACKEND_IP[A]}:8000" -m
bg_start load "$NS_CLIENT" curl -s --max-time 120 "http://$VIP/?[1-100000]"

# so_stats: "Conns InPkts OutPkts InBytes OutBytes CPS InPPS OutPPS InBPS
# OutBPS" of the service over sockopt.
so_stats() {
	"$client" stats "$VIP" 80 | awk '{ s = s (NR > 1 ? " " : "") $2 } END { print s }'
}
# so_rates_positive: "yes" once every sockopt rate is above 0.
so_rates_positive() {
	so_stats | awk '{ for (i = 6; i <= 10; i++) if ($i + 0 <= 0) { print "no"; exit } print "yes" }'
}
expect_eventually "sockopt rates all non-zero under load" 20 yes so_rates_positive
show "$client" stats "$VIP" 80
show ipvsadm -L -n --rate --exact
kill "${BG_PIDS[-1]}"
# In-tree folds its counters every 2 s: after one fold they stay still.
sleep 3
read -r -a so <<<"$(so_stats)"
expect_eq "sockopt counters are netlink's" "$(ipvs_stats "$svc")" "${so[*]:0:5}"
# The client plans its own checks (and must exit 0 at its end); this
# script adds 6.
done_testing $((client_checks + 6))
