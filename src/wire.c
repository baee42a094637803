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
 * What enable wires on the service it turns on when main.cf leaves that
 * service unable to serve a mail client: a SASL back end that answers,
 * and a certificate.  Only what the host already has is used, and only
 * on the service (as -o overrides), never in main.cf, so that port 25
 * stays as it was:
 *
 *   SASL	the back end main.cf gives is kept when it answers (Dovecot)
 *		or is set up (Cyrus: its smtpd.conf is there).  Otherwise
 *		a Dovecot auth listener that answers the handshake where
 *		Postfix can reach it: those doveconf -n names in its
 *		service auth, then $queue_directory/private/auth.  None:
 *		the listener block to add to Dovecot is said, and nothing
 *		is set (check then refuses the edit).
 *   TLS	the certificate main.cf gives is kept when OpenSSL loads it
 *		with its key.  Otherwise --cert/--key or --chain-file,
 *		then an ACME client's certificate for $myhostname, then
 *		Debian's snakeoil pair, with a warning.
 *
 * Dovecot's own files are never edited.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "pfsubmit.h"

/*
 * Where an ACME client keeps the certificate of a host name: the
 * directory is prefix NAME suffix; the key file is key, or NAME.key.
 */
static const struct {
	const char	*client;
	const char	*prefix;
	const char	*suffix;
	const char	*cert;
	const char	*key;
} acme[] = {
	{ "certbot", "/etc/letsencrypt/live/", "", "fullchain.pem",
	    "privkey.pem" },
	{ "dehydrated", "/var/lib/dehydrated/certs/", "", "fullchain.pem",
	    "privkey.pem" },
	{ "dehydrated", "/etc/dehydrated/certs/", "", "fullchain.pem",
	    "privkey.pem" },
	{ "acme.sh", "/root/.acme.sh/", "_ecc", "fullchain.cer", NULL },
	{ "acme.sh", "/root/.acme.sh/", "", "fullchain.cer", NULL },
};

#define SNAKEOIL_CERT	"/etc/ssl/certs/ssl-cert-snakeoil.pem"
#define SNAKEOIL_KEY	"/etc/ssl/private/ssl-cert-snakeoil.key"

void
wire_free(struct wire *w)
{
	size_t	 i;

	for (i = 0; i < w->n; i++) {
		free(w->name[i]);
		free(w->value[i]);
	}
	w->n = 0;
	free(w->sasl_found);
	free(w->cert_found);
	free(w->dovecot_block);
	w->sasl_found = w->cert_found = w->dovecot_block = NULL;
}

static void
strv_free(char **v)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* add - one override to set on the service */
static void
add(struct wire *w, const char *name, const char *value)
{
	if (w->n == WIRE_MAX)
		return;
	w->name[w->n] = xstrdup(name);
	w->value[w->n] = xstrdup(value);
	w->n++;
}

/* effective - the service's value of name, expanded; allocated */
static char *
effective(struct conf *c, const struct mc_service *s, const char *name)
{
	struct exp_result	 res;
	const struct mc_override *o;
	const struct mp_param	*p;
	const char		*v;
	char			*r;

	if ((o = mc_find_override(s, name)) != NULL)
		v = o->value;
	else if ((p = mp_get(&c->main, name)) != NULL)
		v = p->value;
	else if ((v = conf_default(c, name)) == NULL)
		v = "";
	conf_expand_service(c, s, v, &res);
	r = xstrdup(res.error != NULL ? v : res.text);
	exp_result_free(&res);
	return r;
}

/* chrooted - does master(8) run the service chrooted? */
static int
chrooted(struct conf *c, const struct mc_service *s)
{
	int	 major, minor;

	if (strcmp(s->field[MCF_CHROOT], "-") != 0)
		return strcmp(s->field[MCF_CHROOT], "y") == 0;
	/* "-" is y before Postfix 3.0, n since. */
	return conf_postfix_version(c, &major, &minor) == 0 && major < 3;
}

/*
 * wire_doveconf_listeners - the unix_listener paths inside "service auth
 * { ... }" of doveconf -n's output, made absolute against base_dir;
 * a NULL-terminated array, allocated (each string too).
 */
