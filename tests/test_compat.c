/*
 * Copyright (c) 2026 The pfsubmit authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * Tests of compat/: each function the build takes from there where the
 * platform lacks it, called by its compat_ name, so that every one runs
 * on every platform, against OpenBSD's documented behaviour.  Where the
 * platform has the function too (libbsd on Linux), strvis is also
 * checked byte for byte against it.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vis.h>

#include "test.h"

#define CV_CODE	(COMPAT_VIS_OCTAL | COMPAT_VIS_CSTYLE | COMPAT_VIS_NL | \
		    COMPAT_VIS_NOLOCALE)	/* what src/diag.c asks */

static void
reallocarray__grows_and_keeps_the_contents(void **state)
{
	char	*p, *q;

	p = compat_reallocarray(NULL, 4, 2);
	assert_non_null(p);
	memcpy(p, "abcdefgh", 8);
	q = compat_reallocarray(p, 1000, 3);
	assert_non_null(q);
	assert_memory_equal(q, "abcdefgh", 8);
	free(q);
}

static void
reallocarray__overflow__enomem_and_the_old_block_kept(void **state)
{
	char	*p, *q;

	p = compat_reallocarray(NULL, 1, 16);
	assert_non_null(p);
	memcpy(p, "kept", 5);
	errno = 0;
	q = compat_reallocarray(p, SIZE_MAX / 2 + 1, 2);
	assert_null(q);
	assert_int_equal(errno, ENOMEM);
	q = compat_reallocarray(p, 2, SIZE_MAX / 2 + 1);
	assert_null(q);
	assert_string_equal(p, "kept");
	free(p);
}

static int
is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

static void
closefrom__closes_from_fd_up_only(void **state)
{
	int	 fd;

	assert_true((fd = open("/dev/null", O_RDONLY)) != -1);
	assert_int_equal(dup2(fd, 200), 200);
	assert_int_equal(dup2(fd, 201), 201);
	assert_int_equal(dup2(fd, 250), 250);
	assert_int_equal(compat_closefrom(201), 0);
	assert_true(is_open(200));
	assert_false(is_open(201));
	assert_false(is_open(250));
	assert_true(is_open(fd));
	assert_int_equal(compat_closefrom(200), 0);
	assert_false(is_open(200));
	close(fd);
}

static void
closefrom__above_every_open_descriptor__ebadf(void **state)
{
	errno = 0;
	assert_int_equal(compat_closefrom(300), -1);
	assert_int_equal(errno, EBADF);
	errno = 0;
	assert_int_equal(compat_closefrom(-1), -1);
	assert_int_equal(errno, EBADF);
}

static void
explicit_bzero__zeroes_n_bytes_and_no_more(void **state)
{
	char	 b[8];

	memcpy(b, "secret!", 8);
	compat_explicit_bzero(b, 6);
	assert_memory_equal(b, "\0\0\0\0\0\0!", 8);
	compat_explicit_bzero(b, 0);
	assert_int_equal(b[6], '!');
}

