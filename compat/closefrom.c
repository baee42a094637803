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
 * closefrom(2): close every descriptor from fd up.  Returns 0, or -1
 * with errno EBADF when fd is negative or above every open descriptor.
 *
 * Where /dev/fd lists the open descriptors (macOS, Linux), they are read
 * from there; that listing is trusted only when it shows the descriptor
 * reading it, since a plain /dev/fd (FreeBSD without fdescfs) lists 0-2
 * whatever is open.  Otherwise every number up to the descriptor limit
 * is tried.
 */

#include <sys/resource.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "compat.h"

/* The highest descriptor number that can be open, as far as we know. */
static int
fd_ceiling(void)
{
	struct rlimit	 rl;
	long		 n;

	n = sysconf(_SC_OPEN_MAX);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= INT_MAX &&
	    (long)rl.rlim_cur > n)
		n = (long)rl.rlim_cur;
	if (n <= 0 || n > INT_MAX)
		n = 1024 * 1024;
	return (int)(n - 1);
}

/* fd_name - a directory entry's descriptor number, or -1 */
static int
fd_name(const char *s)
{
	long	 n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || n > (INT_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return (int)n;
}

/*
 * from_devfd - close what /dev/fd lists from fd up; *closed counts them.
 * Returns -1 when the listing cannot be had or trusted.
 */
static int
from_devfd(int fd, int *closed)
{
	struct dirent	*de;
	DIR		*d;
	int		 self, n, seen_self = 0, more;

	if ((d = opendir("/dev/fd")) == NULL)
		return -1;
	self = dirfd(d);
	while ((de = readdir(d)) != NULL)
		if (fd_name(de->d_name) == self)
			seen_self = 1;
	if (!seen_self) {
		(void)closedir(d);
		return -1;
	}
	/*
	 * A listing that changes while it is read may skip entries: read
	 * it again until a reading closes nothing.
	 */
	do {
		more = 0;
		rewinddir(d);
		while ((de = readdir(d)) != NULL) {
			n = fd_name(de->d_name);
			if (n == -1 || n == self || n < fd)
				continue;
			if (close(n) == 0 || errno == EINTR) {
				(*closed)++;
				more = 1;
			}
		}
	} while (more);
	(void)closedir(d);
	return 0;
}

int
compat_closefrom(int fd)
{
	int	 i, top, closed = 0;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	if (from_devfd(fd, &closed) == -1) {
		top = fd_ceiling();
		for (i = fd; i <= top; i++)
			if (close(i) == 0 || errno == EINTR)
				closed++;
	}
	if (closed == 0) {
		errno = EBADF;
		return -1;
	}
	return 0;
}
