/*
 * Tests of cffile.c, the physical-line layer: how lines are classified
 * and grouped the way Postfix's readllines() does it, how a logical
 * line is joined and mapped back, the input bounds, the line edits, and
 * the invariant serialize(parse(x)) == x.
 */

#include <sys/types.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

struct kind_case {
	const char	*text;
	size_t		 len;
	int		 kind;
};

#define KC(s, k)	{ (s), sizeof(s) - 1, (k) }

/* load - cf_load text, which must be accepted */
static void
load(struct cf_file *f, const char *text, size_t len)
{
	struct diag	 d;

	diag_init(&d);
	cf_init(f, "test.cf");
	assert_int_equal(cf_load(f, text, len, &d), 0);
	assert_int_equal(d.n, 0);
	diag_free(&d);
}

static void
assert_entry(const struct cf_file *f, size_t i, int kind, size_t first,
    size_t last)
{
	assert_true(i < f->nents);
	assert_int_equal(f->ents[i].kind, kind);
	assert_int_equal(f->ents[i].first, first);
	assert_int_equal(f->ents[i].last, last);
}

static void
assert_bytes(const struct cf_file *f, const char *want)
{
	char	*got;

	got = t_serialize(f);
	assert_string_equal(got, want);
	free(got);
}

static void
classify_empty_and_white_space_lines_are_blank(void **state)
{
	static const struct kind_case cases[] = {
		KC("", CFL_BLANK),
		KC(" ", CFL_BLANK),
		KC("\t \t", CFL_BLANK),
		KC("\r", CFL_BLANK),
		KC("\v", CFL_BLANK),
		KC("\f", CFL_BLANK),
		KC(" \r\n", CFL_BLANK),
	};
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(cf_classify(cases[i].text, cases[i].len),
		    cases[i].kind);
}

static void
classify_hash_as_first_non_space_byte_is_comment(void **state)
{
	static const struct kind_case cases[] = {
		KC("#", CFL_COMMENT),
		KC("#smtp inet n - y - - smtpd", CFL_COMMENT),
		KC("   # indented comment", CFL_COMMENT),
		KC("\t#\t-o a=b", CFL_COMMENT),
		KC("\r# after a CR", CFL_COMMENT),
		KC("\v\f# after VT and FF", CFL_COMMENT),
		KC("##", CFL_COMMENT),
	};
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(cf_classify(cases[i].text, cases[i].len),
		    cases[i].kind);
}

static void
classify_hash_after_data_is_not_a_comment(void **state)
{
	assert_int_equal(cf_classify("a = 1 # x", 9), CFL_START);
	assert_int_equal(cf_classify("  x # y", 7), CFL_CONT);
}

static void
classify_first_byte_decides_start_or_continuation(void **state)
{
	static const struct kind_case cases[] = {
		KC("smtp inet n - y - - smtpd", CFL_START),
		KC("a=b", CFL_START),
		KC("=b", CFL_START),
		KC(" -o a=b", CFL_CONT),
		KC("\t-o a=b", CFL_CONT),
		KC("\r-o a=b", CFL_CONT),
		KC("\vx", CFL_CONT),
		KC("\fx", CFL_CONT),
		/* Bytes >= 0x80 are never white space (ASCII isspace). */
		KC("\xa0x", CFL_START),
		KC("\x85x", CFL_START),
	};
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(cf_classify(cases[i].text, cases[i].len),
		    cases[i].kind);
}

static void
white_space_classes_are_isspace_and_chars_space(void **state)
{
	int	 c;

	for (c = 0; c < 256; c++) {
		assert_int_equal(cf_isspace(c) != 0, c == ' ' || c == '\t' ||
		    c == '\n' || c == '\v' || c == '\f' || c == '\r');
		assert_int_equal(cf_issep(c) != 0, c == ' ' || c == '\t' ||
		    c == '\r' || c == '\n');
	}
}

static void
load_splits_lines_and_keeps_line_endings(void **state)
{
	static const char text[] = "a = 1\n  2\r\n# c\n\n";
	struct cf_file	 f;

	load(&f, text, sizeof(text) - 1);
	assert_int_equal(f.nlines, 4);
	assert_int_equal(f.lines[0].len, 6);
	assert_memory_equal(f.lines[0].p, "a = 1\n", 6);
	assert_int_equal(f.lines[1].len, 5);
	assert_memory_equal(f.lines[1].p, "  2\r\n", 5);
	assert_int_equal(f.lines[0].kind, CFL_START);
	assert_int_equal(f.lines[1].kind, CFL_CONT);
	assert_int_equal(f.lines[2].kind, CFL_COMMENT);
	assert_int_equal(f.lines[3].kind, CFL_BLANK);
	assert_int_equal(cf_content_len(&f.lines[1]), 4);
	assert_true(cf_has_eol(&f.lines[3]));
	assert_int_equal(f.size, sizeof(text) - 1);
	cf_free(&f);
}

