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
 * Lookup tables that an edit writes beside main.cf and master.cf: the
 * relay host's password table, the sender table.  A command asks for a
 * table with txn_table() inside its transaction (the locks are held, so
 * what is read is what the edit starts from), says what it should hold
 * with tbl_set() or tbl_remove(), and txn_commit() does the rest through
 * the tbl_* steps below, at the same points as for the two files.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pfsubmit.h"

/*
 * txn_table - the table name (a file of the configuration directory) of
 * map type type, read as it is now; secret: never in a diff.  Asking
 * twice gives the same table.  Returns NULL after adding the reason to
 * d (it cannot be read, or too many tables).
 */
struct tbl *
txn_table(struct txn *t, const char *name, const char *type, int secret,
    struct diag *d)
{
	struct tbl	*tb;
	size_t		 i;
	int		 exists;

	for (i = 0; i < t->ntbl; i++)
		if (strcmp(t->tbl[i].name, name) == 0)
			return &t->tbl[i];
	if (t->ntbl == TXN_MAXTBL) {
		diag_add(d, DIAG_ERR, name, 0, "too many tables in one edit");
		return NULL;
	}
	tb = &t->tbl[t->ntbl];
	memset(tb, 0, sizeof(*tb));
	if (sf_read(t->c.dirfd, name, name, &tb->old, &tb->oldlen, &tb->st,
	    &exists, d) == -1)
		return NULL;
	if (!exists) {
		free(tb->old);
		tb->old = NULL;
		tb->oldlen = 0;
	}
	tb->name = xstrdup(name);
	tb->type = xstrdup(type);
	tb->secret = secret;
	tb->mode = exists ? tb->st.st_mode & 07777 : 0644;
	t->ntbl++;
	return tb;
}

/* tbl_set - the table is to hold data (len bytes), with mode */
void
tbl_set(struct tbl *tb, const char *data, size_t len, mode_t mode)
{
	if (tb->data != NULL)
		explicit_bzero(tb->data, tb->len);
	free(tb->data);
	tb->data = xmalloc(len + 1);
	memcpy(tb->data, data, len);
	tb->data[len] = '\0';
	tb->len = len;
	tb->mode = mode & 07777;
	tb->set = 1;
}

/* tbl_remove - the table and its index are to go */
void
tbl_remove(struct tbl *tb)
{
	if (tb->data != NULL)
		explicit_bzero(tb->data, tb->len);
	free(tb->data);
	tb->data = NULL;
	tb->len = 0;
	tb->set = 1;
}

/* tbl_changed - does the edit change the table (contents or mode)? */
int
tbl_changed(const struct tbl *tb)
{
	if (!tb->set)
		return 0;
	if (tb->data == NULL)
		return tb->old != NULL;
	return tb->old == NULL || tb->len != tb->oldlen ||
	    memcmp(tb->data, tb->old, tb->len) != 0 ||
	    (tb->st.st_mode & 07777) != tb->mode ||
	    (tb->secret && tb->st.st_uid != geteuid());
}

/* tbl_free - release one table; secrets are wiped */
void
tbl_free(struct tbl *tb)
{
	if (tb->old != NULL)
		explicit_bzero(tb->old, tb->oldlen);
	if (tb->data != NULL)
		explicit_bzero(tb->data, tb->len);
	free(tb->old);
	free(tb->data);
	free(tb->name);
	free(tb->type);
	free(tb->bkname);
	memset(tb, 0, sizeof(*tb));
}

/*
 * The steps of txn_commit, in its order.  Each acts on the tables that
 * tbl_changed() says change, and is a no-op for an edit without one.
 */

/*
 * The files postmap makes beside a table, by map type; a type not listed
 * (regexp, pcre, texthash, ...) is read as it stands and has no index.
 */
static const struct {
	const char	*type;
	const char	*suffix[2];
} tbl_index[] = {
	{ "hash", { ".db", NULL } },
	{ "btree", { ".db", NULL } },
	{ "lmdb", { ".lmdb", NULL } },
	{ "cdb", { ".cdb", NULL } },
	{ "dbm", { ".dir", ".pag" } },
	{ "sdbm", { ".dir", ".pag" } },
};

