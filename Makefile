# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of kvs, and the project's entry points.  The kernel
# build itself is described in Kbuild.

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    $(wildcard /usr/src/linux-headers-*-amd64))

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

# The kernel build directory, for scripts (scripts/modules, scripts/style).
kvs-print-kdir:
	@echo $(KDIR)

# Userspace programs the e2e tests copy into the test host (scripts/e2e
# builds them).  Static, so they run whatever the guest's libc.
E2E_BIN := out/e2e-bin
e2e-bins: $(E2E_BIN)/kvs_sockopt_client $(E2E_BIN)/kvs_load $(E2E_BIN)/kvs_nlfuzz \
	$(E2E_BIN)/kvs_syncfuzz

$(E2E_BIN)/kvs_sockopt_client: tests/sockopt/kvs_sockopt_client.c
	@mkdir -p $(@D)
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

$(E2E_BIN)/kvs_load: tests/bench/kvs_load.c
	@mkdir -p $(@D)
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

$(E2E_BIN)/kvs_nlfuzz: tests/fuzz/kvs_nlfuzz.c tests/fuzz/rng.h
	@mkdir -p $(@D)
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

$(E2E_BIN)/kvs_syncfuzz: tests/fuzz/kvs_syncfuzz.c tests/fuzz/rng.h
	@mkdir -p $(@D)
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

# Everything below is driven by scripts/: see README.md.
deps:
	scripts/deps

demo:
	scripts/demo

# KERNEL=6.12: everything on that kernel (scripts/check --kernel).
check:
	scripts/check $(if $(KERNEL),--kernel=$(KERNEL))

# The whole e2e suite on the debug test host (KASAN, KFENCE, lockdep,
# kmemleak; scripts/debug --all), and the injected use-after-free check.
check-debug:
	scripts/debug --all

kunit:
	scripts/kunit

e2e:
	scripts/e2e

bench:
	scripts/bench

# The kvs-dkms Debian package, out/deb/kvs-dkms_VERSION_all.deb (debian/,
# dkms.conf); scripts/deb-test installs and removes it on this machine.
deb:
	scripts/deb

.PHONY: all modules clean kvs-print-kdir deps demo check check-debug kunit e2e bench deb e2e-bins