static void
load_of_empty_data_has_no_lines(void **state)
{
	struct cf_file	 f;

	load(&f, "", 0);
	assert_int_equal(f.nlines, 0);
	assert_int_equal(f.nents, 0);
	assert_int_equal(f.crlf, 0);
	assert_string_equal(cf_eol(&f), "\n");
	assert_bytes(&f, "");
	cf_free(&f);
}

static void
comment_and_blank_lines_inside_an_entry_do_not_end_it(void **state)
{
	static const char text[] =
	    "foo = a\n"
	    "# comment\n"
	    "\n"
	    "   # indented comment\n"
	    "\t\n"
	    "  b\n"
	    "bar = x\n";
	struct cf_file	 f;

	load(&f, text, sizeof(text) - 1);
	assert_int_equal(f.nents, 2);
	assert_entry(&f, 0, CFE_LOGICAL, 0, 5);
	assert_entry(&f, 1, CFE_LOGICAL, 6, 6);
	cf_free(&f);
}

static void
trivia_between_entries_ends_at_a_start_line(void **state)
{
	static const char text[] =
	    "a = 1\n"
	    "   # x\n"
	    "b = 2\n";
	struct cf_file	 f;

	load(&f, text, sizeof(text) - 1);
	assert_int_equal(f.nents, 3);
	assert_entry(&f, 0, CFE_LOGICAL, 0, 0);
	assert_entry(&f, 1, CFE_TRIVIA, 1, 1);
	assert_entry(&f, 2, CFE_LOGICAL, 2, 2);
	cf_free(&f);
}

static void
continuation_at_top_is_an_orphan_with_its_continuations(void **state)
{
	static const char text[] =
	    "# header\n"
	    "  -o orphan=yes\n"
	    "# between\n"
	    "  -o more=yes\n"
	    "smtp inet n - y - - smtpd\n";
	struct cf_file	 f;

	load(&f, text, sizeof(text) - 1);
	assert_int_equal(f.nents, 3);
	assert_entry(&f, 0, CFE_TRIVIA, 0, 0);
	assert_entry(&f, 1, CFE_ORPHAN, 1, 3);
	assert_entry(&f, 2, CFE_LOGICAL, 4, 4);
	cf_free(&f);
}

static void
orphan_on_the_first_line_and_trivia_after_it(void **state)
{
	static const char text[] =
	    "  -o orphan=yes\n"
	    "# an orphan continuation line at the top\n"
	    "smtp inet n - y - - smtpd\n";
	struct cf_file	 f;

	load(&f, text, sizeof(text) - 1);
	assert_int_equal(f.nents, 3);
	assert_entry(&f, 0, CFE_ORPHAN, 0, 0);
	assert_entry(&f, 1, CFE_TRIVIA, 1, 1);
	assert_entry(&f, 2, CFE_LOGICAL, 2, 2);
	cf_free(&f);
}

static void
trailing_comments_and_blank_lines_are_one_trivia_entry(void **state)
{
	static const char text[] =
	    "a = 1\n"
	    "  2\n"
	    "# end\n"
	    "\n"
	    "#";
	struct cf_file	 f;

	load(&f, text, sizeof(text) - 1);
	assert_int_equal(f.nents, 2);
	assert_entry(&f, 0, CFE_LOGICAL, 0, 1);
	assert_entry(&f, 1, CFE_TRIVIA, 2, 4);
	cf_free(&f);
}

static void
file_of_only_comments_is_one_trivia_entry(void **state)
{
	static const char text[] = "#\n# x\n\n";
	struct cf_file	 f;

	load(&f, text, sizeof(text) - 1);
	assert_int_equal(f.nents, 1);
	assert_entry(&f, 0, CFE_TRIVIA, 0, 2);
	cf_free(&f);
}

static void
lines_starting_with_cr_vt_or_ff_continue_the_entry(void **state)
{
	static const char text[] =
	    "a = x\n"
	    "\rcr\n"
	    "\vvt\n"
	    "\fff\n"
	    "b = y\n";
	struct cf_file	 f;
	struct cf_piece	*pc;
	size_t		 n, len;
	char		*s;

	load(&f, text, sizeof(text) - 1);
	assert_int_equal(f.nents, 2);
	assert_entry(&f, 0, CFE_LOGICAL, 0, 3);
	n = cf_entry_pieces(&f, &f.ents[0], &pc);
	assert_int_equal(n, 4);
	s = cf_join(pc, n, &f, &len);
	assert_int_equal(len, 14);
	assert_memory_equal(s, "a = x\rcr\vvt\fff", 14);
	free(s);
	free(pc);
	cf_free(&f);
}

