#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Schedulers lblc, lblcr, fo and ovf over TCP NAT, with the same dests,
# weights and clients under kvs and in-tree: a weight-3 or weight-2
# dest, a lighter one, a quiescent (weight 0) one and one that
# overloads at its first connection (-x 1); the backends each request
# reaches and the ipvsadm -L -n listings (connection counts included)
# are the same, as written below.  lblc_expiration and lblcr_expiration
# exist while their module is loaded, per namespace.  twos (kvs only:
# Debian's kernel does not build the in-tree one) loads on demand and
# balances.
# e2e: also intree
#
# Dests are added A, B, C, D, so both walk them D, C, B, A (newest
# first); every connection closes before the next unless held, and
# stays counted as inactive (TIME_WAIT) until the section ends.  The
# expected backends follow the in-tree code of Linux 6.1, step by step
# in the comments; "overhead" is 256 * active + all connections.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

if [[ $KVS_IPVS == kvs ]]; then
	mod_prefix=kvs_
else
	mod_prefix=ip_vs_
fi
# The destination addresses lblc (mark 1) and lblcr (mark 2) keep apart.
LVIPS=(100.100.100.101 100.100.100.102)
RVIPS=(100.100.100.103 100.100.100.104)
CLIENTS=(10.0.1.2 10.0.1.10 10.0.1.11 10.0.1.12)

log "started at ${SECONDS}s"
topo_up
for c in "${CLIENTS[@]:1}"; do
	on_client ip addr add "$c/24" dev eth0
done
for v in "${LVIPS[@]}" "${RVIPS[@]}"; do
	on_director ip addr add "$v/32" dev vip
done
on_director nft -f - <<NFT
table ip kvslocal {
	chain pre {
		type filter hook prerouting priority mangle;
		ip daddr { ${LVIPS[0]}, ${LVIPS[1]} } tcp dport 80 meta mark set 1
		ip daddr { ${RVIPS[0]}, ${RVIPS[1]} } tcp dport 80 meta mark set 2
	}
}
NFT
# A and B answer their name on port 8000, C and D on port 8001.
start_http 8000
for b in A B; do
	name=C
	[[ $b == A ]] || name=D
	mkdir -p "$WORK/www-$name"
	echo "$name" >"$WORK/www-$name/index.html"
	bg_start "http-$name" "${NS_BACKEND[$b]}" busybox httpd -f -p 8001 \
		-h "$WORK/www-$name"
	wait_listen "${NS_BACKEND[$b]}" tcp 8001
done

declare -A RIP=([A]=10.0.2.11:8000 [B]=10.0.2.12:8000 [C]=10.0.2.11:8001
	[D]=10.0.2.12:8001)

# service SVC WA WB [WD]: SVC (e.g. "-t $VIP:81 -s fo") with A, B, C and
# D of weights WA, WB, 0 and WD (default 1); D overloads at one
# connection.
service() {
	local svc=${1% -s *}
	# shellcheck disable=SC2086 # SVC is an option list
	{
		on_director ipvsadm -A $1
		on_director ipvsadm -a $svc -r "${RIP[A]}" -m -w "$2"
		on_director ipvsadm -a $svc -r "${RIP[B]}" -m -w "$3"
		on_director ipvsadm -a $svc -r "${RIP[C]}" -m -w 0
		on_director ipvsadm -a $svc -r "${RIP[D]}" -m -w "${4:-1}" -x 1
	}
}
service "-t $VIP:81 -s fo" 3 2 5
service "-t $VIP:82 -s ovf" 2 1
service "-f 1 -s lblc" 3 2
service "-f 2 -s lblcr" 2 1
log "configured at ${SECONDS}s"

# gets URL N [I]: N requests in turn on new connections (one curl:
# processes cost seconds each under emulation), from client address I
# (by default 0) of CLIENTS; prints the backends that answered, without
# spaces.
gets() {
	local from=${CLIENTS[${3:-0}]}
	on_client curl -sS --max-time 30 -H 'Connection: close' \
		--interface "$from" "$1?n=[1-$2]" 2>&1 | tr -d '\n' || true
	echo
}

