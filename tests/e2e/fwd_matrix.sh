#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Forwarding matrix: NAT, DR, IPIP, GUE, GRE x TCP, UDP, SCTP (x IPv6 when the topology has it), real server on this host, tunnel PMTU; director in the init namespace, then in its own.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

PORT=7000
PROTOS=${FWD_PROTOS:-tcp udp sctp}
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

payload() {
	local f=$WORK/payload-$1-$2
	# A datagram fits one packet even inside a tunnel; a stream needs
	# several full-sized segments (which also probes the path MTU).
	if [[ $2 == udp ]]; then
		head -c 1000 /dev/urandom >"$f"
	else
		head -c 6000 /dev/urandom >"$f"
	fi
	echo "$f"
}

# row WHERE METHOD PROTO VIP RIP: one service, one real server, one
# payload there and back, compared on both sides; counters checked.
row() {
	local where=$1 m=$2 proto=$3 vip=$4 rip=$5 svc pl got flag log before
	local tag="[${NS_DIRECTOR:-init}] $m $proto $where ${vip}"
	svc=$vip:$PORT
	[[ $vip == *:* ]] && svc="[$vip]:$PORT"
	flag=-t
	[[ $proto == udp ]] && flag=-u
	[[ $proto == sctp ]] && flag=--sctp-service
	on_director ipvsadm -C
	on_director ipvsadm -A "$flag" "$svc" -s rr
	# shellcheck disable=SC2086 # FWD holds several options
	on_director ipvsadm -a "$flag" "$svc" -r "$rip" ${FWD[$m]}
	log=$(echo_log "$where")
	before=$(stat -c %s "$log")
	pl=$(payload "$m" "$proto")
	got=$WORK/got
	on_client ip route flush cache
	on_client ip -6 route flush cache 2>/dev/null || true
	if ! echo_through "$proto" "$vip" "$PORT" "$pl" >"$got" 2>"$WORK/err"; then
		not_ok "$tag: transfer" "$(cat "$WORK/err")"
		show ipvsadm -L -n --stats
		return 0
	fi
	if cmp -s "$pl" "$got"; then
		ok "$tag: echo came back intact ($(stat -c %s "$got") bytes)"
	else
		not_ok "$tag: echo came back intact" "sent $(stat -c %s "$pl") bytes, got $(stat -c %s "$got")"
	fi
	if wait_until 5 test "$(stat -c %s "$log")" -ge $((before + $(stat -c %s "$pl"))) &&
		tail -c +$((before + 1)) "$log" | cmp -s - "$pl"; then
		ok "$tag: the real server received the payload intact"
	else
		not_ok "$tag: the real server received the payload intact" \
			"its log grew from $before to $(stat -c %s "$log") bytes"
	fi
	expect_eventually "$tag: one connection counted" 6 1 ipvs_stat conns "$svc"
	local inpkts outpkts
	inpkts=$(ipvs_stat inpkts "$svc")
	outpkts=$(ipvs_stat outpkts "$svc")
	expect_cmp "$tag: InPkts counted" "$inpkts" -gt 0
	if [[ $m == nat ]]; then
		expect_cmp "$tag: OutPkts counted (replies cross the director)" "$outpkts" -gt 0
	else
		expect_eq "$tag: OutPkts 0 (replies go straight to the client)" 0 "$outpkts"
	fi
	if [[ $where == remote && -n ${TUN_OVERHEAD[$m]:-} && $proto == tcp && $vip != *:* ]]; then
		expect_match "$tag: client learned the tunnel's path MTU" \
			"mtu $((1500 - TUN_OVERHEAD[$m]))" "$(on_client ip route get "$vip")"
	fi
}

matrix() {
	local director=$1 prefix=$2 m proto fam vip rip
	topo_up --director "$director" --prefix "$prefix"
	director_dr_router
	backend_vip A "$VIP" ${VIP6:+"$VIP6"}
	backend_decap A "$GUE_PORT"
	start_echo remote "${NS_BACKEND[A]}" "$PORT" "$VIP" ${VIP6:+"$VIP6"}
	start_echo local "$NS_DIRECTOR" "$PORT"
	local fams=(4)
	[[ -n ${VIP6:-} ]] && fams+=(6)
	for fam in "${fams[@]}"; do
		vip=$VIP
		rip=${BACKEND_IP[A]}
		if [[ $fam == 6 ]]; then
			vip=$VIP6
			rip="[${BACKEND_IP6[A]}]"
		fi
		for m in nat dr ipip gue gre; do
			for proto in $PROTOS; do
				row remote "$m" "$proto" "$vip" "$rip:$PORT"
			done
		done
		for m in gue-csum gre-csum; do
			row remote "$m" tcp "$vip" "$rip:$PORT"
		done
	done
	# The director's own address as the real server: delivered locally.
	for m in nat dr ipip; do
		row local "$m" tcp "$VIP" "$DIRECTOR_BACKEND_IP:$PORT"
	done
	on_director ipvsadm -C
}

matrix init ''
matrix lb n-
