#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Forwarding matrix: NAT, DR, IPIP, GUE, GRE x TCP, UDP, SCTP over IPv4 and IPv6, tunnels between families (IPv4 service, IPv6 real server and the reverse), real server on this host, tunnel PMTU; director in the init namespace (IPv4, IPv6) and in its own (IPv4, across families) side by side.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

PORT=7000
# KVS_TEST_* reaches the guest (scripts/vmrun): a subset of the matrix.
PROTOS=${KVS_TEST_FWD_PROTOS:-tcp udp sctp}
# Families of a row: 4 or 6 (service and real server of that family), 46
# (IPv4 service, IPv6 real server) or 64 (the reverse; tunnels only).
# The whole matrix for both directors takes too long on the test host:
# the init namespace's director runs the IPv4 and IPv6 rows, the
# namespaced one the IPv4 rows and those across families.
read -ra FAMS_INIT <<<"${KVS_TEST_FWD_FAMS:-4 6}"
read -ra FAMS_NS <<<"${KVS_TEST_FWD_NS_FAMS:-4 46 64}"
GUE_PORT=6080

# method -> ipvsadm forwarding options
declare -A FWD=(
	[nat]="-m"
	[dr]="-g"
	[ipip]="-i"
	[gue]="-i --tun-type gue --tun-port $GUE_PORT"
	[gue-csum]="-i --tun-type gue --tun-port $GUE_PORT --tun-csum"
	[gre]="-i --tun-type gre"
	[gre-csum]="-i --tun-type gre --tun-csum"
)
# What a tunnel takes off the path MTU of a 1500-byte link (IPv4 outer).
declare -A TUN_OVERHEAD=([ipip]=20 [gue]=32 [gue-csum]=32 [gre]=24 [gre-csum]=28)

# One payload per kind, made once.
PAYLOAD_STREAM=$WORK/payload-stream
PAYLOAD_DGRAM=$WORK/payload-dgram
# A message fits one packet even inside a tunnel; a stream needs several
# full-sized segments (which also probes the path MTU).
head -c 6000 /dev/urandom >"$PAYLOAD_STREAM"
head -c 1000 /dev/urandom >"$PAYLOAD_DGRAM"

# svc_counters SVC: "Conns InPkts OutPkts" of SVC once Conns is 1 and
# both packet counters moved (the in-tree IPVS publishes its counters
# every 2 s, maybe between a request and its reply), or as they are
# after 6 s.
svc_counters() {
	local got end=$((SECONDS + 6))
	while :; do
		got=$(ipvs_stats "$1" | cut -d' ' -f1-3)
		[[ $got =~ ^1\ [1-9][0-9]*\ [1-9] ]] || ((SECONDS >= end)) ||
			{ sleep 0.5; continue; }
		echo "$got"
		return 0
	done
}