# hold ADDR PORT DEST N: one more connection held open to ADDR:PORT,
# and wait until DEST (A..D) of SERVICE (see hold_svc) lists N active.
hold_svc=
hold() {
	bg_start "held-$1-$2-$4" "$NS_CLIENT" timeout 150 nc -d "$1" "$2"
	wait_until 20 _active "${RIP[$3]}" "$4" ||
		not_ok "held connection $4 to $1:$2 active on $3"
}

_active() {
	[[ $(ipvs_conns "$hold_svc" "$1") == "$2 "* ]]
}

# listing SVC WANT: ipvsadm -L -n of one service (-t ADDR or -f MARK),
# trailing blanks left out, is its header lines and WANT, now (a held
# connection lasts a minute: busybox httpd's wait for a request).
listing() {
	local want="Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
$2"
	# shellcheck disable=SC2086 # SVC is an option list
	expect_eq "ipvsadm -L -n $1" "$want" \
		"$(on_director ipvsadm -L -n $1 | sed 's/ *$//')"
}

# ---- fo: the heaviest dest not overloaded takes every connection.
# D (weight 5) is the heaviest: it takes the first and overloads; then
# A (3), until A is quiesced: then B (2).
got=$(gets "http://$VIP:81/" 3 1)
on_director ipvsadm -e -t "$VIP:81" -r "${RIP[A]}" -m -w 0
got+=$(gets "http://$VIP:81/" 2 2)
expect_eq "fo: D, then A, then B once A is quiesced" DAABB "$got"
listing "-t $VIP:81" "TCP  $VIP:81 fo
  -> 10.0.2.11:8000               Masq    0      0          2
  -> 10.0.2.11:8001               Masq    0      0          0
  -> 10.0.2.12:8000               Masq    2      0          2
  -> 10.0.2.12:8001               Masq    5      0          1"
log "fo done at ${SECONDS}s"

# ---- ovf: the heaviest usable dest until its active connections
# exceed its weight.  A weight 2, B 1: A takes the first and three held
# connections (active 0, 1, 2 are not over 2); with A at 3 the next one
# overflows to D (weight 1 like B, but first in order), which
# overloads; the one after to B.
hold_svc=$VIP:82
got=$(gets "http://$VIP:82/" 1 3)
hold "$VIP" 82 A 1
hold "$VIP" 82 A 2
hold "$VIP" 82 A 3
got+=$(gets "http://$VIP:82/" 2 0)
expect_eq "ovf: A, then past its weight D, then B" ADB "$got"
listing "-t $VIP:82" "TCP  $VIP:82 ovf
  -> 10.0.2.11:8000               Masq    2      3          1
  -> 10.0.2.11:8001               Masq    0      0          0
  -> 10.0.2.12:8000               Masq    1      0          1
  -> 10.0.2.12:8001               Masq    1      0          1"
log "ovf done at ${SECONDS}s"

# ---- lblc, fwmark 1 over two addresses.  A weight 3, B 2.
# V1 first: least connection per weight, D (all idle, first in order),
# which overloads; V1 stays on D all the same (lblc keeps a remembered
# dest that is available, has weight and no more active connections
# than its weight).  V2: D overloaded and C quiescent are skipped, B
# (0/2) before A (0/3) on the tie.  V1 again: D.  B quiesced: V2 is
# scheduled afresh, to A (the only usable one).
got=$(gets "http://${LVIPS[0]}/" 2 1)
got+=$(gets "http://${LVIPS[1]}/" 2 2)
got+=$(gets "http://${LVIPS[0]}/" 1 3)
on_director ipvsadm -e -f 1 -r "${RIP[B]}" -m -w 0
got+=$(gets "http://${LVIPS[1]}/" 2 0)
expect_eq "lblc: V1 on D (overloaded or not), V2 on B, then A" DDBBDAA \
	"$got"
