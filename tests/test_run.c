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
 * Tests of run.c: what run_cmd promises in its header comment and in
 * the manual's ENVIRONMENT section (an absolute path, a fixed
 * environment, standard input from /dev/null, no other descriptor
 * inherited, a deadline, a bounded output, a terminal with RUN_PTY), and
 * every system call it makes failing in turn, in the parent and in the
 * child (linked with -Wl,--wrap, see tests/test_run.wrap).
 *
 * The child's coverage: gcc does not route fork, execve and _exit
 * through libgcov here (-std=c11), so a child's counters are never
 * written and run.c's child() shows as never run.  The wrappers of
 * execve and _exit below write the counters out first, when the binary
 * is built with gcc --coverage.  libgcov's public __gcov_dump is in an
 * archive member that a weak reference does not pull in, so this uses
 * __gcov_dump_one(&__gcov_root), which are in the member that every
 * --coverage object pulls in; both are weak, so that in other builds
 * (no coverage, ASan, clang) they are null and nothing happens.  The
 * child's counters include the parent's up to the fork, so counts come
 * out higher than the runs; what is covered is exact.
 */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
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

#define MIB	(1024 * 1024)

struct gcov_root;
extern struct gcov_root	 __gcov_root __attribute__((__weak__));
extern void	 __gcov_dump_one(struct gcov_root *) __attribute__((__weak__));

/* gcov_dump - write this process's coverage counters, if it has any */
static void
gcov_dump(void)
{
	if (__gcov_dump_one != NULL && &__gcov_root != NULL)
		__gcov_dump_one(&__gcov_root);
}

/*
 * Failure injection.  Each field, when set, makes the named call fail
 * with that errno (the child inherits the settings through fork).
 */
static struct {
	int	 fork;
	int	 posix_openpt;
	int	 grantpt;
	int	 unlockpt;
	int	 ptsname;	/* ptsname returns NULL */
	int	 pipe2;
	int	 setsid;
	int	 dup2;		/* with dup2_target */
	int	 dup2_target;
	int	 open;		/* with open_prefix */
	char	 open_prefix[64];
	int	 poll;		/* the first poll of a descriptor */
	int	 read;		/* the first read */
	int	 waitpid;	/* every waitpid, or the first with waitpid_once */
	int	 waitpid_once;
} inj;

static pid_t	 last_child;

pid_t	 __wrap_fork(void);
pid_t	 __real_fork(void);
int	 __wrap_posix_openpt(int);
int	 __real_posix_openpt(int);
int	 __wrap_grantpt(int);
int	 __real_grantpt(int);
int	 __wrap_unlockpt(int);
int	 __real_unlockpt(int);
char	*__wrap_ptsname(int);
char	*__real_ptsname(int);
int	 __wrap_pipe2(int [2], int);
int	 __real_pipe2(int [2], int);
pid_t	 __wrap_setsid(void);
pid_t	 __real_setsid(void);
int	 __wrap_dup2(int, int);
int	 __real_dup2(int, int);
int	 __wrap_open(const char *, int, ...);
int	 __real_open(const char *, int, ...);
int	 __wrap_poll(struct pollfd *, nfds_t, int);
int	 __real_poll(struct pollfd *, nfds_t, int);
ssize_t	 __wrap_read(int, void *, size_t);
ssize_t	 __real_read(int, void *, size_t);
pid_t	 __wrap_waitpid(pid_t, int *, int);
pid_t	 __real_waitpid(pid_t, int *, int);
int	 __wrap_execve(const char *, char *const [], char *const []);
int	 __real_execve(const char *, char *const [], char *const []);
void	 __wrap__exit(int) __attribute__((__noreturn__));
void	 __real__exit(int) __attribute__((__noreturn__));

pid_t
__wrap_fork(void)
{
	pid_t	 pid;

	if (inj.fork) {
		errno = inj.fork;
		return -1;
	}
	if ((pid = __real_fork()) > 0)
		last_child = pid;
	return pid;
}

int
__wrap_execve(const char *path, char *const argv[], char *const envp[])
{
	gcov_dump();
	return __real_execve(path, argv, envp);
}

