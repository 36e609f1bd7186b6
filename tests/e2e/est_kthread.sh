#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The rate estimator's kthread and its sysctls est_cpulist and est_nice, on a kernel whose in-tree IPVS has them (6.2 on: Debian's 6.12): their defaults and formats, the errnos of bad input, and that they place the kthread (est_cpulist=1 puts it on CPU 1 only, est_nice=5 at nice 5) while rates still move; an empty list stops the rates, the default list brings them back.  On 6.1 both sysctls are absent, as in-tree 6.1 has neither.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

svc=$VIP:80
vs=/proc/sys/net/ipv4/vs
topo_up
start_http 8000
on_director ipvsadm -A -t "$svc" -s rr
on_director ipvsadm -a -t "$svc" -r "${BACKEND_IP[A]}:8000" -m
on_director ipvsadm -a -t "$svc" -r "${BACKEND_IP[B]}:8000" -m

# The in-tree estimator moved to kthreads, with these sysctls, in 6.2.
IFS=. read -r major minor _ <<<"$(uname -r)"
if ((major > 6 || (major == 6 && minor >= 2))); then
	have=1
else
	have=
fi

# Steady load: one curl fetching the VIP over and over.
bg_start load "$NS_CLIENT" curl -s --max-time 300 "http://$VIP/?[1-100000]"

# rates: "CPS InPPS OutPPS InBPS OutBPS" of the service.
rates() {
	on_director ipvsadm -L -n --rate --exact | _ipvs_line "$svc" "" 3 7
}

# rates_moving: "yes" when the rates are above 0 and change within 3 s.
rates_moving() {
	local a b
	a=$(rates)
	sleep 3
	b=$(rates)
	if [[ $a != "$b" && $b =~ ^[1-9] ]]; then echo yes; else echo "no: $a / $b"; fi
}

# est_threads: "CPULIST NICE" of each estimator kthread (kvs-e:N, or
# in-tree's ipvs-e:N:M), sorted.
est_threads() {
	local d comm pat=kvs-e:
	[[ $KVS_IPVS != intree ]] || pat=ipvs-e:
	for d in /proc/[0-9]*; do
		comm=$(cat "$d/comm" 2>/dev/null) || continue
		[[ $comm == "$pat"* ]] || continue
		echo "$(awk '$1 == "Cpus_allowed_list:" { print $2 }' "$d/status") $(awk '{ print $19 }' "$d/stat")"
	done | sort
}

# est_thread_at "CPULIST NICE": "yes" when an estimator kthread is there.
est_thread_at() {
	if est_threads | grep -qx "$1"; then echo yes; else echo "no: $(est_threads | tr '\n' ,)"; fi
}

# put FILE TEXT: writes TEXT to the director's FILE under $vs; prints
# "ok", or the error of the write (its errno's text).
put() {
	local out
	if out=$(on_director bash -c 'echo "$1" >"$2"' _ "$2" "$vs/$1" 2>&1); then
		echo ok
	else
		echo "${out##*: }"
	fi
}

get() {
	on_director cat "$vs/$1"
}

if [[ -z $have ]]; then
	check_fails "no est_cpulist on $(uname -r)" test -e "$vs/est_cpulist"
	check_fails "no est_nice on $(uname -r)" test -e "$vs/est_nice"
	expect_eventually "rates move" 30 yes rates_moving
	for i in $(seq 19); do
		skip "est_cpulist/est_nice check $i" "no estimator sysctls on $(uname -r)"
	done
	done_testing 22
	exit 0
fi

all=$(cat /sys/devices/system/cpu/possible)
expect_eq "est_cpulist defaults to the housekeeping CPUs" "$all" "$(get est_cpulist)"
expect_eq "est_nice defaults to 0" 0 "$(get est_nice)"
expect_eventually "an estimator kthread runs on CPUs $all at nice 0" 30 yes est_thread_at "$all 0"
expect_eventually "rates move under load" 30 yes rates_moving

expect_eq "est_cpulist=1 is taken" ok "$(put est_cpulist 1)"
expect_eq "est_cpulist reads back 1" 1 "$(get est_cpulist)"
expect_eventually "the estimator kthread moves to CPU 1" 30 yes est_thread_at "1 0"
expect_eq "est_nice=5 is taken" ok "$(put est_nice 5)"
expect_eq "est_nice reads back 5" 5 "$(get est_nice)"
expect_eventually "the estimator kthread runs at nice 5 on CPU 1" 30 yes est_thread_at "1 5"
expect_eventually "rates still move" 30 yes rates_moving

expect_eq "est_cpulist=abc: EINVAL" "Invalid argument" "$(put est_cpulist abc)"
expect_eq "est_cpulist=9999 (past the last CPU): ERANGE" "Numerical result out of range" "$(put est_cpulist 9999)"
expect_eq "est_cpulist unchanged by bad input" 1 "$(get est_cpulist)"
expect_eq "est_nice=20: EINVAL" "Invalid argument" "$(put est_nice 20)"
expect_eq "est_nice=-21: EINVAL" "Invalid argument" "$(put est_nice -21)"
expect_eq "est_nice=x: EINVAL" "Invalid argument" "$(put est_nice x)"
expect_eq "est_nice unchanged by bad input" 5 "$(get est_nice)"

# An empty list stops the estimation: the rates stay where they were.
expect_eq "est_cpulist='' is taken and reads back empty" "ok:" "$(put est_cpulist ''):$(get est_cpulist)"
sleep 3
r1=$(rates)
sleep 5
expect_eq "rates stand still while est_cpulist is empty" "$r1" "$(rates)"
expect_eq "est_cpulist=$all is taken" "ok:$all" "$(put est_cpulist "$all"):$(get est_cpulist)"
expect_eventually "rates move again" 30 yes rates_moving
done_testing 22