char **
wire_doveconf_listeners(const char *text)
{
	const char	*p, *nl, *e;
	char		**v = NULL, *line, *base = NULL, *name, *q;
	size_t		 n = 0, len;
	int		 depth = 0, in_auth = 0;

	for (p = text; *p != '\0'; p = *nl == '\0' ? nl : nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		while (p < nl && (*p == ' ' || *p == '\t'))
			p++;
		for (e = nl; e > p && (e[-1] == ' ' || e[-1] == '\t' ||
		    e[-1] == '\r'); e--)
			;
		line = xstrndup(p, (size_t)(e - p));
		len = strlen(line);
		if (len == 0 || line[0] == '#') {
			free(line);
			continue;
		}
		if (strcmp(line, "}") == 0) {
			if (depth > 0)
				depth--;
			if (depth == 0)
				in_auth = 0;
			free(line);
			continue;
		}
		if (depth == 0 && strncmp(line, "base_dir =", 10) == 0) {
			free(base);
			q = line + 10;
			while (*q == ' ')
				q++;
			base = xstrdup(q);
		}
		if (line[len - 1] == '{') {
			if (depth == 0 && strcmp(line, "service auth {") == 0)
				in_auth = 1;
			else if (depth == 1 && in_auth &&
			    strncmp(line, "unix_listener ", 14) == 0) {
				name = xstrndup(line + 14, len - 15);
				while ((q = strrchr(name, ' ')) != NULL &&
				    q[1] == '\0')
					*q = '\0';
				v = xreallocarray(v, n + 2, sizeof(*v));
				v[n++] = name;
			}
			depth++;
		}
		free(line);
	}
	/* Relative names are under base_dir (Dovecot's default). */
	if (base == NULL)
		base = xstrdup("/run/dovecot");
	for (len = 0; len < n; len++) {
		if (v[len][0] == '/')
			continue;
		name = xprintf("%s/%s", base, v[len]);
		free(v[len]);
		v[len] = name;
	}
	free(base);
	v = xreallocarray(v, n + 1, sizeof(*v));
	v[n] = NULL;
	return v;
}

/* doveconf - the listeners doveconf -n names, or NULL: no doveconf */
static char **
doveconf(void)
{
	const char *const argv[] = { PATH_DOVECONF, "-n", NULL };
	struct run_result r;
	char		**v;
	char		*p;

	p = probe_path(PATH_DOVECONF);
	if (access(p, X_OK) == -1) {
		free(p);
		return NULL;
	}
	free(p);
	if (run_cmd(argv, RUN_STDOUT, 30, &r) != 0) {
		run_result_free(&r);
		return xcalloc(1, sizeof(char *));
	}
	v = wire_doveconf_listeners(r.out.p);
	run_result_free(&r);
	return v;
}

/*
 * sasl_works - does the back end the service has now answer (Dovecot),
 * or is it set up (Cyrus)?  *what says which, allocated.
 */
static int
sasl_works(struct conf *c, const struct mc_service *s, char **what)
{
	const struct probe_auth	*a;
	const struct probe_cyrus *cy;
	char	*type, *path, *qd, *where, *dirs;
	int	 ok = 0;

	type = effective(c, s, "smtpd_sasl_type");
	path = effective(c, s, "smtpd_sasl_path");
	*what = NULL;
	if (strcasecmp(type, "dovecot") == 0) {
		qd = effective(c, s, "queue_directory");
		if (strncmp(path, "inet:", 5) == 0 || path[0] == '/')
			where = xstrdup(path);
		else
			where = xprintf("%s/%s", qd, path);
		a = probe_dovecot(where);
		if (a->ok && *a->mechs != '\0') {
			*what = xprintf("dovecot at %s (%s)", path, a->mechs);
			ok = 1;
		}
		free(where);
		free(qd);
	} else if (strcasecmp(type, "cyrus") == 0) {
		dirs = effective(c, s, "cyrus_sasl_config_path");
		if (*dirs == '\0') {
			free(dirs);
			dirs = xstrdup("/etc/postfix/sasl:/usr/lib/sasl2:"
			    "/etc/sasl2");
		}
		cy = probe_cyrus(dirs, *path != '\0' ? path : "smtpd");
		if (cy->file != NULL && cy->readable &&
		    cy->pwcheck != NULL) {
			*what = xprintf("cyrus (%s)", cy->file);
			ok = 1;
		}
		free(dirs);
	}
	free(type);
	free(path);
	return ok;
}