/* index_of - the index suffixes of a map type, or NULL: none */
static const char *const *
index_of(const char *type)
{
	size_t	 i;

	for (i = 0; i < sizeof(tbl_index) / sizeof(tbl_index[0]); i++)
		if (strcmp(tbl_index[i].type, type) == 0)
			return tbl_index[i].suffix;
	return NULL;
}

/* tbl_index_remove - remove the index files of a table, if any */
static void
tbl_index_remove(struct txn *t, const struct tbl *tb)
{
	const char *const *sx;
	char	 name[SF_NAMELEN];
	int	 k;

	if ((sx = index_of(tb->type)) == NULL)
		return;
	for (k = 0; k < 2 && sx[k] != NULL; k++)
		if ((size_t)snprintf(name, sizeof(name), "%s%s", tb->name,
		    sx[k]) < sizeof(name))
			(void)unlinkat(t->c.dirfd, name, 0);
}

/*
 * tbl_index_build - postmap the table as it is now.  The index of a
 * secret table holds the secret too: it is made root-only.  Returns -1
 * after saying why.
 */
static int
tbl_index_build(struct txn *t, const struct tbl *tb, struct diag *d)
{
	const char *const *sx;
	const char	*argv[5];
	struct run_result r;
	char		*map, *q, name[SF_NAMELEN];
	int		 k, fd, ok;

	if ((sx = index_of(tb->type)) == NULL)
		return 0;
	map = xprintf("%s:%s/%s", tb->type, t->c.absdir, tb->name);
	argv[0] = PATH_POSTMAP;
	argv[1] = "-c";
	argv[2] = t->c.absdir;
	argv[3] = map;
	argv[4] = NULL;
	/* postmap -c DIR on the directory that was checked, as postfix. */
	if (sf_same_dir(t->c.dirfd, t->c.absdir, d) == -1) {
		free(map);
		return -1;
	}
	ok = run_cmd(argv, 0, 60, &r) == 0;
	if (sf_same_dir(t->c.dirfd, t->c.absdir, d) == -1)
		ok = 0;
	if (!ok && r.status != 0) {
		/* postmap quotes lines of the table: not for a secret one. */
		q = vquote(tb->secret ? "" : r.out.p, tb->secret ? 0 :
		    strcspn(r.out.p, "\n"), 200);
		diag_add(d, DIAG_ERR, tb->name, 0, "postmap %s failed (status "
		    "%d)%s%s; see the table and run postmap by hand", tb->type,
		    r.status, *q != '\0' ? ": " : "", q);
		free(q);
	}
	run_result_free(&r);
	free(map);
	for (k = 0; ok && tb->secret && k < 2 && sx[k] != NULL; k++) {
		if ((size_t)snprintf(name, sizeof(name), "%s%s", tb->name,
		    sx[k]) >= sizeof(name))
			continue;
		if ((fd = openat(t->c.dirfd, name, O_RDONLY | O_NOFOLLOW |
		    O_CLOEXEC | O_NONBLOCK)) != -1) {
			(void)fchmod(fd, 0600);
			close(fd);
		}
	}
	return ok ? 0 : -1;
}

/* tbl_diff - add each changed table's diff (a secret one: one line) */
void
tbl_diff(struct txn *t, struct buf *diff)
{
	struct tbl	*tb;
	size_t		 i;

	for (i = 0; i < t->ntbl; i++) {
		tb = &t->tbl[i];
		if (!tbl_changed(tb))
			continue;
		if (tb->secret) {
			/* diff -q's words: patch passes over the line. */
			buf_printf(diff, "Files a/%s and b/%s differ (a secret "
			    "table: its contents are not shown)\n", tb->name,
			    tb->name);
			continue;
		}
		diff_unified(tb->name, tb->old != NULL ? tb->old : "",
		    tb->oldlen, tb->data != NULL ? tb->data : "", tb->len,
		    diff);
	}
}

/*
 * A table that the edit creates has no copy in the set; an empty file of
 * this suffix says that there was none, so that rollback removes it.
 */
#define TBL_ABSENT	".pfsubmit-absent"

/*
 * tbl_backup_files - fill at most max entries of bf with the tables as
 * read, for the backup set; returns how many.  A secret table's copy is
 * root-only whatever the original's mode (the set directory is 0700).
 */