static void
pipe2__sets_the_flags_on_both_ends(void **state)
{
	char	 c = 0;
	int	 p[2], i;

	assert_int_equal(compat_pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	for (i = 0; i < 2; i++) {
		assert_true(fcntl(p[i], F_GETFD) & FD_CLOEXEC);
		assert_true(fcntl(p[i], F_GETFL) & O_NONBLOCK);
	}
	assert_int_equal(read(p[0], &c, 1), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	close(p[0]);
	close(p[1]);

	assert_int_equal(compat_pipe2(p, 0), 0);
	for (i = 0; i < 2; i++) {
		assert_false(fcntl(p[i], F_GETFD) & FD_CLOEXEC);
		assert_false(fcntl(p[i], F_GETFL) & O_NONBLOCK);
	}
	close(p[0]);
	close(p[1]);

	p[0] = p[1] = -7;
	errno = 0;
	assert_int_equal(compat_pipe2(p, O_CLOEXEC | O_APPEND), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(p[0], -7);
}

static void
strtonum__in_range__the_number_and_errno_untouched(void **state)
{
	const struct { const char *s; long long min, max, want; } t[] = {
		{ "0", 0, 10, 0 },
		{ "10", 0, 10, 10 },
		{ "-5", -10, 10, -5 },
		{ "+7", 0, 10, 7 },
		{ " 3", 0, 10, 3 },
		{ "9223372036854775807", LLONG_MIN, LLONG_MAX, LLONG_MAX },
		{ "-9223372036854775808", LLONG_MIN, LLONG_MAX, LLONG_MIN },
	};
	const char	*e = "unset";
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		errno = 1234;
		assert_int_equal(compat_strtonum(t[i].s, t[i].min, t[i].max,
		    &e), t[i].want);
		assert_null(e);
		assert_int_equal(errno, 1234);
	}
	assert_int_equal(compat_strtonum("4", 0, 9, NULL), 4);
}

static void
strtonum__refusals__zero_the_reason_and_errno(void **state)
{
	const struct { const char *s; long long min, max; const char *why;
	    int err; } t[] = {
		{ "", 0, 10, "invalid", EINVAL },
		{ "12a", 0, 100, "invalid", EINVAL },
		{ "abc", 0, 10, "invalid", EINVAL },
		{ "1 ", 0, 10, "invalid", EINVAL },
		{ "5", 10, 0, "invalid", EINVAL },
		{ "11", 0, 10, "too large", ERANGE },
		{ "-1", 0, 10, "too small", ERANGE },
		{ "9223372036854775808", 0, LLONG_MAX, "too large", ERANGE },
		{ "-9223372036854775809", LLONG_MIN, 0, "too small", ERANGE },
	};
	const char	*e;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		e = NULL;
		errno = 0;
		assert_int_equal(compat_strtonum(t[i].s, t[i].min, t[i].max,
		    &e), 0);
		assert_non_null(e);
		assert_string_equal(e, t[i].why);
		assert_int_equal(errno, t[i].err);
	}
}

static void
strlcpy__copies_truncates_and_returns_the_source_length(void **state)
{
	char	 b[6];

	assert_int_equal(compat_strlcpy(b, "abc", sizeof(b)), 3);
	assert_string_equal(b, "abc");
	assert_int_equal(compat_strlcpy(b, "abcdefgh", sizeof(b)), 8);
	assert_string_equal(b, "abcde");
	assert_int_equal(compat_strlcpy(b, "xy", 1), 2);
	assert_string_equal(b, "");
	memcpy(b, "keep", 5);
	assert_int_equal(compat_strlcpy(b, "xy", 0), 2);
	assert_string_equal(b, "keep");
}

static void
strlcat__appends_truncates_and_returns_the_wanted_length(void **state)
{
	char	 b[8];

	memcpy(b, "ab", 3);
	assert_int_equal(compat_strlcat(b, "cd", sizeof(b)), 4);
	assert_string_equal(b, "abcd");
	assert_int_equal(compat_strlcat(b, "efghij", sizeof(b)), 10);
	assert_string_equal(b, "abcdefg");
	assert_int_equal(compat_strlcat(b, "z", sizeof(b)), 8);
	assert_string_equal(b, "abcdefg");
	/* No NUL within the size: untouched, size + strlen(src). */
	memcpy(b, "abcdefgh", 8);
	assert_int_equal(compat_strlcat(b, "xyz", 4), 7);
	assert_memory_equal(b, "abcdefgh", 8);
	assert_int_equal(compat_strlcat(b, "xyz", 0), 3);
}

static void
progname__the_last_component_of_what_was_set(void **state)
{
	compat_setprogname("/usr/local/sbin/pfsubmit");
	assert_string_equal(compat_getprogname(), "pfsubmit");
	compat_setprogname("plain");
	assert_string_equal(compat_getprogname(), "plain");
	compat_setprogname("pfsubmit");
}

static void
check_vis(const char *in, int flag, const char *want)
{
	char	 out[64];

	assert_int_equal(compat_strvis(out, in, flag), (int)strlen(want));
	assert_string_equal(out, want);
}

static void
strvis__the_flags_the_code_uses(void **state)
{
	check_vis("plain text~", CV_CODE, "plain text~");
	check_vis("a\\b", CV_CODE, "a\\\\b");
	check_vis("tab\there", CV_CODE, "tab\there");
	check_vis("1\n2\r3", CV_CODE, "1\\n2\\r3");
	check_vis("\a\b\v\f", CV_CODE, "\\a\\b\\v\\f");
	check_vis("\x01\x1b\x7f", CV_CODE, "\\001\\033\\177");
	check_vis("caf\xc3\xa9 \xa0\xff", CV_CODE,
	    "caf\\303\\251 \\240\\377");
	check_vis("", CV_CODE, "");
}

static void
strvis__the_other_forms(void **state)
{
	/* \^C, \M-C, \M^C; a space with the high bit always in octal. */
	check_vis("\x01\x7f\x81\xe9\xff\xa0", 0,
	    "\\^A\\^?\\M^A\\M-i\\M^?\\240");
	check_vis("\n \t", 0, "\n \t");
	check_vis("\n \t", COMPAT_VIS_SP | COMPAT_VIS_TAB | COMPAT_VIS_NL,
	    "\\^J\\040\\^I");
	check_vis(" \t", COMPAT_VIS_SP | COMPAT_VIS_TAB | COMPAT_VIS_CSTYLE,
	    "\\s\\t");
	check_vis("\x01\\", COMPAT_VIS_NOSLASH, "^A\\");
	check_vis("\\", 0, "\\\\");
	check_vis("say \"hi\"", COMPAT_VIS_DQ, "say \\\"hi\\\"");
	check_vis("a*b?[#]", COMPAT_VIS_GLOB, "a\\052b\\077\\133\\043]");
	check_vis("\r\a\b\x01", COMPAT_VIS_SAFE, "\r\a\b\\^A");
}

/*
 * Every byte, alone and before an octal digit, against the platform's,
 * with the flags where NetBSD's encoding (libbsd's) is OpenBSD's too:
 * without VIS_CSTYLE, NetBSD writes a backslash, and a tab or newline it
 * is asked to encode, in octal.
 */
static void
strvis__as_the_platform_encodes(void **state)
{
#ifdef NEED_STRVIS
	skip();
#else
	const int flags[][2] = {
		{ CV_CODE, VIS_OCTAL | VIS_CSTYLE | VIS_NL | VIS_NOLOCALE },
		{ COMPAT_VIS_CSTYLE | COMPAT_VIS_NOLOCALE,
		    VIS_CSTYLE | VIS_NOLOCALE },
		{ COMPAT_VIS_CSTYLE | COMPAT_VIS_SP | COMPAT_VIS_TAB |
		    COMPAT_VIS_NL | COMPAT_VIS_NOLOCALE,
		    VIS_CSTYLE | VIS_WHITE | VIS_NOLOCALE },
	};
	char	 in[3], a[16], b[16];
	size_t	 f;
	int	 c;

	for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
		for (c = 1; c < 256; c++) {
			in[0] = (char)c;
			in[1] = '7';
			in[2] = '\0';
			assert_int_equal(compat_strvis(a, in, flags[f][0]),
			    strvis(b, in, flags[f][1]));
			if (strcmp(a, b) != 0)
				fail_msg("byte %d, flags %#x: \"%s\" and "
				    "\"%s\"", c, flags[f][1], a, b);
		}
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reallocarray__grows_and_keeps_the_contents),
		cmocka_unit_test(
		    reallocarray__overflow__enomem_and_the_old_block_kept),
		cmocka_unit_test(closefrom__closes_from_fd_up_only),
		cmocka_unit_test(closefrom__above_every_open_descriptor__ebadf),
		cmocka_unit_test(explicit_bzero__zeroes_n_bytes_and_no_more),
		cmocka_unit_test(pipe2__sets_the_flags_on_both_ends),
		cmocka_unit_test(
		    strtonum__in_range__the_number_and_errno_untouched),
		cmocka_unit_test(strtonum__refusals__zero_the_reason_and_errno),
		cmocka_unit_test(
		    strlcpy__copies_truncates_and_returns_the_source_length),
		cmocka_unit_test(
		    strlcat__appends_truncates_and_returns_the_wanted_length),
		cmocka_unit_test(progname__the_last_component_of_what_was_set),
		cmocka_unit_test(strvis__the_flags_the_code_uses),
		cmocka_unit_test(strvis__the_other_forms),
		cmocka_unit_test(strvis__as_the_platform_encodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
