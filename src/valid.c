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
 * Command-line arguments are hostile input, even from root: each is
 * checked here before any file is opened.  A newline or carriage return
 * would start a new entry in either file (postconf refuses them too), a
 * leading '#' would turn the entry into a comment, and a value that
 * Postfix would split, misread or fail to expand is refused rather than
 * written.  Each refusal is one line that says what to do instead.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pfsubmit.h"

static void
refuse(const char *what, const char *s, const char *why)
{
	char	*q;

	q = vquote(s, strlen(s), 60);
	fprintf(stderr, "pfsubmit: %s \"%s\": %s\n", what, q, why);
	free(q);
}

/* arg_check_text - no line breaks or control bytes, no leading '#' */
int
arg_check_text(const char *s, const char *what)
{
	const char	*p;

	for (p = s; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r') {
			refuse(what, s, "contains a line break; "
			    "one line only");
			return -1;
		}
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f) {
			refuse(what, s, "contains a control character");
			return -1;
		}
	}
	for (p = s; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '#') {
		refuse(what, s, "starts with '#', which would make it a "
		    "comment");
		return -1;
	}
	return 0;
}

/* arg_check_name - a parameter name: [A-Za-z0-9_]+ */
int
arg_check_name(const char *s, const char *what)
{
	const char	*p;

	if (arg_check_text(s, what) == -1)
		return -1;
	if (*s == '\0') {
		refuse(what, s, "is empty");
		return -1;
	}
	if (strlen(s) > 200) {
		refuse(what, s, "is too long");
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_')
			continue;
		refuse(what, s, *p == '=' ? "contains '='; give the name "
		    "alone" : (*p == ' ' || *p == '\t') ? "contains white "
		    "space" : "may hold only letters, digits and '_'");
		return -1;
	}
	return 0;
}

/*
 * arg_check_service - "name" or "name/type", as postconf -M names
 * services: no white space, no '=', a known type.
 */
int
arg_check_service(const char *s)
{
	const char	*slash, *p;

	if (arg_check_text(s, "service") == -1)
		return -1;
	if (*s == '\0' || *s == '/') {
		refuse("service", s, "has no name");
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t') {
			refuse("service", s, "contains white space");
			return -1;
		}
		if (*p == '=') {
			refuse("service", s, "contains '='");
			return -1;
		}
		if (*p == '{' || *p == '}') {
			refuse("service", s, "contains a brace");
			return -1;
		}
	}
	if ((slash = strchr(s, '/')) != NULL) {
		if (strchr(slash + 1, '/') != NULL) {
			refuse("service", s, "name/type has one '/' at most");
			return -1;
		}
		if (!mc_valid_type(slash + 1)) {
			refuse("service", s, "type must be inet, unix, "
			    "unix-dgram, fifo or pass");
			return -1;
		}
	}
	return 0;
}

/* arg_has_space - does the value hold white space that would split it? */
int
arg_has_space(const char *s)
{
	for (; *s != '\0'; s++)
		if (cf_issep((unsigned char)*s) || *s == '\v' || *s == '\f')
			return 1;
	return 0;
}

/*
 * arg_check_value - a parameter value: one line, balanced braces (they
 * group text in master.cf, and an unbalanced one breaks the entry), and,
 * unless raw, $name syntax that Postfix can expand.
 */
int
arg_check_value(const char *s, const char *what, int raw)
{
	const char	*p;
	char		*err, *q;
	int		 level = 0;

	for (p = s; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r') {
			refuse(what, s, "contains a line break; "
			    "one line only");
			return -1;
		}
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f) {
			refuse(what, s, "contains a control character");
			return -1;
		}
		if (*p == '{')
			level++;
		else if (*p == '}' && --level < 0)
			break;
	}
	if (level != 0) {
		refuse(what, s, "has unbalanced braces { }");
		return -1;
	}
	for (p = s; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '#') {
		refuse(what, s, "starts with '#', which reads as a comment; "
		    "refused");
		return -1;
	}
	if (!raw && exp_syntax(s, &err) == -1) {
		q = vquote(err, strlen(err), 200);
		fprintf(stderr, "pfsubmit: %s: %s (write $$ for a literal "
		    "'$')\n", what, q);
		free(q);
		free(err);
		return -1;
	}
	return 0;
}

/*
 * arg_check_path - a path that pfsubmit writes into main.cf as part of
 * a value (the -c directory in a map name, a table's path): checked like
 * a command-line value, whatever its origin, and more: white space or a
 * ',' would split it into two list items, a '$' would be expanded, a
 * brace would group.  Returns -1 after saying so.
 */