size_t
tbl_backup_files(struct txn *t, struct bk_file *bf, size_t max)
{
	struct tbl	*tb;
	size_t		 i, n = 0;

	for (i = 0; i < t->ntbl && n < max; i++) {
		tb = &t->tbl[i];
		if (!tbl_changed(tb))
			continue;
		if (tb->old == NULL) {
			free(tb->bkname);
			tb->bkname = xprintf("%s%s", tb->name, TBL_ABSENT);
			memset(&tb->bkst, 0, sizeof(tb->bkst));
			tb->bkst.st_mode = S_IFREG | 0600;
			tb->bkst.st_uid = geteuid();
			tb->bkst.st_gid = getegid();
			bf[n].name = tb->bkname;
			bf[n].data = "";
			bf[n].len = 0;
			bf[n].st = &tb->bkst;
			bf[n].exists = 1;
			n++;
			continue;
		}
		tb->bkst = tb->st;
		if (tb->secret)
			tb->bkst.st_mode = (tb->st.st_mode & ~07777) | 0600;
		bf[n].name = tb->name;
		bf[n].data = tb->old;
		bf[n].len = tb->oldlen;
		bf[n].st = &tb->bkst;
		bf[n].exists = 1;
		n++;
	}
	return n;
}

/* tbl_stage - write each new table beside it, like sf_stage */
int
tbl_stage(struct txn *t, struct diag *d)
{
	struct tbl	*tb;
	struct stat	 st;
	size_t		 i;

	for (i = 0; i < t->ntbl; i++) {
		tb = &t->tbl[i];
		if (!tbl_changed(tb) || tb->data == NULL)
			continue;
		memset(&st, 0, sizeof(st));
		st.st_mode = tb->mode;
		/* A secret is root's alone, whoever owned the file. */
		st.st_uid = tb->old != NULL && !tb->secret ? tb->st.st_uid :
		    geteuid();
		st.st_gid = tb->old != NULL ? tb->st.st_gid : getegid();
		if (sf_stage(t->c.dirfd, tb->name, tb->data, tb->len, &st,
		    d) == -1)
			return -1;
	}
	return 0;
}

/* same_as_read - is name still the file that was read (st)? */
static int
same_as_read(int dirfd, const char *name, const struct stat *st)
{
	struct stat	 now;

	return fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    now.st_dev == st->st_dev && now.st_ino == st->st_ino &&
	    now.st_size == st->st_size &&
	    now.st_mtim.tv_sec == st->st_mtim.tv_sec &&
	    now.st_mtim.tv_nsec == st->st_mtim.tv_nsec;
}

/*
 * take_away - a table that is to go: kept as "<name>.pfsubmit-old" (a
 * hard link, as sf_install keeps an original), then unlinked, so that
 * sf_revert puts it back with one rename.
 */
static int
take_away(struct txn *t, struct tbl *tb, struct diag *d)
{
	char	 old[SF_NAMELEN];

	if ((size_t)snprintf(old, sizeof(old), "%s%s", tb->name, SF_OLD) >=
	    sizeof(old))
		return -1;
	if (!same_as_read(t->c.dirfd, tb->name, &tb->st)) {
		diag_add(d, DIAG_ERR, tb->name, 0, "changed by someone else "
		    "while pfsubmit worked on it; nothing written, run "
		    "pfsubmit again");
		return -1;
	}
	(void)unlinkat(t->c.dirfd, old, 0);
	if (linkat(t->c.dirfd, tb->name, t->c.dirfd, old, 0) == -1) {
		diag_add(d, DIAG_ERR, tb->name, 0, "link: %s",
		    strerror(errno));
		return -1;
	}
	if (unlinkat(t->c.dirfd, tb->name, 0) == -1) {
		diag_add(d, DIAG_ERR, tb->name, 0, "unlink: %s",
		    strerror(errno));
		(void)unlinkat(t->c.dirfd, old, 0);
		return -1;
	}
	if (sf_fsync_dir(t->c.dirfd) == -1)
		diag_add(d, DIAG_WARN, tb->name, 0, "fsync of the directory: "
		    "%s", strerror(errno));
	return 0;
}

