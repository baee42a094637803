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
 * What check learns from the system rather than from the two files: the
 * files a configuration names, Dovecot's auth socket, certificates and
 * keys, Cyrus SASL's configuration file, and the lists postconf -a and
 * -m print.  lint.c decides what each answer means; this module only
 * asks.
 *
 * Every answer is kept for the rest of the run (an edit runs the rules
 * twice, and a large master.cf names one file many times), keyed by what
 * was asked.  Absolute paths are taken under a root, "/" unless a test
 * points it at a scratch directory with probe_set_root().  A socket is
 * given PROBE_TIMEOUT_MS in all: a Dovecot that accepts and never
 * answers costs that, and then is a finding.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pfsubmit.h"

static char		*root;		/* owned; NULL: "/" */
static struct strmap	 cache;		/* what was asked -> answer */
static int		 cache_ready;
static int		 timeout_ms = PROBE_TIMEOUT_MS;

/* Answers of several kinds share the cache: each begins with its kind. */
enum pk { PK_FILE, PK_AUTH, PK_TLS, PK_LIST, PK_CYRUS };
struct pent {
	enum pk		 kind;
	union {
		struct probe_file	 f;
		struct probe_auth	 a;
		struct probe_tls	 t;
		struct probe_cyrus	 c;
		char			*list;	/* owned: "\nname\n...", NULL */
	} u;
};

static void
pent_free(struct pent *e)
{
	size_t	 i;

	switch (e->kind) {
	case PK_AUTH:
		free(e->u.a.why);
		free(e->u.a.mechs);
		break;
	case PK_TLS:
		for (i = 0; i < e->u.t.n; i++)
			free(e->u.t.text[i]);
		break;
	case PK_LIST:
		free(e->u.list);
		break;
	case PK_CYRUS:
		free(e->u.c.file);
		free(e->u.c.pwcheck);
		free(e->u.c.saslauthd);
		break;
	case PK_FILE:
		break;
	}
	free(e);
}

/* probe_reset - forget every answer (the system may have changed) */
void
probe_reset(void)
{
	size_t	 i;

	if (!cache_ready)
		return;
	for (i = 0; i < cache.cap; i++)
		if (cache.ent[i].key != NULL)
			pent_free(cache.ent[i].val);
	strmap_free(&cache);
	cache_ready = 0;
}

/*
 * probe_set_root - take absolute paths under dir from now on (NULL: the
 * real root); forgets every answer
 */
void
probe_set_root(const char *dir)
{
	probe_reset();
	free(root);
	root = dir != NULL && strcmp(dir, "/") != 0 ? xstrdup(dir) : NULL;
}

/* probe_set_timeout - the time a socket is given, in milliseconds */
void
probe_set_timeout(int ms)
{
	timeout_ms = ms > 0 ? ms : PROBE_TIMEOUT_MS;
}

/* probe_path - path as probed: under the root when absolute; allocated */
char *
probe_path(const char *path)
{
	if (root != NULL && path[0] == '/')
		return xprintf("%s%s", root, path);
	return xstrdup(path);
}

static struct pent *
lookup(enum pk kind, const char *key)
{
	char		*k;
	struct pent	*e;

	if (!cache_ready) {
		strmap_init(&cache);
		cache_ready = 1;
	}
	k = xprintf("%d\t%s", (int)kind, key);
	e = strmap_get(&cache, k);
	free(k);
	return e;
}

static struct pent *
remember(enum pk kind, const char *key)
{
	struct pent	*e;
	char		*k;

	e = xcalloc(1, sizeof(*e));
	e->kind = kind;
	k = xprintf("%d\t%s", (int)kind, key);
	strmap_put(&cache, k, e);
	free(k);
	return e;
}

/*
 * probe_assume - from now on, path is a regular file that can be read,
 * made just now: an edit that writes a table (and postmap its index) in
 * the same transaction asks check about the result before it exists.
 */
void
probe_assume(const char *path)
{
	struct pent	*e;

	if ((e = lookup(PK_FILE, path)) == NULL)
		e = remember(PK_FILE, path);
	e->u.f.kind = PROBE_REG;
	e->u.f.err = 0;
	e->u.f.readable = 1;
	(void)clock_gettime(CLOCK_REALTIME, &e->u.f.mtime);
}

/*
 * probe_file - what is at path (under the root when absolute): its kind,
 * whether it can be opened for reading, its modification time
 */
