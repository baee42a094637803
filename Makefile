# pfsubmit - enable Postfix's mail submission service, safely.
#
# make			build ./pfsubmit
# make check		build and run every test (unit, differential, CLI,
#			sanitizers, a short fuzz run when clang is there,
#			and the live suite when run as root)
# make install		PREFIX, DESTDIR, BINDIR, MANDIR, COMPLETIONDIR are
#			honoured

PROG=		pfsubmit
VERSION=	0.1.0

PREFIX?=	/usr/local
BINDIR?=	$(PREFIX)/sbin
MANDIR?=	$(PREFIX)/share/man
COMPLETIONDIR?=	$(PREFIX)/share/bash-completion/completions
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

LIBBSD_CFLAGS!=	$(PKG_CONFIG) --cflags libbsd-overlay 2>/dev/null
LIBBSD_LIBS!=	$(PKG_CONFIG) --libs libbsd-overlay 2>/dev/null
OPENSSL_CFLAGS!=	$(PKG_CONFIG) --cflags openssl 2>/dev/null
OPENSSL_LIBS!=	$(PKG_CONFIG) --libs openssl 2>/dev/null
CMOCKA_CFLAGS!=	$(PKG_CONFIG) --cflags cmocka 2>/dev/null
CMOCKA_LIBS!=	$(PKG_CONFIG) --libs cmocka 2>/dev/null

override CPPFLAGS+=	-D_DEFAULT_SOURCE -D_GNU_SOURCE -DLIBBSD_OPENBSD_VIS \
			-DPFSUBMIT_VERSION=\"$(VERSION)\" \
			$(LIBBSD_CFLAGS) $(OPENSSL_CFLAGS)
override CFLAGS+=	-std=c11 $(WARNINGS)
LDLIBS+=	$(LIBBSD_LIBS) $(OPENSSL_LIBS)

SRCS=	src/backup.c src/buf.c src/cffile.c src/cli.c src/cmd_backup.c \
	src/cmd_edit.c src/cmd_sender.c src/cmd_show.c src/conf.c \
	src/diag.c src/diff.c src/expand.c src/json.c src/lint.c \
	src/maincf.c src/mastercf.c src/mcedit.c src/mpedit.c src/relay.c \
	src/run.c src/safefile.c \
	src/table.c src/txn.c src/valid.c src/verify.c
MAIN=	src/main.c
OBJS=	$(SRCS:.c=.o)
DEPS=	$(SRCS:.c=.d) $(MAIN:.c=.d)

all: $(PROG)

$(PROG): $(OBJS) $(MAIN:.c=.o) | have-libbsd
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(MAIN:.c=.o) $(LDLIBS)

%.o: %.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

have-libbsd:
	@$(PKG_CONFIG) --atleast-version=0.10 libbsd-overlay || { \
	    echo "libbsd 0.10 or later is needed: apt-get install" \
	    "libbsd-dev pkg-config (or: make check, as root)"; exit 1; }
	@$(PKG_CONFIG) --atleast-version=1.1.1 openssl || { \
	    echo "OpenSSL 1.1.1 or later is needed: apt-get install" \
	    "libssl-dev (or: make check, as root)"; exit 1; }

# The quick start: both install what a fresh Debian 12 machine lacks
# when run as root, or print the exact install line.
demo:
	sh tools/deps.sh demo
	$(MAKE) $(PROG)
	sh tools/demo.sh

-include $(DEPS)

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
	    "$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(COMPLETIONDIR)"
	$(INSTALL) -m 0755 $(PROG) "$(DESTDIR)$(BINDIR)/$(PROG)"
	$(INSTALL) -m 0644 pfsubmit.1 "$(DESTDIR)$(MANDIR)/man1/pfsubmit.1"
	$(INSTALL) -m 0644 contrib/bash-completion/pfsubmit \
	    "$(DESTDIR)$(COMPLETIONDIR)/pfsubmit"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/$(PROG)" \
	    "$(DESTDIR)$(MANDIR)/man1/pfsubmit.1" \
	    "$(DESTDIR)$(COMPLETIONDIR)/pfsubmit"

lint:
	mandoc -Tlint -W warning pfsubmit.1

clean:
	rm -f $(PROG) $(OBJS) $(MAIN:.c=.o) $(DEPS)
	rm -rf build

.PHONY: all have-libbsd demo install uninstall lint clean

# The benchmark: pfsubmit against postconf on 1,000-16,000 services.
bench: $(PROG)
	python3 bench/run.py

.PHONY: bench