/*
 * dovecot_listener - a Dovecot auth listener that answers, as the value
 * for smtpd_sasl_path (relative to queue_directory when it is under it,
 * as a chrooted smtpd needs); NULL if none.  *mechsp: what it offers.
 */
static char *
dovecot_listener(struct conf *c, const struct mc_service *s, char **cand,
    char **mechsp, struct diag *notes)
{
	const struct probe_auth	*a;
	char	*qd, *r = NULL, **all;
	size_t	 i, n = 0, qlen;
	int	 jail = chrooted(c, s);

	qd = effective(c, s, "queue_directory");
	qlen = strlen(qd);
	/* doveconf's listeners first, then where Debian's docs put it. */
	for (i = 0; cand != NULL && cand[i] != NULL; i++)
		n++;
	all = xcalloc(n + 2, sizeof(*all));
	for (i = 0; i < n; i++)
		all[i] = xstrdup(cand[i]);
	all[n] = xprintf("%s/private/auth", qd);
	for (i = 0; r == NULL && all[i] != NULL; i++) {
		if (probe_file(all[i])->kind != PROBE_SOCK)
			continue;
		a = probe_dovecot(all[i]);
		if (!a->ok || *a->mechs == '\0')
			continue;
		if (strncmp(all[i], qd, qlen) == 0 && all[i][qlen] == '/')
			r = xstrdup(all[i] + qlen + 1);
		else if (!jail)
			r = xstrdup(all[i]);
		else
			diag_add(notes, DIAG_NOTE, NULL, 0, "SASL: Dovecot "
			    "answers at %s, outside %s, where the chrooted "
			    "service cannot reach it", all[i], qd);
		if (r != NULL)
			*mechsp = xstrdup(a->mechs);
	}
	strv_free(all);
	free(qd);
	return r;
}

static void
plan_sasl(struct conf *c, const struct mc_service *s, struct wire *w,
    struct diag *notes)
{
	char	**cand, *path, *mechs = NULL, *what, *qd;

	if (w->sasl != NULL && strcmp(w->sasl, "none") == 0)
		return;
	if (w->sasl != NULL && strcmp(w->sasl, "cyrus") == 0) {
		path = effective(c, s, "smtpd_sasl_type");
		if (strcasecmp(path, "cyrus") != 0 &&
		    mc_find_override(s, "smtpd_sasl_type") == NULL)
			add(w, "smtpd_sasl_type", "cyrus");
		free(path);
		return;
	}
	if (w->sasl == NULL && sasl_works(c, s, &what)) {
		w->sasl_found = what;
		diag_add(notes, DIAG_NOTE, NULL, 0, "SASL: %s answers; kept",
		    what);
		return;
	}
	if (mc_find_override(s, "smtpd_sasl_type") != NULL ||
	    mc_find_override(s, "smtpd_sasl_path") != NULL) {
		diag_add(notes, DIAG_NOTE, NULL, 0, "SASL: the service sets "
		    "its own smtpd_sasl_type or smtpd_sasl_path; kept as it "
		    "is");
		return;
	}
	cand = doveconf();
	path = dovecot_listener(c, s, cand, &mechs, notes);
	if (path != NULL) {
		add(w, "smtpd_sasl_type", "dovecot");
		add(w, "smtpd_sasl_path", path);
		w->sasl_found = xprintf("dovecot at %s (%s)", path, mechs);
		diag_add(notes, DIAG_NOTE, NULL, 0, "SASL: Dovecot answers at "
		    "%s (%s): set on the service, not in main.cf", path,
		    mechs);
	} else if (cand != NULL) {
		qd = effective(c, s, "queue_directory");
		w->dovecot_block = xprintf("service auth {\n"
		    "  unix_listener %s/private/auth {\n"
		    "    mode = 0660\n"
		    "    user = postfix\n"
		    "    group = postfix\n"
		    "  }\n"
		    "}\n", qd);
		diag_add(notes, DIAG_NOTE, NULL, 0, "SASL: Dovecot is "
		    "installed but has no auth listener for Postfix: add "
		    "the block below to /etc/dovecot/conf.d/10-master.conf, "
		    "run doveadm reload, then pfsubmit enable again");
		free(qd);
	} else
		diag_add(notes, DIAG_NOTE, NULL, 0, "SASL: no back end "
		    "answers and Dovecot is not installed: apt-get install "
		    "dovecot-core (or set up Cyrus SASL and use --sasl "
		    "cyrus)");
	free(path);
	free(mechs);
	strv_free(cand);
}

