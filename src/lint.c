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
 * The rules of `check' beyond what the parse itself finds: what
 * `postfix check' lets through and Postfix stumbles on later, when
 * master(8) starts a service or smtpd(8) meets a client.  Each finding
 * names its rule, so that scripts (and tests) can tell them apart.
 *
 * Errors are what makes a daemon refuse to start or fail a client:
 *   inet-private	an inet service marked private (master: fatal)
 *   master-refuses	what postconf reads but master(8) refuses
 *   stray-argument	words after the command of a daemon that takes
 *			none, as uncommented prose becomes (smtpd: fatal on
 *			every connection)
 *   bad-value		a yes/no parameter, smtpd_tls_security_level or
 *			smtpd_tls_wrappermode with a value Postfix refuses
 *   unknown-restriction  a word in a restriction list that is neither a
 *			restriction, a table nor a restriction class
 *			(smtpd: "451 Server configuration error")
 *   port-conflict	two live services on one port, one of them on all
 *			addresses (the second cannot bind)
 *   expand-syntax	a bare '$', an unterminated ${...} and the like
 *   expand-loop	$name nesting deeper than Postfix allows
 *   smtpd-fatal	settings with which smtpd dies or fails every client:
 *			no rejecting relay or recipient restriction, a
 *			restriction without its argument, a restriction
 *			class without a definition, an absolute Dovecot
 *			path in a chroot, a bad *_tempfail_action
 *   open-relay	a submission or SASL service whose restrictions let
 *			a client that has not logged in relay
 * and, asking the system (probe.c; not with --no-check):
 *   sasl-type		smtpd_sasl_type not among postconf -a's plug-ins
 *   sasl-backend	Dovecot's socket or Cyrus's smtpd.conf and
 *			saslauthd missing or not answering (a warning
 *			when it cannot be examined)
 *   tls-files		certificate or key missing, unreadable, not
 *			matching, expired (warning: expiring, wrong name)
 *   map		a table whose type Postfix lacks or whose file or
 *			indexed file is missing (warning: out of date)
 * Warnings are what works, but not as meant:
 *   duplicate-service	one port or name/type twice: master uses the last
 *   undefined-parameter  a $name that nothing defines
 *   submission-sasl	a submission service without SASL authentication
 *   submission-tls	a submission service that does not require TLS
 *   deprecated		smtpd_enforce_tls (Postfix 2.3 replaced it)
 *   unknown-parameter	a name Postfix does not know and nothing uses
 *			(postconf -n's "unused parameter")
 *   submission-differ	two live submission services with different
 *			restrictions or SASL/TLS settings
 *
 * The rules are the table at the end, one function each; those that ask
 * the system are marked, and none of them runs with --no-check, which is
 * for staging directories whose host is another one.
 */

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pfsubmit.h"

struct lint {
	struct conf	*c;
	struct diag	*d;
	struct strmap	 classes;	/* smtpd_restriction_classes names */
	struct strmap	 said;		/* system findings made */
	struct strmap	 walked;	/* classes entered in one walk */
};

/* finding - a message whose text is formatted here, then quoted */
static void __attribute__((__format__(__printf__, 6, 7)))
finding(struct lint *l, enum diag_sev sev, const struct cf_file *f,
    size_t line, const char *rule, const char *fmt, ...)
{
	va_list	 ap;
	char	*text, *q;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	text = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	(void)vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	q = vquote(text, strlen(text), 800);
	diag_addr(l->d, sev, f->path, line + 1, rule, "%s", q);
	free(q);
	free(text);
}

/* Restrictions smtpd(8) knows, and which of them take an argument. */
static const char *const restrictions[] = {
	"permit", "reject", "defer", "defer_if_permit", "defer_if_reject",
	"warn_if_reject", "sleep", "permit_auth_destination",
	"permit_inet_interfaces", "permit_mx_backup", "permit_mynetworks",
	"permit_naked_ip_address", "permit_sasl_authenticated",
	"permit_tls_all_clientcerts", "permit_tls_clientcerts",
	"permit_dnswl_client", "permit_rhswl_client",
	"defer_unauth_destination", "reject_unauth_destination",
	"reject_unauth_pipelining", "reject_multi_recipient_bounce",
	"reject_plaintext_session", "reject_invalid_helo_hostname",
	"reject_invalid_hostname", "reject_non_fqdn_helo_hostname",
	"reject_non_fqdn_hostname", "reject_non_fqdn_sender",
	"reject_non_fqdn_recipient", "reject_unknown_client",
	"reject_unknown_client_hostname",
	"reject_unknown_reverse_client_hostname",
	"reject_unknown_helo_hostname", "reject_unknown_hostname",
	"reject_unknown_sender_domain", "reject_unknown_recipient_domain",
	"reject_unlisted_sender", "reject_unlisted_recipient",
	"reject_unverified_sender", "reject_unverified_recipient",
	"reject_rbl_client", "reject_rhsbl_client", "reject_rhsbl_helo",
	"reject_rhsbl_sender", "reject_rhsbl_recipient",
	"reject_rhsbl_reverse_client", "reject_rbl", "reject_maps_rbl",
	"reject_sender_login_mismatch", "reject_known_sender_login_mismatch",
	"reject_authenticated_sender_login_mismatch",
	"reject_unauthenticated_sender_login_mismatch",
	"check_relay_domains", "check_recipient_maps",
	"check_client_access", "check_client_a_access",
	"check_client_mx_access", "check_client_ns_access",
	"check_reverse_client_hostname_access",
	"check_reverse_client_hostname_a_access",
	"check_reverse_client_hostname_mx_access",
	"check_reverse_client_hostname_ns_access",
	"check_helo_access", "check_helo_a_access", "check_helo_mx_access",
	"check_helo_ns_access", "check_sender_access",
	"check_sender_a_access", "check_sender_mx_access",
	"check_sender_ns_access", "check_recipient_access",
	"check_recipient_a_access", "check_recipient_mx_access",
	"check_recipient_ns_access", "check_ccert_access",
	"check_sasl_access", "check_etrn_access", "check_policy_service",
	NULL
};

static int
takes_argument(const char *w)
{
	size_t	 n = strlen(w);

	return (strncasecmp(w, "check_", 6) == 0 && n > 7 &&
	    strcasecmp(w + n - 7, "_access") == 0) ||
	    strcasecmp(w, "check_policy_service") == 0 ||
	    strcasecmp(w, "sleep") == 0 ||
	    strcasecmp(w, "reject_rbl_client") == 0 ||
	    strncasecmp(w, "reject_rhsbl_", 13) == 0 ||
	    strcasecmp(w, "permit_dnswl_client") == 0 ||
	    strcasecmp(w, "permit_rhswl_client") == 0;
}

/* known_restriction - smtpd compares the names without regard to case */
static int
known_restriction(const char *w)
{
	size_t	 i;

	for (i = 0; restrictions[i] != NULL; i++)
		if (strcasecmp(restrictions[i], w) == 0)
			return 1;
	return 0;
}

/*
 * next_word - the next word of a restriction list: separated by white
 * space and commas, except inside { } (inline tables).  Allocated; NULL
 * at the end.
 */
static char *
next_word(const char **pp)
{
	const char	*p = *pp, *s;
	int		 level = 0;

	while (*p != '\0' && (cf_issep((unsigned char)*p) || *p == ','))
		p++;
	if (*p == '\0') {
		*pp = p;
		return NULL;
	}
	for (s = p; *p != '\0'; p++) {
		if (*p == '{')
			level++;
		else if (*p == '}' && level > 0)
			level--;
		else if (level == 0 && (cf_issep((unsigned char)*p) ||
		    *p == ','))
			break;
	}
	*pp = p;
	return xstrndup(s, (size_t)(p - s));
}

static int
is_restriction_list(struct lint *l, const char *name)
{
	static const char *const lists[] = {
		"smtpd_client_restrictions", "smtpd_helo_restrictions",
		"smtpd_sender_restrictions", "smtpd_relay_restrictions",
		"smtpd_recipient_restrictions", "smtpd_data_restrictions",
		"smtpd_end_of_data_restrictions", "smtpd_etrn_restrictions",
		NULL
	};
	size_t	 i;

	for (i = 0; lists[i] != NULL; i++)
		if (strcmp(lists[i], name) == 0)
			return 1;
	return strmap_get(&l->classes, name) != NULL;
}

/* check_value - what a parameter's (expanded) value may be */
static void
check_value(struct lint *l, const struct cf_file *f, size_t line,
    const char *where, const char *name, const char *value)
{
	const char	*def, *p;
	char		*w, *last = NULL;
	int		 skip = 0;

	if (strcmp(name, "unknown_address_tempfail_action") == 0 ||
	    strcmp(name, "unknown_helo_hostname_tempfail_action") == 0 ||
	    strcmp(name, "unverified_recipient_tempfail_action") == 0 ||
	    strcmp(name, "unverified_sender_tempfail_action") == 0) {
		if (strcasecmp(value, "defer") != 0 &&
		    strcasecmp(value, "defer_if_permit") != 0)
			finding(l, DIAG_ERR, f, line, "smtpd-fatal", "%s%s = "
			    "%s: smtpd dies (\"bad configuration\"); it "
			    "takes defer or defer_if_permit", where, name,
			    value);
		return;
	}
	if (strcmp(name, "smtpd_tls_security_level") == 0) {
		if (strcasecmp(value, "verify") == 0 ||
		    strcasecmp(value, "secure") == 0 ||
		    strcasecmp(value, "fprint") == 0)
			finding(l, DIAG_WARN, f, line, "bad-value", "%s%s = %s: "
			    "a client-side level; smtpd warns and uses "
			    "encrypt", where, name, value);
		else if (*value != '\0' && strcasecmp(value, "none") != 0 &&
		    strcasecmp(value, "may") != 0 &&
		    strcasecmp(value, "encrypt") != 0)
			finding(l, DIAG_ERR, f, line, "bad-value", "%s%s = %s: "
			    "smtpd takes none, may or encrypt", where, name,
			    value);
		return;
	}
	/* Not a yes/no parameter, though its default is "no". */
	if (strcmp(name, "smtpd_forbid_bare_newline") == 0) {
		if (strcasecmp(value, "yes") != 0 &&
		    strcasecmp(value, "no") != 0 &&
		    strcasecmp(value, "normalize") != 0 &&
		    strcasecmp(value, "reject") != 0)
			finding(l, DIAG_ERR, f, line, "bad-value", "%s%s = %s: "
			    "smtpd takes normalize, reject, yes or no", where,
			    name, value);
		return;
	}
	if (strcmp(name, "smtpd_enforce_tls") == 0)
		finding(l, DIAG_WARN, f, line, "deprecated", "%s%s is "
		    "deprecated: use smtpd_tls_security_level = encrypt",
		    where, name);
	def = conf_default(l->c, name);
	if (def != NULL && (strcmp(def, "yes") == 0 ||
	    strcmp(def, "no") == 0)) {
		if (strcasecmp(value, "yes") != 0 &&
		    strcasecmp(value, "no") != 0)
			finding(l, DIAG_ERR, f, line, "bad-value", "%s%s = %s: "
			    "Postfix takes yes or no here", where, name,
			    value);
		return;
	}
	if (!is_restriction_list(l, name))
		return;
	for (p = value; (w = next_word(&p)) != NULL; free(w)) {
		if (skip) {
			skip = 0;
			continue;
		}
		if (known_restriction(w)) {
			if ((skip = takes_argument(w)) != 0) {
				free(last);
				last = xstrdup(w);
			}
			continue;
		}
		if (strchr(w, ':') != NULL || strmap_get(&l->classes, w))
			continue;
		finding(l, DIAG_ERR, f, line, "unknown-restriction", "%s%s: "
		    "unknown restriction \"%s\"; smtpd answers 451 Server "
		    "configuration error", where, name, w);
	}
	if (skip)
		finding(l, DIAG_ERR, f, line, "smtpd-fatal", "%s%s: %s needs "
		    "an argument after it (%s); smtpd answers 451 4.3.5 "
		    "Server configuration error to every client that reaches "
		    "it", where, name, last, strcasecmp(last, "sleep") == 0 ?
		    "a number of seconds" : strcasecmp(last,
		    "check_policy_service") == 0 ? "inet:host:port or "
		    "unix:path" : strncasecmp(last, "check_", 6) == 0 ?
		    "a table, type:name" : "a domain name");
	free(last);
}

/* Expansion and values of main.cf. */
static void
lint_main(struct lint *l)
{
	struct exp_result	 res;
	const struct mp_param	*p;
	const struct cf_file	*f = &l->c->main.cf;
	size_t			 i;

	for (i = 0; i < l->c->main.npar; i++) {
		p = &l->c->main.par[i];
		if (p->shadowed)
			continue;
		if (exp_is_raw(p->name)) {
			check_value(l, f, p->line, "", p->name, p->value);
			continue;
		}
		conf_expand_main(l->c, p->value, &res);
		if (res.error != NULL)
			finding(l, DIAG_ERR, f, p->line, res.depth ?
			    "expand-loop" : "expand-syntax", "%.60s: %s",
			    p->name, res.error);
		else {
			if (res.undef != NULL)
				finding(l, DIAG_WARN, f, p->line,
				    "undefined-parameter", "%.60s refers to "
				    "$%.60s, which is not defined", p->name,
				    res.undef);
			check_value(l, f, p->line, "", p->name, res.text);
		}
		exp_result_free(&res);
	}
}

/*
 * What each Postfix daemon takes after its options.  Most take nothing
 * and die on any word ("unexpected command-line argument"); smtp(8) and
 * lmtp(8) take flags= (Postfix 3.5), pipe(8) and spawn(8) a list of
 * name=value attributes ending in argv=, and die on any other ("unknown
 * attribute name").  Attribute names are compared without regard to
 * case, as the daemons do.
 */
static const char *const no_attrs[] = { NULL };
static const char *const smtp_attrs[] = { "flags=", NULL };
static const char *const pipe_attrs[] = { "flags=", "user=", "directory=",
	"chroot=", "eol=", "null_sender=", "size=", "argv=", NULL };
static const char *const spawn_attrs[] = { "user=", "argv=", NULL };
static const struct daemon {
	const char		*name;
	const char *const	*attrs;
	const char		*flags;	/* the letters flags= takes */
	int			 needs;	/* user= and argv= required */
} daemons[] = {
	{ "smtpd", no_attrs, NULL, 0 }, { "postscreen", no_attrs, NULL, 0 },
	{ "tlsproxy", no_attrs, NULL, 0 }, { "dnsblog", no_attrs, NULL, 0 },
	{ "cleanup", no_attrs, NULL, 0 }, { "qmgr", no_attrs, NULL, 0 },
	{ "oqmgr", no_attrs, NULL, 0 }, { "pickup", no_attrs, NULL, 0 },
	{ "local", no_attrs, NULL, 0 }, { "virtual", no_attrs, NULL, 0 },
	{ "bounce", no_attrs, NULL, 0 },
	{ "trivial-rewrite", no_attrs, NULL, 0 },
	{ "showq", no_attrs, NULL, 0 }, { "error", no_attrs, NULL, 0 },
	{ "discard", no_attrs, NULL, 0 }, { "anvil", no_attrs, NULL, 0 },
	{ "scache", no_attrs, NULL, 0 }, { "tlsmgr", no_attrs, NULL, 0 },
	{ "verify", no_attrs, NULL, 0 }, { "flush", no_attrs, NULL, 0 },
	{ "proxymap", no_attrs, NULL, 0 }, { "postlogd", no_attrs, NULL, 0 },
	{ "qmqpd", no_attrs, NULL, 0 },
	{ "smtp", smtp_attrs, "DORX", 0 }, { "lmtp", smtp_attrs, "DORX", 0 },
	{ "pipe", pipe_attrs, "BDFORXhqu.>", 1 },
	{ "spawn", spawn_attrs, NULL, 1 },
};

/* daemon_of - the row of the Postfix daemon cmd runs, or NULL */
static const struct daemon *
daemon_of(const char *cmd)
{
	const char	*b = strrchr(cmd, '/');
	size_t		 i;

	b = b != NULL ? b + 1 : cmd;
	for (i = 0; i < sizeof(daemons) / sizeof(daemons[0]); i++)
		if (strcmp(daemons[i].name, b) == 0)
			return &daemons[i];
	return NULL;
}

/* attr_of - the attribute name= that word starts with, or NULL */
static const char *
attr_of(const struct daemon *dm, const char *w)
{
	size_t	 i;

	for (i = 0; dm->attrs[i] != NULL; i++)
		if (strncasecmp(w, dm->attrs[i], strlen(dm->attrs[i])) == 0)
			return dm->attrs[i];
	return NULL;
}

/* lint_arguments - the words after a daemon's options, as it reads them */
static void
lint_arguments(struct lint *l, const struct mc_service *s)
{
	const struct daemon *dm = daemon_of(s->field[MCF_COMMAND]);
	const struct cf_file *f = &l->c->master.cf;
	const char	*svc = s->field[MCF_SERVICE], *a, *w, *cp;
	size_t		 k, off, line;
	int		 user = 0, argv = 0;

	if (dm == NULL)
		return;
	for (k = s->pos; k < s->ntok && !argv; k++) {
		w = s->tok[k].text;
		line = s->pc[cf_map(s->pc, s->npc, s->tok[k].off, &off)].line;
		if ((a = attr_of(dm, w)) == NULL) {
			if (dm->attrs[0] == NULL)
				finding(l, DIAG_ERR, f, line, "stray-argument",
				    "service %.60s: \"%.40s\" is not an -o "
				    "option; %s dies on it (an uncommented "
				    "comment?)", svc, w, s->field[MCF_COMMAND]);
			else
				finding(l, DIAG_ERR, f, line, "stray-argument",
				    "service %.60s: \"%.40s\" is not an "
				    "attribute %s takes (%s...); it dies with "
				    "\"unknown attribute name\"", svc, w,
				    dm->name, dm->attrs[0]);
			return;
		}
		if (strcmp(a, "user=") == 0)
			user = 1;
		else if (strcmp(a, "argv=") == 0)
			argv = 1;
		else if (strcmp(a, "flags=") == 0 && dm->flags != NULL) {
			for (cp = w + strlen(a); *cp != '\0'; cp++)
				if (strchr(dm->flags, *cp) == NULL) {
					finding(l, DIAG_ERR, f, line,
					    "stray-argument", "service %.60s: "
					    "%s has no flag '%c' (it takes "
					    "%s); it dies on it", svc,
					    dm->name, *cp, dm->flags);
					break;
				}
		}
	}
	if (dm->needs && (!user || !argv))
		finding(l, DIAG_ERR, f, s->first, "stray-argument", "service "
		    "%.60s: %s needs %s; it dies without", svc, dm->name,
		    !user && !argv ? "user= and argv=" : !user ? "user=" :
		    "argv=");
}

/* effective - a service's value of name: override, main.cf, default */
static char *
effective(struct lint *l, const struct mc_service *s, const char *name)
{
	struct exp_result	 res;
	const struct mc_override *o;
	const struct mp_param	*p;
	const char		*v;
	char			*r;

	if ((o = mc_find_override(s, name)) != NULL)
		v = o->value;
	else if ((p = mp_get(&l->c->main, name)) != NULL)
		v = p->value;
	else if ((v = conf_default(l->c, name)) == NULL)
		v = "";
	conf_expand_service(l->c, s, v, &res);
	r = res.error != NULL ? xstrdup(v) : xstrdup(res.text);
	exp_result_free(&res);
	return r;
}

static void
lint_service(struct lint *l, const struct mc_service *s)
{
	struct exp_result	 res;
	const struct mc_override *o;
	const struct cf_file	*f = &l->c->master.cf;
	const char		*svc = s->field[MCF_SERVICE];
	char			*where, *sasl, *level, *wrap, *enforce;
	size_t			 k;

	if (strcmp(s->field[MCF_TYPE], "inet") == 0 &&
	    strcmp(s->field[MCF_PRIVATE], "n") != 0)
		finding(l, DIAG_ERR, f, s->first, "inet-private", "service "
		    "%.60s/inet: private is \"%s\"; master(8) refuses a "
		    "private inet service: make it n", svc,
		    s->field[MCF_PRIVATE]);
	if (strcmp(s->field[MCF_COMMAND], "-") == 0)
		finding(l, DIAG_ERR, f, s->first, "master-refuses", "service "
		    "%.60s: no command; master(8) refuses \"-\" there", svc);
	if (strcmp(s->field[MCF_WAKEUP], "-") != 0 &&
	    (s->field[MCF_WAKEUP][0] < '0' || s->field[MCF_WAKEUP][0] > '9'))
		finding(l, DIAG_ERR, f, s->first, "master-refuses", "service "
		    "%.60s: wakeup \"%s\"; master(8) wants a number", svc,
		    s->field[MCF_WAKEUP]);
	lint_arguments(l, s);
	where = xprintf("%s/%s: -o ", svc, s->field[MCF_TYPE]);
	for (k = 0; k < s->nov; k++) {
		o = &s->ov[k];
		if (mc_find_override(s, o->name) != o)
			continue;	/* a later one wins */
		if (exp_is_raw(o->name)) {
			check_value(l, f, o->line, where, o->name, o->value);
			continue;
		}
		conf_expand_service(l->c, s, o->value, &res);
		if (res.error != NULL)
			finding(l, DIAG_ERR, f, o->line, res.depth ?
			    "expand-loop" : "expand-syntax", "-o %.60s: %s",
			    o->name, res.error);
		else {
			if (res.undef != NULL)
				finding(l, DIAG_WARN, f, o->line,
				    "undefined-parameter", "-o %.60s refers "
				    "to $%.60s, which is not defined", o->name,
				    res.undef);
			check_value(l, f, o->line, where, o->name, res.text);
		}
		exp_result_free(&res);
	}
	free(where);

	if (mc_is_submission(s) == 0 || strcmp(s->field[MCF_COMMAND],
	    "smtpd") != 0)
		return;
	sasl = effective(l, s, "smtpd_sasl_auth_enable");
	level = effective(l, s, "smtpd_tls_security_level");
	wrap = effective(l, s, "smtpd_tls_wrappermode");
	if (strcasecmp(sasl, "yes") != 0)
		finding(l, DIAG_WARN, f, s->first, "submission-sasl",
		    "submission service %.60s: smtpd_sasl_auth_enable is not "
		    "yes, so clients cannot log in", svc);
	/* smtpd_enforce_tls counts only while the level is empty. */
	enforce = effective(l, s, "smtpd_enforce_tls");
	if (strcasecmp(level, "encrypt") != 0 &&
	    strcasecmp(level, "verify") != 0 &&
	    strcasecmp(level, "secure") != 0 &&
	    strcasecmp(level, "fprint") != 0 &&
	    strcasecmp(wrap, "yes") != 0 &&
	    (*level != '\0' || strcasecmp(enforce, "yes") != 0)) {
		/*
		 * smtpd reads smtpd_enforce_tls only while the level is
		 * empty: a main.cf "may" (Debian's) turns an Apple-style
		 * -o smtpd_enforce_tls=yes off.
		 */
		if (strcasecmp(enforce, "yes") == 0)
			finding(l, DIAG_WARN, f, s->first, "submission-tls",
			    "submission service %.60s: TLS is not required: "
			    "smtpd_enforce_tls = yes counts only while "
			    "smtpd_tls_security_level is empty, and it is "
			    "\"%.20s\" here; add -o smtpd_tls_security_level="
			    "encrypt", svc, level);
		else
			finding(l, DIAG_WARN, f, s->first, "submission-tls",
			    "submission service %.60s: TLS is not required "
			    "(smtpd_tls_security_level = encrypt, or "
			    "smtpd_tls_wrappermode = yes): passwords may "
			    "cross the network in clear text", svc);
	}
	free(sasl);
	free(level);
	free(enforce);
	free(wrap);
}

/*
 * Two live services on one port.  master(8) keys inet services by
 * address and port: the same key twice means the last wins; a service
 * on all addresses next to one on a single address of the same port
 * cannot both bind.  Sorted by port, then file order; each service is
 * compared with the last one before it of its address (duplicate) and
 * with the last one before it of the other kind (port-conflict), so
 * that n services on one port cost n log n, and say n things, not n^2.
 */
struct portent {
	int		 port;
	size_t		 svc;
	char		*host;	/* owned */
};

static int
portent_cmp(const void *a, const void *b)
{
	const struct portent *x = a, *y = b;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return x->svc < y->svc ? -1 : x->svc > y->svc;
}

static void
lint_ports(struct lint *l)
{
	const struct mc_service *a, *b;
	struct portent	*pe;
	struct strmap	 last;		/* "port host" -> index+1 */
	char		*host, *port, *key;
	size_t		 i, n = 0, start = 0, lastwild = 0, lastone = 0;
	intptr_t	 prev;
	int		 num;

	pe = xreallocarray(NULL, l->c->master.nsvc + 1, sizeof(*pe));
	for (i = 0; i < l->c->master.nsvc; i++) {
		a = &l->c->master.svc[i];
		if (!a->enabled || strcmp(a->field[MCF_TYPE], "inet") != 0)
			continue;
		num = mc_port_of(a->field[MCF_SERVICE], &host, &port);
		free(port);
		if (num < 0) {
			free(host);
			continue;
		}
		pe[n].port = num;
		pe[n].svc = i;
		pe[n].host = host;
		n++;
	}
	qsort(pe, n, sizeof(*pe), portent_cmp);
	strmap_init(&last);
	for (i = 0; i < n; i++) {
		if (i == 0 || pe[i].port != pe[i - 1].port) {
			start = i;
			lastwild = lastone = 0;	/* index + 1 in pe */
		}
		a = &l->c->master.svc[pe[i].svc];
		key = xprintf("%d %s", pe[i].port, pe[i].host);
		prev = (intptr_t)strmap_get(&last, key);
		if (prev != 0 && (size_t)prev - 1 >= start) {
			b = &l->c->master.svc[pe[prev - 1].svc];
			if (strcmp(a->field[MCF_SERVICE],
			    b->field[MCF_SERVICE]) != 0)
				finding(l, DIAG_WARN, &l->c->master.cf,
				    a->first, "duplicate-service", "%.60s/inet "
				    "and %.60s/inet (line %zu) are both port "
				    "%d; master(8) uses only the last",
				    a->field[MCF_SERVICE],
				    b->field[MCF_SERVICE], b->first + 1,
				    pe[i].port);
		}
		strmap_put(&last, key, (void *)(intptr_t)(i + 1));
		free(key);
		prev = (intptr_t)(*pe[i].host == '\0' ? lastone : lastwild);
		if (prev != 0) {
			b = &l->c->master.svc[pe[prev - 1].svc];
			finding(l, DIAG_ERR, &l->c->master.cf, a->first,
			    "port-conflict", "%.60s/inet and %.60s/inet (line "
			    "%zu) both listen on port %d, one on all "
			    "addresses: the second cannot bind",
			    a->field[MCF_SERVICE], b->field[MCF_SERVICE],
			    b->first + 1, pe[i].port);
		}
		if (*pe[i].host == '\0')
			lastwild = i + 1;
		else
			lastone = i + 1;
	}
	strmap_free(&last);
	for (i = 0; i < n; i++)
		free(pe[i].host);
	free(pe);
}

/* Two live entries with one name and type: master(8) uses the last. */
static void
lint_duplicates(struct lint *l)
{
	const struct mc_service *a, *b;
	struct strmap	 seen;
	char		*key;
	size_t		 i;
	intptr_t	 prev;

	strmap_init(&seen);
	for (i = 0; i < l->c->master.nsvc; i++) {
		a = &l->c->master.svc[i];
		if (!a->enabled)
			continue;
		key = xprintf("%s/%s", a->field[MCF_SERVICE],
		    a->field[MCF_TYPE]);
		if ((prev = (intptr_t)strmap_get(&seen, key)) != 0) {
			b = &l->c->master.svc[prev - 1];
			finding(l, DIAG_WARN, &l->c->master.cf, a->first,
			    "duplicate-service", "service %.60s is also "
			    "defined on line %zu; master(8) uses only the "
			    "last", key, b->first + 1);
		}
		strmap_put(&seen, key, (void *)(intptr_t)(i + 1));
		free(key);
	}
	strmap_free(&seen);
}

/* restriction_classes - the names smtpd_restriction_classes defines */
static void
restriction_classes(struct lint *l)
{
	struct exp_result	 res;
	const struct mp_param	*p;
	const char		*v;
	char			*w;

	if ((p = mp_get(&l->c->main, "smtpd_restriction_classes")) == NULL)
		return;
	conf_expand_main(l->c, p->value, &res);
	for (v = res.text; (w = next_word(&v)) != NULL; free(w))
		strmap_put(&l->classes, w, (void *)1);
	exp_result_free(&res);
}

/*
 * The rules below look at live smtpd services, the way each smtpd sees
 * its settings: -o, then main.cf, then Postfix's default.
 */
static int
is_smtpd(const struct mc_service *s)
{
	const struct daemon *dm;

	return s->enabled && (dm = daemon_of(s->field[MCF_COMMAND])) !=
	    NULL && strcmp(dm->name, "smtpd") == 0;
}

static int
is_yes(const char *v)
{
	return strcasecmp(v, "yes") == 0;
}

/* yes - is a service's yes/no parameter yes? */
static int
yes(struct lint *l, const struct mc_service *s, const char *name)
{
	char	*v = effective(l, s, name);
	int	 r = is_yes(v);

	free(v);
	return r;
}

/*
 * origin - where a service's value of name is written: its -o, the
 * main.cf line, or (a default) the service's first line
 */
static void
origin(struct lint *l, const struct mc_service *s, const char *name,
    const struct cf_file **f, size_t *line)
{
	const struct mc_override *o;
	const struct mp_param	*p;

	if ((o = mc_find_override(s, name)) != NULL) {
		*f = &l->c->master.cf;
		*line = o->line;
	} else if ((p = mp_get(&l->c->main, name)) != NULL) {
		*f = &l->c->main.cf;
		*line = p->line;
	} else {
		*f = &l->c->master.cf;
		*line = s->first;
	}
}

/* is_set - does the service or main.cf set name (not the default)? */
static int
is_set(struct lint *l, const struct mc_service *s, const char *name)
{
	return mc_find_override(s, name) != NULL ||
	    mp_get(&l->c->main, name) != NULL;
}

/*
 * once - a system finding about one file or socket is made once, at the
 * first service that leads to it; returns 1 the first time
 */
static int
once(struct lint *l, const char *rule, const char *what)
{
	char	*k = xprintf("%s\t%s", rule, what);
	int	 first = strmap_get(&l->said, k) == NULL;

	if (first)
		strmap_put(&l->said, k, (void *)1);
	free(k);
	return first;
}

/* in_queue - path as smtpd opens it: relative to queue_directory */
static char *
in_queue(struct lint *l, const struct mc_service *s, const char *path)
{
	char	*q, *r;

	if (path[0] == '/')
		return xstrdup(path);
	q = effective(l, s, "queue_directory");
	r = xprintf("%s/%s", q, path);
	free(q);
	return r;
}

/* walk_begin - a new walk through restriction lists and their classes */
static void
walk_begin(struct lint *l)
{
	strmap_free(&l->walked);
	strmap_init(&l->walked);
}

/*
 * class_value - a restriction class's expanded definition, or NULL; also
 * NULL for a class already entered in this walk, which says nothing new
 * (and classes naming each other four times over would otherwise cost
 * 4^depth)
 */
static char *
class_value(struct lint *l, const char *name)
{
	struct exp_result	 res;
	const struct mp_param	*p;
	char			*r;

	if (strmap_get(&l->classes, name) == NULL ||
	    strmap_get(&l->walked, name) != NULL ||
	    (p = mp_get(&l->c->main, name)) == NULL)
		return NULL;
	strmap_put(&l->walked, name, (void *)1);
	conf_expand_main(l->c, p->value, &res);
	r = xstrdup(res.error != NULL ? p->value : res.text);
	exp_result_free(&res);
	return r;
}

/* The restrictions that smtpd_check.c counts as rejecting relay mail. */
static int
is_required(const char *w)
{
	static const char *const req[] = { "reject_unauth_destination",
	    "defer_unauth_destination", "reject", "defer", "defer_if_permit",
	    "check_relay_domains", NULL };
	size_t	 i;

	for (i = 0; req[i] != NULL; i++)
		if (strcasecmp(req[i], w) == 0)
			return 1;
	return 0;
}

/*
 * has_required - smtpd_check.c's test: a rejecting restriction before
 * any "permit", looking into restriction classes
 */
static int
has_required(struct lint *l, const char *value, int depth)
{
	const char	*p;
	char		*w, *v;
	int		 r = 0, skip = 0;

	for (p = value; r == 0 && (w = next_word(&p)) != NULL; free(w)) {
		if (skip) {
			skip = 0;
			continue;
		}
		if (strcasecmp(w, "warn_if_reject") == 0) {
			skip = 1;
			continue;
		}
		if (strcasecmp(w, "permit") == 0) {
			free(w);
			return 0;
		}
		if (is_required(w))
			r = 1;
		else if (depth < 20 && (v = class_value(l, w)) != NULL) {
			r = has_required(l, v, depth + 1);
			free(v);
		}
	}
	return r;
}

/*
 * smtpd-fatal: what makes smtpd exit at its start (master(8) then logs
 * "process ... exit status 1" for every connection and the client sees
 * a dropped connection).
 */
static void
rule_smtpd_fatal(struct lint *l)
{
	const struct mc_service *s;
	const struct cf_file *f;
	const struct mp_param *p, *def;
	const char	*v;
	char		*relay, *rcpt, *type, *path, *w;
	size_t		 i, line;
	int		 any = 0, a;

	for (i = 0; i < l->c->master.nsvc; i++) {
		s = &l->c->master.svc[i];
		if (!is_smtpd(s))
			continue;
		any = 1;
		relay = effective(l, s, "smtpd_relay_restrictions");
		rcpt = effective(l, s, "smtpd_recipient_restrictions");
		walk_begin(l);
		a = has_required(l, relay, 0);
		walk_begin(l);
		if (!a && !has_required(l, rcpt, 0)) {
			origin(l, s, "smtpd_relay_restrictions", &f, &line);
			finding(l, DIAG_ERR, f, line, "smtpd-fatal",
			    "%.60s/%s: neither smtpd_relay_restrictions nor "
			    "smtpd_recipient_restrictions rejects anything "
			    "before a permit, and smtpd dies (\"specify at "
			    "least one working instance of: "
			    "reject_unauth_destination, ...\"): end "
			    "smtpd_relay_restrictions with "
			    "reject_unauth_destination, or with reject on a "
			    "submission service", s->field[MCF_SERVICE],
			    s->field[MCF_TYPE]);
		}
		free(relay);
		free(rcpt);
		if (!yes(l, s, "smtpd_sasl_auth_enable"))
			continue;
		type = effective(l, s, "smtpd_sasl_type");
		path = effective(l, s, "smtpd_sasl_path");
		v = strncmp(path, "unix:", 5) == 0 ? path + 5 : path;
		if (strcasecmp(type, "dovecot") == 0 && v[0] == '/' &&
		    strcmp(s->field[MCF_CHROOT], "y") == 0) {
			origin(l, s, "smtpd_sasl_path", &f, &line);
			finding(l, DIAG_ERR, f, line, "smtpd-fatal",
			    "%.60s/%s: smtpd_sasl_path = %s is absolute, but "
			    "smtpd runs chrooted in queue_directory, where "
			    "that path is not; smtpd dies (\"no SASL "
			    "authentication mechanisms\"): give the path "
			    "relative to "
			    "queue_directory (private/auth), or set the chroot "
			    "column to n", s->field[MCF_SERVICE],
			    s->field[MCF_TYPE], path);
		}
		free(type);
		free(path);
	}
	/* smtpd parses every class when it starts. */
	if (!any || (p = mp_get(&l->c->main, "smtpd_restriction_classes")) ==
	    NULL)
		return;
	for (i = 0; i < l->classes.cap; i++) {
		if ((w = l->classes.ent[i].key) == NULL)
			continue;
		def = mp_get(&l->c->main, w);
		if (def == NULL || *def->value == '\0')
			finding(l, DIAG_ERR, &l->c->main.cf, p->line,
			    "smtpd-fatal", "restriction class %.60s has no "
			    "definition in main.cf; smtpd dies (\"restriction "
			    "class `%.60s' needs a definition\"): add %.60s = "
			    "its restrictions, or take it out of "
			    "smtpd_restriction_classes", w, w, w);
	}
}

/*
 * wide - does mynetworks take in a large part of the Internet (shorter
 * than a /8, as 10.0.0.0/8 and 127.0.0.0/8 are not)?
 */
static int
wide(const char *mynetworks)
{
	const char	*p, *slash, *err;
	char		*w;
	long long	 len;
	int		 r = 0;

	for (p = mynetworks; r == 0 && (w = next_word(&p)) != NULL; free(w)) {
		if ((slash = strrchr(w, '/')) == NULL)
			continue;
		len = strtonum(slash + 1, 0, 128, &err);
		if (err != NULL)
			continue;
		r = strchr(w, ':') != NULL ? len < 16 : len < 8;
	}
	return r;
}

enum { V_DUNNO, V_PERMIT, V_REJECT };

/*
 * relay_verdict - what a restriction list does to a client that has not
 * logged in and sends to a foreign domain: reject it, permit it (*what
 * says by what), or neither
 */
static int
relay_verdict(struct lint *l, const char *value, int widenet, int depth,
    char **what)
{
	const char	*p;
	char		*w, *v;
	int		 r = V_DUNNO, skip = 0;

	for (p = value; r == V_DUNNO && (w = next_word(&p)) != NULL;
	    free(w)) {
		if (skip) {
			skip = 0;
			continue;
		}
		if (strcasecmp(w, "warn_if_reject") == 0 ||
		    (known_restriction(w) && takes_argument(w))) {
			skip = 1;
			continue;
		}
		if (strcasecmp(w, "permit") == 0 || (widenet &&
		    strcasecmp(w, "permit_mynetworks") == 0)) {
			*what = xstrdup(w);
			r = V_PERMIT;
		} else if (is_required(w))
			r = V_REJECT;
		else if (depth < 20 && (v = class_value(l, w)) != NULL) {
			r = relay_verdict(l, v, widenet, depth + 1, what);
			free(v);
		}
	}
	return r;
}

/*
 * open-relay: a submission or SASL service is there for clients that
 * log in; one whose lists let anyone else relay is an open relay.
 * Neither list deciding is smtpd-fatal's case.
 */
static void
rule_open_relay(struct lint *l)
{
	const struct mc_service *s;
	const struct cf_file *f;
	char		*relay, *rcpt, *net, *what = NULL;
	size_t		 i, line;
	int		 a, b, widenet;

	for (i = 0; i < l->c->master.nsvc; i++) {
		s = &l->c->master.svc[i];
		if (!is_smtpd(s) || (mc_is_submission(s) == 0 &&
		    !yes(l, s, "smtpd_sasl_auth_enable")))
			continue;
		relay = effective(l, s, "smtpd_relay_restrictions");
		rcpt = effective(l, s, "smtpd_recipient_restrictions");
		net = effective(l, s, "mynetworks");
		widenet = wide(net);
		walk_begin(l);
		a = relay_verdict(l, relay, widenet, 0, &what);
		b = V_DUNNO;
		walk_begin(l);
		if (a != V_REJECT)
			b = relay_verdict(l, rcpt, widenet, 0, &what);
		if (a != V_REJECT && b != V_REJECT &&
		    (a == V_PERMIT || b == V_PERMIT)) {
			origin(l, s, a == V_PERMIT ?
			    "smtpd_relay_restrictions" :
			    "smtpd_recipient_restrictions", &f, &line);
			finding(l, DIAG_ERR, f, line, "open-relay", "%.60s/%s: "
			    "an open relay: %s reaches \"%s\"%s%s before "
			    "anything rejects, so a client that has not "
			    "logged in may send mail to any domain; make it "
			    "smtpd_relay_restrictions="
			    "permit_sasl_authenticated,reject",
			    s->field[MCF_SERVICE],
			    s->field[MCF_TYPE], a == V_PERMIT ?
			    "smtpd_relay_restrictions" :
			    "smtpd_recipient_restrictions", what,
			    widenet && strcasecmp(what, "permit_mynetworks") ==
			    0 ? " with mynetworks = " : "", widenet &&
			    strcasecmp(what, "permit_mynetworks") == 0 ? net :
			    "");
		}
		free(what);
		what = NULL;
		free(relay);
		free(rcpt);
		free(net);
	}
}

/* What two submission services should agree on. */
static const char *const same_params[] = {
	"smtpd_client_restrictions", "smtpd_helo_restrictions",
	"smtpd_sender_restrictions", "smtpd_relay_restrictions",
	"smtpd_recipient_restrictions", "smtpd_data_restrictions",
	"smtpd_end_of_data_restrictions", "smtpd_sasl_auth_enable",
	"smtpd_sasl_type", "smtpd_sasl_path", "smtpd_sasl_security_options",
	"smtpd_sender_login_maps", "smtpd_tls_cert_file",
	"smtpd_tls_key_file", "smtpd_tls_chain_files", NULL
};

/* tls_required - the level smtpd works out (smtpd.c) is encrypt */
static int
tls_required(struct lint *l, const struct mc_service *s)
{
	char	*level = effective(l, s, "smtpd_tls_security_level");
	int	 r;

	if (yes(l, s, "smtpd_tls_wrappermode"))
		r = 1;
	else if (*level != '\0')
		r = strcasecmp(level, "encrypt") == 0 ||
		    strcasecmp(level, "verify") == 0 ||
		    strcasecmp(level, "secure") == 0 ||
		    strcasecmp(level, "fprint") == 0;
	else
		r = yes(l, s, "smtpd_enforce_tls");
	free(level);
	return r;
}

/*
 * submission-differ: 587 and 465 are two doors to one service; a
 * restriction on one only is a way around it.
 */
static void
rule_submission_differ(struct lint *l)
{
	const struct mc_service *s, *first = NULL;
	struct buf	 b;
	char		*x, *y;
	size_t		 i, k;
	int		 req0 = 0;

	for (i = 0; i < l->c->master.nsvc; i++) {
		s = &l->c->master.svc[i];
		if (!is_smtpd(s) || mc_is_submission(s) == 0)
			continue;
		if (first == NULL) {
			first = s;
			req0 = tls_required(l, s);
			continue;
		}
		buf_init(&b);
		buf_adds(&b, "");
		for (k = 0; same_params[k] != NULL; k++) {
			x = effective(l, first, same_params[k]);
			y = effective(l, s, same_params[k]);
			if (strcmp(x, y) != 0)
				buf_printf(&b, "%s%s", b.len > 0 ? ", " : "",
				    same_params[k]);
			free(x);
			free(y);
		}
		if (tls_required(l, s) != req0)
			buf_printf(&b, "%swhether TLS is required",
			    b.len > 0 ? ", " : "");
		if (b.len > 0)
			finding(l, DIAG_WARN, &l->c->master.cf, s->first,
			    "submission-differ", "submission services "
			    "%.60s/inet and %.60s/inet (line %zu) differ in "
			    "%s: a client refused on one may be accepted on "
			    "the other; give both the same settings",
			    s->field[MCF_SERVICE], first->field[MCF_SERVICE],
			    first->first + 1, b.p);
		buf_free(&b);
	}
}

/*
 * unknown-parameter: postconf's "unused parameter": a name that is not
 * Postfix's, not a restriction class, not the prefix of a database
 * client's settings, and that nothing refers to as $name.
 */
struct used {
	struct strmap	 names;		/* referred to as $name */
	struct strmap	 prefixes;	/* "name_" of ldap:name, etc. */
};

static void
note_name(const char *name, size_t len, void *arg)
{
	struct used	*u = arg;
	char		*n = xstrndup(name, len);

	strmap_put(&u->names, n, (void *)1);
	free(n);
}

static void
note_value(struct used *u, const char *value)
{
	static const char *const dbms[] = { "ldap:", "mysql:", "pgsql:",
	    "sqlite:", "memcache:", "mongodb:", NULL };
	const char	*p, *t;
	char		*w, *pre;
	size_t		 k;

	exp_names(value, note_name, u);
	for (p = value; (w = next_word(&p)) != NULL; free(w))
		for (k = 0; dbms[k] != NULL; k++)
			if ((t = strstr(w, dbms[k])) != NULL &&
			    strchr(t, '/') == NULL) {
				pre = xprintf("%s_", t + strlen(dbms[k]));
				strmap_put(&u->prefixes, pre, (void *)1);
				free(pre);
			}
}

/* distance - Levenshtein distance, cut off above 9 */
static size_t
distance(const char *a, const char *b)
{
	size_t	 row[64], i, j, la = strlen(a), lb = strlen(b), diag, up;

	if (la > 60 || lb > 60 || (la > lb ? la - lb : lb - la) > 9)
		return 10;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

/* closest - the Postfix parameter nearest to name, or NULL */
static const char *
closest(struct lint *l, const char *name)
{
	const struct strmap *m = &l->c->defaults;
	const char	*best = NULL;
	size_t		 i, d, bd = 4;

	for (i = 0; i < m->cap; i++)
		if (m->ent[i].key != NULL &&
		    (d = distance(name, m->ent[i].key)) < bd) {
			bd = d;
			best = m->ent[i].key;
		}
	return best;
}

static int
is_unused(struct lint *l, struct used *u, const char *name)
{
	const char	*us;
	char		*pre;
	int		 found = 0;

	if (conf_is_builtin(l->c, name) || strmap_get(&u->names, name) ||
	    strmap_get(&l->classes, name))
		return 0;
	/* Each "abc_" of "abc_def_x": a lookup per '_', not per table. */
	for (us = name; !found && (us = strchr(us, '_')) != NULL; us++) {
		pre = xstrndup(name, (size_t)(us - name) + 1);
		found = strmap_get(&u->prefixes, pre) != NULL;
		free(pre);
	}
	return !found;
}

static void
rule_unknown_parameter(struct lint *l)
{
	const struct mc_service *s;
	const struct mc_override *o;
	const struct mp_param *p;
	struct used	 u;
	const char	*near;
	size_t		 i, k, said = 0;

	(void)conf_default(l->c, "config_directory");
	if (!l->c->defaults_ok)
		return;		/* postconf -d did not run */
	strmap_init(&u.names);
	strmap_init(&u.prefixes);
	/* Postfix's own defaults count: smtp_fallback_relay's is
	   $fallback_relay, so a fallback_relay is used. */
	for (i = 0; i < l->c->defaults.cap; i++)
		if (l->c->defaults.ent[i].key != NULL)
			exp_names(l->c->defaults.ent[i].val, note_name, &u);
	for (i = 0; i < l->c->main.npar; i++)
		note_value(&u, l->c->main.par[i].value);
	for (i = 0; i < l->c->master.nsvc; i++)
		for (k = 0; l->c->master.svc[i].enabled &&
		    k < l->c->master.svc[i].nov; k++)
			note_value(&u, l->c->master.svc[i].ov[k].value);
	/* A suggestion costs a pass over ~1000 names: the first 50 get one. */
	for (i = 0; i < l->c->main.npar; i++) {
		p = &l->c->main.par[i];
		if (p->shadowed || !is_unused(l, &u, p->name))
			continue;
		near = said++ < 50 ? closest(l, p->name) : NULL;
		finding(l, DIAG_WARN, &l->c->main.cf, p->line,
		    "unknown-parameter", "%.60s is not a Postfix parameter and "
		    "nothing refers to it as $%.60s (postconf: \"unused "
		    "parameter\")%s%s%s", p->name, p->name, near != NULL ?
		    "; did you mean " : "", near != NULL ? near : "",
		    near != NULL ? "?" : "");
	}
	for (i = 0; i < l->c->master.nsvc; i++) {
		s = &l->c->master.svc[i];
		for (k = 0; s->enabled && k < s->nov; k++) {
			o = &s->ov[k];
			if (mc_find_override(s, o->name) != o ||
			    !is_unused(l, &u, o->name))
				continue;
			near = said++ < 50 ? closest(l, o->name) : NULL;
			finding(l, DIAG_WARN, &l->c->master.cf, o->line,
			    "unknown-parameter", "%.60s/%s: -o %.60s is not a "
			    "Postfix parameter and nothing refers to it as "
			    "$%.60s, so the service ignores it%s%s%s",
			    s->field[MCF_SERVICE], s->field[MCF_TYPE], o->name,
			    o->name, near != NULL ? "; did you mean " : "",
			    near != NULL ? near : "", near != NULL ? "?" : "");
		}
	}
	strmap_free(&u.names);
	strmap_free(&u.prefixes);
}

/*
 * sasl-type (system): smtpd_sasl_type must be a server plug-in this
 * Postfix was built with (postconf -a).
 */
static void
rule_sasl_type(struct lint *l)
{
	const struct mc_service *s;
	const struct cf_file *f;
	char		*type;
	size_t		 i, line;

	for (i = 0; i < l->c->master.nsvc; i++) {
		s = &l->c->master.svc[i];
		if (!is_smtpd(s) || !yes(l, s, "smtpd_sasl_auth_enable"))
			continue;
		type = effective(l, s, "smtpd_sasl_type");
		if (probe_postconf_has(l->c->absdir, 'a', type) == 0 &&
		    once(l, "sasl-type", type)) {
			origin(l, s, "smtpd_sasl_type", &f, &line);
			finding(l, DIAG_ERR, f, line, "sasl-type",
			    "smtpd_sasl_type = %.40s is not a SASL server "
			    "type of this Postfix (postconf -a lists them: "
			    "dovecot, cyrus); smtpd dies (\"SASL per-process "
			    "initialization failed\")", type);
		}
		free(type);
	}
}

/*
 * Where Debian's smtpd has libsasl2 look for name.conf: its patch
 * (07_sasl_config) hands libsasl2 "$config_directory/sasl:/usr/lib/sasl"
 * and nothing else; seen with strace on Debian 12's Postfix 3.7, which
 * opens those two, in that order, and not cyrus_sasl_config_path even
 * when it is set.
 */
#define CYRUS_DIRS	"%s/sasl:/usr/lib/sasl"

/* What to add to Dovecot, for the socket at %s. */
#define DOVECOT_HOWTO	"in Dovecot's conf.d/10-master.conf: service " \
			"auth { unix_listener %s { mode = 0660 user = " \
			"postfix group = postfix } }, then systemctl " \
			"reload dovecot"

/*
 * postfix_may_connect - may mail_owner connect to a socket of this owner
 * and mode (connect needs write permission)?  -1: no such user
 */
static int
postfix_may_connect(struct lint *l, const struct mc_service *s,
    const struct probe_file *pf)
{
	struct passwd	 pwd, *pw = NULL;
	char		*owner = effective(l, s, "mail_owner");
	char		 pwbuf[4096];
	int		 r = -1;

	if (getpwnam_r(owner, &pwd, pwbuf, sizeof(pwbuf), &pw) == 0 &&
	    pw != NULL)
		r = (pf->uid == pw->pw_uid && (pf->mode & 0200)) ||
		    (pf->gid == pw->pw_gid && (pf->mode & 0020)) ||
		    (pf->mode & 0002);
	free(owner);
	return r;
}

static void
dovecot_backend(struct lint *l, const struct mc_service *s)
{
	const struct probe_file *pf;
	const struct probe_auth *a;
	const struct cf_file *f;
	char		*path, *sock;
	const char	*v;
	size_t		 line;

	path = effective(l, s, "smtpd_sasl_path");
	origin(l, s, "smtpd_sasl_path", &f, &line);
	v = strncmp(path, "unix:", 5) == 0 ? path + 5 : path;
	if (strncmp(path, "inet:", 5) == 0)
		sock = xstrdup(path);
	else if (v[0] == '/' && strcmp(s->field[MCF_CHROOT], "y") == 0) {
		free(path);
		return;		/* smtpd-fatal says so */
	} else
		sock = in_queue(l, s, v);
	if (!once(l, "sasl-backend", sock))
		goto out;
	if (strncmp(sock, "inet:", 5) != 0) {
		pf = probe_file(sock);
		if (pf->kind == PROBE_NONE && pf->err != ENOENT &&
		    pf->err != ENOTDIR) {
			finding(l, DIAG_WARN, f, line, "sasl-backend",
			    "Dovecot's auth socket %s cannot be examined (%s); "
			    "run check as root", sock, strerror(pf->err));
			goto out;
		}
		if (pf->kind != PROBE_SOCK) {
			finding(l, DIAG_ERR, f, line, "sasl-backend",
			    "Dovecot's auth socket %s (smtpd_sasl_path = %s) "
			    "%s, so no client can log in; " DOVECOT_HOWTO,
			    sock, path, pf->kind == PROBE_NONE ?
			    "does not exist" : "is not a socket", sock);
			goto out;
		}
		/* We connect as root; smtpd connects as mail_owner. */
		if (postfix_may_connect(l, s, pf) == 0) {
			finding(l, DIAG_ERR, f, line, "sasl-backend",
			    "Dovecot's auth socket %s has mode %04o, owner "
			    "%lu, group %lu: smtpd, running as mail_owner, "
			    "cannot connect; " DOVECOT_HOWTO, sock,
			    (unsigned int)pf->mode, (unsigned long)pf->uid,
			    (unsigned long)pf->gid, sock);
			goto out;
		}
	}
	a = probe_dovecot(sock);
	if (!a->ok)
		finding(l, DIAG_ERR, f, line, "sasl-backend", "Dovecot's auth "
		    "service at %s does not answer: %s; smtpd fails every "
		    "login; start it (systemctl restart dovecot) and check "
		    "journalctl -u dovecot", sock, a->why);
	else if (*a->mechs == '\0')
		finding(l, DIAG_ERR, f, line, "sasl-backend", "Dovecot at %s "
		    "offers no mechanism; smtpd dies (\"no SASL "
		    "authentication mechanisms\"): set auth_mechanisms = "
		    "plain login in Dovecot", sock);
	else
		finding(l, DIAG_NOTE, f, line, "sasl-backend", "Dovecot at %s "
		    "answers and offers %s", sock, a->mechs);
out:
	free(path);
	free(sock);
}

static void
cyrus_backend(struct lint *l, const struct mc_service *s)
{
	const struct probe_cyrus *cy;
	const struct cf_file *f;
	char		*name, *dirs, *sock;
	size_t		 line;

	name = effective(l, s, "smtpd_sasl_path");
	dirs = xprintf(CYRUS_DIRS, l->c->absdir);
	origin(l, s, "smtpd_sasl_type", &f, &line);
	cy = probe_cyrus(dirs, name);
	if (!once(l, "sasl-backend", cy->file != NULL ? cy->file : name))
		goto out;
	if (cy->file == NULL)
		finding(l, DIAG_ERR, f, line, "sasl-backend", "smtpd_sasl_type "
		    "is cyrus, and no %s.conf is in %s, so every login fails "
		    "(535): create %s/sasl/%s.conf with \"pwcheck_method: "
		    "saslauthd\" and \"mech_list: PLAIN LOGIN\", or use "
		    "Dovecot (smtpd_sasl_type = dovecot, smtpd_sasl_path = "
		    "private/auth)", name, dirs, l->c->absdir, name);
	else if (!cy->readable)
		finding(l, DIAG_WARN, f, line, "sasl-backend", "%s cannot be "
		    "read; run check as root", cy->file);
	else if (cy->pwcheck == NULL)
		finding(l, DIAG_WARN, f, line, "sasl-backend", "%s names no "
		    "pwcheck_method, so Cyrus uses auxprop (sasldb2): add "
		    "\"pwcheck_method: saslauthd\" or create users with "
		    "saslpasswd2", cy->file);
	else if (strstr(cy->pwcheck, "saslauthd") != NULL) {
		sock = xstrdup(cy->saslauthd != NULL ? cy->saslauthd :
		    "/var/run/saslauthd/mux");
		/* A chrooted smtpd finds the socket in the chroot. */
		if (strcmp(s->field[MCF_CHROOT], "y") == 0) {
			char	*q = effective(l, s, "queue_directory");
			char	*t = xprintf("%s%s", q, sock);

			free(q);
			free(sock);
			sock = t;
		}
		if (probe_file(sock)->kind != PROBE_SOCK)
			finding(l, DIAG_ERR, f, line, "sasl-backend", "%s "
			    "says pwcheck_method: saslauthd, and saslauthd's "
			    "socket %s is not there, so every login fails: "
			    "apt-get install sasl2-bin, set START=yes (and, "
			    "for a chrooted smtpd, OPTIONS=\"-c -m "
			    "/var/spool/postfix/var/run/saslauthd\") in "
			    "/etc/default/saslauthd, then systemctl restart "
			    "saslauthd", cy->file, sock);
		free(sock);
	}
out:
	free(name);
	free(dirs);
}

/*
 * sasl-backend (system): something must answer smtpd's questions about
 * passwords: Dovecot's auth socket, or Cyrus's smtpd.conf and what it
 * names.
 */
static void
rule_sasl_backend(struct lint *l)
{
	const struct mc_service *s;
	char		*type;
	size_t		 i;

	for (i = 0; i < l->c->master.nsvc; i++) {
		s = &l->c->master.svc[i];
		if (!is_smtpd(s) || !yes(l, s, "smtpd_sasl_auth_enable"))
			continue;
		type = effective(l, s, "smtpd_sasl_type");
		if (strcasecmp(type, "dovecot") == 0)
			dovecot_backend(l, s);
		else if (strcasecmp(type, "cyrus") == 0)
			cyrus_backend(l, s);
		free(type);
	}
}

/* tls_used - does smtpd load its certificate (smtpd.c's var_smtpd_use_tls) */
static int
tls_used(struct lint *l, const struct mc_service *s)
{
	char	*level = effective(l, s, "smtpd_tls_security_level");
	int	 r;

	if (yes(l, s, "smtpd_tls_wrappermode"))
		r = 1;
	else if (*level != '\0')
		r = strcasecmp(level, "none") != 0;
	else
		r = yes(l, s, "smtpd_use_tls") ||
		    yes(l, s, "smtpd_enforce_tls");
	free(level);
	return r;
}

static void
tls_pair(struct lint *l, const struct mc_service *s, const char *param,
    const char *cert, const char *key, const char *host)
{
	const struct probe_tls *t;
	const struct cf_file *f;
	size_t		 k, line;

	const char	*p;

	t = probe_tls(cert, key, host);
	for (k = 0; k < t->n; k++) {
		if (!once(l, "tls-files", t->text[k]))
			continue;
		/* What is wrong with the key file is the key's line. */
		p = strncmp(t->text[k], "key file", 8) == 0 &&
		    strcmp(param, "smtpd_tls_cert_file") == 0 ?
		    "smtpd_tls_key_file" : param;
		origin(l, s, p, &f, &line);
		finding(l, t->sev[k], f, line, "tls-files", "%s (%s)%s",
		    t->text[k], p, t->sev[k] == DIAG_ERR ? "; smtpd then "
		    "answers STARTTLS with 454 and no client can log in: fix "
		    "the file, or point the parameter at the right one" : "");
	}
}

/*
 * tls-files (system): the certificate and key smtpd loads, as OpenSSL
 * reads them.
 */
static void
rule_tls_files(struct lint *l)
{
	const struct mc_service *s;
	const struct cf_file *f;
	char		*chain, *cert, *key, *host, *w, *c2, *k2;
	char		**files = NULL;
	const char	*p, *pc, *pk;
	size_t		 i, k, nf, line;

	for (i = 0; i < l->c->master.nsvc; i++) {
		s = &l->c->master.svc[i];
		if (!is_smtpd(s) || !tls_used(l, s))
			continue;
		host = effective(l, s, "myhostname");
		chain = effective(l, s, "smtpd_tls_chain_files");
		cert = effective(l, s, "smtpd_tls_cert_file");
		key = effective(l, s, "smtpd_tls_key_file");
		/*
		 * The files are one concatenated PEM stream: each key
		 * directly followed by its certificate chain, in one
		 * file or in the next.
		 */
		nf = 0;
		for (p = chain; (w = next_word(&p)) != NULL; nf++) {
			files = xreallocarray(files, nf + 1, sizeof(*files));
			files[nf] = in_queue(l, s, w);
			free(w);
		}
		for (k = 0; k < nf;) {
			k = probe_chain_next(files, nf, k, &pc, &pk);
			tls_pair(l, s, "smtpd_tls_chain_files", pc, pk, host);
		}
		for (k = 0; k < nf; k++)
			free(files[k]);
		free(files);
		files = NULL;
		if (*chain == '\0' && *cert != '\0' &&
		    strcasecmp(cert, "none") != 0) {
			c2 = in_queue(l, s, cert);
			k2 = in_queue(l, s, *key != '\0' ? key : cert);
			tls_pair(l, s, "smtpd_tls_cert_file", c2, k2, host);
			free(c2);
			free(k2);
		} else if (*chain == '\0' && tls_required(l, s) &&
		    once(l, "tls-files", s->field[MCF_SERVICE])) {
			origin(l, s, "smtpd_tls_cert_file", &f, &line);
			finding(l, DIAG_ERR, f, line, "tls-files", "%.60s/%s "
			    "requires TLS, and main.cf names no certificate "
			    "(smtpd_tls_cert_file and smtpd_tls_key_file, or "
			    "smtpd_tls_chain_files): smtpd offers no TLS, so "
			    "no client can log in", s->field[MCF_SERVICE],
			    s->field[MCF_TYPE]);
		}
		free(host);
		free(chain);
		free(cert);
		free(key);
	}
}

/* Parameters of smtpd that hold tables, besides restriction lists. */
static const char *const table_params[] = {
	"smtpd_sender_login_maps", "relay_recipient_maps",
	"virtual_alias_maps", "virtual_mailbox_maps", "relay_domains",
	"local_recipient_maps", "smtpd_milter_maps", "smtpd_command_filter",
	"smtpd_discard_ehlo_keyword_address_maps", "smtpd_client_restrictions",
	"smtpd_helo_restrictions", "smtpd_sender_restrictions",
	"smtpd_relay_restrictions", "smtpd_recipient_restrictions",
	"smtpd_data_restrictions", "smtpd_end_of_data_restrictions",
	"smtpd_etrn_restrictions", NULL
};

/* Debian ships these table types in packages of their own. */
static const char *const table_pkgs[] = { "pcre", "lmdb", "cdb", "ldap",
	"mysql", "pgsql", "sqlite", "mongodb", NULL };

/* index_suffix - the file postmap makes for type, or NULL */
static const char *
index_suffix(const char *type)
{
	if (strcmp(type, "hash") == 0 || strcmp(type, "btree") == 0)
		return ".db";
	if (strcmp(type, "lmdb") == 0)
		return ".lmdb";
	if (strcmp(type, "cdb") == 0)
		return ".cdb";
	if (strcmp(type, "dbm") == 0 || strcmp(type, "sdbm") == 0)
		return ".pag";
	return NULL;
}

static int
after(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec != b->tv_sec ? a->tv_sec > b->tv_sec :
	    a->tv_nsec > b->tv_nsec;
}

/* check_table - one type:name, as dict_open would open it */
static void
check_table(struct lint *l, const struct cf_file *f, size_t line,
    const char *where, const char *table)
{
	const struct probe_file *src, *idx;
	const char	*name, *suf;
	char		*type, *ip;
	size_t		 k;

	while (strncmp(table, "proxy:", 6) == 0)
		table += 6;
	if ((name = strchr(table, ':')) == NULL || name == table ||
	    !once(l, "map", table))
		return;
	type = xstrndup(table, (size_t)(name - table));
	name++;
	/* -1: postconf did not answer; the files are still looked at. */
	if (probe_postconf_has(l->c->absdir, 'm', type) == 0) {
		for (k = 0; table_pkgs[k] != NULL &&
		    strcmp(table_pkgs[k], type) != 0; k++)
			;
		finding(l, DIAG_ERR, f, line, "map", "%s%s: this Postfix has "
		    "no table type %s (postconf -m); smtpd answers 451 4.3.5 "
		    "Server configuration error%s%s", where, table, type,
		    table_pkgs[k] != NULL ? ": apt-get install postfix-" : "",
		    table_pkgs[k] != NULL ? type : "");
		goto out;
	}
	/* Inline tables, sockets, and relative names: nothing to look at. */
	if (name[0] != '/' || strcmp(type, "inline") == 0 ||
	    strcmp(type, "static") == 0 || strcmp(type, "tcp") == 0 ||
	    strcmp(type, "socketmap") == 0 || strcmp(type, "unix") == 0 ||
	    strcmp(type, "unionmap") == 0 || strcmp(type, "pipemap") == 0)
		goto out;
	src = probe_file(name);
	if ((suf = index_suffix(type)) == NULL) {
		if (src->kind != PROBE_REG)
			finding(l, DIAG_ERR, f, line, "map", "%s%s: %s does "
			    "not exist; smtpd answers 451 4.3.5 Server "
			    "configuration error: create it", where, table,
			    name);
		goto out;
	}
	ip = xprintf("%s%s", name, suf);
	idx = probe_file(ip);
	if (idx->kind != PROBE_REG && src->kind != PROBE_REG)
		finding(l, DIAG_ERR, f, line, "map", "%s%s: neither %s nor %s "
		    "exists; smtpd answers 451 4.3.5 Server configuration "
		    "error: create %s (\"key value\" lines), then run postmap "
		    "%s", where, table, name, ip, name, table);
	else if (idx->kind != PROBE_REG)
		finding(l, DIAG_ERR, f, line, "map", "%s%s: %s does not "
		    "exist; smtpd answers 451 4.3.5 Server configuration "
		    "error: run postmap %s", where, table, ip, table);
	else if (src->kind != PROBE_REG)
		finding(l, DIAG_WARN, f, line, "map", "%s%s: the source file "
		    "%s is gone; %s works, but postmap cannot rebuild it",
		    where, table, name, ip);
	else if (after(&src->mtime, &idx->mtime))
		finding(l, DIAG_WARN, f, line, "map", "%s%s: %s is older "
		    "than %s, so smtpd uses the old contents: run postmap %s",
		    where, table, ip, name, table);
	free(ip);
out:
	free(type);
}

/* table_words - the tables a list names, into classes it names too */
static void
table_words(struct lint *l, const struct cf_file *f, size_t line,
    const char *where, const char *value, int depth)
{
	const char	*p;
	char		*w, *v, *cw;
	int		 skip = 0;

	for (p = value; (w = next_word(&p)) != NULL; free(w)) {
		if (skip) {
			skip = 0;
			continue;
		}
		/* Not tables: a policy server, a DNS list, seconds. */
		if (strcasecmp(w, "check_policy_service") == 0 ||
		    strcasecmp(w, "sleep") == 0 ||
		    strncasecmp(w, "reject_rbl", 10) == 0 ||
		    strncasecmp(w, "reject_rhsbl", 12) == 0 ||
		    strcasecmp(w, "permit_dnswl_client") == 0 ||
		    strcasecmp(w, "permit_rhswl_client") == 0) {
			skip = 1;
			continue;
		}
		if (strchr(w, ':') != NULL && w[0] != '{')
			check_table(l, f, line, where, w);
		else if (depth < 20 && (v = class_value(l, w)) != NULL) {
			/* Where the class is defined is where to fix it. */
			cw = xprintf("%s: ", w);
			table_words(l, &l->c->main.cf,
			    mp_get(&l->c->main, w)->line, cw, v, depth + 1);
			free(cw);
			free(v);
		}
	}
}

/*
 * map (system): every table a live smtpd opens, where main.cf or an -o
 * names it (Postfix's own defaults are newaliases' business).
 */
static void
rule_map(struct lint *l)
{
	const struct mc_service *s;
	const struct cf_file *f;
	char		*v, *where;
	size_t		 i, k, line;

	for (i = 0; i < l->c->master.nsvc; i++) {
		s = &l->c->master.svc[i];
		if (!is_smtpd(s))
			continue;
		for (k = 0; table_params[k] != NULL; k++) {
			if (!is_set(l, s, table_params[k]))
				continue;
			origin(l, s, table_params[k], &f, &line);
			v = effective(l, s, table_params[k]);
			where = xprintf("%s: ", table_params[k]);
			walk_begin(l);
			table_words(l, f, line, where, v, 0);
			free(where);
			free(v);
		}
	}
}

/*
 * The rules, in the order their findings are listed.  probes: the rule
 * asks the system, and is left out with --no-check.
 */
static void
rule_files(struct lint *l)
{
	size_t	 i;

	lint_main(l);
	for (i = 0; i < l->c->master.nsvc; i++)
		if (l->c->master.svc[i].enabled)
			lint_service(l, &l->c->master.svc[i]);
}

static const struct rule {
	const char	*name;
	void		(*fn)(struct lint *);
	int		 probes;
} rules[] = {
	{ "values, arguments, submission-*", rule_files, 0 },
	{ "duplicate-service", lint_duplicates, 0 },
	{ "port-conflict", lint_ports, 0 },
	{ "smtpd-fatal", rule_smtpd_fatal, 0 },
	{ "open-relay", rule_open_relay, 0 },
	{ "submission-differ", rule_submission_differ, 0 },
	{ "unknown-parameter", rule_unknown_parameter, 0 },
	{ "sasl-type", rule_sasl_type, 1 },
	{ "sasl-backend", rule_sasl_backend, 1 },
	{ "tls-files", rule_tls_files, 1 },
	{ "map", rule_map, 1 },
};

/*
 * lint_run - every rule, findings to d; the system is asked only without
 * --no-check
 */
void
lint_run(struct conf *c, struct diag *d)
{
	struct lint	 l;
	size_t		 i;

	l.c = c;
	l.d = d;
	strmap_init(&l.classes);
	strmap_init(&l.said);
	strmap_init(&l.walked);
	restriction_classes(&l);
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!rules[i].probes || !opt.no_check)
			rules[i].fn(&l);
	strmap_free(&l.classes);
	strmap_free(&l.said);
	strmap_free(&l.walked);
}

/*
 * lint_errors - the error and warning findings of the configuration as
 * it is now, keyed by severity ('E' or 'W'), rule and text (line numbers
 * taken out, since an edit moves lines), into map; each value is the
 * finding's text, allocated.
 */
void
lint_errors(struct conf *c, struct strmap *map)
{
	struct diag	 d;
	struct buf	 b;
	const char	*p;
	size_t		 i;

	diag_init(&d);
	lint_run(c, &d);
	for (i = 0; i < d.n; i++) {
		if (d.m[i].sev != DIAG_ERR && d.m[i].sev != DIAG_WARN)
			continue;
		buf_init(&b);
		buf_printf(&b, "%c\t%s\t", d.m[i].sev == DIAG_ERR ? 'E' : 'W',
		    d.m[i].rule != NULL ? d.m[i].rule : "");
		for (p = d.m[i].text; *p != '\0'; p++) {
			buf_addc(&b, *p);
			if (strncmp(p, "line ", 5) == 0) {
				buf_adds(&b, "ine ");
				for (p += 5; *p >= '0' && *p <= '9'; p++)
					;
				p--;
			}
		}
		if (strmap_get(map, b.p) == NULL)
			strmap_put(map, b.p, xstrdup(d.m[i].text));
		buf_free(&b);
	}
	diag_free(&d);
}

/* lint_errors_free - free a map that lint_errors filled */
void
lint_errors_free(struct strmap *map)
{
	size_t	 i;

	for (i = 0; i < map->cap; i++)
		if (map->ent[i].key != NULL)
			free(map->ent[i].val);
	strmap_free(map);
}
