#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test host itself: Debian's tools on PATH, the kernel modules tests need, kvs loaded and in-tree IPVS unloadable (kvs) or the reverse (intree).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Each tool is a real program, not a busybox applet.
for tool in bash cat sed grep awk diff find xargs sysctl ps pkill modprobe \
	rmmod lsmod depmod ip tc ss bridge ipvsadm ipvsadm-save ipvsadm-restore \
	nc socat curl iperf3 nft tcpdump mount timeout ping ethtool conntrack; do
	path=$(command -v "$tool" || true)
	if [[ -n $path && $(readlink -f "$path") != */busybox ]]; then
		ok "$tool is $path"
	else
		not_ok "$tool on PATH and not busybox" "${path:-missing}"
	fi
done
expect_match "nc is OpenBSD netcat" "OpenBSD netcat" "$(nc -h 2>&1 | head -n1)"
expect_match "sysctl from procps" "procps" "$(sysctl --version)"
for f in /etc/services /etc/protocols /etc/nsswitch.conf /etc/passwd /etc/group; do
	check "$f exists" test -s "$f"
done
check "/var/run/netns is a directory" test -d /var/run/netns
check "ip netns works" ip netns add probe
check "ip netns exec works" ip netns exec probe ip link show lo
ip netns del probe

for m in veth dummy bridge ipip ip6_tunnel fou ip_gre nf_conntrack nf_tables sch_netem; do
	check "modprobe $m" modprobe "$m"
done

if [[ $KVS_IPVS == kvs ]]; then
	check "kvs is loaded before the test starts" test -d /sys/module/kvs
	check_fails "modprobe ip_vs fails" modprobe ip_vs
	check_fails "ip_vs is not loaded" test -d /sys/module/ip_vs
	expect_eq "no in-tree ip_vs module in the image" "" \
		"$(find /lib/modules/"$(uname -r)" -name 'ip_vs*.ko*')"
	check "modprobe finds kvs_rr" modprobe kvs_rr
	check "ipvsadm talks to kvs" ipvsadm -L -n
	check_fails "ip_vs still not loaded after ipvsadm" test -d /sys/module/ip_vs
else
	check_fails "kvs is absent" modinfo kvs
	check_fails "ip_vs is not preloaded" test -d /sys/module/ip_vs
	check "modprobe ip_vs" modprobe ip_vs
	check "modprobe ip_vs_rr" modprobe ip_vs_rr
	check "ipvsadm talks to ip_vs" ipvsadm -L -n
fi
# 33 tools, 2 versions, 5 files, 3 netns checks, 10 modules; then 7 (kvs)
# or 5 (intree) checks of which IPVS is there.
if [[ $KVS_IPVS == kvs ]]; then
	done_testing 60
else
	done_testing 58
fi