void
__wrap__exit(int status)
{
	gcov_dump();
	__real__exit(status);
}

int
__wrap_posix_openpt(int flags)
{
	if (inj.posix_openpt) {
		errno = inj.posix_openpt;
		return -1;
	}
	return __real_posix_openpt(flags);
}

int
__wrap_grantpt(int fd)
{
	if (inj.grantpt) {
		errno = inj.grantpt;
		return -1;
	}
	return __real_grantpt(fd);
}

int
__wrap_unlockpt(int fd)
{
	if (inj.unlockpt) {
		errno = inj.unlockpt;
		return -1;
	}
	return __real_unlockpt(fd);
}

char *
__wrap_ptsname(int fd)
{
	if (inj.ptsname) {
		errno = inj.ptsname;
		return NULL;
	}
	return __real_ptsname(fd);
}

int
__wrap_pipe2(int p[2], int flags)
{
	if (inj.pipe2) {
		errno = inj.pipe2;
		return -1;
	}
	return __real_pipe2(p, flags);
}

pid_t
__wrap_setsid(void)
{
	if (inj.setsid) {
		errno = inj.setsid;
		return -1;
	}
	return __real_setsid();
}

int
__wrap_dup2(int from, int to)
{
	if (inj.dup2 && to == inj.dup2_target) {
		errno = inj.dup2;
		return -1;
	}
	return __real_dup2(from, to);
}

int
__wrap_open(const char *path, int flags, ...)
{
	va_list	 ap;
	mode_t	 mode = 0;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (inj.open && strncmp(path, inj.open_prefix,
	    strlen(inj.open_prefix)) == 0) {
		errno = inj.open;
		return -1;
	}
	return __real_open(path, flags, mode);
}

int
__wrap_poll(struct pollfd *fds, nfds_t n, int ms)
{
	if (inj.poll && n == 1) {
		errno = inj.poll;
		inj.poll = 0;
		return -1;
	}
	return __real_poll(fds, n, ms);
}

ssize_t
__wrap_read(int fd, void *p, size_t n)
{
	if (inj.read) {
		errno = inj.read;
		inj.read = 0;
		return -1;
	}
	return __real_read(fd, p, n);
}

pid_t
__wrap_waitpid(pid_t pid, int *st, int flags)
{
	if (inj.waitpid) {
		errno = inj.waitpid;
		if (inj.waitpid_once)
			inj.waitpid = 0;
		return -1;
	}
	return __real_waitpid(pid, st, flags);
}

/* --- helpers ------------------------------------------------------------ */