# row WHERE METHOD PROTO VIP RIP: one service, one real server, one
# payload there and back, compared on both sides; counters checked.
row() {
	local where=$1 m=$2 proto=$3 vip=$4 rip=$5 svc pl got flag log before
	local tag="[${NS_DIRECTOR:-init}] $m $proto $where ${vip}" t0=$SECONDS
	local conns inpkts outpkts size mtu pmtu=
	[[ $where == remote-* && -n ${TUN_OVERHEAD[$m]:-} && $proto == tcp && $vip != *:* ]] &&
		pmtu=1
	# Counting only (see the plan below): 5 checks, 6 with the PMTU one.
	if [[ -n $PLAN_ONLY ]]; then
		PLANNED=$((PLANNED + 5 + ${#pmtu}))
		return 0
	fi
	svc=$vip:$PORT
	[[ $vip == *:* ]] && svc="[$vip]:$PORT"
	flag=-t
	[[ $proto == udp ]] && flag=-u
	[[ $proto == sctp ]] && flag=--sctp-service
	# TCP carries the stream; a UDP or SCTP message fits one packet.
	pl=$PAYLOAD_DGRAM
	[[ $proto == tcp ]] && pl=$PAYLOAD_STREAM
	size=$(stat -c %s "$pl")
	# One ipvsadm run: a flush, then the service and its real server.
	on_director ipvsadm -R <<-EOF
		-C
		-A $flag $svc -s rr
		-a $flag $svc -r $rip ${FWD[$m]}
	EOF
	log=$(echo_log "$where")
	before=$(stat -c %s "$log")
	got=$WORK/${TOPO_PREFIX}got
	on_client ip route flush cache
	[[ $vip != *:* ]] || on_client ip -6 route flush cache
	echo_through "$proto" "$vip" "$PORT" "$pl" >"$got" 2>"$WORK/${TOPO_PREFIX}err" || true
	if cmp -s "$pl" "$got"; then
		ok "$tag: echo came back intact ($size bytes)"
	else
		not_ok "$tag: echo came back intact" "sent $size bytes, got $(stat -c %s "$got")" \
			"$(cat "$WORK/${TOPO_PREFIX}err")"
		show ipvsadm -L -n --stats
	fi
	if wait_until 5 _size_ge "$log" $((before + size)) &&
		tail -c +$((before + 1)) "$log" | cmp -s - "$pl"; then
		ok "$tag: the real server received the payload intact"
	else
		not_ok "$tag: the real server received the payload intact" \
			"its log grew from $before to $(stat -c %s "$log") bytes"
	fi
	read -r conns inpkts outpkts <<<"$(svc_counters "$svc")"
	expect_eq "$tag: one connection counted" 1 "$conns"
	expect_cmp "$tag: InPkts counted" "$inpkts" -gt 0
	# NAT rewrites the replies; the others' replies come from the VIP
	# and pass through the director only as a router (or from a local
	# real server), where they are counted as in-tree does.
	expect_cmp "$tag: OutPkts counted" "$outpkts" -gt 0
	if [[ -n $pmtu ]]; then
		# An IPv6 outer header is 20 bytes longer.
		mtu=$((1500 - TUN_OVERHEAD[$m]))
		[[ $rip != \[* ]] || mtu=$((mtu - 20))
		expect_match "$tag: client learned the tunnel's path MTU" \
			"mtu $mtu" "$(on_client ip route get "$vip")"
	fi
	log "$tag: $((SECONDS - t0))s"
}

# setup DIRECTOR PREFIX: a topology with its director in the init
# namespace or in namespace PREFIX+DIRECTOR, real servers A and B ready
# for every method, echo servers everywhere.
setup() {
	local b
	topo_up --director "$1" --prefix "$2"
	director_dr_router
	for b in A B; do
		backend_vip "$b" "$VIP" ${VIP6:+"$VIP6"}
		backend_decap "$b" "$GUE_PORT"
		start_echo "remote-$b" "${NS_BACKEND[$b]}" "$PORT" "${BACKEND_IP[$b]}" "$VIP" \
			${VIP6:+"${BACKEND_IP6[$b]}" "$VIP6"}
	done
	# Checksummed GRE goes to B, which requires it.
	backend_gre_csum B
	start_echo local "$NS_DIRECTOR" "$PORT"
}

# rows FAM...: the rows of the matrix for each family FAM on the current
# topology.
rows() {
	local fam m proto vip rip lip b methods protos
	for fam; do
		methods="nat dr ipip gue gre gue-csum gre-csum"
		# Only tunnels cross families (ipvsadm refuses the others).
		[[ $fam == ?? ]] && methods="ipip gue gre"
		vip=$VIP
		lip=$DIRECTOR_BACKEND_IP
		if [[ $fam == 6* ]]; then
			vip=$VIP6
			lip="[$DIRECTOR_BACKEND_IP6]"
		fi
		for m in $methods; do
			b=A
			[[ $m == *-csum ]] && b=B
			rip=${BACKEND_IP[$b]}
			[[ $fam != *6 ]] || rip="[${BACKEND_IP6[$b]}]"
			protos=$PROTOS
			[[ $m == *-csum ]] && protos=tcp
			# Across families the encapsulation is what is new:
			# TCP through each, UDP through IPIP.
			if [[ $fam == ?? ]]; then
				protos=${protos/sctp/}
				[[ $m == ipip ]] || protos=${protos/udp/}
			fi
			for proto in $protos; do
				row "remote-$b" "$m" "$proto" "$vip" "$rip:$PORT"
			done
		done
		# The director's own address as the real server: delivered
		# locally (by every method alike: IPv6 through NAT only).
		methods="nat dr ipip"
		[[ $fam == 4 ]] || methods=nat
		[[ $fam == ?? ]] && methods=
		for m in $methods; do
			row local "$m" tcp "$vip" "$lip:$PORT"
		done
	done
	[[ -n $PLAN_ONLY ]] || on_director ipvsadm -C
}

# The plan: the checks of every row both directors will run, counted by
# walking the same rows without running them.
PLAN_ONLY=1
PLANNED=0
rows "${FAMS_NS[@]}" "${FAMS_INIT[@]}"
PLAN_ONLY=

SECONDS=0
setup init ''
setup lb n-
log "set up: ${SECONDS}s"
# The two directors' rows run side by side; the namespaced one reports
# through a file once both are done.
(
	trap - EXIT ERR
	T_PASS=0
	T_FAIL=0
	topo_use n-
	rows "${FAMS_NS[@]}"
	echo "$T_PASS $T_FAIL" >"$WORK/n-counts"
) >"$WORK/n-rows.log" 2>&1 &
ns_rows=$!
topo_use ''
rows "${FAMS_INIT[@]}"
wait "$ns_rows" || true
cat "$WORK/n-rows.log"
if read -r p f <"$WORK/n-counts"; then
	T_PASS=$((T_PASS + p))
	T_FAIL=$((T_FAIL + f))
else
	not_ok "the rows of the namespaced director ran to the end"
fi
log "all rows: ${SECONDS}s"
done_testing "$PLANNED"
