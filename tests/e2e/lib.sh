# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the end-to-end tests, sourced by tests/e2e/*.sh inside the
# test host (scripts/vmrun copies this file next to the test).  They build
# the test topology, start backend servers, wait for them with bounded
# polls, read IPVS counters and report "ok - ..." / "not ok - ..." lines.
#
#  client ns            director (init ns or a named ns)        backend ns A, B
#  eth0 10.0.1.2 ---- to-cl 10.0.1.1                         .- eth0 10.0.2.11
#  default via .1       br 10.0.2.1/24 [to-A to-B] ---------+-- eth0 10.0.2.12
#                       vip (dummy) 100.100.100.100/32         default via .1
#
# and the same in IPv6 (dual stack, duplicate address detection off so
# every address works at once):
#  eth0 fd00:1::2 ---- to-cl fd00:1::1                       .- eth0 fd00:2::11
#  default via ::1      br fd00:2::1/64 --------------------+-- eth0 fd00:2::12
#                       vip 2001:db8::100/128                  default via ::1
#
# A test sources this file, calls topo_up, configures IPVS in the director
# with ipvsadm (on_director ipvsadm ...), sends traffic from the client and
# asserts with check/expect_*.  The summary and the exit status come from
# an EXIT trap.
#
# Every test ends with "done_testing N", N the number of checks it plans
# (each ok/not_ok line counts one, skipped ones too).  A test passes only
# when it got there, every check passed and N of them ran: a test that
# stops early, even with exit 0, calls exit before the end, or loses
# checks on the way (an empty loop) fails.  The last line of the output
# is "# end: PASS|FAIL|SKIP (...)", which scripts/e2e requires.
#   done_testing N       the end of the test, N checks planned
#   skip DESC REASON     one check that does not apply here: counted as
#                        planned, reported "ok - DESC # SKIP REASON"
#   skip_all REASON      the whole test does not apply here: ends it now,
#                        and scripts/e2e reports it as SKIP, not PASS
set -euo pipefail

VIP=100.100.100.100
CLIENT_IP=10.0.1.2
DIRECTOR_CLIENT_IP=10.0.1.1
DIRECTOR_BACKEND_IP=10.0.2.1
BACKENDS=(A B)
declare -A BACKEND_IP=([A]=10.0.2.11 [B]=10.0.2.12)
VIP6=2001:db8::100
CLIENT_IP6=fd00:1::2
DIRECTOR_CLIENT_IP6=fd00:1::1
DIRECTOR_BACKEND_IP6=fd00:2::1
declare -A BACKEND_IP6=([A]=fd00:2::11 [B]=fd00:2::12)
# Set by topo_up and topo_use: namespace names ("" is the init namespace)
# and the prefix of the current topology.
NS_CLIENT=
NS_DIRECTOR=
declare -A NS_BACKEND=()
TOPO_PREFIX=
declare -A TOPO_DIRECTOR=() # keyed by "." and the prefix

KVS_IPVS=${KVS_IPVS:-kvs}
WORK=$(mktemp -d /tmp/e2e.XXXXXX)
T_PASS=0
T_FAIL=0
T_SKIP=0
T_DONE=0	# set by done_testing (or skip_all): the test got to its end
T_PLANNED=
T_RAN_AT_DONE=
T_SKIP_ALL=
BG_PIDS=()
NETNS_MADE=()
LINKS_MADE=()

# ---- reporting

log() {
	echo "# $*"
}

ok() {
	T_PASS=$((T_PASS + 1))
	echo "ok - $*"
}

# not_ok DESC [DETAIL...]: DETAIL lines are printed as comments.
not_ok() {
	local desc=$1
	shift
	T_FAIL=$((T_FAIL + 1))
	echo "not ok - $desc"
	if (($#)); then
		printf '%s\n' "$@" | sed 's/^/#   /'
	fi
}

# check DESC CMD...: passes when CMD succeeds; shows its output if not.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc" "command: $*" "$out"
	fi
}

# check_fails DESC CMD...: passes when CMD fails.
check_fails() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		not_ok "$desc" "command succeeded: $*" "$out"
	else
		ok "$desc"
	fi
}

expect_eq() {
	local desc=$1 want=$2 got=$3
	if [[ $got == "$want" ]]; then
		ok "$desc"
	else
		not_ok "$desc" "expected: $want" "got:      $got"
	fi
}

expect_ne() {
	local desc=$1 unwanted=$2 got=$3
	if [[ $got != "$unwanted" ]]; then
		ok "$desc"
	else
		not_ok "$desc" "expected anything but: $unwanted"
	fi
}