/* open_fds - how many descriptors this process has open */
static int
open_fds(void)
{
	struct dirent	*de;
	DIR		*dp;
	int		 n = 0;

	assert_non_null(dp = opendir("/proc/self/fd"));
	while ((de = readdir(dp)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(dp);
	return n - 1;		/* the directory's own */
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* run - run_cmd, checking that no descriptor is left open */
static int
run(const char *const *argv, int flags, int timeout, struct run_result *r)
{
	int	 before, ret;

	before = open_fds();
	ret = run_cmd(argv, flags, timeout, r);
	assert_int_equal(open_fds(), before);
	assert_non_null(r->out.p);
	assert_int_equal(r->out.p[r->out.len], '\0');
	return ret;
}

static struct run_result expect_r;
static int	 expect_live;

/* expect - run argv: its status and all of its output */
static void
expect(const char *const *argv, int flags, int status, const char *out)
{
	int	 ret;

	/* Kept until teardown, so that a failed assertion leaks nothing. */
	ret = run(argv, flags, 30, &expect_r);
	expect_live = 1;
	assert_int_equal(expect_r.status, status);
	assert_int_equal(expect_r.timedout, 0);
	assert_int_equal(ret, status == 0 ? 0 : -1);
	assert_string_equal(expect_r.out.p, out);
	run_result_free(&expect_r);
	expect_live = 0;
}

static int
setup(void **state)
{
	memset(&inj, 0, sizeof(inj));
	return 0;
}

static int
teardown(void **state)
{
	int	 st;

	memset(&inj, 0, sizeof(inj));
	if (expect_live) {
		run_result_free(&expect_r);
		expect_live = 0;
	}
	/* Reap whatever a test left (a child whose waitpid was failed). */
	while (__real_waitpid(-1, &st, WNOHANG) > 0)
		;
	return 0;
}

/* --- what it runs ------------------------------------------------------- */

static void
missing_absolute_path__not_run(void **state)
{
	const char *const argv[] = { "/nonexistent/pfsubmit-test", NULL };
	struct run_result r;

	assert_int_equal(run(argv, 0, 5, &r), -1);
	assert_int_equal(r.status, -1);
	assert_int_equal(r.out.len, 0);
	run_result_free(&r);
}

static void
relative_path__refused(void **state)
{
	const char *const argv[] = { "bin/echo", "x", NULL };
	const char *const bare[] = { "echo", "x", NULL };
	const char *const empty[] = { "", NULL };
	struct run_result r;
	char	*cwd;

	/* Even when it names an executable from here. */
	assert_non_null(cwd = getcwd(NULL, 0));
	assert_int_equal(chdir("/"), 0);
	assert_int_equal(access("bin/echo", X_OK), 0);
	assert_int_equal(run(argv, 0, 5, &r), -1);
	assert_int_equal(r.status, -1);
	assert_int_equal(r.out.len, 0);
	run_result_free(&r);
	assert_int_equal(run(bare, 0, 5, &r), -1);
	assert_int_equal(r.status, -1);
	run_result_free(&r);
	assert_int_equal(run(empty, 0, 5, &r), -1);
	assert_int_equal(r.status, -1);
	run_result_free(&r);
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
}

static void
not_executable__status_127(void **state)
{
	struct run_result r;
	char	*dir, *path;
	const char *argv[2];

	/* Executable bits, but not a program: execve fails in the child. */
	dir = t_tmpdir();
	t_write(dir, "prog", "\x7f" "ELF garbage\n", 13);
	path = xprintf("%s/prog", dir);
	assert_int_equal(chmod(path, 0755), 0);
	argv[0] = path;
	argv[1] = NULL;
	assert_int_equal(run(argv, 0, 5, &r), -1);
	assert_int_equal(r.status, 127);
	assert_int_equal(r.out.len, 0);
	run_result_free(&r);
	free(path);
	t_rmdir(dir);
	free(dir);
}

static void
echo__output_captured(void **state)
{
	const char *const argv[] = { "/bin/echo", "hello", "world", NULL };

	expect(argv, 0, 0, "hello world\n");
}

static void
exit_status__returned(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c", "echo out; exit 3",
	    NULL };

	expect(argv, 0, 3, "out\n");
}

static void
stdout_and_stderr__both_captured(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c",
	    "echo out; echo err >&2; echo out2", NULL };

	expect(argv, 0, 0, "out\nerr\nout2\n");
}

static void
run_stdout__stderr_discarded(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c",
	    "echo out; echo err >&2; echo out2", NULL };

	expect(argv, RUN_STDOUT, 0, "out\nout2\n");
}

/*
 * The RUN_PTY cases run their command under /bin/sh -c "...; exit $?":
 * a command run directly that exits at once is, on gVisor, often
 * reported as killed by SIGHUP (status 129), because run_cmd closes the
 * terminal's master before it reaps the child; see
 * run_pty__child_closing_its_terminal__not_hung_up for the same cause
 * on any kernel.
 */
static void
run_pty__child_sees_a_terminal(void **state)
{
	const char *const t12[] = { "/bin/sh", "-c",
	    "/usr/bin/test -t 1 && /usr/bin/test -t 2 && echo tty; exit $?",
	    NULL };
	const char *const t0[] = { "/bin/sh", "-c",
	    "/usr/bin/test -t 0 || echo stdin is no tty; exit $?", NULL };
	const char *const t1[] = { "/usr/bin/test", "-t", "1", NULL };
	const char *const t2[] = { "/usr/bin/test", "-t", "2", NULL };

	expect(t12, RUN_PTY, 0, "tty\r\n");
	/* Standard input is still /dev/null. */
	expect(t0, RUN_PTY, 0, "stdin is no tty\r\n");
	/* Without RUN_PTY: a pipe, and /dev/null for stderr. */
	expect(t1, 0, 1, "");
	expect(t2, 0, 1, "");
	expect(t2, RUN_STDOUT, 1, "");
}

