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
 * The failure-injection harness shared by test_safefile and test_txn
 * (see faults.h).
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "faults.h"

const char *const sc_name[SC_N] = {
	"openat", "write", "fchown", "fchmod", "fsync", "renameat", "mkdirat",
	"close"
};
const int sc_errno[SC_N] = {
	EMFILE, ENOSPC, EPERM, EPERM, EIO, EIO, ENOSPC, EIO
};

struct inj inj;

void
inj_arm(int sc, int nth, int sticky)
{
	memset(&inj, 0, sizeof(inj));
	inj.sc = sc;
	inj.nth = nth;
	inj.sticky = sticky;
	inj.armed = 1;
}

void
inj_disarm(void)
{
	inj.armed = 0;
}

/* inject - count a call; 1 if this one must fail */
static int
inject(int sc, const char *what)
{
	int	 k;

	if (!inj.armed)
		return 0;
	k = inj.n[sc]++;
	if (k < INJ_MAXLOG)
		(void)strlcpy(inj.what[sc][k], what, sizeof(inj.what[sc][k]));
	if (sc == inj.sc && (k + 1 == inj.nth ||
	    (inj.sticky && k + 1 > inj.nth))) {
		inj.fired = 1;
		return 1;
	}
	return 0;
}

/*
 * inject_fd - inject() for a call on a descriptor, named by the last two
 * components of its path ("20261129T120000Z.tmp/main.cf"), a directory
 * as "directory NAME"
 */
static int
inject_fd(int sc, int fd)
{
	struct stat	 st;
	char		 link[64], path[256], desc[300];
	const char	*base;
	ssize_t		 n;

	if (!inj.armed)
		return inject(sc, "");
	(void)snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof(path) - 1)) < 0)
		n = 0;
	path[n] = '\0';
	base = path + n;
	for (n = 0; base > path && n < 2; base--)
		if (base[-1] == '/' && ++n == 2)
			break;
	(void)snprintf(desc, sizeof(desc), "%s%s", fstat(fd, &st) == 0 &&
	    S_ISDIR(st.st_mode) ? "directory " : "", base);
	return inject(sc, desc);
}

int	 __wrap_openat(int, const char *, int, ...);
int	 __real_openat(int, const char *, int, ...);
ssize_t	 __wrap_write(int, const void *, size_t);
ssize_t	 __real_write(int, const void *, size_t);
int	 __wrap_fchown(int, uid_t, gid_t);
int	 __real_fchown(int, uid_t, gid_t);
int	 __wrap_fchmod(int, mode_t);
int	 __real_fchmod(int, mode_t);
int	 __wrap_fsync(int);
int	 __real_fsync(int);
int	 __wrap_renameat(int, const char *, int, const char *);
int	 __real_renameat(int, const char *, int, const char *);
int	 __wrap_mkdirat(int, const char *, mode_t);
int	 __real_mkdirat(int, const char *, mode_t);
int	 __wrap_close(int);
int	 __real_close(int);

int
__wrap_openat(int dirfd, const char *name, int flags, ...)
{
	va_list	 ap;
	mode_t	 mode = 0;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (inject(SC_OPENAT, name)) {
		errno = sc_errno[SC_OPENAT];
		return -1;
	}
	return __real_openat(dirfd, name, flags, mode);
}

ssize_t
__wrap_write(int fd, const void *p, size_t len)
{
	if (inject_fd(SC_WRITE, fd)) {
		errno = sc_errno[SC_WRITE];
		return -1;
	}
	return __real_write(fd, p, len);
}

int
__wrap_fchown(int fd, uid_t uid, gid_t gid)
{
	if (inject_fd(SC_FCHOWN, fd)) {
		errno = sc_errno[SC_FCHOWN];
		return -1;
	}
	return __real_fchown(fd, uid, gid);
}

int
__wrap_fchmod(int fd, mode_t mode)
{
	if (inject_fd(SC_FCHMOD, fd)) {
		errno = sc_errno[SC_FCHMOD];
		return -1;
	}
	return __real_fchmod(fd, mode);
}

int
__wrap_fsync(int fd)
{
	if (inject_fd(SC_FSYNC, fd)) {
		errno = sc_errno[SC_FSYNC];
		return -1;
	}
	return __real_fsync(fd);
}

int
__wrap_renameat(int ofd, const char *from, int nfd, const char *to)
{
	char	 desc[200];

	(void)snprintf(desc, sizeof(desc), "%s -> %s", from, to);
	if (inject(SC_RENAMEAT, desc)) {
		errno = sc_errno[SC_RENAMEAT];
		return -1;
	}
	return __real_renameat(ofd, from, nfd, to);
}

int
__wrap_mkdirat(int dirfd, const char *name, mode_t mode)
{
	if (inject(SC_MKDIRAT, name)) {
		errno = sc_errno[SC_MKDIRAT];
		return -1;
	}
	return __real_mkdirat(dirfd, name, mode);
}

int
__wrap_close(int fd)
{
	if (inject_fd(SC_CLOSE, fd)) {
		/* Linux closes the descriptor even when close fails. */
		(void)__real_close(fd);
		errno = sc_errno[SC_CLOSE];
		return -1;
	}
	return __real_close(fd);
}
