#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Switching a live service to another scheduler (ipvsadm -E -s) keeps an
# established connection on its real server: lines sent after each
# switch still reach the backend the connection started on, and only it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

svc=$VIP:80
topo_up
start_tcp_sink 8000

on_director ipvsadm -A -t "$svc" -s rr
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "$svc" -r "${BACKEND_IP[$b]}:8000" -m
done

# One long connection: a numbered line every 0.3 s for about 12 s.
bg_start talker "$NS_CLIENT" bash -c \
	"for i in \$(seq 1 40); do echo line-\$i; sleep 0.3; done | nc -N -w 3 $VIP 80"

got() {
	grep -c "^line-" "$(sink_log "$1")" 2>/dev/null || true
}
first_line() {
	[[ $(got A) -gt 0 || $(got B) -gt 0 ]]
}
check "the connection's first lines arrive" wait_until 10 first_line
if [[ $(got A) -gt 0 ]]; then home=A other=B; else home=B other=A; fi
log "the connection landed on $home"

# Each switch waits for more lines on the same connection.
for sched in wlc sh dh wrr lc sed nq rr; do
	before=$(got "$home")
	check "ipvsadm -E -s $sched" on_director ipvsadm -E -t "$svc" -s "$sched"
	more_lines() { (($(got "$home") > before)); }
	check "after -s $sched, the connection still reaches $home" \
		wait_until 5 more_lines
done
expect_eq "backend $other received none of the connection's lines" 0 \
	"$(got "$other")"
show ipvsadm -L -n
show ipvsadm -L -n -c
done_testing 18
