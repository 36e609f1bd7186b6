#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# FTP through a NAT virtual service on port 21 with the FTP helper loaded (in-tree's ip_vs_ftp, kvs's kvs_ftp): vsftpd on both backends, curl downloading through the VIP in passive mode (EPSV, and PASV with the 227 reply's address used) and active mode (EPRT and PORT), each file whole, the data connections listed by ipvsadm -L -c, the control ones counted in ip_vs_app and holding the helper's module; over IPv6 (EPSV, EPRT); persistent FTP (a persistent port-21 service's template is the VIP's port 0, which a persistent port-0 service shares); the same with conntrack=1, the data connections related to their control connection; and a control connection carrying garbage and a 64 KiB line leaves the director working.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

command -v vsftpd >/dev/null || { not_ok "vsftpd in the test host (scripts/vm/mkimage)"; exit 1; }
helper=kvs_ftp
[[ $KVS_IPVS != intree ]] || helper=ip_vs_ftp
PASV_MIN=30000
PASV_MAX=30099

topo_up
check "the FTP helper loads ($helper)" modprobe "$helper"
show cat /proc/net/ip_vs_app
expect_match "/proc/net/ip_vs_app lists ftp on TCP port 21" \
	'TCP +21 +[0-9]+ +ftp' "$(on_director cat /proc/net/ip_vs_app)"

# vsftpd on each backend, anonymous and read-only, serving data.bin (its
# own random bytes), passive ports PASV_MIN..PASV_MAX, active from port 20.
# vsftpd's anonymous user needs a home that exists (the image's nobody
# has none).
mkdir -p /var/tmp/kvs-ftp
grep -q '^ftp:' /etc/passwd ||
	echo 'ftp:x:104:65534:ftp:/var/tmp/kvs-ftp:/usr/sbin/nologin' >>/etc/passwd
declare -A SUM=()
for b in "${BACKENDS[@]}"; do
	root=/var/tmp/kvs-ftp-$b
	mkdir -p "$root" "$WORK/empty-$b"
	chmod 755 "$root"
	head -c 300000 /dev/urandom >"$root/data.bin"
	chmod 644 "$root/data.bin"
	SUM[$b]=$(sha256sum <"$root/data.bin" | cut -d' ' -f1)
	cat >"$WORK/vsftpd-$b.conf" <<EOF
listen=YES
listen_ipv6=NO
background=NO
anonymous_enable=YES
no_anon_password=YES
local_enable=NO
write_enable=NO
anon_root=$root
ftp_username=ftp
nopriv_user=nobody
secure_chroot_dir=$WORK/empty-$b
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
pasv_enable=YES
pasv_min_port=$PASV_MIN
pasv_max_port=$PASV_MAX
port_enable=YES
connect_from_port_20=YES
tcp_wrappers=NO
xferlog_enable=NO
dirmessage_enable=NO
vsftpd_log_file=$WORK/vsftpd-$b.xfer
EOF
	bg_start "vsftpd-$b" "${NS_BACKEND[$b]}" vsftpd "$WORK/vsftpd-$b.conf"
done
for b in "${BACKENDS[@]}"; do
	wait_listen "${NS_BACKEND[$b]}" tcp 21
done
start_http 8000

# fetch DESC CURL-OPTION...: downloads data.bin through the VIP (or
# FTP_HOST); it must be one backend's file, whole.  The backend's name
# is left in GOT.
GOT=
FTP_HOST=$VIP
fetch() {
	local desc=$1 out=$WORK/got.bin sum b
	shift
	rm -f "$out"
	GOT=
	on_client curl -sS --max-time 30 "$@" -o "$out" "ftp://$FTP_HOST/data.bin" 2>&1 |
		sed 's/^/# curl: /' || true
	sum=none
	[[ ! -f $out ]] || sum=$(sha256sum <"$out" | cut -d' ' -f1)
	for b in "${BACKENDS[@]}"; do
		[[ $sum == "${SUM[$b]}" ]] && GOT=$b
	done
	if [[ -n $GOT ]]; then
		ok "$desc: data.bin from backend $GOT, whole"
	else
		not_ok "$desc: data.bin whole" "got $(stat -c %s "$out" 2>/dev/null || echo no) bytes"
	fi
}

