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
 * Tests of backup.c: the info file cannot be given a field by an
 * argument, sets are ordered by their sequence number and not by the
 * clock in their names, the first set is kept, and retention is read
 * from pfsubmit-backups/keep.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

struct bx {
	char		*dir;	/* owned */
	int		 dirfd;
	struct diag	 d;
};

static int
setup(void **state)
{
	struct bx	*x;
	char		*p;
	size_t		 len;

	x = xcalloc(1, sizeof(*x));
	x->dir = t_tmpdir();
	assert_int_equal(chmod(x->dir, 0755), 0);
	p = t_read(FIXTURES_DIR "/main/debian.cf", &len);
	t_write(x->dir, "main.cf", p, len);
	free(p);
	p = t_read(FIXTURES_DIR "/master/debian-3.7.cf", &len);
	t_write(x->dir, "master.cf", p, len);
	free(p);
	if ((x->dirfd = open(x->dir, O_RDONLY | O_DIRECTORY)) == -1)
		return -1;
	diag_init(&x->d);
	memset(&opt, 0, sizeof(opt));
	opt.config_dir = x->dir;
	opt.no_check = 1;
	opt.no_reload = 1;
	opt.quiet = 1;
	opt.lock_wait = 1;
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct bx	*x = *state;

	(void)close(x->dirfd);
	t_rmdir(x->dir);
	free(x->dir);
	diag_free(&x->d);
	free(x);
	return 0;
}

/* make_set - a set holding "x" for both files, with info; its id */
static char *
make_set(struct bx *x, const char *info)
{
	struct bk_file	 bf[2];
	struct stat	 st;
	char		 id[SF_NAMELEN];

	assert_int_equal(fstat(x->dirfd, &st), 0);
	st.st_mode = 0644;
	bf[0].name = "main.cf";
	bf[1].name = "master.cf";
	bf[0].data = bf[1].data = "x\n";
	bf[0].len = bf[1].len = 2;
	bf[0].st = bf[1].st = &st;
	bf[0].exists = bf[1].exists = 1;
	assert_int_equal(bk_create(x->dirfd, bf, 2, info, id, sizeof(id),
	    &x->d), 0);
	return xstrdup(id);
}

/* rename_set - give a set another name, as a clock ahead would have */
static void
rename_set(struct bx *x, const char *from, const char *to)
{
	char	*a, *b;

	a = xprintf("%s/%s/%s", x->dir, BK_DIR, from);
	b = xprintf("%s/%s/%s", x->dir, BK_DIR, to);
	assert_int_equal(rename(a, b), 0);
	free(a);
	free(b);
}

static void
info__newline_in_an_argument__stays_in_its_field(void **state)
{
	struct bx	*x = *state;
	static char	 a0[] = "pfsubmit", a1[] = "param", a2[] = "set";
	static char	 a3[] =
	    "x=1\nrollback: yes\nrestored: 20200101T000000Z";
	char		*argv[] = { a0, a1, a2, a3, NULL };
	struct bk_set	*s;
	struct txn	 t;
	char		*p, *info, *cmd;
	size_t		 n, len;

	opt.argc = 4;
	opt.argv = argv;
	assert_int_equal(txn_begin(&t), 0);
	assert_int_equal(mpe_set(&t.c.main, "x", "1"), 1);
	assert_int_equal(conf_reparse(&t.c, &x->d), 0);
	assert_int_equal(txn_commit(&t), EX_PF_OK);
	cmd = xstrdup(t.command);
	txn_end(&t);
	assert_int_equal(bk_list(x->dirfd, &s, &n, &x->d), 0);
	assert_int_equal(n, 1);
	assert_false(s[0].by_rollback);
	assert_string_equal(s[0].restored, "");
	assert_int_equal(s[0].seq, 1);
	assert_true(s[0].first);
	/* One line per field: the argument's newlines are encoded. */
	p = xprintf("%s/%s/%s/info", x->dir, BK_DIR, s[0].id);
	info = t_read(p, &len);
	assert_null(strstr(info, "\nrollback: yes"));
	assert_null(strstr(info, "\nrestored:"));
	assert_non_null(strstr(info, "\nrollback: no\n"));
	/* ... and come back as given. */
	free(p);
	p = bk_info_field(s[0].info, "command");
	assert_string_equal(p, cmd);
	assert_non_null(strchr(p, '\n'));
	free(p);
	free(info);
	free(cmd);
	bk_list_free(s, n);
	opt.argc = 0;
	opt.argv = NULL;
}

