#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The benchmark workloads, run inside one test host by scripts/bench: the e2e topology, kvs_load servers in the backends, and each workload for KVS_BENCH_ROUNDS rounds under each balancer.
#
# The balancers of KVS_BENCH_BALANCERS (default "none intree kvs") take
# turns in this one boot (vmrun --ipvs=both): intree is the kernel's
# ip_vs, kvs the checkout's module, none plain routing (the client talks
# straight to a backend); only one is loaded at a time.  The per-packet
# workloads interleave them round by round, in a rotating order, so that
# a drift of the emulated machine's speed falls on all alike; the large
# setups (100,000 services, the control plane, 1,000,000 connections,
# 1,000 idle namespaces) run all their rounds under one balancer, then
# the next.  Each
# measurement is one line
#	RESULT <balancer> <row> <round> <value>
# or, for a round that measured nothing, "FAILED <balancer> <row> <round>
# <reason>", or "SKIP <balancer> <row> <reason>"; scripts/bench makes
# the table, and publishes it only from a run that got to its end
# (done_testing) with every round of every row measured.
#
# Against bias: every turn of a balancer starts with an unmeasured
# warm-up (its module was just loaded, and the emulator translates code
# the first time it runs); the large setups take the balancers in a
# different order for each group; the no-balancer TCP ceiling talks to
# both backends, as the balanced rows do; a new-flow rate divides the
# packets delivered by the time until the last of them was; the slab
# row needs unmerged caches (scripts/bench boots with slab_nomerge).
# Sanity checks ("ok"/"not ok", lib.sh) assert that traffic really
# crossed the director and, with a balancer, its counters moved.
# shellcheck source-path=SCRIPTDIR source=../e2e/lib.sh
. "$(dirname "$0")/lib.sh"

read -r -a BALANCERS <<<"${KVS_BENCH_BALANCERS:-none intree kvs}"
ROUNDS=${KVS_BENCH_ROUNDS:-3}
SECS=${KVS_BENCH_SECS:-2}
IDLE_SECS=${KVS_BENCH_IDLE_SECS:-5}
# Which groups run: crr udp bulk svc cp conn netns (all by default).
GROUPS_RUN=" ${KVS_BENCH_GROUPS:-crr udp bulk svc cp conn netns} "
SCALES=${KVS_BENCH_SCALES:-1 1000 10000 100000}
FLOWS=${KVS_BENCH_FLOWS:-1000000}
NEWFLOWS=${KVS_BENCH_NEWFLOWS:-10000}
CP_SERVICES=${KVS_BENCH_CP_SERVICES:-10000}
CP_ROUNDS=${KVS_BENCH_CP_ROUNDS:-1}
NETNS=${KVS_BENCH_NETNS:-1000}
LOAD=$PWD/kvs_load
NPROC=4
NCPU=$(nproc)

# Ports: NAT services and the servers behind them use the same port;
# direct routing servers listen on the VIP itself, one port up, so that
# only a packet still addressed to the VIP reaches them.
TCP_PORT=8000
UDP_PORT=9000
BULK_PORT=5201

# use_balancer below loads the balancer of each workload.
ipvs_ready() { :; }
BAL=none

result() {
	echo "RESULT $BAL $1 $2 $3"
}

# failed ROW ROUND REASON: the round measured nothing (kept, so that the
# report sees the round missing).
failed() {
	echo "FAILED $BAL $1 $2 $3"
}

# (Replaces lib.sh's skip, which these rows do not use.)
skip() {
	echo "SKIP $BAL $1 $2"
}

# unload MODULE...: a service's references to its scheduler may drop
# only after an RCU grace period: retry a while.
unload() {
	local m i
	for m; do
		for i in $(seq 50); do
			[[ -d /sys/module/$m ]] || break
			rmmod "$m" 2>/dev/null && break
			((i < 50)) || rmmod "$m"
			sleep 0.2
		done
	done
}