/* tls_ok - does OpenSSL load this pair without an error? */
static int
tls_ok(const char *cert, const char *key, const char *host, char **why)
{
	const struct probe_tls	*t;
	size_t			 k;

	t = probe_tls(cert, key, host);
	for (k = 0; k < t->n; k++)
		if (t->sev[k] == DIAG_ERR) {
			if (why != NULL)
				*why = xstrdup(t->text[k]);
			return 0;
		}
	return 1;
}

/*
 * chain_ok - does every key and certificate of an smtpd_tls_chain_files
 * list load, each key with the certificate after it?
 */
static int
chain_ok(const char *list, const char *host)
{
	const char	*p, *e, *cert, *key;
	char		**files = NULL;
	size_t		 n = 0, i;
	int		 ok = 1;

	for (p = list; *p != '\0'; p = e) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ',' && *e != ' ' &&
		    *e != '\t'; e++)
			;
		files = xreallocarray(files, n + 1, sizeof(*files));
		files[n++] = xstrndup(p, (size_t)(e - p));
	}
	for (i = 0; i < n && ok;) {
		i = probe_chain_next(files, n, i, &cert, &key);
		ok = tls_ok(cert, key, host, NULL);
	}
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return ok && n > 0;
}

/* set_pair - the certificate and key on the service, as Postfix takes them */
static void
set_pair(struct conf *c, struct wire *w, const char *cert, const char *key)
{
	char	*v;
	int	 major, minor;

	if (conf_postfix_version(c, &major, &minor) == 0 &&
	    (major > 3 || (major == 3 && minor >= 4))) {
		/* The key first, then its certificate chain. */
		v = strcmp(cert, key) == 0 ? xstrdup(cert) :
		    xprintf("%s,%s", key, cert);
		add(w, "smtpd_tls_chain_files", v);
		free(v);
	} else {
		add(w, "smtpd_tls_cert_file", cert);
		add(w, "smtpd_tls_key_file", key);
	}
}

/* needs_tls - does the service require TLS (and so a certificate)? */
static int
needs_tls(struct conf *c, const struct mc_service *s)
{
	char	*level, *wrap;
	int	 r;

	level = effective(c, s, "smtpd_tls_security_level");
	wrap = effective(c, s, "smtpd_tls_wrappermode");
	r = strcasecmp(wrap, "yes") == 0 || strcasecmp(level, "encrypt") == 0;
	free(level);
	free(wrap);
	return r;
}