/* tbl_install - put each staged table in place, keeping the original */
int
tbl_install(struct txn *t, struct diag *d)
{
	struct tbl	*tb;
	char		 old[SF_NAMELEN];
	size_t		 i;

	for (i = 0; i < t->ntbl; i++) {
		tb = &t->tbl[i];
		if (!tbl_changed(tb))
			continue;
		if (tb->data == NULL) {
			if (take_away(t, tb, d) == -1)
				return -1;
		} else if (sf_install(t->c.dirfd, tb->name, tb->old != NULL ?
		    &tb->st : NULL, d) == -1)
			return -1;
		tb->installed = 1;
		/*
		 * As for the two files: the kept original outlives a run
		 * that is killed now, for the administrator (the backup set
		 * holds it too).
		 */
		if ((size_t)snprintf(old, sizeof(old), "%s%s", tb->name,
		    SF_OLD) < sizeof(old))
			sf_cleanup_unregister(t->c.dirfd, old);
	}
	return 0;
}

/* tbl_postmap - index each installed table, before postfix check */
int
tbl_postmap(struct txn *t, struct diag *d)
{
	struct tbl	*tb;
	size_t		 i;

	for (i = 0; i < t->ntbl; i++) {
		tb = &t->tbl[i];
		if (!tb->installed)
			continue;
		if (tb->data == NULL)
			tbl_index_remove(t, tb);
		else if (tbl_index_build(t, tb, d) == -1)
			return -1;
	}
	return 0;
}

/* tbl_revert - put each installed table's original back, and index it */
int
tbl_revert(struct txn *t, struct diag *d)
{
	struct tbl	*tb;
	size_t		 i;
	int		 bad = 0;

	for (i = 0; i < t->ntbl; i++) {
		tb = &t->tbl[i];
		if (!tb->installed)
			continue;
		if (tb->old != NULL) {
			if (sf_revert(t->c.dirfd, tb->name, d) == -1) {
				bad = 1;
				continue;
			}
			tb->installed = 0;
			if (tbl_index_build(t, tb, d) == -1)
				bad = 1;
		} else {
			if (unlinkat(t->c.dirfd, tb->name, 0) == -1 &&
			    errno != ENOENT) {
				diag_add(d, DIAG_ERR, tb->name, 0, "cannot "
				    "remove the new table: %s",
				    strerror(errno));
				bad = 1;
				continue;
			}
			tb->installed = 0;
			tbl_index_remove(t, tb);
			(void)sf_fsync_dir(t->c.dirfd);
		}
	}
	return bad ? -1 : 0;
}

/* tbl_discard - after the commit (or a failure): remove what is left */
void
tbl_discard(struct txn *t, struct diag *d)
{
	size_t	 i;

	for (i = 0; i < t->ntbl; i++)
		(void)sf_discard(t->c.dirfd, t->tbl[i].name, d);
}

/*
 * table_type - the map type main.cf gives table name: the TYPE of a
 * "TYPE:DIR/name" in its text (DIR as given or absolute), else
 * $default_database_type of that main.cf, else Postfix's default.
 * Allocated.
 */
static char *
table_type(struct txn *t, const char *main, size_t mainlen,
    const char *name)
{
	const struct mp_param *p;
	struct exp_result res;
	struct mp_file	 m;
	const char	*dirs[2], *v, *s, *e, *b;
	char		*pat, *r = NULL;
	size_t		 k, plen;

	dirs[0] = t->c.absdir;
	dirs[1] = t->c.dir;
	for (k = 0; k < 2 && r == NULL; k++) {
		pat = xprintf(":%s%s%s", dirs[k], dirs[k][strlen(dirs[k]) -
		    1] == '/' ? "" : "/", name);
		plen = strlen(pat);
		for (s = main; r == NULL && (e = memmem(s, mainlen -
		    (size_t)(s - main), pat, plen)) != NULL; s = e + 1) {
			/* The name must end there: "x_passwd2" is another. */
			if ((size_t)(e - main) + plen < mainlen &&
			    strchr(" \t\r\n,}", e[plen]) == NULL)
				continue;
			for (b = e; b > main && ((b[-1] >= 'a' &&
			    b[-1] <= 'z') || (b[-1] >= '0' && b[-1] <= '9') ||
			    b[-1] == '_'); b--)
				;
			if (b < e)
				r = xstrndup(b, (size_t)(e - b));
		}
		free(pat);
	}
	if (r != NULL)
		return r;
	mp_init(&m, "main.cf");
	if (cf_load(&m.cf, main, mainlen, NULL) == 0 &&
	    mp_parse(&m, NULL) == 0 &&
	    (p = mp_get(&m, "default_database_type")) != NULL)
		v = p->value;
	else
		v = conf_default(&t->c, "default_database_type");
	conf_expand_main(&t->c, v != NULL ? v : "hash", &res);
	r = xstrdup(res.error == NULL && *res.text != '\0' ? res.text :
	    "hash");
	exp_result_free(&res);
	mp_free(&m);
	return r;
}