# listed PATTERN: a connection line of ipvsadm -L -c -n matches PATTERN.
listed() {
	on_director ipvsadm -L -c -n | grep -Eq "$1"
}
vip_re=${VIP//./\\.}
pasv_re="TCP .* $vip_re:30[0-9]{3} +10\.0\.2\.1[12]:30[0-9]{3}"
active_re="TCP .* $vip_re:20 +10\.0\.2\.1[12]:20( |$)"

# ---- a NAT service on port 21
on_director ipvsadm -A -t "$VIP:21" -s rr
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "$VIP:21" -r "${BACKEND_IP[$b]}:21" -m
done
fetch "passive, EPSV"
fetch "passive, PASV, the 227 reply's address used" --disable-epsv --no-ftp-skip-pasv-ip
show ipvsadm -L -c -n
check "a passive data connection is listed (VIP:port to the same port)" listed "$pasv_re"
show cat /proc/net/ip_vs_app
# usecnt: the connections bound to the helper (the control connections).
# shellcheck disable=SC2016 # awk program, not shell
usecnt=$(on_director awk '$1 == "TCP" && $2 == 21 { print $3 }' /proc/net/ip_vs_app)
expect_cmp "ip_vs_app's usecnt counts the control connections" "${usecnt:-0}" -ge 2
check_fails "rmmod $helper refused while its connections live" rmmod "$helper"
fetch "active, EPRT" -P -
fetch "active, PORT" -P - --disable-eprt
show ipvsadm -L -c -n
check "an active data connection is listed (VIP:20 to the real server's 20)" listed "$active_re"

# ---- garbage on the control connection: passed through, no harm done
{
	sleep 1
	printf 'USER anonymous\r\nPASS x\r\n'
	sleep 1
	printf 'PORT 10,0,1,2,999\r\nPORT \001\377,,,\r\nEPRT |9|x|y|\r\nPASV\r\n'
	head -c 65536 /dev/zero | tr '\0' x
	printf '\r\nNOOP\r\n'
	sleep 1
	printf 'QUIT\r\n'
	sleep 1
} | on_client nc -w 10 "$VIP" 21 >"$WORK/garbage.out" 2>&1 || true
sed 's/^/# server: /' "$WORK/garbage.out" | head -n 20
expect_match "the server answered the garbage session" '^230 ' "$(cat "$WORK/garbage.out")"
# kvs_stat NAME: a counter of kvs's /proc/net/kvs_stats.
kvs_stat() {
	# shellcheck disable=SC2016 # awk program, not shell
	on_director awk -v k="$1" '$1 == k { print $2 }' /proc/net/kvs_stats
}
if [[ $KVS_IPVS == intree ]]; then
	skip "kvs_stats app_malformed counts the malformed commands" "kvs only"
else
	expect_cmp "kvs_stats app_malformed counts the malformed commands" \
		"$(kvs_stat app_malformed)" -ge 3
fi
fetch "passive again after the garbage"

# ---- IPv6 (EPSV and EPRT; PASV and PORT are IPv4's): a second vsftpd
# on each backend, IPv6 on port 2121, active from 2120 (the port below)
for b in "${BACKENDS[@]}"; do
	sed -e 's/^listen=YES/listen=NO/' -e 's/^listen_ipv6=NO/listen_ipv6=YES/' \
		"$WORK/vsftpd-$b.conf" >"$WORK/vsftpd6-$b.conf"
	printf 'listen_port=2121\nftp_data_port=2120\n' >>"$WORK/vsftpd6-$b.conf"
	bg_start "vsftpd6-$b" "${NS_BACKEND[$b]}" vsftpd "$WORK/vsftpd6-$b.conf"
done
for b in "${BACKENDS[@]}"; do
	wait_listen "${NS_BACKEND[$b]}" tcp 2121
done
on_director ipvsadm -A -t "[$VIP6]:21" -s rr
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "[$VIP6]:21" -r "[${BACKEND_IP6[$b]}]:2121" -m
done
FTP_HOST="[$VIP6]"
fetch "IPv6, passive, EPSV"
fetch "IPv6, active, EPRT" -P -
FTP_HOST=$VIP

# ---- persistent FTP: port 21 and port 0, both persistent
on_director ipvsadm -C
on_director ipvsadm -A -t "$VIP:21" -s rr -p 120
on_director ipvsadm -A -t "$VIP:0" -s rr -p 120
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "$VIP:21" -r "${BACKEND_IP[$b]}:21" -m
	on_director ipvsadm -a -t "$VIP:0" -r "${BACKEND_IP[$b]}" -m
done
fetch "persistent, passive"
first=$GOT
fetch "persistent, active" -P -
expect_eq "persistent: the same backend both times" "$first" "$GOT"
show ipvsadm -L -c -n
check "persistent: the template is the VIP's port 0" \
	listed "TCP .* 10\.0\.1\.2:0 +$vip_re:0 +10\.0\.2\.1[12]:0"
expect_eq "persistent: port 0 (http on 8000) finds the same backend" \
	"$first" "$(http_get "$NS_CLIENT" "http://$VIP:8000/")"

# ---- conntrack=1: the data connections are related to the control one
on_director ipvsadm -C
on_director sysctl -qw net.ipv4.vs.conntrack=1
# As deployments do (conntrack assigns no helper by itself): the ftp
# helper's extension on the control connection's entry, without which
# conntrack takes no expectation of in-tree's.
on_director iptables -t raw -A PREROUTING -p tcp -d "$VIP" --dport 21 -j CT --helper ftp
on_director iptables -A INPUT -p tcp -d "$VIP" --dport "$PASV_MIN:$PASV_MAX" \
	-m conntrack --ctstate RELATED -m comment --comment ftp-pasv
on_director iptables -A FORWARD -p tcp --sport 20 \
	-m conntrack --ctstate RELATED -m comment --comment ftp-active
on_director ipvsadm -A -t "$VIP:21" -s rr
for b in "${BACKENDS[@]}"; do
	on_director ipvsadm -a -t "$VIP:21" -r "${BACKEND_IP[$b]}:21" -m
done
# rule_pkts CHAIN COMMENT: the packets of the filter rule of that comment.
rule_pkts() {
	on_director iptables -nvxL "$1" | awk -v c="/* $2 */" 'index($0, c) { print $1; exit }'
}
fetch "conntrack=1, passive, PASV" --disable-epsv
expect_cmp "conntrack=1: the passive data connection is RELATED" \
	"$(rule_pkts INPUT ftp-pasv)" -gt 0
fetch "conntrack=1, active, PORT" -P - --disable-eprt
expect_cmp "conntrack=1: the active data connection is RELATED" \
	"$(rule_pkts FORWARD ftp-active)" -gt 0
show conntrack -L
fetch "conntrack=1, passive, EPSV"

done_testing 25