static void
join_inserts_no_separator_and_skips_comment_lines(void **state)
{
	static const char text[] =
	    "foo = a\n"
	    "# comment\n"
	    "\n"
	    "  b\n"
	    "\tc\n";
	struct cf_file	 f;
	struct cf_piece	*pc;
	size_t		 n, len;
	char		*s;

	load(&f, text, sizeof(text) - 1);
	n = cf_entry_pieces(&f, &f.ents[0], &pc);
	assert_int_equal(n, 3);
	assert_int_equal(pc[0].line, 0);
	assert_int_equal(pc[0].off, 0);
	assert_int_equal(pc[0].len, 7);
	assert_int_equal(pc[0].loff, 0);
	assert_int_equal(pc[1].line, 3);
	assert_int_equal(pc[1].len, 3);
	assert_int_equal(pc[1].loff, 7);
	assert_int_equal(pc[2].line, 4);
	assert_int_equal(pc[2].len, 2);
	assert_int_equal(pc[2].loff, 10);
	s = cf_join(pc, n, &f, &len);
	assert_int_equal(len, 12);
	assert_string_equal(s, "foo = a  b\tc");
	free(s);
	free(pc);
	cf_free(&f);
}

static void
join_keeps_the_cr_of_crlf_lines(void **state)
{
	static const char text[] = "foo = x\r\n  y\r\n";
	struct cf_file	 f;
	struct cf_piece	*pc;
	size_t		 n, len;
	char		*s;

	load(&f, text, sizeof(text) - 1);
	n = cf_entry_pieces(&f, &f.ents[0], &pc);
	assert_int_equal(n, 2);
	s = cf_join(pc, n, &f, &len);
	assert_int_equal(len, 12);
	assert_string_equal(s, "foo = x\r  y\r");
	free(s);
	free(pc);
	cf_free(&f);
}

static void
map_finds_the_physical_line_of_a_logical_offset(void **state)
{
	static const char text[] = "ab\n# c\n  cd\n\tef";
	struct cf_file	 f;
	struct cf_piece	*pc;
	size_t		 n, off, i;

	load(&f, text, sizeof(text) - 1);
	n = cf_entry_pieces(&f, &f.ents[0], &pc);
	assert_int_equal(n, 3);		/* "ab" "  cd" "\tef" */
	i = cf_map(pc, n, 0, &off);
	assert_int_equal(i, 0);
	assert_int_equal(off, 0);
	i = cf_map(pc, n, 1, &off);
	assert_int_equal(i, 0);
	assert_int_equal(off, 1);
	i = cf_map(pc, n, 2, &off);
	assert_int_equal(i, 1);
	assert_int_equal(off, 0);
	assert_int_equal(pc[i].line, 2);
	i = cf_map(pc, n, 5, &off);
	assert_int_equal(i, 1);
	assert_int_equal(off, 3);
	i = cf_map(pc, n, 6, &off);
	assert_int_equal(i, 2);
	assert_int_equal(off, 0);
	assert_int_equal(pc[i].line, 3);
	/* The very end maps to the end of the last piece. */
	i = cf_map(pc, n, 9, &off);
	assert_int_equal(i, 2);
	assert_int_equal(off, 3);
	i = cf_map(pc, 0, 4, &off);
	assert_int_equal(i, 0);
	assert_int_equal(off, 0);
	free(pc);
	cf_free(&f);
}

static void
map_honours_a_piece_offset(void **state)
{
	struct cf_piece	 pc[2] = {
		{ 0, 1, 4, 0 },		/* "#abcd" from byte 1 */
		{ 1, 1, 3, 4 },		/* "# ef" from byte 1 */
	};
	size_t		 off, i;

	i = cf_map(pc, 2, 2, &off);
	assert_int_equal(i, 0);
	assert_int_equal(off, 3);
	i = cf_map(pc, 2, 5, &off);
	assert_int_equal(i, 1);
	assert_int_equal(off, 2);
}

static void
entry_at_finds_the_entry_of_every_line(void **state)
{
	static const char text[] =
	    "# 0\n"		/* trivia 0 */
	    "a = 1\n"		/* logical 1 */
	    "# 2\n"
	    "  3\n"
	    "\n"		/* trivia 2 */
	    "b = 5\n"		/* logical 3 */
	    "c = 6\n";		/* logical 4 */
	static const size_t want[] = { 0, 1, 1, 1, 2, 3, 4 };
	struct cf_file	 f;
	size_t		 i;

	load(&f, text, sizeof(text) - 1);
	assert_int_equal(f.nents, 5);
	for (i = 0; i < f.nlines; i++)
		assert_int_equal(cf_entry_at(&f, i), want[i]);
	cf_free(&f);
}

