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
 * Safe file operations: the only module that opens, writes, renames or
 * removes files in the configuration directory.
 *
 * What it MUST do, each with a test in tests/test_safefile.c:
 *
 *  1. Open the directory and every file in it with O_NOFOLLOW, and work
 *     relative to the directory descriptor (openat, renameat, unlinkat),
 *     so that a symbolic link or a swapped path cannot redirect a write.
 *  2. Check ownership and permissions on the open descriptor (fstat),
 *     never on a path: for editing, a file must be a regular file with one
 *     link, owned by root or by the user running pfsubmit, and not
 *     writable by group or others; the directory likewise.
 *  3. Lock the way postconf does, so that the two wait for each other:
 *     flock() on "<file>.tmp" created with mode 0600, then check that the
 *     path still names the locked inode.  A leftover that is not a plain
 *     0600 file with one link is removed and the lock taken again.  The
 *     wait is bounded.
 *  4. Hold both locks for the whole transaction, and write new contents
 *     to a separate "<file>.pfsubmit-new": write all, give it the
 *     original's owner and then its mode, fsync; then keep the original
 *     as "<file>.pfsubmit-old" (a hard link), make sure it did not change
 *     meanwhile, rename the new file over it, fsync the directory.  Going
 *     back is one rename of the kept original, which needs no space.
 *  5. Remove every temporary file on every exit: registered files are
 *     removed by an atexit handler and by the handlers of the common
 *     termination signals.
 *  6. For editing, check every directory on the way to the configuration
 *     directory, from "/", on descriptors opened one component at a time:
 *     each must be root's or the user's and not writable by group or
 *     others (a sticky directory such as /tmp excepted, see trusted), so
 *     that nobody else can rename another directory into the path.  A
 *     control character anywhere in the path is refused before anything
 *     is opened.
 *  7. Programs handed the path (postfix -c, postmap -c) must see the
 *     directory that was checked: sf_same_dir walks the path again and
 *     compares it with the open descriptor right before and after each
 *     run, and a mismatch fails the run.
 *  8. Keep the original's extended attributes (user.*, the POSIX ACL,
 *     the SELinux label) on the new file, which is a new inode.
 *  9. Every fsync goes through sf_fsync (F_FULLFSYNC where it exists).
 */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pfsubmit.h"

/* Linux's calls; macOS's take other arguments and are not used yet. */
#if defined(__linux__)
#include <sys/xattr.h>
#define SF_HAVE_XATTR
#endif

#define SF_MAXREG	16

static struct {
	int	 dirfd;
	char	 name[SF_NAMELEN];
} sf_reg[SF_MAXREG];
static volatile sig_atomic_t sf_nreg;

void
sf_cleanup_register(int dirfd, const char *name)
{
	int	 i;

	for (i = 0; i < sf_nreg; i++)
		if (sf_reg[i].dirfd == dirfd &&
		    strcmp(sf_reg[i].name, name) == 0)
			return;
	if (sf_nreg == SF_MAXREG)
		return;
	sf_reg[sf_nreg].dirfd = dirfd;
	(void)strlcpy(sf_reg[sf_nreg].name, name, sizeof(sf_reg[0].name));
	sf_nreg++;
}

void
sf_cleanup_unregister(int dirfd, const char *name)
{
	int	 i;

	for (i = 0; i < sf_nreg; i++) {
		if (sf_reg[i].dirfd != dirfd ||
		    strcmp(sf_reg[i].name, name) != 0)
			continue;
		sf_reg[i] = sf_reg[sf_nreg - 1];
		sf_nreg--;
		return;
	}
}

/* sf_cleanup_run - remove every registered file; async-signal-safe */
void
sf_cleanup_run(void)
{
	int	 i;

	for (i = 0; i < sf_nreg; i++)
		(void)unlinkat(sf_reg[i].dirfd, sf_reg[i].name, 0);
	sf_nreg = 0;
}

static void
sf_handler(int sig)
{
	sf_cleanup_run();
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
}

static const int sf_sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE };

void
sf_install_handlers(void)
{
	struct sigaction sa;
	size_t		 i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sf_handler;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sf_sigs) / sizeof(sf_sigs[0]); i++)
		(void)sigaddset(&sa.sa_mask, sf_sigs[i]);
	for (i = 0; i < sizeof(sf_sigs) / sizeof(sf_sigs[0]); i++)
		(void)sigaction(sf_sigs[i], &sa, NULL);
	(void)atexit(sf_cleanup_run);
}

