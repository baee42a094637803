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
 * sender-domains: the submission port accepts only the domain's own
 * sender addresses, in one transaction.  The classic form, as the
 * administrator's guide that pfsubmit grew from writes it by hand:
 *
 *   DIR/permit_mydomain		one "domain OK" line per domain,
 *					indexed with postmap
 *   check_sender_mydomain = check_sender_access TYPE:DIR/permit_mydomain
 *   -o smtpd_sender_restrictions=reject_non_fqdn_sender,
 *	${check_sender_mydomain},reject	(on each submission service)
 *
 * The ${name} indirection keeps the override free of white space, so
 * the same text works on Postfix 2.x.  With --login-maps, the modern
 * form instead: each login may send only as its own address,
 *
 *   DIR/sender_login_maps		regexp: /^(.+@domain)$/ ${1}
 *   smtpd_sender_login_maps = regexp:DIR/sender_login_maps
 *   -o smtpd_sender_restrictions=reject_non_fqdn_sender,
 *	reject_sender_login_mismatch
 *
 * The table goes through the transaction (txn_table), so it is backed up
 * with the two files and put back by rollback.  The administrator's own
 * sender restrictions stay: the check goes in before a final reject or
 * permit.  Running it twice changes nothing; --remove takes it all out:
 * the check alone from the administrator's list, and an override left
 * as the seed's form without the check goes back to what Debian's
 * template has (empty), or away when main.cf has sender restrictions
 * that the service would get again.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfsubmit.h"

#define SD_PARAM	"check_sender_mydomain"
#define SD_ITEM		"${check_sender_mydomain}"
#define SD_TABLE	"permit_mydomain"
#define SD_LOGIN_PARAM	"smtpd_sender_login_maps"
#define SD_LOGIN_ITEM	"reject_sender_login_mismatch"
#define SD_LOGIN_TABLE	"sender_login_maps"
#define SD_RESTR	"smtpd_sender_restrictions"
#define SD_BASE		"reject_non_fqdn_sender"
#define SD_MAXDOMAINS	1000

static const char *sd_service, *sd_table;
static int sd_all, sd_login, sd_remove;

static void
sd_opt(int ch, const char *arg)
{
	switch (ch) {
	case 'A':
		sd_all = 1;
		break;
	case 'S':
		sd_service = arg;
		break;
	case 'T':
		sd_table = arg;
		break;
	case 'L':
		sd_login = 1;
		break;
	case 'R':
		sd_remove = 1;
		break;
	}
}

/* plain_domain - a domain name, not a table or a $name; 1 if so */
static int
plain_domain(const char *s)
{
	const char	*p;

	if (*s == '\0' || *s == '.' || *s == '-' || strlen(s) > 253 ||
	    strchr(s, '.') == NULL || s[strlen(s) - 1] == '.' ||
	    strstr(s, "..") != NULL)
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			return 0;
	return 1;
}

