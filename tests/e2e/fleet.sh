#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: also intree
# A fleet of three directors behind a router's ECMP, as sites scale out:
# Debian's bird2 in all four namespaces, each director announcing the VIP
# /32 over eBGP, the router merging the three into one multipath route
# (layer-4 hash).  Every director runs mh over the same three real servers
# (direct routing) and both sync daemons, so that each learns the
# connections the others carry.  20 long-lived TCP connections from 4
# client addresses echo a line every 200 ms; they spread over the
# directors.  Then the director carrying the most is stopped (its bird
# ends, BGP withdraws it, then its namespace goes, with its table): ECMP
# rehashes and every connection goes on through the other two, to the
# same real server.  It comes back as a rebooted one would (a new
# namespace, its sync daemons first, bird once it has learned the table):
# ECMP rehashes again and still no connection is lost.  sloppy_tcp stays
# 0, so a director that had not learned a connection would answer its
# next segment with a reset: the connections survive by sync alone.
#
# Under kvs the directors add the real servers in different orders, with
# mh's flag-3 (a table independent of that order); in-tree's mh has no
# such flag, so there they add them in the same order.
#
#  cl 10.0.1.2-.5 --[lan]-- rt 10.0.1.1 / 10.0.2.1 --[dc]-- d1 d2 d3 10.0.2.11-13
#                                                     \---- ba bb bc 10.0.2.21-23
#  VIP 100.100.100.100: on d1-d3 (dummy "vip", announced) and on the real
#  servers (dummy "vips", not answering ARP); sync multicast on dc.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

command -v bird >/dev/null ||
	skip_all "bird2 is not in the test host image (scripts/deps, scripts/vm/mkimage)"

DIRS=(d1 d2 d3)
declare -A DIP=([d1]=10.0.2.11 [d2]=10.0.2.12 [d3]=10.0.2.13)
REALS=(ba bb bc)
declare -A RIP=([ba]=10.0.2.21 [bb]=10.0.2.22 [bc]=10.0.2.23)
CLIENTS=(10.0.1.2 10.0.1.3 10.0.1.4 10.0.1.5)
STOP=$WORK/stop		# the talkers end once this exists
NCONN=20

ns() { ip netns exec "$@"; }

# director_up D: director D's namespace, on dc, with the VIP on its dummy.
director_up() {
	_netns_add "$1"
	lan_port "$1" eth0 dc
	ip -n "$1" addr add "${DIP[$1]}/24" dev eth0
	ip -n "$1" route add default via 10.0.2.1
	ip -n "$1" link add vip type dummy
	ip -n "$1" addr add "$VIP/32" dev vip
	ip -n "$1" link set vip up
}

topo() {
	local n a
	ipvs_ready
	for n in cl rt "${REALS[@]}"; do
		_netns_add "$n"
	done
	lan_add lan dc
	lan_port cl eth0 lan
	lan_port rt lan lan
	lan_port rt dc dc
	for n in "${REALS[@]}"; do
		lan_port "$n" eth0 dc
	done
	for a in "${CLIENTS[@]}"; do
		ip -n cl addr add "$a/24" dev eth0
	done
	ip -n cl route add default via 10.0.1.1
	ip -n rt addr add 10.0.1.1/24 dev lan
	# As a production router: fq on its links, a smaller MTU toward the
	# clients than inside, conntrack dropping what it finds invalid.
	ip -n rt link set lan mtu 1400
	ip -n cl link set eth0 mtu 1400
	tc -n rt qdisc replace dev lan root fq
	tc -n rt qdisc replace dev dc root fq
	ns rt iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP
	ip -n rt addr add 10.0.2.1/24 dev dc
	# Layer-4 hashing, so that one client's connections spread.
	ns rt sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.fib_multipath_hash_policy=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.dc.rp_filter=0
	for n in "${DIRS[@]}"; do
		director_up "$n"
	done
	for n in "${REALS[@]}"; do
		ip -n "$n" addr add "${RIP[$n]}/24" dev eth0
		ip -n "$n" route add default via 10.0.2.1
		ip -n "$n" link add vips type dummy
		ip -n "$n" addr add "$VIP/32" dev vips
		ip -n "$n" link set vips up
		ns "$n" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
			net.ipv4.conf.all.arp_announce=2 \
			net.ipv4.conf.eth0.arp_ignore=1 \
			net.ipv4.conf.eth0.arp_announce=2
	done
}

# BGP timers: a session's end is seen at once (bird's close or cease), so
# the hold time only covers a host stalled under emulation; a session that
# ended is retried within seconds, not bird's default minute.  The router
# is passive: with both ends connecting, BGP's collision resolution may
# close a session just established, and the route's nexthops would
# change under connections not synced yet.
BGP_TIMERS='hold time 30; keepalive time 10; connect retry time 2;
	error wait time 1, 5;'