/*
 * sf_signals_block - hold off termination signals while both files are
 * replaced, checked and perhaps restored, so that an interrupt cannot
 * leave one new file next to one old one.
 */
void
sf_signals_block(int on)
{
	sigset_t set;
	size_t	 i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(sf_sigs) / sizeof(sf_sigs[0]); i++)
		(void)sigaddset(&set, sf_sigs[i]);
	(void)sigprocmask(on ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * sf_check_secure - may a file (or directory) with this status be edited
 * as the user we run as?  Adds the reason to d and returns -1 if not.
 */
int
sf_check_secure(const struct stat *st, const char *what, int isdir,
    struct diag *d)
{
	uid_t	 me = geteuid();

	if (isdir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode)) {
		diag_add(d, DIAG_ERR, what, 0, "not a %s; refusing to edit",
		    isdir ? "directory" : "regular file");
		return -1;
	}
	if (!isdir && st->st_nlink != 1) {
		diag_add(d, DIAG_ERR, what, 0, "has %ju hard links; refusing "
		    "to edit a file that is also elsewhere",
		    (uintmax_t)st->st_nlink);
		return -1;
	}
	if (st->st_uid != 0 && st->st_uid != me) {
		diag_add(d, DIAG_ERR, what, 0, "owned by uid %ju, neither root "
		    "nor you; refusing to edit", (uintmax_t)st->st_uid);
		return -1;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		diag_add(d, DIAG_ERR, what, 0, "writable by %s; refusing to "
		    "edit (chmod go-w)", (st->st_mode & S_IWOTH) ? "others" :
		    "its group");
		return -1;
	}
	return 0;
}

/*
 * sf_path_text - refuse a directory path with a control character in it
 * (a newline, an escape): it goes into messages, into main.cf values
 * that name files below it, and into children's argument lists.
 */
