#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kube-proxy's IPVS mode, written out as kube-proxy installs it on a
# node (pkg/proxy/ipvs): its sysctls (conntrack=1, expire_nodest_conn=1,
# expire_quiescent_template=1, conn_reuse_mode=0), the kube-ipvs0 dummy
# holding the ClusterIPs, the ipsets KUBE-CLUSTER-IP, KUBE-LOOP-BACK and
# KUBE-NODE-PORT-TCP, the nat chains KUBE-SERVICES, KUBE-NODE-PORT,
# KUBE-MARK-MASQ and KUBE-POSTROUTING (MASQUERADE) and the filter chain
# KUBE-FORWARD under a FORWARD policy of DROP (iptables-restore, nft
# flavour).  The director is the node, the backends are pods on its
# bridge that route only the cluster's networks through it.  Checked: a
# ClusterIP from a pod on a routed veth; a NodePort from an outside
# client, whose answers come back only because MASQUERADE rewrote the
# source to the node; hairpin (a pod reaching itself through its
# ClusterIP); an endpoint set to weight 0 (kube-proxy's graceful
# termination) keeps its open connection while new ones go elsewhere.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

vs=net.ipv4.vs
CIP1=10.96.0.10		# ClusterIP of the service of both pods
CIP2=10.96.0.11		# ClusterIP of a service of pod A alone
NODE_IP=$DIRECTOR_CLIENT_IP
NODE_PORT=30080
POD_CIDR=10.0.2.0/23	# the pods' networks: the bridge and the veth
POD_C=10.0.3.2		# a client pod on its own routed veth
NODE_C=10.0.3.1

topo_up
start_http 8000
start_tcp_sink 8001

# The pods route the cluster's networks through the node, not the
# world: an outside client's packets reach them only masqueraded.
for b in "${BACKENDS[@]}"; do
	ip -n "${NS_BACKEND[$b]}" route del default
	ip -n "${NS_BACKEND[$b]}" route add 10.0.3.0/24 via "$DIRECTOR_BACKEND_IP"
	ip -n "${NS_BACKEND[$b]}" route add 10.96.0.0/12 via "$DIRECTOR_BACKEND_IP"
done
_netns_add kpod
_link_add kpod0 eth0 kpod
ip -n kpod addr add "$POD_C/24" dev eth0
ip -n kpod link set eth0 up
ip -n kpod route add default via "$NODE_C"
on_director ip addr add "$NODE_C/24" dev kpod0
on_director ip link set kpod0 up
# Hairpin traffic leaves the bridge it came in on: no redirects for it.
on_director sysctl -qw net.ipv4.conf.all.send_redirects=0 \
	net.ipv4.conf.br.send_redirects=0

# ---- what kube-proxy sets up
on_director sysctl -qw $vs.conntrack=1 $vs.expire_nodest_conn=1 \
	$vs.expire_quiescent_template=1 $vs.conn_reuse_mode=0
expect_eq "kube-proxy's sysctls (conntrack expire_nodest_conn expire_quiescent_template conn_reuse_mode)" \
	"1 1 1 0" "$(on_director sysctl -n $vs.conntrack $vs.expire_nodest_conn \
		$vs.expire_quiescent_template $vs.conn_reuse_mode | xargs)"
# The dummy stays down, as kube-proxy leaves it: its addresses are local.
on_director ip link add kube-ipvs0 type dummy
_link_made kube-ipvs0
on_director ip addr add "$CIP1/32" dev kube-ipvs0
on_director ip addr add "$CIP2/32" dev kube-ipvs0

# svc ADDR:PORT RS_PORT POD...: a kube-proxy service (rr, masquerading,
# weight 1).
svc() {
	local vip=$1 port=$2 b
	shift 2
	on_director ipvsadm -A -t "$vip" -s rr
	for b; do
		on_director ipvsadm -a -t "$vip" -r "${BACKEND_IP[$b]}:$port" -m -w 1
	done
}
svc "$CIP1:80" 8000 A B
svc "$CIP1:81" 8001 A B
svc "$CIP2:80" 8000 A
svc "$NODE_IP:$NODE_PORT" 8000 A B

on_director ipset create KUBE-CLUSTER-IP hash:ip,port
on_director ipset create KUBE-LOOP-BACK hash:ip,port,ip
on_director ipset create KUBE-NODE-PORT-TCP bitmap:port range 0-65535
for e in "$CIP1,tcp:80" "$CIP1,tcp:81" "$CIP2,tcp:80"; do
	on_director ipset add KUBE-CLUSTER-IP "$e"
