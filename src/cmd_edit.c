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
 * The commands that edit: enable, disable, set-restriction, set, unset,
 * param set, param unset.  Each checks every argument first, then runs
 * its edit inside a transaction (txn.c), parses the result again and
 * makes sure it says what was asked before anything is written.
 */

#include <arpa/inet.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pfsubmit.h"

struct pset {
	const char	*name;
	const char	*value;
};

/* RFC 6409 submission on 587: STARTTLS required, AUTH only after it. */
static const struct pset modern_submission[] = {
	{ "syslog_name", "postfix/submission" },
	{ "smtpd_tls_security_level", "encrypt" },
	{ "smtpd_sasl_auth_enable", "yes" },
	{ "smtpd_tls_auth_only", "yes" },
	{ "smtpd_reject_unlisted_recipient", "no" },
	{ "smtpd_client_restrictions", "permit_sasl_authenticated,reject" },
	{ "smtpd_relay_restrictions", "permit_sasl_authenticated,reject" },
	{ "milter_macro_daemon_name", "ORIGINATING" },
	{ NULL, NULL }
};

/* RFC 8314 submissions on 465: TLS from the first byte. */
static const struct pset modern_submissions[] = {
	{ "syslog_name", "postfix/submissions" },
	{ "smtpd_tls_wrappermode", "yes" },
	{ "smtpd_sasl_auth_enable", "yes" },
	{ "smtpd_reject_unlisted_recipient", "no" },
	{ "smtpd_client_restrictions", "permit_sasl_authenticated,reject" },
	{ "smtpd_relay_restrictions", "permit_sasl_authenticated,reject" },
	{ "milter_macro_daemon_name", "ORIGINATING" },
	{ NULL, NULL }
};

/* The Mac OS X Server 10.4-era set, for Postfix 2.x hosts. */
static const struct pset classic_submission[] = {
	{ "smtpd_etrn_restrictions", "reject" },
	{ "smtpd_client_restrictions", "permit_sasl_authenticated,reject" },
	{ "smtpd_helo_restrictions", "permit" },
	{ "smtpd_sender_restrictions", "reject_non_fqdn_sender,permit" },
	{ "smtpd_recipient_restrictions",
	    "reject_non_fqdn_recipient,permit_sasl_authenticated,reject" },
	{ "smtpd_sasl_auth_enable", "yes" },
	{ NULL, NULL }
};

static const struct pset classic_submissions[] = {
	{ "smtpd_tls_wrappermode", "yes" },
	{ "smtpd_etrn_restrictions", "reject" },
	{ "smtpd_client_restrictions", "permit_sasl_authenticated,reject" },
	{ "smtpd_helo_restrictions", "permit" },
	{ "smtpd_sender_restrictions", "reject_non_fqdn_sender,permit" },
	{ "smtpd_recipient_restrictions",
	    "reject_non_fqdn_recipient,permit_sasl_authenticated,reject" },
	{ "smtpd_sasl_auth_enable", "yes" },
	{ NULL, NULL }
};

static const char *const restriction_classes[] = {
	"client", "helo", "sender", "relay", "recipient", "data",
	"end_of_data", "etrn", NULL
};

/*
 * edit_q - s quoted for a terminal (vquote): a value from a file may
 * hold escape sequences.  The result lives until eight more calls, long
 * enough for the arguments of one message.
 */
const char *
edit_q(const char *s)
{
	static char	*ring[8];
	static size_t	 next;
	char		*q;

	q = vquote(s, strlen(s), 200);
	free(ring[next]);
	ring[next] = q;
	next = (next + 1) % 8;
	return q;
}

/*
 * edit_reparse - parse both files again after an edit.  -1: the edit
 * made a file the reader refuses (a bug); -2: it would cross a limit
 * the reader enforces, such as an entry over 1 MiB (the reader said
 * which).  Either way nothing is written.
 */
int
edit_reparse(struct txn *t)
{
	struct diag	 d;
	int		 r;

	diag_init(&d);
	r = conf_reparse(&t->c, &d);
	if (r == -2) {
		diag_place(&d, t->c.dir);
		diag_print(&d, stderr, DIAG_ERR);
		fprintf(stderr, "pfsubmit: the edit would make a file that "
		    "pfsubmit could not read again; nothing written\n");
	} else if (r < 0) {
		diag_place(&d, t->c.dir);
		diag_print(&d, stderr, DIAG_ERR);
		fprintf(stderr, "pfsubmit: the edit produced a file that "
		    "Postfix would refuse; nothing written (this is a bug)\n");
	}
	diag_free(&d);
	return r < 0 ? -1 : 0;
}

/* find_live - the live service name/type (the last, as master uses) */
static long
find_live(const struct mc_file *m, const char *name, const char *type)
{
	size_t	 i;
	long	 found = -1;

	for (i = 0; i < m->nsvc; i++)
		if (m->svc[i].enabled &&
		    strcmp(m->svc[i].field[MCF_SERVICE], name) == 0 &&
		    strcmp(m->svc[i].field[MCF_TYPE], type) == 0)
			found = (long)i;
	return found;
}

/* find_at - the service whose text begins on physical line `line' */
static long
find_at(const struct mc_file *m, size_t line)
{
	size_t	 i;

	for (i = 0; i < m->nsvc; i++)
		if (m->svc[i].first == line)
			return (long)i;
	return -1;
}

/* split_spec - "name[/type]" into allocated name and type (inet) */
static void
split_spec(const char *spec, char **name, char **type)
{
	const char	*slash;

	if ((slash = strchr(spec, '/')) != NULL) {
		*name = xstrndup(spec, (size_t)(slash - spec));
		*type = xstrdup(slash + 1);
	} else {
		*name = xstrdup(spec);
		*type = xstrdup("inet");
	}
}

/* host_of - the host part of an inet service name, without brackets */
static char *
host_of(const char *service)
{
	char	*host, *port;

	(void)mc_port_of(service, &host, &port);
	free(port);
	return host;
}

