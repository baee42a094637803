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
 * The password table has one line, "[host]:port user:password", its key
 * the relayhost value exactly; it is mode 0600, owned by root, written
 * atomically, and postmap builds the indexed file next to it.  The
 * password is read from a file or standard input, never from argv, and
 * appears in no output, log or backup set.  --remove undoes all of it.
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

/* The suffixes postmap gives the indexed file, by table type. */
static const char *const db_suffixes[] = { ".db", ".lmdb", ".cdb", NULL };

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
 * write_table - replace DIR/sasl_passwd with data (mode 0600, our owner)
 * and build its index with postmap.  Returns -1 after saying why.
 */
static int
write_table(struct txn *t, const char *type, const char *data, size_t len)
{
	const char	*argv[6];
	struct run_result r;
	struct stat	 st;
	struct diag	 d;
	char		*map, *name;
	size_t		 i;
	int		 fd, ok;

	memset(&st, 0, sizeof(st));
	st.st_mode = 0600;
	st.st_uid = geteuid();
	st.st_gid = getegid();
	diag_init(&d);
	if (sf_replace(t->c.dirfd, RELAY_TABLE, data, len, &st, NULL, &d) ==
	    -1) {
		diag_print(&d, stderr, DIAG_ERR);
		diag_free(&d);
		return -1;
	}
	diag_free(&d);
	map = xprintf("%s:%s/%s", type, t->c.absdir, RELAY_TABLE);
	argv[0] = PATH_POSTMAP;
	argv[1] = "-c";
	argv[2] = t->c.absdir;
	argv[3] = map;
	argv[4] = NULL;
	ok = run_cmd(argv, 0, 60, &r) == 0;
	if (!ok)
		fprintf(stderr, "pfsubmit: postmap %s failed (status %d)\n",
		    map, r.status);
	run_result_free(&r);
	free(map);
	/* The index holds the password too: keep it as private. */
	for (i = 0; ok && db_suffixes[i] != NULL; i++) {
		name = xprintf("%s%s", RELAY_TABLE, db_suffixes[i]);
		if ((fd = openat(t->c.dirfd, name, O_RDONLY | O_NOFOLLOW |
		    O_CLOEXEC)) != -1) {
			(void)fchmod(fd, 0600);
			close(fd);
		}
		free(name);
	}
	return ok ? 0 : -1;
}

/* remove_table - the table and its index */
static void
remove_table(struct txn *t)
{
	char	*name;
	size_t	 i;

	(void)unlinkat(t->c.dirfd, RELAY_TABLE, 0);
	for (i = 0; db_suffixes[i] != NULL; i++) {
		name = xprintf("%s%s", RELAY_TABLE, db_suffixes[i]);
		(void)unlinkat(t->c.dirfd, name, 0);
		free(name);
	}
	(void)sf_fsync_dir(t->c.dirfd);
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
	const struct mp_param *p;
	struct txn	 t;
	char		*ours, *type;
	size_t		 i;
	int		 r, mine = 0;

	if ((r = txn_begin(&t)) != 0)
		return r;
	type = table_type(&t);
	ours = xprintf("%s:%s/%s", type, t.c.absdir, RELAY_TABLE);
	p = mp_get(&t.c.main, "smtp_sasl_password_maps");
	mine = p != NULL && strcmp(p->value, ours) == 0;
	for (i = 0; relay_params[i] != NULL; i++)
		(void)mpe_unset(&t.c.main, relay_params[i]);
	if (conf_reparse(&t.c, NULL) == -1) {
		fprintf(stderr, "pfsubmit: the edit produced a file that "
		    "Postfix would refuse; nothing written (this is a bug)\n");
		r = EX_PF_FAIL;
	} else {
		if (!mine && p != NULL)
			txn_note(&t, "smtp_sasl_password_maps named a table of "
			    "your own; it is left in place");
		r = txn_commit(&t);
		if ((r == EX_PF_OK || r == EX_PF_CHANGED ||
		    r == EX_PF_RELOAD) && mine && !opt.dry_run)
			remove_table(&t);
	}
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
	struct stat	 st;
	char		 pass[RELAY_PASSMAX], *relay, *type, *map, *old = NULL;
	const char	*want[5];
	char		*line;
	size_t		 i, oldlen = 0;
	int		 n, r, exists, table_changed;

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
			    "the table cannot hold\n", rh_passfile,
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
			txn_note(&t, "%s was \"%s\"; now %s (relayhost --remove "
			    "removes it)", relay_params[i], p->value, want[i]);
		(void)mpe_set(&t.c.main, relay_params[i], want[i]);
	}
	if (conf_reparse(&t.c, NULL) == -1 ||
	    (p = mp_get(&t.c.main, "relayhost")) == NULL ||
	    strcmp(p->value, relay) != 0) {
		fprintf(stderr, "pfsubmit: relayhost did not read back as set; "
		    "nothing written (this is a bug)\n");
		r = EX_PF_FAIL;
		goto out;
	}

	/* The table: its key must be the relayhost value exactly. */
	line = xprintf("%s %s:%s\n", relay, rh_user, pass);
	explicit_bzero(pass, sizeof(pass));
	diag_init(&d);
	if (sf_read(t.c.dirfd, RELAY_TABLE, RELAY_TABLE, &old, &oldlen, &st,
	    &exists, &d) == -1) {
		diag_print(&d, stderr, DIAG_ERR);
		diag_free(&d);
		explicit_bzero(line, strlen(line));
		free(line);
		r = EX_PF_FAIL;
		goto out;
	}
	diag_free(&d);
	table_changed = !exists || oldlen != strlen(line) ||
	    memcmp(old, line, oldlen) != 0 || (st.st_mode & 077) != 0 ||
	    st.st_uid != geteuid();
	if (opt.dry_run) {
		if (table_changed)
			txn_note(&t, "%s/%s would be written (mode 0600) and "
			    "indexed with postmap", t.c.dir, RELAY_TABLE);
		t.force = table_changed;
		r = txn_commit(&t);
	} else {
		if (table_changed && write_table(&t, type, line,
		    strlen(line)) == -1) {
			r = EX_PF_FAIL;
		} else {
			t.force = table_changed;
			r = txn_commit(&t);
		}
		/* The edit did not happen: the table goes back too. */
		if (table_changed && r != EX_PF_OK && r != EX_PF_CHANGED &&
		    r != EX_PF_RELOAD) {
			if (exists)
				(void)write_table(&t, type, old, oldlen);
			else
				remove_table(&t);
		}
	}
	explicit_bzero(line, strlen(line));
	free(line);
	if (old != NULL)
		explicit_bzero(old, oldlen);
	free(old);
out:
	explicit_bzero(pass, sizeof(pass));
	free(map);
	free(type);
	free(relay);
	txn_end(&t);
	return r;
}