done
for b in "${BACKENDS[@]}"; do
	for p in 8000 8001; do
		on_director ipset add KUBE-LOOP-BACK \
			"${BACKEND_IP[$b]},tcp:$p,${BACKEND_IP[$b]}"
	done
done
on_director ipset add KUBE-NODE-PORT-TCP "$NODE_PORT"

on_director iptables-restore --noflush <<EOF
*nat
:KUBE-SERVICES - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-NODE-PORT - [0:0]
:KUBE-LOAD-BALANCER - [0:0]
:KUBE-MARK-MASQ - [0:0]
-I PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-I OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-I POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE
-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ
-A KUBE-SERVICES -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst ! -s $POD_CIDR -j KUBE-MARK-MASQ
-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT
-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ
-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT
-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000
COMMIT
*filter
:KUBE-FORWARD - [0:0]
:KUBE-NODE-PORT - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-SOURCE-RANGES-FIREWALL - [0:0]
-I INPUT -m comment --comment "kubernetes health check rules" -j KUBE-NODE-PORT
-I INPUT -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL
-I FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-I FORWARD -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL
-A KUBE-SOURCE-RANGES-FIREWALL -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x00004000/0x00004000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
EOF
# A node firewall that forwards only what KUBE-FORWARD accepts.
on_director iptables -P FORWARD DROP
show ipvsadm -L -n
show iptables-save -t nat

# ---- ClusterIP, from a pod
expect_rr_http kpod "http://$CIP1/" "ClusterIP from a pod alternates over the endpoints"

# ---- NodePort, from outside: the pods can answer only the node.
expect_rr_http "$NS_CLIENT" "http://$NODE_IP:$NODE_PORT/" \
	"NodePort from an outside client alternates (answers come back masqueraded)"
ct=$(on_director conntrack -L -p tcp --orig-dst "$NODE_IP" 2>/dev/null || true)
log "conntrack of the NodePort:"
log "$ct"
expect_match "NodePort: conntrack's entry leads to a pod from the node's address" \
	"dport=$NODE_PORT src=10\.0\.2\.1[12] dst=$DIRECTOR_BACKEND_IP sport=8000 " "$ct"

# ---- hairpin: pod A through the ClusterIP of its own service
r=$(http_get "${NS_BACKEND[A]}" "http://$CIP2/")
log "pod A -> http://$CIP2/ -> $r"
expect_eq "hairpin: a pod reaches itself through its ClusterIP" A "$r"
ct=$(on_director conntrack -L -p tcp --orig-dst "$CIP2" 2>/dev/null || true)
expect_match "hairpin: the pod saw the node as the client (KUBE-LOOP-BACK)" \
	"src=${BACKEND_IP[A]} dst=$CIP2 .* src=${BACKEND_IP[A]} dst=$DIRECTOR_BACKEND_IP sport=8000 " "$ct"

# ---- weight 0: an open connection stays, new ones go elsewhere
mkfifo "$WORK/held.in"
bg_start held kpod sh -c "exec nc $CIP1 81 <'$WORK/held.in'"
exec 3>"$WORK/held.in"
echo one >&3
# holder: the pod whose sink got the held connection's first line.
wait_until 10 sh -c "grep -qx one '$(sink_log A)' || grep -qx one '$(sink_log B)'" || true
got=
for b in "${BACKENDS[@]}"; do
	! grep -qx one "$(sink_log "$b")" || got+=$b
done
expect_match "the held connection reaches one endpoint" '^[AB]$' "$got"
holder=A other=B
[[ $got != B ]] || holder=B other=A
on_director ipvsadm -e -t "$CIP1:81" -r "${BACKEND_IP[$holder]}:8001" -m -w 0
echo two >&3
expect_eventually "weight 0: the open connection still reaches $holder" 10 \
	"one two" sh -c "xargs <'$(sink_log "$holder")'"
for i in 1 2 3 4; do
	echo "new$i" | ip netns exec kpod timeout 5 nc -N "$CIP1" 81 || true
done
expect_eventually "weight 0: new connections all go to $other" 10 \
	"new1 new2 new3 new4" sh -c "grep new '$(sink_log "$other")' | xargs"
expect_eq "weight 0: none goes to $holder" "one two" "$(xargs <"$(sink_log "$holder")")"
expect_match "weight 0: $holder listed with weight 0 and its connection active" \
	"^  -> ${BACKEND_IP[$holder]}:8001 +Masq +0 +1 " "$(on_director ipvsadm -L -n)"
exec 3>&-

done_testing 11
