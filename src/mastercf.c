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
 * master.cf: services, as master(8) and the daemons read them.
 *
 * Every logical line is a service: eight fields, then the daemon's
 * arguments.  Tokens are split on " \t\r\n", except that a '{' anywhere
 * in a token opens a group in which separators do not count (Postfix's
 * mystrtokq); a token that starts with '{' is unwrapped: braces removed,
 * white space around the content trimmed.  The arguments are then read
 * the way the daemon's getopt("+cdDi:lm:n:o:s:St:uvVz") reads them:
 * options up to the first non-option or "--", "-o name=value",
 * "-oname=value", "-o { name = value }" and clusters such as "-vo x=y".
 * postconf mis-splits "-oname=value" at any later 'o'; we follow the
 * daemons.
 *
 * A service that stands commented out is recognised too, so that it can
 * be shown and enabled in place: a comment line "#name type ..." whose
 * text after the '#' is a valid header of eight fields, followed by
 * comment lines "#<white space>-o ..." that hold nothing but options.
 * Other comment lines in between (prose such as Debian's "Instead of
 * specifying complex ...") are not part of it and stay comments.  The
 * block ends where uncommenting would start a new logical line: a line
 * "#X" with X not white space, or a line that is not a comment.  Only
 * comment blocks between entries are considered: a block inside a live
 * entry, once uncommented, would split that entry.
 */

#include <arpa/inet.h>

#include <netdb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pfsubmit.h"

static const char *const mc_types[] = {
	"inet", "unix", "unix-dgram", "fifo", "pass", NULL
};

/* The field names postconf -F uses. */
const char *const mc_field_names[MC_NFIELDS] = {
	"service", "type", "private", "unprivileged", "chroot", "wakeup",
	"process_limit", "command"
};

void
mc_init(struct mc_file *m, const char *path)
{
	memset(m, 0, sizeof(*m));
	cf_init(&m->cf, path);
}

static void
mc_service_free(struct mc_service *s)
{
	size_t	 i;

	for (i = 0; i < MC_NFIELDS; i++)
		free(s->field[i]);
	mc_tokens_free(s->tok, s->ntok);
	for (i = 0; i < s->nov; i++) {
		free(s->ov[i].name);
		free(s->ov[i].value);
	}
	free(s->ov);
	strmap_free(&s->ovmap);
	free(s->pc);
	free(s->logical);
	memset(s, 0, sizeof(*s));
}

static void
mc_services_free(struct mc_file *m)
{
	size_t	 i;

	for (i = 0; i < m->nsvc; i++)
		mc_service_free(&m->svc[i]);
	free(m->svc);
	m->svc = NULL;
	m->nsvc = 0;
	m->capsvc = 0;
}

void
mc_free(struct mc_file *m)
{
	if (m == NULL)
		return;
	mc_services_free(m);
	cf_free(&m->cf);
}

int
mc_valid_type(const char *t)
{
	size_t	 i;

	for (i = 0; mc_types[i] != NULL; i++)
		if (strcmp(mc_types[i], t) == 0)
			return 1;
	return 0;
}

void
mc_tokens_free(struct mc_token *t, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(t[i].text);
	free(t);
}

/*
 * trim_copy - copy [p, p+n) without white space at either end (isspace,
 * as Postfix's extpar() trims: VT and FF too)
 */
static char *
trim_copy(const char *p, size_t n)
{
	while (n > 0 && cf_isspace((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n > 0 && cf_isspace((unsigned char)p[n - 1]))
		n--;
	return xstrndup(p, n);
}

/*
 * mc_tokenize - split a logical line into tokens; the array is allocated.
 * Returns the number of tokens with a brace error.
 */
int
mc_tokenize(const char *s, size_t len, struct mc_token **tp, size_t *np)
{
	struct mc_token	*t = NULL;
	size_t		 i = 0, start, n = 0, cap = 0, j, close;
	int		 level, bad = 0;

	while (i < len) {
		while (i < len && cf_issep((unsigned char)s[i]))
			i++;
		if (i == len)
			break;
		start = i;
		for (level = 0; i < len; i++) {
			if (s[i] == '{')
				level++;
			else if (level > 0 && s[i] == '}')
				level--;
			else if (level == 0 && cf_issep((unsigned char)s[i]))
				break;
		}
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			t = xreallocarray(t, cap, sizeof(*t));
		}
		t[n].off = start;
		t[n].len = i - start;
		t[n].braced = 0;
		t[n].err = 0;
		if (s[start] == '{') {
			/* Find the brace that closes the first one. */
			for (level = 0, j = start, close = i; j < i; j++) {
				if (s[j] == '{')
					level++;
				else if (s[j] == '}' && --level == 0) {
					close = j;
					break;
				}
			}
			t[n].braced = 1;
			if (close == i) {
				t[n].err = 1;
				t[n].text = trim_copy(s + start + 1,
				    i - start - 1);
			} else {
				if (close + 1 != i)
					t[n].err = 2;
				t[n].text = trim_copy(s + start + 1,
				    close - start - 1);
			}
			if (t[n].err)
				bad++;
		} else {
			t[n].text = xstrndup(s + start, i - start);
			/* A '{' that never closes swallows the rest. */
			if (level > 0) {
				t[n].err = 3;
				bad++;
			}
		}
		n++;
	}
	*tp = t;
	*np = n;
	return bad;
}

static int
yn_field(const char *s)
{
	return strcmp(s, "y") == 0 || strcmp(s, "n") == 0 ||
	    strcmp(s, "-") == 0;
}

/* wakeup_field - what postconf takes ("?" and "-?" too; master not) */
static int
wakeup_field(const char *s)
{
	if (strcmp(s, "-") == 0 || strcmp(s, "?") == 0 ||
	    strcmp(s, "-?") == 0)
		return 1;
	if (*s < '0' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '?')
		s++;
	return *s == '\0';
}

static int
limit_field(const char *s)
{
	if (strcmp(s, "-") == 0)
		return 1;
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/*
 * check_fields - the first of the eight fields that postconf would
 * refuse, or -1.  Such a field makes every postconf and postfix command
 * fail.
 */
static int
check_fields(char *const *f)
{
	if (!mc_valid_type(f[MCF_TYPE]))
		return MCF_TYPE;
	if (!yn_field(f[MCF_PRIVATE]))
		return MCF_PRIVATE;
	if (!yn_field(f[MCF_UNPRIV]))
		return MCF_UNPRIV;
	if (!yn_field(f[MCF_CHROOT]))
		return MCF_CHROOT;
	if (!wakeup_field(f[MCF_WAKEUP]))
		return MCF_WAKEUP;
	if (!limit_field(f[MCF_MAXPROC]))
		return MCF_MAXPROC;
	return -1;
}

/*
 * mc_header_fields - can the text be the first line of a service: eight
 * or more tokens whose fields postconf would accept?  Returns 1 or 0.
 */
int
mc_header_fields(const char *s, size_t len)
{
	struct mc_token	*t;
	size_t		 n, i;
	char		*f[MC_NFIELDS];
	int		 ok = 0;

	(void)mc_tokenize(s, len, &t, &n);
	if (n >= MC_NFIELDS) {
		for (i = 0; i < MC_NFIELDS; i++)
			f[i] = t[i].text;
		ok = check_fields(f) < 0 && !t[0].braced;
	}
	mc_tokens_free(t, n);
	return ok;
}

/* Options of Postfix's server skeletons that take an argument. */
static int
opt_has_arg(int c)
{
	return c != '\0' && strchr("imnost", c) != NULL;
}

/*
 * Past this many overrides a service gets an index by name, so that a
 * lookup costs the same for an entry of 100,000 "-o" lines as for one of
 * ten; below it a scan is cheaper than the table.
 */
#define MC_OVMAP_MIN	8

static void
add_override(struct mc_service *s, const char *text, size_t optidx,
    size_t val)
{
	struct mc_override *o;
	char		*name, *value;
	size_t		 dummy, i;

	if (cf_split_nameval(text, strlen(text), &name, &value) < 0)
		return;
	s->ov = xgrowarray(s->ov, &s->capov, s->nov + 1, sizeof(*s->ov));
	o = &s->ov[s->nov++];
	o->name = name;
	o->value = value;
	o->opt = optidx;
	o->val = val;
	o->line = s->pc[cf_map(s->pc, s->npc, s->tok[val].off,
	    &dummy)].line;
	/* The map holds index + 1; a later override of a name replaces. */
	if (s->nov == MC_OVMAP_MIN)
		for (i = 0; i < s->nov; i++)
			strmap_put(&s->ovmap, s->ov[i].name,
			    (void *)(uintptr_t)(i + 1));
	else if (s->nov > MC_OVMAP_MIN)
		strmap_put(&s->ovmap, name, (void *)(uintptr_t)s->nov);
}

/*
 * parse_options - walk the daemon arguments as getopt does.  Returns -1
 * with *whyp set when an option is malformed; the caller decides how
 * bad that is.
 */
static int
parse_options(struct mc_service *s, const char **whyp)
{
	const char	*t;
	size_t		 i, k;
	int		 c;

	*whyp = NULL;
	for (i = MC_NFIELDS; i < s->ntok; i++) {
		t = s->tok[i].text;
		if (t[0] != '-' || t[1] == '\0')
			break;
		if (strcmp(t, "--") == 0) {
			s->optend = i;
			s->pos = i + 1;
			return 0;
		}
		for (k = 1; (c = (unsigned char)t[k]) != '\0'; k++) {
			if (!opt_has_arg(c))
				continue;
			if (t[k + 1] != '\0') {
				if (c == 'o') {
					if (strchr(t + k + 1, '=') == NULL)
						*whyp = "-o option value has "
						    "no '='";
					add_override(s, t + k + 1, i, i);
				}
			} else if (i + 1 < s->ntok) {
				i++;
				if (c == 'o') {
					if (strchr(s->tok[i].text, '=') ==
					    NULL)
						*whyp = "-o option value has "
						    "no '='";
					add_override(s, s->tok[i].text, i - 1,
					    i);
				}
			} else
				*whyp = "option without its value";
			break;
		}
	}
	s->optend = s->pos = i;
	return *whyp != NULL ? -1 : 0;
}

/*
 * build_service - tokenize the service's text and read its fields and
 * options.  Returns -1 when it has fewer than eight fields.
 */
static int
build_service(struct mc_service *s, const struct cf_file *cf)
{
	const char	*why;
	size_t		 i;

	s->logical = cf_join(s->pc, s->npc, cf, &s->loglen);
	(void)mc_tokenize(s->logical, s->loglen, &s->tok, &s->ntok);
	s->nfields = s->ntok < MC_NFIELDS ? s->ntok : MC_NFIELDS;
	/* The eight fields are taken as written: braces are not removed. */
	for (i = 0; i < MC_NFIELDS; i++)
		s->field[i] = i < s->ntok ? xstrndup(s->logical + s->tok[i].off,
		    s->tok[i].len) : xstrdup("");
	if (s->ntok < MC_NFIELDS) {
		s->pos = s->optend = s->ntok;
		return -1;
	}
	(void)parse_options(s, &why);
	s->opterr = why;
	return 0;
}

static struct mc_service *
new_service(struct mc_file *m)
{
	struct mc_service *s;

	m->svc = xgrowarray(m->svc, &m->capsvc, m->nsvc + 1,
	    sizeof(*m->svc));
	s = &m->svc[m->nsvc++];
	memset(s, 0, sizeof(*s));
	return s;
}

/*
 * mc_is_option_comment - is "#<ws>..." a comment line of options only,
 * such as a commented-out service's "#  -o name=value"?
 */
int
mc_is_option_comment(const char *p, size_t len)
{
	struct mc_token	*t;
	size_t		 n, i, k;
	int		 ok = 1, c;

	if (len < 2 || p[0] != '#' || !cf_isspace((unsigned char)p[1]))
		return 0;
	(void)mc_tokenize(p + 1, len - 1, &t, &n);
	if (n == 0)
		ok = 0;
	for (i = 0; ok && i < n; i++) {
		const char *s = t[i].text;

		if (t[i].err || s[0] != '-' || s[1] == '\0' ||
		    strcmp(s, "--") == 0) {
			ok = 0;
			break;
		}
		for (k = 1; (c = (unsigned char)s[k]) != '\0'; k++) {
			if (!opt_has_arg(c))
				continue;
			if (s[k + 1] == '\0') {
				if (++i >= n) {
					ok = 0;
					break;
				}
				if (c == 'o' && strchr(t[i].text, '=') == NULL)
					ok = 0;
			} else if (c == 'o' && strchr(s + k + 1, '=') == NULL)
				ok = 0;
			break;
		}
	}
	mc_tokens_free(t, n);
	return ok;
}

/*
 * find_disabled - look for commented-out services among the lines of a
 * trivia entry [first, last].  One pass: a header's block is scanned
 * once, and the scan goes on after it.  A block that would make an
 * entry longer than PF_MAX_ENTRY once uncommented is left a comment,
 * so that a commented-out service is bounded like a live one (and
 * enable never makes an entry that pfsubmit would refuse to read).
 */
static void
find_disabled(struct mc_file *m, size_t first, size_t last, struct diag *d)
{
	const struct cf_line *l;
	struct mc_service *s;
	size_t		 i, j, k, clen, hdr, lastm, size, sizem, nopt;
	int		 bad;

	for (i = first; i <= last; i++) {
		l = &m->cf.lines[i];
		clen = cf_content_len(l);
		if (l->kind != CFL_COMMENT || clen < 2 || l->p[0] != '#' ||
		    cf_isspace((unsigned char)l->p[1]) || l->p[1] == '#')
			continue;
		if (!mc_header_fields(l->p + 1, clen - 1))
			continue;
		hdr = i;
		lastm = i;
		size = sizem = l->len;
		nopt = 0;
		for (j = i + 1; j <= last; j++) {
			l = &m->cf.lines[j];
			clen = cf_content_len(l);
			size += l->len;
			if (l->kind == CFL_BLANK)
				continue;
			if (l->p[0] == '#' && clen >= 2 &&
			    !cf_isspace((unsigned char)l->p[1]) &&
			    l->p[1] != '#')
				break;	/* would start a new logical line */
			/* Past the bound only the block's end is looked for. */
			if (sizem - nopt - 1 <= PF_MAX_ENTRY &&
			    mc_is_option_comment(l->p, clen)) {
				lastm = j;
				sizem = size;
				nopt++;
			}
		}
		/* The next header, if any, is at j: go on from there. */
		i = j - 1;
		if (sizem - nopt - 1 > PF_MAX_ENTRY) {
			diag_add(d, DIAG_WARN, m->cf.path, hdr + 1,
			    "commented-out service longer than %d bytes; it "
			    "stays a comment, and pfsubmit cannot enable it",
			    PF_MAX_ENTRY);
			continue;
		}
		s = new_service(m);
		s->enabled = 0;
		s->first = hdr;
		s->last = lastm;
		s->scan_last = j - 1;
		s->pc = xreallocarray(NULL, lastm - hdr + 1, sizeof(*s->pc));
		for (k = hdr; k <= lastm; k++) {
			l = &m->cf.lines[k];
			clen = cf_content_len(l);
			if (k != hdr && !mc_is_option_comment(l->p, clen))
				continue;
			s->pc[s->npc].line = k;
			s->pc[s->npc].off = 1;
			s->pc[s->npc].len = clen - 1;
			s->pc[s->npc].loff = s->npc == 0 ? 0 :
			    s->pc[s->npc - 1].loff + s->pc[s->npc - 1].len;
			s->npc++;
		}
		(void)build_service(s, &m->cf);
		/* Only a block that would parse cleanly is a service. */
		bad = s->opterr != NULL;
		for (k = 0; k < s->ntok; k++)
			if (s->tok[k].err != 0)
				bad = 1;
		if (bad) {
			mc_service_free(s);
			m->nsvc--;
		}
	}
}

/*
 * mc_parse - (re)build the services from the lines.  Every problem goes
 * to d; returns -1 when the file has errors that Postfix would refuse.
 */
int
mc_parse(struct mc_file *m, struct diag *d)
{
	const struct cf_entry *e;
	struct mc_service *s;
	char		*q;
	size_t		 i, k;
	int		 nerr = 0, bad;

	mc_services_free(m);
	cf_group(&m->cf);
	for (i = 0; i < m->cf.nents; i++) {
		e = &m->cf.ents[i];
		if (e->kind == CFE_TRIVIA) {
			/*
			 * Before an orphan continuation line, a service
			 * uncommented here would take the orphan in.
			 */
			if (i + 1 == m->cf.nents ||
			    m->cf.ents[i + 1].kind != CFE_ORPHAN)
				find_disabled(m, e->first, e->last, d);
			continue;
		}
		if (e->kind == CFE_ORPHAN) {
			diag_add(d, DIAG_WARN, m->cf.path, e->first + 1,
			    "continuation line with no service before it; "
			    "Postfix ignores it");
			continue;
		}
		s = new_service(m);
		s->enabled = 1;
		s->first = e->first;
		s->last = e->last;
		s->npc = cf_entry_pieces(&m->cf, e, &s->pc);
		if (build_service(s, &m->cf) < 0) {
			q = vquote(s->logical, s->loglen, 60);
			diag_add(d, DIAG_ERR, m->cf.path, e->first + 1,
			    "bad field count: %zu fields, a service needs 8: "
			    "\"%s\"", s->ntok, q);
			free(q);
			nerr++;
			continue;
		}
		if ((bad = check_fields(s->field)) >= 0) {
			char	*qn, *qv;

			qv = vquote(s->field[bad], strlen(s->field[bad]), 60);
			qn = vquote(s->field[0], strlen(s->field[0]), 60);
			diag_add(d, DIAG_ERR, m->cf.path, e->first + 1,
			    "invalid %s field \"%s\" of service %s",
			    mc_field_names[bad], qv, qn);
			free(qv);
			free(qn);
			nerr++;
		}
		for (k = 0; k < s->ntok; k++) {
			if (s->tok[k].err == 0)
				continue;
			q = vquote(s->logical + s->tok[k].off, s->tok[k].len,
			    60);
			diag_add(d, DIAG_ERR, m->cf.path, e->first + 1,
			    "%s \"%s\"; %s", s->tok[k].err == 1 ?
			    "missing '}' in" : s->tok[k].err == 2 ?
			    "text after '}' in" : "a '{' that never closes in",
			    q, s->tok[k].err == 3 ? "it takes in the rest of "
			    "the entry" : "master(8) will not start");
			free(q);
			nerr++;
		}
		if (s->opterr != NULL) {
			q = vquote(s->field[0], strlen(s->field[0]), 60);
			diag_add(d, DIAG_ERR, m->cf.path, e->first + 1,
			    "service %s: %s; the daemon will refuse to start",
			    q, s->opterr);
			free(q);
			nerr++;
		}
	}
	return nerr > 0 ? -1 : 0;
}

/* mc_find_override - the override that wins (the last), or NULL */
const struct mc_override *
mc_find_override(const struct mc_service *s, const char *name)
{
	uintptr_t	 k;
	size_t		 i;

	if (s->nov >= MC_OVMAP_MIN) {
		k = (uintptr_t)strmap_get(&s->ovmap, name);
		return k == 0 ? NULL : &s->ov[k - 1];
	}
	for (i = s->nov; i > 0; i--)
		if (strcmp(s->ov[i - 1].name, name) == 0)
			return &s->ov[i - 1];
	return NULL;
}

/*
 * mc_port_of - split an inet service name into host and port, as
 * Postfix's host_port() does: "[host]:port", "host:port" (at the last
 * colon) or "port".  Both results allocated; host may be "".  Returns
 * the port number, or -1 when it is unknown.
 */
int
mc_port_of(const char *name, char **hostp, char **portp)
{
	static const struct {
		const char	*name;
		int		 port;
	} known[] = {
		/* Postfix 3.6's known_tcp_ports default. */
		{ "lmtp", 24 }, { "smtp", 25 }, { "smtps", 465 },
		{ "submissions", 465 }, { "submission", 587 },
	};
	static struct strmap servcache;
	const char	*colon, *port;
	const char	*err;
	struct servent	*se;
	size_t		 i;
	long long	 n;
	intptr_t	 cached;

	if (name[0] == '[' && (colon = strstr(name, "]:")) != NULL) {
		*hostp = xstrndup(name + 1, (size_t)(colon - name - 1));
		port = colon + 2;
	} else if ((colon = strrchr(name, ':')) != NULL) {
		*hostp = xstrndup(name, (size_t)(colon - name));
		port = colon + 1;
	} else {
		*hostp = xstrdup("");
		port = name;
	}
	*portp = xstrdup(port);
	n = strtonum(port, 1, 65535, &err);
	if (err == NULL)
		return (int)n;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(known[i].name, port) == 0)
			return known[i].port;
	if (*port == '\0')
		return -1;
	/* services(5) is read on every call: remember the answers. */
	if ((cached = (intptr_t)strmap_get(&servcache, port)) != 0)
		return (int)cached - 2;
	se = getservbyname(port, "tcp");
	n = se != NULL ? ntohs(se->s_port) : -1;
	strmap_put(&servcache, port, (void *)(intptr_t)(n + 2));
	return (int)n;
}

/*
 * mc_is_submission - is this a mail submission service: inet, on port
 * 587 or 465, whatever it is called (submission, submissions, smtps,
 * 587, 465, with or without a host)?  Returns the port, or 0.
 */
int
mc_is_submission(const struct mc_service *s)
{
	char	*host, *port;
	int	 n;

	if (strcmp(s->field[MCF_TYPE], "inet") != 0)
		return 0;
	n = mc_port_of(s->field[MCF_SERVICE], &host, &port);
	free(host);
	free(port);
	return n == 587 || n == 465 ? n : 0;
}
