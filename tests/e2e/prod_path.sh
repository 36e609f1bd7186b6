#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The director's links as production hosts have them: the fq qdisc on every link while a socket on the director holds SO_TIMESTAMP (so received packets carry a receive time stamp, which fq must never take for a departure time): HTTP through the VIP by NAT, direct routing and an IPIP tunnel, from a remote client and from the director itself, every request answered and fq drops nothing.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

declare -A FWD=([nat]="-m" [dr]="-g" [ipip]="-i")
declare -A RPORT=([nat]=8000 [dr]=80 [ipip]=80)

topo_up
director_dr_router
start_http 8000
start_http 80
for b in A B; do
	backend_vip "$b" "$VIP"
	backend_decap "$b"
done

modprobe sch_fq
LINKS=(to-cl to-A to-B)
for l in "${LINKS[@]}"; do
	on_director tc qdisc replace dev "$l" root fq
done
# Any socket asking for SO_TIMESTAMP makes every received packet stamped.
bg_start tstamp "$NS_DIRECTOR" socat -u UDP4-RECV:5555,so-timestamp -
wait_listen "$NS_DIRECTOR" udp 5555

# get NS [CURL-OPTION...]: the answer to one request to the VIP.
get() {
	local ns=$1
	shift
	run_in "$ns" curl -sS --max-time 15 "$@" "http://$VIP/" 2>&1 || true
}

for m in nat dr ipip; do
	on_director ipvsadm -R <<-EOT
		-C
		-A -t $VIP:80 -s rr
		-a -t $VIP:80 -r ${BACKEND_IP[A]}:${RPORT[$m]} ${FWD[$m]}
	EOT
	ok=0
	for _ in 1 2 3 4; do
		[[ $(get "$NS_CLIENT") == A ]] && ok=$((ok + 1))
	done
	expect_eq "$m: a remote client's 4 requests answered through fq" 4 "$ok"
	# From an address of the director's own, not the VIP: the real
	# servers hold the VIP too (direct routing), and would answer it
	# to themselves.
	ok=0
	for _ in 1 2 3 4; do
		[[ $(get "$NS_DIRECTOR" --interface "$DIRECTOR_CLIENT_IP") == A ]] &&
			ok=$((ok + 1))
	done
	expect_eq "$m: the director's own 4 requests answered through fq" 4 "$ok"
done

# fq_drops: packets fq dropped on the director's links, summed.
fq_drops() {
	local l n=0 d
	for l in "${LINKS[@]}"; do
		d=$(on_director tc -s qdisc show dev "$l" |
			sed -n 's/.*(dropped \([0-9]*\),.*/\1/p' | head -n 1)
		n=$((n + ${d:-0}))
	done
	echo "$n"
}
expect_eq "fq dropped nothing on the director's links" 0 "$(fq_drops)"
for l in "${LINKS[@]}"; do
	show tc -s qdisc show dev "$l"
done

done_testing 7