listing "-f 1" "FWM  1 lblc
  -> 10.0.2.11:8000               Masq    3      0          2
  -> 10.0.2.11:8001               Masq    0      0          0
  -> 10.0.2.12:8000               Masq    0      0          2
  -> 10.0.2.12:8001               Masq    1      0          3"
log "lblc done at ${SECONDS}s"

# ---- lblcr, fwmark 2 over two other addresses.  A weight 2, B 1.
# V1 first: D, set {D}; D overloads.  V1: the set's least loaded skips
# the overloaded D and finds none, so the service's least connection
# per weight, B (0/1 before 0/2 on the tie), joins: {B, D}.  Two held
# connections stay on B (its active 0, then 1, not over its weight 1).
# V1 then: B has 2 active over weight 1 while D is under half its
# weight: A (overhead 0) joins, {A, B, D}, and takes it, and the next
# one (A 1/2 against B 515/1).  V2, new: A (2/2 against 515/1).
hold_svc=2
got=$(gets "http://${RVIPS[0]}/" 2 1)
hold "${RVIPS[0]}" 80 B 1
hold "${RVIPS[0]}" 80 B 2
got+=$(gets "http://${RVIPS[0]}/" 2 2)
got+=$(gets "http://${RVIPS[1]}/" 1 3)
expect_eq "lblcr: V1 on D, then B, then also A; V2 on A" DBAAA "$got"
listing "-f 2" "FWM  2 lblcr
  -> 10.0.2.11:8000               Masq    2      0          3
  -> 10.0.2.11:8001               Masq    0      0          0
  -> 10.0.2.12:8000               Masq    1      2          1
  -> 10.0.2.12:8001               Masq    1      0          1"
log "lblcr done at ${SECONDS}s"

expect_eq "lblc_expiration and lblcr_expiration: a day while loaded" \
	"86400 86400" "$(on_director sysctl -n net.ipv4.vs.lblc_expiration \
	net.ipv4.vs.lblcr_expiration | tr '\n' ' ' | sed 's/ $//')"

# ---- the sysctls: per namespace, writable, gone with their module.
on_director sysctl -qw net.ipv4.vs.lblcr_expiration=3600
ip netns add sl-other
NETNS_MADE+=(sl-other)
# The in-tree core makes its per-namespace state on first use.
ip netns exec sl-other ipvsadm -L -n >/dev/null
expect_eq "lblcr_expiration: 3600 here, 86400 in another namespace" \
	"3600 86400" "$(on_director sysctl -n net.ipv4.vs.lblcr_expiration) \
$(ip netns exec sl-other sysctl -n net.ipv4.vs.lblcr_expiration)"
on_director ipvsadm -C
rmmod "${mod_prefix}lblc" "${mod_prefix}lblcr"
check_fails "lblc_expiration gone with its module" \
	test -e /proc/sys/net/ipv4/vs/lblc_expiration
check_fails "lblcr_expiration gone with its module" \
	test -e /proc/sys/net/ipv4/vs/lblcr_expiration

log "sysctls done at ${SECONDS}s"
# ---- twos, kvs only: loaded by -s twos, and both dests take
# connections (the split itself is KUnit's: kvs_sched).
if [[ $KVS_IPVS == kvs ]]; then
	check_fails "twos: not loaded before use" test -d /sys/module/kvs_twos
	on_director ipvsadm -A -t "$VIP:83" -s twos
	on_director ipvsadm -a -t "$VIP:83" -r "${RIP[A]}" -m -w 3
	on_director ipvsadm -a -t "$VIP:83" -r "${RIP[B]}" -m -w 1
	check "twos: loaded by ipvsadm -s twos" test -d /sys/module/kvs_twos
	got=$(gets "http://$VIP:83/" 24 0)
	expect_match "twos: A answers" A "$got"
	expect_match "twos: B answers" B "$got"
	expect_match "twos: only A and B answer" '^[AB]{24}$' "$got"
else
	log "twos: not built in Debian's 6.1 kernel, kvs only"
fi

# Twelve checks for both, five more for twos under kvs.
if [[ $KVS_IPVS == kvs ]]; then
	done_testing 17
else
	done_testing 12
fi