const struct probe_file *
probe_file(const char *path)
{
	struct pent	*e;
	struct stat	 st;
	char		*p;
	int		 fd;

	if ((e = lookup(PK_FILE, path)) != NULL)
		return &e->u.f;
	e = remember(PK_FILE, path);
	p = probe_path(path);
	if (stat(p, &st) == -1) {
		e->u.f.kind = PROBE_NONE;
		e->u.f.err = errno;
	} else {
		e->u.f.mtime = st.st_mtim;
		e->u.f.uid = st.st_uid;
		e->u.f.gid = st.st_gid;
		e->u.f.mode = st.st_mode & 07777;
		if (S_ISREG(st.st_mode))
			e->u.f.kind = PROBE_REG;
		else if (S_ISSOCK(st.st_mode))
			e->u.f.kind = PROBE_SOCK;
		else if (S_ISDIR(st.st_mode))
			e->u.f.kind = PROBE_DIR;
		else
			e->u.f.kind = PROBE_OTHER;
		/* A FIFO would block the open: only regular files. */
		if (e->u.f.kind == PROBE_REG) {
			fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC |
			    O_NOCTTY);
			if (fd == -1)
				e->u.f.err = errno;
			else {
				e->u.f.readable = 1;
				(void)close(fd);
			}
		}
	}
	free(p);
	return &e->u.f;
}

/* ms_left - milliseconds until the deadline, at least 0 */
static int
ms_left(const struct timespec *deadline)
{
	struct timespec	 now;
	long long	 ms;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > INT32_MAX ? INT32_MAX : (int)ms;
}

/* wait_fd - poll fd for events until the deadline; 0, or -1 timed out */
static int
wait_fd(int fd, short events, const struct timespec *deadline)
{
	struct pollfd	 pfd;
	int		 n;

	pfd.fd = fd;
	pfd.events = events;
	for (;;) {
		n = poll(&pfd, 1, ms_left(deadline));
		if (n == -1 && errno == EINTR)
			continue;
		return n > 0 ? 0 : -1;
	}
}

/* connect_to - a non-blocking connect bounded by the deadline; fd or -1 */
static int
connect_to(const struct sockaddr *sa, socklen_t len, int family,
    const struct timespec *deadline, int *err)
{
	socklen_t	 el = sizeof(*err);
	int		 fd;

	/* O_NONBLOCK by fcntl: not every system has SOCK_NONBLOCK. */
	if ((fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		*err = errno;
		if (fd != -1)
			(void)close(fd);
		return -1;
	}
	if (connect(fd, sa, len) == 0)
		return fd;
	if (errno != EINPROGRESS && errno != EAGAIN) {
		*err = errno;
		(void)close(fd);
		return -1;
	}
	if (wait_fd(fd, POLLOUT, deadline) == -1) {
		*err = ETIMEDOUT;
		(void)close(fd);
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &el) == -1)
		*err = errno;
	if (*err != 0) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

/* open_auth - connect to "inet:host:port" or a UNIX-domain path */
static int
open_auth(const char *where, const struct timespec *deadline, int *err)
{
	struct sockaddr_un	 sun;
	struct addrinfo		 hints, *res, *ai;
	const char		*colon;
	char			*host, *p;
	int			 fd = -1, r;

	if (strncmp(where, "inet:", 5) == 0) {
		where += 5;
		if ((colon = strrchr(where, ':')) == NULL) {
			*err = EINVAL;
			return -1;
		}
		host = xstrndup(where, (size_t)(colon - where));
		if (host[0] == '[' && host[strlen(host) - 1] == ']') {
			memmove(host, host + 1, strlen(host));
			host[strlen(host) - 1] = '\0';
		}
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_NUMERICSERV;
		r = getaddrinfo(*host != '\0' ? host : "localhost", colon + 1,
		    &hints, &res);
		free(host);
		if (r != 0) {
			*err = EHOSTUNREACH;
			return -1;
		}
		for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next)
			fd = connect_to(ai->ai_addr, ai->ai_addrlen,
			    ai->ai_family, deadline, err);
		freeaddrinfo(res);
		return fd;
	}
	if (strncmp(where, "unix:", 5) == 0)
		where += 5;
	p = probe_path(where);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, p, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		free(p);
		*err = ENAMETOOLONG;
		return -1;
	}
	free(p);
	return connect_to((struct sockaddr *)&sun, sizeof(sun), AF_UNIX,
	    deadline, err);
}

/*
 * handshake - Dovecot's auth protocol as xsasl_dovecot_server.c speaks
 * it: VERSION and CPID out; VERSION, MECH..., SPID, CUID, COOKIE and
 * DONE back.  A socket that sends SPID with no MECH before it is the
 * auth-master or userdb socket, not auth-client.
 */
