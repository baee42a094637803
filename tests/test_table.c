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
 * table.c: the steps a table goes through in the transaction, on a
 * scratch directory (postmap itself is run by the command-line tests):
 * the diff of a secret table holds no byte of it, its backup copy is
 * root-only, stage/install/revert give the original back (same inode),
 * a new table is removed again, a removed one put back, nothing is left
 * beside it, and rollback registers every table a set holds with the
 * map type the set's main.cf gives it.
 */

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

struct fx {
	char		*dir;
	struct txn	 t;
};

static int
setup(void **state)
{
	struct fx	*f = xcalloc(1, sizeof(*f));
	struct diag	 d;
	const char	*main_cf = "compatibility_level = 3.6\n"
			    "default_database_type = lmdb\n";

	f->dir = t_tmpdir();
	t_write(f->dir, "main.cf", main_cf, strlen(main_cf));
	t_write(f->dir, "master.cf", "", 0);
	diag_init(&d);
	assert_int_equal(conf_open_dir(&f->t.c, f->dir, 1, &d), 0);
	assert_int_equal(conf_load(&f->t.c, &d), 0);
	diag_free(&d);
	diag_init(&f->t.notes);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	size_t		 i;

	for (i = 0; i < f->t.ntbl; i++)
		tbl_free(&f->t.tbl[i]);
	conf_free(&f->t.c);
	diag_free(&f->t.notes);
	t_rmdir(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static char *
path(struct fx *f, const char *name)
{
	return xprintf("%s/%s", f->dir, name);
}

static struct stat
stat_of(struct fx *f, const char *name)
{
	struct stat	 st;
	char		*p = path(f, name);

	assert_int_equal(lstat(p, &st), 0);
	free(p);
	return st;
}

static int
exists(struct fx *f, const char *name)
{
	struct stat	 st;
	char		*p = path(f, name);
	int		 r;

	r = lstat(p, &st) == 0;
	free(p);
	return r;
}

static void
secret_diff_holds_no_byte_of_it(void **state)
{
	struct fx	*f = *state;
	struct diag	 d;
	struct tbl	*tb;
	struct buf	 diff;

	t_write(f->dir, "sasl_passwd", "[a]:587 u:OLDSECRET\n", 20);
	diag_init(&d);
	tb = txn_table(&f->t, "sasl_passwd", "hash", 1, &d);
	assert_non_null(tb);
	assert_ptr_equal(txn_table(&f->t, "sasl_passwd", "hash", 1, &d), tb);
	tbl_set(tb, "[a]:587 u:NEWSECRET\n", 20, 0600);
	assert_true(tbl_changed(tb));
	buf_init(&diff);
	buf_adds(&diff, "");
	tbl_diff(&f->t, &diff);
	assert_string_equal(diff.p, "Files a/sasl_passwd and b/sasl_passwd "
	    "differ (a secret table: its contents are not shown)\n");
	buf_free(&diff);
	diag_free(&d);
}

static void
plain_table_diff_is_unified(void **state)
{
	struct fx	*f = *state;
	struct diag	 d;
	struct tbl	*tb;
	struct buf	 diff;

	diag_init(&d);
	tb = txn_table(&f->t, "permit_mydomain", "hash", 0, &d);
	assert_non_null(tb);
	assert_null(tb->old);
	tbl_set(tb, "example.org OK\n", 15, 0644);
	buf_init(&diff);
	buf_adds(&diff, "");
	tbl_diff(&f->t, &diff);
	assert_non_null(strstr(diff.p, "+++ b/permit_mydomain\n"));
	assert_non_null(strstr(diff.p, "+example.org OK\n"));
	buf_free(&diff);
	diag_free(&d);
}

static void
backup_copy_of_a_secret_is_root_only(void **state)
{
	struct fx	*f = *state;
	struct bk_file	 bf[TXN_MAXTBL];
	struct diag	 d;
	struct tbl	*tb;
	char		*p;

	t_write(f->dir, "sasl_passwd", "[a]:587 u:p\n", 12);
	p = path(f, "sasl_passwd");
	assert_int_equal(chmod(p, 0644), 0);
	free(p);
	t_write(f->dir, "same", "x OK\n", 5);
	diag_init(&d);
	tb = txn_table(&f->t, "sasl_passwd", "hash", 1, &d);
	tbl_set(tb, "[a]:587 u:q\n", 12, 0600);
	/* Unchanged: not in the set. */
	tb = txn_table(&f->t, "same", "hash", 0, &d);
	tbl_set(tb, "x OK\n", 5, tb->st.st_mode);
	assert_false(tbl_changed(tb));
	/* A new table: an empty note in the set that there was none. */
	tb = txn_table(&f->t, "new", "hash", 0, &d);
	tbl_set(tb, "y OK\n", 5, 0644);
	assert_int_equal(tbl_backup_files(&f->t, bf, TXN_MAXTBL), 2);
	assert_string_equal(bf[1].name, "new.pfsubmit-absent");
	assert_int_equal(bf[1].len, 0);
	assert_int_equal(bf[1].st->st_mode & 07777, 0600);
	assert_string_equal(bf[0].name, "sasl_passwd");
	assert_int_equal(bf[0].st->st_mode & 07777, 0600);
	assert_int_equal(bf[0].len, 12);
	assert_memory_equal(bf[0].data, "[a]:587 u:p\n", 12);
	/* Room for none: none. */
	assert_int_equal(tbl_backup_files(&f->t, bf, 0), 0);
	diag_free(&d);
}

static void
install_then_revert_gives_the_original_back(void **state)
{
	struct fx	*f = *state;
	struct stat	 before, st;
	struct diag	 d;
	struct tbl	*tb;
	char		*p, *data;

	t_write(f->dir, "t", "old\n", 4);
	before = stat_of(f, "t");
	diag_init(&d);
	tb = txn_table(&f->t, "t", "regexp", 0, &d);
	tbl_set(tb, "new\n", 4, 0640);
	assert_int_equal(tbl_stage(&f->t, &d), 0);
	assert_true(exists(f, "t.pfsubmit-new"));
	assert_int_equal(tbl_install(&f->t, &d), 0);
	assert_true(tb->installed);
	p = path(f, "t");
	data = t_read(p, NULL);
	assert_string_equal(data, "new\n");
	free(data);
	st = stat_of(f, "t");
	assert_int_equal(st.st_mode & 07777, 0640);
	/* regexp: no index to build. */
	assert_int_equal(tbl_postmap(&f->t, &d), 0);
	assert_int_equal(tbl_revert(&f->t, &d), 0);
	data = t_read(p, NULL);
	assert_string_equal(data, "old\n");
	free(data);
	free(p);
	st = stat_of(f, "t");
	assert_int_equal(st.st_ino, before.st_ino);
	tbl_discard(&f->t, &d);
	assert_false(exists(f, "t.pfsubmit-new"));
	assert_false(exists(f, "t.pfsubmit-old"));
	assert_int_equal(d.nerr, 0);
	diag_free(&d);
}

static void
new_table_goes_again_removed_one_comes_back(void **state)
{
	struct fx	*f = *state;
	struct diag	 d;
	struct tbl	*tb, *gone;
	char		*p, *data;

	t_write(f->dir, "gone", "keep me\n", 8);
	diag_init(&d);
	tb = txn_table(&f->t, "fresh", "regexp", 0, &d);
	tbl_set(tb, "x\n", 2, 0644);
	gone = txn_table(&f->t, "gone", "regexp", 0, &d);
	tbl_remove(gone);
	assert_true(tbl_changed(gone));
	assert_int_equal(tbl_stage(&f->t, &d), 0);
	assert_int_equal(tbl_install(&f->t, &d), 0);
	assert_true(exists(f, "fresh"));
	assert_false(exists(f, "gone"));
	assert_int_equal(tbl_revert(&f->t, &d), 0);
	assert_false(exists(f, "fresh"));
	p = path(f, "gone");
	data = t_read(p, NULL);
	assert_string_equal(data, "keep me\n");
	free(data);
	free(p);
	tbl_discard(&f->t, &d);
	assert_false(exists(f, "gone.pfsubmit-old"));
	diag_free(&d);
}

static void
removal_of_a_table_changed_meanwhile_is_refused(void **state)
{
	struct fx	*f = *state;
	struct diag	 d;
	struct tbl	*tb;

	t_write(f->dir, "gone", "a\n", 2);
	diag_init(&d);
	tb = txn_table(&f->t, "gone", "regexp", 0, &d);
	tbl_remove(tb);
	t_write(f->dir, "gone", "someone else's\n", 15);
	assert_int_equal(tbl_install(&f->t, &d), -1);
	assert_true(exists(f, "gone"));
	assert_int_equal(d.nerr, 1);
	assert_non_null(strstr(d.m[0].text, "changed by someone else"));
	diag_free(&d);
}

static void
rollback_registers_the_sets_tables(void **state)
{
	struct fx	*f = *state;
	struct diag	 d;
	char		*set, *p;
	size_t		 i;
	int		 seen = 0;

	/* A set as bk_create writes it. */
	p = path(f, BK_DIR);
	assert_int_equal(mkdir(p, 0700), 0);
	set = xprintf("%s/20261203T120000Z", p);
	free(p);
	assert_int_equal(mkdir(set, 0700), 0);
	p = xprintf("smtp_sasl_password_maps = btree:%s/sasl_passwd\n"
	    "default_database_type = lmdb\n", f->dir);
	t_write(set, "main.cf", p, strlen(p));
	free(p);
	t_write(set, "info", "time: 1\n", 8);
	t_write(set, "sasl_passwd", "[a]:587 u:p\n", 12);
	p = xprintf("%s/sasl_passwd", set);
	assert_int_equal(chmod(p, 0600), 0);
	free(p);
	t_write(set, "permit_mydomain", "example.org OK\n", 15);
	p = xprintf("%s/permit_mydomain", set);
	assert_int_equal(chmod(p, 0644), 0);
	free(p);
	t_write(set, ".hidden", "x", 1);
	/* There was no "made" then; it is here now. */
	t_write(set, "made.pfsubmit-absent", "", 0);
	t_write(f->dir, "made", "x OK\n", 5);
	/* The set's main.cf is what the transaction holds now. */
	p = xprintf("smtp_sasl_password_maps = btree:%s/sasl_passwd\n"
	    "default_database_type = lmdb\n", f->dir);
	diag_init(&d);
	assert_int_equal(cf_set_content(&f->t.c.main.cf, p, strlen(p), &d),
	    0);
	free(p);
	assert_int_equal(tbl_restore_set(&f->t, "20261203T120000Z", &d), 0);
	assert_int_equal(f->t.ntbl, 3);
	for (i = 0; i < f->t.ntbl; i++) {
		struct tbl *tb = &f->t.tbl[i];

		if (strcmp(tb->name, "made") == 0) {
			assert_true(tb->set);
			assert_null(tb->data);
			assert_true(tbl_changed(tb));
			seen |= 4;
		} else if (strcmp(tb->name, "sasl_passwd") == 0) {
			assert_string_equal(tb->type, "btree");
			assert_true(tb->secret);
			assert_int_equal(tb->mode, 0600);
			seen |= 1;
		} else {
			assert_string_equal(tb->name, "permit_mydomain");
			assert_string_equal(tb->type, "lmdb");
			assert_false(tb->secret);
			assert_int_equal(tb->mode, 0644);
			assert_memory_equal(tb->data, "example.org OK\n", 15);
			seen |= 2;
		}
	}
	assert_int_equal(seen, 7);
	diag_free(&d);
	free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    secret_diff_holds_no_byte_of_it, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    plain_table_diff_is_unified, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    backup_copy_of_a_secret_is_root_only, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    install_then_revert_gives_the_original_back, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    new_table_goes_again_removed_one_comes_back, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    removal_of_a_table_changed_meanwhile_is_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    rollback_registers_the_sets_tables, setup, teardown),
	};

	umask(022);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
