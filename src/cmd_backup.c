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

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "pfsubmit.h"

/* set_time - the set's time as text (from its info, else its id) */
static char *
set_time(const struct bk_set *s)
{
	struct tm	*tm;
	char		*t, buf[64];
	const char	*err;
	time_t		 when;

	t = bk_info_field(s->info, "time");
	when = (time_t)strtonum(t, 0, (long long)1 << 40, &err);
	free(t);
	if (err != NULL || (tm = gmtime(&when)) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", tm) == 0)
		return xstrdup(s->id);
	return xstrdup(buf);
}

/* set_json - one set in a JSON document */
static void
set_json(struct json *j, const struct bk_set *s)
{
	char	*when, *cmd;

	when = set_time(s);
	cmd = bk_info_field(s->info, "command");
	json_kstr(j, "id", s->id);
	json_kstr(j, "time", when);
	json_key(j, "files");
	json_begin_arr(j);
	if (s->has_main)
		json_str(j, "main.cf");
	if (s->has_master)
		json_str(j, "master.cf");
	json_end_arr(j);
	json_kstr(j, "command", cmd);
	json_kbool(j, "rollback", s->by_rollback);
	json_kbool(j, "first", s->first);
	free(when);
	free(cmd);
}

/* list_sets - backups: every set, newest first */
static void
list_sets(const char *dir, const struct bk_set *sets, size_t n)
{
	struct json	 j;
	char		*when, *cmd, *q;
	size_t		 i;

	if (opt.json) {
		json_init(&j, stdout);
		json_begin_obj(&j);
		json_kstr(&j, "config_directory", dir);
		json_key(&j, "backups");
		json_begin_arr(&j);
	} else if (n == 0)
		say("no backups in %s/%s", dir, BK_DIR);
	for (i = 0; i < n; i++) {
		if (opt.json) {
			json_begin_obj(&j);
			set_json(&j, &sets[i]);
			json_end_obj(&j);
			continue;
		}
		when = set_time(&sets[i]);
		cmd = bk_info_field(sets[i].info, "command");
		q = vquote(cmd, strlen(cmd), 120);
		printf("%s  %s  %s%s%s  %s%s\n", sets[i].id, when,
		    sets[i].has_main ? "main.cf" : "",
		    sets[i].has_main && sets[i].has_master ? " " : "",
		    sets[i].has_master ? "master.cf" : "",
		    sets[i].first ? "(first, kept)  " : "", q);
		free(q);
		free(when);
		free(cmd);
	}
	if (opt.json) {
		json_end_arr(&j);
		json_end_obj(&j);
		json_finish(&j);
	}
}

/* set_files - the names of the files a set holds, but its info; sorted */
static char **
set_files(int sfd, size_t *np)
{
	struct dirent	*de;
	DIR		*dp;
	char		**v = NULL;
	size_t		 n = 0, i, k;
	int		 fd;

	*np = 0;
	if ((fd = dup(sfd)) == -1 || (dp = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return NULL;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "info") == 0)
			continue;
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = xstrdup(de->d_name);
	}
	closedir(dp);
	/* main.cf, master.cf, then the tables: an insertion sort. */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && strcmp(v[k - 1], v[k]) > 0; k--) {
			char *t = v[k];

			v[k] = v[k - 1];
			v[k - 1] = t;
		}
	*np = n;
	return v;
}

