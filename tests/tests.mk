# Tests: included by the Makefile.  `make check' runs all of them.
#
#   unit		cmocka tests, tests/test_*.c, one binary per module
#   unit-asan		the same under AddressSanitizer and UBSan
#   cli		golden and behaviour tests of the command line
#   cli-more	verify, relayhost, help and usage, defaults, reload
#   edit		sender-domains, --all, enable after disable, quoting
#   differential	pfsubmit's reading against postconf's, on every fixture
#   generated		seeded random files: round trip, and against postconf
#   corpus		real master.cf/main.cf of mail-server projects: against
#			postconf, enable/disable round trips, no false check error
#   fuzz-short		libFuzzer targets for a short while (clang only)
#   live		a real Postfix on loopback (root only)
#   txn		the transaction from outside: swaps, kills, interrupts,
#			backups, what an edit reports (mostly root)

TEST_SRCS=	$(wildcard tests/test_*.c)
TEST_BINS=	$(patsubst tests/%.c,build/tests/%,$(TEST_SRCS))
ASAN_BINS=	$(patsubst tests/%.c,build/asan/%,$(TEST_SRCS))
LIB_OBJS=	$(patsubst src/%.c,build/lib/%.o,$(SRCS))
ASAN_OBJS=	$(patsubst src/%.c,build/asan/lib/%.o,$(SRCS))
ASAN_FLAGS=	-fsanitize=address,undefined -fno-omit-frame-pointer \
		-fno-sanitize-recover=all
TEST_CPPFLAGS=	$(CPPFLAGS) -Isrc -Itests $(CMOCKA_CFLAGS) \
		-DFIXTURES_DIR=\"$(CURDIR)/fixtures\"
TEST_LIBS=	$(CMOCKA_LIBS) $(LDLIBS)
PYTHON?=	python3

# Every compat/ file is in the test programs, whatever the probe chose:
# test_compat calls each by its compat_ name on every platform.
COMPAT_ALL=	$(wildcard compat/*.c)
LIB_OBJS+=	$(patsubst compat/%.c,build/lib/compat/%.o,$(COMPAT_ALL))
ASAN_OBJS+=	$(patsubst compat/%.c,build/asan/lib/compat/%.o,$(COMPAT_ALL))
$(LIB_OBJS) $(ASAN_OBJS): $(CONFIG)

build/lib/compat/%.o: compat/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

build/asan/lib/compat/%.o: compat/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(ASAN_FLAGS) -O1 -c -o $@ $<

build/lib/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

build/asan/lib/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(ASAN_FLAGS) -O1 -c -o $@ $<

# A test that replaces system calls (failure injection) lists the
# functions in tests/<test>.wrap, one per line: they are linked with
# -Wl,--wrap=NAME, and the test defines __wrap_NAME.
# A wrapped function that the build takes from compat/ is called by its
# compat_ name: that call goes to the test's __wrap_NAME, and the test's
# __real_NAME is compat's.
comma:=		,
wrap1=		$(if $(filter -DNEED_$(shell echo $(1) | tr a-z A-Z), \
		    $(COMPAT_CPPFLAGS)),-Wl$(comma)--wrap=compat_$(1) \
		    -Wl$(comma)--defsym=__wrap_compat_$(1)=__wrap_$(1) \
		    -Wl$(comma)--defsym=__real_$(1)=__real_compat_$(1), \
		    -Wl$(comma)--wrap=$(1))
wrapflags=	$(foreach f,$(shell cat tests/$(1).wrap 2>/dev/null),$(call wrap1,$(f)))

# The tests that use the one failure-injection harness, tests/faults.c;
# their .wrap files list at least the calls of its enum sc.
FAULT_TESTS=	test_safefile test_txn
faultsrc=	$(if $(filter $(1),$(FAULT_TESTS)),tests/faults.c)

build/tests/%: tests/%.c tests/testutil.c tests/test.h tests/faults.c \
    tests/faults.h $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CPPFLAGS) $(CFLAGS) -o $@ $< tests/testutil.c \
	    $(call faultsrc,$*) $(LIB_OBJS) $(TEST_LIBS) $(call wrapflags,$*)

build/asan/%: tests/%.c tests/testutil.c tests/test.h tests/faults.c \
    tests/faults.h $(ASAN_OBJS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CPPFLAGS) $(CFLAGS) $(ASAN_FLAGS) -O1 -o $@ $< \
	    tests/testutil.c $(call faultsrc,$*) $(ASAN_OBJS) $(TEST_LIBS) \
	    $(call wrapflags,$*)

build/pftool: tests/pftool.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CPPFLAGS) $(CFLAGS) -o $@ tests/pftool.c $(LIB_OBJS) \
	    $(LDLIBS)

-include $(LIB_OBJS:.o=.d)


# Every program runs, and the target fails if any failed.
unit: $(TEST_BINS)
	@bad=0; for t in $(TEST_BINS); do echo "== $$t"; $$t || bad=1; \
	    done; exit $$bad

unit-asan: $(ASAN_BINS)
	@bad=0; for t in $(ASAN_BINS); do echo "== $$t (asan)"; \
	    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    $$t || bad=1; done; exit $$bad

cli: $(PROG) build/pftool
	$(PYTHON) tests/cli_test.py

cli-more: $(PROG)
	$(PYTHON) tests/cli_more_test.py
	$(PYTHON) tests/verify_test.py

edit: $(PROG)
	$(PYTHON) tests/edit_test.py

differential: $(PROG) build/pftool
	$(PYTHON) tests/differential.py

generated: $(PROG) build/pftool
	$(PYTHON) tests/generated.py

corpus: $(PROG) build/pftool
	$(PYTHON) tests/corpus_test.py

live: $(PROG)
	sh tests/live/run.sh
	sh tests/live/wire.sh
	sh tests/live/check.sh
	sh tests/live/edit.sh

ansible: $(PROG)
	sh tests/ansible_test.sh

crash: $(PROG)
	$(PYTHON) tests/crash_test.py

txn: $(PROG)
	$(PYTHON) tests/txn_test.py

install-test: $(PROG)
	MAKE="$(MAKE)" sh tests/install_test.sh

# Builds the Debian package in a copy of the tree; CI runs it.
deb-test:
	sh tests/deb_test.sh

# The build macOS and the BSDs get, here: every compat/ file and no
# libbsd (COMPAT=all), in a copy of the tree, through the unit and CLI
# suites.
COMPAT_TREE=	build/compat-all
check-compat:
	rm -rf $(COMPAT_TREE)
	mkdir -p $(COMPAT_TREE)
	tar -cf - --exclude=./build --exclude=./.git --exclude='*.o' \
	    --exclude='*.d' --exclude=./$(PROG) . | \
	    (cd $(COMPAT_TREE) && tar -xf -)
	$(MAKE) -C $(COMPAT_TREE) COMPAT=all WERROR=1 all unit unit-asan cli \
	    cli-more edit txn differential generated corpus live ansible \
	    install-test crash

# The probe: a missing library named before anything compiles, and
# COMPAT's choice of compat/ files.
probe-test:
	MAKE="$(MAKE)" sh tests/probe_test.sh

.PHONY: check-compat probe-test

# make check installs (as root) or names what is missing, then runs every
# suite in a fresh make, which sees the libraries just installed.
check:
	sh tools/deps.sh check
	$(MAKE) check-all

check-all: all unit unit-asan cli cli-more edit txn differential generated \
    corpus fuzz-short live ansible install-test crash
	@echo "make check: all tests passed"

.PHONY: check-compat check check-all unit unit-asan cli cli-more edit txn \
    differential generated corpus live ansible install-test deb-test crash