static void
crlf_file_is_detected_by_majority(void **state)
{
	static const char crlf[] = "a = 1\r\nb = 2\r\nc = 3\n";
	static const char lf[] = "a = 1\r\nb = 2\nc = 3\n";
	static const char tie[] = "a = 1\r\nb = 2\n";
	struct cf_file	 f;

	load(&f, crlf, sizeof(crlf) - 1);
	assert_int_equal(f.crlf, 1);
	assert_string_equal(cf_eol(&f), "\r\n");
	assert_bytes(&f, crlf);
	cf_free(&f);

	load(&f, lf, sizeof(lf) - 1);
	assert_int_equal(f.crlf, 0);
	assert_string_equal(cf_eol(&f), "\n");
	cf_free(&f);

	load(&f, tie, sizeof(tie) - 1);
	assert_int_equal(f.crlf, 0);
	cf_free(&f);
}

static void
crlf_fixtures_are_detected(void **state)
{
	struct cf_file	 f;
	char		*path, *text;
	size_t		 len;

	path = t_fixture("master/crlf.cf");
	text = t_read(path, &len);
	load(&f, text, len);
	assert_int_equal(f.crlf, 1);
	assert_int_equal(f.nlines, 8);
	assert_int_equal(f.lines[2].kind, CFL_BLANK);	/* "\r\n" */
	assert_int_equal(f.nents, 4);
	assert_entry(&f, 0, CFE_LOGICAL, 0, 1);
	assert_entry(&f, 1, CFE_TRIVIA, 2, 3);
	assert_entry(&f, 2, CFE_LOGICAL, 4, 6);
	assert_entry(&f, 3, CFE_LOGICAL, 7, 7);
	cf_free(&f);
	free(text);
	free(path);
}

static void
last_line_without_newline_is_kept_as_is(void **state)
{
	static const char text[] = "a = 1\nb = 2\n  more";
	struct cf_file	 f;

	load(&f, text, sizeof(text) - 1);
	assert_int_equal(f.nlines, 3);
	assert_false(cf_has_eol(&f.lines[2]));
	assert_int_equal(f.lines[2].len, 6);
	assert_int_equal(cf_content_len(&f.lines[2]), 6);
	assert_int_equal(f.lines[2].kind, CFL_CONT);
	assert_int_equal(f.nents, 2);
	assert_entry(&f, 1, CFE_LOGICAL, 1, 2);
	assert_bytes(&f, text);
	cf_free(&f);
}

static void
nul_byte_is_refused_with_the_line_number(void **state)
{
	static const char text[] = "a = 1\nb = x\0y\nc = 3\n";
	struct cf_file	 f;
	struct diag	 d;

	diag_init(&d);
	cf_init(&f, "/etc/postfix/main.cf");
	assert_int_equal(cf_load(&f, text, sizeof(text) - 1, &d), -1);
	assert_int_equal(d.nerr, 1);
	assert_int_equal(d.m[0].sev, DIAG_ERR);
	assert_int_equal(d.m[0].line, 2);
	assert_string_equal(d.m[0].file, "/etc/postfix/main.cf");
	assert_non_null(strstr(d.m[0].text, "NUL"));
	diag_free(&d);
	cf_free(&f);
}

static void
nul_bytes_on_two_lines_give_two_errors(void **state)
{
	static const char text[] = "\0\n# ok\nx\0";
	struct cf_file	 f;
	struct diag	 d;

	diag_init(&d);
	cf_init(&f, "master.cf");
	assert_int_equal(cf_load(&f, text, sizeof(text) - 1, &d), -1);
	assert_int_equal(d.nerr, 2);
	assert_int_equal(d.m[0].line, 1);
	assert_int_equal(d.m[1].line, 3);
	diag_free(&d);
	cf_free(&f);
}

static void
over_long_line_is_refused_with_the_line_number(void **state)
{
	struct cf_file	 f;
	struct diag	 d;
	struct buf	 b;
	size_t		 i, n = 2 * PF_MAX_LINE;

	buf_init(&b);
	buf_adds(&b, "a = 1\n# c\nb = ");
	for (i = 0; i < n; i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "\nc = 3\n");
	diag_init(&d);
	cf_init(&f, "main.cf");
	assert_int_equal(cf_load(&f, b.p, b.len, &d), -1);
	/* reported once, as a line, not again as the entry it makes */
	assert_int_equal(d.nerr, 1);
	assert_int_equal(d.m[0].sev, DIAG_ERR);
	assert_int_equal(d.m[0].line, 3);
	assert_string_equal(d.m[0].file, "main.cf");
	assert_non_null(strstr(d.m[0].text, "line is longer than"));
	diag_free(&d);
	cf_free(&f);
	buf_free(&b);
}

