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
 * verify: talk SMTP to a submission service the way a mail client does,
 * and report each thing a client depends on.  The dialogue is small and
 * strict: every reply must be "NNN-" or "NNN " lines with one code, their
 * number and length are bounded, and each reply has a deadline of its
 * own inside one deadline for the whole session, enforced with poll(2)
 * on a non-blocking socket, the TLS handshake included: a server that
 * sends one byte a second cannot hold verify.  TLS is OpenSSL's, the
 * library Postfix itself uses, started without its configuration file.
 *
 * The password comes from a file (or standard input), never from argv;
 * the caller keeps it in one buffer and wipes it.  It is sent only over
 * TLS, and only to a server whose certificate is trusted and issued for
 * the name verify expects, unless the caller says --insecure.
 *
 * The service is found where it listens: the host part of its master.cf
 * name, else the first address of inet_interfaces.  A failing item says
 * what the server last replied, verbatim but quoted, and the block ends
 * with that session's lines of the mail log when it can be read.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pfsubmit.h"

#define VF_TIMEOUT	10	/* default seconds for connect, each reply */
#define VF_SESSION	6	/* the session may last this many replies */
#define VF_MAXLINE	1000	/* RFC 5321 text line */
#define VF_MAXLINES	100	/* lines in one reply */
#define VF_PASSMAX	1024
#define VF_WARN_DAYS	14
#define VF_MAXITEMS	32
#define VF_DETAIL	1500	/* bytes of an item's detail, quoted after */
#define VF_LOG_READ	(4 * 1024 * 1024) /* of the mail log, at most */
#define VF_LOG_LINES	30	/* log lines shown */
#define VF_LOG_WAIT	2000	/* ms to wait for the log to catch up */

enum vf_status { VF_PASS, VF_FAIL, VF_WARN, VF_SKIP };

struct vf_item {
	const char	*name;
	enum vf_status	 status;
	char		*detail;	/* owned, quoted */
};

/* Where one service is, and what its configuration says about it. */
struct vf_target {
	char		*service;	/* owned: as named for the user */
	char		*host;		/* owned */
	int		 port;
	int		 implicit;	/* TLS from the first byte */
	int		 host_given;	/* --host: not from the configuration */
	char		*myhostname;	/* owned, NULL without configuration */
	char		*myorigin;	/* owned, NULL without configuration */
	char		*mydest;	/* owned, NULL without configuration */
	char		*maillog;	/* owned: maillog_file, or NULL */
};

struct vf {
	const struct vf_opts *o;	/* borrowed */
	struct vf_target *t;		/* borrowed */
	int		 fd;
	SSL_CTX		*ctx;
	SSL		*ssl;
	char		 in[8192];	/* bytes read, not yet consumed */
	size_t		 inlen;
	struct vf_item	 items[VF_MAXITEMS];
	size_t		 nitems;
	char		*tls_name;	/* owned: the name the certificate needs */
	int		 tls_ip;	/* tls_name is an address */
	int		 cert_ok;	/* trusted and for tls_name */
	char		*cert_why;	/* owned: why not, for the auth item */
	int		 timeout;	/* seconds per reply */
	long long	 session_end;	/* monotonic ms */
	long long	 deadline;	/* of the reply being read, ms */
	int		 session_hit;	/* the deadline is the session's */
	char		 why[256];	/* why no valid reply came */
	int		 cerr;		/* errno of the last connect */
	char		 laddr[INET6_ADDRSTRLEN]; /* our end, for the log */
	int		 lport;
	char		*queue_id;	/* owned: of the message sent */
	char		*log_file;	/* owned: the mail log read, or NULL */
	off_t		 log_off;	/* its size when the session began */
	int		 log_ok;
	char		**log;		/* owned: that session's lines */
	size_t		 nlog;
	/* The last reply. */
	int		 code;
	struct buf	 text;		/* its lines, code stripped */
	struct buf	 raw;		/* its lines as sent, without CRLF */
};

static void
item(struct vf *v, const char *name, enum vf_status st, const char *fmt,
    ...) __attribute__((__format__(__printf__, 4, 5)));

static void
item(struct vf *v, const char *name, enum vf_status st, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*text, *q;
	int	 n;

	if (v->nitems == VF_MAXITEMS)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	text = xmalloc(n < 0 ? 1 : (size_t)n + 1);
	va_start(ap, fmt);
	(void)vsnprintf(text, n < 0 ? 1 : (size_t)n + 1, fmt, ap);
	va_end(ap);
	/* Details quote what the server said: no escapes reach a tty. */
	q = vquote(text, strlen(text), VF_DETAIL);
	free(text);
	v->items[v->nitems].name = name;
	v->items[v->nitems].status = st;
	v->items[v->nitems].detail = q;
	v->nitems++;
}