/* show_set - backups show ID: the set's info and files */
static int
show_set(int dirfd, const struct bk_set *s)
{
	static const char *const keys[] = { "time", "seq", "rollback",
	    "restored", "command" };
	struct json	 j;
	struct stat	 st;
	char		**files, *v, *q;
	size_t		 n, i, k;
	int		 sfd;

	if ((sfd = bk_set_dir(dirfd, s->id, NULL)) == -1)
		return -1;
	files = set_files(sfd, &n);
	if (opt.json) {
		json_init(&j, stdout);
		json_begin_obj(&j);
		set_json(&j, s);
		json_kint(&j, "seq", s->seq);
		json_key(&j, "file_details");
		json_begin_arr(&j);
	} else {
		printf("id: %s\n", s->id);
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			v = k == 0 ? set_time(s) :
			    bk_info_field(s->info, keys[k]);
			q = vquote(v, strlen(v), 0);
			if (*v != '\0')
				printf("%s: %s\n", keys[k], q);
			free(q);
			free(v);
		}
		printf("first: %s\n", s->first ? "yes (kept for ever)" : "no");
	}
	for (i = 0; i < n; i++) {
		if (fstatat(sfd, files[i], &st, AT_SYMLINK_NOFOLLOW) == -1)
			memset(&st, 0, sizeof(st));
		if (opt.json) {
			json_begin_obj(&j);
			json_kstr(&j, "name", files[i]);
			json_kint(&j, "size", (long long)st.st_size);
			json_kint(&j, "mode", (long long)(st.st_mode & 07777));
			json_kint(&j, "uid", (long long)st.st_uid);
			json_kint(&j, "gid", (long long)st.st_gid);
			json_end_obj(&j);
		} else {
			q = vquote(files[i], strlen(files[i]), 0);
			printf("file: %s  %lld bytes  mode %04o  uid %ju  "
			    "gid %ju\n", q, (long long)st.st_size,
			    (unsigned)(st.st_mode & 07777),
			    (uintmax_t)st.st_uid, (uintmax_t)st.st_gid);
			free(q);
		}
		free(files[i]);
	}
	free(files);
	if (opt.json) {
		json_end_arr(&j);
		json_end_obj(&j);
		json_finish(&j);
	}
	close(sfd);
	return 0;
}

/*
 * diff_set - backups diff ID: a unified diff from the set's files to
 * the files now.  A table other than main.cf and master.cf may hold a
 * secret: only whether it differs is said.
 */
static int
diff_set(int dirfd, const struct bk_set *s, struct diag *d)
{
	struct json	 j;
	struct stat	 st;
	struct buf	 out;
	char		**files, *a, *b, *b64;
	size_t		 n, i, al, bl;
	int		 sfd, ea, eb, bad = 0;

	if ((sfd = bk_set_dir(dirfd, s->id, d)) == -1)
		return -1;
	files = set_files(sfd, &n);
	buf_init(&out);
	buf_adds(&out, "");
	for (i = 0; i < n; i++) {
		a = b = NULL;
		if (sf_read(sfd, files[i], files[i], &a, &al, &st, &ea,
		    d) == -1 || sf_read(dirfd, files[i], files[i], &b, &bl,
		    &st, &eb, d) == -1)
			bad = 1;
		else if (strcmp(files[i], "main.cf") == 0 ||
		    strcmp(files[i], "master.cf") == 0)
			diff_unified(files[i], a, al, eb ? b : "", eb ? bl : 0,
			    &out);
		else if (!eb || al != bl || memcmp(a, b, al) != 0)
			buf_printf(&out, "Files a/%s and b/%s differ\n",
			    files[i], files[i]);
		free(a);
		free(b);
		free(files[i]);
	}
	free(files);
	close(sfd);
	if (opt.json) {
		json_init(&j, stdout);
		json_begin_obj(&j);
		json_kstr(&j, "id", s->id);
		json_kstr(&j, "diff", out.p);
		b64 = xmalloc(4 * ((out.len + 2) / 3) + 1);
		(void)EVP_EncodeBlock((unsigned char *)b64,
		    (const unsigned char *)out.p, (int)out.len);
		json_kstr(&j, "diff_base64", b64);
		free(b64);
		json_end_obj(&j);
		json_finish(&j);
	} else
		fputs(out.p, stdout);
	buf_free(&out);
	return bad ? -1 : 0;
}