/* add_domain - a lower-case copy of d into the list, once */
static void
add_domain(char ***list, size_t *n, const char *d)
{
	char	*l, *p;
	size_t	 i;

	if (*n >= SD_MAXDOMAINS)
		return;
	l = xstrdup(d);
	for (p = l; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	for (i = 0; i < *n; i++)
		if (strcmp((*list)[i], l) == 0) {
			free(l);
			return;
		}
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = l;
}

/*
 * default_domains - $mydomain, and the entries of mydestination and
 * virtual_mailbox_domains that are plain domain names (not tables, not
 * localhost), expanded as Postfix expands them.
 */
static void
default_domains(struct txn *t, char ***list, size_t *n)
{
	static const char *const params[] = { "mydestination",
	    "virtual_mailbox_domains", NULL };
	const struct mp_param *p;
	struct exp_result res;
	const char	*v;
	char		*copy, *w, *save;
	size_t		 i;

	conf_expand_main(&t->c, "$mydomain", &res);
	if (res.error == NULL && plain_domain(res.text))
		add_domain(list, n, res.text);
	exp_result_free(&res);
	for (i = 0; params[i] != NULL; i++) {
		p = mp_get(&t->c.main, params[i]);
		v = p != NULL ? p->value : conf_default(&t->c, params[i]);
		if (v == NULL)
			continue;
		conf_expand_main(&t->c, v, &res);
		if (res.error != NULL) {
			exp_result_free(&res);
			continue;
		}
		copy = xstrdup(res.text);
		for (w = strtok_r(copy, ", \t\r\n", &save); w != NULL;
		    w = strtok_r(NULL, ", \t\r\n", &save))
			if (plain_domain(w) && strncmp(w, "localhost.", 10) !=
			    0)
				add_domain(list, n, w);
		free(copy);
		exp_result_free(&res);
	}
}

/* map_type - $default_database_type, or hash; allocated */
static char *
map_type(struct txn *t)
{
	struct exp_result	 res;
	const struct mp_param	*p;
	const char		*v;
	char			*r;

	p = mp_get(&t->c.main, "default_database_type");
	v = p != NULL ? p->value : conf_default(&t->c,
	    "default_database_type");
	conf_expand_main(&t->c, v != NULL ? v : "hash", &res);
	r = xstrdup(res.error == NULL && *res.text != '\0' ? res.text :
	    "hash");
	exp_result_free(&res);
	for (v = r; *v != '\0'; v++)
		if (!((*v >= 'a' && *v <= 'z') || (*v >= '0' && *v <= '9') ||
		    *v == '_')) {
			fprintf(stderr, "pfsubmit: %s: default_database_type "
			    "\"%s\" is not a map type; fix main.cf first\n",
			    t->c.main.cf.path, edit_q(r));
			free(r);
			return NULL;
		}
	return r;
}

/*
 * table_line - the table line for a domain: "domain OK", or for the
 * login map "/^(.+@domain)$/ ${1}" (dots escaped); allocated
 */
static char *
table_line(const char *dom)
{
	struct buf	 b;
	const char	*p;

	if (!sd_login)
		return xprintf("%s OK\n", dom);
	buf_init(&b);
	buf_adds(&b, "/^(.+@");
	for (p = dom; *p != '\0'; p++) {
		if (*p == '.')
			buf_addc(&b, '\\');
		buf_addc(&b, *p);
	}
	buf_adds(&b, ")$/ ${1}\n");
	return buf_take(&b);
}

/* has_key - does table text hold an entry whose key is key? */
static int
has_key(const char *text, size_t len, const char *key)
{
	const char	*p, *e, *end = text + len;
	size_t		 klen = strlen(key);

	for (p = text; p != NULL && p < end; p = e) {
		if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
			e = end;
		else
			e++;
		if ((size_t)(e - p) > klen && strncasecmp(p, key, klen) == 0 &&
		    (p[klen] == ' ' || p[klen] == '\t'))
			return 1;
	}
	return 0;
}

/* is_item - is [s, s+len) the check sender-domains puts in? */
static int
is_item(const char *s, size_t len)
{
	if (sd_login)
		return len == strlen(SD_LOGIN_ITEM) &&
		    memcmp(s, SD_LOGIN_ITEM, len) == 0;
	return (len == strlen(SD_ITEM) && memcmp(s, SD_ITEM, len) == 0) ||
	    (len == strlen(SD_PARAM) + 1 && s[0] == '$' &&
	    memcmp(s + 1, SD_PARAM, len - 1) == 0) ||
	    (len == strlen(SD_PARAM) + 3 && memcmp(s, "$(", 2) == 0 &&
	    memcmp(s + 2, SD_PARAM, len - 3) == 0 && s[len - 1] == ')');
}

#define SEPS	", \t\r\n"

/*
 * with_check - value with the check put in: before a final reject or
 * permit (a final permit becomes reject for the table form: else every
 * other sender would be let through), else at the end.  NULL when it
 * is there already.  Allocated.
 */
static char *
with_check(const char *value, int *permit)
{
	const char	*p, *last = NULL, *item;
	size_t		 len, lastlen = 0;

	*permit = 0;
	item = sd_login ? SD_LOGIN_ITEM : SD_ITEM;
	for (p = value; *p != '\0'; p += len) {
		p += strspn(p, SEPS);
		if ((len = strcspn(p, SEPS)) == 0)
			break;
		if (is_item(p, len))
			return NULL;
		last = p;
		lastlen = len;
	}
	if (last == NULL)
		return xprintf("%s,%s%s", SD_BASE, item, sd_login ? "" :
		    ",reject");
	if (lastlen == 6 && strncmp(last, "reject", 6) == 0)
		return xprintf("%.*s%s,%s", (int)(last - value), value, item,
		    last);
	if (lastlen == 6 && strncmp(last, "permit", 6) == 0) {
		if (sd_login)
			return xprintf("%.*s%s,%s", (int)(last - value), value,
			    item, last);
		*permit = 1;
		return xprintf("%.*s%s,reject%s", (int)(last - value), value,
		    item, last + 6);
	}
	return xprintf("%.*s,%s%s%s", (int)(last + lastlen - value), value,
	    item, sd_login ? "" : ",reject", last + lastlen);
}

/*
 * without_check - value with the check taken out, and its separator.
 * NULL when the check is not there.  Allocated.
 */
static char *
without_check(const char *value)
{
	const char	*p, *s, *cut = NULL, *cutend = NULL, *prev = NULL;
	struct buf	 b;
	size_t		 len;

	for (p = value; *p != '\0'; p += len) {
		s = p;
		p += strspn(p, SEPS);
		if ((len = strcspn(p, SEPS)) == 0)
			break;
		if (is_item(p, len)) {
			/* The separator before it; for the first, after it. */
			cut = prev != NULL ? s : p;
			cutend = p + len;
			if (prev == NULL)
				cutend += strspn(cutend, SEPS);
			break;
		}
		prev = p;
	}
	if (cut == NULL)
		return NULL;
	buf_init(&b);
	buf_add(&b, value, (size_t)(cut - value));
	buf_adds(&b, cutend);
	return buf_take(&b);
}

/* seed_rest - what is left of the form sender-domains writes, 1 if so */
static int
seed_rest(const char *v)
{
	return strcmp(v, sd_login ? SD_BASE : SD_BASE ",reject") == 0;
}

/*
 * target_param - the main.cf parameter that an override refers to as
 * its whole value ("$name" or "${name}"), when main.cf defines it; the
 * check then goes there, where the administrator keeps the list.
 */
static const struct mp_param *
target_param(struct txn *t, const char *value)
{
	char	 name[128];
	size_t	 len;

	if (value[0] != '$')
		return NULL;
	if (value[1] == '{' || value[1] == '(') {
		len = strcspn(value + 2, "})");
		if (value[2 + len] == '\0' || value[3 + len] != '\0')
			return NULL;
		value += 2;
	} else {
		value += 1;
		len = strlen(value);
	}
	if (len == 0 || len >= sizeof(name))
		return NULL;
	memcpy(name, value, len);
	name[len] = '\0';
	return mp_get(&t->c.main, name);
}

/* edit_service - put the check into (or take it out of) service idx */
static int
edit_service(struct txn *t, size_t idx)
{
	const struct mc_service *s = &t->c.master.svc[idx];
	const struct mc_override *o;
	const struct mp_param *p = NULL, *g;
	char		*now, *name, *svc;
	const char	*base;
	int		 permit = 0, r = 0;

	svc = xprintf("%s/%s", s->field[MCF_SERVICE], s->field[MCF_TYPE]);
	if ((o = mc_find_override(s, SD_RESTR)) != NULL)
		p = target_param(t, o->value);
	if (p != NULL)
		base = p->value;
	else if (o != NULL)
		base = o->value;
	else if ((g = mp_get(&t->c.main, SD_RESTR)) != NULL && !sd_remove) {
		/* What the service gets from main.cf now is kept. */
		base = g->value;
	} else
		base = "";
	now = sd_remove ? without_check(base) : with_check(base, &permit);
	if (now == NULL)
		goto out;
	/* Text from the files goes into another place: checked as an arg. */
	if (arg_check_value(now, SD_RESTR, 0) == -1) {
		r = EX_PF_FAIL;
		goto done;
	}
	if (permit)
		txn_note(t, "%s: the final permit of %s became reject: only "
		    "the table's domains may send (--remove leaves the "
		    "reject)", svc, SD_RESTR);
	if (p != NULL) {
		name = xstrdup(p->name);
		(void)mpe_set(&t->c.main, name, now);
		txn_note(t, "%s: %s in main.cf (which -o %s refers to)",
		    svc, name, SD_RESTR);
		free(name);
		r = edit_reparse(t) == -1 ? EX_PF_FAIL : 0;
	} else if (sd_remove && seed_rest(now) &&
	    (g = mp_get(&t->c.main, SD_RESTR)) != NULL && *g->value != '\0') {
		/*
		 * Only what sender-domains writes is left: the service gets
		 * main.cf's restrictions again.
		 */
		(void)mce_remove_override(&t->c.master, idx, SD_RESTR);
		r = edit_reparse(t) == -1 ? EX_PF_FAIL : 0;
	} else if (sd_remove && seed_rest(now)) {
		/*
		 * Else an empty override, as Debian's template has it (no
		 * restrictions, as before the check was put in).
		 */
		r = edit_set_override(t, idx, SD_RESTR, "", NULL, NULL);
	} else
		r = edit_set_override(t, idx, SD_RESTR, now, NULL,
		    "mua_sender_restrictions");
	if (r == 0)
		txn_note(t, "%s: -o %s %s", svc, SD_RESTR, sd_remove ?
		    "no longer has the check" : "has the check");
done:
	free(now);
out:
	free(svc);
	return r;
}

/* used_elsewhere - is the parameter named by services not in list? */
static int
used_elsewhere(struct txn *t, const size_t *list, size_t nl)
{
	const struct mc_file *m = &t->c.master;
	const struct mc_override *o;
	const char	*word;
	size_t		 i, k;

	word = sd_login ? SD_LOGIN_ITEM : SD_PARAM;
	for (i = 0; i < m->nsvc; i++) {
		for (k = 0; k < nl && list[k] != i; k++)
			;
		if (k < nl || !m->svc[i].enabled)
			continue;
		for (k = 0; k < m->svc[i].nov; k++) {
			o = &m->svc[i].ov[k];
			if (strstr(o->value, word) != NULL)
				return 1;
		}
	}
	for (i = 0; i < t->c.main.npar; i++)
		if (!t->c.main.par[i].shadowed &&
		    strcmp(t->c.main.par[i].name, sd_login ? SD_LOGIN_PARAM :
		    SD_PARAM) != 0 && strstr(t->c.main.par[i].value, word) !=
		    NULL)
			return 1;
	return 0;
}

/* check_table_name - --table: a file of the configuration directory */
static int
check_table_name(const char *n)
{
	const char	*p;

	if (arg_check_text(n, "--table") == -1)
		return -1;
	for (p = n; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._-+", *p) != NULL))
			break;
	if (*p != '\0' || *n == '\0' || *n == '.' || strlen(n) > 40 ||
	    strcmp(n, "main.cf") == 0 || strcmp(n, "master.cf") == 0) {
		fprintf(stderr, "pfsubmit: --table %s: give the name of a file "
		    "of the configuration directory (letters, digits, '.', "
		    "'_', '-', '+'), such as %s\n", edit_q(n), SD_TABLE);
		return -1;
	}
	return 0;
}

int
cmd_sender_domains(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'A' },
		{ "service", required_argument, NULL, 'S' },
		{ "table", required_argument, NULL, 'T' },
		{ "login-maps", no_argument, NULL, 'L' },
		{ "remove", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd *c = cmd_find("sender-domains");
	const struct mp_param *p;
	struct txn	 t;
	struct diag	 d;
	struct tbl	*tb;
	struct buf	 data;
	char		**doms = NULL, *type = NULL, *map = NULL, *value = NULL;
	char		*line, *key;
	const char	*tname, *pname;
	size_t		*list = NULL, nl = 0, nd = 0, i, added;
	int		 n, r, k;

	sd_service = sd_table = NULL;
	sd_all = sd_login = sd_remove = 0;
	n = cmd_getopt(argc, argv, c, NULL, lo, sd_opt);
	if ((sd_all && sd_service != NULL) || (sd_remove && argc - n > 0))
		cmd_usage(c);
	if (sd_service != NULL && arg_check_service(sd_service) == -1)
		return EX_PF_FAIL;
	if (sd_table != NULL && check_table_name(sd_table) == -1)
		return EX_PF_FAIL;
	for (k = n; k < argc; k++) {
		if (arg_check_text(argv[k], "domain") == -1)
			return EX_PF_FAIL;
		if (!plain_domain(argv[k])) {
			fprintf(stderr, "pfsubmit: domain \"%s\": give a "
			    "domain name such as example.org\n",
			    edit_q(argv[k]));
			return EX_PF_FAIL;
		}
	}
	tname = sd_table != NULL ? sd_table : sd_login ? SD_LOGIN_TABLE :
	    SD_TABLE;
	pname = sd_login ? SD_LOGIN_PARAM : SD_PARAM;
	if ((r = txn_begin(&t)) != 0)
		return r;
	r = EX_PF_FAIL;
	if (edit_services(&t, sd_service, &list, &nl) == -1)
		goto out;
	if (arg_check_path(t.c.absdir, "-c") == -1)
		goto out;
	type = sd_login ? xstrdup("regexp") : map_type(&t);
	if (type == NULL)
		goto out;
	map = xprintf("%s:%s/%s", type, t.c.absdir, tname);
	value = sd_login ? xstrdup(map) : xprintf("check_sender_access %s",
	    map);
	diag_init(&d);
	tb = txn_table(&t, tname, type, 0, &d);
	diag_place(&d, t.c.dir);
	diag_print(&d, stderr, DIAG_ERR);
	diag_free(&d);
	if (tb == NULL)
		goto out;

	for (i = 0; i < nl; i++)
		if ((r = edit_service(&t, list[i])) != 0)
			goto out;
	r = EX_PF_FAIL;
	p = mp_get(&t.c.main, pname);
	if (sd_remove) {
		if (used_elsewhere(&t, list, nl)) {
			txn_note(&t, "%s and %s stay: other services or "
			    "parameters still use them", pname, tname);
		} else {
			if (p != NULL && strcmp(p->value, value) != 0)
				txn_note(&t, "%s named another table (\"%s\"); "
				    "%s is left as it is", pname, p->value,
				    tname);
			else if (tb->old != NULL)
				tbl_remove(tb);
			(void)mpe_unset(&t.c.main, pname);
		}
	} else {
		if (p != NULL && strcmp(p->value, value) != 0)
			txn_note(&t, "%s was \"%s\"; now %s", pname, p->value,
			    value);
		(void)mpe_set(&t.c.main, pname, value);
		if (argc - n == 0)
			default_domains(&t, &doms, &nd);
		else
			for (k = n; k < argc; k++)
				add_domain(&doms, &nd, argv[k]);
		if (nd == 0) {
			fprintf(stderr, "pfsubmit: %s: neither $mydomain nor "
			    "mydestination nor virtual_mailbox_domains names a "
			    "domain; give the domains as arguments\n",
			    t.c.main.cf.path);
			goto out;
		}
		/* The table as it is, and a line for each domain it lacks. */
		buf_init(&data);
		buf_add(&data, tb->old != NULL ? tb->old : "", tb->oldlen);
		if (data.len > 0 && data.p[data.len - 1] != '\n')
			buf_addc(&data, '\n');
		for (i = 0, added = 0; i < nd; i++) {
			line = table_line(doms[i]);
			key = xstrndup(line, strcspn(line, " "));
			if (!has_key(data.p, data.len, key)) {
				buf_adds(&data, line);
				txn_note(&t, "%s: %s may send", tname,
				    doms[i]);
				added++;
			}
			free(key);
			free(line);
		}
		/* No byte of the administrator's changes. */
		if (tb->old == NULL || added > 0)
			tbl_set(tb, data.p, data.len, tb->old != NULL ?
			    tb->st.st_mode : 0644);
		buf_free(&data);
	}
	if (edit_reparse(&t) == -1)
		goto out;
	r = txn_commit(&t);
out:
	for (i = 0; i < nd; i++)
		free(doms[i]);
	free(doms);
	free(list);
	free(type);
	free(map);
	free(value);
	txn_end(&t);
	return r;
}