static void
line_just_under_the_bound_is_accepted(void **state)
{
	struct cf_file	 f;
	struct diag	 d;
	char		*p;
	size_t		 n = PF_MAX_LINE;

	/* n bytes in all: n - 5 of "a = x...", then "\n". */
	p = xmalloc(n);
	memset(p, 'x', n);
	memcpy(p, "a = ", 4);
	p[n - 1] = '\n';
	diag_init(&d);
	cf_init(&f, "main.cf");
	assert_int_equal(cf_load(&f, p, n, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(f.nlines, 1);
	assert_int_equal(f.lines[0].len, n);
	diag_free(&d);
	cf_free(&f);
	free(p);
}

static void
over_long_entry_is_refused_at_its_first_line(void **state)
{
	struct cf_file	 f;
	struct diag	 d;
	struct buf	 b;
	size_t		 i, k;

	/* Many short continuation lines, more than PF_MAX_ENTRY in all. */
	buf_init(&b);
	buf_adds(&b, "# top\nbig = 1\n");
	for (k = 0; k < PF_MAX_ENTRY / 1000 + 2; k++) {
		buf_addc(&b, ' ');
		for (i = 0; i < 998; i++)
			buf_addc(&b, 'y');
		buf_addc(&b, '\n');
	}
	buf_adds(&b, "small = 2\n");
	diag_init(&d);
	cf_init(&f, "main.cf");
	assert_int_equal(cf_load(&f, b.p, b.len, &d), -1);
	assert_int_equal(d.nerr, 1);
	assert_int_equal(d.m[0].line, 2);
	assert_non_null(strstr(d.m[0].text, "entry"));
	diag_free(&d);
	cf_free(&f);
	buf_free(&b);
}

static void
file_over_the_size_bound_is_refused(void **state)
{
	struct cf_file	 f;
	struct diag	 d;
	char		*p;

	p = xcalloc(PF_MAX_FILE + 1, 1);
	diag_init(&d);
	cf_init(&f, "main.cf");
	assert_int_equal(cf_load(&f, p, PF_MAX_FILE + 1, &d), -1);
	assert_int_equal(d.nerr, 1);
	assert_int_equal(d.m[0].line, 0);
	assert_int_equal(f.nlines, 0);
	diag_free(&d);
	cf_free(&f);
	free(p);
}

static void
roundtrip_dir(const char *sub)
{
	struct dirent	*de;
	DIR		*dp;
	char		*dir, *path, *text, *out;
	size_t		 len, olen, n = 0;

	dir = t_fixture(sub);
	if ((dp = opendir(dir)) == NULL)
		fail_msg("opendir %s", dir);
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len < 4 || strcmp(de->d_name + len - 3, ".cf") != 0)
			continue;
		path = xprintf("%s/%s", dir, de->d_name);
		text = t_read(path, &len);
		out = t_roundtrip_master(text, len, &olen);
		assert_int_equal(olen, len);
		assert_memory_equal(out, text, len);
		free(out);
		out = t_roundtrip_main(text, len, &olen);
		assert_int_equal(olen, len);
		assert_memory_equal(out, text, len);
		free(out);
		free(text);
		free(path);
		n++;
	}
	closedir(dp);
	free(dir);
	assert_true(n >= 5);
}

static void
roundtrip_is_exact_for_every_fixture(void **state)
{
	roundtrip_dir("master");
	roundtrip_dir("main");
}

static void
roundtrip_is_exact_for_tricky_strings(void **state)
{
	static const struct {
		const char	*s;
		size_t		 len;
	} cases[] = {
#define RT(s)	{ (s), sizeof(s) - 1 }
		RT(""),
		RT("\n"),
		RT("\n\n\n"),
		RT("a"),
		RT("a\n"),
		RT("\r"),
		RT("\r\n"),
		RT("\r\n\r\n"),
		RT("a = 1\r"),
		RT("a = 1\r\r\n"),
		RT("  orphan"),
		RT("  orphan\n  more\nx = y"),
		RT("#"),
		RT("# c\n#"),
		RT("a = 1\n\n\n  cont\n# c\n\tx\n"),
		RT("a = {\n  b }\n"),
		RT("smtp inet n - y - - smtpd -o {a = b\n# c\n  c}\n"),
		RT("\xef\xbb\xbfmydomain = x\n"),
		RT("\xff\xfe\x80\n"),
		RT("\v\f\n\f# x\v\n"),
		RT("x = 1\n\n"),
		RT("#smtp inet n - y - - smtpd\n#  -o a=b\n"),
		RT("#smtp inet n - y - - smtpd\n#  -o a=b"),
		RT("\t\n \n\r\n"),
#undef RT
	};
	char	*out;
	size_t	 i, olen;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = t_roundtrip_master(cases[i].s, cases[i].len, &olen);
		assert_int_equal(olen, cases[i].len);
		assert_memory_equal(out, cases[i].s, olen);
		free(out);
		out = t_roundtrip_main(cases[i].s, cases[i].len, &olen);
		assert_int_equal(olen, cases[i].len);
		assert_memory_equal(out, cases[i].s, olen);
		free(out);
	}
}

