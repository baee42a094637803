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
 * setprogname(3), getprogname(3): the program's name for messages, the
 * last component of what was set.  Before setprogname, the C library's
 * own idea of it where it has one (Linux), or "".  On Linux the name is
 * also the one err(3) and warn(3) print.
 */

#include <string.h>

#include "compat.h"

#ifdef __linux__
extern char	*program_invocation_short_name;
#endif

static const char	*compat_progname;

void
compat_setprogname(const char *name)
{
	const char	*p;

	if ((p = strrchr(name, '/')) != NULL)
		name = p + 1;
	compat_progname = name;
#ifdef __linux__
	program_invocation_short_name = (char *)name;
#endif
}

const char *
compat_getprogname(void)
{
	if (compat_progname != NULL)
		return compat_progname;
#ifdef __linux__
	return program_invocation_short_name;
#else
	return "";
#endif
}
