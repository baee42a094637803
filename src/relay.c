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
 * relayhost: the other half of port-25 blocking.  A server on a line
 * whose port 25 is blocked sends its own mail through the provider's
 * submission port, logging in with SASL:
 *
 *   relayhost = [host]:port		(brackets: no MX lookup)
 *   smtp_sasl_auth_enable = yes
 *   smtp_sasl_password_maps = TYPE:DIR/sasl_passwd
 *   smtp_sasl_security_options = noanonymous
 *   smtp_tls_security_level = encrypt	(the password only under TLS)
 *
 * The password table holds the line "[host]:port user:password", its
 * key the relayhost value exactly.  A table that is there already is
 * edited in place: that one entry is replaced or added, every other
 * byte (other credentials, comments) stays.  It goes through the
 * transaction like main.cf (txn_table, table.c): mode 0600, owned by
 * root, backed up in the set as a root-only copy, so that rollback
 * brings it back, and indexed with postmap before postfix check.  The
 * password is read from a file or standard input, never from argv, and
 * appears in no output or log, and in a backup set only as part of a
 * table that was replaced.  --remove undoes all of it, taking only its
 * own entry out of the table (the file goes when nothing else is left).
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pfsubmit.h"

#define RELAY_TABLE	"sasl_passwd"
#define RELAY_PASSMAX	1024

static const char *const relay_params[] = {
	"relayhost", "smtp_sasl_auth_enable", "smtp_sasl_password_maps",
	"smtp_sasl_security_options", "smtp_tls_security_level", NULL
};

/*
 * parse_relay - "host", "host:port", "[host]" or "[host]:port" into the
 * relayhost value "[host]:port" (allocated).  Returns -1 after saying
 * what is wrong.
 */
static char *
parse_relay(const char *arg)
{
	const char	*host, *end, *port = NULL, *err, *p;
	char		*h, *q;
	long long	 n = 587;

	if (arg_check_text(arg, "relay host") == -1)
		return NULL;
	if (arg[0] == '[') {
		host = arg + 1;
		if ((end = strchr(host, ']')) == NULL)
			goto bad;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			goto bad;
	} else {
		host = arg;
		end = strchr(arg, ':');
		if (end != NULL && strchr(end + 1, ':') != NULL)
			goto bad;	/* IPv6 needs brackets */
		if (end != NULL)
			port = end + 1;
		else
			end = arg + strlen(arg);
	}
	if (end == host)
		goto bad;
	for (p = host; p < end; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    (*p == ':' && arg[0] == '[')))
			goto bad;
	if (port != NULL) {
		n = strtonum(port, 1, 65535, &err);
		if (err != NULL)
			goto bad;
	}
	h = xstrndup(host, (size_t)(end - host));
	q = xprintf("[%s]:%lld", h, n);
	free(h);
	return q;
bad:
	q = vquote(arg, strlen(arg), 60);
	fprintf(stderr, "pfsubmit: relay host \"%s\": give host, host:port "
	    "or [host]:port (IPv6 in brackets)\n", q);
	free(q);
	return NULL;
}

/* have_sasl_client - can Postfix's SMTP client log in with PLAIN? */
static int
have_sasl_client(void)
{
	const char *const argv[] = { PATH_POSTCONF, "-A", NULL };
	struct run_result r;
	glob_t		 g;
	int		 ok;

	ok = run_cmd(argv, RUN_STDOUT, 30, &r) == 0 && r.out.len > 0;
	run_result_free(&r);
	if (!ok) {
		fprintf(stderr, "pfsubmit: postconf -A lists no SASL client "
		    "type: this Postfix cannot log in to a relay host\n");
		return 0;
	}
	/* Cyrus SASL finds its mechanisms as plug-ins. */
	ok = glob("/usr/lib/*/sasl2/libplain.so*", 0, NULL, &g) == 0 ||
	    glob("/usr/lib/sasl2/libplain.so*", 0, NULL, &g) == 0 ||
	    glob("/usr/lib64/sasl2/libplain.so*", 0, NULL, &g) == 0;
	globfree(&g);
	if (!ok)
		fprintf(stderr, "pfsubmit: the SASL client has no PLAIN "
		    "mechanism: apt-get install libsasl2-modules\n");
	return ok;
}

/* table_type - the map type for the table: $default_database_type */
static char *
table_type(struct txn *t)
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
	return r;
}

/*
 * entry_key - the key of the table entry that physical line [p, e)
 * starts, as [*kp, *kp + *klen); 0 when the line starts none (blank,
 * comment, continuation).
 */