static void
line_replace_reclassifies_the_line(void **state)
{
	static const char text[] = "a = 1\nb = 2\nc = 3\n";
	struct cf_file	 f;

	load(&f, text, sizeof(text) - 1);
	cf_line_replace(&f, 1, "# b = 2\n", 8);
	assert_int_equal(f.lines[1].kind, CFL_COMMENT);
	assert_int_equal(f.lines[1].owned, 1);
	assert_bytes(&f, "a = 1\n# b = 2\nc = 3\n");
	cf_line_replace(&f, 1, "  cont\n", 7);
	assert_int_equal(f.lines[1].kind, CFL_CONT);
	cf_group(&f);
	assert_int_equal(f.nents, 2);
	assert_entry(&f, 0, CFE_LOGICAL, 0, 1);
	assert_bytes(&f, "a = 1\n  cont\nc = 3\n");
	cf_free(&f);
}

static void
line_insert_at_top_middle_and_end(void **state)
{
	static const char text[] = "a = 1\nb = 2\n";
	struct cf_file	 f;

	load(&f, text, sizeof(text) - 1);
	cf_line_insert(&f, 0, "# top\n", 6);
	cf_line_insert(&f, 2, "  mid\n", 6);
	cf_line_insert(&f, f.nlines, "z = 9\n", 6);
	assert_int_equal(f.nlines, 5);
	assert_int_equal(f.lines[0].kind, CFL_COMMENT);
	assert_int_equal(f.lines[2].kind, CFL_CONT);
	assert_int_equal(f.lines[4].kind, CFL_START);
	assert_bytes(&f, "# top\na = 1\n  mid\nb = 2\nz = 9\n");
	cf_group(&f);
	assert_int_equal(f.nents, 4);
	assert_entry(&f, 1, CFE_LOGICAL, 1, 2);
	cf_free(&f);
}

static void
line_insert_grows_past_the_initial_capacity(void **state)
{
	struct cf_file	 f;
	struct buf	 want;
	size_t		 i;

	load(&f, "", 0);
	buf_init(&want);
	buf_adds(&want, "");
	for (i = 0; i < 1000; i++) {
		cf_line_insert(&f, i, "x = y\n", 6);
		buf_adds(&want, "x = y\n");
	}
	assert_int_equal(f.nlines, 1000);
	assert_bytes(&f, want.p);
	buf_free(&want);
	cf_free(&f);
}

static void
line_delete_removes_one_line(void **state)
{
	static const char text[] = "a = 1\n  x\nb = 2\n";
	struct cf_file	 f;

	load(&f, text, sizeof(text) - 1);
	cf_line_replace(&f, 1, "  y\n", 4);	/* owned: freed on delete */
	cf_line_delete(&f, 1);
	assert_int_equal(f.nlines, 2);
	assert_bytes(&f, "a = 1\nb = 2\n");
	cf_line_delete(&f, 1);
	cf_line_delete(&f, 0);
	assert_int_equal(f.nlines, 0);
	assert_bytes(&f, "");
	cf_free(&f);
}

static void
ensure_eol_adds_the_file_line_ending_once(void **state)
{
	static const char lf[] = "a = 1\nb = 2";
	static const char crlf[] = "a = 1\r\nb = 2";
	struct cf_file	 f;

	load(&f, lf, sizeof(lf) - 1);
	cf_ensure_eol(&f, 1);
	assert_bytes(&f, "a = 1\nb = 2\n");
	cf_ensure_eol(&f, 1);
	cf_ensure_eol(&f, 0);
	cf_ensure_eol(&f, 7);		/* past the end: nothing */
	assert_bytes(&f, "a = 1\nb = 2\n");
	cf_free(&f);

	load(&f, crlf, sizeof(crlf) - 1);
	cf_ensure_eol(&f, 1);
	assert_bytes(&f, "a = 1\r\nb = 2\r\n");
	assert_true(cf_has_eol(&f.lines[1]));
	cf_free(&f);
}

