#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Config churn storm (issue 18): 20 long-lived TCP connections through the VIP (KVS_TEST_CHURN_CONNS), each echoing a line every 200 ms, while EDITS ipvsadm edits run (KVS_TEST_CHURN_EDITS; 100, full 500): the weights of the connections' own dests, an extra dest added and removed, services added, given a dest and removed, scheduler switches with -E, -Z, and ipvsadm -S / -D / ipvsadm -R of a second set of services.  No connection is lost, no line is lost (each gets back every line it sent), and the final table is the one the edits make.  Figure: "storm churn: edits N, connections N, lost N, lines lost N".
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

EDITS=$(storm_count CHURN_EDITS 100 500)
CONNS=$(storm_count CHURN_CONNS 20 20)
STOP=$WORK/stop
# Each ten edits put back what they add (the model tracks the rest).
((EDITS % 10 == 0)) || { not_ok "KVS_TEST_CHURN_EDITS is a multiple of 10 (got $EDITS)"; exit 1; }
SCHEDS=(rr wrr lc wlc sh sed nq)

topo_up
for b in "${BACKENDS[@]}"; do
	start_echo "$b" "${NS_BACKEND[$b]}" 8000
done

# table WA WB SCHED: the table, as ipvsadm-restore lines: the
# connections' service VIP:80 (SCHED, its dests at weights WA and WB),
# and the second set, UDP services VIP:5301..5305 with two dests each.
table() {
	local p
	echo "-A -t $VIP:80 -s $3"
	echo "-a -t $VIP:80 -r ${BACKEND_IP[A]}:8000 -m -w $1"
	echo "-a -t $VIP:80 -r ${BACKEND_IP[B]}:8000 -m -w $2"
	for p in 5301 5302 5303 5304 5305; do
		echo "-A -u $VIP:$p -s wrr"
		echo "-a -u $VIP:$p -r ${BACKEND_IP[A]}:$p -m -w 2"
		echo "-a -u $VIP:$p -r ${BACKEND_IP[B]}:$p -m -w 3"
	done
}
saved() { on_director ipvsadm -S -n | sort; }

table 1 1 rr | on_director ipvsadm -R
expect_eq "the table restored" "$(table 1 1 rr | sort)" "$(saved)"

names=()
for ((i = 1; i <= CONNS; i++)); do
	echo_conn "conn$i" "$NS_CLIENT" "TCP:$VIP:80" 0.2 "$STOP"
	names+=("conn$i")
done
echoing() {
	local c
	for c in "${names[@]}"; do
		(($(echo_conn_echoed "$c") > 0)) || return 1
	done
}
check "$CONNS connections echo through the VIP" wait_until 60 echoing
expect_eventually "and are established in the director" 10 "$CONNS" \
	bash -c "ipvsadm -L -n -c | grep -c 'ESTABLISHED .*$VIP:80 ' || true"

# model I: what edit I makes of the table's model (wa, wb, sched).
wa=1 wb=1 sched=rr
model() {
	case $(($1 % 10)) in
	0) wa=$(($1 / 10 % 5)) ;;
	1) wb=$(($1 / 10 % 4 + 1)) ;;
	7) sched=${SCHEDS[$1 / 10 % ${#SCHEDS[@]}]} ;;
	esac
}

# edit I: edit I of the storm, after model I.
edit() {
	local i=$1 j=$(($1 / 10 % 50)) set2
	case $((i % 10)) in
	0) on_director ipvsadm -e -t "$VIP:80" -r "${BACKEND_IP[A]}:8000" -m -w "$wa" ;;
	1) on_director ipvsadm -e -t "$VIP:80" -r "${BACKEND_IP[B]}:8000" -m -w "$wb" ;;
	2) on_director ipvsadm -a -t "$VIP:80" -r "${BACKEND_IP[A]}:$((9000 + j))" -m ;;
	3) on_director ipvsadm -d -t "$VIP:80" -r "${BACKEND_IP[A]}:$((9000 + j))" ;;
	4) on_director ipvsadm -A -t "$VIP:$((1000 + j))" -s lc ;;
	5) on_director ipvsadm -a -t "$VIP:$((1000 + j))" -r "${BACKEND_IP[B]}:8000" -g ;;
	6) on_director ipvsadm -D -t "$VIP:$((1000 + j))" ;;
	7) on_director ipvsadm -E -t "$VIP:80" -s "$sched" ;;
	8) on_director ipvsadm -Z ;;
	9)
		set2=$(on_director ipvsadm -S -n | grep -E ":530[1-5] " || true)
		for p in 5301 5302 5303 5304 5305; do
			on_director ipvsadm -D -u "$VIP:$p"
		done
		on_director ipvsadm -R <<<"$set2"
		;;
	esac
}

failed=0
t0=$SECONDS
for ((i = 0; i < EDITS; i++)); do
	model "$i"
	if ! out=$(edit "$i" 2>&1); then
		failed=$((failed + 1))
		log "edit $i failed: $out"
	fi
	((i % 100 != 99)) || log "edit $((i + 1)) at ${SECONDS}s"
done
secs=$((SECONDS - t0))
expect_eq "$EDITS edits, none refused" 0 "$failed"
expect_eq "the final table is the one the edits make" \
	"$(table "$wa" "$wb" "$sched" | sort)" "$(saved)"

touch "$STOP"
read -r lost lines < <(echo_conns_lost 60 "${names[@]}")
sent=0
for c in "${names[@]}"; do
	sent=$((sent + $(cat "$WORK/$c.sent")))
done
storm_figure churn "edits $EDITS, connections $CONNS, lost $lost, lines lost $lines, lines sent $sent, edits took ${secs}s"
expect_eq "no connection lost in the churn" 0 "$lost"
expect_eq "no line lost in the churn" 0 "$lines"
expect_cmp "every connection echoed through the whole churn (lines sent >= a quarter of 5 a second each)" \
	"$sent" -ge $((CONNS * 5 * secs / 4))
done_testing 8
