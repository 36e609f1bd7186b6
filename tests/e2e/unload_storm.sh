#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Load/unload storm (issue 18): CYCLES times (KVS_TEST_UNLOAD_CYCLES; 10, full 100) the core is loaded, a TCP and a UDP rr service configured, both answer through the VIP, then ipvsadm -C and rmmod of the scheduler and the core with TCP and UDP traffic running all along; every rmmod succeeds (no reference held), and afterwards the modules load again and the VIP balances.  Figure: "storm unload: cycles N, failed N, ...".
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

CYCLES=$(storm_count UNLOAD_CYCLES 10 100)
if [[ $KVS_IPVS == kvs ]]; then
	core=kvs rr=kvs_rr
else
	core=ip_vs rr=ip_vs_rr
fi
loaded() { [[ -d /sys/module/$1 ]]; }

topo_up
start_http 8000
start_udp_name 9000

# Traffic for the whole test: a TCP request loop and a UDP query loop,
# one line per request, the backend's name or "fail".
bg_start tcp "$NS_CLIENT" bash -c "while :; do
	curl -s --max-time 1 http://$VIP/ || echo fail
done"
bg_start udp "$NS_CLIENT" bash -c "while :; do
	r=\$(echo x | socat -t 2 -T 2 - UDP:$VIP:53 2>/dev/null)
	echo \${r:-fail}
done"
loops=("${BG_PIDS[@]: -2}")

answered() { grep -c '^[AB]$' "$WORK/$1.log" || true; }
grows() { (($(answered "$1") > $2)); }

failed=0
why=()
t0=$SECONDS
for ((c = 1; c <= CYCLES; c++)); do
	cf=
	loaded "$core" || modprobe "$core" || cf="modprobe $core"
	tcp0=$(answered tcp) udp0=$(answered udp)
	if [[ -z $cf ]]; then
		nat_service -t "$VIP:80" 8000 && nat_service -u "$VIP:53" 9000 ||
			cf="configure"
	fi
	[[ -n $cf ]] || wait_until 60 grows tcp "$tcp0" || cf="no TCP answer"
	[[ -n $cf ]] || wait_until 60 grows udp "$udp0" || cf="no UDP answer"
	# Traffic keeps running through the flush and the unload.
	on_director ipvsadm -C || cf="${cf:+$cf, }ipvsadm -C"
	rmmod "$rr" "$core" || cf="${cf:+$cf, }rmmod $rr $core"
	! loaded "$core" || cf="${cf:+$cf, }$core still loaded"
	if [[ -n $cf ]]; then
		failed=$((failed + 1))
		why+=("cycle $c: $cf")
		log "cycle $c: $cf"
		rmmod "$rr" 2>/dev/null || true
		rmmod "$core" 2>/dev/null || true
	fi
	((c % 10)) || log "cycle $c at ${SECONDS}s"
done
secs=$((SECONDS - t0))
kill "${loops[@]}"
wait "${loops[@]}" 2>/dev/null || true
tcp=$(answered tcp) udp=$(answered udp)
storm_figure unload "cycles $CYCLES, failed $failed, tcp answered $tcp, udp answered $udp, ${secs}s"
for w in "${why[@]:0:10}"; do log "$w"; done
expect_eq "$CYCLES load/unload cycles under traffic, none failed" 0 "$failed"
check_fails "$core is not loaded after the last cycle" loaded "$core"
check_fails "nor $rr" loaded "$rr"

check "modprobe $core after the storm" modprobe "$core"
nat_service -t "$VIP:80" 8000
nat_service -u "$VIP:53" 9000
expect_rr_http "$NS_CLIENT" "http://$VIP/" "TCP through the VIP alternates after the storm"
u=$(echo x | on_client socat -t 2 -T 2 - "UDP:$VIP:53" || true)
expect_match "UDP through the VIP answers after the storm" '^[AB]$' "$u"
on_director ipvsadm -C
check "and the modules unload once more" rmmod "$rr" "$core"
done_testing 7