static void
run_pty__child_closing_its_terminal__not_hung_up(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c",
	    "echo bye; exec >&- 2>&-; sleep 0.3; exit 0", NULL };

	/*
	 * A child may close its terminal and go on (as with pipes, see
	 * output_closed_then_exit__status_kept): its exit status is what
	 * it exits with.  Found: run_cmd closes the master at EIO, before
	 * the child has exited; the slave is the child's controlling
	 * terminal (setsid, then open without O_NOCTTY), so the hangup
	 * sends it SIGHUP and the status is 129.
	 */
	expect(argv, RUN_PTY, 0, "bye\r\n");
}

static void
run_pty__output_through_the_terminal(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c",
	    "echo out; echo err >&2", NULL };
	const char *const sid[] = { "/bin/sh", "-c",
	    "test \"$(cut -d' ' -f6 /proc/$$/stat)\" = $$ && echo leader",
	    NULL };

	/* The terminal's line discipline turns \n into \r\n. */
	expect(argv, RUN_PTY, 0, "out\r\nerr\r\n");
	expect(argv, RUN_PTY | RUN_STDOUT, 0, "out\r\n");
	/* A session of its own, so that the terminal is its own. */
	expect(sid, RUN_PTY, 0, "leader\r\n");
}

static void
environment__fixed(void **state)
{
	const char *const argv[] = { "/usr/bin/env", NULL };
	const char *const sh_env[] = { "/bin/sh", "-c",
	    "/usr/bin/env | /bin/grep -v '^PWD='; exit $?", NULL };

	assert_int_equal(setenv("PFSUBMIT_TEST_LEAK", "1", 1), 0);
	assert_int_equal(setenv("MAIL_CONFIG", "/tmp", 1), 0);
	expect(argv, 0, 0, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\nLC_ALL=C\n");
	expect(argv, RUN_STDOUT, 0,
	    "PATH=/usr/sbin:/usr/bin:/sbin:/bin\nLC_ALL=C\n");
	/* /bin/sh adds PWD; nothing else comes from here. */
	expect(sh_env, RUN_PTY, 0, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\r\n"
	    "LC_ALL=C\r\n");
	unsetenv("PFSUBMIT_TEST_LEAK");
	unsetenv("MAIL_CONFIG");
}

static void
stdin__dev_null(void **state)
{
	const char *const cat[] = { "/bin/cat", NULL };
	const char *const link[] = { "/usr/bin/readlink", "/proc/self/fd/0",
	    NULL };
	const char *const link_sh[] = { "/bin/sh", "-c",
	    "/usr/bin/readlink /proc/self/fd/0; exit $?", NULL };
	struct run_result r;
	double	 t0;

	t0 = now();
	assert_int_equal(run(cat, 0, 10, &r), 0);
	assert_true(now() - t0 < 2.0);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.out.len, 0);
	run_result_free(&r);
	expect(link, 0, 0, "/dev/null\n");
	expect(link_sh, RUN_PTY, 0, "/dev/null\r\n");
}

static void
descriptors__not_inherited(void **state)
{
	const char *const argv[] = { "/bin/ls", "-1", "/proc/self/fd", NULL };
	const char *const ls_sh[] = { "/bin/sh", "-c",
	    "/bin/ls -1 /proc/self/fd; exit $?", NULL };
	int	 fd, fd2;

	/* Without O_CLOEXEC, and high up as well. */
	assert_true((fd = open("/dev/null", O_RDONLY)) > 2);
	assert_int_equal(fd2 = dup2(fd, 40), 40);
	/* 0, 1, 2 and the directory that ls reads, nothing else. */
	expect(argv, 0, 0, "0\n1\n2\n3\n");
	expect(argv, RUN_STDOUT, 0, "0\n1\n2\n3\n");
	expect(ls_sh, RUN_PTY, 0, "0\r\n1\r\n2\r\n3\r\n");
	close(fd);
	close(fd2);
}