# use_balancer none|intree|kvs: unloads the other one, loads this one.
use_balancer() {
	local mods
	[[ $1 != "$BAL" ]] || return 0
	if [[ $BAL != none ]]; then
		on_director ipvsadm -C
		# Schedulers (and what else hangs on the core), then the core.
		mods=$(awk '$1 ~ /^(kvs|ip_vs)_/ { print $1 }' /proc/modules)
		# shellcheck disable=SC2086 # one module name per word
		[[ -z $mods ]] || unload $mods
		unload "${BAL/intree/ip_vs}"
	fi
	log "balancer $1 from ${SECONDS}s"
	BAL=$1
	case $BAL in
	intree) modprobe ip_vs ;;
	kvs) modprobe kvs ;;
	none) return 0 ;;
	*) not_ok "no balancer named $BAL"; exit 1 ;;
	esac
	genl ctrl get name IPVS >/dev/null 2>&1 || {
		not_ok "IPVS genetlink family present ($BAL)"
		exit 1
	}
}

# The balancers in round R's order: each round starts one further on.
rotation() {
	local r=$1 i n=${#BALANCERS[@]}
	for ((i = 0; i < n; i++)); do
		echo "${BALANCERS[(r - 1 + i) % n]}"
	done
}

group() {
	[[ $GROUPS_RUN == *" $1 "* ]]
}

# ---- topology: lib.sh's, with 16 backend addresses over A and B

topo_up
EXTRA_IPS=()
for i in $(seq 3 16); do
	ip=10.0.2.$((10 + i))
	if ((i % 2)); then b=A; else b=B; fi
	on_backend "$b" ip addr add "$ip/24" dev eth0
	EXTRA_IPS+=("$ip")
done
# Direct routing: the VIP on each backend's loopback, never answered
# for by ARP (the usual real-server setup).
for b in A B; do
	on_backend "$b" ip addr add "$VIP/32" dev lo
	on_backend "$b" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2
done
# The servers close first, and would keep each connection in TIME_WAIT
# for 60 s: a client port used straight to a backend (no balancer) comes
# back through NAT as the same four addresses and ports, and its SYN,
# refused by that TIME_WAIT, costs the connection a 1 s retransmit (seen
# in the virtual-time rows: a 2 s round took 2.9 s).  No TIME_WAIT on
# the backends, so that no turn inherits the one before.
for b in A B; do
	on_backend "$b" sysctl -qw net.ipv4.tcp_max_tw_buckets=0
done
# Their replies, from the VIP, are routed back by the director, which
# must take a packet from one of its own addresses for that.
on_director sysctl -qw "net.ipv4.conf.${TOPO_PREFIX}br.accept_local=1"
# Static bridge entries for the backends: the bridge never floods a
# frame for one backend to the other (a backend that only receives, as
# the UDP sinks do, would age out of its table), so that delivered()
# counts each packet once.
for b in A B; do
	mac=$(on_backend "$b" cat /sys/class/net/eth0/address)
	on_director bridge fdb replace "$mac" dev "${TOPO_PREFIX}to-$b" master static
done
DESTS2=("${BACKEND_IP[A]}" "${BACKEND_IP[B]}")
DESTS16=("${DESTS2[@]}" "${EXTRA_IPS[@]}")

for b in A B; do
	bg_start "srv-$b" "${NS_BACKEND[$b]}" "$LOAD" server $TCP_PORT $NPROC
	bg_start "srvdr-$b" "${NS_BACKEND[$b]}" "$LOAD" server $((TCP_PORT + 1)) $NPROC "$VIP"
	bg_start "sink-$b" "${NS_BACKEND[$b]}" "$LOAD" sink $UDP_PORT
	bg_start "sinkdr-$b" "${NS_BACKEND[$b]}" "$LOAD" sink $((UDP_PORT + 1)) "$VIP"
	bg_start "iperf-$b" "${NS_BACKEND[$b]}" iperf3 -s -p $BULK_PORT
	bg_start "iperfdr-$b" "${NS_BACKEND[$b]}" iperf3 -s -p $((BULK_PORT + 1)) -B "$VIP"
done
for b in A B; do
	for p in $TCP_PORT $((TCP_PORT + 1)) $BULK_PORT $((BULK_PORT + 1)); do
		wait_listen "${NS_BACKEND[$b]}" tcp "$p"
	done
	for p in $UDP_PORT $((UDP_PORT + 1)); do
		wait_listen "${NS_BACKEND[$b]}" udp "$p"
	done
done
log "balancers: ${BALANCERS[*]}, $ROUNDS rounds of ${SECS}s, $NCPU CPUs"
# The sizes, for the report's row names.
echo "PARAM flows $FLOWS"
echo "PARAM cp_services $CP_SERVICES"
echo "PARAM netns $NETNS"

# ---- measuring

# Packets the director delivered to the backends so far (no exec).
delivered() {
	local n sum=0 b
	for b in A B; do
		read -r n <"/sys/class/net/${TOPO_PREFIX}to-$b/statistics/tx_packets"
		sum=$((sum + n))
	done
	echo "$sum"
}

# rate COUNT START END: COUNT per second, one decimal.
rate() {
	awk -v n="$1" -v s="$2" -v e="$3" 'BEGIN { printf "%.1f", n / (e - s) }'
}

# crr ROW TARGET: connections per second over SECS, NPROC clients.
measure_crr() {
	local row=$1 target=$2 r out conns errors rate
	for r in $RLIST; do
		out=$(on_client "$LOAD" crr "$target" $NPROC "$SECS")
		read -r _ conns _ errors _ _ _ rate <<<"$out"
		if ((conns > 0)); then
			ok "$row round $r: $out"
			result "$row" "$r" "$rate"
		else
			not_ok "$row round $r: no connection completed" "$out"
			failed "$row" "$r" "no connection completed"
		fi
		((errors * 100 <= conns)) ||
			not_ok "$row round $r: over 1% of the connections failed" "$out"
	done
}

# idle ROW: the share of the guest's CPU that the kernel takes while no
# traffic flows, over IDLE_SECS, per round: what the balancer's
# housekeeping (rate estimators, gc) costs with the services it holds.
# Busy loops at the lowest priority keep every CPU from idling, so that
# kernel work is sampled by the tick whether it runs as a timer's
# softirq (in-tree's estimator) or in a kworker (kvs's); their own time
# is user time, not counted.
kernel_ticks() {
	awk '$1 == "cpu" { print $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8; exit }' /proc/stat
}
measure_idle() {
	local row=$1 r pid k0 t0 k1 t1
	for r in $RLIST; do
		"$LOAD" spin $((IDLE_SECS + 1)) &
		pid=$!
		sleep 0.5
		read -r k0 t0 <<<"$(kernel_ticks)"
		sleep "$IDLE_SECS"
		read -r k1 t1 <<<"$(kernel_ticks)"
		wait "$pid"
		result "$row" "$r" "$(awk -v k=$((k1 - k0)) -v t=$((t1 - t0)) \
			'BEGIN { printf "%.2f", t ? 100 * k / t : 0 }')"
	done
}

# udp ROW TARGET: 64-byte packets per second of one flow, as delivered
# to the backends, over SECS (after half a second of warm-up).
measure_udp() {
	local row=$1 target=$2 r pid n0 n1 t0 t1 pps
	for r in $RLIST; do
		on_client "$LOAD" blast "$target" $((SECS + 1)) 64 >/dev/null &
		pid=$!
		sleep 0.5
		n0=$(delivered)
		t0=$EPOCHREALTIME
		sleep "$SECS"
		n1=$(delivered)
		t1=$EPOCHREALTIME
		wait "$pid"
		pps=$(rate $((n1 - n0)) "$t0" "$t1")
		expect_cmp "$row round $r: packets reach a backend ($pps/s)" $((n1 - n0)) -gt 0
		if ((n1 > n0)); then
			result "$row" "$r" "$pps"
		else
			failed "$row" "$r" "no packet reached a backend"
		fi
	done
}

# bulk ROW ADDR PORT: iperf3 throughput (Mbit/s, as received) over SECS.
measure_bulk() {
	local row=$1 addr=$2 port=$3 r out mbps
	for r in $RLIST; do
		# In kbit/s: iperf3's Mbit/s are whole, 1% steps at 100 Mbit/s.
		out=$(on_client iperf3 -c "$addr" -p "$port" -t "$SECS" -f k 2>&1) || true
		mbps=$(awk '/receiver/ && $(NF - 2) ~ /^[0-9.]+$/ {
			printf "%.1f\n", $(NF - 2) / 1000 }' <<<"$out" | tail -n1)
		if [[ $mbps =~ ^[0-9.]+$ ]]; then
			ok "$row round $r: $mbps Mbit/s"
			result "$row" "$r" "$mbps"
		else
			not_ok "$row round $r: iperf3 reported no throughput" "$out"
			failed "$row" "$r" "iperf3 reported no throughput"
		fi
	done
}

# Source addresses for the raw flow sender: a fresh one per burst, so
# that each burst opens new connections.
NEXT_SRC=100
# newflows TARGET COUNT: sends COUNT new one-packet UDP flows and sets
# FLOW_RATE to the flows per second delivered to the backends: those
# delivered by the time the count stopped growing (polled every 0.1 s
# once the sender is done), over the time from the start until then.
FLOW_RATE=
FLOWS_DELIVERED=
newflows() {
	local target=$1 count=$2 n0 n1 n t0 t1 src out
	src=10.0.1.$NEXT_SRC
	NEXT_SRC=$((NEXT_SRC + (count + 64511) / 64512))
	n0=$(delivered)
	t0=$EPOCHREALTIME
	out=$(on_client "$LOAD" flows "$src" "$target" "$count" "$NCPU")
	n1=$(delivered)
	t1=$EPOCHREALTIME
	while sleep 0.1; n=$(delivered); ((n != n1)); do
		n1=$n
		t1=$EPOCHREALTIME
	done
	FLOWS_DELIVERED=$((n1 - n0))
	log "flows from $src: $out, $FLOWS_DELIVERED delivered" \
		"in $(awk -v s="$t0" -v e="$t1" 'BEGIN { printf "%.3f", e - s }')s"
	FLOW_RATE=$(rate "$FLOWS_DELIVERED" "$t0" "$t1")
}

measure_newflows() {
	local row=$1 target=$2 r
	for r in $RLIST; do
		newflows "$target" "$NEWFLOWS"
		expect_cmp "$row round $r: new flows reach the backends ($FLOW_RATE/s)" \
			"$FLOWS_DELIVERED" -gt 0
		if ((FLOWS_DELIVERED > 0)); then
			result "$row" "$r" "$FLOW_RATE"
		else
			failed "$row" "$r" "no flow reached the backends"
		fi
	done
}

# timed ROW ROUND CMD...: runs CMD (output kept in $WORK/timed.out) and reports its
# wall time as ROW and the kernel CPU time it used (its system time:
# netlink requests are handled in the caller's context, so this is the
# balancer's share, without ipvsadm's own parsing) as ROW-sys, in ms.
timed() {
	local row=$1 round=$2 t0=$EPOCHREALTIME t1 sys
	shift 2
	sys=$( { "$@" >"$WORK/timed.out" || exit 1; times; } | awk 'NR == 2 {
		split($2, t, /[ms]/); printf "%.1f", (t[1] * 60 + t[2]) * 1000 }')
	t1=$EPOCHREALTIME
	[[ -n $sys ]] || return 1
	result "$row" "$round" "$(awk -v s="$t0" -v e="$t1" 'BEGIN { printf "%.1f", (e - s) * 1000 }')"
	result "$row-sys" "$round" "$sys"
}

# ---- services

# service PROTO(-t|-u) VIP:PORT SCHED FWD(-m|-g) DPORT DEST...: one
# service and its dests, in one ipvsadm-restore.
service() {
	local proto=$1 svc=$2 sched=$3 fwd=$4 dport=$5 d
	shift 5
	{
		echo "-A $proto $svc -s $sched"
		for d in "$@"; do
			echo "-a $proto $svc -r $d:$dport $fwd -w 1"
		done
	} | on_director ipvsadm-restore
}

# fwds_of_balancer: sets FWDS to the forwarding methods to measure under
# the balancer loaded: NAT, and direct routing when the balancer takes -g
# and delivers to the VIP (a balancer that accepts the flag but rewrites
# the address does not reach the VIP-bound servers).  Probed once each.
declare -A FWDS_OF=()
fwds_of_balancer() {
	local out
	if [[ -z ${FWDS_OF[$BAL]:-} ]]; then
		FWDS_OF[$BAL]=nat
		if ! service -t "$VIP:$((TCP_PORT + 1))" rr -g $((TCP_PORT + 1)) \
			"${DESTS2[@]}" 2>/dev/null; then
			skip dr "ipvsadm -g refused"
		elif ! out=$(on_client "$LOAD" crr "$VIP:$((TCP_PORT + 1))" 1 1) ||
			[[ $out != "conns "[1-9]* ]]; then
			log "direct routing probe: $out"
			skip dr "-g taken, but no packet reached the backends' VIP"
		else
			FWDS_OF[$BAL]="nat dr"
		fi
		on_director ipvsadm -C
	fi
	read -r -a FWDS <<<"${FWDS_OF[$BAL]}"
}

# with_service FWD NB PROTO PORT SCHED: the VIP service for a workload,
# NAT (-m, servers on PORT) or direct routing (-g, servers on PORT + 1),
# over NB dests; prints the VIP:PORT to send to.
with_service() {
	local fwd=$1 nb=$2 proto=$3 port=$4 sched=$5 flag=-m dests
	if [[ $fwd == dr ]]; then
		flag=-g
		port=$((port + 1))
	fi
	if ((nb == 2)); then dests=("${DESTS2[@]}"); else dests=("${DESTS16[@]}"); fi
	on_director ipvsadm -C
	service "$proto" "$VIP:$port" "$sched" "$flag" "$port" "${dests[@]}"
	echo "$VIP:$port"
}

# Counters of the balancer must have moved for the traffic measured
# (the in-tree IPVS folds them in every 2 s: poll a little).
expect_conns() {
	local row=$1 svc=$2 conns end=$((SECONDS + 5))
	while :; do
		conns=$(ipvs_stat conns "$svc")
		[[ $conns =~ ^[0-9]+$ ]] && ((conns > 0 || SECONDS >= end)) && break
		((SECONDS < end)) || break
		sleep 0.5
	done
	expect_cmp "$row ($BAL): the balancer counted connections ($conns)" "${conns:-0}" -gt 0
}

# ---- workloads

# per_fwd ROW MEASURE PROTO PORT SCHED: rows ROW-FWD-NB (crr-nat-2 ...)
# measured by measure_MEASURE ROW VIP:PORT under the balancer loaded;
# without a balancer, one row ROW-direct, the ceiling for all of them:
# to both backends for crr (its clients take turns, as rr spreads them),
# to backend A for the one-flow workloads (a balancer sends one flow to
# one backend too).
per_fwd() {
	local row=$1 measure=measure_$2 proto=$3 port=$4 sched=$5 fwd nb svc
	local direct=${BACKEND_IP[A]}:$port
	if [[ $BAL == none ]]; then
		[[ $2 != crr ]] || direct+=",${BACKEND_IP[B]}:$port"
		"$measure" "$row-direct" "$direct"
		return
	fi
	fwds_of_balancer
	for fwd in "${FWDS[@]}"; do
		for nb in 2 16; do
			svc=$(with_service "$fwd" "$nb" "$proto" "$port" "$sched")
			"$measure" "$row-$fwd-$nb" "$svc"
			expect_conns "$row-$fwd-$nb" "$svc"
		done
	done
}

measure_bulk_at() {
	measure_bulk "$1" "${2%:*}" "${2##*:}"
}

# warm_up: a second of each per-packet workload through the balancer
# loaded, unmeasured: under emulation, code runs slower the first time
# (QEMU translates it), which would fall on whichever balancer ran first.
warm_up() {
	local tcp=${BACKEND_IP[A]}:$TCP_PORT udp=${BACKEND_IP[A]}:$UDP_PORT
	local bulk=${BACKEND_IP[A]}:$BULK_PORT
	if [[ $BAL != none ]]; then
		tcp=$VIP:$TCP_PORT udp=$VIP:$UDP_PORT bulk=$VIP:$BULK_PORT
		on_director ipvsadm -C
		service -t "$tcp" rr -m $TCP_PORT "${DESTS2[@]}"
		service -u "$udp" rr -m $UDP_PORT "${DESTS2[@]}"
		service -t "$bulk" sh -m $BULK_PORT "${DESTS2[@]}"
	fi
	on_client "$LOAD" crr "$tcp" $NPROC 1 >/dev/null || true
	on_client "$LOAD" blast "$udp" 1 64 >/dev/null || true
	on_client iperf3 -c "${bulk%:*}" -p "${bulk##*:}" -t 1 >/dev/null 2>&1 || true
	[[ $BAL == none ]] || on_director ipvsadm -C
}

# The per-packet workloads, round by round, each round under every
# balancer in turn, each turn after a warm-up (the module was just
# loaded again).
# (None of them in scripts/bench's plain boot, which runs the large
# setups only: no turns of warm-ups for nothing.)
echo "PARAM rounds $ROUNDS"
echo "PARAM cp_rounds $CP_ROUNDS"
PP_ROUNDS=$ROUNDS
group crr || group udp || group bulk || PP_ROUNDS=0
for round in $(seq "$PP_ROUNDS"); do
	RLIST=$round
	for b in $(rotation "$round"); do
		use_balancer "$b"
		warm_up
		group crr && per_fwd crr crr -t $TCP_PORT rr
		group udp && per_fwd udp udp -u $UDP_PORT rr
		# sh: iperf3's control and data connections go to the same server.
		group bulk && per_fwd bulk bulk_at -t $BULK_PORT sh
	done
	log "round $round done at ${SECONDS}s"
done
RLIST=$(seq "$ROUNDS")

# The ceiling of the one-flow rows of the large setups (udp-direct),
# once, in a boot that does not run the udp group (scripts/bench runs
# that one in a boot of its own, in virtual time).
UDP_DIRECT=
udp_direct_once() {
	group udp || [[ -n $UDP_DIRECT ]] || {
		UDP_DIRECT=1
		measure_udp udp-direct "${BACKEND_IP[A]}:$UDP_PORT"
	}
}

# Per-packet cost against the number of services: an established flow
# (udp) and new one-packet flows (newflow) to one service among N.
svc_rows() {
	local n have=1 svc out
	if [[ $BAL == none ]]; then
		udp_direct_once
		measure_newflows newflow-direct "${BACKEND_IP[A]}:$UDP_PORT"
		return
	fi
	on_director ipvsadm -C
	# New flows expire soon, so that they do not pile up between rows.
	on_director ipvsadm --set 0 0 5
	svc=$(with_service nat 2 -u $UDP_PORT rr)
	for n in $SCALES; do
		if ((n > have)); then
			# Filler UDP services on other addresses (10.200.0.1 ...),
			# over netlink in batches: ipvsadm -R costs a process
			# round trip per line, minutes for 100,000 under emulation.
			out=$(on_director "$LOAD" services "$have" $((n - have)))
			log "added services $have..$((n - 1)): $out"
			have=$n
		fi
		# The estimators' cost: with one service and with the most.
		if [[ $n == "${SCALES%% *}" || $n == "${SCALES##* }" ]]; then
			sleep 2
			measure_idle "svcidle-$n"
		fi
		measure_udp "svc-$n" "$svc"
		measure_newflows "svcnew-$n" "$svc"
	done
	on_director ipvsadm -C
	on_director ipvsadm --set 0 0 300
}

# Control plane: ipvsadm-restore of CP_SERVICES services x 4 dests, then
# ipvsadm -S -n and -L -n of that table.
cp_rows() {
	local conf=$WORK/cp.conf r s
	[[ $BAL != none ]] || return 0
	awk -v n="$CP_SERVICES" 'BEGIN {
		for (i = 0; i < n; i++) {
			s = sprintf("10.%d.%d.%d:80", 200 + int(i / 65536),
				    int(i / 256) % 256, i % 256)
			printf "-A -t %s -s wlc\n", s
			for (d = 11; d <= 14; d++)
				printf "-a -t %s -r 10.0.2.%d:8080 -m -w 1\n", s, d
		}
	}' >"$conf"
	# A restore takes ipvsadm minutes under emulation (one netlink
	# socket and family lookup per line): CP_ROUNDS of it, ROUNDS of
	# the dumps after each.
	for r in $(seq "$CP_ROUNDS"); do
		on_director ipvsadm -C
		timed cp-restore "$r" on_director ipvsadm-restore <"$conf"
		for s in $(seq "$ROUNDS"); do
			timed cp-save "$r.$s" on_director ipvsadm -S -n
			((s > 1)) || expect_eq "cp round $r ($BAL): $CP_SERVICES services restored" \
				"$CP_SERVICES" "$(grep -c '^-A' "$WORK/timed.out")"
			timed cp-list "$r.$s" on_director ipvsadm -L -n
		done
		log "cp round $r dumped at ${SECONDS}s"
		timed cp-flush "$r" on_director ipvsadm -C
	done
}