/* set_file_name - could this be a table that tbl_backup_files wrote? */
static int
set_file_name(const char *n)
{
	const char	*p;

	if (strcmp(n, "main.cf") == 0 || strcmp(n, "master.cf") == 0 ||
	    strcmp(n, "info") == 0 || n[0] == '.' || n[0] == '\0' ||
	    strlen(n) >= SF_NAMELEN - sizeof(SF_NEW))
		return 0;
	for (p = n; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._-+", *p) != NULL))
			return 0;
	return 1;
}

/*
 * restore_absent - the set says the table (the first len bytes of the
 * marker's name) was not there: it is to go again.  Its contents are
 * shown in no diff unless others may read it.
 */
static int
restore_absent(struct txn *t, const char *marker, size_t len,
    const struct buf *mainb, struct diag *d)
{
	struct tbl	*tb;
	char		*name, *type;

	name = xstrndup(marker, len);
	if (!set_file_name(name)) {
		free(name);
		return 0;
	}
	type = table_type(t, mainb->p, mainb->len, name);
	tb = txn_table(t, name, type, 1, d);
	free(type);
	free(name);
	if (tb == NULL)
		return -1;
	if (tb->old != NULL) {
		tb->secret = (tb->st.st_mode & 077) == 0;
		tbl_remove(tb);
		txn_note(t, "the table %s goes: there was none then",
		    tb->name);
	}
	return 0;
}

/*
 * tbl_restore_set - for rollback: register every table that backup set
 * id holds, with the contents it holds.  Call it after main.cf has the
 * set's contents: the map type is what that main.cf says.  A copy that
 * only root may read is taken for a secret table's.  Returns -1 after
 * saying why.
 */
int
tbl_restore_set(struct txn *t, const char *id, struct diag *d)
{
	struct dirent	*de;
	struct stat	 st;
	struct buf	 mainb;
	struct tbl	*tb;
	DIR		*dp;
	char		*data, *type;
	size_t		 len;
	int		 bfd, sfd, exists, bad = 0;

	if ((bfd = openat(t->c.dirfd, BK_DIR, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC)) == -1)
		return 0;	/* bk_read said what is wrong already */
	sfd = openat(bfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	close(bfd);
	if (sfd == -1 || (dp = fdopendir(sfd)) == NULL) {
		if (sfd != -1)
			close(sfd);
		return 0;
	}
	buf_init(&mainb);
	buf_adds(&mainb, "");
	cf_serialize(&t->c.main.cf, &mainb);
	while (!bad && (de = readdir(dp)) != NULL) {
		if ((len = strlen(de->d_name)) > sizeof(TBL_ABSENT) - 1 &&
		    strcmp(de->d_name + len - (sizeof(TBL_ABSENT) - 1),
		    TBL_ABSENT) == 0) {
			if (restore_absent(t, de->d_name, len - (sizeof(
			    TBL_ABSENT) - 1), &mainb, d) == -1)
				bad = 1;
			continue;
		}
		if (!set_file_name(de->d_name))
			continue;
		if (fstatat(sfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (bk_read(t->c.dirfd, id, de->d_name, &data, &len, &exists,
		    d) == -1) {
			bad = 1;
			break;
		}
		if (!exists) {
			free(data);
			continue;
		}
		type = table_type(t, mainb.p, mainb.len, de->d_name);
		tb = txn_table(t, de->d_name, type, (st.st_mode & 077) == 0,
		    d);
		free(type);
		if (tb == NULL) {
			explicit_bzero(data, len);
			free(data);
			bad = 1;
			break;
		}
		/* The file's mode as it is now; else the copy's. */
		tbl_set(tb, data, len, tb->old != NULL ? tb->st.st_mode :
		    st.st_mode);
		explicit_bzero(data, len);
		free(data);
		if (tbl_changed(tb))
			txn_note(t, "the table %s comes back too", tb->name);
	}
	closedir(dp);
	buf_free(&mainb);
	return bad ? -1 : 0;
}