# expect_match DESC ERE TEXT
expect_match() {
	local desc=$1 re=$2 text=$3
	if grep -Eq -- "$re" <<<"$text"; then
		ok "$desc"
	else
		not_ok "$desc" "expected to match: $re" "in:" "$text"
	fi
}

expect_no_match() {
	local desc=$1 re=$2 text=$3
	if grep -Eq -- "$re" <<<"$text"; then
		not_ok "$desc" "expected not to match: $re" "in:" "$text"
	else
		ok "$desc"
	fi
}

# expect_cmp DESC A OP B: integer comparison, OP one of -eq -ne -gt -ge -lt -le.
expect_cmp() {
	local desc=$1 a=$2 op=$3 b=$4
	if [[ $a =~ ^-?[0-9]+$ && $b =~ ^-?[0-9]+$ ]] && test "$a" "$op" "$b"; then
		ok "$desc"
	else
		not_ok "$desc" "expected: $a $op $b"
	fi
}

# expect_alternation DESC R1 R2 ...: round robin over the backends, in
# either order: consecutive replies differ, every reply equals the one two
# before, and both backends answered.
expect_alternation() {
	local desc=$1 i
	shift
	local rs=("$@") bad=
	((${#rs[@]} >= 4)) || bad="fewer than 4 replies"
	for ((i = 0; i < ${#rs[@]}; i++)); do
		[[ ${rs[i]} == A || ${rs[i]} == B ]] || bad="reply $((i + 1)) is '${rs[i]}'"
		((i < 1)) || [[ ${rs[i]} != "${rs[i - 1]}" ]] || bad="replies $i and $((i + 1)) equal"
		((i < 2)) || [[ ${rs[i]} == "${rs[i - 2]}" ]] || bad="reply $((i + 1)) breaks the cycle"
	done
	if [[ -z $bad ]]; then
		ok "$desc (${rs[*]})"
	else
		not_ok "$desc (${rs[*]})" "$bad"
	fi
}

# expect_eventually DESC SECONDS WANT CMD...: CMD prints WANT within
# SECONDS (polled), e.g. a counter that settles after traffic.
expect_eventually() {
	local desc=$1 limit=$2 want=$3 got end
	shift 3
	end=$((SECONDS + limit))
	while :; do
		got=$("$@" 2>&1) || true
		[[ $got == "$want" ]] && { ok "$desc"; return 0; }
		((SECONDS < end)) || break
		sleep 0.2
	done
	not_ok "$desc" "expected: $want" "got:      $got"
}

# skip DESC REASON: one planned check that does not apply here.
skip() {
	T_SKIP=$((T_SKIP + 1))
	echo "ok - $1 # SKIP ${2:-}"
}

# skip_all REASON: the whole test does not apply here; ends the test,
# reported as skipped (not passed).
skip_all() {
	T_SKIP_ALL="$*"
	T_DONE=1
	exit 0
}

# done_testing N: the test got to its end with N checks planned.
done_testing() {
	local ran=$((T_PASS + T_FAIL + T_SKIP))
	if [[ ! ${1:-} =~ ^[0-9]+$ ]]; then
		not_ok "done_testing takes the number of checks planned" \
			"got: '${1:-}'"
	elif ((ran != $1)); then
		not_ok "$1 checks planned, $ran ran"
	fi
	T_PLANNED=${1:-}
	T_RAN_AT_DONE=$((T_PASS + T_FAIL + T_SKIP))
	T_DONE=1
}

# ---- running things

# run_in NS CMD...: runs CMD in namespace NS ("" is the init namespace).
run_in() {
	local ns=$1
	shift
	if [[ -n $ns ]]; then
		ip netns exec "$ns" "$@"
	else
		"$@"
	fi
}

on_client() { run_in "$NS_CLIENT" "$@"; }
on_director() { run_in "$NS_DIRECTOR" "$@"; }
# on_backend A|B CMD...
on_backend() {
	local b=$1
	shift
	run_in "${NS_BACKEND[$b]}" "$@"
}

# show CMD...: runs CMD in the director and prints it with its output
# (and its exit status if not 0).  For the reader only: it never fails.
show() {
	local rc=0
	echo "${NS_DIRECTOR:-director}# $*"
	on_director "$@" 2>&1 || rc=$?
	((rc == 0)) || echo "(exit status $rc)"
}

# bg_start NAME NS CMD...: runs CMD in the background in NS with its
# output in $WORK/NAME.log; it is killed when the test ends.
bg_start() {
	local name=$1 ns=$2
	shift 2
	# No function or subshell in between: $! is CMD's own process.
	if [[ -n $ns ]]; then
		ip netns exec "$ns" "$@" </dev/null >"$WORK/$name.log" 2>&1 &
	else
		"$@" </dev/null >"$WORK/$name.log" 2>&1 &
	fi
	BG_PIDS+=($!)
}

# wait_until SECONDS CMD...: polls CMD every 0.2 s until it succeeds;
# fails after SECONDS.
wait_until() {
	local limit=$1 end
	shift
	end=$((SECONDS + limit))
	until "$@" >/dev/null 2>&1; do
		((SECONDS < end)) || return 1
		sleep 0.2
	done
}

# wait_listen NS tcp|udp PORT [SECONDS]: until a socket listens on PORT.
wait_listen() {
	local ns=$1 proto=$2 port=$3 limit=${4:-20}
	wait_until "$limit" _listening "$ns" "$proto" "$port" ||
		{ not_ok "$proto port $port listening in ${ns:-init ns}"; return 1; }
}

_listening() {
	local flag=-t
	[[ $2 == udp ]] && flag=-u
	[[ -n $(run_in "$1" ss -Hln "$flag" "sport = :$3") ]]
}

# ---- IPVS

# ipvs_ready: the IPVS genetlink family is there (kvs preloaded by vmrun,
# or Debian's ip_vs, loaded here for --ipvs=intree).
ipvs_ready() {
	if ! genl ctrl get name IPVS >/dev/null 2>&1 && [[ $KVS_IPVS == intree ]]; then
		modprobe ip_vs
	fi
	genl ctrl get name IPVS >/dev/null 2>&1 || {
		not_ok "IPVS genetlink family present ($KVS_IPVS)"
		exit 1
	}
}

# ipvs_stats SERVICE [DEST]: "Conns InPkts OutPkts InBytes OutBytes" of a
# service (the second column of its line: 100.100.100.100:80, or the mark
# of a fwmark service) or of one of its dests (10.0.2.11:8000), from
# ipvsadm -L -n --stats --exact in the director.  The in-tree IPVS folds
# its per-CPU counters into these every 2 s: poll for the value expected
# (expect_eventually ... ipvs_stat conns SERVICE) before reading the rest.
ipvs_stats() {
	on_director ipvsadm -L -n --stats --exact | _ipvs_line "$1" "${2:-}" 3 7
}

# ipvs_stat conns|inpkts|outpkts|inbytes|outbytes SERVICE [DEST]
ipvs_stat() {
	local -A col=([conns]=3 [inpkts]=4 [outpkts]=5 [inbytes]=6 [outbytes]=7)
	on_director ipvsadm -L -n --stats --exact |
		_ipvs_line "$2" "${3:-}" "${col[$1]}" "${col[$1]}"
}

# ipvs_conns SERVICE DEST: "ActiveConn InActConn" from ipvsadm -L -n.
ipvs_conns() {
	on_director ipvsadm -L -n | _ipvs_line "$1" "$2" 5 6
}

# Prints fields FROM..TO of the service line, or of the DEST line under it.
_ipvs_line() {
	awk -v svc="$1" -v dst="$2" -v from="$3" -v to="$4" '
		function out(i, s) {
			for (i = from; i <= to; i++) s = s (i > from ? " " : "") $i
			print s; found = 1; exit
		}
		$1 != "->" { insvc = ($2 == svc); if (insvc && dst == "") out() ; next }
		insvc && $2 == dst { out() }
		END { if (!found) print "missing" }'
}

# nat_service -t|-u|-f SERVICE PORT [OPTION...]: an rr service with
# both backends on PORT as masquerading dests (IPv6 ones when SERVICE is
# [ADDR]:PORT or, for a mark, OPTION has -6).  OPTIONs go to ipvsadm -A.
nat_service() {
	local kind=$1 svc=$2 port=$3 b rip v6='' mark6=()
	shift 3
	[[ $svc != \[* ]] || v6=1
	if [[ $kind == -f && " $* " == *" -6 "* ]]; then
		v6=1
		mark6=(-6)
	fi
	on_director ipvsadm -A "$kind" "$svc" -s rr "$@"
	for b in "${BACKENDS[@]}"; do
		rip=${BACKEND_IP[$b]}
		[[ -z $v6 ]] || rip="[${BACKEND_IP6[$b]}]"
		on_director ipvsadm -a "$kind" "$svc" "${mark6[@]}" -r "$rip:$port" -m
	done
}

# expect_rr_http NS URL DESC: four GETs of URL from NS (a client, or
# "" for the init namespace, shown as the director) alternate over the
# backends.  The replies are left in RR_REPLIES.
RR_REPLIES=()
expect_rr_http() {
	local r
	RR_REPLIES=()
	for _ in 1 2 3 4; do
		r=$(http_get "$1" "$2")
		echo "${1:-director}\$ curl $2   ->   $r"
		RR_REPLIES+=("$r")
	done
	expect_alternation "$3" "${RR_REPLIES[@]}"
}

# ---- topology

# topo_up [--director init|NAME] [--prefix P] [--no-vip]: builds the
# topology above and makes it the current one.  The director defaults to
# $KVS_TEST_DIRECTOR or the init namespace; namespaces, director-side
# links and server logs are named with prefix P, so that topologies with
# different prefixes coexist (topo_use switches between them; at most one
# can have its director in the init namespace).  --no-vip leaves out the
# VIP dummy.
# shellcheck disable=SC2120 # arguments are optional
topo_up() {
	local director=${KVS_TEST_DIRECTOR:-init} p='' vip=1 b
	while (($#)); do
		case $1 in
		--director) director=$2; shift ;;
		--prefix) p=$2; shift ;;
		--no-vip) vip= ;;
		*) echo "topo_up: bad argument $1" >&2; return 2 ;;
		esac
		shift
	done
	ipvs_ready
	TOPO_DIRECTOR[".$p"]=$director
	topo_use "$p"
	_netns_add "$NS_CLIENT"
	if [[ -n $NS_DIRECTOR ]]; then
		_netns_add "$NS_DIRECTOR"
	else
		_no_dad ""
	fi
	for b in "${BACKENDS[@]}"; do
		_netns_add "${NS_BACKEND[$b]}"
	done

	local dns=() cns=(-n "$NS_CLIENT")
	[[ -z $NS_DIRECTOR ]] || dns=(-n "$NS_DIRECTOR")
	_link_add "${p}to-cl" eth0 "$NS_CLIENT"
	ip "${cns[@]}" addr add "$CLIENT_IP/24" dev eth0
	ip "${cns[@]}" addr add "$CLIENT_IP6/64" dev eth0 nodad
	ip "${cns[@]}" link set dev eth0 up
	ip "${cns[@]}" route add default via "$DIRECTOR_CLIENT_IP"
	ip "${cns[@]}" -6 route add default via "$DIRECTOR_CLIENT_IP6"
	ip "${dns[@]}" addr add "$DIRECTOR_CLIENT_IP/24" dev "${p}to-cl"
	ip "${dns[@]}" addr add "$DIRECTOR_CLIENT_IP6/64" dev "${p}to-cl" nodad
	ip "${dns[@]}" link set dev "${p}to-cl" up

	ip "${dns[@]}" link add name "${p}br" type bridge
	_link_made "${p}br"
	ip "${dns[@]}" addr add "$DIRECTOR_BACKEND_IP/24" dev "${p}br"
	ip "${dns[@]}" addr add "$DIRECTOR_BACKEND_IP6/64" dev "${p}br" nodad
	ip "${dns[@]}" link set dev "${p}br" up
	for b in "${BACKENDS[@]}"; do
		local bns=(-n "${NS_BACKEND[$b]}")
		_link_add "${p}to-$b" eth0 "${NS_BACKEND[$b]}"
		ip "${dns[@]}" link set dev "${p}to-$b" master "${p}br" up
		ip "${bns[@]}" addr add "${BACKEND_IP[$b]}/24" dev eth0
		ip "${bns[@]}" addr add "${BACKEND_IP6[$b]}/64" dev eth0 nodad
		ip "${bns[@]}" link set dev eth0 up
		ip "${bns[@]}" route add default via "$DIRECTOR_BACKEND_IP"
		ip "${bns[@]}" -6 route add default via "$DIRECTOR_BACKEND_IP6"
	done
	if [[ -n $vip ]]; then
		ip "${dns[@]}" link add name "${p}vip" type dummy
		_link_made "${p}vip"
		ip "${dns[@]}" addr add "$VIP/32" dev "${p}vip"
		ip "${dns[@]}" addr add "$VIP6/128" dev "${p}vip" nodad
		ip "${dns[@]}" link set dev "${p}vip" up
	fi
	on_director sysctl -qw net.ipv4.ip_forward=1
	on_director sysctl -qw net.ipv6.conf.all.forwarding=1
	log "topology up: director in ${NS_DIRECTOR:-the init namespace}"
}

# topo_use P: makes the topology built with prefix P the current one.
topo_use() {
	local p=$1 b director=${TOPO_DIRECTOR[".$1"]}
	TOPO_PREFIX=$p
	NS_CLIENT=${p}client
	NS_DIRECTOR=
	[[ $director == init ]] || NS_DIRECTOR=$p$director
	for b in "${BACKENDS[@]}"; do
		NS_BACKEND[$b]=$p${b,,}
	done
}

# lan_add BRIDGE...: bridges in this namespace, deleted at the end: the
# shared segments of a topology of several directors.
lan_add() {
	local b
	for b; do
		ip link add "$b" type bridge
		LINKS_MADE+=("$b")
		ip link set "$b" up
	done
}

# lan_port NS IFNAME BRIDGE: a veth from NS's IFNAME (up) to BRIDGE.
lan_port() {
	ip link add "$3-$1" type veth peer name "$2" netns "$1"
	LINKS_MADE+=("$3-$1")
	ip link set "$3-$1" master "$3" up
	ip -n "$1" link set "$2" up
}

# New namespaces skip duplicate address detection, so that IPv6
# addresses (link-local ones included) are usable at once.
_netns_add() {
	ip netns add "$1"
	NETNS_MADE+=("$1")
	_no_dad "$1"
	ip -n "$1" link set lo up
}

_no_dad() {
	run_in "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0
}

# _link_add DIRNAME PEERNAME PEERNS: a veth pair, DIRNAME in the director.
_link_add() {
	if [[ -n $NS_DIRECTOR ]]; then
		ip link add name "$1" netns "$NS_DIRECTOR" type veth peer name "$2" netns "$3"
	else
		ip link add name "$1" type veth peer name "$2" netns "$3"
		_link_made "$1"
	fi
}

# Links in the init namespace are deleted at the end; the others go with
# their namespace.
_link_made() {
	[[ -n $NS_DIRECTOR ]] || LINKS_MADE+=("$1")
}

# ---- backend servers

# start_http [PORT]: busybox httpd in each backend; GET / answers the
# backend's name (A or B).
start_http() {
	local port=${1:-8000} b www
	for b in "${BACKENDS[@]}"; do
		www=$WORK/${TOPO_PREFIX}www-$b
		mkdir -p "$www"
		echo "$b" >"$www/index.html"
		bg_start "${TOPO_PREFIX}http-$b" "${NS_BACKEND[$b]}" \
			busybox httpd -f -p "$port" -h "$www"
	done
	for b in "${BACKENDS[@]}"; do
		wait_listen "${NS_BACKEND[$b]}" tcp "$port"
	done
}

# start_tcp_sink [PORT]: nc -l -k in each backend (seed 003); what it
# receives is in the file "$(sink_log A)" (and B).
start_tcp_sink() {
	local port=${1:-8000} b
	for b in "${BACKENDS[@]}"; do
		bg_start "${TOPO_PREFIX}sink-$b" "${NS_BACKEND[$b]}" nc -l -k -p "$port"
	done
	for b in "${BACKENDS[@]}"; do
		wait_listen "${NS_BACKEND[$b]}" tcp "$port"
	done
}

# sink_log A|B: the file with what backend A's sink received.
sink_log() {
	echo "$WORK/${TOPO_PREFIX}sink-$1.log"
}

# start_udp_name [PORT] [4|6]: a UDP server in each backend that answers
# every datagram with the backend's name, over IPv4 (default) or IPv6.
start_udp_name() {
	local port=${1:-9000} fam=${2:-4} b
	for b in "${BACKENDS[@]}"; do
		bg_start "${TOPO_PREFIX}udp$fam-$b" "${NS_BACKEND[$b]}" \
			socat -t 2 "UDP$fam-RECVFROM:$port,fork" "EXEC:echo $b"
	done
	for b in "${BACKENDS[@]}"; do
		wait_listen "${NS_BACKEND[$b]}" udp "$port"
	done
	udp_warm "$port" "$fam"
}

# udp_warm PORT [4|6]: each backend's UDP server on PORT has answered the
# director directly (not through IPVS) once, so that the first query of
# a test does not pay for a cold start on a slow test host.
udp_warm() {
	local b ip
	for b in "${BACKENDS[@]}"; do
		ip=${BACKEND_IP[$b]}
		[[ ${2:-4} == 4 ]] || ip="[${BACKEND_IP6[$b]}]"
		wait_until 20 _udp_answers "$ip" "$1" ||
			not_ok "backend $b answers UDP on port $1"
	done
}

_udp_answers() {
	[[ -n $(echo warm | on_director socat -t 4 -T 4 - "UDP:$1:$2") ]]
}

# http_get NS URL: the body, or nothing on failure (bounded by 5 s).
http_get() {
	run_in "$1" curl -sS --max-time 5 "$2" 2>&1 || true
}

# ---- end of test

# _cleanup: stops the background processes, deletes the links and
# namespaces the test made and its work directory.
_cleanup() {
	local ns l
	kill "${BG_PIDS[@]}" 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "${BG_PIDS[@]}" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL "${BG_PIDS[@]}" 2>/dev/null
	wait 2>/dev/null
	for l in "${LINKS_MADE[@]}"; do
		ip link del "$l" 2>/dev/null
	done
	for ns in "${NETNS_MADE[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$WORK"
}

_finish() {
	local rc=$? verdict
	set +e
	if ((rc != 0)) && [[ -z $T_SKIP_ALL ]]; then
		not_ok "test script stopped early (exit status $rc)" \
			"${T_ERR_AT:-}"
	elif ((!T_DONE)); then
		not_ok "test script ended without done_testing (an early exit?)"
	elif [[ -n $T_RAN_AT_DONE ]] &&
		((T_PASS + T_FAIL + T_SKIP != T_RAN_AT_DONE)); then
		not_ok "checks ran after done_testing"
	fi
	((T_PASS + T_FAIL + T_SKIP > 0)) || [[ -n $T_SKIP_ALL ]] ||
		not_ok "no check ran"
	_cleanup
	echo "# $T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
	if ((T_FAIL > 0)); then
		verdict=FAIL
	elif [[ -n $T_SKIP_ALL ]] || ((T_PASS == 0)); then
		echo "# end: SKIP (${T_SKIP_ALL:-every check skipped})"
		exit 0
	else
		verdict=PASS
	fi
	echo "# end: $verdict ($T_PASS passed, $T_FAIL failed, $T_SKIP skipped" \
		"of ${T_PLANNED:-?} planned)"
	[[ $verdict == PASS ]] || exit 1
	exit 0
}
# set -E: the ERR trap also fires inside functions; the first one is where
# the script stopped.
set -E
T_ERR_AT=
_err_trace() {
	local line=$1 cmd=$2 i at
	[[ -z $T_ERR_AT ]] || return 0
	at="${BASH_SOURCE[1]##*/}:$line"
	for ((i = 1; i < ${#BASH_SOURCE[@]} - 1; i++)); do
		at+=" < ${BASH_SOURCE[i + 1]##*/}:${BASH_LINENO[i]}"
	done
	T_ERR_AT="failed: $cmd (at $at)"
}
trap '_err_trace "$LINENO" "$BASH_COMMAND"' ERR
trap _finish EXIT

# ---- direct routing, tunnels, echo servers (forwarding methods)

# director_dr_router: the director also routes the real servers' direct
# replies (source: the VIP, which is one of its own addresses) toward the
# client, as the router between them would; Linux takes a packet from
# one of its own addresses for a martian unless accept_local is set.
director_dr_router() {
	local p=$TOPO_PREFIX
	on_director sysctl -qw "net.ipv4.conf.${p}br.accept_local=1" \
		"net.ipv4.conf.${p}br.rp_filter=0" net.ipv4.conf.all.rp_filter=0
}

# backend_vip B ADDR...: backend B owns the VIP addresses ADDR (IPv4 /32
# or IPv6 /128) on a dummy device "vips", as DR and tunnel real servers
# do, without answering ARP for them (arp_ignore=1, arp_announce=2).
backend_vip() {
	local b=$1 a ns=${NS_BACKEND[$1]}
	shift
	ip -n "$ns" link show vips >/dev/null 2>&1 ||
		ip -n "$ns" link add name vips type dummy
	ip -n "$ns" link set dev vips up
	for a; do
		if [[ $a == *:* ]]; then
			ip -n "$ns" addr add "$a/128" dev vips nodad
		else
			ip -n "$ns" addr add "$a/32" dev vips
		fi
	done
	on_backend "$b" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2 \
		net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
}

# backend_decap B [GUE_PORT]: backend B takes IPIP, IPv6-in-IPv4 (sit),
# IPv6-in-IPv6 and GRE (v4 and v6 outer) on the fallback devices of
# their modules, IPv4-in-IPv6 on an ip6tnl device of mode any (the
# fallback ip6tnl0 takes IPv6 inside only), and GUE on UDP GUE_PORT
# (default 6080) over both families; reverse path filtering is off,
# since the inner packets come from a client it routes through eth0.
backend_decap() {
	local b=$1 port=${2:-6080} ns=${NS_BACKEND[$1]} d
	modprobe -a ipip sit ip6_tunnel ip_gre ip6_gre fou fou6
	ip -n "$ns" link add name ip6any type ip6tnl mode any \
		local "${BACKEND_IP6[$b]}"
	for d in tunl0 sit0 ip6tnl0 ip6any gre0 ip6gre0; do
		ip -n "$ns" link set dev "$d" up
	done
	ip -n "$ns" fou add port "$port" gue
	ip -n "$ns" fou add port "$port" gue -6
	on_backend "$b" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
	for d in eth0 tunl0 sit0 ip6any gre0; do
		on_backend "$b" sysctl -qw "net.ipv4.conf.$d.rp_filter=0"
	done
}

# start_echo NAME NS PORT [ADDR...]: TCP, UDP and SCTP servers on PORT in
# NS that send back what they receive and append it to the file
# "$(echo_log NAME)".  TCP and UDP listen on any address of either
# family.  A reply must leave from the address the client spoke to, which
# a wildcard UDP or SCTP socket does not ensure (it picks by route), so
# with ADDRs (the host's own addresses and the VIPs it owns, for direct
# routing and tunnels) each gets UDP and SCTP servers bound to it, and no
# SCTP server listens on the wildcard.
start_echo() {
	local name=$1 ns=$2 port=$3 log a b f
	shift 3
	log=$(echo_log "$name")
	: >"$log"
	modprobe sctp 2>/dev/null || true
	# -t 10: the reply may still be on its way when the request ends.
	bg_start "$name-tcp" "$ns" socat -t 10 \
		"TCP6-LISTEN:$port,reuseaddr,fork,ipv6only=0" "SYSTEM:tee -a $log"
	bg_start "$name-udp" "$ns" socat -t 10 \
		"UDP6-RECVFROM:$port,reuseaddr,fork,ipv6only=0" "SYSTEM:tee -a $log"
	(($#)) || bg_start "$name-sctp" "$ns" socat -t 10 \
		"SCTP6-LISTEN:$port,reuseaddr,fork,ipv6only=0" "SYSTEM:tee -a $log"
	# socat's UDP- and SCTP- addresses are IPv4 sockets, which cannot
	# bind an IPv6 address: those get UDP6- and SCTP6- ones.
	for a; do
		b=$a
		f=
		[[ $a == *:* ]] && b="[$a]" f=6
		bg_start "$name-udp-$a" "$ns" socat -t 10 \
			"UDP$f-RECVFROM:$port,reuseaddr,fork,bind=$b" "SYSTEM:tee -a $log"
		bg_start "$name-sctp-$a" "$ns" socat -t 10 \
			"SCTP$f-LISTEN:$port,reuseaddr,fork,bind=$b" "SYSTEM:tee -a $log"
	done
	wait_listen "$ns" tcp "$port"
	wait_listen "$ns" udp "$port"
}

echo_log() {
	echo "$WORK/${TOPO_PREFIX}echo-$1.log"
}

# echo_through PROTO ADDR PORT FILE: sends FILE from the client to
# ADDR:PORT over tcp, udp (one datagram) or sctp and prints what came back
# as soon as all of it is there (at most 15 s).  The client keeps its end
# open meanwhile: UDP has no end, and SCTP no half-close.
echo_through() {
	local proto=$1 addr=$2 port=$3 file=$4 peer out pid rc=0
	peer=$addr
	[[ $addr == *:* ]] && peer="[$addr]"
	case $proto in
	tcp) peer="TCP:$peer:$port" ;;
	udp) peer="UDP:$peer:$port" ;;
	sctp) peer="SCTP-CONNECT:$peer:$port,shut-none" ;;
	esac
	out=$WORK/${TOPO_PREFIX}echo-through.out
	: >"$out"
	ip netns exec "$NS_CLIENT" socat -t 15 -T 15 - "$peer" <"$file" >"$out" &
	pid=$!
	wait_until 15 _size_ge "$out" "$(stat -c %s "$file")" || rc=1
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	cat "$out"
	return "$rc"
}

# _size_ge FILE N: FILE holds at least N bytes.
_size_ge() {
	(($(stat -c %s "$1") >= $2))
}

# backend_gre_csum B: GRE packets to backend B's own addresses must carry
# a checksum (a GRE device takes only packets whose checksum flag matches
# its icsum setting, and this one is more specific than gre0).
backend_gre_csum() {
	local ns=${NS_BACKEND[$1]}
	ip -n "$ns" link add name grec type gre local "${BACKEND_IP[$1]}" icsum
	ip -n "$ns" link set dev grec up
	on_backend "$1" sysctl -qw net.ipv4.conf.grec.rp_filter=0
	if declare -p BACKEND_IP6 >/dev/null 2>&1; then
		ip -n "$ns" link add name grec6 type ip6gre local "${BACKEND_IP6[$1]}" icsum
		ip -n "$ns" link set dev grec6 up
	fi
}

# ---- storms (unload_storm, churn, netns_churn, mem_pressure, sync_fuzz)

# storm_count NAME DEFAULT FULL: a storm's count.  KVS_TEST_NAME if set,
# else FULL under KVS_TEST_STORM_SCALE=full (issue 18's counts, for the
# debug test host), else DEFAULT (small enough for make check).
storm_count() {
	local var=KVS_TEST_$1
	if [[ -n ${!var:-} ]]; then
		echo "${!var}"
	elif [[ ${KVS_TEST_STORM_SCALE:-} == full ]]; then
		echo "$3"
	else
		echo "$2"
	fi
}

# storm_figure NAME WORDS...: the storm's one-line figure, "storm NAME:
# WORDS", printed as is (not a comment) so that logs can be grepped.
storm_figure() {
	local name=$1
	shift
	echo "storm $name: $*"
}

# ---- long-lived echo connections (sync, churn, keepalived, fleet)

# echo_conn NAME NS PEER INTERVAL STOP: a connection from NS to the
# socat address PEER (TCP:ADDR:PORT[,bind=...], an echo server behind it)
# that sends "NAME 1", "NAME 2", ... every INTERVAL seconds until the file
# STOP exists, then "NAME end N" (N lines sent) and closes 2 s later.  The
# echoes land in $WORK/NAME.log, the count sent so far in
# $WORK/NAME.sent.  The loop forks nothing per line (read -t waits).  A
# server may put its name, a capital letter and "-", before each line it
# echoes ("A-NAME 3"): echo_conn_servers lists who answered.
echo_conn() {
	local name=$1 ns=$2 peer=$3 every=$4 stop=$5
	bg_start "$name" "$ns" bash -c "exec 3<> <(:)
		(n=0; while [ ! -e $stop ]; do
			n=\$((n + 1)); echo $name \$n; echo \$n >$WORK/$name.sent
			read -r -t $every -u 3 || true
		done
		echo $name end \$n; sleep 2) | socat -t 10 - $peer"
}

# echo_conn_echoed NAME: the numbered lines that came back.
echo_conn_echoed() {
	grep -cE "^([A-Z]-)?$1 [0-9]" "$WORK/$1.log" || true
}

# echo_conn_servers NAME: the servers that put their names on its echoes.
echo_conn_servers() {
	sed -n "s/^\([A-Z]\)-$1 .*/\1/p" "$WORK/$1.log" | sort -u | xargs
}

# echo_conn_complete NAME: NAME sent its end line and got every line back.
echo_conn_complete() {
	local n
	n=$(awk -v c="$1" '{ sub(/^[A-Z]-/, "", $1) } $1 == c && $2 == "end" { print $3 }' "$WORK/$1.log")
	[[ -n $n ]] && (($(echo_conn_echoed "$1") == n))
}

_echo_conns_complete() {
	local c
	for c; do
		echo_conn_complete "$c" || return 1
	done
}

# echo_conns_lost SECONDS NAME...: once the connections have been told
# to stop, waits up to SECONDS for all to complete, then prints "LOST
# LINES_LOST": the connections that did not, and the lines sent but not
# echoed back; each one lost is logged.
echo_conns_lost() {
	local limit=$1 c lost=0 lines=0 sent
	shift
	wait_until "$limit" _echo_conns_complete "$@" || true
	for c; do
		echo_conn_complete "$c" && continue
		lost=$((lost + 1))
		sent=$(cat "$WORK/$c.sent" 2>/dev/null || echo 0)
		lines=$((lines + sent - $(echo_conn_echoed "$c")))
		log "$c lost: $sent sent, $(echo_conn_echoed "$c") echoed, last: $(tail -n 1 "$WORK/$c.log")" >&2
	done
	echo "$lost $lines"
}

# ---- memory defense (defense, mem_pressure)

# defense_modes: "drop_entry drop_packet secure_tcp" as the director's
# sysctls read.
defense_modes() {
	local s vals=()
	for s in drop_entry drop_packet secure_tcp; do
		vals+=("$(on_director sysctl -n "net.ipv4.vs.$s")")
	done
	echo "${vals[*]}"
}

# drop_defense: kvs's count of packets drop_packet dropped.
drop_defense() {
	# shellcheck disable=SC2016 # awk's fields
	on_director awk '$1 == "drop_defense" { print $2 }' /proc/net/kvs_stats
}