static void
timeout__killed_promptly(void **state)
{
	const char *const argv[] = { "/bin/sleep", "5", NULL };
	struct run_result r;
	double	 t0, secs;

	t0 = now();
	assert_int_equal(run(argv, 0, 1, &r), -1);
	secs = now() - t0;
	assert_int_equal(r.status, -1);
	assert_int_equal(r.timedout, 1);
	assert_true(secs < 2.5);
	run_result_free(&r);
	/* It was killed, not left running: nothing to reap. */
	assert_int_equal(__real_waitpid(last_child, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* is_gone - has pid exited (gone, or a zombie not yet reaped by init)? */
static int
is_gone(long pid)
{
	char	 path[64], buf[256], *p;
	FILE	*fp;
	int	 gone = 1;

	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 1;
	if (fgets(buf, sizeof(buf), fp) != NULL &&
	    (p = strrchr(buf, ')')) != NULL && p[1] == ' ' && p[2] != 'Z')
		gone = 0;
	fclose(fp);
	return gone;
}

/*
 * At the deadline, what the child started goes too (postfix-script's
 * postsuper), with or without a terminal.  Found: only the child was
 * killed, and a grandchild ran on.
 */
static void
timeout__kills_what_the_child_started(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c",
	    "sleep 30 & echo $!; wait", NULL };
	const int flags[] = { 0, RUN_PTY };
	struct run_result r;
	long	 pid;
	int	 i, tries;

	for (i = 0; i < 2; i++) {
		assert_int_equal(run(argv, flags[i], 1, &r), -1);
		assert_int_equal(r.status, -1);
		assert_int_equal(r.timedout, 1);
		pid = strtol(r.out.p, NULL, 10);
		assert_true(pid > 1);
		run_result_free(&r);
		for (tries = 0; tries < 100 && !is_gone(pid); tries++)
			(void)poll(NULL, 0, 20);
		assert_true(is_gone(pid));
	}
}

/*
 * The transaction holds termination signals off; the programs it runs
 * must not inherit that.  Found: postfix check ran with HUP, INT, QUIT,
 * PIPE and TERM blocked, and so did the postsuper it started.
 */
static void
child__no_signal_blocked(void **state)
{
	const char *const argv[] = { "/bin/grep", "^SigBlk", "/proc/self/status",
	    NULL };
	sigset_t set, old;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	assert_int_equal(sigprocmask(SIG_BLOCK, &set, &old), 0);
	expect(argv, 0, 0, "SigBlk:\t0000000000000000\n");
	expect(argv, RUN_PTY, 0, "SigBlk:\t0000000000000000\r\n");
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
}

static void
timeout__pty(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c", "echo started; sleep 5",
	    NULL };
	struct run_result r;
	double	 t0;

	t0 = now();
	assert_int_equal(run(argv, RUN_PTY, 1, &r), -1);
	assert_true(now() - t0 < 2.5);
	assert_int_equal(r.status, -1);
	assert_string_equal(r.out.p, "started\r\n");
	run_result_free(&r);
}

static void
timeout__after_output_closed(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c",
	    "echo bye; exec >&- 2>&-; sleep 5", NULL };
	struct run_result r;
	double	 t0;

	/* The output ends first; the wait for the exit has the deadline. */
	t0 = now();
	assert_int_equal(run(argv, 0, 1, &r), -1);
	assert_true(now() - t0 < 2.5);
	assert_int_equal(r.status, -1);
	assert_string_equal(r.out.p, "bye\n");
	run_result_free(&r);
	assert_int_equal(__real_waitpid(last_child, NULL, WNOHANG), -1);
}

static void
output_closed_then_exit__status_kept(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c",
	    "echo bye; exec >&- 2>&-; sleep 0.3; exit 4", NULL };

	expect(argv, 0, 4, "bye\n");
}

