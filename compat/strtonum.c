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
 * strtonum(3): a decimal long long between minval and maxval, or 0 with
 * *errstrp set to "invalid" (errno EINVAL: not a number, trailing text,
 * or minval > maxval), "too small" or "too large" (errno ERANGE).  On
 * success *errstrp is NULL and errno is what it was before the call.
 */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "compat.h"

long long
compat_strtonum(const char *s, long long minval, long long maxval,
    const char **errstrp)
{
	const char	*why = NULL;
	char		*end;
	long long	 n = 0;
	int		 saved = errno, e = 0;

	if (minval > maxval) {
		why = "invalid";
		e = EINVAL;
	} else {
		errno = 0;
		n = strtoll(s, &end, 10);
		if (end == s || *end != '\0') {
			why = "invalid";
			e = EINVAL;
		} else if ((n == LLONG_MIN && errno == ERANGE) || n < minval) {
			why = "too small";
			e = ERANGE;
		} else if ((n == LLONG_MAX && errno == ERANGE) || n > maxval) {
			why = "too large";
			e = ERANGE;
		}
	}
	if (errstrp != NULL)
		*errstrp = why;
	if (why != NULL) {
		errno = e;
		return 0;
	}
	errno = saved;
	return n;
}