int
sf_path_text(const char *path, struct diag *d)
{
	const unsigned char *p;
	char		*q;

	for (p = (const unsigned char *)path; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			break;
	if (*p == '\0' && *path != '\0')
		return 0;
	q = vquote(path, strlen(path), 120);
	diag_add(d, DIAG_ERR, NULL, 0, "-c \"%s\": %s; refusing it (give the "
	    "directory's name without control characters)", q,
	    *path == '\0' ? "an empty path" :
	    "a control character in the path");
	free(q);
	return -1;
}

/*
 * trusted - may a directory on the way to the configuration directory
 * have this status?  It must be root's or ours, and nobody else may
 * write to it, or whoever can could rename another directory into its
 * place (OpenSSH's safe_path rule).  One exception: a directory with
 * the sticky bit owned by root or us, such as /tmp.  There an entry can
 * be renamed, removed or replaced only by its own owner, the
 * directory's owner or root (rename(2), unlink(2)), and the next
 * component is itself checked to be root's or ours.
 */
static int
trusted(const struct stat *st, const char *path, struct diag *d)
{
	uid_t	 me = geteuid();

	if (st->st_uid != 0 && st->st_uid != me) {
		diag_add(d, DIAG_ERR, path, 0, "owned by uid %ju, neither "
		    "root nor you: its owner can swap the configuration "
		    "directory below it; refusing to edit (give a directory "
		    "whose every parent is root's or yours)",
		    (uintmax_t)st->st_uid);
		return -1;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    (st->st_mode & S_ISVTX) == 0) {
		diag_add(d, DIAG_ERR, path, 0, "writable by %s: they can swap "
		    "the configuration directory below it; refusing to edit "
		    "(chmod go-w, or give another directory)",
		    (st->st_mode & S_IWOTH) ? "others" : "its group");
		return -1;
	}
	return 0;
}

#define SF_MAXLINKS	32

/*
 * walk - open directory path one component at a time from "/", never
 * following a symbolic link blindly: every directory passed through
 * must be trusted(), a symbolic link on the way must be root's or ours
 * (it is followed by hand), and the last component must be a directory,
 * not a link.  A relative path starts at the working directory, whose
 * own parents are checked too.  Returns the descriptor or -1.
 */
static int
walk(const char *path, struct diag *d)
{
	struct stat	 st;
	struct buf	 todo, done;
	char		*cwd, *comp, target[PATH_MAX];
	size_t		 n, links = 0;
	ssize_t		 tl;
	int		 fd, nfd;

	buf_init(&todo);
	if (path[0] != '/') {
		if ((cwd = getcwd(NULL, 0)) == NULL) {
			diag_add(d, DIAG_ERR, path, 0, "getcwd: %s",
			    strerror(errno));
			return -1;
		}
		buf_printf(&todo, "%s/%s", cwd, path);
		free(cwd);
	} else
		buf_adds(&todo, path);
	buf_init(&done);
	buf_adds(&done, "/");
	if ((fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		diag_add(d, DIAG_ERR, "/", 0, "cannot open directory: %s",
		    strerror(errno));
		goto fail;
	}
	if (trusted(&st, "/", d) == -1)
		goto fail;
	comp = todo.p;
	for (;;) {
		comp += strspn(comp, "/");
		if (*comp == '\0')
			break;
		n = strcspn(comp, "/");
		if (comp[n] == '/')
			comp[n++] = '\0';
		else
			n = strlen(comp);
		if (strcmp(comp, ".") == 0) {
			comp += n;
			continue;
		}
		if (done.len > 1)
			buf_addc(&done, '/');
		buf_adds(&done, comp);
		nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (nfd == -1 && (errno == ELOOP || errno == ENOTDIR) &&
		    fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode)) {
			if (comp[n + strspn(comp + n, "/")] == '\0') {
				diag_add(d, DIAG_ERR, path, 0, "is a symbolic "
				    "link; give the real directory with -c");
				goto fail;
			}
			if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
			    ++links > SF_MAXLINKS ||
			    (tl = readlinkat(fd, comp, target,
			    sizeof(target) - 1)) <= 0) {
				diag_add(d, DIAG_ERR, done.p, 0, "a symbolic "
				    "link that is not root's or yours, or "
				    "that cannot be followed; refusing to "
				    "edit below it (give the real directory "
				    "with -c)");
				goto fail;
			}
			target[tl] = '\0';
			/* Splice the link's target in front of the rest. */
			cwd = xprintf("%s/%s", target, comp + n);
			buf_reset(&todo);
			buf_adds(&todo, cwd);
			free(cwd);
			comp = todo.p;
			if (target[0] == '/') {
				close(fd);
				buf_reset(&done);
				buf_adds(&done, "/");
				fd = open("/", O_RDONLY | O_DIRECTORY |
				    O_CLOEXEC);
				if (fd == -1) {
					diag_add(d, DIAG_ERR, "/", 0, "cannot "
					    "open directory: %s",
					    strerror(errno));
					goto fail;
				}
			} else {
				/* done names the link: drop it */
				while (done.len > 1 &&
				    done.p[done.len - 1] != '/')
					done.p[--done.len] = '\0';
				if (done.len > 1)
					done.p[--done.len] = '\0';
			}
			continue;
		}
		if (nfd == -1) {
			diag_add(d, DIAG_ERR, strcmp(done.p, path) == 0 ? path :
			    done.p, 0, "cannot open directory: %s",
			    strerror(errno));
			goto fail;
		}
		close(fd);
		fd = nfd;
		if (fstat(fd, &st) == -1 || trusted(&st, done.p, d) == -1)
			goto fail;
		comp += n;
	}
	buf_free(&todo);
	buf_free(&done);
	return fd;
fail:
	if (fd != -1)
		close(fd);
	buf_free(&todo);
	buf_free(&done);
	return -1;
}

/*
 * sf_open_dir - open the configuration directory without following a
 * symbolic link; with for_write, also check who may write to it and to
 * every directory above it (see walk).  Returns the descriptor or -1.
 */
