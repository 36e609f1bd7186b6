#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Module unload under load: rr cannot go while a service uses it; after -C, rmmod of rr and the core succeeds with connections open and traffic running, in two namespaces, twice.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# The same sequence runs against Debian's IPVS, whose behaviour kvs copies.
if [[ $KVS_IPVS == kvs ]]; then
	core=kvs rr=kvs_rr
else
	core=ip_vs rr=ip_vs_rr
fi

loaded() { [[ -d /sys/module/$1 ]]; }

topo_up --prefix u- --director dir
start_http 8000
topo_up
start_http 8000

# configure: rr services in both directors.
configure() {
	local p b
	for p in u- ''; do
		topo_use "$p"
		on_director ipvsadm -A -t "$VIP:80" -s rr
		on_director ipvsadm -A -u "$VIP:53" -s rr
		for b in "${BACKENDS[@]}"; do
			on_director ipvsadm -a -t "$VIP:80" -r "${BACKEND_IP[$b]}:8000" -m
			on_director ipvsadm -a -u "$VIP:53" -r "${BACKEND_IP[$b]}:9000" -m
		done
	done
}

# load NAME: a bounded request loop and two held connections from the
# client of each topology; each loop logs one line per request.
load_pids=()
load() {
	local p
	for p in u- ''; do
		topo_use "$p"
		bg_start "${p}loop-$1" "$NS_CLIENT" timeout 120 bash -c "
			for i in \$(seq 2000); do
				curl -s --max-time 1 http://$VIP/ || echo fail
			done"
		load_pids+=("${BG_PIDS[-1]}")
		bg_start "${p}held1-$1" "$NS_CLIENT" timeout 120 nc -d "$VIP" 80
		bg_start "${p}held2-$1" "$NS_CLIENT" timeout 120 nc -d "$VIP" 80
		load_pids+=("${BG_PIDS[@]: -2}")
	done
}

stop_load() {
	kill "${load_pids[@]}" 2>/dev/null || true
	wait "${load_pids[@]}" 2>/dev/null || true
	load_pids=()
}

# answered LOG: how many requests of a loop were answered so far.
answered() {
	grep -c '^[AB]$' "$WORK/$1.log" || true
}

answered_more() {
	(($(answered "$1") > $2))
}

# flows NAME: the loops of both topologies are getting answers.
flows() {
	local p n
	for p in u- ''; do
		n=$(answered "${p}loop-$1")
		if wait_until 20 answered_more "${p}loop-$1" "$((n + 3))"; then
			ok "traffic flows through ${p:-init}${p:+dir} ($2)"
		else
			not_ok "traffic flows through ${p:-init}${p:+dir} ($2)" \
				"$(tail -n 5 "$WORK/${p}loop-$1.log")"
		fi
	done
}

log "cycle 1: $core and $rr with services in two namespaces"
configure
load 1
flows 1 "before rmmod"
expect_eventually "held connections are active in the init namespace" 10 "2" \
	bash -c "ipvsadm -L -n | awk '\$1 == \"->\" && \$3 == \"Masq\" { n += \$5 } END { print n }'"

check_fails "rmmod $rr refused while services use it" rmmod "$rr"
check "$rr still loaded" loaded "$rr"
if [[ -e /sys/module/$core/holders/$rr ]]; then
	planned=20
	check_fails "rmmod $core refused while $rr holds it" rmmod "$core"
	check "$core still loaded" loaded "$core"
	flows 1 "after the refused rmmods"
	for p in u- ''; do
		topo_use "$p"
		check "ipvsadm -C in ${p:-init}${p:+dir}" on_director ipvsadm -C
	done
	check "rmmod $rr $core with connections open and traffic running" \
		rmmod "$rr" "$core"
else
	# No module reference from rr to the core: unloading the core drops
	# every service, which releases rr.
	planned=17
	flows 1 "after the refused rmmod"
	check "rmmod $core drops the services, with traffic running" rmmod "$core"
	check "then rmmod $rr" rmmod "$rr"
fi
check_fails "$core is gone" loaded "$core"
check_fails "$rr is gone" loaded "$rr"

stop_load

log "cycle 2: reload, reconfigure, unload right after -C"
check "modprobe $core" modprobe "$core"
configure
load 2
flows 2 "after the reload"
for p in u- ''; do
	topo_use "$p"
	on_director ipvsadm -C
done
check "rmmod $rr $core right after -C, traffic running" rmmod "$rr" "$core"

stop_load

log "cycle 3: the modules still load and work"
check "modprobe $core" modprobe "$core"
configure
topo_use ''
replies=()
for _ in 1 2 3 4; do
	replies+=("$(http_get "$NS_CLIENT" "http://$VIP/")")
done
expect_alternation "requests alternate after two unloads" "${replies[@]}"
# 20 checks when rr holds the core (kvs and in-tree alike), 17 if not
done_testing "$planned"
