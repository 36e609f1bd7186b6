#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: also intree
# An HA pair driven by Debian's keepalived, as sites run one: two
# director namespaces, each with its own keepalived, one VRRP instance on
# the client segment that moves the VIP and the real servers' gateway,
# the same virtual servers (a persistent TCP one, a UDP one, NAT) and
# "lvs_sync_daemon in VI_1" in global_defs, so that keepalived starts
# the sync daemon's master where the instance is MASTER and its backup
# elsewhere.  20 long-lived TCP connections (5 from each of 4 client
# addresses) echo a line every 200 ms and 4 UDP flows send a datagram
# every 200 ms; then d1 dies (its keepalived killed with SIGKILL, its
# links down): d2's keepalived takes the addresses and the master
# daemon, every TCP connection goes on to its end on its real server
# (lost: 0), every UDP flow is answered again by its real server, and a
# client's next connection goes where its synced persistence template
# says.
#
#  cl 10.0.1.2-.5,.9 --[lan]-- d1 10.0.1.11 --[inner]-- A 10.0.2.11
#                          \-- d2 10.0.1.12 --/     \-- B 10.0.2.12
#  VRRP VI_1 on lan: VIP 10.0.1.100 (lan) and gateway 10.0.2.254 (inner,
#  d1 in 10.0.2.101, d2 in 10.0.2.102); sync daemon on inner.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

command -v keepalived >/dev/null ||
	skip_all "keepalived is not in the test host image (scripts/deps, scripts/vm/mkimage)"

VIP=10.0.1.100
GW=10.0.2.254
STOP=$WORK/stop		# the talkers end once this exists
CLIENTS=(10.0.1.2 10.0.1.3 10.0.1.4 10.0.1.5)
SHIFT=10.0.1.9		# one connection first, so that rr's pick moves on

ns() { ip netns exec "$@"; }

topo() {
	local n a
	ipvs_ready
	for n in cl d1 d2 ba bb; do
		_netns_add "$n"
	done
	lan_add lan inner
	lan_port cl eth0 lan
	lan_port d1 lan lan
	lan_port d2 lan lan
	lan_port d1 in inner
	lan_port d2 in inner
	lan_port ba eth0 inner
	lan_port bb eth0 inner
	for a in "${CLIENTS[@]}" "$SHIFT"; do
		ip -n cl addr add "$a/24" dev eth0
	done
	ip -n d1 addr add 10.0.1.11/24 dev lan
	ip -n d2 addr add 10.0.1.12/24 dev lan
	ip -n d1 addr add 10.0.2.101/24 dev in
	ip -n d2 addr add 10.0.2.102/24 dev in
	ip -n ba addr add 10.0.2.11/24 dev eth0
	ip -n bb addr add 10.0.2.12/24 dev eth0
	for n in ba bb; do
		ip -n "$n" route add default via "$GW"
	done
	for n in d1 d2; do
		ns "$n" sysctl -qw net.ipv4.ip_forward=1
	done
}

# kconf D STATE PRIORITY: director D's keepalived.conf.
kconf() {
	cat <<EOF
global_defs {
	router_id $1
	lvs_sync_daemon in VI_1 id 7
}
vrrp_instance VI_1 {
	state $2
	interface lan
	virtual_router_id 51
	priority $3
	advert_int 1
	virtual_ipaddress {
		$VIP/24 dev lan
		$GW/24 dev in
	}
}
virtual_server $VIP 80 {
	lb_algo rr
	lb_kind NAT
	protocol TCP
	persistence_timeout 600
	real_server 10.0.2.11 8000 {
		weight 1
	}
	real_server 10.0.2.12 8000 {
		weight 1
	}
}
virtual_server $VIP 9000 {
	lb_algo rr
	lb_kind NAT
	protocol UDP
	real_server 10.0.2.11 9000 {
		weight 1
	}
	real_server 10.0.2.12 9000 {
		weight 1
	}
}
EOF
}

# keepalived_start D STATE PRIORITY: keepalived in the foreground in D,
# its pid files its own (two run on one host), in a session of its own:
# stopped processes in the test's process group would have the kernel
# send the whole group SIGHUP when one of them dies.
keepalived_start() {
	kconf "$@" >"$WORK/$1.conf"
	bg_start "keepalived-$1" "$1" setsid keepalived --dont-fork --log-console \
		--log-detail --use-file="$WORK/$1.conf" --pid="$WORK/$1.pid" \
		--vrrp_pid="$WORK/$1-vrrp.pid" --checkers_pid="$WORK/$1-chk.pid" \
		--bfd_pid="$WORK/$1-bfd.pid"
}

