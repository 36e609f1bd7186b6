#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configuration commands: --set and -L --timeout, -Z (all and one service), -C, ipvsadm-save/-restore round trip.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_up
start_http 8000

expect_eq "default timeouts" "Timeout (tcp tcpfin udp): 900 120 300" \
	"$(on_director ipvsadm -L --timeout)"
check "ipvsadm --set 100 20 50" on_director ipvsadm --set 100 20 50
expect_eq "timeouts after --set" "Timeout (tcp tcpfin udp): 100 20 50" \
	"$(on_director ipvsadm -L --timeout)"
check "ipvsadm --set 0 30 0 changes only tcpfin" on_director ipvsadm --set 0 30 0
expect_eq "timeouts after a partial --set" "Timeout (tcp tcpfin udp): 100 30 50" \
	"$(on_director ipvsadm -L --timeout)"

# Two services with traffic, so that there are counters to zero.
for port in 80 81; do
	on_director ipvsadm -A -t "$VIP:$port" -s rr
	for b in "${BACKENDS[@]}"; do
		on_director ipvsadm -a -t "$VIP:$port" -r "${BACKEND_IP[$b]}:8000" -m -w 2
	done
done
on_director ipvsadm -A -u "$VIP:53" -s wrr -p 100
on_director ipvsadm -a -u "$VIP:53" -r "${BACKEND_IP[A]}:9000" -m -x 50 -y 10
on_director ipvsadm -A -f 7 -s lc
on_director ipvsadm -a -f 7 -r "${BACKEND_IP[B]}:0" -g -w 0
show ipvsadm -L -n

# traffic N: N requests to each TCP service, all answered.
traffic() {
	local port answered=0
	for _ in $(seq "$1"); do
		for port in 80 81; do
			[[ $(http_get "$NS_CLIENT" "http://$VIP:$port/") == [AB] ]] &&
				answered=$((answered + 1))
		done
	done
	expect_eq "$(($1 * 2)) requests answered" "$(($1 * 2))" "$answered"
}
traffic 2
expect_eventually "port 80 counted 2 connections" 6 2 ipvs_stat conns "$VIP:80"
expect_eventually "port 81 counted 2 connections" 6 2 ipvs_stat conns "$VIP:81"
show ipvsadm -L -n --stats

check "ipvsadm -Z -t $VIP:80 zeroes one service" on_director ipvsadm -Z -t "$VIP:80"
expect_eventually "port 80 counters zeroed" 6 "0 0 0 0 0" ipvs_stats "$VIP:80"
expect_eq "port 80 dest counters zeroed" "0 0 0 0 0" \
	"$(ipvs_stats "$VIP:80" "${BACKEND_IP[A]}:8000")"
expect_eq "port 81 keeps its connections" "2" "$(ipvs_stat conns "$VIP:81")"
check "ipvsadm -Z zeroes everything" on_director ipvsadm -Z
expect_eventually "port 81 counters zeroed" 6 "0 0 0 0 0" ipvs_stats "$VIP:81"
traffic 1
expect_eventually "counting starts again after -Z" 6 1 ipvs_stat conns "$VIP:80"

# ipvsadm-save output restores to the same table.
saved=$(on_director ipvsadm-save -n)
echo "director# ipvsadm-save -n"
echo "$saved"
expect_match "save has the fwmark service" "^-A -f 7 -s lc" "$saved"
expect_match "save has the persistent UDP service" "^-A -u $VIP:53 -s wrr -p 100" "$saved"
# ipvsadm's save format leaves out thresholds: -L --thresholds shows them.
show ipvsadm -L -n --thresholds
expect_match "thresholds listed" "^  -> ${BACKEND_IP[A]}:9000 +50 +10 " \
	"$(on_director ipvsadm -L -n --thresholds)"
before=$(on_director ipvsadm -L -n)
check "ipvsadm -C" on_director ipvsadm -C
expect_eq "no service after -C" "IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn" \
	"$(on_director ipvsadm -L -n)"
expect_eq "timeouts survive -C" "Timeout (tcp tcpfin udp): 100 30 50" \
	"$(on_director ipvsadm -L --timeout)"
check "ipvsadm-restore" on_director bash -c "ipvsadm-restore <<<\"\$1\"" _ "$saved"
# The connection columns may differ: mask them.
mask() { sed -E 's/^(  -> .*[A-Za-z]+ +-?[0-9]+) +[0-9]+ +[0-9]+ *$/\1/'; }
expect_eq "restored table equals the saved one" "$(mask <<<"$before")" \
	"$(on_director ipvsadm -L -n | mask)"
traffic 1
done_testing 25
