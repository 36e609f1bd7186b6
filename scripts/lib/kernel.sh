# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Which Debian kernel a script means, sourced by scripts/vmrun, e2e, check,
# demo and style.  A kernel is named by its full version (6.12.117+deb12-amd64)
# or by a prefix of it (6.12, 6.1): a prefix means the newest installed
# -amd64 kernel that it starts, at a dot or the end of a number.  "debug"
# names the debug test host's kernel (scripts/debug-kernel, built on first
# use), whose version ends in -kvs-debug: its image and modules are under
# its cache directory's root/ (kvs_kernel_root), its build tree is build/.

kvs_debug_kernel=$(dirname "${BASH_SOURCE[0]}")/../debug-kernel

# kvs_kernel_is_debug WANT: WANT names the debug kernel.
kvs_kernel_is_debug() {
	[[ $1 == debug || $1 == *-kvs-debug ]]
}

# kvs_kernel_debug_dir: the debug kernel's cache directory, built first
# if need be (its progress on stderr).
kvs_kernel_debug_dir() {
	"$kvs_debug_kernel" | tail -n 1
}

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
	local all d
	if kvs_kernel_is_debug "$1"; then
		d=$(kvs_kernel_debug_dir) && cat "$d/kernelrelease"
		return
	fi
	mapfile -t all < <(kvs_kernel_images)
	kvs_kernel_match "$1" "${all[@]}"
}

# kvs_kernel_header WANT: the installed headers WANT names.
kvs_kernel_header() {
	local all
	if kvs_kernel_is_debug "$1"; then
		kvs_kernel_image "$1"
		return
	fi
	mapfile -t all < <(kvs_kernel_headers)
	kvs_kernel_match "$1" "${all[@]}"
}

# kvs_kernel_short VERSION: 6.12.117+deb12-amd64 -> 6.12; the debug
# kernel -> debug
kvs_kernel_short() {
	if kvs_kernel_is_debug "$1"; then
		echo debug
	else
		sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$1"
	fi
}

# kvs_kernel_root VERSION: where the kernel's boot/ and lib/modules/ are:
# empty (the system's) for Debian's, the cache's root/ for the debug one.
kvs_kernel_root() {
	local d
	if kvs_kernel_is_debug "$1"; then
		d=$(kvs_kernel_debug_dir) && echo "$d/root"
	fi
}

# kvs_kernel_kdir VERSION: the build tree modules for VERSION build against.
kvs_kernel_kdir() {
	local d
	if kvs_kernel_is_debug "$1"; then
		d=$(kvs_kernel_debug_dir) && echo "$d/build"
	else
		echo "/usr/src/linux-headers-$1"
	fi
}
