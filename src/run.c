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
 * Child processes: postfix, postconf, postmap.  Never a shell: an argv
 * array, an absolute path compiled in, a fixed environment, standard
 * input from /dev/null and no other descriptor inherited.
 *
 * `postfix check' prints its findings to standard error only when that
 * is a terminal (otherwise they go to syslog), so RUN_PTY gives the
 * child a pseudo-terminal and reads what it writes there.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pfsubmit.h"

#define RUN_MAX_OUTPUT	(4 * 1024 * 1024)

static const char *const run_env[] = {
	"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	"LC_ALL=C",
	NULL
};

void
run_result_free(struct run_result *r)
{
	buf_free(&r->out);
}

static void
child(const char *const *argv, int flags, int outfd, const char *slave)
{
	sigset_t none;
	int	 fd;

	/*
	 * A process group of its own, so that a timeout ends the programs
	 * it starts too (postfix-script runs postsuper); and none of the
	 * signals that the transaction holds off stays blocked in it.
	 */
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) == -1)
		_exit(127);
	if (flags & RUN_PTY) {
		if (setsid() == -1)
			_exit(127);
		if ((fd = open(slave, O_RDWR)) == -1)
			_exit(127);
		outfd = fd;
	} else if (setpgid(0, 0) == -1)
		_exit(127);
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		_exit(127);
	if (dup2(fd, STDIN_FILENO) == -1 ||
	    dup2(outfd, STDOUT_FILENO) == -1 ||
	    dup2((flags & RUN_STDOUT) ? fd : outfd, STDERR_FILENO) == -1)
		_exit(127);
	closefrom(STDERR_FILENO + 1);
	(void)signal(SIGPIPE, SIG_DFL);
	execve(argv[0], (char *const *)argv, (char *const *)run_env);
	_exit(127);
}

/* kill_group - at the deadline: the child and all it started, then reap */
static void
kill_group(pid_t pid, int *st)
{
	(void)kill(-pid, SIGKILL);
	(void)kill(pid, SIGKILL);
	while (waitpid(pid, st, 0) == -1 && errno == EINTR)
		;
}

/*
 * run_cmd - run argv[0] (an absolute path) and collect what it prints;
 * give up after timeout seconds.  r->status is the exit status, 128 plus
 * the signal number, or -1 when it could not run or timed out.  Returns
 * 0 when it exited 0, -1 otherwise.
 */
int
run_cmd(const char *const *argv, int flags, int timeout, struct run_result *r)
{
	struct pollfd	 pfd;
	char		 buf[4096], *slave = NULL;
	time_t		 deadline;
	ssize_t		 n;
	pid_t		 pid, w;
	int		 p[2] = { -1, -1 }, mfd = -1, st = 0, timedout = 0, ms;
	int		 exited = 0;

	buf_init(&r->out);
	buf_adds(&r->out, "");
	r->status = -1;
	r->timedout = 0;
	if (argv[0][0] != '/' || access(argv[0], X_OK) == -1)
		return -1;
	if (flags & RUN_PTY) {
		/*
		 * posix_openpt takes O_RDWR and O_NOCTTY only, on OpenBSD
		 * and macOS: close-on-exec is set after.
		 */
		if ((mfd = posix_openpt(O_RDWR | O_NOCTTY)) == -1)
			return -1;
		if (fcntl(mfd, F_SETFD, FD_CLOEXEC) == -1 ||
		    grantpt(mfd) == -1 || unlockpt(mfd) == -1 ||
		    (slave = ptsname(mfd)) == NULL) {
			close(mfd);
			return -1;
		}
		slave = xstrdup(slave);
	} else {
		if (pipe2(p, O_CLOEXEC) == -1)
			return -1;
		mfd = p[0];
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		close(mfd);
		if (p[1] != -1)
			close(p[1]);
		free(slave);
		return -1;
	}
	if (pid == 0)
		child(argv, flags, p[1], slave);
	free(slave);
	if (p[1] != -1)
		close(p[1]);

	/*
	 * Read until the child exits, then take what is left without
	 * waiting: a grandchild (postfix-script starts postsuper in the
	 * background) may hold the descriptor open long after.
	 */
	deadline = time(NULL) + timeout;
	for (;;) {
		if (!exited) {
			if ((w = waitpid(pid, &st, WNOHANG)) == pid)
				exited = 1;
			else if (w == -1 && errno != EINTR)
				break;
		}
		ms = exited ? 0 : 100;
		if (!exited && time(NULL) >= deadline) {
			timedout = 1;
			kill_group(pid, &st);
			break;
		}
		pfd.fd = mfd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, ms) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd.revents == 0) {
			if (exited)
				break;
			continue;
		}
		n = read(mfd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)	/* EOF, or EIO once the pty slave closes */
			break;
		if (r->out.len < RUN_MAX_OUTPUT)
			buf_add(&r->out, buf, (size_t)n);
	}
	/*
	 * The output ended first: wait for the exit, as long as allowed.
	 * The pty master stays open until then: closing it would hang up
	 * the child's terminal and kill it with SIGHUP.
	 */
	while (!exited && !timedout) {
		if ((w = waitpid(pid, &st, WNOHANG)) == pid)
			exited = 1;
		else if (w == -1 && errno != EINTR)
			break;
		else if (time(NULL) >= deadline) {
			timedout = 1;
			kill_group(pid, &st);
		} else
			(void)poll(NULL, 0, 20);
	}
	close(mfd);
	r->timedout = timedout;
	if (timedout || !exited)
		r->status = -1;
	else if (WIFEXITED(st))
		r->status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		r->status = 128 + WTERMSIG(st);
	/* An exec failure shows as 127 with nothing printed. */
	return r->status == 0 ? 0 : -1;
}
