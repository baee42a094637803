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
	struct strmap	 said;		/* probe findings already made */
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
	q = vquote(text, strlen(text), 300);
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
	int			 needs;	/* user= and argv= are required */
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
	struct strmap	 last;		/* "port host" -> index + 1 */
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

/* lint_run - every rule, findings to d */
void
lint_run(struct conf *c, struct diag *d)
{
	struct lint	 l;
	size_t		 i;

	l.c = c;
	l.d = d;
	strmap_init(&l.classes);
	restriction_classes(&l);
	lint_main(&l);
	for (i = 0; i < c->master.nsvc; i++)
		if (c->master.svc[i].enabled)
			lint_service(&l, &c->master.svc[i]);
	lint_duplicates(&l);
	lint_ports(&l);
	strmap_free(&l.classes);
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