rt_conf() {
	local n
	cat <<EOF
log stderr all;
debug protocols { states };
router id 10.0.2.1;
protocol device { }
protocol kernel {
	ipv4 { import none; export all; };
	merge paths on;
}
template bgp director {
	local 10.0.2.1 as 65000;
	passive on;
	$BGP_TIMERS
	ipv4 { import all; export none; };
}
EOF
	for n in "${DIRS[@]}"; do
		echo "protocol bgp dir_$n from director { neighbor ${DIP[$n]} as 65001; }"
	done
}

# dir_conf D: director D announces the VIP while its dummy holds it.
dir_conf() {
	cat <<EOF
log stderr all;
router id ${DIP[$1]};
protocol device { }
protocol direct { ipv4; interface "vip"; }
protocol bgp uplink {
	local ${DIP[$1]} as 65001;
	neighbor 10.0.2.1 as 65000;
	$BGP_TIMERS
	ipv4 { import none; export where net = $VIP/32; };
}
EOF
}

# bird_start NS CONF: bird in the foreground in NS, its socket its own,
# in a session of its own (see keepalived.sh).
bird_start() {
	"$2" "${@:3}" >"$WORK/$1.bird.conf"
	bg_start "bird-$1" "$1" setsid bird -f -c "$WORK/$1.bird.conf" \
		-s "$WORK/$1.ctl" -P "$WORK/$1.bird.pid"
}

# nexthops: how many directors the router's route to the VIP goes through.
nexthops() {
	ip -n rt route show "$VIP/32" | grep -oE 'via 10\.0\.2\.1[1-3]' | sort -u | wc -l
}

# ipvs_up D: D's virtual service and sync daemons, as its boot sets them
# up.  The real servers' order is D's own under kvs (flag-3).
ipvs_up() {
	local d=$1 order=("${REALS[@]}") flags=mh-port r
	if [[ $KVS_IPVS == kvs ]]; then
		flags+=,flag-3
		case $d in
		d2) order=(bc ba bb) ;;
		d3) order=(bb bc ba) ;;
		esac
	fi
	ns "$d" sysctl -qw net.ipv4.vs.sloppy_tcp=0
	ns "$d" ipvsadm -A -t "$VIP:80" -s mh -b "$flags"
	for r in "${order[@]}"; do
		ns "$d" ipvsadm -a -t "$VIP:80" -r "${RIP[$r]}:80" -g
	done
	ns "$d" ipvsadm --start-daemon master --mcast-interface eth0 --syncid 9
	ns "$d" ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 9
}

# conns D [ORIGIN]: D's established TCP entries of VIP:80, of ORIGIN
# (LOCAL: scheduled there; SYNC: learned) if given, from
# /proc/net/ip_vs_conn_sync (addresses in hex: VIP:80 is 64646464 0050).
conns() {
	ns "$1" cat /proc/net/ip_vs_conn_sync 2>/dev/null |
		awk -v o="${2:-}" '$1 == "TCP" && $4 == "64646464" && $5 == "0050" &&
			$8 == "ESTABLISHED" && (o == "" || $9 == o) { n++ }
			END { print n + 0 }'
}

# dests D: "CLIENT:PORT DEST" of D's TCP entries of VIP:80, sorted.
dests() {
	ns "$1" ipvsadm -L -c -n | awk -v v="$VIP:80" \
		'$1 == "TCP" && $3 == "ESTABLISHED" && $5 == v { print $4, $6 }' | sort
}

# inpkts D...: the InPkts of VIP:80 summed over directors D.
inpkts() {
	local d
	for d; do
		ns "$d" ipvsadm -L -n --stats --exact | awk -v v="$VIP:80" '$2 == v { print $4 }'
	done | awk '{ s += $1 } END { print s + 0 }'
}

# conn I FROM: TCP connection I from client address FROM through the
# VIP, a line every 200 ms until $STOP exists; its real server puts its
# name before each echo.
conn() { echo_conn "conn$1" cl "TCP:$VIP:80,bind=$2" 0.2 "$STOP"; }

# answered I: how many echoes connection I got so far.
answered() { echo_conn_echoed "conn$1"; }