/*
 * cmd_backups - backups: list the sets; backups show ID, backups diff
 * ID: one set's info and files, and how the files differ from it now.
 */
int
cmd_backups(int argc, char **argv)
{
	const struct cmd *c = cmd_find("backups");
	const struct bk_set *s = NULL;
	struct bk_set	*sets;
	struct diag	 d;
	const char	*verb = NULL, *want = NULL;
	int		 dirfd, k, r, bad;
	char		*def, *dir;
	size_t		 n, i;

	k = cmd_getopt(argc, argv, c, NULL, NULL, NULL);
	if (argc - k == 2 && (strcmp(argv[k], "show") == 0 ||
	    strcmp(argv[k], "diff") == 0)) {
		verb = argv[k];
		want = argv[k + 1];
		if (arg_check_text(want, "backup id") == -1)
			return EX_PF_FAIL;
	} else if (argc - k != 0)
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
	bad = bk_list(dirfd, &sets, &n, &d) == -1;
	if (bad && n == 0) {
		/* No list at all (as non-root, say): one line, no "none". */
		diag_print(&d, stderr, DIAG_ERR);
		r = EX_PF_FAIL;
		goto out;
	}
	if (bad)
		diag_print(&d, stderr, DIAG_ERR);
	r = bad ? EX_PF_FAIL : EX_PF_OK;
	if (verb == NULL) {
		list_sets(dir, sets, n);
		goto out;
	}
	for (i = 0; i < n && s == NULL; i++)
		if (strcmp(sets[i].id, want) == 0)
			s = &sets[i];
	diag_free(&d);
	diag_init(&d);
	if (s == NULL) {
		char *q = vquote(want, strlen(want), 60);

		fprintf(stderr, "pfsubmit: error: no backup set %s; pfsubmit "
		    "backups lists them\n", q);
		free(q);
		r = EX_PF_FAIL;
	} else if ((strcmp(verb, "show") == 0 ? show_set(dirfd, s) :
	    diff_set(dirfd, s, &d)) == -1) {
		diag_print(&d, stderr, DIAG_ERR);
		r = EX_PF_FAIL;
	}
out:
	bk_list_free(sets, n);
	close(dirfd);
	diag_free(&d);
	free(dir);
	return r;
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

/*
 * known_errors - what check finds in the set being restored and not in
 * the files now (an error they share, such as this host's missing SASL
 * back end, is no reason to stay): each goes to d (a note with --force,
 * which restores it all the same).
 */
static size_t
known_errors(struct txn *t, const char *id, struct diag *d)
{
	struct diag	 ld;
	char		*key;
	size_t		 i, n = 0;
	int		 now;

	/* The set's tables come back with it. */
	txn_assume_tables(t);
	diag_init(&ld);
	lint_run(&t->c, &ld);
	for (i = 0; i < ld.n; i++) {
		if (ld.m[i].sev != DIAG_ERR)
			continue;
		key = txn_finding_key(&ld.m[i]);
		now = strmap_get(&t->errors, key) != NULL;
		free(key);
		if (now)
			continue;
		n++;
		if (opt.force)
			txn_note(t, "backup set %s has a check error "
			    "(--force): %s", id, ld.m[i].text);
		else
			diag_add(d, DIAG_ERR, ld.m[i].file, ld.m[i].line,
			    "backup set %s has this check error: %s; not "
			    "restoring it (--force restores it all the same)",
			    id, ld.m[i].text);
	}
	diag_free(&ld);
	return n;
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
	/* Restoring a set needs no parse of the files as they are. */
	if ((r = txn_begin_flags(&t, TXN_UNPARSED)) != 0)
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
	if (conf_reparse(&t.c, &d) < 0) {
		diag_add(&d, DIAG_ERR, NULL, 0, "backup set %s has errors; "
		    "not restoring it", id);
		goto fail;
	}
	if (known_errors(&t, id, &d) > 0 && !opt.force)
		goto fail;
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