static void
handshake(int fd, const struct timespec *deadline, struct probe_auth *a)
{
	struct buf	 mechs;
	char		 in[8192] = "", *line, *nl, *tab;
	size_t		 len = 0;
	ssize_t		 n;
	long long	 major;
	int		 have_mech = 0;
	const char	*hello, *err;

	buf_init(&mechs);
	buf_adds(&mechs, "");
	hello = "VERSION\t1\t2\nCPID\t1\n";
	for (n = 0; (size_t)n < strlen(hello);) {
		ssize_t	 w = -1;

		/* A peer that hangs up must not kill us with SIGPIPE. */
		if (wait_fd(fd, POLLOUT, deadline) == 0)
			w = send(fd, hello + n, strlen(hello) - (size_t)n,
			    MSG_NOSIGNAL);
		if (w <= 0) {
			a->why = xstrdup("could not send the handshake");
			goto out;
		}
		n += w;
	}
	for (;;) {
		while ((nl = memchr(in, '\n', len)) == NULL) {
			if (len == sizeof(in) - 1) {
				a->why = xstrdup("a handshake line too long");
				goto out;
			}
			if (wait_fd(fd, POLLIN, deadline) == -1) {
				a->why = xprintf("no answer within %d s "
				    "(a hung auth service?)", timeout_ms /
				    1000);
				goto out;
			}
			n = read(fd, in + len, sizeof(in) - 1 - len);
			if (n == -1 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				a->why = xstrdup("it closed the connection "
				    "during the handshake");
				goto out;
			}
			len += (size_t)n;
		}
		*nl = '\0';
		line = in;
		if ((tab = strchr(line, '\t')) != NULL)
			*tab++ = '\0';
		if (strcmp(line, "VERSION") == 0 && tab != NULL) {
			tab[strcspn(tab, "\t")] = '\0';
			major = strtonum(tab, 0, 1000, &err);
			if (err != NULL || major != 1) {
				a->why = xprintf("it speaks version %.20s of "
				    "the auth protocol, not 1", tab);
				goto out;
			}
		} else if (strcmp(line, "MECH") == 0 && tab != NULL) {
			char	*opts = strchr(tab, '\t');

			have_mech = 1;
			if (opts != NULL)
				*opts++ = '\0';
			/* Postfix leaves out what Dovecot marks private. */
			if (opts == NULL || strcasestr(opts, "private") ==
			    NULL) {
				if (mechs.len > 0)
					buf_addc(&mechs, ' ');
				buf_adds(&mechs, tab);
			}
		} else if (strcmp(line, "SPID") == 0 && !have_mech) {
			a->why = xstrdup("it is not the auth-client socket "
			    "(auth-master or auth-userdb answers there)");
			goto out;
		} else if (strcmp(line, "DONE") == 0) {
			a->ok = 1;
			a->mechs = buf_take(&mechs);
			return;
		}
		len -= (size_t)(nl + 1 - in);
		memmove(in, nl + 1, len);
	}
out:
	buf_free(&mechs);
}

/*
 * probe_dovecot - connect to Dovecot's auth service at where
 * ("inet:host:port", "unix:path" or a path, absolute paths under the
 * root) and go through the handshake smtpd does.  ok is 1 with the
 * mechanisms offered, or 0 with why not.
 */
const struct probe_auth *
probe_dovecot(const char *where)
{
	struct timespec	 deadline;
	struct pent	*e;
	int		 fd, err = 0;

	if ((e = lookup(PK_AUTH, where)) != NULL)
		return &e->u.a;
	e = remember(PK_AUTH, where);
	(void)clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	if ((fd = open_auth(where, &deadline, &err)) == -1) {
		e->u.a.why = xprintf("cannot connect: %s", strerror(err));
		return &e->u.a;
	}
	handshake(fd, &deadline, &e->u.a);
	(void)close(fd);
	return &e->u.a;
}

static void
tls_add(struct probe_tls *t, enum diag_sev sev, char *text)
{
	if (t->n == PROBE_TLS_MAX) {
		free(text);
		return;
	}
	t->sev[t->n] = sev;
	t->text[t->n++] = text;
}

/* ssl_reason - OpenSSL's last error, in short; static */
static const char *
ssl_reason(void)
{
	static char	 s[160];
	unsigned long	 e = ERR_peek_last_error();

	if (e == 0)
		return "no PEM data";
	ERR_error_string_n(e, s, sizeof(s));
	ERR_clear_error();
	return s;
}