static void
grandchild_holding_output__not_waited_for(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c", "sleep 3 & echo done",
	    NULL };
	struct run_result r;
	double	 t0;

	/* As postfix-script leaves postsuper running in the background. */
	t0 = now();
	assert_int_equal(run(argv, 0, 10, &r), 0);
	assert_true(now() - t0 < 2.0);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out.p, "done\n");
	run_result_free(&r);
}

static void
killed_by_signal__128_plus_signal(void **state)
{
	const char *const kill9[] = { "/bin/sh", "-c", "kill -9 $$", NULL };
	const char *const term[] = { "/bin/sh", "-c", "echo x; kill -TERM $$",
	    NULL };

	expect(kill9, 0, 128 + SIGKILL, "");
	expect(term, 0, 128 + SIGTERM, "x\n");
}

static void
sigpipe__default_in_child(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c",
	    "kill -PIPE $$; echo survived", NULL };
	void	(*old)(int);

	/*
	 * An ignored signal stays ignored across execve, and a shell
	 * cannot undo it: the child must get SIGPIPE's default.
	 */
	old = signal(SIGPIPE, SIG_IGN);
	expect(argv, 0, 128 + SIGPIPE, "");
	(void)signal(SIGPIPE, old);
}

static void
output__capped_at_4_mib(void **state)
{
	const char *const argv[] = { "/usr/bin/head", "-c", "5000000",
	    "/dev/zero", NULL };
	struct run_result r;
	size_t	 i;

	/* The child writes everything (it is not blocked), exits 0. */
	assert_int_equal(run(argv, 0, 30, &r), 0);
	assert_int_equal(r.status, 0);
	assert_true(r.out.len >= 4 * MIB);
	assert_true(r.out.len < 4 * MIB + 4096);
	for (i = 0; i < r.out.len; i++)
		if (r.out.p[i] != '\0')
			fail_msg("byte %zu is %d", i, r.out.p[i]);
	run_result_free(&r);
}

static void
output__under_the_cap_whole(void **state)
{
	const char *const argv[] = { "/usr/bin/head", "-c", "3000000",
	    "/dev/zero", NULL };
	struct run_result r;

	assert_int_equal(run(argv, 0, 30, &r), 0);
	assert_int_equal(r.out.len, 3000000);
	run_result_free(&r);
}

/* --- failures ----------------------------------------------------------- */

static void
fail_and_check(const char *const *argv, int flags, int status)
{
	struct run_result r;

	assert_int_equal(run(argv, flags, 10, &r), -1);
	assert_int_equal(r.status, status);
	assert_int_equal(r.out.len, 0);
	run_result_free(&r);
}

static const char *const echo_argv[] = { "/bin/echo", "x", NULL };
static const char *const echo_sh[] = { "/bin/sh", "-c", "echo x; exit $?",
    NULL };

static void
fork_fails(void **state)
{
	inj.fork = EAGAIN;
	fail_and_check(echo_argv, 0, -1);
	fail_and_check(echo_argv, RUN_STDOUT, -1);
	fail_and_check(echo_argv, RUN_PTY, -1);
}

static void
posix_openpt_fails(void **state)
{
	inj.posix_openpt = EAGAIN;
	fail_and_check(echo_argv, RUN_PTY, -1);
	/* A pipe does not need a terminal. */
	expect(echo_argv, 0, 0, "x\n");
}

static void
grantpt_unlockpt_ptsname_fail(void **state)
{
	inj.grantpt = EACCES;
	fail_and_check(echo_argv, RUN_PTY, -1);
	inj.grantpt = 0;
	inj.unlockpt = EINVAL;
	fail_and_check(echo_argv, RUN_PTY, -1);
	inj.unlockpt = 0;
	inj.ptsname = ENOTTY;
	fail_and_check(echo_argv, RUN_PTY, -1);
	inj.ptsname = 0;
	expect(echo_sh, RUN_PTY, 0, "x\r\n");
}

static void
pipe2_fails(void **state)
{
	inj.pipe2 = EMFILE;
	fail_and_check(echo_argv, 0, -1);
	fail_and_check(echo_argv, RUN_STDOUT, -1);
}