topo
for r in "${REALS[@]}"; do
	l=${r#b}
	bg_start "echo-$r" "$r" socat TCP-LISTEN:80,reuseaddr,fork \
		"EXEC:sed -u s/^/${l^^}-/"
done
for r in "${REALS[@]}"; do
	wait_listen "$r" tcp 80
done
for d in "${DIRS[@]}"; do
	ipvs_up "$d"
done
# For the reader of a failure: who resets a connection (the MACs say
# which director or real server sent it).
bg_start rst-dump rt tcpdump -l -n -e -i dc 'tcp[tcpflags] & tcp-rst != 0'
bird_start rt rt_conf
for d in "${DIRS[@]}"; do
	bird_start "$d" dir_conf "$d"
done
expect_eventually "the router's route to the VIP goes through the 3 directors" \
	60 3 nexthops
ip -n rt route show "$VIP/32" | sed 's/^/# rt: /'

for ((i = 1; i <= NCONN; i++)); do
	conn "$i" "${CLIENTS[(i - 1) % 4]}"
done
# shellcheck disable=SC2317 # called through expect_eventually
all_talking() {
	local i n=0
	for ((i = 1; i <= NCONN; i++)); do
		(($(answered "$i") >= 3)) && n=$((n + 1))
	done
	echo "$n"
}
expect_eventually "the $NCONN connections are answered" 60 "$NCONN" all_talking

# Where ECMP put them: each director's own (LOCAL) entries.
declare -A own=()
most=d1
for d in "${DIRS[@]}"; do
	own[$d]=$(conns "$d" LOCAL)
	((own[$d] > own[$most])) && most=$d
done
log "connections scheduled by d1 ${own[d1]}, d2 ${own[d2]}, d3 ${own[d3]}"
carriers=0
for d in "${DIRS[@]}"; do
	((own[$d] > 0)) && carriers=$((carriers + 1))
done
expect_cmp "ECMP spread the connections over more than one director" \
	"$carriers" -ge 2
# shellcheck disable=SC2317 # called through expect_eventually
everywhere() { echo "$(conns d1) $(conns d2) $(conns d3)"; }
expect_eventually "each director holds all $NCONN connections (its own and synced)" \
	90 "$NCONN $NCONN $NCONN" everywhere
# mh under every director: the same real server for each connection.
expect_eq "d2 agrees with d1 on every connection's real server" \
	"$(dests d1)" "$(dests d2)"
expect_eq "d3 agrees with d1 on every connection's real server" \
	"$(dests d1)" "$(dests d3)"

# $most is stopped: bird first (the router withdraws it), then the
# machine goes, its namespace deleted with its table and sync daemons.
others=()
for d in "${DIRS[@]}"; do
	[[ $d == "$most" ]] || others+=("$d")
done
before=$(inpkts "${others[@]}")
log "$most is stopped"
kill -TERM "$(cat "$WORK/$most.bird.pid")"
expect_eventually "BGP withdrew $most: the route goes through 2 directors" \
	30 2 nexthops
ip netns del "$most"
declare -A mid=()
sleep 6
for ((i = 1; i <= NCONN; i++)); do
	mid[$i]=$(answered "$i")
done
sleep 4
stalled=0
for ((i = 1; i <= NCONN; i++)); do
	(($(answered "$i") > mid[$i])) || {
		stalled=$((stalled + 1))
		log "conn$i: no echo in the 4 s after $most went: $(tail -n 1 "$WORK/conn$i.log")"
	}
done
expect_eq "connections answered through the 2 directors left" 0 "$stalled"
after=$(inpkts "${others[@]}")
expect_cmp "the other directors' InPkts grew by the traffic $most carried" \
	"$((after - before))" -gt 100

# $most comes back as a rebooted machine: a new namespace, configured
# anew; its sync daemons learn the table, then bird announces it and
# ECMP gives it its share again.
log "$most comes back"
director_up "$most"
ipvs_up "$most"
# shellcheck disable=SC2317 # called through expect_eventually
relearned() { conns "$most" SYNC; }
expect_eventually "back, $most learned the $NCONN connections from the others' sync" \
	90 "$NCONN" relearned
bird_start "$most" dir_conf "$most"
expect_eventually "BGP took $most back: the route goes through the 3 directors" \
	60 3 nexthops
sleep 6
touch "$STOP"
# shellcheck disable=SC2317 # called through wait_until
all_done() {
	local i
	for ((i = 1; i <= NCONN; i++)); do
		echo_conn_complete "conn$i" || return 1
	done
}
wait_until 60 all_done || true
lost=0
moved=0
for ((i = 1; i <= NCONN; i++)); do
	echo_conn_complete "conn$i" || {
		lost=$((lost + 1))
		log "conn$i: $(tail -n 1 "$WORK/conn$i.log")"
	}
	[[ $(echo_conn_servers "conn$i") == [ABC] ]] || {
		moved=$((moved + 1))
		log "conn$i: echoed by $(echo_conn_servers "conn$i")"
	}
done
expect_eq "TCP connections lost over the stop and the return" 0 "$lost"
expect_eq "TCP connections that changed real server" 0 "$moved"
# Traffic reached $most again after its return.
back=$(inpkts "$most")
log "$most InPkts of $VIP:80 since its return: ${back:-0}"
expect_cmp "back, $most carries traffic again" "${back:-0}" -gt 0

grep -E 'state changed|State changed|Error|Received' "$WORK/bird-rt.log" | sed 's/^/# bird rt: /' || true
if ((T_FAIL)); then
	sed 's/^/# reset seen on dc: /' "$WORK/rst-dump.log"
	for n in "${DIRS[@]}" "${REALS[@]}"; do
		echo "# $n: $(ip -n "$n" link show eth0 | awk '/ether/ { print $2 }')"
	done
	for d in rt "${DIRS[@]}"; do
		tail -n 20 "$WORK/bird-$d.log" | sed "s/^/# bird $d: /"
		ns "$d" ipvsadm -L -n --stats 2>/dev/null | sed "s/^/# $d: /"
	done
fi
done_testing 14
