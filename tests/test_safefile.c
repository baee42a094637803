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
 * Tests of safefile.c: each MUST rule of its header comment has tests
 * named must<N>_..., and every system call that sf_replace makes is made
 * to fail in turn (linked with -Wl,--wrap, see tests/test_safefile.wrap).
 * Run as root: the owner tests chown files to other users.
 */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "faults.h"

#define FOREIGN_UID	12345
#define FOREIGN_GID	23456

/* Injection points exercised per call, for the summary. */
static int	 points[SC_N];

ssize_t	 __real_write(int, const void *, size_t);
int	 __real_close(int);
int	 __real_renameat(int, const char *, int, const char *);

/*
 * Just before sf_install keeps the original (its linkat), another writer
 * that ignores the lock renames a file of its own over it.
 */
static int	 race_dirfd = -1;

int	 __wrap_linkat(int, const char *, int, const char *, int);
int	 __real_linkat(int, const char *, int, const char *, int);

int
__wrap_linkat(int ofd, const char *from, int nfd, const char *to, int fl)
{
	int	 fd;

	if (race_dirfd != -1) {
		fd = openat(race_dirfd, "theirs", O_WRONLY | O_CREAT | O_TRUNC,
		    0644);
		if (fd != -1) {
			(void)__real_write(fd, "theirs = 1\n", 11);
			(void)__real_close(fd);
		}
		(void)__real_renameat(race_dirfd, "theirs", race_dirfd, from);
		race_dirfd = -1;
	}
	return __real_linkat(ofd, from, nfd, to, fl);
}

/*
 * A lock held by someone else, for busy_flocks attempts, and a wait
 * between them that takes no time: a long wait in a moment.
 */
static int	 busy_flocks;

int	 __wrap_flock(int, int);
int	 __real_flock(int, int);
int	 __wrap_poll(struct pollfd *, nfds_t, int);
int	 __real_poll(struct pollfd *, nfds_t, int);

int
__wrap_flock(int fd, int op)
{
	if (busy_flocks > 0 && (op & LOCK_NB)) {
		busy_flocks--;
		errno = EWOULDBLOCK;
		return -1;
	}
	return __real_flock(fd, op);
}

int
__wrap_poll(struct pollfd *fds, nfds_t n, int ms)
{
	if (busy_flocks > 0 && fds == NULL)
		return 0;
	return __real_poll(fds, n, ms);
}

/*
 * Per-test fixture: a fresh directory, opened.
 */
struct sfx {
	char		*dir;	/* owned */
	int		 dirfd;
	struct diag	 d;
};

static int
setup(void **state)
{
	struct sfx	*x;

	x = xcalloc(1, sizeof(*x));
	x->dir = t_tmpdir();
	if ((x->dirfd = open(x->dir, O_RDONLY | O_DIRECTORY)) == -1)
		return -1;
	diag_init(&x->d);
	memset(&opt, 0, sizeof(opt));
	opt.config_dir = x->dir;
	opt.no_check = 1;
	opt.no_reload = 1;
	opt.quiet = 1;
	opt.lock_wait = 1;
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct sfx	*x = *state;

	busy_flocks = 0;
	race_dirfd = -1;
	inj_disarm();
	if (x->dirfd != -1)
		(void)close(x->dirfd);
	t_rmdir(x->dir);
	free(x->dir);
	diag_free(&x->d);
	free(x);
	return 0;
}

/* path - dir/name, allocated */
static char *
path(const struct sfx *x, const char *name)
{
	return xprintf("%s/%s", x->dir, name);
}

/* present - 1 if name exists in the directory (links not followed) */
static int
present(const struct sfx *x, const char *name)
{
	struct stat	 st;

	return fstatat(x->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* diag_has - 1 if a message of d at sev contains text */
static int
diag_has(const struct diag *d, enum diag_sev sev, const char *text)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		if (d->m[i].sev == sev && strstr(d->m[i].text, text) != NULL)
			return 1;
	return 0;
}

/* mkfile - name with text, owner and mode; its status in *st */
static void
mkfile(const struct sfx *x, const char *name, const char *text, uid_t uid,
    gid_t gid, mode_t mode, struct stat *st)
{
	char	*p = path(x, name);

	(void)unlink(p);
	t_write(x->dir, name, text, strlen(text));
	assert_int_equal(chown(p, uid, gid), 0);
	assert_int_equal(chmod(p, mode), 0);
	if (st != NULL)
		assert_int_equal(lstat(p, st), 0);
	free(p);
}

/* assert_content - name holds exactly text */
static void
assert_content(const struct sfx *x, const char *name, const char *text)
{
	char	*p = path(x, name), *data;
	size_t	 len;

	data = t_read(p, &len);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(data, text, len);
	free(data);
	free(p);
}

/*
 * MUST 1: O_NOFOLLOW everywhere, relative to the directory descriptor.
 */

static void
must1_open_dir__symlink__refused(void **state)
{
	struct sfx	*x = *state;
	char		*real, *link;

	real = path(x, "real");
	link = path(x, "link");
	assert_int_equal(mkdir(real, 0755), 0);
	assert_int_equal(symlink(real, link), 0);
	assert_int_equal(sf_open_dir(link, 1, &x->d), -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "symbolic link"));
	/* Not even for reading. */
	assert_int_equal(sf_open_dir(link, 0, &x->d), -1);
	free(real);
	free(link);
}