/* open_pem - path (under the root) as a read BIO, or a finding */
static BIO *
open_pem(struct probe_tls *t, const char *path, const char *what)
{
	const struct probe_file *f = probe_file(path);
	BIO	*bio;
	char	*p;

	if (f->kind == PROBE_NONE && f->err == EACCES) {
		tls_add(t, DIAG_WARN, xprintf("%s %s cannot be examined: %s; "
		    "run check as root", what, path, strerror(f->err)));
		return NULL;
	}
	if (f->kind == PROBE_NONE) {
		tls_add(t, DIAG_ERR, xprintf("%s %s does not exist", what,
		    path));
		return NULL;
	}
	/* Not root: the key is not ours to read, and nothing is wrong. */
	if (f->kind == PROBE_REG && !f->readable && f->err == EACCES &&
	    geteuid() != 0) {
		tls_add(t, DIAG_WARN, xprintf("%s %s cannot be examined: %s; "
		    "run check as root", what, path, strerror(f->err)));
		return NULL;
	}
	if (f->kind != PROBE_REG || !f->readable) {
		tls_add(t, DIAG_ERR, xprintf("%s %s cannot be read: %s", what,
		    path, f->kind != PROBE_REG ? "not a regular file" :
		    strerror(f->err)));
		return NULL;
	}
	p = probe_path(path);
	bio = BIO_new_file(p, "r");
	free(p);
	if (bio == NULL)
		tls_add(t, DIAG_ERR, xprintf("%s %s cannot be read", what,
		    path));
	return bio;
}

/*
 * probe_pem_has - does the PEM file at path (under the root) hold a
 * private key (key 1) or a certificate (key 0)?  A file that cannot be
 * read holds neither; probe_tls says why.
 */
int
probe_pem_has(const char *path, int key)
{
	EVP_PKEY	*k;
	X509		*x;
	BIO		*bio;
	char		*p;
	int		 r = 0;

	p = probe_path(path);
	bio = BIO_new_file(p, "r");
	free(p);
	if (bio == NULL) {
		ERR_clear_error();
		return 0;
	}
	if (key) {
		if ((k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) !=
		    NULL)
			r = 1;
		EVP_PKEY_free(k);
	} else {
		if ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
			r = 1;
		X509_free(x);
	}
	BIO_free(bio);
	ERR_clear_error();
	return r;
}

/*
 * probe_chain_next - of the files of an smtpd_tls_chain_files list,
 * which Postfix reads as one concatenated file (each key directly
 * followed by its certificate chain), the pair that begins at files[i]:
 * the key's file, and the file of its certificate (the same file when
 * it holds one, else the next).  Returns the index after the pair.
 */
size_t
probe_chain_next(char *const *files, size_t n, size_t i, const char **certp,
    const char **keyp)
{
	*keyp = files[i];
	*certp = files[i];
	if (i + 1 < n && probe_pem_has(files[i], 1) &&
	    !probe_pem_has(files[i], 0)) {
		*certp = files[i + 1];
		return i + 2;
	}
	return i + 1;
}

/*
 * probe_tls - load the certificate (the first in cert) and the private
 * key (the first in key) as smtpd would, and say what is wrong: a file
 * missing or unreadable, no certificate or key in it, a key that does
 * not belong to the certificate, expiry (error) or expiry within
 * PROBE_EXPIRY_DAYS (warning), and a certificate whose names do not
 * cover host (warning; host NULL: not checked)
 */
const struct probe_tls *
probe_tls(const char *cert, const char *key, const char *host)
{
	struct pent	*e;
	struct probe_tls *t;
	X509		*x = NULL;
	EVP_PKEY	*k = NULL;
	BIO		*bio;
	char		*ck;
	time_t		 soon;

	ck = xprintf("%s\t%s\t%s", cert, key, host != NULL ? host : "");
	if ((e = lookup(PK_TLS, ck)) != NULL) {
		free(ck);
		return &e->u.t;
	}
	e = remember(PK_TLS, ck);
	free(ck);
	t = &e->u.t;
	ERR_clear_error();
	if ((bio = open_pem(t, cert, "certificate file")) != NULL) {
		if ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL)
			tls_add(t, DIAG_ERR, xprintf("certificate file %s "
			    "holds no certificate OpenSSL can read (%s)",
			    cert, ssl_reason()));
		BIO_free(bio);
	}
	if ((bio = open_pem(t, key, "key file")) != NULL) {
		if ((k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) ==
		    NULL)
			tls_add(t, DIAG_ERR, xprintf("key file %s holds no "
			    "private key OpenSSL can read without a "
			    "passphrase (%s)", key, ssl_reason()));
		BIO_free(bio);
	}
	if (x != NULL && k != NULL && X509_check_private_key(x, k) != 1) {
		ERR_clear_error();
		tls_add(t, DIAG_ERR, xprintf("the key in %s does not belong "
		    "to the certificate in %s", key, cert));
	}
	if (x != NULL) {
		soon = time(NULL) + PROBE_EXPIRY_DAYS * 86400;
		if (X509_cmp_current_time(X509_get0_notAfter(x)) <= 0)
			tls_add(t, DIAG_ERR, xprintf("the certificate in %s "
			    "has expired", cert));
		else if (X509_cmp_time(X509_get0_notAfter(x), &soon) <= 0)
			tls_add(t, DIAG_WARN, xprintf("the certificate in %s "
			    "expires within %d days", cert,
			    PROBE_EXPIRY_DAYS));
		if (host != NULL && *host != '\0' &&
		    X509_check_host(x, host, 0, 0, NULL) != 1)
			tls_add(t, DIAG_WARN, xprintf("the certificate in %s "
			    "is not for %s (myhostname): clients that check "
			    "the name will refuse it", cert, host));
	}
	X509_free(x);
	EVP_PKEY_free(k);
	ERR_clear_error();
	return t;
}