# Connection table scale: FLOWS one-packet UDP flows held at once
# (timeout 300 s), memory per connection, then the established-flow
# rate with the table full.
# Bytes in the slab cache $1: objects x slot size.  SLUB merges caches
# of one geometry, and a merged cache counts other objects too:
# scripts/bench boots with slab_nomerge, and a cache that still has
# aliases gives no figure.
slab_bytes() {
	local d=/sys/kernel/slab/$1 objs size aliases
	[[ -r $d/objects && -r $d/slab_size ]] || return 0
	read -r aliases <"$d/aliases" || aliases=unknown
	[[ $aliases == 0 ]] || return 0
	read -r objs _ <"$d/objects"
	read -r size <"$d/slab_size"
	echo $((objs * size))
}
# held_conns SERVICE: its connections, as the balancer counts them.
held_conns() {
	local a b
	read -r _ a <<<"$(ipvs_conns "$1" "${BACKEND_IP[A]}:$UDP_PORT")"
	read -r _ b <<<"$(ipvs_conns "$1" "${BACKEND_IP[B]}:$UDP_PORT")"
	echo $((a + b))
}
mem_free_kb() {
	awk '$1 == "MemFree:" { print $2 }' /proc/meminfo
}
conn_rows() {
	local svc cache=kvs_conn free0 free1 slab0 slab1 conns
	if [[ $BAL == none ]]; then
		udp_direct_once
		# The ceiling of the insertion rate: new flows straight to a backend.
		measure_newflows conn-insert-direct "${BACKEND_IP[A]}:$UDP_PORT"
		return
	fi
	svc=$(with_service nat 2 -u $UDP_PORT rr)
	[[ $BAL == intree ]] && cache=ip_vs_conn
	sync
	echo 3 >/proc/sys/vm/drop_caches
	free0=$(mem_free_kb)
	slab0=$(slab_bytes "$cache")
	newflows "$svc" "$FLOWS"
	result conn-insert 1 "$FLOW_RATE"
	# A second pass of the same flows fills what the first dropped (a
	# full backlog), if it dropped more than 1%.
	conns=$(held_conns "$svc")
	log "$conns connections after the first pass"
	if ((conns * 100 < FLOWS * 99)); then
		NEXT_SRC=$((NEXT_SRC - (FLOWS + 64511) / 64512))
		newflows "$svc" "$FLOWS"
		conns=$(held_conns "$svc")
	fi
	expect_cmp "conn ($BAL): at least 95% of $FLOWS connections held ($conns)" \
		$((conns * 100)) -ge $((FLOWS * 95))
	sync
	echo 3 >/proc/sys/vm/drop_caches
	free1=$(mem_free_kb)
	slab1=$(slab_bytes "$cache")
	result conn-mem 1 "$(awk -v a="$free0" -v b="$free1" -v n="$conns" \
		'BEGIN { printf "%.1f", (a - b) * 1024 / n }')"
	if [[ -n $slab0 && -n $slab1 ]]; then
		result conn-slab 1 "$(awk -v a="$slab0" -v b="$slab1" -v n="$conns" \
			'BEGIN { printf "%.1f", (b - a) / n }')"
	else
		skip conn-slab "no unmerged /sys/kernel/slab/$cache"
	fi
	log "$cache: object_size $(cat "/sys/kernel/slab/$cache/object_size" 2>/dev/null)," \
		"slab_size $(cat "/sys/kernel/slab/$cache/slab_size" 2>/dev/null)," \
		"aliases $(cat "/sys/kernel/slab/$cache/aliases" 2>/dev/null)"
	measure_udp conn-lookup "$svc"
	# Unloading the balancer next frees its connections.
}