int
arg_check_path(const char *s, const char *what)
{
	const char	*p;

	if (arg_check_text(s, what) == -1)
		return -1;
	for (p = s; *p != '\0'; p++)
		if (*p == ' ' || *p == '\t' || *p == ',' || *p == '$' ||
		    *p == '{' || *p == '}' || *p == '"') {
			refuse(what, s, "has white space, ',', '$', '\"' or a "
			    "brace, which main.cf would not read back as one "
			    "path; rename the directory");
			return -1;
		}
	return 0;
}

/* The most arg_read_secret waits for a password on a pipe or terminal. */
#define SECRET_WAIT_MS	30000

/*
 * arg_read_secret - a password: the first line of a file ("-": standard
 * input), which must fit in size - 1 bytes; never an argument of any
 * program.  The file is opened without following a symbolic link and
 * without blocking (a FIFO or a device is refused, not waited on), and
 * a file that others may read is a warning.  Standard input is waited
 * on for SECRET_WAIT_MS at most.  Returns 0, or -1 after saying why
 * not: it cannot be read, is empty, the line is empty, too long, has a
 * CR or a NUL byte (either would cut it short).
 */
int
arg_read_secret(const char *path, char *pass, size_t size)
{
	struct pollfd	 pfd;
	struct stat	 st;
	const char	*why = NULL, *name;
	ssize_t		 n = 0;
	size_t		 len = 0, line;
	int		 fd, isstdin;
	char		*q, toolong[64], errbuf[128];

	isstdin = strcmp(path, "-") == 0;
	name = isstdin ? "standard input (--password-file -)" : path;
	if (isstdin)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK | O_NOCTTY)) == -1) {
		if (errno == ELOOP)
			why = "is a symbolic link; give the file itself";
		else {
			(void)snprintf(errbuf, sizeof(errbuf), "cannot open "
			    "it: %s; give a file whose first line is the "
			    "password", strerror(errno));
			why = errbuf;
		}
	}
	if (why == NULL && !isstdin && fd != -1) {
		if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
			why = "not a regular file (a FIFO or a device is "
			    "refused); give a file, or - for standard input";
			close(fd);
			fd = -1;
		}
		else if ((st.st_mode & 044) != 0) {
			q = vquote(path, strlen(path), 200);
			fprintf(stderr, "pfsubmit: warning: %s: readable by "
			    "%s; chmod 600 it\n", q, (st.st_mode & 004) ?
			    "everyone" : "its group");
			free(q);
		}
	}
	if (why == NULL) {
		while (len + 1 < size && memchr(pass, '\n', len) == NULL) {
			if (isstdin) {
				pfd.fd = fd;
				pfd.events = POLLIN;
				if (poll(&pfd, 1, SECRET_WAIT_MS) == 0) {
					why = "nothing came within 30 seconds";
					break;
				}
			}
			if ((n = read(fd, pass + len, size - len - 1)) == -1 &&
			    errno == EINTR)
				continue;
			if (n <= 0)
				break;
			len += (size_t)n;
		}
		if (fd != STDIN_FILENO && fd != -1)
			close(fd);
		for (line = 0; line < len && pass[line] != '\n'; line++)
			;
		if (why != NULL)
			;
		else if (n == -1)
			why = "cannot read it";
		else if (line == len && len + 1 >= size) {
			(void)snprintf(toolong, sizeof(toolong), "the "
			    "password is longer than %zu bytes", size - 1);
			why = toolong;
		} else if (len == 0)
			why = "is empty; its first line must be the password";
		else if (memchr(pass, '\0', line) != NULL)
			why = "the password has a NUL byte";
		else if (line == 0 || (line == 1 && pass[0] == '\r'))
			why = "the first line is empty; it must be the "
			    "password";
		else if (memchr(pass, '\r', line - 1) != NULL ||
		    (pass[line - 1] == '\r' && line == len))
			why = "the password has a carriage return (CR); "
			    "refused rather than cut short";
		/* A CRLF line ending: the CR is not the password's. */
		if (why == NULL && pass[line - 1] == '\r')
			line--;
		pass[line] = '\0';
	}
	if (why == NULL)
		return 0;
	explicit_bzero(pass, size);
	q = vquote(name, strlen(name), 200);
	fprintf(stderr, "pfsubmit: %s: %s\n", q, why);
	free(q);
	return -1;
}
