#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Schedulers end to end over TCP NAT: wrr 3:1 splits 400 connections
# 300/100, lc sends new connections away from a backend holding an open
# one, sh keeps each client address on the backend its hash picks, dh
# keeps each virtual address on the backend its hash picks; wlc follows
# the weights, sed favours the heavier idle backend, nq the first idle one.
#
# Backends are added A then B, so both IPVS and kvs walk them B, A
# (newest first).  The sh and dh tables of two weight-1 backends then
# hold B in the even buckets and A in the odd ones, and the bucket of an
# address is hash_32(address, 8) = (address * 0x61c88647 mod 2^32) >> 24:
# the expected backend of every address below is computed from that.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

VIP2=100.100.100.103
# Client addresses used by sh and dh, besides $CLIENT_IP.
CLIENT_HOSTS=$(seq 10 25)

# hash_backend A.B.C.D: the backend (A|B) a 2-backend sh/dh table gives.
hash_backend() {
	local a b c d x
	IFS=. read -r a b c d <<<"$1"
	x=$(((a << 24 | b << 16 | c << 8 | d) * 0x61c88647 & 0xffffffff))
	if (((x >> 24) % 2 == 0)); then echo B; else echo A; fi
}

# service PORT SCHED: a NAT service on $VIP:PORT (or $VIP_OVERRIDE:PORT)
# with A then B, weights $WEIGHT_A and $WEIGHT_B (default 1).
service() {
	local vip=${VIP_OVERRIDE:-$VIP}
	on_director ipvsadm -A -t "$vip:$1" -s "$2"
	on_director ipvsadm -a -t "$vip:$1" -r "${BACKEND_IP[A]}:8000" -m \
		-w "${WEIGHT_A:-1}"
	on_director ipvsadm -a -t "$vip:$1" -r "${BACKEND_IP[B]}:8000" -m \
		-w "${WEIGHT_B:-1}"
}

# get URL [SOURCE]: one HTTP request on a new connection, from SOURCE.
get() {
	on_client curl -sS --max-time 5 -H 'Connection: close' \
		${2:+--interface "$2"} "$1" 2>&1 || true
}

topo_up
start_http 8000
for h in $CLIENT_HOSTS; do
	on_client ip addr add "10.0.1.$h/24" dev eth0
done
on_director ip addr add "$VIP2/32" dev vip

# ---- wrr: 300 of 400 on A.  The cycle's threshold follows the adds:
# 0 with no dest, 3 - (3 - 1) = 1 when A (weight 3) comes, kept at 1
# when B comes (top 3, step 1); so cw 1: B A; then cw 3: A; 2: A; 1: B A.
WEIGHT_A=3 service 80 wrr
show ipvsadm -L -n
out=$(on_client curl -sS --max-time 120 -H 'Connection: close' \
	"http://$VIP:80/?n=[1-400]" 2>&1 || true)
na=$(grep -c '^A$' <<<"$out" || true)
nb=$(grep -c '^B$' <<<"$out" || true)
log "wrr 3:1 over 400 connections: A $na, B $nb"
expect_cmp "wrr: all 400 connections answered" $((na + nb)) -eq 400
expect_cmp "wrr: A gets at least 70%" "$na" -ge 280
expect_cmp "wrr: A gets at most 80%" "$na" -le 320
first=$(head -n 4 <<<"$out" | tr -d '\n')
expect_eq "wrr: the cycle starts B A A A" BAAA "$first"

# ---- lc: a held connection makes its backend busier than the idle one.
service 81 lc
# (Held for up to 300 s: a slow test host must not see it end before the
# five requests below; it is killed after them.)
bg_start held "$NS_CLIENT" timeout 300 nc -d "$VIP" 81
held=${BG_PIDS[-1]}
# held_on: the backend with the one active connection of port 81.
held_on() {
	local b
	for b in A B; do
		if [[ $(ipvs_conns "$VIP:81" "${BACKEND_IP[$b]}:8000") == "1 0" ]]; then
			echo "$b"
			return 0
		fi
	done
	return 1
}
wait_until 15 held_on || true
busy=$(held_on || true)
show ipvsadm -L -n
# Both idle: the first in list order, B, takes the held connection.
expect_eq "lc: the held connection is active on B" B "$busy"
replies=()
for _ in 1 2 3 4 5; do
	replies+=("$(get "http://$VIP:81/")")
done
expect_eq "lc: new connections go to the idle backend" "A A A A A" \
	"${replies[*]}"
kill "$held" 2>/dev/null || true

# ---- sh: one client address, one backend, the one its hash picks.
service 82 sh
bad=
for h in 2 $CLIENT_HOSTS; do
	src=10.0.1.$h
	want=$(hash_backend "$src")
	got=
	for _ in 1 2 3; do
		got+="$(get "http://$VIP:82/" "$src")"
	done
	[[ $got == "$want$want$want" ]] || bad+=" $src:$got(want $want)"
done
if [[ -z $bad ]]; then
	ok "sh: every client address stays on its hashed backend"
else
	not_ok "sh: every client address stays on its hashed backend" "$bad"
fi

# ---- dh: one virtual address, one backend, whoever the client is.
service 83 dh
VIP_OVERRIDE=$VIP2 service 83 dh
show ipvsadm -L -n
for vip in "$VIP" "$VIP2"; do
	want=$(hash_backend "$vip")
	got=
	for h in 2 10 11 12; do
		got+="$(get "http://$vip:83/" "10.0.1.$h")"
	done
	expect_eq "dh: all clients of $vip reach backend $want" \
		"$want$want$want$want" "$got"
done

# count OUT: "A B", how many answers each backend gave.
count() {
	echo "$(grep -c '^A$' <<<"$1" || true) $(grep -c '^B$' <<<"$1" || true)"
}

# ---- wlc: closed connections stay counted (TIME_WAIT), so over 200
# sequential connections the totals follow the weights 3:1.
WEIGHT_A=3 service 84 wlc
read -r na nb <<<"$(count "$(on_client curl -sS --max-time 120 \
	-H 'Connection: close' "http://$VIP:84/?n=[1-200]" 2>&1 || true)")"
log "wlc 3:1 over 200 connections: A $na, B $nb"
expect_cmp "wlc: all 200 connections answered" $((na + nb)) -eq 200
expect_cmp "wlc: A gets at least 70%" "$na" -ge 140
expect_cmp "wlc: A gets at most 80%" "$na" -le 160

# ---- sed: with nothing active, (0 + 1) / weight is least on the
# heavier backend every time; inactive connections do not count.
WEIGHT_A=3 service 85 sed
read -r na nb <<<"$(count "$(on_client curl -sS --max-time 60 \
	-H 'Connection: close' "http://$VIP:85/?n=[1-20]" 2>&1 || true)")"
expect_eq "sed: all 20 sequential connections go to A (weight 3)" "20 0" \
	"$na $nb"

# ---- nq: an idle backend is taken first, in list order (B, the
# newest), however the weights compare.
WEIGHT_A=5 service 86 nq
read -r na nb <<<"$(count "$(on_client curl -sS --max-time 60 \
	-H 'Connection: close' "http://$VIP:86/?n=[1-20]" 2>&1 || true)")"
expect_eq "nq: all 20 sequential connections go to idle B" "0 20" "$na $nb"
done_testing 14
