#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two director namespaces with their own services, timeouts and counters: each lists only its own, traffic works in both, flushing one leaves the other.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Topology x: TCP rr on port 80.  Topology y: TCP wrr on port 8080 and a
# UDP service.  Same addresses, separate namespaces.
topo_up --prefix x- --director dir
start_http 8000
topo_up --prefix y- --director dir
start_http 8000

topo_use x-
on_director ipvsadm -A -t "$VIP:80" -s rr
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "$VIP:80" -r "${BACKEND_IP[$b]}:8000" -m
done
on_director ipvsadm --set 100 20 50
topo_use y-
on_director ipvsadm -A -t "$VIP:8080" -s wrr
on_director ipvsadm -A -u "$VIP:53" -s rr
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "$VIP:8080" -r "${BACKEND_IP[$b]}:8000" -m
done

topo_use x-
show ipvsadm -L -n
x_list=$(on_director ipvsadm -L -n)
topo_use y-
show ipvsadm -L -n
y_list=$(on_director ipvsadm -L -n)
expect_match "x lists its rr service" "^TCP  $VIP:80 rr" "$x_list"
expect_no_match "x does not list y's services" ":8080|UDP" "$x_list"
expect_match "y lists its wrr service" "^TCP  $VIP:8080 wrr" "$y_list"
expect_match "y lists its UDP service" "^UDP  $VIP:53 rr" "$y_list"
expect_no_match "y does not list x's service" ":80 " "$y_list"
expect_no_match "the init namespace has no service" "TCP|UDP" "$(ipvsadm -L -n)"
expect_eq "x has its own timeouts" "Timeout (tcp tcpfin udp): 100 20 50" \
	"$(ip netns exec x-dir ipvsadm -L --timeout)"
expect_eq "y keeps the default timeouts" "Timeout (tcp tcpfin udp): 900 120 300" \
	"$(ip netns exec y-dir ipvsadm -L --timeout)"

# requests P PORT: four requests in topology P alternate.
requests() {
	local replies=() r
	topo_use "$1"
	for _ in 1 2 3 4; do
		r=$(http_get "$NS_CLIENT" "http://$VIP:$2/")
		replies+=("$r")
	done
	expect_alternation "requests in $1 alternate" "${replies[@]}"
}
requests x- 80
requests y- 8080
requests x- 80

topo_use x-
expect_eventually "x counts its 8 connections" 6 8 ipvs_stat conns "$VIP:80"
topo_use y-
expect_eventually "y counts its 4 connections" 6 4 ipvs_stat conns "$VIP:8080"
expect_eq "y's UDP service saw nothing" "0" "$(ipvs_stat conns "$VIP:53")"
# Port 80 in y has no service: the request reaches y's director itself,
# where nothing listens, and fails.
expect_eq "no service on port 80 in y" "" \
	"$(on_client curl -s --max-time 3 "http://$VIP:80/" || true)"

topo_use x-
on_director ipvsadm -C
expect_no_match "flushed x is empty" "TCP|UDP" "$(on_director ipvsadm -L -n)"
topo_use y-
expect_match "y still has its services after x's flush" "^TCP  $VIP:8080 wrr" \
	"$(on_director ipvsadm -L -n)"
requests y- 8080
done_testing 18
