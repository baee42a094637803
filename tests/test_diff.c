/*
 * Tests of diff.c: unified diffs.  The expected texts are what GNU
 * "diff -u" prints for the same files (checked), under pfsubmit's
 * a/NAME and b/NAME headers, and every diff must apply with patch -p1.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#define HDR	"--- a/main.cf\n+++ b/main.cf\n"

struct diff_case {
	const char	*old;
	const char	*new;
	const char	*want;	/* without HDR */
};

static char *
diff(const char *old, size_t oldlen, const char *new, size_t newlen)
{
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "");
	diff_unified("main.cf", old, oldlen, new, newlen, &b);
	return buf_take(&b);
}

/*
 * applies - write old as DIR/main.cf, apply the diff with patch -p1 in
 * DIR, and compare the result with new.
 */
static void
applies(const char *old, size_t oldlen, const char *new, size_t newlen)
{
	char	*dir, *d, *cmd, *path, *got;
	size_t	 len;

	d = diff(old, oldlen, new, newlen);
	dir = t_tmpdir();
	t_write(dir, "main.cf", old, oldlen);
	t_write(dir, "d.patch", d, strlen(d));
	cmd = xprintf("cd '%s' && /usr/bin/patch -p1 -s -f "
	    "--no-backup-if-mismatch < d.patch > patch.out 2>&1", dir);
	if (system(cmd) != 0)
		fail_msg("patch -p1 failed on:\n%s", d);
	path = xprintf("%s/main.cf", dir);
	got = t_read(path, &len);
	assert_int_equal(len, newlen);
	assert_memory_equal(got, new, newlen);
	free(got);
	free(path);
	free(cmd);
	t_rmdir(dir);
	free(dir);
	free(d);
}

static void
run_cases(const struct diff_case *c, size_t n)
{
	char	*got, *want;
	size_t	 i;

	for (i = 0; i < n; i++) {
		got = diff(c[i].old, strlen(c[i].old), c[i].new,
		    strlen(c[i].new));
		want = xprintf("%s%s", HDR, c[i].want);
		assert_string_equal(got, want);
		free(want);
		free(got);
		applies(c[i].old, strlen(c[i].old), c[i].new,
		    strlen(c[i].new));
	}
}

static void
equal_files_give_no_diff(void **state)
{
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "keep");
	diff_unified("main.cf", "a\nb\n", 4, "a\nb\n", 4, &b);
	diff_unified("main.cf", "", 0, "", 0, &b);
	assert_string_equal(b.p, "keep");
	buf_free(&b);
}

static void
diff_is_appended_to_the_buffer(void **state)
{
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "first\n");
	diff_unified("master.cf", "a\n", 2, "b\n", 2, &b);
	assert_string_equal(b.p, "first\n--- a/master.cf\n+++ b/master.cf\n"
	    "@@ -1 +1 @@\n-a\n+b\n");
	buf_free(&b);
}