/*
 * probe_postconf_has - is name in what postconf -c dir -flag lists ('a':
 * SASL server plug-ins, 'm': table types)?  1 yes, 0 no, -1 postconf
 * did not answer
 */
int
probe_postconf_has(const char *dir, int flag, const char *name)
{
	const char	*argv[] = { PATH_POSTCONF, "-c", dir, NULL, NULL };
	struct run_result r;
	struct pent	*e;
	char		 fl[3], *key, *k;
	int		 has;

	key = xprintf("%s\t%c", dir, flag);
	if ((e = lookup(PK_LIST, key)) == NULL) {
		e = remember(PK_LIST, key);
		(void)snprintf(fl, sizeof(fl), "-%c", flag);
		argv[3] = fl;
		if (run_cmd(argv, RUN_STDOUT, 30, &r) == 0)
			e->u.list = xprintf("\n%s", r.out.p);
		run_result_free(&r);
	}
	free(key);
	if (e->u.list == NULL)
		return -1;
	k = xprintf("\n%s\n", name);
	has = strstr(e->u.list, k) != NULL;
	free(k);
	return has;
}

/* cyrus_value - "name: value" of a Cyrus SASL configuration; allocated */
static char *
cyrus_value(const char *text, const char *name)
{
	const char	*p, *nl, *v;
	size_t		 n = strlen(name);

	for (p = text; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		while (p < nl && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(nl - p) <= n || strncmp(p, name, n) != 0 ||
		    p[n] != ':')
			continue;
		for (v = p + n + 1; v < nl && (*v == ' ' || *v == '\t'); v++)
			;
		while (nl > v && (nl[-1] == ' ' || nl[-1] == '\t' ||
		    nl[-1] == '\r'))
			nl--;
		return xstrndup(v, (size_t)(nl - v));
	}
	return NULL;
}

/*
 * probe_cyrus - find name.conf in the directories of dirs (separated by
 * ':'), as libsasl2 does, and read pwcheck_method and saslauthd_path
 */
const struct probe_cyrus *
probe_cyrus(const char *dirs, const char *name)
{
	struct pent	*e;
	const char	*d, *end;
	char		*key, *path, *p, text[16384];
	ssize_t		 n;
	int		 fd;

	key = xprintf("%s\t%s", dirs, name);
	if ((e = lookup(PK_CYRUS, key)) != NULL) {
		free(key);
		return &e->u.c;
	}
	e = remember(PK_CYRUS, key);
	free(key);
	for (d = dirs; *d != '\0' && e->u.c.file == NULL; d = end) {
		end = d + strcspn(d, ":");
		path = xprintf("%.*s/%s.conf", (int)(end - d), d, name);
		if (*end == ':')
			end++;
		if (probe_file(path)->kind == PROBE_REG)
			e->u.c.file = path;
		else
			free(path);
	}
	if (e->u.c.file == NULL)
		return &e->u.c;
	p = probe_path(e->u.c.file);
	fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	free(p);
	if (fd == -1)
		return &e->u.c;
	n = read(fd, text, sizeof(text) - 1);
	(void)close(fd);
	if (n < 0)
		return &e->u.c;
	text[n] = '\0';
	e->u.c.readable = 1;
	e->u.c.pwcheck = cyrus_value(text, "pwcheck_method");
	e->u.c.saslauthd = cyrus_value(text, "saslauthd_path");
	return &e->u.c;
}