static void
set_content_replaces_every_line(void **state)
{
	static const char one[] = "a = 1\n";
	static const char two[] = "# new\r\nb = 2\r\n  c\r\n";
	struct cf_file	 f;
	struct diag	 d;

	load(&f, one, sizeof(one) - 1);
	cf_line_replace(&f, 0, "a = 9\n", 6);
	diag_init(&d);
	assert_int_equal(cf_set_content(&f, two, sizeof(two) - 1, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(f.path, "test.cf");
	assert_int_equal(f.nlines, 3);
	assert_int_equal(f.crlf, 1);
	assert_int_equal(f.nents, 2);
	assert_entry(&f, 1, CFE_LOGICAL, 1, 2);
	assert_bytes(&f, two);
	diag_free(&d);
	cf_free(&f);
}

static void
free_of_a_zeroed_file_is_harmless(void **state)
{
	struct cf_file	 f;

	cf_init(&f, "x");
	cf_free(&f);
	cf_free(&f);
	cf_free(NULL);
	assert_null(f.path);
}

/* The answer of the linear scan cf_map replaced: last piece <= loff. */
static size_t
map_by_scan(const struct cf_piece *pc, size_t n, size_t loff)
{
	size_t	 i;

	for (i = 0; i + 1 < n; i++)
		if (loff < pc[i + 1].loff)
			break;
	return i;
}

/* Many pieces, some empty (equal offsets): bisection agrees with a scan. */
static void
map_agrees_with_a_scan_over_many_pieces(void **state)
{
	struct cf_piece	*pc;
	size_t		 n = 1000, i, loff = 0, off, k;

	pc = xreallocarray(NULL, n, sizeof(*pc));
	for (i = 0; i < n; i++) {
		pc[i].line = i;
		pc[i].off = 1;
		pc[i].len = i % 7 == 3 ? 0 : i % 5 + 1;
		pc[i].loff = loff;
		loff += pc[i].len;
	}
	for (k = 0; k <= loff; k++) {
		i = cf_map(pc, n, k, &off);
		assert_int_equal(i, map_by_scan(pc, n, k));
		assert_int_equal(off, pc[i].off + k - pc[i].loff);
	}
	free(pc);
}

/* has_text - does some message at line mention text? */
static int
has_text(const struct diag *d, size_t line, const char *text)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		if (d->m[i].sev == DIAG_ERR && d->m[i].line == line &&
		    strstr(d->m[i].text, text) != NULL)
			return 1;
	return 0;
}

/* A file as cf_load accepted it, unedited, is within every limit. */
static void
check_limits_accepts_what_load_accepts(void **state)
{
	static const char text[] = "a = 1\n# c\n  more\nb = 2\n";
	struct cf_file	 f;
	struct diag	 d;

	load(&f, text, sizeof(text) - 1);
	diag_init(&d);
	assert_int_equal(cf_check_limits(&f, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(cf_check_limits(&f, NULL), 0);
	diag_free(&d);
	cf_free(&f);
}

/*
 * Continuation lines added one by one take an entry past 1 MiB (as
 * repeated "set" does): the check names the entry's first line and says
 * that nothing is written; exactly 1 MiB is still accepted, as by
 * cf_load.
 */
static void
check_limits_refuses_an_entry_an_edit_made_too_long(void **state)
{
	static const char text[] = "# head\nsmtpd_banner = x\nz = 1\n";
	struct cf_file	 f;
	struct diag	 d;
	struct buf	 b, all;
	char		*line;
	size_t		 total, i;

	load(&f, text, sizeof(text) - 1);
	line = xmalloc(1001);
	memset(line, 'y', 1000);
	line[0] = ' ';
	line[999] = '\n';
	line[1000] = '\0';
	/* "smtpd_banner = x\n" is 17 bytes: fill the entry to 1 MiB. */
	for (total = 17; total + 1000 <= PF_MAX_ENTRY; total += 1000)
		cf_line_insert(&f, 2, line, 1000);
	buf_init(&b);
	for (i = 0; i < PF_MAX_ENTRY - total - 1; i++)
		buf_addc(&b, 'w');
	buf_addc(&b, '\n');
	b.p[0] = ' ';
	cf_line_insert(&f, 2, b.p, b.len);
	cf_group(&f);
	diag_init(&d);
	assert_int_equal(cf_check_limits(&f, &d), 0);
	assert_int_equal(d.n, 0);
	/* cf_load agrees: the same bytes are accepted. */
	buf_init(&all);
	cf_serialize(&f, &all);
	{
		struct cf_file	 g;

		cf_init(&g, "test.cf");
		assert_int_equal(cf_load(&g, all.p, all.len, &d), 0);
		cf_free(&g);
	}
	/* One byte more is refused, as cf_load would refuse it. */
	cf_line_insert(&f, 2, " \n", 2);
	cf_group(&f);
	assert_int_equal(cf_check_limits(&f, &d), -1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.m[0].file, "test.cf");
	assert_true(has_text(&d, 2, "the edit would make this entry longer "
	    "than 1 MiB, which pfsubmit refuses to read; nothing written"));
	diag_free(&d);
	buf_free(&b);
	buf_free(&all);
	free(line);
	cf_free(&f);
}

/* One physical line past 1 MiB, and a NUL byte, are refused too. */
static void
check_limits_refuses_a_long_line_and_a_nul(void **state)
{
	static const char text[] = "a = 1\nb = 2\n";
	struct cf_file	 f;
	struct diag	 d;
	char		*big;

	load(&f, text, sizeof(text) - 1);
	big = xmalloc(PF_MAX_LINE + 2);
	memset(big, 'x', PF_MAX_LINE + 1);
	memcpy(big, "b = ", 4);
	big[PF_MAX_LINE] = '\n';
	cf_line_replace(&f, 1, big, PF_MAX_LINE + 1);
	cf_group(&f);
	diag_init(&d);
	assert_int_equal(cf_check_limits(&f, &d), -1);
	assert_true(has_text(&d, 2, "the edit would make this line longer "
	    "than 1 MiB"));
	/* Reported once, as a line, not again as its entry. */
	assert_int_equal(d.n, 1);
	diag_free(&d);
	cf_line_replace(&f, 1, "b = \0\n", 6);
	cf_group(&f);
	diag_init(&d);
	assert_int_equal(cf_check_limits(&f, &d), -1);
	assert_true(has_text(&d, 2, "NUL byte"));
	diag_free(&d);
	free(big);
	cf_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    classify_empty_and_white_space_lines_are_blank),
		cmocka_unit_test(
		    classify_hash_as_first_non_space_byte_is_comment),
		cmocka_unit_test(classify_hash_after_data_is_not_a_comment),
		cmocka_unit_test(
		    classify_first_byte_decides_start_or_continuation),
		cmocka_unit_test(
		    white_space_classes_are_isspace_and_chars_space),
		cmocka_unit_test(load_splits_lines_and_keeps_line_endings),
		cmocka_unit_test(load_of_empty_data_has_no_lines),
		cmocka_unit_test(
		    comment_and_blank_lines_inside_an_entry_do_not_end_it),
		cmocka_unit_test(
		    trivia_between_entries_ends_at_a_start_line),
		cmocka_unit_test(
		    continuation_at_top_is_an_orphan_with_its_continuations),
		cmocka_unit_test(orphan_on_the_first_line_and_trivia_after_it),
		cmocka_unit_test(
		    trailing_comments_and_blank_lines_are_one_trivia_entry),
		cmocka_unit_test(file_of_only_comments_is_one_trivia_entry),
		cmocka_unit_test(
		    lines_starting_with_cr_vt_or_ff_continue_the_entry),
		cmocka_unit_test(
		    join_inserts_no_separator_and_skips_comment_lines),
		cmocka_unit_test(join_keeps_the_cr_of_crlf_lines),
		cmocka_unit_test(
		    map_finds_the_physical_line_of_a_logical_offset),
		cmocka_unit_test(map_honours_a_piece_offset),
		cmocka_unit_test(entry_at_finds_the_entry_of_every_line),
		cmocka_unit_test(crlf_file_is_detected_by_majority),
		cmocka_unit_test(crlf_fixtures_are_detected),
		cmocka_unit_test(last_line_without_newline_is_kept_as_is),
		cmocka_unit_test(nul_byte_is_refused_with_the_line_number),
		cmocka_unit_test(nul_bytes_on_two_lines_give_two_errors),
		cmocka_unit_test(
		    over_long_line_is_refused_with_the_line_number),
		cmocka_unit_test(line_just_under_the_bound_is_accepted),
		cmocka_unit_test(over_long_entry_is_refused_at_its_first_line),
		cmocka_unit_test(file_over_the_size_bound_is_refused),
		cmocka_unit_test(roundtrip_is_exact_for_every_fixture),
		cmocka_unit_test(roundtrip_is_exact_for_tricky_strings),
		cmocka_unit_test(line_replace_reclassifies_the_line),
		cmocka_unit_test(line_insert_at_top_middle_and_end),
		cmocka_unit_test(line_insert_grows_past_the_initial_capacity),
		cmocka_unit_test(line_delete_removes_one_line),
		cmocka_unit_test(ensure_eol_adds_the_file_line_ending_once),
		cmocka_unit_test(set_content_replaces_every_line),
		cmocka_unit_test(free_of_a_zeroed_file_is_harmless),
		cmocka_unit_test(map_agrees_with_a_scan_over_many_pieces),
		cmocka_unit_test(check_limits_accepts_what_load_accepts),
		cmocka_unit_test(
		    check_limits_refuses_an_entry_an_edit_made_too_long),
		cmocka_unit_test(check_limits_refuses_a_long_line_and_a_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