static void
one_changed_line_with_context(void **state)
{
	static const struct diff_case c[] = {
		{ "a\n", "b\n", "@@ -1 +1 @@\n-a\n+b\n" },
		{ "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
		    "1\n2\n3\n4\nX\n6\n7\n8\n9\n10\n",
		    "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n" },
		{ "a\r\nb\r\n", "a\r\nc\r\n",
		    "@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n" },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
insertions_and_deletions(void **state)
{
	static const struct diff_case c[] = {
		{ "a\nb\n", "x\na\nb\n", "@@ -1,2 +1,3 @@\n+x\n a\n b\n" },
		{ "a\nb\n", "a\nb\nc\n", "@@ -1,2 +1,3 @@\n a\n b\n+c\n" },
		{ "a\nb\nc\n", "a\nc\n", "@@ -1,3 +1,2 @@\n a\n-b\n c\n" },
		{ "", "a\n", "@@ -0,0 +1 @@\n+a\n" },
		{ "a\n", "", "@@ -1 +0,0 @@\n-a\n" },
		{ "a\nb\nc\nd\n", "d\nc\nb\na\n",
		    "@@ -1,4 +1,4 @@\n-a\n-b\n-c\n d\n+c\n+b\n+a\n" },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
missing_final_newline_is_marked(void **state)
{
	static const struct diff_case c[] = {
		{ "a\nb", "a\nb\nc\n",
		    "@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n"
		    "+b\n+c\n" },
		{ "a\nb", "a\nc",
		    "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
		    "+c\n\\ No newline at end of file\n" },
		{ "a\n", "a\nb",
		    "@@ -1 +1,2 @@\n a\n+b\n\\ No newline at end of file\n" },
		{ "x\nb", "y\nb",
		    "@@ -1,2 +1,2 @@\n-x\n+y\n b\n"
		    "\\ No newline at end of file\n" },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
changes_far_apart_make_two_hunks(void **state)
{
	static const struct diff_case c[] = {
		{ "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n"
		    "17\n18\n19\n20\n",
		    "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n"
		    "17\nY\n19\n20\n",
		    "@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n"
		    "@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+Y\n 19\n 20\n" },
		/* a gap of seven equal lines: two hunks */
		{ "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
		    "1\nX\n3\n4\n5\n6\n7\n8\n9\nY\n11\n12\n",
		    "@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n"
		    "@@ -7,6 +7,6 @@\n 7\n 8\n 9\n-10\n+Y\n 11\n 12\n" },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
changes_six_lines_apart_share_a_hunk(void **state)
{
	static const struct diff_case c[] = {
		{ "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
		    "1\nX\n3\n4\n5\n6\n7\n8\nY\n10\n11\n12\n",
		    "@@ -1,12 +1,12 @@\n 1\n-2\n+X\n 3\n 4\n 5\n 6\n 7\n 8\n"
		    "-9\n+Y\n 10\n 11\n 12\n" },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

/* rnd - a small deterministic generator, so that failures repeat */
static unsigned int
rnd(unsigned int *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) & 0x7fff;
}

/* mutate - a copy of text with a few lines changed, added or removed */
static char *
mutate(const char *text, size_t len, unsigned int *seed, size_t *outlen)
{
	struct buf	 b;
	const char	*p = text, *end = text + len, *nl;
	size_t		 l;

	buf_init(&b);
	buf_adds(&b, "");
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end - 1;
		l = (size_t)(nl - p) + 1;
		switch (rnd(seed) % 24) {
		case 0:		/* drop */
			break;
		case 1:		/* change */
			buf_printf(&b, "changed = %u\n", rnd(seed));
			break;
		case 2:		/* insert before */
			buf_printf(&b, "  -o added_%u=yes\n", rnd(seed));
			buf_add(&b, p, l);
			break;
		default:
			buf_add(&b, p, l);
			break;
		}
		p = nl + 1;
	}
	if (rnd(seed) % 4 == 0)
		buf_adds(&b, "tail = no newline");
	*outlen = b.len;
	return buf_take(&b);
}

static void
diffs_of_edited_fixtures_apply_with_patch(void **state)
{
	static const char *const names[] = {
		"master/debian-3.7.cf", "master/crlf.cf",
		"master/no-final-newline.cf", "master/tricky.cf",
		"main/debian.cf", "main/no-final-newline.cf",
	};
	unsigned int	 seed = 1;
	char		*path, *text, *new;
	size_t		 i, k, len, newlen;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path = t_fixture(names[i]);
		text = t_read(path, &len);
		for (k = 0; k < 5; k++) {
			new = mutate(text, len, &seed, &newlen);
			applies(text, len, new, newlen);
			applies(new, newlen, text, len);
			free(new);
		}
		free(text);
		free(path);
	}
}

static void
diff_too_large_for_the_table_still_applies(void **state)
{
	struct buf	 a, b;
	size_t		 i;

	/* 4200 x 4200 lines is more cells than the table may have */
	buf_init(&a);
	buf_init(&b);
	buf_adds(&a, "same = 1\n");
	buf_adds(&b, "same = 1\n");
	for (i = 0; i < 4200; i++) {
		buf_printf(&a, "old_%zu = x\n", i);
		buf_printf(&b, "new_%zu = y\n", i);
	}
	buf_adds(&a, "end = 1\n");
	buf_adds(&b, "end = 1\n");
	applies(a.p, a.len, b.p, b.len);
	buf_free(&a);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(equal_files_give_no_diff),
		cmocka_unit_test(diff_is_appended_to_the_buffer),
		cmocka_unit_test(one_changed_line_with_context),
		cmocka_unit_test(insertions_and_deletions),
		cmocka_unit_test(missing_final_newline_is_marked),
		cmocka_unit_test(changes_far_apart_make_two_hunks),
		cmocka_unit_test(changes_six_lines_apart_share_a_hunk),
		cmocka_unit_test(diffs_of_edited_fixtures_apply_with_patch),
		cmocka_unit_test(diff_too_large_for_the_table_still_applies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