static void
must1_open_dir__real_dir__opened(void **state)
{
	struct sfx	*x = *state;
	int		 fd;

	assert_true((fd = sf_open_dir(x->dir, 1, &x->d)) >= 0);
	assert_int_equal(x->d.nerr, 0);
	(void)close(fd);
}

static void
must1_read__symlink__refused(void **state)
{
	struct sfx	*x = *state;
	struct stat	 st;
	char		*data, *target;
	size_t		 len;
	int		 exists;

	mkfile(x, "target", "secret\n", 0, 0, 0600, NULL);
	target = path(x, "target");
	assert_int_equal(symlinkat(target, x->dirfd, "main.cf"), 0);
	assert_int_equal(sf_read(x->dirfd, "main.cf", "main.cf", &data, &len,
	    &st, &exists, &x->d), -1);
	assert_null(data);
	assert_int_equal(exists, 0);
	assert_true(diag_has(&x->d, DIAG_ERR, "symbolic link"));
	free(target);
}

static void
must1_read__fifo__refused_without_blocking(void **state)
{
	struct sfx	*x = *state;
	struct stat	 st;
	char		*data;
	size_t		 len;
	int		 exists;

	assert_int_equal(mkfifoat(x->dirfd, "main.cf", 0600), 0);
	assert_int_equal(sf_read(x->dirfd, "main.cf", "main.cf", &data, &len,
	    &st, &exists, &x->d), -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "not a regular file"));
}

static void
must1_read__missing__not_an_error(void **state)
{
	struct sfx	*x = *state;
	struct stat	 st;
	char		*data;
	size_t		 len;
	int		 exists = 1;

	assert_int_equal(sf_read(x->dirfd, "main.cf", "main.cf", &data, &len,
	    &st, &exists, &x->d), 0);
	assert_int_equal(exists, 0);
	assert_null(data);
	assert_int_equal(x->d.n, 0);
}

static void
must1_lock__symlinked_lock_file__refused(void **state)
{
	struct sfx	*x = *state;
	struct sf_lock	 lk;
	char		*victim;

	mkfile(x, "victim", "keep me\n", 0, 0, 0644, NULL);
	victim = path(x, "victim");
	assert_int_equal(symlinkat(victim, x->dirfd, "main.cf.tmp"), 0);
	assert_int_equal(sf_lock(x->dirfd, "main.cf.tmp", 1, &lk, &x->d), -1);
	assert_int_equal(lk.fd, -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "symbolic link"));
	assert_content(x, "victim", "keep me\n");
	free(victim);
}

static void
must1_write_new__dangling_symlink__not_followed(void **state)
{
	struct sfx	*x = *state;
	char		*target;

	target = path(x, "elsewhere");
	assert_int_equal(symlinkat(target, x->dirfd, "info"), 0);
	assert_int_equal(sf_write_new(x->dirfd, "info", "x\n", 2, 0600, 0, 0,
	    &x->d), -1);
	assert_false(present(x, "elsewhere"));
	free(target);
}

/*
 * MUST 2: ownership and permissions, on the descriptor's status.
 */

static void
must2_check_secure__symlink__refused(void **state)
{
	struct sfx	*x = *state;
	struct stat	 st;
	char		*p;

	mkfile(x, "target", "x\n", 0, 0, 0644, NULL);
	p = path(x, "main.cf");
	assert_int_equal(symlinkat("target", x->dirfd, "main.cf"), 0);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(sf_check_secure(&st, "main.cf", 0, &x->d), -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "not a regular file"));
	free(p);
}

static void
must2_check_secure__hard_link__refused(void **state)
{
	struct sfx	*x = *state;
	struct stat	 st;

	mkfile(x, "main.cf", "x\n", 0, 0, 0644, NULL);
	assert_int_equal(linkat(x->dirfd, "main.cf", x->dirfd, "other", 0),
	    0);
	assert_int_equal(fstatat(x->dirfd, "main.cf", &st, 0), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(sf_check_secure(&st, "main.cf", 0, &x->d), -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "hard links"));
}

static void
must2_check_secure__group_writable__refused(void **state)
{
	struct sfx	*x = *state;
	struct stat	 st;

	mkfile(x, "main.cf", "x\n", 0, 0, 0664, &st);
	assert_int_equal(sf_check_secure(&st, "main.cf", 0, &x->d), -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "writable by its group"));
}

static void
must2_check_secure__other_writable__refused(void **state)
{
	struct sfx	*x = *state;
	struct stat	 st;

	mkfile(x, "main.cf", "x\n", 0, 0, 0646, &st);
	assert_int_equal(sf_check_secure(&st, "main.cf", 0, &x->d), -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "writable by others"));
}

static void
must2_check_secure__foreign_owner__refused(void **state)
{
	struct sfx	*x = *state;
	struct stat	 st;

	mkfile(x, "main.cf", "x\n", FOREIGN_UID, 0, 0644, &st);
	assert_int_equal(sf_check_secure(&st, "main.cf", 0, &x->d), -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "owned by uid 12345"));
}

