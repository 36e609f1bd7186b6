#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The legacy sockopt interface: kvs_sockopt_client makes every IP_VS_SO_SET/GET call, good and bad (wrong lengths, unknown services, bad values, no CAP_NET_ADMIN) and checks results and errnos; ipvsadm then lists over netlink what it set.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

client=$(dirname "$0")/e2e-bin/kvs_sockopt_client
[[ -x $client ]] || { not_ok "$client built (make e2e-bins)"; exit 1; }
ipvs_ready

# The client's own checks, one line each, count as this test's.
rc=0
"$client" >"$WORK/client.out" 2>&1 || rc=$?
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "sockopt: ${line#ok - }" ;;
	"not ok - "*) not_ok "sockopt: ${line#not ok - }" ;;
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
