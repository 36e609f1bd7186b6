#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The sync decoder fuzzed (issue 18): a master sync daemon in the director, a backup in a second director on the backends' segment, and COUNT datagrams (KVS_TEST_SYNC_FUZZ_COUNT; 20,000, full 100,000) from tests/fuzz/kvs_syncfuzz.c sent to the sync group from the director: random bytes, and version 1 and 0 messages about the service and others, mutated.  The fuzzer's digest replays exactly; the backup decodes them (rx_msgs), drops what is malformed (each rx_drop_* counter of /proc/net/kvs_sync but nomem moves) and applies what is well formed (rx_conns); no kernel warning; then a genuine connection through the master is still synced to the backup.  kvs only: the counters are kvs's.  Figure: "storm sync_fuzz: datagrams N, decoded N, ...".
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

fuzz=$(dirname "$0")/e2e-bin/kvs_syncfuzz
COUNT=$(storm_count SYNC_FUZZ_COUNT 20000 100000)
SEED=18
STOP=$WORK/stop
ipvs_ready
[[ $KVS_IPVS == kvs ]] || skip_all "the sync drop counters are kvs's (/proc/net/kvs_sync)"

topo_up --director dir
for b in "${BACKENDS[@]}"; do
	start_echo "$b" "${NS_BACKEND[$b]}" 8000
done
# d2, the backup, on the backends' segment.
_netns_add d2
ip link add name to-d2 netns dir type veth peer name eth0 netns d2
ip -n dir link set dev to-d2 master br up
ip -n d2 addr add 10.0.2.50/24 dev eth0
ip -n d2 link set dev eth0 up
for d in dir d2; do
	ip netns exec "$d" ipvsadm -A -t "$VIP:80" -s rr
	for b in "${BACKENDS[@]}"; do
		ip netns exec "$d" ipvsadm -a -t "$VIP:80" -r "${BACKEND_IP[$b]}:8000" -m
	done
done
check "master started in the director" on_director ipvsadm --start-daemon master \
	--mcast-interface br --syncid 7
check "backup started in d2" ip netns exec d2 ipvsadm --start-daemon backup \
	--mcast-interface eth0 --syncid 7

# counter NAME: a counter of d2's /proc/net/kvs_sync.
counter() {
	# shellcheck disable=SC2016 # awk's fields
	ip netns exec d2 awk -v k="$1" '$1 == k { print $2 }' /proc/net/kvs_sync
}
DROPS=(rx_drop_short rx_drop_syncid rx_drop_truncated rx_drop_version
	rx_drop_option rx_drop_entry rx_drop_nodest)
declare -A before=()
for c in rx_msgs rx_conns "${DROPS[@]}"; do
	before[$c]=$(counter "$c")
done

args=("$SEED" "$COUNT" "$DIRECTOR_BACKEND_IP" 7 "$VIP:80" "${BACKEND_IP[A]}:8000")
t0=$SECONDS
out=$(on_director "$fuzz" "${args[@]}" 2>&1) && rc=0 || rc=$?
secs=$((SECONDS - t0))
log "kvs_syncfuzz ${args[*]}: $out"
expect_eq "kvs_syncfuzz sent its $COUNT datagrams" 0 "$rc"
expect_eq "and a replay of seed $SEED draws the same bytes" "$out" \
	"$("$fuzz" "${args[@]}" -n)"
# The backup's thread may still be reading its socket.
decoded() { echo $(($(counter rx_msgs) - before[rx_msgs])); }
settled() {
	local a b
	a=$(decoded)
	sleep 1
	b=$(decoded)
	((a == b))
}
wait_until 60 settled || true
ip netns exec d2 cat /proc/net/kvs_sync | sed 's/^/# d2 kvs_sync: /'
msgs=$(decoded)
conns=$(($(counter rx_conns) - before[rx_conns]))
dropped=0 drops=()
for c in "${DROPS[@]}"; do
	d=$(($(counter "$c") - before[$c]))
	dropped=$((dropped + d))
	drops+=("${c#rx_drop_} $d")
done
list=$(IFS=,; echo "${drops[*]}")
storm_figure sync_fuzz "datagrams $COUNT, decoded $msgs, rx_conns $conns, dropped $dropped (${list//,/, }), ${secs}s"
expect_cmp "the backup decoded at least half of them ($msgs)" $((msgs * 2)) -ge "$COUNT"
expect_cmp "and applied some entries ($conns)" "$conns" -gt 0
for c in "${DROPS[@]}"; do
	expect_cmp "$c moved" $(($(counter "$c") - before[$c])) -gt 0
done
expect_no_match "no kernel warning or oops" 'BUG:|WARNING:|Oops|general protection' \
	"$(dmesg)"

# A genuine message: a connection through the master, synced.
echo_conn genuine "$NS_CLIENT" "TCP:$VIP:80" 0.5 "$STOP"
wait_until 20 bash -c "grep -q '^genuine [0-9]' $WORK/genuine.log" || true
cport=$(on_client ss -Htn state established "dport = :80" | awk '{ print $3 }' | sed 's/.*://' | head -n 1)
log "genuine connection from $CLIENT_IP:$cport"
synced() {
	ip netns exec d2 ipvsadm -L -c -n |
		awk -v c="$CLIENT_IP:$cport" -v v="$VIP:80" '$4 == c && $5 == v { print $3 }'
}
expect_eventually "after the fuzz, a genuine connection is synced to the backup" 60 \
	ESTABLISHED synced
touch "$STOP"
read -r lost _ < <(echo_conns_lost 30 genuine)
expect_eq "and it ends complete" 0 "$lost"
check "backup stopped" ip netns exec d2 ipvsadm --stop-daemon backup
check "master stopped" on_director ipvsadm --stop-daemon master
# 2 daemons, 2 fuzzer, 2 decoded and applied, 7 drops, 1 dmesg, 2 genuine, 2 stops
done_testing 18
