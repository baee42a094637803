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
 * strict: every reply is read with a deadline, its lines must be "NNN-"
 * or "NNN " with one code, and their number and length are bounded.  TLS
 * is OpenSSL's, the library Postfix itself uses.  No message is ever
 * sent: the relay test stops at RCPT and resets.
 *
 * The password comes from a file (or standard input), never from argv;
 * it is kept in one buffer that is wiped after use, and never printed.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

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

#define VF_TIMEOUT	10	/* seconds for connect and each reply */
#define VF_MAXLINE	1000	/* RFC 5321 text line */
#define VF_MAXLINES	100	/* lines in one reply */
#define VF_PASSMAX	1024
#define VF_WARN_DAYS	14

enum vf_status { VF_PASS, VF_FAIL, VF_WARN, VF_SKIP };

struct vf_item {
	const char	*name;
	enum vf_status	 status;
	char		*detail;	/* owned */
};

struct vf {
	int		 fd;
	SSL_CTX		*ctx;
	SSL		*ssl;
	char		 in[8192];	/* bytes read, not yet consumed */
	size_t		 inlen;
	struct vf_item	 items[24];
	size_t		 nitems;
	char		*host;
	const char	*sni;
	/* The last reply. */
	int		 code;
	struct buf	 text;		/* its lines, code stripped */
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

	if (v->nitems == sizeof(v->items) / sizeof(v->items[0]))
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	text = xmalloc(n < 0 ? 1 : (size_t)n + 1);
	va_start(ap, fmt);
	(void)vsnprintf(text, n < 0 ? 1 : (size_t)n + 1, fmt, ap);
	va_end(ap);
	/* Details quote what the server said: no escapes reach a tty. */
	q = vquote(text, strlen(text), 300);
	free(text);
	v->items[v->nitems].name = name;
	v->items[v->nitems].status = st;
	v->items[v->nitems].detail = q;
	v->nitems++;
}

/* connect_to - a TCP connection with a deadline; -1 with errno */
static int
connect_to(const char *host, int port)
{
	struct addrinfo	 hints, *res, *ai;
	struct pollfd	 pfd;
	char		 sport[16];
	int		 fd = -1, err, flags;
	socklen_t	 len;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	(void)snprintf(sport, sizeof(sport), "%d", port);
	if (getaddrinfo(host, sport, &hints, &res) != 0) {
		errno = EHOSTUNREACH;
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) == -1)
			continue;
		flags = fcntl(fd, F_GETFL);
		(void)fcntl(fd, F_SETFL, flags | O_NONBLOCK);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			goto ok;
		if (errno == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, VF_TIMEOUT * 1000) == 1) {
				len = sizeof(err);
				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
				    &len) == 0 && err == 0)
					goto ok;
				errno = err;
			} else
				errno = ETIMEDOUT;
		}
		err = errno;
		close(fd);
		errno = err;
		fd = -1;
		continue;
ok:
		(void)fcntl(fd, F_SETFL, flags);
		break;
	}
	freeaddrinfo(res);
	if (fd != -1) {
		struct timeval tv = { VF_TIMEOUT, 0 };

		/* Every read and write below is bounded by these. */
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	return fd;
}

static ssize_t
vf_read(struct vf *v, char *p, size_t n)
{
	int	 r;

	if (v->ssl != NULL) {
		r = SSL_read(v->ssl, p, (int)n);
		return r > 0 ? r : -1;
	}
	return read(v->fd, p, n);
}

