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
 * pipe2(2): pipe(2) with O_CLOEXEC and O_NONBLOCK set on both ends;
 * any other flag is EINVAL.  Not atomic: a descriptor made here can be
 * inherited by a fork in another thread before the flag is set.
 * pfsubmit has one thread, and run_cmd closes every descriptor above
 * standard error in the child anyway.
 */

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "compat.h"

int
compat_pipe2(int fd[2], int flags)
{
	int	 p[2], i, saved;

	if ((flags & ~(O_CLOEXEC | O_NONBLOCK)) != 0) {
		errno = EINVAL;
		return -1;
	}
	if (pipe(p) == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		if ((flags & O_CLOEXEC) &&
		    fcntl(p[i], F_SETFD, FD_CLOEXEC) == -1)
			goto fail;
		if ((flags & O_NONBLOCK) &&
		    fcntl(p[i], F_SETFL, fcntl(p[i], F_GETFL) | O_NONBLOCK)
		    == -1)
			goto fail;
	}
	fd[0] = p[0];
	fd[1] = p[1];
	return 0;
fail:
	saved = errno;
	(void)close(p[0]);
	(void)close(p[1]);
	errno = saved;
	return -1;
}