static long long
now_ms(void)
{
	struct timespec	 ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* arm - start the deadline of one reply (or handshake, or connect) */
static void
arm(struct vf *v)
{
	long long	 d = now_ms() + (long long)v->timeout * 1000;

	v->session_hit = d >= v->session_end;
	v->deadline = v->session_hit ? v->session_end : d;
}

/* wait_io - poll for ev until the deadline; -1 with v->why at it */
static int
wait_io(struct vf *v, short ev)
{
	struct pollfd	 pfd;
	long long	 left;
	int		 r;

	for (;;) {
		if ((left = v->deadline - now_ms()) <= 0) {
			if (v->session_hit)
				(void)snprintf(v->why, sizeof(v->why), "the "
				    "session took more than its %d seconds",
				    v->timeout * VF_SESSION);
			else
				(void)snprintf(v->why, sizeof(v->why), "no "
				    "answer within %d seconds", v->timeout);
			return -1;
		}
		pfd.fd = v->fd;
		pfd.events = ev;
		pfd.revents = 0;
		r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 0;
		if (r == -1 && errno != EINTR) {
			(void)snprintf(v->why, sizeof(v->why), "poll: %s",
			    strerror(errno));
			return -1;
		}
	}
}

/* tls_why - the reason OpenSSL gives, into v->why */
static void
tls_why(struct vf *v, const char *what, int sslerr)
{
	char		 e[200];
	unsigned long	 l;

	l = ERR_peek_last_error();
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
	/* OpenSSL 3 calls a close without close_notify an error. */
	if (l != 0 && ERR_GET_LIB(l) == ERR_LIB_SSL &&
	    ERR_GET_REASON(l) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
		l = 0;
		sslerr = SSL_ERROR_SYSCALL;
	}
#endif
	if (l != 0) {
		ERR_error_string_n(l, e, sizeof(e));
		(void)snprintf(v->why, sizeof(v->why), "%s: %s", what, e);
	} else if (sslerr == SSL_ERROR_ZERO_RETURN || sslerr ==
	    SSL_ERROR_SYSCALL)
		(void)snprintf(v->why, sizeof(v->why), "%sthe server "
		    "closed the connection", strncmp(what, "TLS handshake",
		    13) == 0 ? "TLS handshake failed: " : "");
	else
		(void)snprintf(v->why, sizeof(v->why), "%s: TLS error %d",
		    what, sslerr);
	ERR_clear_error();
}

/*
 * tls_wait - after a TLS call returned r: wait for what it wants and
 * return 0 to try again, or -1 (v->why says why).
 */
static int
tls_wait(struct vf *v, int r, const char *what)
{
	int	 e = SSL_get_error(v->ssl, r);

	if (e == SSL_ERROR_WANT_READ)
		return wait_io(v, POLLIN);
	if (e == SSL_ERROR_WANT_WRITE)
		return wait_io(v, POLLOUT);
	tls_why(v, what, e);
	return -1;
}

/* vf_read - some bytes before the deadline; -1 with v->why (0: closed) */
static ssize_t
vf_read(struct vf *v, char *p, size_t n)
{
	ssize_t	 r;
	int	 sr;

	for (;;) {
		if (v->ssl != NULL) {
			ERR_clear_error();
			if ((sr = SSL_read(v->ssl, p, (int)n)) > 0)
				return sr;
			if (tls_wait(v, sr, "TLS read") == -1)
				return -1;
			continue;
		}
		if ((r = read(v->fd, p, n)) > 0)
			return r;
		if (r == 0) {
			(void)strlcpy(v->why, "the server closed the "
			    "connection", sizeof(v->why));
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			(void)snprintf(v->why, sizeof(v->why), "read: %s",
			    strerror(errno));
			return -1;
		}
		if (wait_io(v, POLLIN) == -1)
			return -1;
	}
}

static int
vf_write(struct vf *v, const char *p, size_t n)
{
	ssize_t	 r;
	int	 sr;

	while (n > 0) {
		if (v->ssl != NULL) {
			ERR_clear_error();
			if ((sr = SSL_write(v->ssl, p, (int)n)) <= 0) {
				if (tls_wait(v, sr, "TLS write") == -1)
					return -1;
				continue;
			}
			r = sr;
		} else if ((r = send(v->fd, p, n, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (wait_io(v, POLLOUT) == -1)
					return -1;
				continue;
			}
			(void)snprintf(v->why, sizeof(v->why), "the "
			    "connection was lost: %s", strerror(errno));
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* connect_to - a non-blocking TCP connection within the deadline */
static int
connect_to(struct vf *v, const char *host, int port)
{
	struct addrinfo		 hints, *res, *ai;
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	char			 sport[16];
	int			 fd, err = 0, gai;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	(void)snprintf(sport, sizeof(sport), "%d", port);
	if ((gai = getaddrinfo(host, sport, &hints, &res)) != 0) {
		(void)snprintf(v->why, sizeof(v->why), "%s",
		    gai_strerror(gai));
		return -1;
	}
	arm(v);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		/* O_NONBLOCK by fcntl: not every system has SOCK_NONBLOCK. */
		if ((fd = socket(ai->ai_family, ai->ai_socktype |
		    SOCK_CLOEXEC, ai->ai_protocol)) == -1 ||
		    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
			err = errno;
			if (fd != -1)
				close(fd);
			continue;
		}
		v->fd = fd;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			if (wait_io(v, POLLOUT) == -1) {
				close(fd);
				v->fd = -1;
				freeaddrinfo(res);
				return -1;
			}
			len = sizeof(err);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
			    &len) == 0 && err == 0)
				break;
		} else
			err = errno;
		close(fd);
		v->fd = -1;
	}
	freeaddrinfo(res);
	if (v->fd == -1) {
		v->cerr = err;
		(void)snprintf(v->why, sizeof(v->why), "%s", strerror(err));
		return -1;
	}
	memset(&ss, 0, sizeof(ss));
	len = sizeof(ss);
	if (getsockname(v->fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

			(void)inet_ntop(AF_INET, &sin->sin_addr, v->laddr,
			    sizeof(v->laddr));
			v->lport = ntohs(sin->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			(void)inet_ntop(AF_INET6, &s6->sin6_addr, v->laddr,
			    sizeof(v->laddr));
			v->lport = ntohs(s6->sin6_port);
		}
	}
	return 0;
}

/* read_line - one line without CRLF into line (NUL-terminated) */
static int
read_line(struct vf *v, char *line, size_t size)
{
	char	*nl;
	size_t	 n;
	ssize_t	 r;

	for (;;) {
		if ((nl = memchr(v->in, '\n', v->inlen)) != NULL) {
			n = (size_t)(nl - v->in);
			if (n >= size) {
				(void)snprintf(v->why, sizeof(v->why), "a "
				    "reply line longer than %d bytes",
				    VF_MAXLINE);
				return -1;
			}
			memcpy(line, v->in, n);
			if (n > 0 && line[n - 1] == '\r')
				n--;
			line[n] = '\0';
			memmove(v->in, nl + 1, v->inlen - (size_t)(nl + 1 -
			    v->in));
			v->inlen -= (size_t)(nl + 1 - v->in);
			return 0;
		}
		if (v->inlen >= size || v->inlen == sizeof(v->in)) {
			(void)snprintf(v->why, sizeof(v->why), "a reply line "
			    "longer than %d bytes", VF_MAXLINE);
			return -1;
		}
		r = vf_read(v, v->in + v->inlen, sizeof(v->in) - v->inlen);
		if (r <= 0)
			return -1;
		v->inlen += (size_t)r;
	}
}

/* bad_line - v->why for a line that is no reply line, its start quoted */
static int
bad_line(struct vf *v, const char *what, const char *line)
{
	(void)snprintf(v->why, sizeof(v->why), "%s: \"%.60s\"", what, line);
	return v->code = -1;
}

/*
 * reply - read one reply, within its deadline; v->code, v->text and
 * v->raw.  Returns the code, or -1 when the server said nothing valid in
 * time (v->why says what happened, v->raw holds the lines read).
 */
static int
reply(struct vf *v)
{
	char	 line[VF_MAXLINE + 3];
	int	 n, code = -1, c;

	buf_reset(&v->text);
	buf_adds(&v->text, "");
	buf_reset(&v->raw);
	buf_adds(&v->raw, "");
	v->why[0] = '\0';
	arm(v);
	for (n = 0; n < VF_MAXLINES; n++) {
		if (read_line(v, line, sizeof(line)) == -1)
			return v->code = -1;
		if (strlen(line) > VF_MAXLINE) {
			(void)snprintf(v->why, sizeof(v->why), "a reply line "
			    "longer than %d bytes", VF_MAXLINE);
			return v->code = -1;
		}
		if (v->raw.len > 0)
			buf_addc(&v->raw, '\n');
		buf_adds(&v->raw, line);
		if (strlen(line) < 3 || line[0] < '2' || line[0] > '5' ||
		    line[1] < '0' || line[1] > '9' || line[2] < '0' ||
		    line[2] > '9' || (line[3] != '\0' && line[3] != '-' &&
		    line[3] != ' '))
			return bad_line(v, "not an SMTP reply line", line);
		c = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		    (line[2] - '0');
		if (code != -1 && c != code)
			return bad_line(v, "a reply line with another code",
			    line);
		code = c;
		buf_adds(&v->text, line[3] != '\0' ? line + 4 : "");
		buf_addc(&v->text, '\n');
		if (line[3] != '-')
			return v->code = code;
	}
	(void)snprintf(v->why, sizeof(v->why), "a reply of more than %d "
	    "lines", VF_MAXLINES);
	return v->code = -1;
}

/*
 * said - what the server last said, for a detail: its reply verbatim
 * (quoted later by item()), or why there was none.
 */
static const char *
said(struct vf *v)
{
	static char	 s[VF_DETAIL];

	if (v->code != -1)
		return v->raw.p;
	if (v->raw.len > 0)
		(void)snprintf(s, sizeof(s), "no valid reply (%s)", v->why);
	else
		(void)snprintf(s, sizeof(s), "no reply (%s)", v->why);
	return s;
}

static int
command(struct vf *v, const char *cmd)
{
	struct buf	 b;
	int		 r;

	buf_init(&b);
	buf_printf(&b, "%s\r\n", cmd);
	arm(v);
	v->why[0] = '\0';
	r = vf_write(v, b.p, b.len);
	explicit_bzero(b.p, b.len);
	buf_free(&b);
	if (r == -1) {
		buf_reset(&v->raw);
		buf_adds(&v->raw, "");
		return v->code = -1;
	}
	return reply(v);
}

/* ehlo_has - does the last EHLO reply list the keyword?  *argsp: rest */
static int
ehlo_has(struct vf *v, const char *kw, char **argsp)
{
	const char	*p = v->text.p, *nl;
	size_t		 n = strlen(kw);

	if (argsp != NULL)
		*argsp = NULL;
	for (; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (strncasecmp(p, kw, n) == 0 && (p[n] == ' ' ||
		    p[n] == '\n' || p[n] == '=')) {
			if (argsp != NULL)
				*argsp = xstrndup(p + n, nl != NULL ?
				    (size_t)(nl - p) - n : strlen(p + n));
			return 1;
		}
	}
	return 0;
}

/* has_word - is word one of the words of list (blanks, '=', ',')? */
static int
has_word(const char *list, const char *word)
{
	size_t	 n = strlen(word), k;

	while (list != NULL && *list != '\0') {
		list += strspn(list, " =,\t");
		k = strcspn(list, " =,\t");
		if (k == n && strncasecmp(list, word, n) == 0)
			return 1;
		list += k;
	}
	return 0;
}

/* start_tls - the handshake, within one reply's deadline */
static int
start_tls(struct vf *v)
{
	int	 r;

	if ((v->ssl = SSL_new(v->ctx)) == NULL) {
		tls_why(v, "TLS", 0);
		return -1;
	}
	if (!v->tls_ip)
		(void)SSL_set_tlsext_host_name(v->ssl, v->tls_name);
	(void)SSL_set_fd(v->ssl, v->fd);
	arm(v);
	for (;;) {
		ERR_clear_error();
		if ((r = SSL_connect(v->ssl)) == 1)
			break;
		if (tls_wait(v, r, "TLS handshake failed") == -1) {
			/* A deadline, not OpenSSL, ended it: say which. */
			if (strncmp(v->why, "TLS handshake", 13) != 0) {
				char	 w[sizeof(v->why)];

				(void)strlcpy(w, v->why, sizeof(w));
				(void)snprintf(v->why, sizeof(v->why), "TLS "
				    "handshake failed: %.200s", w);
			}
			SSL_free(v->ssl);
			v->ssl = NULL;
			return -1;
		}
	}
	/* Nothing read before the handshake may count after it. */
	v->inlen = 0;
	return 0;
}

/*
 * check_cert - the server certificate: expiry, trust (the default CA
 * store, or --cafile) and its name; sets v->cert_ok for AUTH
 */
static void
check_cert(struct vf *v)
{
	X509		*cert;
	const ASN1_TIME	*na;
	char		 subject[256];
	long		 vr;
	int		 days, secs, named;

	v->cert_ok = 0;
	if ((cert = SSL_get1_peer_certificate(v->ssl)) == NULL) {
		item(v, "certificate", VF_FAIL, "the server sent none");
		v->cert_why = xstrdup("the server sent no certificate");
		return;
	}
	X509_NAME_oneline(X509_get_subject_name(cert), subject,
	    sizeof(subject));
	na = X509_get0_notAfter(cert);
	if (ASN1_TIME_diff(&days, &secs, NULL, na) != 1)
		item(v, "certificate", VF_FAIL, "%s: unreadable expiry date",
		    subject);
	else if (days < 0 || (days == 0 && secs < 0))
		item(v, "certificate", VF_FAIL, "%s: expired %d days ago",
		    subject, -days);
	else if (days < VF_WARN_DAYS)
		item(v, "certificate", VF_WARN, "%s: expires in %d days",
		    subject, days);
	else
		item(v, "certificate", VF_PASS, "%s: expires in %d days",
		    subject, days);
	vr = SSL_get_verify_result(v->ssl);
	if (vr == X509_V_OK)
		item(v, "certificate-trust", VF_PASS, "trusted by %s",
		    v->o->cafile != NULL ? v->o->cafile :
		    "this host's CA store");
	else
		item(v, "certificate-trust", VF_WARN, "not trusted by %s: "
		    "%s; clients may warn", v->o->cafile != NULL ?
		    v->o->cafile : "this host's CA store",
		    X509_verify_cert_error_string(vr));
	/* The name is checked whatever the trust: self-signed ones too. */
	if (v->tls_ip)
		named = X509_check_ip_asc(cert, v->tls_name, 0) == 1;
	else
		named = X509_check_host(cert, v->tls_name, 0, 0, NULL) == 1;
	if (named)
		item(v, "certificate-name", VF_PASS, "issued for %s",
		    v->tls_name);
	else
		item(v, "certificate-name", VF_WARN, "the certificate is not "
		    "for %s", v->tls_name);
	v->cert_ok = vr == X509_V_OK && named;
	if (vr != X509_V_OK)
		v->cert_why = xprintf("the certificate is not trusted (%s)",
		    X509_verify_cert_error_string(vr));
	else if (!named)
		v->cert_why = xprintf("the certificate is not for %s",
		    v->tls_name);
	X509_free(cert);
}

static char *
b64(const void *p, size_t n)
{
	unsigned char	*out;

	out = xmalloc(4 * ((n + 2) / 3) + 1);
	(void)EVP_EncodeBlock(out, p, (int)n);
	return (char *)out;
}

/* wipe - free a string that held a secret */
static void
wipe(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* auth_plain - AUTH PLAIN; returns the final reply code */
static int
auth_plain(struct vf *v, const char *user, const char *pass)
{
	unsigned char	*raw;
	size_t		 ul = strlen(user), pl = strlen(pass), n;
	char		*enc, *cmd;
	int		 code;

	n = ul + pl + 2;
	raw = xmalloc(n);
	raw[0] = '\0';
	memcpy(raw + 1, user, ul);
	raw[ul + 1] = '\0';
	memcpy(raw + ul + 2, pass, pl);
	enc = b64(raw, n);
	cmd = xprintf("AUTH PLAIN %s", enc);
	code = command(v, cmd);
	wipe(cmd);
	wipe(enc);
	explicit_bzero(raw, n);
	free(raw);
	return code;
}

/* auth_login - AUTH LOGIN, user and password in turn; the last code */
static int
auth_login(struct vf *v, const char *user, const char *pass)
{
	char	*enc;
	int	 code;

	if ((code = command(v, "AUTH LOGIN")) != 334)
		return code;
	enc = b64(user, strlen(user));
	code = command(v, enc);
	free(enc);
	if (code != 334)
		return code;
	enc = b64(pass, strlen(pass));
	code = command(v, enc);
	wipe(enc);
	return code;
}

/* queue_id - the queue id in a 250 reply to the end of DATA; allocated */
static char *
queue_id(const char *text)
{
	const char	*p;
	size_t		 n;

	if ((p = strstr(text, "queued as ")) != NULL)
		p += strlen("queued as ");
	else if ((p = strrchr(text, ' ')) != NULL)
		p++;
	else
		p = text;
	for (n = 0; n < 64 && isalnum((unsigned char)p[n]); n++)
		;
	return n > 0 ? xstrndup(p, n) : NULL;
}

/* send_message - MAIL, RCPT, DATA: one short test message */
static void
send_message(struct vf *v, const char *from)
{
	const char	*to = v->o->send_to;
	struct buf	 m;
	char		 date[64], *cmd;
	time_t		 now = time(NULL);
	struct tm	 tm;
	int		 code;

	cmd = xprintf("MAIL FROM:<%s>", from);
	code = command(v, cmd);
	free(cmd);
	if (code / 100 != 2) {
		item(v, "send", VF_FAIL, "MAIL FROM:<%s> refused: %s", from,
		    said(v));
		return;
	}
	cmd = xprintf("RCPT TO:<%s>", to);
	code = command(v, cmd);
	free(cmd);
	if (code / 100 != 2) {
		item(v, "send", VF_FAIL, "RCPT TO:<%s> refused: %s", to,
		    said(v));
		return;
	}
	if (command(v, "DATA") != 354) {
		item(v, "send", VF_FAIL, "DATA refused: %s", said(v));
		return;
	}
	(void)gmtime_r(&now, &tm);
	(void)strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000",
	    &tm);
	buf_init(&m);
	buf_printf(&m, "From: <%s>\r\nTo: <%s>\r\nSubject: pfsubmit verify "
	    "test message\r\nDate: %s\r\nMessage-ID: <pfsubmit.%lld.%ld@%s>"
	    "\r\n\r\nA test message sent by pfsubmit verify to %s port %d."
	    "\r\n.\r\n", from, to, date, (long long)now, (long)getpid(),
	    v->t->myhostname != NULL ? v->t->myhostname : "pfsubmit.invalid",
	    v->t->host, v->t->port);
	arm(v);
	if (vf_write(v, m.p, m.len) == -1)
		code = v->code = -1;
	else
		code = reply(v);
	buf_free(&m);
	if (code / 100 != 2) {
		item(v, "send", VF_FAIL, "the message to <%s> was not taken: "
		    "%s", to, said(v));
		return;
	}
	v->queue_id = queue_id(v->text.p);
	item(v, "send", VF_PASS, "a test message to <%s>: queued as %s "
	    "(%s)", to, v->queue_id != NULL ? v->queue_id : "?", v->raw.p);
}

/*
 * auth - log in (when the certificate allows it), then an authenticated
 * MAIL FROM and RCPT TO an outside address, then RSET; --send-to sends.
 */
static void
auth(struct vf *v, const char *mechs)
{
	const struct vf_opts *o = v->o;
	const char	*mech;
	char		*cmd, *from;
	int		 code, ok;

	if (o->user == NULL) {
		item(v, "auth", VF_SKIP, "no --user given");
		return;
	}
	if (o->mech != NULL)
		mech = strcasecmp(o->mech, "login") == 0 ? "LOGIN" : "PLAIN";
	else
		mech = has_word(mechs, "PLAIN") ? "PLAIN" : "LOGIN";
	if (mechs == NULL || !has_word(mechs, mech)) {
		item(v, "auth", VF_FAIL, "AUTH %s is not offered%s%s", o->mech
		    != NULL ? mech : "PLAIN or LOGIN", mechs != NULL ?
		    "; the server offers " : "", mechs != NULL ? mechs +
		    strspn(mechs, " =") : "");
		return;
	}
	if (!v->cert_ok && !o->insecure) {
		item(v, "auth", VF_FAIL, "the password was not sent: %s; give "
		    "--cafile FILE to trust the server's certificate (or its "
		    "CA), --tls-name NAME for the name it is issued to, or "
		    "--insecure to send it anyway", v->cert_why != NULL ?
		    v->cert_why : "the certificate was not checked");
		return;
	}
	if (strcmp(mech, "PLAIN") == 0)
		code = auth_plain(v, o->user, o->pass);
	else
		code = auth_login(v, o->user, o->pass);
	if (code != 235) {
		item(v, "auth", VF_FAIL, "AUTH %s as %s refused: %s", mech,
		    o->user, said(v));
		return;
	}
	item(v, "auth", VF_PASS, "AUTH %s as %s: %s", mech, o->user,
	    v->raw.p);

	if (o->from != NULL)
		from = xstrdup(o->from);
	else if (strchr(o->user, '@') != NULL)
		from = xstrdup(o->user);
	else
		from = xprintf("postmaster@%s", v->t->myorigin != NULL ?
		    v->t->myorigin : "localhost");
	cmd = xprintf("MAIL FROM:<%s>", from);
	code = command(v, cmd);
	free(cmd);
	if (code / 100 != 2) {
		item(v, "mail-from", VF_FAIL, "MAIL FROM:<%s> after AUTH "
		    "refused: %s", from, said(v));
		free(from);
		return;
	}
	item(v, "mail-from", VF_PASS, "MAIL FROM:<%s> after AUTH: %s", from,
	    v->raw.p);
	cmd = xprintf("RCPT TO:<%s>", o->to);
	code = command(v, cmd);
	free(cmd);
	ok = code / 100 == 2;
	if (ok)
		item(v, "rcpt-to", VF_PASS, "RCPT TO:<%s> after AUTH: %s", o->to,
		    v->raw.p);
	else
		item(v, "rcpt-to", VF_FAIL, "RCPT TO:<%s> after AUTH refused: "
		    "%s", o->to, said(v));
	if (code != -1 && command(v, "RSET") != -1 && ok &&
	    o->send_to != NULL)
		send_message(v, from);
	free(from);
}

/* relay_test - without logging in, relaying must be refused (5xx) */
static void
relay_test(struct vf *v)
{
	char	*cmd;
	int	 code;

	code = command(v, "MAIL FROM:<pfsubmit-verify@example.com>");
	if (code / 100 == 5) {
		item(v, "relay-refused", VF_PASS, "without AUTH, MAIL FROM is "
		    "refused: %s", said(v));
		return;
	}
	if (code != 250) {
		item(v, "relay-refused", VF_FAIL, "without AUTH, MAIL FROM: "
		    "%s", said(v));
		return;
	}
	cmd = xprintf("RCPT TO:<%s>", v->o->to);
	code = command(v, cmd);
	free(cmd);
	if (code / 100 == 5)
		item(v, "relay-refused", VF_PASS, "without AUTH, RCPT to an "
		    "outside address: %s", v->raw.p);
	else if (code / 100 == 2 || code / 100 == 3)
		item(v, "relay-refused", VF_FAIL, "without AUTH, RCPT to an "
		    "outside address was accepted (an open relay): %s",
		    v->raw.p);
	else
		item(v, "relay-refused", VF_FAIL, "without AUTH, RCPT to an "
		    "outside address: %s (a temporary failure: the server is "
		    "broken, not strict)", said(v));
	if (code != -1)
		(void)command(v, "RSET");
}

/* banner_name - compare the banner's host name with myhostname */
static void
banner_name(struct vf *v)
{
	const char	*p = v->text.p;
	size_t		 n = strcspn(p, " \n");

	if (v->t->host_given || v->t->myhostname == NULL)
		return;
	if (n == strlen(v->t->myhostname) && strncasecmp(p,
	    v->t->myhostname, n) == 0)
		item(v, "banner-name", VF_PASS, "%.*s, as myhostname", (int)n,
		    p);
	else
		item(v, "banner-name", VF_WARN, "the banner names %.*s, but "
		    "myhostname is %s: is this the right server?", (int)n, p,
		    v->t->myhostname);
}

/*
 * connect_settled - connect_to, and with o->settle, keep trying a port
 * that refuses for that many seconds: right after postfix reload,
 * master(8) opens the listeners of new services only once it has
 * handled the signal.
 */
static int
connect_settled(struct vf *v, const char *host, int port)
{
	long long	 until;

	until = now_ms() + (long long)v->o->settle * 1000;
	while (connect_to(v, host, port) == -1) {
		if (v->cerr != ECONNREFUSED || now_ms() >= until)
			return -1;
		(void)poll(NULL, 0, 200);
	}
	return 0;
}

/*
 * dialogue - with implicit TLS the handshake comes first; otherwise
 * EHLO must offer STARTTLS and must not offer AUTH.
 */
static void
dialogue(struct vf *v)
{
	const struct vf_target *t = v->t;
	char	*mechs = NULL;

	if (connect_settled(v, t->host, t->port) == -1) {
		item(v, "connect", VF_FAIL, "%s port %d: %s", t->host, t->port,
		    v->why);
		return;
	}
	item(v, "connect", VF_PASS, "%s port %d", t->host, t->port);
	if (t->implicit) {
		if (start_tls(v) == -1) {
			item(v, "tls", VF_FAIL, "no TLS handshake on connect "
			    "(port %d should speak TLS first): %s", t->port,
			    v->why);
			return;
		}
		item(v, "tls", VF_PASS, "TLS first: %s, %s",
		    SSL_get_version(v->ssl), SSL_get_cipher(v->ssl));
	}
	if (reply(v) != 220) {
		item(v, "banner", VF_FAIL, "expected 220, got %s", said(v));
		return;
	}
	item(v, "banner", VF_PASS, "%.*s", (int)strcspn(v->text.p, "\n"),
	    v->text.p);
	banner_name(v);
	if (command(v, "EHLO pfsubmit.invalid") != 250) {
		item(v, "ehlo", VF_FAIL, "EHLO refused: %s", said(v));
		return;
	}
	item(v, "ehlo", VF_PASS, "EHLO accepted");
	if (!t->implicit) {
		if (!ehlo_has(v, "STARTTLS", NULL)) {
			item(v, "starttls", VF_FAIL, "EHLO does not offer "
			    "STARTTLS: %s", v->raw.p);
			return;
		}
		item(v, "starttls", VF_PASS, "EHLO offers STARTTLS");
		if (ehlo_has(v, "AUTH", NULL))
			item(v, "no-auth-before-tls", VF_FAIL, "AUTH is "
			    "offered before TLS: passwords could be sent in "
			    "clear text; EHLO said: %s", v->raw.p);
		else
			item(v, "no-auth-before-tls", VF_PASS, "no AUTH "
			    "before TLS");
		if (command(v, "STARTTLS") != 220) {
			item(v, "tls", VF_FAIL, "STARTTLS refused: %s",
			    said(v));
			return;
		}
		if (start_tls(v) == -1) {
			item(v, "tls", VF_FAIL, "%s", v->why);
			return;
		}
		item(v, "tls", VF_PASS, "%s, %s", SSL_get_version(v->ssl),
		    SSL_get_cipher(v->ssl));
		if (command(v, "EHLO pfsubmit.invalid") != 250) {
			item(v, "ehlo", VF_FAIL, "EHLO after TLS refused: %s",
			    said(v));
			return;
		}
	}
	check_cert(v);
	if (ehlo_has(v, "AUTH", &mechs))
		item(v, "auth-offered", VF_PASS, "AUTH%s", mechs);
	else
		item(v, "auth-offered", VF_FAIL, "AUTH is not offered after "
		    "TLS: clients cannot log in; EHLO said: %s", v->raw.p);
	relay_test(v);
	if (v->code != -1)
		auth(v, mechs);
	else
		item(v, "auth", VF_SKIP, "the session ended");
	free(mechs);
	if (v->code != -1)
		(void)command(v, "QUIT");
}

/* log_open - the mail log this session will write to, and its size */
static void
log_open(struct vf *v)
{
	const char	*cand[] = { v->t->maillog, "/var/log/mail.log",
	    "/var/log/maillog" };
	struct stat	 st;
	size_t		 i;

	for (i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		if (cand[i] == NULL || cand[i][0] != '/')
			continue;
		if (stat(cand[i], &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand[i], R_OK) == 0) {
			v->log_file = xstrdup(cand[i]);
			v->log_off = st.st_size;
			v->log_ok = 1;
			return;
		}
		/* maillog_file set but absent: Postfix has not written yet. */
		if (i == 0 && errno == ENOENT) {
			v->log_file = xstrdup(cand[i]);
			v->log_off = 0;
			v->log_ok = 1;
			return;
		}
	}
}

/* log_read - what the log got since the session began; allocated */
static char *
log_read(struct vf *v, size_t *lenp)
{
	struct stat	 st;
	char		*p;
	ssize_t		 r;
	size_t		 len = 0, want;
	int		 fd;

	if ((fd = open(v->log_file, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) ==
	    -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	/* Rotated meanwhile: what there is. */
	if (st.st_size < v->log_off)
		v->log_off = 0;
	want = (size_t)(st.st_size - v->log_off);
	if (want > VF_LOG_READ)
		want = VF_LOG_READ;
	p = xmalloc(want + 1);
	while (len < want && (r = pread(fd, p + len, want - len, v->log_off +
	    (off_t)len)) > 0)
		len += (size_t)r;
	close(fd);
	p[len] = '\0';
	*lenp = len;
	return p;
}

/* tag_of - the "program[pid]" of a syslog line, into tag */
static int
tag_of(const char *line, size_t n, char *tag, size_t size)
{
	const char	*e, *s;

	if ((e = memmem(line, n, "]: ", 3)) == NULL)
		return -1;
	for (s = e; s > line && s[-1] != ' '; s--)
		;
	if ((size_t)(e + 1 - s) >= size)
		return -1;
	memcpy(tag, s, (size_t)(e + 1 - s));
	tag[e + 1 - s] = '\0';
	return 0;
}

/*
 * log_session - the log lines of this session: those that name our
 * address and port (smtpd_client_port_logging), else the smtpd that
 * logged "connect from" our address, then every line of that process
 * and of the queue ids it logged.  Bounded: VF_LOG_LINES lines.
 */
static void
log_session(struct vf *v)
{
	struct strmap	 keys;
	char		*data, *line, *nl, tag[128], pat[INET6_ADDRSTRLEN + 16],
			 pat2[INET6_ADDRSTRLEN + 4], qid[64];
	const char	*q;
	size_t		 len, n, k;
	long long	 until = now_ms() + VF_LOG_WAIT;
	int		 pass, found = 0;

	if (!v->log_ok || v->laddr[0] == '\0')
		return;
	(void)snprintf(pat, sizeof(pat), "[%s]:%d", v->laddr, v->lport);
	(void)snprintf(pat2, sizeof(pat2), "[%s]", v->laddr);
	/* The logger writes after the fact: wait for our disconnect. */
	for (;;) {
		if ((data = log_read(v, &len)) == NULL)
			return;
		if (strstr(data, "disconnect from") != NULL || now_ms() >
		    until)
			break;
		free(data);
		(void)poll(NULL, 0, 100);
	}
	strmap_init(&keys);
	for (pass = 0; pass < 3; pass++) {
		for (line = data; line < data + len; line = nl + 1) {
			if ((nl = memchr(line, '\n', (size_t)(data + len -
			    line))) == NULL)
				nl = data + len;
			n = (size_t)(nl - line);
			if (tag_of(line, n, tag, sizeof(tag)) == -1)
				continue;
			if (pass == 0 && memmem(line, n, pat, strlen(pat)) !=
			    NULL) {
				strmap_put(&keys, tag, (void *)1);
				found = 1;
			} else if (pass == 1 && !found) {
				if (memmem(line, n, "connect from ", 13) !=
				    NULL && memmem(line, n, pat2,
				    strlen(pat2)) != NULL)
					strmap_put(&keys, tag, (void *)1);
			} else if (pass == 2 && strmap_get(&keys, tag) !=
			    NULL) {
				/* "QUEUEID: " after the tag: that message. */
				q = strstr(line, "]: ");
				if (q != NULL && q < nl) {
					q += 3;
					k = strspn(q, "0123456789ABCDEFGHIJKLM"
					    "NOPQRSTUVWXYZbcdfghjklmnpqrstvwxyz");
					if (k >= 6 && k < sizeof(qid) - 1 &&
					    q[k] == ':' && strncmp(q,
					    "NOQUEUE:", 8) != 0) {
						memcpy(qid, q, k + 1);
						qid[k + 1] = '\0';
						strmap_put(&keys, qid,
						    (void *)2);
					}
				}
			}
			if (nl == data + len)
				break;
		}
	}
	if (v->queue_id != NULL) {
		(void)snprintf(qid, sizeof(qid), "%s:", v->queue_id);
		strmap_put(&keys, qid, (void *)2);
	}
	for (line = data; keys.n > 0 && line < data + len; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(data + len - line))) ==
		    NULL)
			nl = data + len;
		n = (size_t)(nl - line);
		*nl = '\0';
		k = 0;
		if (tag_of(line, n, tag, sizeof(tag)) == 0 &&
		    strmap_get(&keys, tag) != NULL)
			k = 1;
		if (!k && (q = strstr(line, "]: ")) != NULL) {
			q += 3;
			n = strcspn(q, " ");
			if (n > 1 && n < sizeof(qid)) {
				memcpy(qid, q, n);
				qid[n] = '\0';
				k = strmap_get(&keys, qid) != NULL;
			}
		}
		if (k && v->nlog < VF_LOG_LINES) {
			v->log = xreallocarray(v->log, v->nlog + 1,
			    sizeof(*v->log));
			v->log[v->nlog++] = vquote(line, strlen(line), 300);
		}
		if (nl == data + len)
			break;
	}
	strmap_free(&keys);
	free(data);
}

static const char *
status_name(enum vf_status s)
{
	switch (s) {
	case VF_PASS:
		return "pass";
	case VF_FAIL:
		return "fail";
	case VF_WARN:
		return "warn";
	default:
		return "skip";
	}
}

/* is_addr - is s an IPv4 or IPv6 address literal? */
static int
is_addr(const char *s)
{
	unsigned char	 a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* expand - a main.cf or service value, expanded; allocated or NULL */
static char *
expand(struct conf *c, const struct mc_service *s, const char *name)
{
	struct exp_result	 res;
	char			*text, *r = NULL;

	if (c == NULL)
		return NULL;
	text = xprintf("$%s", name);
	if (s != NULL)
		conf_expand_service(c, s, text, &res);
	else
		conf_expand_main(c, text, &res);
	if (res.error == NULL && res.undef == NULL && !res.depth)
		r = fold_ws(res.text);
	exp_result_free(&res);
	free(text);
	return r;
}

/* first_interface - where inet_interfaces says Postfix listens */
static char *
first_interface(struct conf *c)
{
	char	*ii, *proto, *r;
	size_t	 n;
	char	*p;

	if ((ii = expand(c, NULL, "inet_interfaces")) == NULL)
		return xstrdup("127.0.0.1");
	p = ii + strspn(ii, ", \t");
	n = strcspn(p, ", \t");
	if (n == 0 || (n == 3 && strncasecmp(p, "all", 3) == 0) || (n == 13 &&
	    strncasecmp(p, "loopback-only", 13) == 0)) {
		proto = expand(c, NULL, "inet_protocols");
		r = xstrdup(proto != NULL && strcasecmp(proto, "ipv6") == 0 ?
		    "::1" : "127.0.0.1");
		free(proto);
	} else if (p[0] == '[' && n > 2 && p[n - 1] == ']')
		r = xstrndup(p + 1, n - 2);
	else
		r = xstrndup(p, n);
	free(ii);
	return r;
}

/* outside - an address at a domain mydestination does not list */
static char *
outside(const char *mydest)
{
	static const char *const dom[] = { "example.net", "example.org",
	    "example.com" };
	size_t	 i;

	for (i = 0; i < sizeof(dom) / sizeof(dom[0]); i++)
		if (mydest == NULL || !has_word(mydest, dom[i]))
			break;
	return xprintf("pfsubmit-verify@%s", dom[i < 3 ? i : 0]);
}

static void
target_free(struct vf_target *t)
{
	free(t->service);
	free(t->host);
	free(t->myhostname);
	free(t->myorigin);
	free(t->mydest);
	free(t->maillog);
}

/* target_of - fill t for the live service s, or for a bare spec */
static void
target_of(struct conf *c, const struct mc_service *s, const char *name,
    const struct vf_opts *o, struct vf_target *t)
{
	char	*host, *portname, *wrap;

	memset(t, 0, sizeof(*t));
	t->service = xstrdup(name);
	t->port = mc_port_of(s != NULL ? s->field[MCF_SERVICE] : name, &host,
	    &portname);
	if (o->port != 0)
		t->port = o->port;
	t->implicit = t->port == 465 || strcmp(portname, "submissions") == 0 ||
	    strcmp(portname, "smtps") == 0;
	if ((wrap = expand(c, s, "smtpd_tls_wrappermode")) != NULL) {
		if (strcasecmp(wrap, "yes") == 0)
			t->implicit = 1;
		free(wrap);
	}
	if (o->host != NULL) {
		t->host = xstrdup(o->host);
		t->host_given = 1;
	} else if (*host != '\0')
		t->host = xstrdup(host);
	else
		t->host = first_interface(c);
	free(host);
	free(portname);
	t->myhostname = expand(c, s, "myhostname");
	t->myorigin = expand(c, s, "myorigin");
	t->mydest = expand(c, s, "mydestination");
	t->maillog = expand(c, NULL, "maillog_file");
}

/* live_master - is there a master.cf to look services up in? */
static int
live_master(struct conf *c)
{
	return c != NULL && c->master.cf.exists;
}

/*
 * find_service - the live inet service a name means: exactly that
 * name, else (a name without a host) one on the same port with a host,
 * as enable --listen writes it.  NULL when none.
 */
static const struct mc_service *
find_service(struct conf *c, const char *name)
{
	const struct mc_service *s, *found = NULL;
	char	*h1, *p1, *h2, *p2;
	size_t	 i;
	int	 port;

	if (!live_master(c))
		return NULL;
	for (i = 0; i < c->master.nsvc; i++) {
		s = &c->master.svc[i];
		if (s->enabled && strcmp(s->field[MCF_TYPE], "inet") == 0 &&
		    strcmp(s->field[MCF_SERVICE], name) == 0)
			found = s;
	}
	if (found != NULL)
		return found;
	port = mc_port_of(name, &h1, &p1);
	for (i = 0; *h1 == '\0' && port > 0 && i < c->master.nsvc; i++) {
		s = &c->master.svc[i];
		if (!s->enabled || strcmp(s->field[MCF_TYPE], "inet") != 0)
			continue;
		if (mc_port_of(s->field[MCF_SERVICE], &h2, &p2) == port &&
		    *h2 != '\0')
			found = s;
		free(h2);
		free(p2);
		if (found != NULL)
			break;
	}
	free(h1);
	free(p1);
	return found;
}

/* is_sasl_smtpd - a live inet smtpd with smtpd_sasl_auth_enable=yes */
static int
is_sasl_smtpd(struct conf *c, const struct mc_service *s)
{
	char	*v;
	int	 yes;

	if (!s->enabled || strcmp(s->field[MCF_TYPE], "inet") != 0 ||
	    strcmp(s->field[MCF_COMMAND], "smtpd") != 0)
		return 0;
	if (mc_is_submission(s))
		return 1;
	v = expand(c, s, "smtpd_sasl_auth_enable");
	yes = v != NULL && strcasecmp(v, "yes") == 0;
	free(v);
	return yes;
}

/*
 * session - verify one target; items and log into v (the caller frees
 * them with session_free)
 */
static void
session(struct vf *v, struct vf_target *t, const struct vf_opts *o,
    SSL_CTX *ctx)
{
	memset(v, 0, sizeof(*v));
	v->o = o;
	v->t = t;
	v->fd = -1;
	v->ctx = ctx;
	v->timeout = o->timeout > 0 ? o->timeout : VF_TIMEOUT;
	v->session_end = now_ms() + (long long)v->timeout * VF_SESSION * 1000;
	buf_init(&v->text);
	buf_init(&v->raw);
	buf_adds(&v->text, "");
	buf_adds(&v->raw, "");
	/*
	 * The name the certificate must carry: --tls-name; else the host
	 * when it is a name, or an address the user gave; else (an address
	 * from the configuration) myhostname, the name clients use.
	 */
	if (o->tls_name != NULL)
		v->tls_name = xstrdup(o->tls_name);
	else if (!is_addr(t->host) || t->host_given || t->myhostname == NULL)
		v->tls_name = xstrdup(t->host);
	else
		v->tls_name = xstrdup(t->myhostname);
	v->tls_ip = is_addr(v->tls_name);
	log_open(v);
	dialogue(v);
	if (v->ssl != NULL) {
		(void)SSL_shutdown(v->ssl);
		SSL_free(v->ssl);
		v->ssl = NULL;
	}
	if (v->fd != -1)
		close(v->fd);
	v->fd = -1;
}

static int
session_failed(const struct vf *v)
{
	size_t	 i;

	for (i = 0; i < v->nitems; i++)
		if (v->items[i].status == VF_FAIL)
			return 1;
	return 0;
}

static void
session_print(struct vf *v, struct json *j, FILE *fp)
{
	const struct vf_target *t = v->t;
	size_t	 i;
	int	 bad = session_failed(v);

	if (j != NULL) {
		json_begin_obj(j);
		json_kstr(j, "service", t->service);
		json_kstr(j, "host", t->host);
		json_kint(j, "port", t->port);
		json_kbool(j, "implicit_tls", t->implicit);
		json_kstr(j, "tls_name", v->tls_name);
		json_key(j, "items");
		json_begin_arr(j);
		for (i = 0; i < v->nitems; i++) {
			json_begin_obj(j);
			json_kstr(j, "name", v->items[i].name);
			json_kstr(j, "status", status_name(v->items[i].status));
			json_kstr(j, "detail", v->items[i].detail);
			json_end_obj(j);
		}
		json_end_arr(j);
		json_key(j, "queue_id");
		if (v->queue_id != NULL)
			json_str(j, v->queue_id);
		else
			json_null(j);
		json_key(j, "log_file");
		if (v->nlog > 0)
			json_str(j, v->log_file);
		else
			json_null(j);
		json_key(j, "log");
		json_begin_arr(j);
		for (i = 0; i < v->nlog; i++)
			json_str(j, v->log[i]);
		json_end_arr(j);
		json_kbool(j, "ok", !bad);
		json_end_obj(j);
		return;
	}
	for (i = 0; i < v->nitems; i++)
		fprintf(fp, "%-4s  %-18s %s\n", status_name(v->items[i].status),
		    v->items[i].name, v->items[i].detail);
	if (v->nlog > 0) {
		char *q = vquote(v->log_file, strlen(v->log_file), 200);

		fprintf(fp, "log   %s, this session:\n", q);
		free(q);
		for (i = 0; i < v->nlog; i++)
			fprintf(fp, "    %s\n", v->log[i]);
	}
	fprintf(fp, "%s: %s\n", t->service, bad ? "FAILED" : "ok");
}

static void
session_free(struct vf *v)
{
	size_t	 i;

	for (i = 0; i < v->nitems; i++)
		free(v->items[i].detail);
	for (i = 0; i < v->nlog; i++)
		free(v->log[i]);
	free(v->log);
	free(v->tls_name);
	free(v->cert_why);
	free(v->queue_id);
	free(v->log_file);
	buf_free(&v->text);
	buf_free(&v->raw);
}

/*
 * vf_tls_init - start OpenSSL without reading its configuration file:
 * OPENSSL_CONF could otherwise make a root process load any shared
 * object.  Called before anything else touches OpenSSL.
 */
int
vf_tls_init(void)
{
	return OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) == 1 ?
	    0 : -1;
}

/*
 * vf_verify - verify service ("all": every live submission service, and
 * any other smtpd with SASL) with c's configuration (c may be NULL, or
 * have no master.cf).  Prints one block per service on fp (json: one
 * document).  Returns 0 when every item holds, 1 when one failed, -1
 * when nothing could be tried (the reason is on standard error).
 */
int
vf_verify(struct conf *c, const char *service, const struct vf_opts *o,
    int json, FILE *fp)
{
	struct vf_opts		 oo = *o;
	struct vf_target	*t = NULL;
	const struct mc_service	*s;
	struct sigaction	 sa, osa;
	struct json		 j;
	struct vf		 v;
	SSL_CTX			*ctx;
	char			*to = NULL, *name;
	size_t			 nt = 0, i;
	int			 all = strcmp(service, "all") == 0, bad = 0;

	if (o->user != NULL && o->pass == NULL) {
		fprintf(stderr, "pfsubmit: verify: a user without a "
		    "password\n");
		return -1;
	}
	if (vf_tls_init() == -1 ||
	    (ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		fprintf(stderr, "pfsubmit: verify: cannot set up TLS\n");
		return -1;
	}
	if (o->cafile != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, o->cafile, NULL) != 1) {
			name = vquote(o->cafile, strlen(o->cafile), 200);
			fprintf(stderr, "pfsubmit: --cafile %s: no certificate "
			    "could be read from it; give a PEM file\n", name);
			free(name);
			SSL_CTX_free(ctx);
			return -1;
		}
	} else
		(void)SSL_CTX_set_default_verify_paths(ctx);
	/* Look, do not refuse: the result is an item, and gates AUTH. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);

	if (all) {
		for (i = 0; live_master(c) && i < c->master.nsvc; i++) {
			s = &c->master.svc[i];
			if (!is_sasl_smtpd(c, s))
				continue;
			t = xreallocarray(t, nt + 1, sizeof(*t));
			target_of(c, s, s->field[MCF_SERVICE], o, &t[nt++]);
		}
		if (nt == 0) {
			fprintf(stderr, "pfsubmit: verify all: no live "
			    "submission service in %s; enable one first\n",
			    live_master(c) ? c->master.cf.path : "master.cf");
			SSL_CTX_free(ctx);
			return -1;
		}
	} else {
		t = xcalloc(1, sizeof(*t));
		nt = 1;
		name = xstrdup(service);
		if (strchr(name, '/') != NULL) {
			if (strcmp(strchr(name, '/'), "/inet") != 0) {
				fprintf(stderr, "pfsubmit: verify: %s is not "
				    "an inet service\n", service);
				free(name);
				free(t);
				SSL_CTX_free(ctx);
				return -1;
			}
			*strchr(name, '/') = '\0';
		}
		s = find_service(c, name);
		if (s == NULL && live_master(c) && o->host == NULL) {
			char *q = vquote(name, strlen(name), 100);

			say("note: %s has no live inet service %s; trying "
			    "where Postfix listens", c->master.cf.path, q);
			free(q);
		}
		target_of(c, s, name, o, t);
		free(name);
		if (t->port <= 0) {
			fprintf(stderr, "pfsubmit: no port for service %s; give "
			    "--port\n", service);
			target_free(t);
			free(t);
			SSL_CTX_free(ctx);
			return -1;
		}
	}

	/* A server that hangs up is a finding, not a reason to die. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, &osa);
	if (json) {
		json_init(&j, fp);
		if (all) {
			json_begin_obj(&j);
			json_key(&j, "services");
			json_begin_arr(&j);
		}
	}
	for (i = 0; i < nt; i++) {
		if (o->to == NULL) {
			free(to);
			to = outside(t[i].mydest);
			oo.to = to;
		}
		session(&v, &t[i], &oo, ctx);
		if (session_failed(&v)) {
			bad = 1;
			log_session(&v);
		}
		if (!json && i > 0)
			fputc('\n', fp);
		session_print(&v, json ? &j : NULL, fp);
		session_free(&v);
		target_free(&t[i]);
	}
	if (json) {
		if (all) {
			json_end_arr(&j);
			json_kbool(&j, "ok", !bad);
			json_end_obj(&j);
		}
		json_finish(&j);
	}
	(void)sigaction(SIGPIPE, &osa, NULL);
	free(to);
	free(t);
	SSL_CTX_free(ctx);
	return bad;
}

static struct vf_opts	 vf_o;
static const char	*vf_passfile;

/* check_addr - an address for MAIL FROM or RCPT TO: one word */
static int
check_addr(const char *a, const char *what)
{
	const char	*p;

	if (arg_check_text(a, what) == -1)
		return -1;
	for (p = a; *p != '\0'; p++)
		if (*p == '<' || *p == '>' || *p == ' ' || *p == '\t')
			break;
	if (*a == '\0' || *p != '\0' || strchr(a, '@') == NULL ||
	    strlen(a) > 254) {
		fprintf(stderr, "pfsubmit: %s %s: not a mail address; give "
		    "one like user@example.com\n", what, a);
		return -1;
	}
	return 0;
}

#define OPT_TLS_NAME	300
#define OPT_CAFILE	301
#define OPT_INSECURE	302
#define OPT_MECH	303
#define OPT_FROM	304
#define OPT_TO		305
#define OPT_SEND_TO	306
#define OPT_TIMEOUT	307

static void
verify_opt(int ch, const char *arg)
{
	const char	*err;

	switch (ch) {
	case 'H':
		vf_o.host = arg;
		break;
	case 'P':
		vf_o.port = (int)strtonum(arg, 1, 65535, &err);
		if (err != NULL) {
			fprintf(stderr, "pfsubmit: --port %s: %s\n", arg, err);
			exit(EX_PF_FAIL);
		}
		break;
	case 'U':
		vf_o.user = arg;
		break;
	case 'F':
		vf_passfile = arg;
		break;
	case OPT_TLS_NAME:
		vf_o.tls_name = arg;
		break;
	case OPT_CAFILE:
		vf_o.cafile = arg;
		break;
	case OPT_INSECURE:
		vf_o.insecure = 1;
		break;
	case OPT_MECH:
		if (strcasecmp(arg, "plain") != 0 &&
		    strcasecmp(arg, "login") != 0) {
			fprintf(stderr, "pfsubmit: --mech %s: give plain or "
			    "login\n", arg);
			exit(EX_PF_FAIL);
		}
		vf_o.mech = arg;
		break;
	case OPT_FROM:
		vf_o.from = arg;
		break;
	case OPT_TO:
		vf_o.to = arg;
		break;
	case OPT_SEND_TO:
		vf_o.send_to = arg;
		break;
	case OPT_TIMEOUT:
		vf_o.timeout = (int)strtonum(arg, 1, 300, &err);
		if (err != NULL) {
			fprintf(stderr, "pfsubmit: --timeout %s: %s (1 to 300 "
			    "seconds)\n", arg, err);
			exit(EX_PF_FAIL);
		}
		break;
	}
}

/*
 * cmd_verify - the verify command: its options, the password, the
 * configuration when there is one, then vf_verify()
 */
int
cmd_verify(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'P' },
		{ "user", required_argument, NULL, 'U' },
		{ "password-file", required_argument, NULL, 'F' },
		{ "tls-name", required_argument, NULL, OPT_TLS_NAME },
		{ "cafile", required_argument, NULL, OPT_CAFILE },
		{ "insecure", no_argument, NULL, OPT_INSECURE },
		{ "mech", required_argument, NULL, OPT_MECH },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "send-to", required_argument, NULL, OPT_SEND_TO },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd *c = cmd_find("verify");
	struct conf	 cf, *cp = NULL;
	struct diag	 d;
	const char	*svc = "submission";
	char		 pass[VF_PASSMAX];
	int		 n, r;

	/* First: nothing may read OpenSSL's configuration before this. */
	if (vf_tls_init() == -1) {
		fprintf(stderr, "pfsubmit: verify: cannot set up TLS\n");
		return EX_PF_FAIL;
	}
	memset(&vf_o, 0, sizeof(vf_o));
	vf_passfile = NULL;
	n = cmd_getopt(argc, argv, c, NULL, lo, verify_opt);
	if (argc - n > 1)
		cmd_usage(c);
	if (argc - n == 1)
		svc = argv[n];
	if ((strcmp(svc, "all") != 0 && arg_check_service(svc) == -1) ||
	    (vf_o.host != NULL && arg_check_text(vf_o.host, "--host") == -1) ||
	    (vf_o.user != NULL && arg_check_text(vf_o.user, "--user") == -1) ||
	    (vf_o.tls_name != NULL && arg_check_text(vf_o.tls_name,
	    "--tls-name") == -1) ||
	    (vf_o.from != NULL && check_addr(vf_o.from, "--from") == -1) ||
	    (vf_o.to != NULL && check_addr(vf_o.to, "--to") == -1) ||
	    (vf_o.send_to != NULL && check_addr(vf_o.send_to,
	    "--send-to") == -1))
		return EX_PF_FAIL;
	if ((vf_o.user == NULL) != (vf_passfile == NULL)) {
		fprintf(stderr, "pfsubmit: give --user and --password-file "
		    "together\n");
		return EX_PF_FAIL;
	}
	if (vf_o.send_to != NULL && vf_o.user == NULL) {
		fprintf(stderr, "pfsubmit: --send-to sends as a logged-in "
		    "client; give --user and --password-file too\n");
		return EX_PF_FAIL;
	}
	if (strcmp(svc, "all") == 0 && vf_o.port != 0) {
		fprintf(stderr, "pfsubmit: verify all takes each service's "
		    "own port; leave out --port\n");
		return EX_PF_FAIL;
	}
	pass[0] = '\0';
	if (vf_passfile != NULL && arg_read_secret(vf_passfile, pass,
	    sizeof(pass)) == -1)
		return EX_PF_FAIL;
	vf_o.pass = pass;

	/* The configuration says where the service is; without it, guess. */
	diag_init(&d);
	if (conf_open_dir(&cf, opt.config_dir, 0, &d) == 0) {
		cp = &cf;
		if (conf_load(&cf, &d) == -1 && cf.master.cf.exists)
			diag_print(&d, stderr, DIAG_SHOWN(DIAG_WARN));
	} else if (opt.config_dir != NULL) {
		/* Asked for, and not there: say so, and go on without. */
		char *q = vquote(opt.config_dir, strlen(opt.config_dir), 200);

		say("note: %s: %s; verifying without the configuration", q,
		    d.n > 0 ? d.m[0].text : "cannot be read");
		free(q);
	}
	diag_free(&d);
	r = vf_verify(cp, svc, &vf_o, opt.json, stdout);
	explicit_bzero(pass, sizeof(pass));
	conf_free(&cf);
	return r == 0 ? EX_PF_OK : EX_PF_FAIL;
}