/* safe_name - a host name that can go into a path */
static int
safe_name(const char *h)
{
	const char	*p;

	if (*h == '\0' || *h == '.' || strstr(h, "..") != NULL)
		return 0;
	for (p = h; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_'))
			return 0;
	return 1;
}

static int
plan_tls(struct conf *c, const struct mc_service *s, struct wire *w,
    struct diag *notes, struct diag *d)
{
	const struct probe_file *pf;
	char	*chain, *cert, *key, *host, *why = NULL, *a, *b;
	size_t	 i;
	int	 have;

	host = effective(c, s, "myhostname");
	if (w->chain != NULL || w->cert != NULL) {
		a = xstrdup(w->chain != NULL ? w->chain : w->cert);
		b = xstrdup(w->chain != NULL ? w->chain : w->key != NULL ?
		    w->key : w->cert);
		if (!tls_ok(a, b, host, &why)) {
			diag_add(d, DIAG_ERR, NULL, 0, "%s %s: %s", w->chain !=
			    NULL ? "--chain-file" : "--cert", a, why);
			free(why);
			free(a);
			free(b);
			free(host);
			return -1;
		}
		if (w->chain != NULL) {
			int	 major, minor;

			if (conf_postfix_version(c, &major, &minor) == -1 ||
			    major < 3 || (major == 3 && minor < 4)) {
				diag_add(d, DIAG_ERR, NULL, 0, "--chain-file "
				    "needs Postfix 3.4 or later; give --cert "
				    "and --key");
				free(a);
				free(b);
				free(host);
				return -1;
			}
			add(w, "smtpd_tls_chain_files", a);
		} else
			set_pair(c, w, a, b);
		w->cert_found = xprintf("%s (given)", a);
		free(a);
		free(b);
		free(host);
		return 0;
	}
	if (!needs_tls(c, s)) {
		free(host);
		return 0;
	}
	chain = effective(c, s, "smtpd_tls_chain_files");
	cert = effective(c, s, "smtpd_tls_cert_file");
	key = effective(c, s, "smtpd_tls_key_file");
	if (*key == '\0') {
		free(key);
		key = xstrdup(cert);
	}
	if (*chain != '\0')
		have = chain_ok(chain, host);
	else
		have = *cert != '\0' && tls_ok(cert, key, host, NULL);
	if (have) {
		w->cert_found = xprintf("%s (main.cf)", *chain != '\0' ? chain :
		    cert);
		diag_add(notes, DIAG_NOTE, NULL, 0, "TLS: the certificate "
		    "%s loads; kept", w->cert_found);
		goto out;
	}
	if (mc_find_override(s, "smtpd_tls_chain_files") != NULL ||
	    mc_find_override(s, "smtpd_tls_cert_file") != NULL) {
		diag_add(notes, DIAG_NOTE, NULL, 0, "TLS: the service sets "
		    "its own certificate; kept as it is");
		goto out;
	}
	for (i = 0; safe_name(host) && i < sizeof(acme) / sizeof(acme[0]);
	    i++) {
		a = xprintf("%s%s%s/%s", acme[i].prefix, host, acme[i].suffix,
		    acme[i].cert);
		if (acme[i].key != NULL)
			b = xprintf("%s%s%s/%s", acme[i].prefix, host,
			    acme[i].suffix, acme[i].key);
		else
			b = xprintf("%s%s%s/%s.key", acme[i].prefix, host,
			    acme[i].suffix, host);
		pf = probe_file(a);
		if (pf->kind == PROBE_REG && tls_ok(a, b, host, NULL)) {
			set_pair(c, w, a, b);
			w->cert_found = xprintf("%s (%s)", a, acme[i].client);
			diag_add(notes, DIAG_NOTE, NULL, 0, "TLS: main.cf names "
			    "no certificate that loads; using %s's %s for %s "
			    "on the service", acme[i].client, a, host);
			free(a);
			free(b);
			goto out;
		}
		free(a);
		free(b);
	}
	pf = probe_file(SNAKEOIL_CERT);
	if (pf->kind == PROBE_REG && tls_ok(SNAKEOIL_CERT, SNAKEOIL_KEY,
	    NULL, NULL)) {
		set_pair(c, w, SNAKEOIL_CERT, SNAKEOIL_KEY);
		w->cert_found = xprintf("%s (snakeoil)", SNAKEOIL_CERT);
		diag_add(notes, DIAG_NOTE, NULL, 0, "TLS: warning: no "
		    "certificate for %s; using Debian's self-signed snakeoil "
		    "pair, which mail clients will not trust: get one (e.g. "
		    "certbot certonly --standalone -d %s) and run pfsubmit "
		    "enable --cert FILE --key FILE", host, host);
		goto out;
	}
	diag_add(notes, DIAG_NOTE, NULL, 0, "TLS: no certificate found for "
	    "%s: give --cert FILE --key FILE (or --chain-file FILE)", host);
out:
	free(chain);
	free(cert);
	free(key);
	free(host);
	return 0;
}

/*
 * wire_plan - what to set on live service s so that a client can log
 * in: w->name/value (overrides the service does not have yet are
 * added; the caller decides), notes say what was found and why.
 * Returns -1 when what was asked cannot be done (the reason in d).
 */
int
wire_plan(struct conf *c, const struct mc_service *s, struct wire *w,
    struct diag *notes, struct diag *d)
{
	plan_sasl(c, s, w, notes);
	if (w->sasl != NULL && strcmp(w->sasl, "dovecot") == 0 &&
	    w->sasl_found == NULL) {
		diag_add(d, DIAG_ERR, NULL, 0, "--sasl dovecot: no Dovecot auth "
		    "listener answers where Postfix can reach it");
		return -1;
	}
	return plan_tls(c, s, w, notes, d);
}

/*
 * wire_service - plan for live service idx of t's master.cf and set
 * what the plan says on it: an override it lacks is added; one it has
 * with another value is replaced only when it was asked for (--cert,
 * --key, --chain-file, --sasl), else kept with a note.  Returns -1
 * after saying why when what was asked cannot be done.
 */
int
wire_service(struct txn *t, size_t idx, struct wire *w)
{
	struct mc_file		*m = &t->c.master;
	const struct mc_override *o;
	struct diag		 notes, d;
	const char		*p, *nl;
	char			**toks, *tok;
	size_t			 i, n = 0;
	int			 asked;

	diag_init(&notes);
	diag_init(&d);
	if (wire_plan(&t->c, &m->svc[idx], w, &notes, &d) == -1) {
		diag_print(&d, stderr, DIAG_ERR);
		diag_free(&notes);
		diag_free(&d);
		return -1;
	}
	for (i = 0; i < notes.n; i++) {
		txn_note(t, "%s", notes.m[i].text);
		/* The listener block right after the note that asks for it. */
		if (strncmp(notes.m[i].text, "SASL: Dovecot is installed", 26) !=
		    0)
			continue;
		for (p = w->dovecot_block; p != NULL && *p != '\0';
		    p = nl + 1) {
			if ((nl = strchr(p, '\n')) == NULL)
				break;
			txn_note(t, "    %.*s", (int)(nl - p), p);
		}
	}
	diag_free(&notes);
	diag_free(&d);
	asked = w->cert != NULL || w->chain != NULL || w->sasl != NULL;
	toks = xcalloc(w->n + 1, sizeof(*toks));
	for (i = 0; i < w->n; i++) {
		o = mc_find_override(&m->svc[idx], w->name[i]);
		if (o == NULL)
			toks[n++] = xprintf("%s=%s", w->name[i], w->value[i]);
		else if (strcmp(o->value, w->value[i]) == 0)
			continue;
		else if (asked) {
			tok = xprintf("%s=%s", w->name[i], w->value[i]);
			(void)mce_set_override(m, idx, w->name[i], tok);
			free(tok);
			if (conf_reparse(&t->c, NULL) < 0)
				goto bug;
		} else
			txn_note(t, "%s: kept -o %s=%s (found %s)",
			    m->svc[idx].field[MCF_SERVICE], o->name, o->value,
			    w->value[i]);
	}
	if (n > 0) {
		mce_add_overrides(m, idx, toks, n);
		if (conf_reparse(&t->c, NULL) < 0)
			goto bug;
	}
	for (i = 0; i < n; i++)
		free(toks[i]);
	free(toks);
	return 0;
bug:
	for (i = 0; i < n; i++)
		free(toks[i]);
	free(toks);
	fprintf(stderr, "pfsubmit: the wiring did not read back; nothing "
	    "written (this is a bug)\n");
	return -1;
}

/*
 * wire_prove_note - before the commit: when Postfix does not run this
 * instance, the proof cannot be made; say so with the edit's notes,
 * and what to run
 */
void
wire_prove_note(struct txn *t, const char *svc)
{
	if (conf_own_instance(&t->c) && !txn_running(t))
		txn_note(t, "not verified: Postfix is not running; start it "
		    "(postfix start), then run pfsubmit verify %s", svc);
}

/*
 * wire_prove - after enable: verify service svc as a client meets it,
 * when Postfix runs this instance and the edit is in force.  Returns
 * 0 when it works or could not be tried (a staging copy: nothing to
 * try; Postfix not running: a note says what to run), 1 when verify
 * found a failing item.
 */
int
wire_prove(struct txn *t, const char *svc, const struct vf_opts *o)
{
	struct vf_opts	 vo = *o;
	char		*q;
	int		 r;

	/* A staging copy: the transaction said it was not reloaded. */
	if (!conf_own_instance(&t->c))
		return 0;
	q = vquote(svc, strlen(svc), 60);
	free(q);
	if (!txn_running(t))
		return 0;	/* wire_prove_note said what to run */
	fflush(stderr);
	/* master(8) opens a new service's listener after the reload. */
	vo.settle = 10;
	/* With -j, standard output holds the edit's one document. */
	r = vf_verify(&t->c, svc, &vo, 0, opt.json ? stderr : stdout);
	return r == 0 ? 0 : 1;
}
