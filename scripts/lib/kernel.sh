# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Which Debian kernel a script means, sourced by scripts/vmrun, e2e, check,
# demo and style.  A kernel is named by its full version (6.12.117+deb12-amd64)
# or by a prefix of it (6.12, 6.1): a prefix means the newest installed
# -amd64 kernel that it starts, at a dot or the end of a number.

# kvs_kernel_match WANT VERSION...: prints the newest VERSION that WANT
# names; fails when none does.
kvs_kernel_match() {
	local want=$1 v best=
	shift
	for v in "$@"; do
		case $v in
		"$want" | "$want".* | "$want"-* | "$want"+*) best=$v ;;
		*) continue ;;
		esac
	done
	[[ -n $best ]] || return 1
	printf '%s\n' "$best"
}

# kvs_kernel_images: versions with a /boot/vmlinuz-V-amd64 and modules,
# oldest first.
kvs_kernel_images() {
	local k v
	for k in /boot/vmlinuz-*-amd64; do
		v=${k#/boot/vmlinuz-}
		[[ -r $k && -d /lib/modules/$v/kernel ]] && echo "$v"
	done | sort -V
}

# kvs_kernel_headers: versions with /usr/src/linux-headers-V-amd64,
# oldest first (the generic flavour only: not -cloud-amd64, -rt-amd64).
kvs_kernel_headers() {
	local d v
	for d in /usr/src/linux-headers-*-amd64; do
		v=${d#/usr/src/linux-headers-}
		[[ $v == *-cloud-amd64 || $v == *-rt-amd64 ]] && continue
		[[ -f $d/Makefile ]] && echo "$v"
	done | sort -V
}

# kvs_kernel_image WANT: the installed kernel image WANT names.
kvs_kernel_image() {
	local all
	mapfile -t all < <(kvs_kernel_images)
	kvs_kernel_match "$1" "${all[@]}"
}

# kvs_kernel_header WANT: the installed headers WANT names.
kvs_kernel_header() {
	local all
	mapfile -t all < <(kvs_kernel_headers)
	kvs_kernel_match "$1" "${all[@]}"
}

# kvs_kernel_short VERSION: 6.12.117+deb12-amd64 -> 6.12
kvs_kernel_short() {
	sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$1"
}