# conn I FROM: TCP connection I from client address FROM through the
# VIP, a line every 200 ms until $STOP exists; its real server puts its
# name before each echo.
conn() { echo_conn "conn$1" cl "TCP:$VIP:80,bind=$2" 0.2 "$STOP"; }

# flow K: UDP flow K from 10.0.1.2:700K; each datagram answered A or B.
flow() { echo_conn "flow$1" cl "UDP:$VIP:9000,bind=10.0.1.2:700$1" 0.2 "$STOP"; }

# served_by FROM: the real server (A or B) a new connection from FROM
# reaches, from its echo.
served_by() {
	echo p | ns cl socat -t 5 -T 5 - "TCP:$VIP:80,bind=$1" 2>/dev/null |
		sed -n 's/^\([AB]\)-p$/\1/p'
}

# first_echo I: connection I got an echo; prints its real server.
first_echo() {
	sed -n "s/^\([AB]\)-conn$1 [0-9]*$/\1/p" "$WORK/conn$1.log" | head -n 1 | grep .
}

# synced D PROTO PORT STATE: entries of VIP:PORT in STATE on director D.
synced() {
	ns "$1" ipvsadm -L -c -n | awk -v p="$2" -v v="$VIP:$3" -v s="$4" \
		'$1 == p && $5 == v && $3 == s { n++ } END { print n + 0 }'
}

# templates D: "CLIENT DEST" of the templates of VIP:80 on D, sorted.
templates() {
	ns "$1" ipvsadm -L -c -n | awk -v v="$VIP:80" \
		'$1 == "TCP" && ($3 == "NONE" || $3 == "ASSURED") && $5 == v {
			split($4, c, ":"); print c[1], $6 }' | sort
}

daemon_of() {
	ns "$1" ipvsadm -L --daemon 2>&1 | awk '{ print $1 }' | sort | xargs
}