int
sf_open_dir(const char *path, int for_write, struct diag *d)
{
	struct stat	 st, wst;
	int		 fd, wfd;

	if (sf_path_text(path, d) == -1)
		return -1;
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		if (errno == ELOOP || errno == ENOTDIR) {
			struct stat lst;

			if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
				diag_add(d, DIAG_ERR, path, 0, "is a symbolic "
				    "link; give the real directory with -c");
				return -1;
			}
		}
		diag_add(d, DIAG_ERR, path, 0, "cannot open directory: %s",
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		diag_add(d, DIAG_ERR, path, 0, "fstat: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!for_write)
		return fd;
	if (sf_check_secure(&st, path, 1, d) < 0) {
		close(fd);
		return -1;
	}
	/* The walk's descriptor is the one kept: its way was checked. */
	if ((wfd = walk(path, d)) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	if (fstat(wfd, &wst) == -1 || !same_file(&st, &wst) ||
	    sf_check_secure(&wst, path, 1, d) < 0) {
		if (d == NULL || d->nerr == 0)
			diag_add(d, DIAG_ERR, path, 0, "changed while it was "
			    "opened; run pfsubmit again");
		close(wfd);
		return -1;
	}
	return wfd;
}

/*
 * sf_same_dir - is path still the directory dirfd was opened on, by the
 * same checked way?  Called right before and after every program that
 * is given the path (postfix -c, postmap -c): the program must see the
 * files that were checked and written.  Adds why not to d and returns
 * -1; the caller then treats the program's run as failed.
 */
int
sf_same_dir(int dirfd, const char *path, struct diag *d)
{
	struct stat	 a, b;
	int		 fd;

	if ((fd = walk(path, d)) == -1)
		return -1;
	if (fstat(fd, &b) == -1 || fstat(dirfd, &a) == -1 ||
	    !same_file(&a, &b)) {
		diag_add(d, DIAG_ERR, path, 0, "is no longer the directory "
		    "pfsubmit opened (renamed or replaced meanwhile); nothing "
		    "run on it");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * sf_read - read a whole file of the directory; *datap is allocated.
 * A missing file is not an error: *existsp is set to 0.
 */
int
sf_read(int dirfd, const char *name, const char *what, char **datap,
    size_t *lenp, struct stat *st, int *existsp, struct diag *d)
{
	struct buf	 b;
	char		 tmp[65536];
	ssize_t		 n;
	int		 fd;

	*datap = NULL;
	*lenp = 0;
	*existsp = 0;
	memset(st, 0, sizeof(*st));
	if ((fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK)) == -1) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP)
			diag_add(d, DIAG_ERR, what, 0, "is a symbolic link; "
			    "refusing to read it");
		else
			diag_add(d, DIAG_ERR, what, 0, "cannot open: %s",
			    strerror(errno));
		return -1;
	}
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode)) {
		diag_add(d, DIAG_ERR, what, 0, "not a regular file");
		close(fd);
		return -1;
	}
	buf_init(&b);
	buf_adds(&b, "");
	for (;;) {
		n = read(fd, tmp, sizeof(tmp));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			diag_add(d, DIAG_ERR, what, 0, "read: %s",
			    strerror(errno));
			buf_free(&b);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > PF_MAX_FILE) {
			diag_add(d, DIAG_ERR, what, 0, "file is larger than "
			    "%d bytes; refusing to read it", PF_MAX_FILE);
			buf_free(&b);
			close(fd);
			return -1;
		}
		buf_add(&b, tmp, (size_t)n);
	}
	close(fd);
	*existsp = 1;
	*lenp = b.len;
	*datap = buf_take(&b);
	return 0;
}

