#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Seed 003: nc clients through a NAT rr service in a "gw" namespace; each nc backend (nc -l -k) receives every other line.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

svc=$VIP:80
topo_up --director gw
start_tcp_sink 8000

on_director ipvsadm -A -t "$svc" -s rr
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "$svc" -r "${BACKEND_IP[$b]}:8000" -m
done
show ipvsadm -L -n

for i in 1 2 3 4 5 6; do
	check "client sends xxx-$i through the VIP" \
		on_client bash -c "echo xxx-$i | nc -N -w 2 $VIP 80"
done

# Lines arrive in the sink logs a moment after nc returns.
sink_lines() {
	grep -o 'xxx-[0-9]*' "$(sink_log "$1")" | sort -t- -k2n | tr '\n' ' '
}
all_arrived() {
	local got
	got=$(cat "$(sink_log A)" "$(sink_log B)" | grep -c 'xxx-') || true
	((got == 6))
}
wait_until 10 all_arrived || true
a=$(sink_lines A)
b=$(sink_lines B)
log "backend A received: $a"
log "backend B received: $b"
if [[ $a == "xxx-1 xxx-3 xxx-5 " && $b == "xxx-2 xxx-4 xxx-6 " ]] ||
	[[ $a == "xxx-2 xxx-4 xxx-6 " && $b == "xxx-1 xxx-3 xxx-5 " ]]; then
	ok "each backend received every other line"
else
	not_ok "each backend received every other line"
fi

expect_eventually "service Conns counts the 6 connections" 6 6 ipvs_stat conns "$svc"
show ipvsadm -L -n --stats
read -r _ inpkts outpkts _ <<<"$(ipvs_stats "$svc")"
expect_cmp "service InPkts moved" "$inpkts" -ge 6
expect_cmp "service OutPkts moved" "$outpkts" -ge 6
for b in "${BACKENDS[@]}"; do
	read -r conns _ <<<"$(ipvs_stats "$svc" "${BACKEND_IP[$b]}:8000")"
	expect_cmp "backend $b Conns is 3" "$conns" -eq 3
done
# The init namespace has no service: IPVS state is per namespace.
expect_no_match "init namespace has no service" "$VIP" "$(ipvsadm -L -n)"
done_testing 13