topo
for b in ba bb; do
	n=${b#b}
	n=${n^^}
	bg_start "echo-$b" "$b" socat TCP-LISTEN:8000,reuseaddr,fork \
		"EXEC:sed -u s/^/$n-/"
	bg_start "udp-$b" "$b" socat UDP-RECVFROM:9000,fork "EXEC:echo $n"
done
for b in ba bb; do
	wait_listen "$b" tcp 8000
	wait_listen "$b" udp 9000
done

keepalived_start d1 MASTER 150
keepalived_start d2 BACKUP 100
# shellcheck disable=SC2317 # called through expect_eventually
holds() { ip -n "$1" -4 addr show | grep -cE " ($VIP|$GW)/" || true; }
expect_eventually "d1's keepalived is MASTER: it holds the VIP and the gateway" \
	30 2 holds d1
# shellcheck disable=SC2317 # called through expect_eventually
daemons() { echo "$(daemon_of d1) $(daemon_of d2)"; }
expect_eventually "d1 runs the master sync daemon, d2 the backup" 30 \
	"master backup" daemons
# shellcheck disable=SC2317 # called through expect_eventually
dests() { ns d2 ipvsadm -L -n | grep -c '^ *-> 10.0.2.1[12]:8000 *Masq'; }
expect_eventually "d2's keepalived set up the same virtual servers" 30 2 dests
ns d1 ipvsadm -L -n | sed 's/^/# d1: /'

# One connection from $SHIFT, then the first of each client's in turn:
# with rr under persistence, the clients alternate from the other real
# server.  A backup without the templates would give them the
# alternation from the same one: its rr starts where d1's did.
shift=$(served_by "$SHIFT")
other() { [[ $1 == A ]] && echo B || echo A; }
log "the connection from $SHIFT went to ${shift:-nowhere}"
i=0
for a in "${CLIENTS[@]}"; do
	i=$((i + 1))
	conn "$i" "$a"
	wait_until 30 first_echo "$i" || true
done
for ((i = 5; i <= 20; i++)); do
	conn "$i" "${CLIENTS[(i - 1) % 4]}"
done
for k in 1 2 3 4; do
	flow "$k"
done
map=
for i in 1 2 3 4; do
	map+="${CLIENTS[i - 1]} $(first_echo "$i" || echo none);"
done
o=$(other "$shift")
expect_eq "persistence on d1: the 4 clients alternate, from the server $SHIFT did not get" \
	"10.0.1.2 $o;10.0.1.3 $shift;10.0.1.4 $o;10.0.1.5 $shift;" "$map"
want_tpl=$(for i in 1 2 3 4; do
	a=${CLIENTS[i - 1]}
	d=$(first_echo "$i" || echo none)
	[[ $d == A ]] && d=10.0.2.11:8000 || d=10.0.2.12:8000
	echo "$a $d"
done)

expect_eventually "d2 holds the 20 TCP connections, established" \
	90 20 synced d2 TCP 80 ESTABLISHED
expect_eventually "d2 holds the 4 UDP flows" 60 4 synced d2 UDP 9000 UDP
# shellcheck disable=SC2317 # called through expect_eventually
tpl_synced() { templates d2 | grep -vF "$SHIFT " || true; }
expect_eventually "d2 holds the 4 clients' persistence templates" 60 \
	"$want_tpl" tpl_synced
ns d2 ipvsadm -L -c -n | sed 's/^/# d2: /'
if [[ $KVS_IPVS == kvs ]]; then
	ns d2 cat /proc/net/kvs_sync | sed 's/^/# d2 kvs_sync: /'
fi
before=$(ns d2 ipvsadm -L -n --stats --exact | awk -v v="$VIP:80" '$2 == v { print $4 }')
declare -A udp_before=()
for k in 1 2 3 4; do
	udp_before[$k]=$(grep -c . "$WORK/flow$k.log" || true)
done

# d1 dies as a machine that stops: no VRRP goodbye, no cleanup.  Its
# keepalived processes are frozen first (a child whose parent is killed
# gets SIGTERM and would say goodbye), its links go down, then SIGKILL.
log "d1 dies: its keepalived stopped and killed (SIGSTOP, SIGKILL), its links down"
kpids=()
for p in $(ip netns pids d1); do
	if [[ $(cat "/proc/$p/comm" 2>/dev/null) == keepalived ]]; then
		kpids+=("$p")
	fi
done
kill -STOP "${kpids[@]}"
ip -n d1 link set lan down
ip -n d1 link set in down
kill -KILL "${kpids[@]}"
t0=$SECONDS
expect_eventually "d2's keepalived took the VIP and the gateway" 30 2 holds d2
log "d2 holds the addresses $((SECONDS - t0)) s after d1 died"
expect_eventually "d2's keepalived moved the master sync daemon to d2" 30 \
	master daemon_of d2

# Some lines through d2, then every talker ends.
sleep 6
declare -A udp_mid=()
for k in 1 2 3 4; do
	udp_mid[$k]=$(grep -c . "$WORK/flow$k.log" || true)
done
sleep 2
touch "$STOP"
# complete I: connection I got every line back, up to its end line.
complete() { echo_conn_complete "conn$1"; }
all_done() {
	local i
	for i in $(seq 1 20); do
		complete "$i" || return 1
	done
}
wait_until 60 all_done || true
lost=0
moved=0
for i in $(seq 1 20); do
	complete "$i" || {
		lost=$((lost + 1))
		log "conn$i: $(tail -n 1 "$WORK/conn$i.log")"
	}
	[[ $(echo_conn_servers "conn$i") == [AB] ]] || {
		moved=$((moved + 1))
		log "conn$i: echoed by both real servers"
	}
done
expect_eq "TCP connections lost in the failover" 0 "$lost"
expect_eq "TCP connections that changed real server" 0 "$moved"

# A UDP flow went on when d2 answers it again, from the same server.
ulost=0
for k in 1 2 3 4; do
	got=$(grep -c . "$WORK/flow$k.log" || true)
	servers=$(sort -u "$WORK/flow$k.log" | xargs)
	log "flow$k: ${udp_before[$k]} answers before, ${udp_mid[$k]} 6 s after," \
		"$got in all, from: $servers"
	if ((got <= udp_mid[$k])) || [[ $servers != A && $servers != B ]]; then
		ulost=$((ulost + 1))
	fi
done
expect_eq "UDP flows lost in the failover (answered again by their server)" \
	0 "$ulost"

after=$(ns d2 ipvsadm -L -n --stats --exact | awk -v v="$VIP:80" '$2 == v { print $4 }')
log "d2 InPkts of $VIP:80: $before before the failover, $after after"
expect_cmp "the connections' packets crossed d2" "${after:-0}" -gt "${before:-0}"

# Persistence survived: each client's next connection goes to its
# template's real server (without the templates, d2's rr would pick
# the other one for each).
map2=
for a in "${CLIENTS[@]}"; do
	map2+="$a $(served_by "$a");"
done
expect_eq "after the failover each client's new connection follows its template" \
	"$map" "$map2"

if ((T_FAIL)); then
	for d in d1 d2; do
		tail -n 30 "$WORK/keepalived-$d.log" | sed "s/^/# keepalived $d: /"
	done
fi
done_testing 14