static int
vf_write(struct vf *v, const char *p, size_t n)
{
	ssize_t	 r;

	while (n > 0) {
		if (v->ssl != NULL) {
			if ((r = SSL_write(v->ssl, p, (int)n)) <= 0)
				return -1;
		} else if ((r = write(v->fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t)r;
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
			if (n >= size)
				return -1;
			memcpy(line, v->in, n);
			if (n > 0 && line[n - 1] == '\r')
				n--;
			line[n] = '\0';
			memmove(v->in, nl + 1, v->inlen - (size_t)(nl + 1 -
			    v->in));
			v->inlen -= (size_t)(nl + 1 - v->in);
			return 0;
		}
		if (v->inlen >= size || v->inlen == sizeof(v->in))
			return -1;	/* a line too long */
		r = vf_read(v, v->in + v->inlen, sizeof(v->in) - v->inlen);
		if (r <= 0)
			return -1;
		v->inlen += (size_t)r;
	}
}

/*
 * reply - read one reply; v->code and v->text.  Returns the code, or -1
 * when the server said nothing valid in time.
 */
static int
reply(struct vf *v)
{
	char	 line[VF_MAXLINE + 3];
	int	 n, code = -1, c;

	buf_reset(&v->text);
	buf_adds(&v->text, "");
	for (n = 0; n < VF_MAXLINES; n++) {
		if (read_line(v, line, sizeof(line)) == -1 ||
		    strlen(line) > VF_MAXLINE)
			return v->code = -1;
		if (strlen(line) < 3 || line[0] < '2' || line[0] > '5' ||
		    line[1] < '0' || line[1] > '9' || line[2] < '0' ||
		    line[2] > '9' || (line[3] != '\0' && line[3] != '-' &&
		    line[3] != ' '))
			return v->code = -1;
		c = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		    (line[2] - '0');
		if (code != -1 && c != code)
			return v->code = -1;
		code = c;
		buf_adds(&v->text, line[3] != '\0' ? line + 4 : "");
		buf_addc(&v->text, '\n');
		if (line[3] != '-')
			return v->code = code;
	}
	return v->code = -1;
}

static int
command(struct vf *v, const char *cmd)
{
	struct buf	 b;
	int		 r;

	buf_init(&b);
	buf_printf(&b, "%s\r\n", cmd);
	r = vf_write(v, b.p, b.len);
	explicit_bzero(b.p, b.len);
	buf_free(&b);
	if (r == -1)
		return v->code = -1;
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

static int
start_tls(struct vf *v)
{
	if ((v->ssl = SSL_new(v->ctx)) == NULL)
		return -1;
	if (v->sni != NULL)
		(void)SSL_set_tlsext_host_name(v->ssl, v->sni);
	(void)SSL_set_fd(v->ssl, v->fd);
	if (SSL_connect(v->ssl) != 1) {
		SSL_free(v->ssl);
		v->ssl = NULL;
		return -1;
	}
	/* Nothing read before the handshake may count after it. */
	v->inlen = 0;
	return 0;
}

/* check_cert - the server certificate's subject, trust and expiry */
static void
check_cert(struct vf *v)
{
	X509		*cert;
	const ASN1_TIME	*na;
	char		 subject[256];
	long		 vr;
	int		 days, secs;

	if ((cert = SSL_get1_peer_certificate(v->ssl)) == NULL) {
		item(v, "certificate", VF_FAIL, "the server sent none");
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
	if (vr == X509_V_OK && v->sni != NULL &&
	    X509_check_host(cert, v->sni, 0, 0, NULL) != 1)
		item(v, "certificate-trust", VF_WARN, "the certificate is "
		    "not for %s", v->sni);
	else if (vr == X509_V_OK)
		item(v, "certificate-trust", VF_PASS, "trusted by this "
		    "host's CA store");
	else
		item(v, "certificate-trust", VF_WARN, "not trusted by this "
		    "host's CA store: %s; clients may warn",
		    X509_verify_cert_error_string(vr));
	X509_free(cert);
}

/* auth_plain - AUTH PLAIN with user and password; 1 on success */
static int
auth_plain(struct vf *v, const char *user, const char *pass)
{
	unsigned char	*raw, *b64;
	size_t		 ul = strlen(user), pl = strlen(pass), n;
	char		*cmd;
	int		 code;

	n = ul + pl + 2;
	raw = xmalloc(n);
	raw[0] = '\0';
	memcpy(raw + 1, user, ul);
	raw[ul + 1] = '\0';
	memcpy(raw + ul + 2, pass, pl);
	b64 = xmalloc(4 * ((n + 2) / 3) + 1);
	(void)EVP_EncodeBlock(b64, raw, (int)n);
	cmd = xprintf("AUTH PLAIN %s", b64);
	code = command(v, cmd);
	explicit_bzero(cmd, strlen(cmd));
	explicit_bzero(raw, n);
	explicit_bzero(b64, strlen((char *)b64));
	free(cmd);
	free(raw);
	free(b64);
	return code == 235;
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

/*
 * run_verify - the dialogue.  With implicit TLS the handshake comes
 * first; otherwise EHLO must offer STARTTLS and must not offer AUTH.
 */
static void
run_verify(struct vf *v, int port, int implicit, const char *user,
    const char *pass)
{
	char	*mechs = NULL;
	int	 code;

	if ((v->fd = connect_to(v->host, port)) == -1) {
		item(v, "connect", VF_FAIL, "%s port %d: %s", v->host, port,
		    strerror(errno));
		return;
	}
	item(v, "connect", VF_PASS, "%s port %d", v->host, port);
	if (implicit) {
		if (start_tls(v) == -1) {
			item(v, "tls", VF_FAIL, "no TLS handshake on connect "
			    "(port %d should speak TLS first)", port);
			return;
		}
		item(v, "tls", VF_PASS, "TLS first: %s, %s",
		    SSL_get_version(v->ssl), SSL_get_cipher(v->ssl));
	}
	if ((code = reply(v)) != 220) {
		if (code == -1)
			item(v, "banner", VF_FAIL, "expected 220, got no valid "
			    "reply");
		else
			item(v, "banner", VF_FAIL, "expected 220, got %d %.*s",
			    code, (int)strcspn(v->text.p, "\n"), v->text.p);
		return;
	}
	item(v, "banner", VF_PASS, "%.*s", (int)strcspn(v->text.p, "\n"),
	    v->text.p);
	if (command(v, "EHLO pfsubmit.invalid") != 250) {
		item(v, "ehlo", VF_FAIL, "EHLO refused");
		return;
	}
	item(v, "ehlo", VF_PASS, "EHLO accepted");
	if (!implicit) {
		if (!ehlo_has(v, "STARTTLS", NULL)) {
			item(v, "starttls", VF_FAIL, "EHLO does not offer "
			    "STARTTLS");
			return;
		}
		item(v, "starttls", VF_PASS, "EHLO offers STARTTLS");
		if (ehlo_has(v, "AUTH", NULL))
			item(v, "no-auth-before-tls", VF_FAIL, "AUTH is "
			    "offered before TLS: passwords could be sent in "
			    "clear text");
		else
			item(v, "no-auth-before-tls", VF_PASS, "no AUTH "
			    "before TLS");
		if (command(v, "STARTTLS") != 220 || start_tls(v) == -1) {
			item(v, "tls", VF_FAIL, "STARTTLS failed");
			return;
		}
		item(v, "tls", VF_PASS, "%s, %s", SSL_get_version(v->ssl),
		    SSL_get_cipher(v->ssl));
		if (command(v, "EHLO pfsubmit.invalid") != 250) {
			item(v, "ehlo", VF_FAIL, "EHLO after TLS refused");
			return;
		}
	}
	check_cert(v);
	if (ehlo_has(v, "AUTH", &mechs))
		item(v, "auth-offered", VF_PASS, "AUTH%s", mechs);
	else
		item(v, "auth-offered", VF_FAIL, "AUTH is not offered after "
		    "TLS: clients cannot log in");
	/* Without logging in, relaying must be refused. */
	if (command(v, "MAIL FROM:<pfsubmit-verify@example.com>") != 250)
		item(v, "relay-refused", VF_SKIP, "MAIL FROM refused: %.*s",
		    (int)strcspn(v->text.p, "\n"), v->text.p);
	else {
		code = command(v, "RCPT TO:<pfsubmit-verify@example.net>");
		if (code >= 400)
			item(v, "relay-refused", VF_PASS, "without AUTH, RCPT "
			    "to an outside address: %d %.*s", code,
			    (int)strcspn(v->text.p, "\n"), v->text.p);
		else
			item(v, "relay-refused", VF_FAIL, "without AUTH, RCPT "
			    "to an outside address was accepted: an open "
			    "relay");
		(void)command(v, "RSET");
	}
	if (user == NULL)
		item(v, "auth", VF_SKIP, "no --user given");
	else if (mechs == NULL || strcasestr(mechs, "PLAIN") == NULL)
		item(v, "auth", VF_FAIL, "AUTH PLAIN is not offered");
	else if (auth_plain(v, user, pass))
		item(v, "auth", VF_PASS, "AUTH PLAIN as %s: %d", user, v->code);
	else
		item(v, "auth", VF_FAIL, "AUTH PLAIN as %s refused: %d %.*s",
		    user, v->code, (int)strcspn(v->text.p, "\n"), v->text.p);
	free(mechs);
	(void)command(v, "QUIT");
}

static const char *vf_host, *vf_user, *vf_passfile;
static int vf_port;

static void
verify_opt(int ch, const char *arg)
{
	const char	*err;

	switch (ch) {
	case 'H':
		vf_host = arg;
		break;
	case 'P':
		vf_port = (int)strtonum(arg, 1, 65535, &err);
		if (err != NULL) {
			fprintf(stderr, "pfsubmit: --port %s: %s\n", arg, err);
			exit(EX_PF_FAIL);
		}
		break;
	case 'U':
		vf_user = arg;
		break;
	case 'F':
		vf_passfile = arg;
		break;
	}
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'P' },
		{ "user", required_argument, NULL, 'U' },
		{ "password-file", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd *c = cmd_find("verify");
	struct json	 j;
	struct vf	 v;
	const char	*svc = "submission";
	char		*host = NULL, *portname = NULL, pass[VF_PASSMAX];
	unsigned char	 addr[16];
	size_t		 i;
	int		 n, port, implicit, bad = 0;

	vf_host = vf_user = vf_passfile = NULL;
	vf_port = 0;
	/* A server that hangs up is a finding, not a reason to die. */
	(void)signal(SIGPIPE, SIG_IGN);
	n = cmd_getopt(argc, argv, c, NULL, lo, verify_opt);
	if (argc - n > 1)
		cmd_usage(c);
	if (argc - n == 1)
		svc = argv[n];
	if (arg_check_service(svc) == -1 || (vf_host != NULL &&
	    arg_check_text(vf_host, "--host") == -1) ||
	    (vf_user != NULL && arg_check_text(vf_user, "--user") == -1))
		return EX_PF_FAIL;
	if ((vf_user == NULL) != (vf_passfile == NULL)) {
		fprintf(stderr, "pfsubmit: give --user and --password-file "
		    "together\n");
		return EX_PF_FAIL;
	}
	pass[0] = '\0';
	if (vf_passfile != NULL && arg_read_secret(vf_passfile, pass,
	    sizeof(pass)) == -1)
		return EX_PF_FAIL;
	port = mc_port_of(svc, &host, &portname);
	if (vf_port != 0)
		port = vf_port;
	if (port <= 0) {
		fprintf(stderr, "pfsubmit: no port for service %s; give "
		    "--port\n", svc);
		free(host);
		free(portname);
		return EX_PF_FAIL;
	}
	implicit = port == 465 || strcmp(portname, "submissions") == 0 ||
	    strcmp(portname, "smtps") == 0;
	memset(&v, 0, sizeof(v));
	v.fd = -1;
	buf_init(&v.text);
	v.host = xstrdup(vf_host != NULL ? vf_host : *host != '\0' ? host :
	    "127.0.0.1");
	free(host);
	free(portname);
	/* A name, not an address, goes into SNI and the name check. */
	if (inet_pton(AF_INET, v.host, addr) != 1 &&
	    inet_pton(AF_INET6, v.host, addr) != 1)
		v.sni = v.host;
	if ((v.ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		fprintf(stderr, "pfsubmit: cannot set up TLS\n");
		return EX_PF_FAIL;
	}
	(void)SSL_CTX_set_default_verify_paths(v.ctx);
	/* Look, do not refuse: the result is reported as an item. */
	SSL_CTX_set_verify(v.ctx, SSL_VERIFY_NONE, NULL);

	run_verify(&v, port, implicit, vf_user, pass);
	explicit_bzero(pass, sizeof(pass));

	for (i = 0; i < v.nitems; i++)
		if (v.items[i].status == VF_FAIL)
			bad = 1;
	if (opt.json) {
		json_init(&j, stdout);
		json_begin_obj(&j);
		json_kstr(&j, "service", svc);
		json_kstr(&j, "host", v.host);
		json_kint(&j, "port", port);
		json_kbool(&j, "implicit_tls", implicit);
		json_key(&j, "items");
		json_begin_arr(&j);
		for (i = 0; i < v.nitems; i++) {
			json_begin_obj(&j);
			json_kstr(&j, "name", v.items[i].name);
			json_kstr(&j, "status", status_name(v.items[i].status));
			json_kstr(&j, "detail", v.items[i].detail);
			json_end_obj(&j);
		}
		json_end_arr(&j);
		json_kbool(&j, "ok", !bad);
		json_end_obj(&j);
		json_finish(&j);
	} else {
		for (i = 0; i < v.nitems; i++)
			printf("%-4s  %-18s %s\n",
			    status_name(v.items[i].status), v.items[i].name,
			    v.items[i].detail);
		printf("%s: %s\n", svc, bad ? "FAILED" : "ok");
	}
	for (i = 0; i < v.nitems; i++)
		free(v.items[i].detail);
	if (v.ssl != NULL) {
		(void)SSL_shutdown(v.ssl);
		SSL_free(v.ssl);
	}
	SSL_CTX_free(v.ctx);
	if (v.fd != -1)
		close(v.fd);
	buf_free(&v.text);
	free(v.host);
	return bad ? EX_PF_FAIL : EX_PF_OK;
}