static void
must2_check_secure__root_0640_other_group__accepted(void **state)
{
	struct sfx	*x = *state;
	struct stat	 st;

	mkfile(x, "main.cf", "x\n", 0, FOREIGN_GID, 0640, &st);
	assert_int_equal(sf_check_secure(&st, "main.cf", 0, &x->d), 0);
	assert_int_equal(x->d.n, 0);
}

static void
must2_open_dir__group_writable__refused_for_write(void **state)
{
	struct sfx	*x = *state;
	char		*p;
	int		 fd;

	p = path(x, "etc");
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(chmod(p, 0775), 0);
	assert_int_equal(sf_open_dir(p, 1, &x->d), -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "writable by its group"));
	/* Reading it is fine. */
	assert_true((fd = sf_open_dir(p, 0, &x->d)) >= 0);
	(void)close(fd);
	free(p);
}

/*
 * MUST 3: postconf's lock.
 */

static void
must3_lock__creates_0600_lock_file(void **state)
{
	struct sfx	*x = *state;
	struct sf_lock	 lk;
	struct stat	 st;
	mode_t		 um;

	um = umask(0);	/* the mode must not depend on the umask */
	assert_int_equal(sf_lock(x->dirfd, "main.cf.tmp", 1, &lk, &x->d), 0);
	(void)umask(um);
	assert_true(lk.fd >= 0);
	assert_int_equal(fstatat(x->dirfd, "main.cf.tmp", &st,
	    AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(st.st_ino, lk.st.st_ino);
	/* It is held. */
	assert_int_equal(flock(lk.fd, LOCK_EX | LOCK_NB), 0);
	sf_unlock(x->dirfd, &lk);
}

/* child_lock - in a child: sf_lock with wait; exit 0 if it got it */
static pid_t
child_lock(const struct sfx *x, int wait)
{
	struct sf_lock	 lk;
	struct diag	 d;
	pid_t		 pid;

	if ((pid = fork()) == -1)
		fail_msg("fork");
	if (pid != 0)
		return pid;
	diag_init(&d);
	if (sf_lock(x->dirfd, "main.cf.tmp", wait, &lk, &d) == -1)
		_exit(d.nerr > 0 && diag_has(&d, DIAG_ERR, "gave up") ? 10 :
		    11);
	_exit(0);
}

static int
child_status(pid_t pid)
{
	int	 status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static double
now_sec(void)
{
	struct timespec	 ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
must3_lock__held__second_locker_times_out(void **state)
{
	struct sfx	*x = *state;
	struct sf_lock	 lk;
	struct stat	 st;
	double		 t0, el;

	assert_int_equal(sf_lock(x->dirfd, "main.cf.tmp", 1, &lk, &x->d), 0);
	t0 = now_sec();
	assert_int_equal(child_status(child_lock(x, 1)), 10);
	el = now_sec() - t0;
	print_message("  second sf_lock (lock_wait 1) gave up after %.2f s\n",
	    el);
	/* It waited the second it was given, not less. */
	assert_true(el >= 0.9 && el < 3.0);
	/* The waiter left the holder's lock file alone. */
	assert_int_equal(fstatat(x->dirfd, "main.cf.tmp", &st,
	    AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_ino, lk.st.st_ino);
	sf_unlock(x->dirfd, &lk);
}

/*
 * Waiting is bounded by --lock-wait alone, however many times the lock
 * is found busy.  Found: the busy retries, one each 50 ms, counted
 * towards a bound of 1000 attempts meant for lock files replaced under
 * us, so a wait past 50 seconds gave up early with "cannot get a stable
 * lock file".
 */
static void
must3_lock__long_wait__not_cut_short(void **state)
{
	struct sfx	*x = *state;
	struct sf_lock	 lk;

	busy_flocks = 5000;
	assert_int_equal(sf_lock(x->dirfd, "main.cf.tmp", 3600, &lk, &x->d),
	    0);
	assert_int_equal(busy_flocks, 0);
	assert_int_equal(x->d.nerr, 0);
	sf_unlock(x->dirfd, &lk);
}

static void
must3_lock__released__waiter_gets_it(void **state)
{
	struct sfx	*x = *state;
	struct sf_lock	 lk;
	pid_t		 pid;

	assert_int_equal(sf_lock(x->dirfd, "main.cf.tmp", 1, &lk, &x->d), 0);
	pid = child_lock(x, 5);
	(void)poll(NULL, 0, 300);
	sf_unlock(x->dirfd, &lk);
	assert_int_equal(child_status(pid), 0);
}

static void
must3_lock__leftover_0644__replaced(void **state)
{
	struct sfx	*x = *state;
	struct sf_lock	 lk;
	struct stat	 st;

	mkfile(x, "main.cf.tmp", "left over\n", 0, 0, 0644, NULL);
	assert_int_equal(sf_lock(x->dirfd, "main.cf.tmp", 1, &lk, &x->d), 0);
	assert_int_equal(fstatat(x->dirfd, "main.cf.tmp", &st,
	    AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(st.st_ino, lk.st.st_ino);
	sf_unlock(x->dirfd, &lk);
}

static void
must3_lock__leftover_two_links__replaced(void **state)
{
	struct sfx	*x = *state;
	struct sf_lock	 lk;
	struct stat	 st;

	mkfile(x, "main.cf.tmp", "keep me\n", 0, 0, 0600, NULL);
	assert_int_equal(linkat(x->dirfd, "main.cf.tmp", x->dirfd, "other",
	    0), 0);
	assert_int_equal(sf_lock(x->dirfd, "main.cf.tmp", 1, &lk, &x->d), 0);
	assert_int_equal(fstatat(x->dirfd, "main.cf.tmp", &st,
	    AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(st.st_ino, lk.st.st_ino);
	/* The other name was neither truncated nor removed. */
	assert_content(x, "other", "keep me\n");
	assert_int_equal(fstatat(x->dirfd, "other", &st,
	    AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_nlink, 1);
	sf_unlock(x->dirfd, &lk);
}

static void
must3_unlock__removes_lock_file(void **state)
{
	struct sfx	*x = *state;
	struct sf_lock	 lk;

	assert_int_equal(sf_lock(x->dirfd, "main.cf.tmp", 1, &lk, &x->d), 0);
	assert_true(present(x, "main.cf.tmp"));
	sf_unlock(x->dirfd, &lk);
	assert_int_equal(lk.fd, -1);
	assert_false(present(x, "main.cf.tmp"));
	/* Unregistered: a later cleanup does not remove someone else's. */
	mkfile(x, "main.cf.tmp", "", 0, 0, 0600, NULL);
	sf_cleanup_run();
	assert_true(present(x, "main.cf.tmp"));
	/* Twice is harmless. */
	sf_unlock(x->dirfd, &lk);
}

/*
 * MUST 4: write beside, owner then mode, fsync, check, rename, fsync.
 */

static void
must4_replace__keeps_owner_and_mode(void **state)
{
	struct sfx	*x = *state;
	struct stat	 st, now;

	mkfile(x, "main.cf", "old = 1\n", FOREIGN_UID, FOREIGN_GID, 0640,
	    &st);
	assert_int_equal(sf_replace(x->dirfd, "main.cf", "new = 2\n", 8, &st,
	    &st, &x->d), 0);
	assert_int_equal(x->d.n, 0);
	assert_content(x, "main.cf", "new = 2\n");
	assert_int_equal(fstatat(x->dirfd, "main.cf", &now,
	    AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(now.st_uid, FOREIGN_UID);
	assert_int_equal(now.st_gid, FOREIGN_GID);
	assert_int_equal(now.st_mode & 07777, 0640);
	assert_int_equal(now.st_nlink, 1);
	assert_false(present(x, "main.cf.pfsubmit-new"));
}

static void
must4_replace__leftover_temp__replaced(void **state)
{
	struct sfx	*x = *state;
	struct stat	 st;

	mkfile(x, "main.cf", "old = 1\n", 0, 0, 0644, &st);
	mkfile(x, "main.cf.pfsubmit-new", "killed run\n", 0, 0, 0600, NULL);
	assert_int_equal(sf_replace(x->dirfd, "main.cf", "new = 2\n", 8, &st,
	    &st, &x->d), 0);
	assert_content(x, "main.cf", "new = 2\n");
	assert_false(present(x, "main.cf.pfsubmit-new"));
}

/* replace_changed - sf_replace after someone else changed main.cf */
static void
replace_changed(struct sfx *x, const struct stat *st, const char *now)
{
	assert_int_equal(sf_replace(x->dirfd, "main.cf", "new = 2\n", 8, st,
	    st, &x->d), -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "changed by someone else"));
	assert_content(x, "main.cf", now);
	assert_false(present(x, "main.cf.pfsubmit-new"));
}

static void
must4_replace__changed_after_read__refused(void **state)
{
	struct sfx	*x = *state;
	struct timespec	 ts[2];
	struct stat	 st;
	char		*p = path(x, "main.cf");
	int		 fd;

	/* Rewritten in place, another size. */
	mkfile(x, "main.cf", "old = 1\n", 0, 0, 0644, &st);
	t_write(x->dir, "main.cf", "theirs = 12\n", 12);
	replace_changed(x, &st, "theirs = 12\n");

	/* Rewritten in place, same size, another mtime. */
	mkfile(x, "main.cf", "old = 1\n", 0, 0, 0644, &st);
	t_write(x->dir, "main.cf", "old = 3\n", 8);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	ts[1].tv_sec += 10;
	assert_int_equal(utimensat(x->dirfd, "main.cf", ts, 0), 0);
	replace_changed(x, &st, "old = 3\n");

	/* Replaced by another file (as an editor saves). */
	mkfile(x, "main.cf", "old = 1\n", 0, 0, 0644, &st);
	t_write(x->dir, "saved", "old = 1\n", 8);
	assert_int_equal(renameat(x->dirfd, "saved", x->dirfd, "main.cf"),
	    0);
	replace_changed(x, &st, "old = 1\n");

	/* Removed. */
	mkfile(x, "main.cf", "old = 1\n", 0, 0, 0644, &st);
	assert_int_equal(unlinkat(x->dirfd, "main.cf", 0), 0);
	assert_int_equal(sf_replace(x->dirfd, "main.cf", "new = 2\n", 8, &st,
	    &st, &x->d), -1);
	assert_false(present(x, "main.cf"));
	assert_false(present(x, "main.cf.pfsubmit-new"));

	/* Unchanged: accepted. */
	mkfile(x, "main.cf", "old = 1\n", 0, 0, 0644, &st);
	if ((fd = open(p, O_RDONLY)) != -1)
		(void)close(fd);	/* reading changes nothing */
	assert_int_equal(sf_replace(x->dirfd, "main.cf", "new = 2\n", 8, &st,
	    &st, &x->d), 0);
	assert_content(x, "main.cf", "new = 2\n");
	free(p);
}

/*
 * A file put in place between the check that the original is unchanged
 * and the keeping of it must not be kept as "the original" and then
 * replaced.  Found: the check came before the link, so it was.
 */
static void
must4_replace__replaced_just_before_the_link__refused(void **state)
{
	struct sfx	*x = *state;
	struct stat	 st;

	mkfile(x, "main.cf", "old = 1\n", 0, 0, 0644, &st);
	race_dirfd = x->dirfd;
	assert_int_equal(sf_replace(x->dirfd, "main.cf", "new = 2\n", 8, &st,
	    &st, &x->d), -1);
	assert_int_equal(race_dirfd, -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "changed by someone else"));
	assert_content(x, "main.cf", "theirs = 1\n");
	assert_false(present(x, "main.cf.pfsubmit-new"));
	assert_false(present(x, "main.cf.pfsubmit-old"));
}

static void
must4_write_new__existing__refused(void **state)
{
	struct sfx	*x = *state;
	struct stat	 st;

	mkfile(x, "info", "first\n", 0, 0, 0600, &st);
	assert_int_equal(sf_write_new(x->dirfd, "info", "second\n", 7, 0600,
	    0, 0, &x->d), -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "create"));
	/* Neither overwritten nor removed. */
	assert_content(x, "info", "first\n");
}

static void
must4_write_new__owner_and_mode(void **state)
{
	struct sfx	*x = *state;
	struct stat	 st;

	assert_int_equal(sf_write_new(x->dirfd, "main.cf", "a = b\n", 6, 0640,
	    FOREIGN_UID, FOREIGN_GID, &x->d), 0);
	assert_content(x, "main.cf", "a = b\n");
	assert_int_equal(fstatat(x->dirfd, "main.cf", &st,
	    AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_uid, FOREIGN_UID);
	assert_int_equal(st.st_gid, FOREIGN_GID);
	assert_int_equal(st.st_mode & 07777, 0640);
}

/*
 * sf_replace with the nth call of one system call failing, for every n:
 * afterwards the original is byte for byte (and inode for inode) as it
 * was, with its owner and mode, and no temporary file is left; or, when
 * only the directory's fsync failed after the rename, the new file is in
 * place and a warning says so.
 */
static void
replace_inject(void **state, int sc)
{
	struct sfx	*x = *state;
	const char	*old = "# original\nmyhostname = old.example\n";
	const char	*new = "# replaced\nmyhostname = new.example\n"
			    "x_test = 1\n";
	struct stat	 st, now;
	int		 total, nth, r;

	mkfile(x, "main.cf", old, 0, FOREIGN_GID, 0640, &st);
	inj_arm(-1, 0, 0);
	r = sf_replace(x->dirfd, "main.cf", new, strlen(new), &st, &st,
	    &x->d);
	inj_disarm();
	assert_int_equal(r, 0);
	assert_content(x, "main.cf", new);
	total = inj.n[sc];
	assert_true(total > 0);
	for (nth = 1; nth <= total; nth++) {
		diag_free(&x->d);
		diag_init(&x->d);
		mkfile(x, "main.cf", old, 0, FOREIGN_GID, 0640, &st);
		inj_arm(sc, nth, 0);
		r = sf_replace(x->dirfd, "main.cf", new, strlen(new), &st,
		    &st, &x->d);
		inj_disarm();
		print_message("  %s #%d (%s): sf_replace returned %d\n",
		    sc_name[sc], nth, nth <= INJ_MAXLOG ?
		    inj.what[sc][nth - 1] : "?", r);
		assert_true(inj.fired);
		assert_int_equal(fstatat(x->dirfd, "main.cf", &now,
		    AT_SYMLINK_NOFOLLOW), 0);
		if (r == 0 && sc == SC_CLOSE) {
			/*
			 * Only the close of the original, opened read only
			 * for its extended attributes.
			 */
			assert_non_null(strstr(inj.what[sc][nth - 1],
			    "/main.cf"));
			assert_content(x, "main.cf", new);
		} else if (r == 0) {
			/* Only the fsync of the directory, after the rename. */
			assert_int_equal(sc, SC_FSYNC);
			assert_non_null(strstr(inj.what[sc][nth - 1],
			    "directory"));
			assert_true(diag_has(&x->d, DIAG_WARN, "fsync"));
			assert_content(x, "main.cf", new);
		} else {
			assert_true(x->d.nerr > 0);
			assert_content(x, "main.cf", old);
			assert_int_equal(now.st_ino, st.st_ino);
		}
		assert_int_equal(now.st_uid, 0);
		assert_int_equal(now.st_gid, FOREIGN_GID);
		assert_int_equal(now.st_mode & 07777, 0640);
		assert_false(present(x, "main.cf.pfsubmit-new"));
		/* Nothing left registered that a later exit would remove. */
		mkfile(x, "main.cf.pfsubmit-new", "", 0, 0, 0600, NULL);
		sf_cleanup_run();
		assert_true(present(x, "main.cf.pfsubmit-new"));
		assert_int_equal(unlinkat(x->dirfd, "main.cf.pfsubmit-new", 0),
		    0);
	}
	points[sc] += total;
}

static void
must4_replace__openat_fails(void **state)
{
	replace_inject(state, SC_OPENAT);
}

static void
must4_replace__write_fails(void **state)
{
	replace_inject(state, SC_WRITE);
}

static void
must4_replace__fchown_fails(void **state)
{
	replace_inject(state, SC_FCHOWN);
}

static void
must4_replace__fchmod_fails(void **state)
{
	replace_inject(state, SC_FCHMOD);
}

static void
must4_replace__fsync_fails(void **state)
{
	replace_inject(state, SC_FSYNC);
}

static void
must4_replace__renameat_fails(void **state)
{
	replace_inject(state, SC_RENAMEAT);
}

static void
must4_replace__close_fails(void **state)
{
	replace_inject(state, SC_CLOSE);
}

/* The same for sf_write_new, which writes the backup sets. */
static void
must4_write_new__each_call_fails__nothing_left(void **state)
{
	struct sfx	*x = *state;
	int		 sc, total, nth, r;

	for (sc = 0; sc < SC_N; sc++) {
		inj_arm(-1, 0, 0);
		r = sf_write_new(x->dirfd, "main.cf", "a = b\n", 6, 0640, 0,
		    FOREIGN_GID, &x->d);
		inj_disarm();
		assert_int_equal(r, 0);
		assert_int_equal(unlinkat(x->dirfd, "main.cf", 0), 0);
		total = inj.n[sc];
		for (nth = 1; nth <= total; nth++) {
			inj_arm(sc, nth, 0);
			r = sf_write_new(x->dirfd, "main.cf", "a = b\n", 6,
			    0640, 0, FOREIGN_GID, &x->d);
			inj_disarm();
			assert_true(inj.fired);
			assert_int_equal(r, -1);
			assert_false(present(x, "main.cf"));
		}
	}
}

/*
 * MUST 5: registered files go on every exit.
 */

static void
must5_cleanup_run__removes_registered(void **state)
{
	struct sfx	*x = *state;

	mkfile(x, "a.pfsubmit-new", "", 0, 0, 0600, NULL);
	mkfile(x, "b.tmp", "", 0, 0, 0600, NULL);
	mkfile(x, "c", "", 0, 0, 0600, NULL);
	sf_cleanup_register(x->dirfd, "a.pfsubmit-new");
	sf_cleanup_register(x->dirfd, "b.tmp");
	sf_cleanup_register(x->dirfd, "b.tmp");	/* once is enough */
	sf_cleanup_register(x->dirfd, "c");
	sf_cleanup_unregister(x->dirfd, "c");
	sf_cleanup_run();
	assert_false(present(x, "a.pfsubmit-new"));
	assert_false(present(x, "b.tmp"));
	assert_true(present(x, "c"));
	/* The registry is empty now. */
	mkfile(x, "a.pfsubmit-new", "", 0, 0, 0600, NULL);
	sf_cleanup_run();
	assert_true(present(x, "a.pfsubmit-new"));
}

static void
must5_signal__removes_registered(void **state)
{
	struct sfx	*x = *state;
	pid_t		 pid;
	int		 status;

	mkfile(x, "main.cf.pfsubmit-new", "", 0, 0, 0600, NULL);
	if ((pid = fork()) == -1)
		fail_msg("fork");
	if (pid == 0) {
		sf_install_handlers();
		sf_cleanup_register(x->dirfd, "main.cf.pfsubmit-new");
		(void)raise(SIGTERM);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
	assert_false(present(x, "main.cf.pfsubmit-new"));
}

static void
must5_exit__removes_registered(void **state)
{
	struct sfx	*x = *state;
	pid_t		 pid;
	int		 status;

	mkfile(x, "main.cf.pfsubmit-new", "", 0, 0, 0600, NULL);
	if ((pid = fork()) == -1)
		fail_msg("fork");
	if (pid == 0) {
		sf_install_handlers();
		sf_cleanup_register(x->dirfd, "main.cf.pfsubmit-new");
		exit(3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
	assert_false(present(x, "main.cf.pfsubmit-new"));
}

/*
 * MUST 6: every directory on the way to -c is checked; no control
 * characters in the path.
 */

/* mkdirs - dir/a, dir/a/b ...: each with owner and mode; path alloc'd */
static char *
mkdirs(const struct sfx *x, const char *rel, uid_t uid, mode_t mode)
{
	char	*p = path(x, rel);

	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(chown(p, uid, 0), 0);
	assert_int_equal(chmod(p, mode), 0);
	return p;
}

static void
must6_open_dir__parent_of_another_user__refused(void **state)
{
	struct sfx	*x = *state;
	char		*home, *conf;
	int		 fd;

	home = mkdirs(x, "home", FOREIGN_UID, 0755);
	conf = mkdirs(x, "home/conf", 0, 0755);
	assert_int_equal(sf_open_dir(conf, 1, &x->d), -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "owned by uid 12345"));
	assert_string_equal(x->d.m[x->d.n - 1].file, home);
	/* Reading is not editing. */
	assert_true((fd = sf_open_dir(conf, 0, &x->d)) >= 0);
	(void)close(fd);
	free(home);
	free(conf);
}

static void
must6_open_dir__parent_writable_by_others__refused(void **state)
{
	struct sfx	*x = *state;
	char		*home, *conf;

	home = mkdirs(x, "home", 0, 0757);
	conf = mkdirs(x, "home/conf", 0, 0755);
	assert_int_equal(sf_open_dir(conf, 1, &x->d), -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "writable by others"));
	/* The top directory of the test itself, made group-writable. */
	assert_int_equal(chmod(home, 0755), 0);
	assert_int_equal(chmod(x->dir, 0770), 0);
	diag_free(&x->d);
	diag_init(&x->d);
	assert_int_equal(sf_open_dir(conf, 1, &x->d), -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "writable by its group"));
	assert_int_equal(chmod(x->dir, 0700), 0);
	free(home);
	free(conf);
}

static void
must6_open_dir__sticky_parent_of_root__accepted(void **state)
{
	struct sfx	*x = *state;
	char		*home, *conf;
	int		 fd;

	home = mkdirs(x, "home", 0, 01777);
	conf = mkdirs(x, "home/conf", 0, 0755);
	assert_true((fd = sf_open_dir(conf, 1, &x->d)) >= 0);
	(void)close(fd);
	/* Not when someone else owns the sticky directory. */
	assert_int_equal(chown(home, FOREIGN_UID, 0), 0);
	assert_int_equal(sf_open_dir(conf, 1, &x->d), -1);
	free(home);
	free(conf);
}

static void
must6_open_dir__symlinked_parent(void **state)
{
	struct sfx	*x = *state;
	struct stat	 a, b;
	char		*real, *conf, *link, *via;
	int		 fd;

	real = mkdirs(x, "real", 0, 0755);
	conf = mkdirs(x, "real/conf", 0, 0755);
	link = path(x, "link");
	via = path(x, "link/conf");
	/* A link of root's, in a checked directory: followed. */
	assert_int_equal(symlink("real", link), 0);
	assert_true((fd = sf_open_dir(via, 1, &x->d)) >= 0);
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat(conf, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	(void)close(fd);
	/* The same link as another user's: refused. */
	assert_int_equal(lchown(link, FOREIGN_UID, 0), 0);
	assert_int_equal(sf_open_dir(via, 1, &x->d), -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "symbolic link that is not"));
	/* A link to a directory that fails the check: refused. */
	assert_int_equal(lchown(link, 0, 0), 0);
	assert_int_equal(chmod(real, 0777), 0);
	assert_int_equal(sf_open_dir(via, 1, &x->d), -1);
	free(real);
	free(conf);
	free(link);
	free(via);
}

static void
must6_open_dir__relative_path__parents_of_cwd_checked(void **state)
{
	struct sfx	*x = *state;
	char		*conf, cwd[4096];
	int		 fd;

	conf = mkdirs(x, "conf", 0, 0755);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(x->dir), 0);
	assert_true((fd = sf_open_dir("conf", 1, &x->d)) >= 0);
	(void)close(fd);
	assert_int_equal(chown(x->dir, FOREIGN_UID, 0), 0);
	assert_int_equal(sf_open_dir("conf", 1, &x->d), -1);
	assert_int_equal(sf_open_dir("./conf/", 1, &x->d), -1);
	assert_int_equal(chown(x->dir, 0, 0), 0);
	assert_int_equal(chdir(cwd), 0);
	free(conf);
}

static void
must6_path_text__control_character__refused(void **state)
{
	struct sfx	*x = *state;
	static const char *const bad[] = { "a\nb", "a\033[2Jb", "a\tb",
	    "a\177b", "" };
	char		*p;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = path(x, bad[i]);
		if (*bad[i] != '\0')
			assert_int_equal(mkdir(p, 0755), 0);
		diag_free(&x->d);
		diag_init(&x->d);
		assert_int_equal(sf_open_dir(*bad[i] != '\0' ? p : "", 0,
		    &x->d), -1);
		assert_int_equal(x->d.nerr, 1);
		assert_null(strchr(x->d.m[0].text, '\n'));
		assert_null(strchr(x->d.m[0].text, '\033'));
		free(p);
	}
	assert_true(diag_has(&x->d, DIAG_ERR, "an empty path"));
}

/*
 * MUST 7: the directory a child is given is the one that was opened.
 */

static void
must7_same_dir__swapped__detected(void **state)
{
	struct sfx	*x = *state;
	char		*conf, *aside;
	int		 fd;

	conf = mkdirs(x, "conf", 0, 0755);
	aside = path(x, "conf.aside");
	assert_true((fd = sf_open_dir(conf, 1, &x->d)) >= 0);
	assert_int_equal(sf_same_dir(fd, conf, &x->d), 0);
	assert_int_equal(rename(conf, aside), 0);
	assert_int_equal(mkdir(conf, 0755), 0);
	assert_int_equal(sf_same_dir(fd, conf, &x->d), -1);
	assert_true(diag_has(&x->d, DIAG_ERR, "no longer the directory"));
	/* Back in place, but below a parent that is now someone else's. */
	assert_int_equal(rmdir(conf), 0);
	assert_int_equal(rename(aside, conf), 0);
	assert_int_equal(sf_same_dir(fd, conf, &x->d), 0);
	assert_int_equal(chown(x->dir, FOREIGN_UID, 0), 0);
	assert_int_equal(sf_same_dir(fd, conf, &x->d), -1);
	assert_int_equal(chown(x->dir, 0, 0), 0);
	(void)close(fd);
	free(conf);
	free(aside);
}

/*
 * MUST 8: the original's extended attributes stay with the new file.
 */

static void
must8_replace__user_xattr__kept(void **state)
{
	struct sfx	*x = *state;
	struct stat	 st, now;
	char		*p = path(x, "main.cf"), val[16];
	ssize_t		 n;

	mkfile(x, "main.cf", "a = b\n", 0, FOREIGN_GID, 0640, &st);
	if (setxattr(p, "user.pfsubmit", "kept", 4, 0) == -1) {
		free(p);
		skip();
	}
	assert_int_equal(sf_replace(x->dirfd, "main.cf", "a = c\n", 6, &st,
	    &st, &x->d), 0);
	assert_int_equal(stat(p, &now), 0);
	assert_int_not_equal(now.st_ino, st.st_ino);
	n = getxattr(p, "user.pfsubmit", val, sizeof(val));
	assert_int_equal(n, 4);
	assert_memory_equal(val, "kept", 4);
	assert_int_equal(now.st_mode & 07777, 0640);
	free(p);
}

/*
 * MUST 9: every fsync through sf_fsync.
 */

static void
must9_fsync__through_fsync_or_full_fsync(void **state)
{
	struct sfx	*x = *state;

	inj_arm(-1, 0, 0);
	assert_int_equal(sf_fsync(x->dirfd), 0);
	assert_int_equal(sf_fsync_dir(x->dirfd), 0);
	inj_disarm();
#ifndef F_FULLFSYNC
	assert_int_equal(inj.n[SC_FSYNC], 2);
#endif
	assert_int_equal(sf_fsync(-1), -1);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(must1_open_dir__symlink__refused),
		T(must1_open_dir__real_dir__opened),
		T(must1_read__symlink__refused),
		T(must1_read__fifo__refused_without_blocking),
		T(must1_read__missing__not_an_error),
		T(must1_lock__symlinked_lock_file__refused),
		T(must1_write_new__dangling_symlink__not_followed),
		T(must2_check_secure__symlink__refused),
		T(must2_check_secure__hard_link__refused),
		T(must2_check_secure__group_writable__refused),
		T(must2_check_secure__other_writable__refused),
		T(must2_check_secure__foreign_owner__refused),
		T(must2_check_secure__root_0640_other_group__accepted),
		T(must2_open_dir__group_writable__refused_for_write),
		T(must3_lock__creates_0600_lock_file),
		T(must3_lock__held__second_locker_times_out),
		T(must3_lock__released__waiter_gets_it),
		T(must3_lock__long_wait__not_cut_short),
		T(must3_lock__leftover_0644__replaced),
		T(must3_lock__leftover_two_links__replaced),
		T(must3_unlock__removes_lock_file),
		T(must4_replace__keeps_owner_and_mode),
		T(must4_replace__leftover_temp__replaced),
		T(must4_replace__changed_after_read__refused),
		T(must4_replace__replaced_just_before_the_link__refused),
		T(must4_write_new__existing__refused),
		T(must4_write_new__owner_and_mode),
		T(must4_replace__openat_fails),
		T(must4_replace__write_fails),
		T(must4_replace__fchown_fails),
		T(must4_replace__fchmod_fails),
		T(must4_replace__fsync_fails),
		T(must4_replace__renameat_fails),
		T(must4_replace__close_fails),
		T(must4_write_new__each_call_fails__nothing_left),
		T(must5_cleanup_run__removes_registered),
		T(must5_signal__removes_registered),
		T(must5_exit__removes_registered),
		T(must6_open_dir__parent_of_another_user__refused),
		T(must6_open_dir__parent_writable_by_others__refused),
		T(must6_open_dir__sticky_parent_of_root__accepted),
		T(must6_open_dir__symlinked_parent),
		T(must6_open_dir__relative_path__parents_of_cwd_checked),
		T(must6_path_text__control_character__refused),
		T(must7_same_dir__swapped__detected),
		T(must8_replace__user_xattr__kept),
		T(must9_fsync__through_fsync_or_full_fsync),
	};
	int	 r, sc;

	r = cmocka_run_group_tests(tests, NULL, NULL);
	printf("test_safefile: sf_replace injection points exercised:");
	for (sc = 0; sc < SC_N; sc++)
		printf(" %s %d", sc_name[sc], points[sc]);
	printf("\n");
	return r;
}
