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
 * run_cmd's terminal where posix_openpt takes O_RDWR and O_NOCTTY only
 * (OpenBSD, macOS): posix_openpt is wrapped (tests/test_runpty.wrap) to
 * refuse any other flag with EINVAL, as those systems do, and grantpt
 * to see the master already close-on-exec.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

int	 __wrap_posix_openpt(int);
int	 __real_posix_openpt(int);
int	 __wrap_grantpt(int);
int	 __real_grantpt(int);

static int	 openpt_flags = -1;
static int	 cloexec_at_grantpt = -1;

int
__wrap_posix_openpt(int flags)
{
	openpt_flags = flags;
	if ((flags & ~(O_RDWR | O_NOCTTY)) != 0) {
		errno = EINVAL;
		return -1;
	}
	return __real_posix_openpt(flags);
}

int
__wrap_grantpt(int fd)
{
	int	 fl;

	fl = fcntl(fd, F_GETFD);
	cloexec_at_grantpt = fl != -1 && (fl & FD_CLOEXEC) != 0;
	return __real_grantpt(fd);
}

static void
run_pty__openpt_takes_no_cloexec__master_cloexec_all_the_same(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c", "echo tty; exit 0",
	    NULL };
	struct run_result r;

	assert_int_equal(run_cmd(argv, RUN_PTY, 10, &r), 0);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out.p, "tty\r\n");
	assert_int_equal(openpt_flags, O_RDWR | O_NOCTTY);
	assert_int_equal(cloexec_at_grantpt, 1);
	run_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    run_pty__openpt_takes_no_cloexec__master_cloexec_all_the_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