/* now_ms - a monotonic clock in milliseconds */
static long long
now_ms(void)
{
	struct timespec	 ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * sf_lock - take Postfix's lock for one file ("main.cf.tmp"), waiting at
 * most wait seconds.  The lock file is registered for removal.
 */
int
sf_lock(int dirfd, const char *name, int wait, struct sf_lock *lk,
    struct diag *d)
{
	struct stat	 fst, pst;
	long long	 deadline;
	int		 fd, tries = 0;

	lk->fd = -1;
	lk->used = 0;
	if (strlcpy(lk->name, name, sizeof(lk->name)) >= sizeof(lk->name))
		return -1;
	deadline = now_ms() + (long long)wait * 1000;
	for (;;) {
		/* A busy lock is bounded by the deadline; this by a count. */
		if (tries > 1000) {
			diag_add(d, DIAG_ERR, name, 0, "cannot get a stable "
			    "lock file");
			return -1;
		}
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW |
		    O_CLOEXEC | O_NONBLOCK, 0600);
		if (fd == -1) {
			diag_add(d, DIAG_ERR, name, 0, errno == ELOOP ?
			    "lock file is a symbolic link; refusing it" :
			    "cannot open lock file: %s", strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			close(fd);
			if (errno != EWOULDBLOCK && errno != EINTR) {
				diag_add(d, DIAG_ERR, name, 0, "flock: %s",
				    strerror(errno));
				return -1;
			}
			if (now_ms() >= deadline) {
				diag_add(d, DIAG_ERR, name, 0, "locked by "
				    "another postconf or pfsubmit for %d "
				    "seconds; gave up (try again, or raise "
				    "--lock-wait)", wait);
				return -1;
			}
			(void)poll(NULL, 0, 50);
			continue;
		}
		/* Renamed or removed while we waited: start over. */
		if (fstat(fd, &fst) == -1 ||
		    fstatat(dirfd, name, &pst, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !same_file(&fst, &pst)) {
			close(fd);
			tries++;
			continue;
		}
		if (!S_ISREG(fst.st_mode) || fst.st_nlink != 1 ||
		    (fst.st_mode & 07777) != 0600) {
			(void)unlinkat(dirfd, name, 0);
			close(fd);
			tries++;
			continue;
		}
		if (ftruncate(fd, 0) == -1) {
			diag_add(d, DIAG_ERR, name, 0, "ftruncate: %s",
			    strerror(errno));
			(void)unlinkat(dirfd, name, 0);	/* we hold it */
			close(fd);
			return -1;
		}
		break;
	}
	lk->fd = fd;
	lk->st = fst;
	sf_cleanup_register(dirfd, name);
	return 0;
}

/*
 * sf_unlock - remove the lock file while still holding it (a waiter then
 * sees the path gone and starts over, as postconf does) and release it.
 */
void
sf_unlock(int dirfd, struct sf_lock *lk)
{
	struct stat	 pst;

	if (lk->fd == -1)
		return;
	if (fstatat(dirfd, lk->name, &pst, AT_SYMLINK_NOFOLLOW) == 0 &&
	    same_file(&pst, &lk->st) && unlinkat(dirfd, lk->name, 0) == -1)
		fprintf(stderr, "pfsubmit: warning: %s: cannot remove it: %s; "
		    "postconf and pfsubmit use it again\n", lk->name,
		    strerror(errno));
	sf_cleanup_unregister(dirfd, lk->name);
	close(lk->fd);
	lk->fd = -1;
}

static int
writeall(int fd, const char *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * sf_fsync - make what was written to fd durable.  On macOS fsync only
 * hands the data to the drive, whose cache may lose it on power loss;
 * F_FULLFSYNC asks the drive to write it out.  Where that is missing or
 * the file system refuses it, fsync is the most there is.
 */
int
sf_fsync(int fd)
{
#ifdef F_FULLFSYNC
	if (fcntl(fd, F_FULLFSYNC) == 0)
		return 0;
#endif
	return fsync(fd);
}

#ifdef SF_HAVE_XATTR
/*
 * copy_xattrs - give the new file the original's extended attributes:
 * user.* ones, the POSIX ACL (system.posix_acl_access) and the SELinux
 * label (security.selinux).  Without this an edit, which makes a new
 * inode, would drop them.  Called after the owner and mode are set: the
 * ACL's mask is the group bits of the mode, and the original's ACL is
 * the original's mode.
 */
static int
copy_xattrs(int from, int to, const char *name, struct diag *d)
{
	char	*list = NULL, *val = NULL, *k;
	ssize_t	 ln, vn;
	int	 r = -1;

	if ((ln = flistxattr(from, NULL, 0)) <= 0) {
		if (ln == 0 || errno == ENOTSUP)
			return 0;
		diag_add(d, DIAG_ERR, name, 0, "flistxattr: %s",
		    strerror(errno));
		return -1;
	}
	list = xmalloc((size_t)ln);
	if ((ln = flistxattr(from, list, (size_t)ln)) == -1) {
		diag_add(d, DIAG_ERR, name, 0, "flistxattr: %s",
		    strerror(errno));
		goto out;
	}
	for (k = list; k < list + ln; k += strlen(k) + 1) {
		if ((vn = fgetxattr(from, k, NULL, 0)) == -1) {
			diag_add(d, DIAG_ERR, name, 0, "fgetxattr %s: %s", k,
			    strerror(errno));
			goto out;
		}
		free(val);
		val = xmalloc((size_t)vn + 1);
		if ((vn = fgetxattr(from, k, val, (size_t)vn)) == -1 ||
		    fsetxattr(to, k, val, (size_t)vn, 0) == -1) {
			diag_add(d, DIAG_ERR, name, 0, "cannot keep the "
			    "extended attribute %s: %s", k, strerror(errno));
			goto out;
		}
	}
	r = 0;
out:
	free(val);
	free(list);
	return r;
}
#endif

/*
 * write_new - create a file that must not exist yet (O_EXCL), with the
 * given owner and mode and, when xfrom is a descriptor, the extended
 * attributes of that file, and fsync it.  On failure nothing is left.
 */
static int
write_new(int dirfd, const char *name, const char *data, size_t len,
    mode_t mode, uid_t uid, gid_t gid, int xfrom, struct diag *d)
{
	struct stat	 st;
	int		 fd;

	if ((fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1) {
		diag_add(d, DIAG_ERR, name, 0, "create: %s", strerror(errno));
		return -1;
	}
	sf_cleanup_register(dirfd, name);
	if (writeall(fd, data, len) == -1) {
		diag_add(d, DIAG_ERR, name, 0, "write: %s", strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) == -1) {
		diag_add(d, DIAG_ERR, name, 0, "fstat: %s", strerror(errno));
		goto fail;
	}
	/* Owner before mode: fchown may clear set-id bits. */
	if ((st.st_uid != uid || st.st_gid != gid) &&
	    fchown(fd, uid, gid) == -1) {
		diag_add(d, DIAG_ERR, name, 0, "fchown: %s", strerror(errno));
		goto fail;
	}
	if (fchmod(fd, mode & 07777) == -1) {
		diag_add(d, DIAG_ERR, name, 0, "fchmod: %s", strerror(errno));
		goto fail;
	}
#ifdef SF_HAVE_XATTR
	if (xfrom != -1 && copy_xattrs(xfrom, fd, name, d) == -1)
		goto fail;
#else
	(void)xfrom;
#endif
	if (sf_fsync(fd) == -1) {
		diag_add(d, DIAG_ERR, name, 0, "fsync: %s", strerror(errno));
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		diag_add(d, DIAG_ERR, name, 0, "close: %s", strerror(errno));
		goto fail;
	}
	sf_cleanup_unregister(dirfd, name);
	return 0;
fail:
	if (fd != -1)
		close(fd);
	(void)unlinkat(dirfd, name, 0);
	sf_cleanup_unregister(dirfd, name);
	return -1;
}

/*
 * sf_write_new - create a file that must not exist yet (O_EXCL), with
 * the given owner and mode, and fsync it.  On failure nothing is left.
 */
int
sf_write_new(int dirfd, const char *name, const char *data, size_t len,
    mode_t mode, uid_t uid, gid_t gid, struct diag *d)
{
	return write_new(dirfd, name, data, len, mode, uid, gid, -1, d);
}

int
sf_fsync_dir(int dirfd)
{
	return sf_fsync(dirfd);
}

static int
side_name(char *buf, size_t size, const char *name, const char *suffix)
{
	return (size_t)snprintf(buf, size, "%s%s", name, suffix) >= size ?
	    -1 : 0;
}

/*
 * sf_stage - write the new contents of file name to "<name>.pfsubmit-new"
 * with the owner and mode of the original (orig), fsynced, ready for
 * sf_install.  A leftover of a killed run is replaced (we hold the lock).
 */
int
sf_stage(int dirfd, const char *name, const char *data, size_t len,
    const struct stat *orig, struct diag *d)
{
	char	 tmp[SF_NAMELEN];
	int	 xfrom, r;

	if (side_name(tmp, sizeof(tmp), name, SF_NEW) == -1)
		return -1;
	(void)unlinkat(dirfd, tmp, 0);
	/* The original's extended attributes, when there is one. */
	if ((xfrom = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK)) == -1 && errno != ENOENT) {
		diag_add(d, DIAG_ERR, name, 0, "cannot open it to keep its "
		    "extended attributes: %s", strerror(errno));
		return -1;
	}
	r = write_new(dirfd, tmp, data, len, orig->st_mode, orig->st_uid,
	    orig->st_gid, xfrom, d);
	/* Read only: a failed close loses nothing. */
	if (xfrom != -1)
		(void)close(xfrom);
	if (r == -1)
		return -1;
	sf_cleanup_register(dirfd, tmp);
	return 0;
}

/*
 * sf_install - put the staged file in place of name.  The original stays
 * reachable as "<name>.pfsubmit-old" (a hard link: it costs no space and
 * cannot fail for lack of it), so that sf_revert can put it back with one
 * rename.  With expect, first make sure the file is still the one that
 * was read.  On failure the original is in place and untouched.
 */
int
sf_install(int dirfd, const char *name, const struct stat *expect,
    struct diag *d)
{
	struct stat	 now;
	char		 tmp[SF_NAMELEN], old[SF_NAMELEN];

	if (side_name(tmp, sizeof(tmp), name, SF_NEW) == -1 ||
	    side_name(old, sizeof(old), name, SF_OLD) == -1)
		return -1;
	(void)unlinkat(dirfd, old, 0);
	/* A file that is new has no original to keep. */
	if (linkat(dirfd, name, dirfd, old, 0) == -1 && errno != ENOENT) {
		diag_add(d, DIAG_ERR, name, 0, "link: %s", strerror(errno));
		return -1;
	}
	sf_cleanup_register(dirfd, old);
	/*
	 * Compare what was kept, not the name before the link: a file put
	 * there in between would otherwise be kept as "the original".
	 */
	if (expect != NULL) {
		if (fstatat(dirfd, old, &now, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !same_file(&now, expect) ||
		    now.st_size != expect->st_size ||
		    now.st_mtim.tv_sec != expect->st_mtim.tv_sec ||
		    now.st_mtim.tv_nsec != expect->st_mtim.tv_nsec) {
			diag_add(d, DIAG_ERR, name, 0, "changed by someone "
			    "else while pfsubmit worked on it; nothing "
			    "written, run pfsubmit again");
			(void)unlinkat(dirfd, old, 0);
			sf_cleanup_unregister(dirfd, old);
			return -1;
		}
	}
	if (renameat(dirfd, tmp, dirfd, name) == -1) {
		diag_add(d, DIAG_ERR, name, 0, "rename: %s", strerror(errno));
		(void)unlinkat(dirfd, old, 0);
		sf_cleanup_unregister(dirfd, old);
		return -1;
	}
	sf_cleanup_unregister(dirfd, tmp);
	if (sf_fsync_dir(dirfd) == -1) {
		/* The rename happened; only its durability is in doubt. */
		diag_add(d, DIAG_WARN, name, 0, "fsync of the directory: %s",
		    strerror(errno));
	}
	return 0;
}

/*
 * sf_revert - put the original that sf_install kept back in place: the
 * same inode, so the same bytes, owner and mode.
 */
int
sf_revert(int dirfd, const char *name, struct diag *d)
{
	char	 old[SF_NAMELEN];

	if (side_name(old, sizeof(old), name, SF_OLD) == -1)
		return -1;
	if (renameat(dirfd, old, dirfd, name) == -1) {
		diag_add(d, DIAG_ERR, name, 0, "cannot put the original back: "
		    "rename: %s", strerror(errno));
		return -1;
	}
	sf_cleanup_unregister(dirfd, old);
	if (sf_fsync_dir(dirfd) == -1)
		diag_add(d, DIAG_WARN, name, 0, "fsync of the directory: %s",
		    strerror(errno));
	return 0;
}

/*
 * sf_discard - remove what sf_stage and sf_install left beside name: the
 * staged file (if not installed) and the kept original (once the new
 * file is final), and leftovers of a run that was killed.  A file that
 * cannot be removed is a warning (d may be NULL); returns -1 then.
 */
int
sf_discard(int dirfd, const char *name, struct diag *d)
{
	char	 side[SF_NAMELEN];
	int	 k, r = 0;

	for (k = 0; k < 2; k++) {
		if (side_name(side, sizeof(side), name, k == 0 ? SF_NEW :
		    SF_OLD) == -1)
			continue;
		if (unlinkat(dirfd, side, 0) == -1 && errno != ENOENT) {
			diag_add(d, DIAG_WARN, side, 0, "cannot remove it: "
			    "%s; the next edit will", strerror(errno));
			r = -1;
		}
		sf_cleanup_unregister(dirfd, side);
	}
	return r;
}

/*
 * sf_replace - atomically replace file name with data, keeping the
 * original's owner and mode (orig); sf_stage, sf_install, sf_discard.
 * On failure the original is untouched and no temporary file is left.
 */
int
sf_replace(int dirfd, const char *name, const char *data, size_t len,
    const struct stat *orig, const struct stat *expect, struct diag *d)
{
	int	 r;

	if (sf_stage(dirfd, name, data, len, orig, d) == -1)
		return -1;
	r = sf_install(dirfd, name, expect, d);
	(void)sf_discard(dirfd, name, d);
	return r;
}
