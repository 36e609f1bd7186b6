#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installed as the kvs-dkms package installs it (the modules DKMS built, in updates/dkms; its modprobe.d file), with Debian's ip_vs modules present and nothing loaded: ipvsadm, "modprobe ip_vs" and a lookup of the IPVS genetlink family each bring kvs up, never ip_vs; -s wrr and -s sh load kvs's schedulers, "modprobe ip_vs_lc" (keepalived, kube-proxy) kvs_lc, "modprobe ip_vs_ftp" kvs_ftp; traffic crosses the VIP; iptables -m ipvs loads kvs_xt_ipvs, not xt_ipvs.
# e2e: ipvs=both
# e2e: files scripts/modprobe.d/kvs.conf out/deb/guest
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[[ $KVS_IPVS == both ]] ||
	skip_all "needs Debian's ip_vs loadable beside kvs (scripts/e2e boots it with --ipvs=both)"

# The modules and modprobe.d file: those scripts/deb-test got from the
# installed package (out/deb/guest/) when it ran, else the checkout's
# own (vmrun's extra/) and scripts/modprobe.d/kvs.conf, put where the
# package puts them.
mods=/lib/modules/$KVS_KVER
here=$(dirname "$0")
mkdir -p "$mods/updates/dkms" /lib/modprobe.d
if compgen -G "$here/guest/$KVS_KVER/kvs.ko*" >/dev/null &&
	[[ -f $here/guest/kvs.conf ]]; then
	rm -f "$mods"/extra/kvs*.ko
	cp "$here/guest/$KVS_KVER/"kvs*.ko* "$mods/updates/dkms/"
	cp "$here/guest/kvs.conf" /lib/modprobe.d/kvs.conf
	log "modules built by DKMS from the kvs-dkms package $(cat "$here/guest/VERSION")"
else
	mv "$mods"/extra/kvs*.ko "$mods/updates/dkms/"
	cp "$here/kvs.conf" /lib/modprobe.d/kvs.conf
	log "no out/deb/guest (scripts/deb-test makes it): the checkout's modules"
fi
depmod -a "$KVS_KVER"

# The IPVS modules loaded, kvs's or in-tree's, by name.
ipvs_modules() {
	awk '$1 ~ /^(kvs|ip_vs)/ { print $1 }' /proc/modules | sort | xargs
}

expect_eq "nothing of IPVS loaded at boot" "" "$(ipvs_modules)"
check "Debian's ip_vs.ko is installed beside kvs" \
	test -f "$mods/kernel/net/netfilter/ipvs/ip_vs.ko"
expect_eq "modprobe finds kvs in updates/dkms" "$mods/updates/dkms/kvs.ko" \
	"$(modinfo -n kvs)"

# ipvsadm: its family lookup makes the kernel ask for the family's
# module (or, that failing, ipvsadm runs modprobe ip_vs).
check "ipvsadm -A -t $VIP:80 -s rr with nothing loaded" \
	ipvsadm -A -t "$VIP:80" -s rr
expect_eq "ipvsadm brought up kvs and kvs_rr, not ip_vs" "kvs kvs_rr" \
	"$(ipvs_modules)"
ipvsadm -C || true
check "kvs unloads" modprobe -r kvs_rr kvs
expect_eq "nothing of IPVS loaded after the unload" "" "$(ipvs_modules)"

# What ipvsadm, keepalived and kube-proxy run themselves.
check "modprobe ip_vs" modprobe ip_vs
expect_eq "modprobe ip_vs loaded kvs" "kvs" "$(ipvs_modules)"
check "kvs unloads again" modprobe -r kvs

# The kernel's own request for the genetlink family (what libnl's
# genl_ctrl_resolve, as keepalived uses it, sets off).
check "genetlink family IPVS found with nothing loaded" \
	genl ctrl get name IPVS
expect_eq "the family lookup loaded kvs" "kvs" "$(ipvs_modules)"

check "ipvsadm -A -t $VIP:80 -s rr" ipvsadm -A -t "$VIP:80" -s rr
check "ipvsadm -A -t $VIP:81 -s wrr" ipvsadm -A -t "$VIP:81" -s wrr
check "ipvsadm -A -t $VIP:82 -s sh" ipvsadm -A -t "$VIP:82" -s sh
check "modprobe ip_vs_lc" modprobe ip_vs_lc
expect_eq "kvs's schedulers loaded, no in-tree one" \
	"kvs kvs_lc kvs_rr kvs_sh kvs_wrr" "$(ipvs_modules)"
list=$(ipvsadm -L -n)
show ipvsadm -L -n
expect_match "$VIP:81 listed with wrr" "^TCP  $VIP:81 wrr *$" "$list"
expect_match "$VIP:82 listed with sh" "^TCP  $VIP:82 sh *$" "$list"

topo_up
start_http 8000
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "$VIP:80" -r "${BACKEND_IP[$b]}:8000" -m
done
expect_rr_http "$NS_CLIENT" "http://$VIP/" "four requests through the VIP alternate"
expect_eventually "service Conns counts the 4 connections" 6 4 \
	ipvs_stat conns "$VIP:80"
# The FTP helper by in-tree's name (keepalived and users load ip_vs_ftp).
check "modprobe ip_vs_ftp" modprobe ip_vs_ftp
expect_eq "it loaded kvs_ftp, still no in-tree IPVS module" \
	"kvs kvs_ftp kvs_lc kvs_rr kvs_sh kvs_wrr" "$(ipvs_modules)"
# iptables -m ipvs (kube-proxy, Docker): x_tables asks for ipt_ipvs.
check "iptables -m ipvs --ipvs with no match loaded" \
	iptables -t filter -A INPUT -m ipvs --ipvs -j ACCEPT
expect_eq "the ipvs match loaded is kvs's, not in-tree's xt_ipvs" "kvs_xt_ipvs" \
	"$(awk '$1 ~ /xt_ipvs$/ { print $1 }' /proc/modules | xargs)"
done_testing 25