static const char *
basename_of(const char *path)
{
	const char	*s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* trim - a copy without white space at either end */
static char *
trim(const char *s)
{
	const char	*e;

	while (cf_isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && cf_isspace((unsigned char)e[-1]))
		e--;
	return xstrndup(s, (size_t)(e - s));
}

/*
 * warn_setup - say what main.cf lacks for the service to be of use.
 */
static void
warn_setup(struct txn *t, const struct mc_service *s)
{
	struct exp_result	 res;
	const struct mc_override *o;
	const struct mp_param	*p;
	const char *const names[] = { "smtpd_tls_security_level",
	    "smtpd_tls_wrappermode", "smtpd_enforce_tls",
	    "smtpd_tls_cert_file", "smtpd_tls_chain_files" };
	char			*v[5];
	const char		*raw;
	size_t			 k;
	int			 tls;

	/* Each as the service sees it: its override, main.cf, default. */
	for (k = 0; k < 5; k++) {
		if ((o = mc_find_override(s, names[k])) != NULL)
			raw = o->value;
		else if ((p = mp_get(&t->c.main, names[k])) != NULL)
			raw = p->value;
		else if ((raw = conf_default(&t->c, names[k])) == NULL)
			raw = "";
		conf_expand_service(&t->c, s, raw, &res);
		v[k] = xstrdup(res.error != NULL ? raw : res.text);
		exp_result_free(&res);
	}
	/* smtpd_enforce_tls counts only while the level is empty. */
	tls = strcasecmp(v[0], "encrypt") == 0 ||
	    strcasecmp(v[1], "yes") == 0 ||
	    (*v[0] == '\0' && strcasecmp(v[2], "yes") == 0);
	if (!tls)
		txn_note(t, "warning: %s does not require TLS: passwords may "
		    "cross the network in clear text unless a certificate "
		    "and smtpd_tls_security_level = encrypt are set",
		    edit_q(s->field[MCF_SERVICE]));
	else if (*v[3] == '\0' && *v[4] == '\0')
		txn_note(t, "warning: main.cf sets no server certificate "
		    "(smtpd_tls_cert_file and smtpd_tls_key_file, or "
		    "smtpd_tls_chain_files): clients cannot start TLS, so "
		    "they cannot log in");
	for (k = 0; k < 5; k++)
		free(v[k]);
}

/* The comment line disable leaves before an entry, for enable. */
#define DISABLED_MARK	"#pfsubmit: disabled "

/*
 * mark_of - the time in the mark that disable left before commented-out
 * service s ("2026-12-03T14:00:00Z"), or NULL when there is none.
 */
static const char *
mark_of(const struct mc_file *m, const struct mc_service *s, size_t *lenp)
{
	const struct cf_line *l;
	size_t		 n = sizeof(DISABLED_MARK) - 1, len;

	if (s->enabled || s->first == 0)
		return NULL;
	l = &m->cf.lines[s->first - 1];
	len = cf_content_len(l);
	if (l->kind != CFL_COMMENT || len < n ||
	    memcmp(l->p, DISABLED_MARK, n) != 0)
		return NULL;
	*lenp = strcspn(l->p + n, " ;\r\n");
	if (*lenp > len - n)
		*lenp = len - n;
	return l->p + n;
}

/*
 * find_smtpd25 - the live smtpd on port 25 (smtp, 25, host:25; the last
 * of them, as master uses), or -1
 */
static long
find_smtpd25(const struct mc_file *m)
{
	const struct mc_service *s;
	char	*host, *port;
	size_t	 i;
	long	 found = -1;
	int	 n;

	for (i = 0; i < m->nsvc; i++) {
		s = &m->svc[i];
		/* smtpd, or postscreen in front of it (Proxmox) */
		if (!s->enabled || strcmp(s->field[MCF_TYPE], "inet") != 0 ||
		    (strcmp(basename_of(s->field[MCF_COMMAND]), "smtpd") != 0 &&
		    strcmp(basename_of(s->field[MCF_COMMAND]), "postscreen") !=
		    0))
			continue;
		n = mc_port_of(s->field[MCF_SERVICE], &host, &port);
		free(host);
		free(port);
		if (n == 25)
			found = (long)i;
	}
	return found;
}

/*
 * pick_template - of the commented-out smtpd entries for port and host
 * want, the one enable revives: the one at line `line' when given; else
 * the one disable marked last (the entry that was live most recently),
 * else the first.  With more than one, a note says which and why.
 * Returns its index, -1 when there is none, -2 after saying why not.
 */
static long
pick_template(struct txn *t, int port, const char *want, size_t line)
{
	const struct mc_file *m = &t->c.master;
	const struct mc_service *s;
	struct buf	 lines;
	const char	*mk, *bestmk = NULL, *why;
	char		*host;
	size_t		 i, n = 0, mklen, bestlen = 0;
	long		 pick = -1, first = -1, marked = -1;

	buf_init(&lines);
	buf_adds(&lines, "");
	for (i = 0; i < m->nsvc; i++) {
		s = &m->svc[i];
		if (s->enabled || mc_is_submission(s) != port ||
		    strcmp(basename_of(s->field[MCF_COMMAND]), "smtpd") != 0)
			continue;
		host = host_of(s->field[MCF_SERVICE]);
		if (strcmp(host, want) != 0) {
			free(host);
			continue;
		}
		free(host);
		buf_printf(&lines, "%s%zu", n > 0 ? ", " : "", s->first + 1);
		n++;
		if (first == -1)
			first = (long)i;
		if (line != 0 && s->first + 1 == line)
			pick = (long)i;
		/* Times sort as text; of equal ones the later entry. */
		if ((mk = mark_of(m, s, &mklen)) != NULL && (bestmk == NULL ||
		    mklen > bestlen || (mklen == bestlen &&
		    memcmp(mk, bestmk, mklen) >= 0))) {
			bestmk = mk;
			bestlen = mklen;
			marked = (long)i;
		}
	}
	if (line != 0) {
		if (pick == -1) {
			fprintf(stderr, "pfsubmit: %s:%zu: no commented-out "
			    "entry for port %d starts there; %s%s\n",
			    m->cf.path, line, port, n > 0 ? "the candidates "
			    "start on lines " : "there is none", lines.p);
			buf_free(&lines);
			return -2;
		}
		why = "as --line says";
	} else if (marked != -1) {
		pick = marked;
		why = "the one that disable marked as live last";
	} else {
		pick = first;
		why = "the first in the file";
	}
	if (n > 1)
		txn_note(t, "%zu commented-out entries for port %d (lines %s): "
		    "took line %zu, %s; enable --line N takes another", n,
		    port, lines.p, m->svc[pick].first + 1, why);
	buf_free(&lines);
	return pick;
}

/*
 * do_enable - the enable algorithm of the interface contract.  Returns
 * 0, or an exit status after saying why.
 */
static int
do_enable(struct txn *t, int port, const char *listen, int classic,
    size_t line, struct wire *w)
{
	struct mc_file		*m = &t->c.master;
	const struct mc_service	*s;
	const struct mc_override *o;
	const struct pset	*prof, *ps;
	const char		*svcname, *mk;
	const char		*f[MC_NFIELDS];
	char			*host, *want, *hdr, *text, *sname;
	char			**toks = NULL;
	size_t			 i, ntok = 0, after, mklen;
	long			 idx = -1, conflict = -1, tpl = -1, smtp;

	svcname = port == 587 ? "submission" : "submissions";
	prof = classic ? (port == 587 ? classic_submission :
	    classic_submissions) : (port == 587 ? modern_submission :
	    modern_submissions);
	want = xstrdup(listen != NULL ? listen : "");

	for (i = 0; i < m->nsvc; i++) {
		s = &m->svc[i];
		if (!s->enabled || mc_is_submission(s) != port)
			continue;
		host = host_of(s->field[MCF_SERVICE]);
		if (strcmp(host, want) == 0)
			idx = (long)i;
		else
			conflict = (long)i;
		free(host);
	}
	if (idx == -1 && conflict != -1) {
		s = &m->svc[conflict];
		fprintf(stderr, "pfsubmit: %s:%zu: %s/inet already listens on "
		    "port %d%s; both would fail to bind. Use --listen with "
		    "its address, or disable it first\n", m->cf.path,
		    s->first + 1, edit_q(s->field[MCF_SERVICE]), port,
		    listen != NULL ? " on all addresses" : " on one address");
		free(want);
		return EX_PF_FAIL;
	}
	if (idx != -1 && line != 0) {
		fprintf(stderr, "pfsubmit: %s:%zu: %s/inet is live already; "
		    "--line chooses among commented-out entries only\n",
		    m->cf.path, m->svc[idx].first + 1,
		    edit_q(m->svc[idx].field[MCF_SERVICE]));
		free(want);
		return EX_PF_FAIL;
	}

	if (idx == -1) {
		if ((tpl = pick_template(t, port, want, line)) == -2) {
			free(want);
			return EX_PF_FAIL;
		}
		if (tpl != -1) {
			after = m->svc[tpl].first;
			txn_note(t, "%s:%zu: uncommented %s/inet and its -o "
			    "lines", m->cf.path, after + 1,
			    m->svc[tpl].field[MCF_SERVICE]);
			mk = mark_of(m, &m->svc[tpl], &mklen);
			mce_uncomment(m, (size_t)tpl);
			/* The mark has done its work: the entry is back. */
			if (mk != NULL) {
				cf_line_delete(&m->cf, after - 1);
				after--;
			}
			if (edit_reparse(t) == -1)
				goto fail;
			idx = find_at(m, after);
		} else {
			smtp = find_smtpd25(m);
			if (listen != NULL && strchr(listen, ':') != NULL)
				sname = xprintf("[%s]:%s", listen, svcname);
			else if (listen != NULL)
				sname = xprintf("%s:%s", listen, svcname);
			else
				sname = xstrdup(svcname);
			f[MCF_SERVICE] = sname;
			f[MCF_TYPE] = "inet";
			f[MCF_PRIVATE] = "n";
			f[MCF_UNPRIV] = "-";
			/* Only a y or n is copied from the file. */
			f[MCF_CHROOT] = smtp != -1 && strcmp(m->svc[smtp].
			    field[MCF_CHROOT], "y") == 0 ? "y" : "n";
			if (smtp != -1 && strcmp(m->svc[smtp].field[MCF_CHROOT],
			    "-") == 0)
				f[MCF_CHROOT] = "-";
			f[MCF_WAKEUP] = "-";
			f[MCF_MAXPROC] = "-";
			f[MCF_COMMAND] = "smtpd";
			hdr = mce_format_header(f);
			free(sname);
			after = smtp != -1 ? m->svc[smtp].last :
			    m->cf.nlines - 1;
			if (m->cf.nlines == 0)
				after = (size_t)-1;
			text = hdr;
			mce_insert_lines(m, after, &text, 1);
			free(hdr);
			after = after == (size_t)-1 ? 0 : after + 1;
			if (edit_reparse(t) == -1)
				goto fail;
			idx = find_at(m, after);
			if (idx != -1)
				txn_note(t, "%s:%zu: added %s/inet%s%s%s",
				    m->cf.path, after + 1,
				    m->svc[idx].field[MCF_SERVICE],
				    smtp != -1 ? " after " : "", smtp != -1 ?
				    m->svc[smtp].field[MCF_SERVICE] : "",
				    smtp != -1 ? "/inet" : "");
		}
		if (idx == -1 || !m->svc[idx].enabled)
			goto bug;
	}

	s = &m->svc[idx];
	for (ps = prof; ps->name != NULL; ps++) {
		if ((o = mc_find_override(s, ps->name)) == NULL) {
			toks = xreallocarray(toks, ntok + 1, sizeof(*toks));
			toks[ntok++] = xprintf("%s=%s", ps->name, ps->value);
		} else if (strcmp(o->value, ps->value) != 0)
			txn_note(t, "%s/inet: kept -o %s=%s (the %s profile "
			    "has %s)", s->field[MCF_SERVICE], o->name,
			    o->value, classic ? "classic" : "modern",
			    ps->value);
	}
	if (ntok > 0) {
		txn_note(t, "%s/inet: added %zu override%s",
		    s->field[MCF_SERVICE], ntok, ntok == 1 ? "" : "s");
		mce_add_overrides(m, (size_t)idx, toks, ntok);
		if (edit_reparse(t) == -1)
			goto fail;
	}
	for (i = 0; i < ntok; i++)
		free(toks[i]);
	free(toks);
	toks = NULL;
	/* What the host has for SASL and TLS, on the service itself. */
	if (w != NULL && wire_service(t, (size_t)idx, w) == -1) {
		free(want);
		return EX_PF_FAIL;
	}

	/* Make sure the result says what was asked. */
	idx = -1;
	for (i = 0; i < m->nsvc; i++) {
		s = &m->svc[i];
		host = s->enabled && mc_is_submission(s) == port ?
		    host_of(s->field[MCF_SERVICE]) : NULL;
		if (host != NULL && strcmp(host, want) == 0)
			idx = (long)i;
		free(host);
	}
	if (idx == -1)
		goto bug;
	for (ps = prof; ps->name != NULL; ps++)
		if (mc_find_override(&m->svc[idx], ps->name) == NULL)
			goto bug;
	if (w == NULL)
		warn_setup(t, &m->svc[idx]);
	free(want);
	return 0;
bug:
	fprintf(stderr, "pfsubmit: enable did not produce the service it "
	    "should have; nothing written (this is a bug)\n");
fail:
	if (toks != NULL) {
		for (i = 0; i < ntok; i++)
			free(toks[i]);
		free(toks);
	}
	free(want);
	return EX_PF_FAIL;
}

static const char *enable_listen;
static int enable_classic;
static int enable_noverify;
static struct wire enable_wire;
static struct vf_opts enable_vo;
static const char *enable_passfile;
static size_t enable_line;

static void
enable_opt(int ch, const char *arg)
{
	const char	*errstr;

	switch (ch) {
	case 'L':
		enable_listen = arg;
		break;
	case 'S':
		if (strcmp(arg, "dovecot") != 0 && strcmp(arg, "cyrus") != 0 &&
		    strcmp(arg, "none") != 0) {
			fprintf(stderr, "pfsubmit: --sasl: use dovecot, cyrus "
			    "or none\n");
			exit(EX_PF_FAIL);
		}
		enable_wire.sasl = arg;
		break;
	case 'C':
		enable_wire.cert = arg;
		break;
	case 'K':
		enable_wire.key = arg;
		break;
	case 'H':
		enable_wire.chain = arg;
		break;
	case 'W':
		enable_noverify = 1;
		break;
	case 'U':
		enable_vo.user = arg;
		break;
	case 'F':
		enable_passfile = arg;
		break;
	case 'N':
		enable_line = (size_t)strtonum(arg, 1, 100000000, &errstr);
		if (errstr != NULL) {
			fprintf(stderr, "pfsubmit: --line %s: %s; give the "
			    "line number of a commented-out entry's header\n",
			    edit_q(arg), errstr);
			exit(EX_PF_FAIL);
		}
		break;
	case 'P':
		if (strcmp(arg, "modern") == 0)
			enable_classic = 0;
		else if (strcmp(arg, "classic") == 0)
			enable_classic = 1;
		else {
			fprintf(stderr, "pfsubmit: --profile %s: use modern "
			    "or classic\n", edit_q(arg));
			exit(EX_PF_FAIL);
		}
		break;
	}
}

/* check_listen - an address for --listen: a host name or IP address */
static int
check_listen(const char *a)
{
	struct in_addr	 in4;
	struct in6_addr	 in6;
	const char	*p;
	char		*q;

	if (arg_check_text(a, "--listen") == -1)
		return -1;
	if (inet_pton(AF_INET, a, &in4) == 1 ||
	    inet_pton(AF_INET6, a, &in6) == 1)
		return 0;
	/* Else a host name: no port, no option-like leading '-'. */
	if (*a == '\0' || *a == '-' || *a == '.')
		goto bad;
	for (p = a; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_'))
			goto bad;
	return 0;
bad:
	q = vquote(a, strlen(a), 60);
	fprintf(stderr, "pfsubmit: --listen %s: give a host name or an IP "
	    "address, such as 127.0.0.1 or ::1, without a port\n", q);
	free(q);
	return -1;
}

/*
 * check_wire_args - --cert, --key and --chain-file name files of this
 * host (absolute paths without white space, which -o cannot hold);
 * with --no-check nothing of this host is looked at, so none is taken
 */
static int
check_wire_args(const struct wire *w)
{
	const char *const what[3] = { "--cert", "--key", "--chain-file" };
	const char	*v[3];
	int		 i;

	v[0] = w->cert;
	v[1] = w->key;
	v[2] = w->chain;
	if (w->chain != NULL && (w->cert != NULL || w->key != NULL)) {
		fprintf(stderr, "pfsubmit: give --chain-file or --cert and "
		    "--key, not both\n");
		return -1;
	}
	if (w->key != NULL && w->cert == NULL) {
		fprintf(stderr, "pfsubmit: --key goes with --cert\n");
		return -1;
	}
	for (i = 0; i < 3; i++) {
		if (v[i] == NULL)
			continue;
		if (arg_check_text(v[i], what[i]) == -1)
			return -1;
		if (v[i][0] != '/' || arg_has_space(v[i]) ||
		    strchr(v[i], ',') != NULL) {
			fprintf(stderr, "pfsubmit: %s: give an absolute path "
			    "without white space or ','\n", what[i]);
			return -1;
		}
		if (opt.no_check) {
			fprintf(stderr, "pfsubmit: %s: the file is checked on "
			    "this host, which --no-check does not do\n",
			    what[i]);
			return -1;
		}
	}
	if (w->sasl != NULL && opt.no_check) {
		fprintf(stderr, "pfsubmit: --sasl: the back end is looked for "
		    "on this host, which --no-check does not do\n");
		return -1;
	}
	return 0;
}

/*
 * enabled_service - the name of the live service enable made or found
 * on port for listen (NULL: all addresses); allocated, or NULL
 */
static char *
enabled_service(struct txn *t, int port, const char *listen)
{
	const struct mc_service *s;
	char		*host, *r = NULL;
	size_t		 i;

	for (i = 0; i < t->c.master.nsvc; i++) {
		s = &t->c.master.svc[i];
		if (!s->enabled || mc_is_submission(s) != port)
			continue;
		host = host_of(s->field[MCF_SERVICE]);
		if (strcmp(host, listen != NULL ? listen : "") == 0) {
			free(r);
			r = xstrdup(s->field[MCF_SERVICE]);
		}
		free(host);
	}
	return r;
}

/* which_port - "submission" or "submissions" (or none) as a port */
static int
which_port(int argc, char **argv, int n, const struct cmd *c)
{
	if (argc - n > 1)
		cmd_usage(c);
	if (argc - n == 0 || strcmp(argv[n], "submission") == 0)
		return 587;
	if (strcmp(argv[n], "submissions") == 0)
		return 465;
	return 0;
}

int
cmd_enable(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "listen", required_argument, NULL, 'L' },
		{ "line", required_argument, NULL, 'N' },
		{ "profile", required_argument, NULL, 'P' },
		{ "sasl", required_argument, NULL, 'S' },
		{ "cert", required_argument, NULL, 'C' },
		{ "key", required_argument, NULL, 'K' },
		{ "chain-file", required_argument, NULL, 'H' },
		{ "no-verify", no_argument, NULL, 'W' },
		{ "user", required_argument, NULL, 'U' },
		{ "password-file", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd *c = cmd_find("enable");
	struct txn	 t;
	char		*q, *svc, pass[1024];
	int		 n, port, r, prove;

	enable_listen = NULL;
	enable_classic = 0;
	enable_noverify = 0;
	enable_passfile = NULL;
	memset(&enable_wire, 0, sizeof(enable_wire));
	memset(&enable_vo, 0, sizeof(enable_vo));
	enable_line = 0;
	n = cmd_getopt(argc, argv, c, NULL, lo, enable_opt);
	if ((port = which_port(argc, argv, n, c)) == 0) {
		q = vquote(argv[n], strlen(argv[n]), 60);
		fprintf(stderr, "pfsubmit: enable %s: give submission (port "
		    "587) or submissions (port 465)\n", q);
		free(q);
		return EX_PF_FAIL;
	}
	if (enable_listen != NULL && check_listen(enable_listen) == -1)
		return EX_PF_FAIL;
	if (check_wire_args(&enable_wire) == -1)
		return EX_PF_FAIL;
	if ((enable_vo.user == NULL) != (enable_passfile == NULL)) {
		fprintf(stderr, "pfsubmit: give --user and --password-file "
		    "together\n");
		return EX_PF_FAIL;
	}
	if (enable_vo.user != NULL && arg_check_text(enable_vo.user,
	    "--user") == -1)
		return EX_PF_FAIL;
	pass[0] = '\0';
	if (enable_passfile != NULL && arg_read_secret(enable_passfile, pass,
	    sizeof(pass)) == -1)
		return EX_PF_FAIL;
	if ((r = txn_begin(&t)) != 0) {
		explicit_bzero(pass, sizeof(pass));
		return r;
	}
	if (!opt.no_check)
		t.wire = &enable_wire;
	r = do_enable(&t, port, enable_listen, enable_classic, enable_line,
	    opt.no_check ? NULL : &enable_wire);
	/* Prove it: the service as a mail client meets it. */
	svc = r == 0 ? enabled_service(&t, port, enable_listen) : NULL;
	prove = svc != NULL && !opt.dry_run && !opt.no_reload &&
	    !enable_noverify;
	if (prove)
		wire_prove_note(&t, svc);
	if (r == 0)
		r = txn_commit(&t);
	if ((r == EX_PF_OK || r == EX_PF_CHANGED) && prove) {
		enable_vo.pass = enable_vo.user != NULL ? pass : NULL;
		if (wire_prove(&t, svc, &enable_vo) != 0)
			r = EX_PF_VERIFY;
	}
	explicit_bzero(pass, sizeof(pass));
	free(svc);
	wire_free(&enable_wire);
	txn_end(&t);
	return r;
}

/* is_smtpd25 - does service s receive mail on port 25? */
static int
is_smtpd25(const struct mc_service *s)
{
	char	*host, *port;
	int	 n;

	if (strcmp(s->field[MCF_TYPE], "inet") != 0 ||
	    strcmp(basename_of(s->field[MCF_COMMAND]), "smtpd") != 0)
		return 0;
	n = mc_port_of(s->field[MCF_SERVICE], &host, &port);
	free(host);
	free(port);
	return n == 25;
}

int
cmd_disable(int argc, char **argv)
{
	const struct cmd *c = cmd_find("disable");
	const struct mc_service *s;
	struct mc_file	*m;
	struct txn	 t;
	struct tm	*tm;
	time_t		 now;
	char		*name = NULL, *type = NULL, *mark, stamp[32];
	size_t		 i;
	int		 n, port, r, hit = 0;

	n = cmd_getopt(argc, argv, c, NULL, NULL, NULL);
	if ((port = which_port(argc, argv, n, c)) == 0) {
		if (arg_check_service(argv[n]) == -1)
			return EX_PF_FAIL;
		split_spec(argv[n], &name, &type);
	}
	now = time(NULL);
	if ((tm = gmtime(&now)) == NULL || strftime(stamp, sizeof(stamp),
	    "%Y-%m-%dT%H:%M:%SZ", tm) == 0)
		(void)strlcpy(stamp, "0000-00-00T00:00:00Z", sizeof(stamp));
	if ((r = txn_begin(&t)) != 0) {
		free(name);
		free(type);
		return r;
	}
	m = &t.c.master;
	/* Refuse before anything changes: inbound mail stops with port 25. */
	for (i = 0; i < m->nsvc && name != NULL; i++) {
		s = &m->svc[i];
		if (!s->enabled || strcmp(s->field[MCF_SERVICE], name) != 0 ||
		    strcmp(s->field[MCF_TYPE], type) != 0 || !is_smtpd25(s))
			continue;
		if (!opt.force) {
			fprintf(stderr, "pfsubmit: %s:%zu: %s/%s is the smtpd "
			    "on port 25: disabling it stops all inbound mail; "
			    "nothing written (--force disables it all the "
			    "same)\n", m->cf.path, s->first + 1,
			    edit_q(s->field[MCF_SERVICE]), edit_q(type));
			txn_end(&t);
			free(name);
			free(type);
			return EX_PF_FAIL;
		}
		txn_note(&t, "warning: %s/%s is the smtpd on port 25: inbound "
		    "mail stops (--force)", s->field[MCF_SERVICE], type);
	}
	/*
	 * From the last to the first: the mark line shifts the lines after
	 * it, and the entries before it are not parsed again in between.
	 */
	mark = xprintf("%s%s; pfsubmit enable brings it back", DISABLED_MARK,
	    stamp);
	for (i = m->nsvc; i-- > 0;) {
		s = &m->svc[i];
		if (!s->enabled)
			continue;
		if (name != NULL ? strcmp(s->field[MCF_SERVICE], name) != 0 ||
		    strcmp(s->field[MCF_TYPE], type) != 0 :
		    mc_is_submission(s) != port)
			continue;
		txn_note(&t, "%s:%zu: commented out %s/%s", m->cf.path,
		    s->first + 1, s->field[MCF_SERVICE], s->field[MCF_TYPE]);
		mce_comment_out(m, i);
		mce_insert_lines(m, s->first == 0 ? (size_t)-1 : s->first - 1,
		    &mark, 1);
		hit = 1;
	}
	free(mark);
	if (!hit)
		txn_note(&t, "no live %s service to disable", name != NULL ?
		    name : port == 587 ? "submission (port 587)" :
		    "submissions (port 465)");
	if (hit && edit_reparse(&t) == -1)
		r = EX_PF_FAIL;
	else
		r = txn_commit(&t);
	txn_end(&t);
	free(name);
	free(type);
	return r;
}

/*
 * svc_port - the submission port a service argument names by its name
 * (submission, submissions, smtps, 587, 465, host:587), or 0
 */
static int
svc_port(const char *name, const char *type, char **hostp)
{
	char	*port;
	int	 n;

	*hostp = NULL;
	if (strcmp(type, "inet") != 0)
		return 0;
	n = mc_port_of(name, hostp, &port);
	free(port);
	if (n != 587 && n != 465) {
		free(*hostp);
		*hostp = NULL;
		return 0;
	}
	return n;
}

/*
 * edit_services - the live services an edit acts on: the one spec names
 * ("name" or "name/type"), or, with spec NULL (--all), every live
 * submission service.  A spec that names no live service but a port
 * (submission, submissions or smtps, 587, 465, host:587) means the live
 * service on that port, when there is exactly one.  *listp is allocated
 * (indexes into the services).  Returns 0, or -1 after saying why.
 */
int
edit_services(struct txn *t, const char *spec, size_t **listp, size_t *np)
{
	const struct mc_file *m = &t->c.master;
	const struct mc_service *s;
	struct buf	 names;
	char		*sname, *stype, *host, *h;
	size_t		*list = NULL, n = 0, i;
	long		 idx;
	int		 port;

	*listp = NULL;
	*np = 0;
	if (spec == NULL) {
		for (i = 0; i < m->nsvc; i++) {
			if (!m->svc[i].enabled ||
			    mc_is_submission(&m->svc[i]) == 0)
				continue;
			list = xreallocarray(list, n + 1, sizeof(*list));
			list[n++] = i;
		}
		if (n == 0) {
			fprintf(stderr, "pfsubmit: %s: no live submission "
			    "service (port 587 or 465); pfsubmit enable adds "
			    "one\n", m->cf.path);
			return -1;
		}
		*listp = list;
		*np = n;
		return 0;
	}
	split_spec(spec, &sname, &stype);
	if ((idx = find_live(m, sname, stype)) != -1) {
		list = xmalloc(sizeof(*list));
		list[0] = (size_t)idx;
		*listp = list;
		*np = 1;
		free(sname);
		free(stype);
		return 0;
	}
	buf_init(&names);
	buf_adds(&names, "");
	if ((port = svc_port(sname, stype, &host)) != 0) {
		for (i = 0; i < m->nsvc; i++) {
			s = &m->svc[i];
			if (!s->enabled || mc_is_submission(s) != port)
				continue;
			h = host_of(s->field[MCF_SERVICE]);
			if (*host == '\0' || strcmp(h, host) == 0) {
				list = xreallocarray(list, n + 1,
				    sizeof(*list));
				list[n++] = i;
				buf_printf(&names, "%s%s/inet (line %zu)",
				    n > 1 ? ", " : "",
				    edit_q(s->field[MCF_SERVICE]),
				    s->first + 1);
			}
			free(h);
		}
		free(host);
	}
	if (n == 1) {
		txn_note(t, "%s/%s: taken as %s/inet, the live service on "
		    "port %d", sname, stype, m->svc[list[0]].field[MCF_SERVICE],
		    port);
	} else if (n > 1) {
		fprintf(stderr, "pfsubmit: %s: %s/%s names no service, and %zu "
		    "live services listen on port %d: %s; name one of them\n",
		    m->cf.path, edit_q(sname), edit_q(stype), n, port, names.p);
		free(list);
		list = NULL;
	} else
		fprintf(stderr, "pfsubmit: %s: no live service %s/%s "
		    "(pfsubmit show all lists them; pfsubmit enable adds "
		    "submission)\n", m->cf.path, edit_q(sname), edit_q(stype));
	buf_free(&names);
	free(sname);
	free(stype);
	if (n != 1)
		return -1;
	*listp = list;
	*np = 1;
	return 0;
}

/*
 * edit_set_override - set -o name=value on live service idx, in a form
 * that Postfix reads back as exactly value: name=value; { name = value }
 * when value has white space (Postfix 3.0 and later); or, with via
 * (given, or chosen when auto_via is set and braces are not an option),
 * value goes into main.cf as via and the override refers to it as $via.
 * Returns 0, or an exit status after saying why.
 */
int
edit_set_override(struct txn *t, size_t idx, const char *name,
    const char *value, const char *via, const char *auto_via)
{
	struct mc_file		*m = &t->c.master;
	const struct mc_service	*s;
	const struct mc_override *o;
	const struct mp_param	*p;
	char			*sname, *stype, *tok, *want;
	size_t			 k, nsvc;
	int			 major, minor, space, same = 1, n;

	s = &m->svc[idx];
	sname = xstrdup(s->field[MCF_SERVICE]);
	stype = xstrdup(s->field[MCF_TYPE]);
	nsvc = m->nsvc;
	space = arg_has_space(value);
	if (via == NULL && space) {
		if (conf_postfix_version(&t->c, &major, &minor) == 0 &&
		    major >= 3)
			;	/* { name = value } */
		else if (auto_via != NULL) {
			via = auto_via;
			txn_note(t, "Postfix before 3.0 (or of unknown "
			    "version) cannot take white space in -o: the "
			    "value goes into main.cf as %s", via);
		} else {
			fprintf(stderr, "pfsubmit: the value has white space, "
			    "which Postfix before 3.0 cannot take in -o; "
			    "give --via-param NAME to put it in main.cf\n");
			free(sname);
			free(stype);
			return EX_PF_FAIL;
		}
	}
	if (via != NULL) {
		if (strcmp(via, name) == 0 || conf_is_builtin(&t->c, via)) {
			fprintf(stderr, "pfsubmit: --via-param %s is a "
			    "parameter of Postfix itself; give a name of your "
			    "own, such as mua_%s\n", via,
			    strncmp(name, "smtpd_", 6) == 0 ? name + 6 : name);
			free(sname);
			free(stype);
			return EX_PF_FAIL;
		}
		if ((p = mp_get(&t->c.main, via)) != NULL &&
		    strcmp(p->value, value) != 0)
			txn_note(t, "%s:%zu: %s was \"%s\"; every service that "
			    "refers to $%s gets the new value",
			    t->c.main.cf.path, p->line + 1, via, p->value,
			    via);
		(void)mpe_set(&t->c.main, via, value);
		want = xprintf("$%s", via);
		tok = xprintf("%s=%s", name, want);
	} else {
		want = xstrdup(value);
		tok = space ? xprintf("{ %s = %s }", name, value) :
		    xprintf("%s=%s", name, value);
	}

	s = &m->svc[idx];
	n = 0;
	for (k = 0; k < s->nov; k++) {
		if (strcmp(s->ov[k].name, name) != 0)
			continue;
		n++;
		if (strcmp(s->ov[k].value, want) != 0)
			same = 0;
	}
	if (n == 0)
		mce_add_overrides(m, idx, &tok, 1);
	else if (!same)
		(void)mce_set_override(m, idx, name, tok);
	if (edit_reparse(t) == -1) {
		free(sname);
		free(stype);
		free(tok);
		free(want);
		return EX_PF_FAIL;
	}
	if (m->nsvc != nsvc || strcmp(m->svc[idx].field[MCF_SERVICE],
	    sname) != 0 || strcmp(m->svc[idx].field[MCF_TYPE], stype) != 0 ||
	    (o = mc_find_override(&m->svc[idx], name)) == NULL ||
	    strcmp(o->value, want) != 0)
		goto bug;
	if (via != NULL && ((p = mp_get(&t->c.main, via)) == NULL ||
	    strcmp(p->value, value) != 0))
		goto bug;
	free(sname);
	free(stype);
	free(tok);
	free(want);
	return 0;
bug:
	fprintf(stderr, "pfsubmit: the edit did not read back as -o %s=%s; "
	    "nothing written (this is a bug)\n", name, edit_q(want));
	free(sname);
	free(stype);
	free(tok);
	free(want);
	return EX_PF_FAIL;
}

static const char *via_param;
static int all_services;

static void
via_opt(int ch, const char *arg)
{
	if (ch == 'v')
		via_param = arg;
	else if (ch == 'A')
		all_services = 1;
}

static const struct option via_lo[] = {
	{ "via-param", required_argument, NULL, 'v' },
	{ "all", no_argument, NULL, 'A' },
	{ NULL, 0, NULL, 0 }
};

static const struct option all_lo[] = {
	{ "all", no_argument, NULL, 'A' },
	{ NULL, 0, NULL, 0 }
};

/*
 * service_args - the service operand, or NULL with --all, which takes
 * its place; then want more operands.  Returns the index of the first
 * operand after the service.
 */
static int
service_args(int argc, char **argv, int n, int want, const struct cmd *c,
    const char **specp)
{
	if (all_services) {
		if (argc - n != want)
			cmd_usage(c);
		*specp = NULL;
		return n;
	}
	if (argc - n != want + 1)
		cmd_usage(c);
	if (arg_check_service(argv[n]) == -1)
		exit(EX_PF_FAIL);
	*specp = argv[n];
	return n + 1;
}

/* set_each - edit_set_override on every service of the list */
static int
set_each(struct txn *t, const size_t *list, size_t nl, const char *name,
    const char *value, const char *via, const char *auto_via)
{
	size_t	 i;
	int	 r;

	for (i = 0; i < nl; i++)
		if ((r = edit_set_override(t, list[i], name, value, via,
		    auto_via)) != 0)
			return r;
	return 0;
}

int
cmd_set_restriction(int argc, char **argv)
{
	const struct cmd *c = cmd_find("set-restriction");
	struct txn	 t;
	const char	*spec;
	char		*value, *name, *auto_via, *sname, *stype, *q;
	size_t		 i, *list, nl;
	int		 n, r, known = 0, port;

	via_param = NULL;
	all_services = 0;
	n = cmd_getopt(argc, argv, c, NULL, via_lo, via_opt);
	n = service_args(argc, argv, n, 2, c, &spec);
	for (i = 0; restriction_classes[i] != NULL; i++)
		if (strcmp(argv[n], restriction_classes[i]) == 0)
			known = 1;
	if (!known) {
		q = vquote(argv[n], strlen(argv[n]), 40);
		fprintf(stderr, "pfsubmit: unknown restriction class \"%s\": "
		    "use client, helo, sender, relay, recipient, data, "
		    "end_of_data or etrn\n", q);
		free(q);
		return EX_PF_FAIL;
	}
	if (arg_check_value(argv[n + 1], "restriction", 0) == -1)
		return EX_PF_FAIL;
	if (via_param != NULL && arg_check_name(via_param, "--via-param") ==
	    -1)
		return EX_PF_FAIL;
	value = trim(argv[n + 1]);
	name = xprintf("smtpd_%s_restrictions", argv[n]);
	split_spec(spec != NULL ? spec : "submission", &sname, &stype);
	port = 0;
	if (strcmp(stype, "inet") == 0) {
		struct mc_service fake;

		memset(&fake, 0, sizeof(fake));
		fake.field[MCF_SERVICE] = sname;
		fake.field[MCF_TYPE] = stype;
		port = mc_is_submission(&fake);
	}
	if (port != 0)
		auto_via = xprintf("mua_%s_restrictions", argv[n]);
	else {
		for (i = 0; sname[i] != '\0'; i++)
			if (!((sname[i] >= 'a' && sname[i] <= 'z') ||
			    (sname[i] >= 'A' && sname[i] <= 'Z') ||
			    (sname[i] >= '0' && sname[i] <= '9')))
				sname[i] = '_';
		auto_via = xprintf("%s_%s_restrictions", sname, argv[n]);
		/* A service called "smtpd" would give the override's name. */
		if (strcmp(auto_via, name) == 0) {
			free(auto_via);
			auto_via = xprintf("pfsubmit_%s_%s_restrictions",
			    sname, argv[n]);
		}
	}
	free(sname);
	free(stype);
	if ((r = txn_begin(&t)) == 0) {
		if (edit_services(&t, spec, &list, &nl) == -1)
			r = EX_PF_FAIL;
		else if ((r = set_each(&t, list, nl, name, value, via_param,
		    auto_via)) == 0)
			r = txn_commit(&t);
		free(list);
		txn_end(&t);
	}
	free(value);
	free(name);
	free(auto_via);
	return r;
}

/* split_assignment - "name=value" into name and trimmed value */
static int
split_assignment(const char *arg, char **name, char **value)
{
	const char	*eq;
	char		*n, *what;

	if (arg_check_text(arg, "argument") == -1)
		return -1;
	if ((eq = strchr(arg, '=')) == NULL) {
		fprintf(stderr, "pfsubmit: \"%s\": missing '='; write "
		    "name=value\n", edit_q(arg));
		return -1;
	}
	n = xstrndup(arg, (size_t)(eq - arg));
	*name = trim(n);
	free(n);
	*value = trim(eq + 1);
	what = xprintf("value of %s", *name);
	if (arg_check_name(*name, "parameter name") == -1 ||
	    arg_check_value(*value, what, exp_is_raw(*name)) == -1) {
		free(what);
		free(*name);
		free(*value);
		return -1;
	}
	free(what);
	return 0;
}

int
cmd_set(int argc, char **argv)
{
	const struct cmd *c = cmd_find("set");
	struct txn	 t;
	const char	*spec;
	char		*name, *value;
	size_t		*list, nl;
	int		 n, r;

	via_param = NULL;
	all_services = 0;
	n = cmd_getopt(argc, argv, c, NULL, via_lo, via_opt);
	n = service_args(argc, argv, n, 1, c, &spec);
	if (via_param != NULL && arg_check_name(via_param, "--via-param") ==
	    -1)
		return EX_PF_FAIL;
	if (split_assignment(argv[n], &name, &value) == -1)
		return EX_PF_FAIL;
	if ((r = txn_begin(&t)) == 0) {
		if (edit_services(&t, spec, &list, &nl) == -1)
			r = EX_PF_FAIL;
		else if ((r = set_each(&t, list, nl, name, value, via_param,
		    NULL)) == 0)
			r = txn_commit(&t);
		free(list);
		txn_end(&t);
	}
	free(name);
	free(value);
	return r;
}

int
cmd_unset(int argc, char **argv)
{
	const struct cmd *c = cmd_find("unset");
	const struct mc_service *s;
	struct txn	 t;
	const char	*spec, *pname;
	size_t		*list = NULL, nl, i;
	int		 n, r;

	all_services = 0;
	n = cmd_getopt(argc, argv, c, NULL, all_lo, via_opt);
	n = service_args(argc, argv, n, 1, c, &spec);
	pname = argv[n];
	if (arg_check_name(pname, "parameter name") == -1)
		return EX_PF_FAIL;
	if ((r = txn_begin(&t)) != 0)
		return r;
	if (edit_services(&t, spec, &list, &nl) == -1) {
		r = EX_PF_FAIL;
		goto out;
	}
	/* The service count stays: the indexes hold across the edits. */
	for (i = 0; i < nl; i++) {
		s = &t.c.master.svc[list[i]];
		if (mce_remove_override(&t.c.master, list[i], pname) == 0) {
			txn_note(&t, "%s/%s has no -o %s",
			    s->field[MCF_SERVICE], s->field[MCF_TYPE], pname);
			continue;
		}
		if (edit_reparse(&t) == -1) {
			r = EX_PF_FAIL;
			goto out;
		}
		if (mc_find_override(&t.c.master.svc[list[i]], pname) !=
		    NULL) {
			fprintf(stderr, "pfsubmit: -o %s is still there after "
			    "removing it; nothing written (this is a bug)\n",
			    pname);
			r = EX_PF_FAIL;
			goto out;
		}
	}
	r = txn_commit(&t);
out:
	free(list);
	txn_end(&t);
	return r;
}

static int
is_readonly(const char *name)
{
	return strcmp(name, "process_name") == 0 ||
	    strcmp(name, "process_id") == 0 ||
	    strcmp(name, "service_name") == 0;
}

int
param_set(int argc, char **argv)
{
	const struct cmd *c = cmd_find("param");
	const struct mp_param *p;
	struct txn	 t;
	char		*name, *value;
	size_t		 i;
	int		 n, r;

	n = cmd_getopt(argc, argv, c, NULL, NULL, NULL);
	if (argc - n != 1)
		cmd_usage(c);
	if (split_assignment(argv[n], &name, &value) == -1)
		return EX_PF_FAIL;
	if (is_readonly(name)) {
		fprintf(stderr, "pfsubmit: %s is read-only; Postfix ignores "
		    "it in main.cf\n", name);
		free(name);
		free(value);
		return EX_PF_FAIL;
	}
	/* argv[-1] is "param": the backup records the whole command. */
	if ((r = txn_begin(&t)) != 0) {
		free(name);
		free(value);
		return r;
	}
	for (i = 0; i < t.c.main.npar; i++)
		if (t.c.main.par[i].shadowed &&
		    strcmp(t.c.main.par[i].name, name) == 0)
			txn_note(&t, "%s:%zu: an earlier %s is left as it is; "
			    "the last one wins", t.c.main.cf.path,
			    t.c.main.par[i].line + 1, name);
	(void)mpe_set(&t.c.main, name, value);
	if (edit_reparse(&t) == -1)
		r = EX_PF_FAIL;
	else if ((p = mp_get(&t.c.main, name)) == NULL ||
	    strcmp(p->value, value) != 0) {
		fprintf(stderr, "pfsubmit: %s did not read back as set; "
		    "nothing written (this is a bug)\n", name);
		r = EX_PF_FAIL;
	} else
		r = txn_commit(&t);
	txn_end(&t);
	free(name);
	free(value);
	return r;
}

int
param_unset(int argc, char **argv)
{
	const struct cmd *c = cmd_find("param");
	struct txn	 t;
	int		 n, r;

	n = cmd_getopt(argc, argv, c, NULL, NULL, NULL);
	if (argc - n != 1)
		cmd_usage(c);
	if (arg_check_name(argv[n], "parameter name") == -1)
		return EX_PF_FAIL;
	if ((r = txn_begin(&t)) != 0)
		return r;
	if (mpe_unset(&t.c.main, argv[n]) == 0)
		txn_note(&t, "%s does not set %s", t.c.main.cf.path, argv[n]);
	if (edit_reparse(&t) == -1)
		r = EX_PF_FAIL;
	else if (mp_get(&t.c.main, argv[n]) != NULL) {
		fprintf(stderr, "pfsubmit: %s is still set after removing it; "
		    "nothing written (this is a bug)\n", argv[n]);
		r = EX_PF_FAIL;
	} else
		r = txn_commit(&t);
	txn_end(&t);
	return r;
}
