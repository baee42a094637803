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
 * backups and rollback.  A rollback is an edit like any other: it runs
 * through the transaction, so it is checked, backed up itself (and so can
 * be rolled back), and reloads Postfix.  Without an id it restores the
 * newest set that was not made by a rollback and that differs from the
 * files as they are now, so that repeated rollbacks walk back through
 * the edits instead of undoing each other.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pfsubmit.h"

/* info_field - the value of a "key: value" line of a set's info */
static char *
info_field(const char *info, const char *key)
{
	const char	*p = info, *nl;
	size_t		 klen = strlen(key);

	while (*p != '\0') {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if ((size_t)(nl - p) >= klen + 2 &&
		    strncmp(p, key, klen) == 0 && p[klen] == ':' &&
		    p[klen + 1] == ' ')
			return xstrndup(p + klen + 2,
			    (size_t)(nl - p) - klen - 2);
		p = *nl == '\0' ? nl : nl + 1;
	}
	return xstrdup("");
}

/* set_time - the set's time as text (from its info, else its id) */
static char *
set_time(const struct bk_set *s)
{
	struct tm	*tm;
	char		*t, buf[64];
	const char	*err;
	time_t		 when;

	t = info_field(s->info, "time");
	when = (time_t)strtonum(t, 0, (long long)1 << 40, &err);
	free(t);
	if (err != NULL || (tm = gmtime(&when)) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", tm) == 0)
		return xstrdup(s->id);
	return xstrdup(buf);
}

int
cmd_backups(int argc, char **argv)
{
	const struct cmd *c = cmd_find("backups");
	struct bk_set	*sets;
	struct json	 j;
	struct diag	 d;
	int		 dirfd;
	char		*def, *dir, *when, *cmd, *q;
	size_t		 n, i;

	if (cmd_getopt(argc, argv, c, NULL, NULL, NULL) != argc)
		cmd_usage(c);
	diag_init(&d);
	def = conf_config_directory();
	dir = xstrdup(opt.config_dir != NULL ? opt.config_dir : def);
	free(def);
	if ((dirfd = sf_open_dir(dir, 0, &d)) == -1) {
		diag_print(&d, stderr, DIAG_ERR);
		diag_free(&d);
		free(dir);
		return EX_PF_FAIL;
	}
	/* A set whose info cannot be read is still listed. */
	if (bk_list(dirfd, &sets, &n, &d) == -1)
		diag_print(&d, stderr, DIAG_ERR);
	if (opt.json) {
		json_init(&j, stdout);
		json_begin_obj(&j);
		json_kstr(&j, "config_directory", dir);
		json_key(&j, "backups");
		json_begin_arr(&j);
	} else if (n == 0)
		say("no backups in %s/%s", dir, BK_DIR);
	for (i = 0; i < n; i++) {
		when = set_time(&sets[i]);
		cmd = info_field(sets[i].info, "command");
		if (opt.json) {
			json_begin_obj(&j);
			json_kstr(&j, "id", sets[i].id);
			json_kstr(&j, "time", when);
			json_key(&j, "files");
			json_begin_arr(&j);
			if (sets[i].has_main)
				json_str(&j, "main.cf");
			if (sets[i].has_master)
				json_str(&j, "master.cf");
			json_end_arr(&j);
			json_kstr(&j, "command", cmd);
			json_kbool(&j, "rollback", sets[i].by_rollback);
			json_end_obj(&j);
		} else {
			q = vquote(cmd, strlen(cmd), 120);
			printf("%s  %s  %s%s%s  %s\n", sets[i].id, when,
			    sets[i].has_main ? "main.cf" : "",
			    sets[i].has_main && sets[i].has_master ? " " : "",
			    sets[i].has_master ? "master.cf" : "", q);
			free(q);
		}
		free(when);
		free(cmd);
	}
	if (opt.json) {
		json_end_arr(&j);
		json_end_obj(&j);
		json_finish(&j);
	}
	bk_list_free(sets, n);
	close(dirfd);
	i = d.nerr;
	diag_free(&d);
	free(dir);
	return i > 0 ? EX_PF_FAIL : EX_PF_OK;
}

/*
 * differs - does the set hold other bytes than the files now?  1 or 0,
 * or -1 when it cannot be read (the reason goes to d): a set that cannot
 * be read must not be skipped as if it were the same.
 */
static int
differs(struct txn *t, const char *id, struct diag *d)
{
	static const char *const names[2] = { "main.cf", "master.cf" };
	char	*data;
	size_t	 len;
	int	 k, exists, diff = 0;

	for (k = 0; k < 2 && !diff; k++) {
		if (bk_read(t->c.dirfd, id, names[k], &data, &len, &exists,
		    d) == -1)
			return -1;
		if (exists && (len != t->origlen[k] ||
		    memcmp(data, t->orig[k], len) != 0))
			diff = 1;
		free(data);
	}
	return diff;
}

int
cmd_rollback(int argc, char **argv)
{
	const struct cmd *c = cmd_find("rollback");
	struct bk_set	*sets = NULL;
	struct txn	 t;
	struct diag	 d;
	const char	*want = NULL;
	char		*id = NULL, *data, *q;
	size_t		 n = 0, i, len;
	int		 k, r, exists;

	k = cmd_getopt(argc, argv, c, NULL, NULL, NULL);
	if (argc - k > 1)
		cmd_usage(c);
	if (argc - k == 1) {
		want = argv[k];
		if (arg_check_text(want, "backup id") == -1)
			return EX_PF_FAIL;
		if (strchr(want, '/') != NULL || *want == '\0') {
			q = vquote(want, strlen(want), 60);
			fprintf(stderr, "pfsubmit: \"%s\" is not a backup id; "
			    "pfsubmit backups lists them\n", q);
			free(q);
			return EX_PF_FAIL;
		}
	}
	if ((r = txn_begin(&t)) != 0)
		return r;
	t.rollback = 1;
	diag_init(&d);
	/* Choosing a set needs every set's info; a given id does not. */
	if (bk_list(t.c.dirfd, &sets, &n, &d) == -1 && want == NULL)
		goto fail;
	/*
	 * Right after a rollback, go on from the set it restored, so that
	 * repeated rollbacks walk back through the edits.
	 */
	i = 0;
	if (want == NULL && n > 0 && sets[0].by_rollback &&
	    sets[0].restored[0] != '\0')
		for (k = 1; (size_t)k < n; k++)
			if (strcmp(sets[k].id, sets[0].restored) == 0) {
				i = (size_t)k + 1;
				break;
			}
	for (; i < n && id == NULL; i++) {
		if (want != NULL) {
			if (strcmp(sets[i].id, want) == 0)
				id = xstrdup(sets[i].id);
			continue;
		}
		if (sets[i].by_rollback)
			continue;
		if ((k = differs(&t, sets[i].id, &d)) == -1) {
			diag_add(&d, DIAG_ERR, NULL, 0, "cannot read backup "
			    "set %s; give the id to roll back to",
			    sets[i].id);
			goto fail;
		}
		if (k == 1)
			id = xstrdup(sets[i].id);
	}
	if (id == NULL) {
		if (want != NULL) {
			q = vquote(want, strlen(want), 60);
			diag_add(&d, DIAG_ERR, NULL, 0, "no backup set %s; "
			    "pfsubmit backups lists them", q);
			free(q);
		}
		else
			diag_add(&d, DIAG_ERR, NULL, 0, "no backup set to "
			    "roll back to: none differs from the files now");
		goto fail;
	}
	txn_note(&t, "restoring backup set %s", id);
	t.restored = id;
	for (k = 0; k < 2; k++) {
		struct cf_file *f = k == 0 ? &t.c.main.cf : &t.c.master.cf;

		if (bk_read(t.c.dirfd, id, k == 0 ? "main.cf" : "master.cf",
		    &data, &len, &exists, &d) == -1)
			goto fail;
		if (!exists)
			continue;
		r = cf_set_content(f, data, len, &d);
		free(data);
		if (r == -1)
			goto fail;
	}
	if (tbl_restore_set(&t, id, &d) == -1)
		goto fail;
	if (conf_reparse(&t.c, &d) == -1) {
		diag_add(&d, DIAG_ERR, NULL, 0, "backup set %s has errors; "
		    "not restoring it", id);
		goto fail;
	}
	diag_print(&d, stderr, DIAG_SHOWN(DIAG_WARN));
	diag_free(&d);
	bk_list_free(sets, n);
	r = txn_commit(&t);
	txn_end(&t);
	free(id);
	return r;
fail:
	diag_print(&d, stderr, DIAG_ERR);
	diag_free(&d);
	bk_list_free(sets, n);
	txn_end(&t);
	free(id);
	return EX_PF_FAIL;
}