static void
child_setup_fails__127(void **state)
{
	/* In the child: each step before execve fails in turn. */
	inj.setsid = EPERM;
	fail_and_check(echo_argv, RUN_PTY, 127);
	inj.setsid = 0;

	inj.open = EACCES;
	(void)strlcpy(inj.open_prefix, "/dev/pts/", sizeof(inj.open_prefix));
	fail_and_check(echo_argv, RUN_PTY, 127);
	(void)strlcpy(inj.open_prefix, "/dev/null", sizeof(inj.open_prefix));
	fail_and_check(echo_argv, 0, 127);
	fail_and_check(echo_argv, RUN_PTY, 127);
	inj.open = 0;

	inj.dup2 = EBADF;
	inj.dup2_target = STDIN_FILENO;
	fail_and_check(echo_argv, 0, 127);
	inj.dup2_target = STDOUT_FILENO;
	fail_and_check(echo_argv, 0, 127);
	inj.dup2_target = STDERR_FILENO;
	fail_and_check(echo_argv, RUN_STDOUT, 127);
	fail_and_check(echo_argv, RUN_PTY, 127);
	inj.dup2 = 0;

	expect(echo_argv, 0, 0, "x\n");
}

static void
poll_interrupted__retried(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c", "sleep 0.2; echo late",
	    NULL };

	inj.poll = EINTR;
	expect(argv, 0, 0, "late\n");
	assert_int_equal(inj.poll, 0);
}

static void
poll_fails__exit_status_still_collected(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c", "sleep 0.2; exit 6",
	    NULL };

	/* The output is given up; the status is still waited for. */
	inj.poll = EBADF;
	expect(argv, 0, 6, "");
}

static void
read_interrupted__retried(void **state)
{
	inj.read = EINTR;
	expect(echo_argv, 0, 0, "x\n");
	assert_int_equal(inj.read, 0);
}

static void
read_fails__exit_status_still_collected(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c", "echo x; exit 2",
	    NULL };

	inj.read = EIO;
	expect(argv, 0, 2, "");
}

static void
waitpid_interrupted__retried(void **state)
{
	inj.waitpid = EINTR;
	inj.waitpid_once = 1;
	expect(echo_argv, 0, 0, "x\n");
}

static void
waitpid_fails__not_run(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c", "echo x", NULL };
	struct run_result r;
	int	 st;

	inj.waitpid = ECHILD;
	assert_int_equal(run(argv, 0, 10, &r), -1);
	assert_int_equal(r.status, -1);
	run_result_free(&r);
	inj.waitpid = 0;
	assert_int_equal(__real_waitpid(last_child, &st, 0), last_child);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(missing_absolute_path__not_run),
		T(relative_path__refused),
		T(not_executable__status_127),
		T(echo__output_captured),
		T(exit_status__returned),
		T(stdout_and_stderr__both_captured),
		T(run_stdout__stderr_discarded),
		T(run_pty__child_sees_a_terminal),
		T(run_pty__output_through_the_terminal),
		T(run_pty__child_closing_its_terminal__not_hung_up),
		T(environment__fixed),
		T(stdin__dev_null),
		T(descriptors__not_inherited),
		T(timeout__killed_promptly),
		T(timeout__pty),
		T(timeout__kills_what_the_child_started),
		T(child__no_signal_blocked),
		T(timeout__after_output_closed),
		T(output_closed_then_exit__status_kept),
		T(grandchild_holding_output__not_waited_for),
		T(killed_by_signal__128_plus_signal),
		T(sigpipe__default_in_child),
		T(output__capped_at_4_mib),
		T(output__under_the_cap_whole),
		T(fork_fails),
		T(posix_openpt_fails),
		T(grantpt_unlockpt_ptsname_fail),
		T(pipe2_fails),
		T(child_setup_fails__127),
		T(poll_interrupted__retried),
		T(poll_fails__exit_status_still_collected),
		T(read_interrupted__retried),
		T(read_fails__exit_status_still_collected),
		T(waitpid_interrupted__retried),
		T(waitpid_fails__not_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