# Idle namespaces: NETNS network namespaces that configure nothing (a
# host's pods), made with the balancer loaded: the memory each costs
# (MemFree drop / NETNS) and the kernel CPU their housekeeping takes
# (measure_idle).  Without a balancer, the rows -direct: what the
# namespaces cost the kernel with the netfilter modules both balancers
# depend on (nf_conntrack, nf_defrag_ipv6) loaded, so that the
# balancer's columns differ from it by the balancer's own cost.
# Namespaces alive: the objects in use of the slab cache of struct net
# (scripts/bench boots with slab_nomerge, so it holds nothing else),
# give or take those a CPU's partial slab holds.
netns_alive() {
	awk '$1 == "net_namespace" { print $2; found = 1 }
		END { if (!found) print 0 }' /proc/slabinfo
}
netns_rows() {
	local sfx="" free0 free1 pid end base out=$WORK/netns.out
	if [[ $BAL == none ]]; then
		sfx=-direct
		modprobe nf_conntrack
		modprobe nf_defrag_ipv6
	fi
	base=$(netns_alive)
	sync
	echo 3 >/proc/sys/vm/drop_caches
	free0=$(mem_free_kb)
	: >"$out"
	"$LOAD" netns "$NETNS" >"$out" &
	pid=$!
	end=$((SECONDS + 300))
	while ! grep -q '^netns' "$out" && kill -0 "$pid" 2>/dev/null &&
		((SECONDS < end)); do
		sleep 0.5
	done
	if ! grep -q '^netns' "$out"; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		not_ok "netns ($BAL): $NETNS namespaces made" "$(cat "$out")"
		failed "netns-mem$sfx" 1 "no namespaces"
		return
	fi
	ok "netns ($BAL): $(cat "$out")"
	# What a namespace starts (in-tree's first timers) has started.
	sleep 3
	sync
	echo 3 >/proc/sys/vm/drop_caches
	free1=$(mem_free_kb)
	result "netns-mem$sfx" 1 "$(awk -v a="$free0" -v b="$free1" -v n="$NETNS" \
		'BEGIN { printf "%.1f", (a - b) / n }')"
	measure_idle "netns-idle$sfx"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	# The namespaces go in the background (cleanup_net), which takes
	# CPU for a while: the next balancer's figures wait until they are.
	# (Without a balancer they took over 300 s once, with one under 60 s:
	# the kernel's own pace, not the balancer's, so a log line, no check.)
	end=$((SECONDS + 600))
	while (($(netns_alive) > base + 16 && SECONDS < end)); do
		sleep 1
	done
	if (($(netns_alive) > base + 16)); then
		log "netns under $BAL: $(($(netns_alive) - base)) namespaces still there at ${SECONDS}s"
	else
		log "netns under $BAL: gone at ${SECONDS}s"
	fi
}

# The large setups: all rounds under one balancer, then the next, each
# group in another order (svc from the first balancer, cp from the
# second, conn from the third, netns from the first), each turn after a
# warm-up.
gi=0
for g in svc cp conn netns; do
	gi=$((gi + 1))
	group "$g" || continue
	for b in $(rotation "$gi"); do
		use_balancer "$b"
		warm_up
		"${g}_rows"
		log "$g under $b done at ${SECONDS}s"
	done
done
use_balancer none
# The checks depend on the sizes and on what each balancer takes: no
# fixed plan, but the run must get here.
done_testing $((T_PASS + T_FAIL + T_SKIP))