static void
info__encode_decode__every_byte(void **state)
{
	char	 all[256], *e, *back;
	int	 i;

	(void)state;
	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	e = bk_encode(all);
	assert_null(strchr(e, '\n'));
	assert_null(strchr(e, '\r'));
	back = bk_decode(e);
	assert_string_equal(back, all);
	free(e);
	free(back);
}

static void
info__first_line_with_a_key_counts(void **state)
{
	char	*v;

	(void)state;
	v = bk_info_field("version: 2\nrollback: no\nrollback: yes\n",
	    "rollback");
	assert_string_equal(v, "no");
	free(v);
	/* An old info: not decoded. */
	v = bk_info_field("time: 1\ncommand: a\\nb\n", "command");
	assert_string_equal(v, "a\\nb");
	free(v);
}

static void
order__by_sequence_not_by_name(void **state)
{
	struct bx	*x = *state;
	struct bk_set	*s;
	char		*a, *b, *c;
	size_t		 n;

	a = make_set(x, "command: a\n");
	/* The clock was years ahead when a was made. */
	rename_set(x, a, "20991231T235959Z");
	b = make_set(x, "command: b\n");
	assert_int_equal(bk_list(x->dirfd, &s, &n, &x->d), 0);
	assert_int_equal(n, 2);
	assert_string_equal(s[0].id, b);
	assert_int_equal(s[0].seq, 2);
	assert_string_equal(s[1].id, "20991231T235959Z");
	assert_true(s[1].first);
	assert_false(s[0].first);
	bk_list_free(s, n);
	/* Keep one besides the first: b, the newest, stays. */
	bk_prune(x->dirfd, 1);
	assert_int_equal(bk_list(x->dirfd, &s, &n, &x->d), 0);
	assert_int_equal(n, 2);
	bk_list_free(s, n);
	c = make_set(x, "command: c\n");
	bk_prune(x->dirfd, 1);
	assert_int_equal(bk_list(x->dirfd, &s, &n, &x->d), 0);
	assert_int_equal(n, 2);
	assert_string_equal(s[0].id, c);
	assert_string_equal(s[1].id, "20991231T235959Z");
	bk_list_free(s, n);
	free(a);
	free(b);
	free(c);
}

static void
order__unnumbered_sets_are_older(void **state)
{
	struct bx	*x = *state;
	struct bk_set	*s;
	char		*a, *p;
	size_t		 n;

	a = make_set(x, "command: new\n");
	rename_set(x, a, "20200101T000000Z");
	/* A set from before the numbers: by name, after every number. */
	p = xprintf("%s/%s/20990101T000000Z", x->dir, BK_DIR);
	assert_int_equal(mkdir(p, 0700), 0);
	t_write(p, "info", "time: 1\ncommand: old\n", 21);
	assert_int_equal(bk_list(x->dirfd, &s, &n, &x->d), 0);
	assert_int_equal(n, 2);
	assert_string_equal(s[0].id, "20200101T000000Z");
	assert_string_equal(s[1].id, "20990101T000000Z");
	/* The set marked first is the first, not the oldest. */
	assert_true(s[0].first);
	assert_false(s[1].first);
	bk_list_free(s, n);
	free(p);
	free(a);
}

static void
keep__read_from_the_keep_file(void **state)
{
	struct bx	*x = *state;
	char		*a, *p;

	assert_int_equal(bk_keep(x->dirfd), PF_BACKUP_KEEP);
	a = make_set(x, "command: a\n");
	p = xprintf("%s/%s", x->dir, BK_DIR);
	assert_int_equal(bk_keep(x->dirfd), PF_BACKUP_KEEP);
	t_write(p, BK_KEEP, "7\n", 2);
	assert_int_equal(bk_keep(x->dirfd), 7);
	t_write(p, BK_KEEP, "0\n", 2);
	assert_int_equal(bk_keep(x->dirfd), PF_BACKUP_KEEP);
	t_write(p, BK_KEEP, "many", 4);
	assert_int_equal(bk_keep(x->dirfd), PF_BACKUP_KEEP);
	free(p);
	free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(info__newline_in_an_argument__stays_in_its_field),
		cmocka_unit_test(info__encode_decode__every_byte),
		cmocka_unit_test(info__first_line_with_a_key_counts),
		T(order__by_sequence_not_by_name),
		T(order__unnumbered_sets_are_older),
		T(keep__read_from_the_keep_file),
#undef T
	};

	if (geteuid() != 0) {
		printf("test_backup: not root; skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
