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
 * faults.c: the one failure-injection harness of the unit tests.  A test
 * linked with it (FAULT_TESTS in tests/tests.mk) wraps, with -Wl,--wrap,
 * every call listed in enum sc (its .wrap file names them).  While
 * armed, every wrapped call is counted and named, and the nth call of
 * one of them (with sticky, that one and every later one) fails with a
 * plausible errno instead of reaching the kernel; close still closes, as
 * Linux does.
 */

#ifndef PFSUBMIT_FAULTS_H
#define PFSUBMIT_FAULTS_H

enum sc {
	SC_OPENAT,
	SC_WRITE,
	SC_FCHOWN,
	SC_FCHMOD,
	SC_FSYNC,
	SC_RENAMEAT,
	SC_MKDIRAT,
	SC_CLOSE,
	SC_N
};
extern const char *const sc_name[SC_N];
extern const int sc_errno[SC_N];

#define INJ_MAXLOG	256
#define INJ_WHATLEN	96

struct inj {
	int	 armed;		/* count the calls, and fail one */
	int	 sc;		/* the call to fail, -1: none */
	int	 nth;		/* fail its nth call (1-based) */
	int	 sticky;	/* and every later one */
	int	 fired;		/* the failure was injected */
	int	 n[SC_N];	/* calls seen since armed */
	char	 what[SC_N][INJ_MAXLOG][INJ_WHATLEN]; /* what each was about:
				   a name, "from -> to", or the last two
				   components of a descriptor's path */
};
extern struct inj inj;

void	 inj_arm(int, int, int);
void	 inj_disarm(void);

#endif
