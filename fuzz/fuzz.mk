# libFuzzer targets (clang only).  `make fuzz' builds them, `make
# fuzz-short' runs each for FUZZ_SECONDS (make check does this when clang
# is there), `make fuzz-long' for FUZZ_LONG_SECONDS.

FUZZ_CC?=	clang
FUZZ_TARGETS=	fuzz_master fuzz_main fuzz_expand fuzz_edit
FUZZ_SECONDS?=	15
FUZZ_LONG_SECONDS?=	600
FUZZ_FLAGS=	-g -O1 -fno-omit-frame-pointer \
		-fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJS=	$(patsubst src/%.c,build/fuzz/lib/%.o,$(SRCS))
FUZZ_BINS=	$(patsubst %,build/fuzz/%,$(FUZZ_TARGETS))

build/fuzz/lib/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(FUZZ_FLAGS) -c -o $@ $<

build/fuzz/%: fuzz/%.c $(FUZZ_OBJS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Isrc -std=c11 -g -O1 \
	    -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_OBJS) $(LDLIBS)

fuzz: $(FUZZ_BINS)

# Only when clang can link a libFuzzer program (probed into a file of
# its own: a linker run as root with -o /dev/null may replace the device
# with a regular file).
fuzz-short:
	@mkdir -p build; \
	if echo 'int LLVMFuzzerTestOneInput(const char *d, long n)' \
	    '{ return 0; }' | $(FUZZ_CC) -x c -fsanitize=fuzzer \
	    -o build/have-libfuzzer - >/dev/null 2>&1; then \
		rm -f build/have-libfuzzer; \
		$(MAKE) fuzz && \
		sh fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS); \
	else \
		echo "fuzz-short: skipped: clang with libFuzzer is not" \
		    "installed (apt-get install clang libclang-rt-14-dev)"; \
	fi

fuzz-long: fuzz
	sh fuzz/run.sh $(FUZZ_LONG_SECONDS) $(FUZZ_TARGETS)

.PHONY: fuzz fuzz-short fuzz-long