static int
entry_key(const char *p, const char *e, const char **kp, size_t *klen)
{
	const char	*k;

	if (p == e || *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		return 0;
	if (*p == '#')
		return 0;
	for (k = p; k < e && *k != ' ' && *k != '\t' && *k != '\r' &&
	    *k != '\n'; k++)
		;
	*kp = p;
	*klen = (size_t)(k - p);
	return 1;
}

/*
 * relay_edit - the table old (oldlen bytes, may be NULL) with the entry
 * for key replaced by line, or removed when line is NULL; every other
 * byte stays.  postmap folds keys to lower case, so the match ignores
 * case.  A key that is not there is appended.  Returns the new text
 * (allocated, *lenp bytes); *foundp says whether the key was there.
 */
static char *
relay_edit(const char *old, size_t oldlen, const char *key,
    const char *line, size_t *lenp, int *foundp)
{
	struct buf	 b;
	const char	*p, *e, *end, *k;
	size_t		 klen;
	int		 skipping = 0;

	buf_init(&b);
	buf_adds(&b, "");
	*foundp = 0;
	end = old != NULL ? old + oldlen : NULL;
	for (p = old; p != NULL && p < end; p = e) {
		if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
			e = end;
		else
			e++;
		if (entry_key(p, e, &k, &klen)) {
			skipping = klen == strlen(key) &&
			    strncasecmp(k, key, klen) == 0;
			if (skipping) {
				if (!*foundp && line != NULL)
					buf_adds(&b, line);
				*foundp = 1;
				continue;
			}
		} else if (skipping && p < e && (*p == ' ' || *p == '\t')) {
			/* Its continuation lines go with it. */
			continue;
		} else if (p < e && *p != '#')
			skipping = 0;
		buf_add(&b, p, (size_t)(e - p));
	}
	if (!*foundp && line != NULL) {
		if (b.len > 0 && b.p[b.len - 1] != '\n')
			buf_addc(&b, '\n');
		buf_adds(&b, line);
	}
	*lenp = b.len;
	return buf_take(&b);
}

/* only_blank - nothing but white space left? */
static int
only_blank(const char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\n')
			return 0;
	return 1;
}

/* check_map_parts - the type and the directory written into main.cf */
static int
check_map_parts(struct txn *t, const char *type)
{
	const char	*p;
	char		*q;

	for (p = type; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_'))
			break;
	if (*p != '\0' || *type == '\0') {
		q = vquote(type, strlen(type), 60);
		fprintf(stderr, "pfsubmit: %s: default_database_type \"%s\" "
		    "is not a map type; fix main.cf first\n",
		    t->c.main.cf.path, q);
		free(q);
		return -1;
	}
	return arg_check_path(t->c.absdir, "-c");
}

static const char *rh_user, *rh_passfile;
static int rh_remove;

static void
relay_opt(int ch, const char *arg)
{
	switch (ch) {
	case 'U':
		rh_user = arg;
		break;
	case 'F':
		rh_passfile = arg;
		break;
	case 'R':
		rh_remove = 1;
		break;
	}
}

static int
relay_remove(int argc, char **argv)
{
	const struct mp_param *p, *rh;
	struct txn	 t;
	struct diag	 d;
	struct tbl	*tb;
	char		*ours, *type, *data;
	size_t		 i, len;
	int		 r, mine = 0, found;

	if ((r = txn_begin(&t)) != 0)
		return r;
	type = table_type(&t);
	ours = xprintf("%s:%s/%s", type, t.c.absdir, RELAY_TABLE);
	p = mp_get(&t.c.main, "smtp_sasl_password_maps");
	mine = p != NULL && strcmp(p->value, ours) == 0;
	rh = mp_get(&t.c.main, "relayhost");
	diag_init(&d);
	/* Only this relay host's entry goes; the table when it is empty. */
	if (mine && rh != NULL && *rh->value != '\0') {
		if ((tb = txn_table(&t, RELAY_TABLE, type, 1, &d)) == NULL) {
			diag_place(&d, t.c.dir);
			diag_print(&d, stderr, DIAG_ERR);
			diag_free(&d);
			r = EX_PF_FAIL;
			goto out;
		}
		data = relay_edit(tb->old, tb->oldlen, rh->value, NULL, &len,
		    &found);
		if (tb->old != NULL && only_blank(data, len))
			tbl_remove(tb);
		else if (tb->old != NULL && found) {
			tbl_set(tb, data, len, 0600);
			txn_note(&t, "%s/%s: removed the entry for %s; the "
			    "others stay", t.c.dir, RELAY_TABLE, rh->value);
		}
		explicit_bzero(data, len);
		free(data);
	}
	diag_free(&d);
	if (!mine && p != NULL)
		txn_note(&t, "smtp_sasl_password_maps named a table of "
		    "your own; it is left in place");
	for (i = 0; relay_params[i] != NULL; i++)
		(void)mpe_unset(&t.c.main, relay_params[i]);
	if (edit_reparse(&t) == -1)
		r = EX_PF_FAIL;
	else
		r = txn_commit(&t);
out:
	free(ours);
	free(type);
	txn_end(&t);
	return r;
}

int
cmd_relayhost(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "user", required_argument, NULL, 'U' },
		{ "password-file", required_argument, NULL, 'F' },
		{ "remove", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd *c = cmd_find("relayhost");
	const struct mp_param *p;
	struct txn	 t;
	struct diag	 d;
	struct tbl	*tb;
	char		 pass[RELAY_PASSMAX], *relay, *type, *map, *data;
	const char	*want[5];
	char		*line;
	size_t		 i, len;
	int		 n, r, found;

	rh_user = rh_passfile = NULL;
	rh_remove = 0;
	n = cmd_getopt(argc, argv, c, NULL, lo, relay_opt);
	if (rh_remove) {
		if (argc - n != 0 || rh_user != NULL || rh_passfile != NULL)
			cmd_usage(c);
		return relay_remove(argc, argv);
	}
	if (argc - n != 1 || rh_user == NULL || rh_passfile == NULL)
		cmd_usage(c);
	if ((relay = parse_relay(argv[n])) == NULL)
		return EX_PF_FAIL;
	if (arg_check_text(rh_user, "--user") == -1 ||
	    strpbrk(rh_user, ": \t") != NULL || *rh_user == '\0') {
		fprintf(stderr, "pfsubmit: --user: give a login name without "
		    "':' or white space\n");
		free(relay);
		return EX_PF_FAIL;
	}
	if (arg_read_secret(rh_passfile, pass, sizeof(pass)) == -1) {
		free(relay);
		return EX_PF_FAIL;
	}
	/* A table line: postmap would cut trailing blanks off silently. */
	for (i = 0; pass[i] != '\0'; i++)
		if ((unsigned char)pass[i] < 0x20 || pass[i] == 0x7f ||
		    (pass[i] == ' ' && pass[i + 1] == '\0')) {
			fprintf(stderr, "pfsubmit: %s: the password %s, which "
			    "the table cannot hold\n", edit_q(rh_passfile),
			    pass[i] == ' ' ? "ends in a space" :
			    "has a control character");
			explicit_bzero(pass, sizeof(pass));
			free(relay);
			return EX_PF_FAIL;
		}
	if (!have_sasl_client()) {
		explicit_bzero(pass, sizeof(pass));
		free(relay);
		return EX_PF_FAIL;
	}
	if ((r = txn_begin(&t)) != 0) {
		explicit_bzero(pass, sizeof(pass));
		free(relay);
		return r;
	}
	type = table_type(&t);
	map = xprintf("%s:%s/%s", type, t.c.absdir, RELAY_TABLE);
	if (check_map_parts(&t, type) == -1) {
		r = EX_PF_FAIL;
		goto out;
	}
	want[0] = relay;
	want[1] = "yes";
	want[2] = map;
	want[3] = "noanonymous";
	want[4] = "encrypt";
	/*
	 * What main.cf said before is replaced, and --remove will not know
	 * it (it removes the five): say so, with the value, for each.
	 */
	for (i = 0; relay_params[i] != NULL; i++) {
		if ((p = mp_get(&t.c.main, relay_params[i])) != NULL &&
		    strcmp(p->value, want[i]) != 0)
			txn_note(&t, "%s was \"%s\"; now %s (relayhost "
			    "--remove removes it)", relay_params[i], p->value,
			    want[i]);
		(void)mpe_set(&t.c.main, relay_params[i], want[i]);
	}
	if (edit_reparse(&t) == -1) {
		r = EX_PF_FAIL;
		goto out;
	}
	if ((p = mp_get(&t.c.main, "relayhost")) == NULL ||
	    strcmp(p->value, relay) != 0) {
		fprintf(stderr, "pfsubmit: relayhost did not read back as set; "
		    "nothing written (this is a bug)\n");
		r = EX_PF_FAIL;
		goto out;
	}

	/*
	 * The table: its key must be the relayhost value exactly.  Only
	 * that entry is written; other credentials and comments stay.
	 */
	line = xprintf("%s %s:%s\n", relay, rh_user, pass);
	explicit_bzero(pass, sizeof(pass));
	diag_init(&d);
	if ((tb = txn_table(&t, RELAY_TABLE, type, 1, &d)) == NULL) {
		diag_place(&d, t.c.dir);
		diag_print(&d, stderr, DIAG_ERR);
		diag_free(&d);
		explicit_bzero(line, strlen(line));
		free(line);
		r = EX_PF_FAIL;
		goto out;
	}
	diag_free(&d);
	data = relay_edit(tb->old, tb->oldlen, relay, line, &len, &found);
	explicit_bzero(line, strlen(line));
	free(line);
	tbl_set(tb, data, len, 0600);
	explicit_bzero(data, len);
	free(data);
	if (tbl_changed(tb) && opt.dry_run)
		txn_note(&t, "%s/%s would be written (mode 0600) and "
		    "indexed with postmap", t.c.dir, RELAY_TABLE);
	if (tbl_changed(tb) && tb->old != NULL && found)
		txn_note(&t, "%s/%s: the entry for %s is replaced; the "
		    "others stay", t.c.dir, RELAY_TABLE, relay);
	r = txn_commit(&t);
out:
	explicit_bzero(pass, sizeof(pass));
	free(map);
	free(type);
	free(relay);
	txn_end(&t);
	return r;
}
