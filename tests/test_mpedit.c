/*
 * Tests of mpedit.c: setting and removing main.cf parameters.  Each edit
 * is checked against the exact bytes of the whole file, and the file is
 * parsed again to check what Postfix would read.
 */

#include <stdlib.h>
#include <string.h>

#include "test.h"

/* check - the file is now exactly want and parses without errors */
static void
check(struct mp_file *m, const char *want)
{
	struct diag	 d;
	char		*got;

	got = t_serialize(&m->cf);
	assert_string_equal(got, want);
	free(got);
	diag_init(&d);
	assert_int_equal(mp_parse(m, &d), 0);
	assert_int_equal(d.nerr, 0);
	diag_free(&d);
}

static void
assert_value(const struct mp_file *m, const char *name, const char *value)
{
	const struct mp_param *p;

	if ((p = mp_get(m, name)) == NULL)
		fail_msg("%s is not set", name);
	assert_string_equal(p->value, value);
}

static char *
fixture(const char *name)
{
	char	*path, *text;

	path = t_fixture(name);
	text = t_read(path, NULL);
	free(path);
	return text;
}

static void
set_replaces_in_place_keeping_spaces_around_equals(void **state)
{
	struct mp_file	 m;

	t_main(&m, "# c\nmyhostname = old.example\nrelayhost = r\n");
	assert_int_equal(mpe_set(&m, "myhostname", "new.example"), 1);
	check(&m, "# c\nmyhostname = new.example\nrelayhost = r\n");
	assert_value(&m, "myhostname", "new.example");
	mp_free(&m);
}

static void
set_keeps_name_equals_without_spaces(void **state)
{
	struct mp_file	 m;

	t_main(&m, "smtpd_tls_security_level=may\nx = 1\n");
	assert_int_equal(mpe_set(&m, "smtpd_tls_security_level", "encrypt"),
	    1);
	check(&m, "smtpd_tls_security_level=encrypt\nx = 1\n");
	assert_value(&m, "smtpd_tls_security_level", "encrypt");
	mp_free(&m);
}

static void
set_keeps_tabs_around_equals(void **state)
{
	struct mp_file	 m;

	t_main(&m, "tabs\t=\ttabbed value\t\n");
	assert_int_equal(mpe_set(&m, "tabs", "new"), 1);
	check(&m, "tabs\t=\tnew\n");
	assert_value(&m, "tabs", "new");
	mp_free(&m);
}

static void
set_an_empty_value_and_from_an_empty_value(void **state)
{
	struct mp_file	 m;

	t_main(&m, "relayhost =\nmydomain = example.org\n");
	assert_int_equal(mpe_set(&m, "relayhost", "[smtp.example.net]:587"),
	    1);
	check(&m, "relayhost = [smtp.example.net]:587\n"
	    "mydomain = example.org\n");
	assert_int_equal(mpe_set(&m, "mydomain", ""), 1);
	check(&m, "relayhost = [smtp.example.net]:587\nmydomain = \n");
	assert_value(&m, "mydomain", "");
	mp_free(&m);
}

static void
set_to_the_same_value_changes_nothing(void **state)
{
	static const char text[] = "a = 1\n  \nb=  2  \n";
	struct mp_file	 m;

	t_main(&m, text);
	assert_int_equal(mpe_set(&m, "b", "2"), 0);
	assert_int_equal(mpe_set(&m, "a", "1"), 0);
	check(&m, text);
	mp_free(&m);
}

static void
set_keeps_crlf(void **state)
{
	struct mp_file	 m;
	char		*text;

	text = fixture("main/crlf.cf");
	t_main(&m, text);
	assert_int_equal(mpe_set(&m, "myhostname", "new.example"), 1);
	check(&m,
	    "myhostname = new.example\r\n"
	    "multi = x\r\n"
	    "  y\r\n"
	    "relayhost = [smtp.example.net]:587\r\n");
	assert_value(&m, "myhostname", "new.example");
	assert_int_equal(mpe_set(&m, "multi", "z"), 1);
	check(&m,
	    "myhostname = new.example\r\n"
	    "multi = z\r\n"
	    "relayhost = [smtp.example.net]:587\r\n");
	assert_value(&m, "multi", "z");
	mp_free(&m);
	free(text);
}

static void
set_collapses_a_multi_line_value_and_keeps_inner_comments(void **state)
{
	static const char text[] =
	    "multi = first,\n"
	    "\tsecond,\n"
	    "# a comment inside a value does not end it\n"
	    "\n"
	    "  third\n"
	    "hash_in_value = 1 # not a comment\n";
	struct mp_file	 m;

	t_main(&m, text);
	assert_value(&m, "multi", "first,\tsecond,  third");
	assert_int_equal(mpe_set(&m, "multi", "one, two"), 1);
	check(&m,
	    "multi = one, two\n"
	    "# a comment inside a value does not end it\n"
	    "\n"
	    "hash_in_value = 1 # not a comment\n");
	assert_value(&m, "multi", "one, two");
	assert_value(&m, "hash_in_value", "1 # not a comment");
	mp_free(&m);
}

static void
set_changes_the_last_of_duplicate_definitions(void **state)
{
	struct mp_file	 m;

	t_main(&m, "dup = one\nx = 1\ndup = two\n");
	assert_int_equal(mpe_set(&m, "dup", "three"), 1);
	check(&m, "dup = one\nx = 1\ndup = three\n");
	assert_value(&m, "dup", "three");
	assert_int_equal(m.par[0].shadowed, 1);
	mp_free(&m);
}

static void
set_when_the_equals_sign_is_on_a_continuation_line(void **state)
{
	struct mp_file	 m;

	t_main(&m, "name\n  = value\nnext = 1\n");
	assert_value(&m, "name", "value");
	assert_int_equal(mpe_set(&m, "name", "new"), 1);
	check(&m, "name = new\nnext = 1\n");
	assert_value(&m, "name", "new");
	mp_free(&m);
}

static void
set_in_place_on_a_last_line_without_newline(void **state)
{
	struct mp_file	 m;

	t_main(&m, "a = 1\nb = 2");
	assert_int_equal(mpe_set(&m, "b", "3"), 1);
	check(&m, "a = 1\nb = 3");
	assert_value(&m, "b", "3");
	mp_free(&m);
}

static void
set_of_a_value_continued_on_a_last_line_without_newline(void **state)
{
	struct mp_file	 m;
	char		*text;

	text = fixture("main/no-final-newline.cf");
	t_main(&m, text);
	assert_int_equal(mpe_set(&m, "relayhost", "[h]:587"), 1);
	check(&m, "myhostname = mail.example.org\nrelayhost = [h]:587\n");
	assert_value(&m, "relayhost", "[h]:587");
	mp_free(&m);
	free(text);
}

static void
set_new_name_appends_a_line_at_the_end(void **state)
{
	struct mp_file	 m;

	t_main(&m, "a = 1\n# trailing comment\n");
	assert_int_equal(mpe_set(&m, "b", "$a"), 1);
	check(&m, "a = 1\n# trailing comment\nb = $a\n");
	assert_value(&m, "b", "$a");
	assert_int_equal(m.par[1].line, 2);
	mp_free(&m);
}

/*
 * postconf -e glues the new line onto a last line without a newline,
 * which silently changes the last parameter (relayhost becomes
 * "r  rcontzeta = z"); pfsubmit adds the newline first.
 */
static void
set_new_name_after_a_last_line_without_newline(void **state)
{
	struct mp_file	 m;
	char		*text;

	text = fixture("main/no-final-newline.cf");
	t_main(&m, text);
	assert_int_equal(mpe_set(&m, "zeta", "z"), 1);
	check(&m,
	    "myhostname = mail.example.org\n"
	    "relayhost = r\n"
	    "  rcont\n"
	    "zeta = z\n");
	assert_value(&m, "relayhost", "r  rcont");
	assert_value(&m, "zeta", "z");
	mp_free(&m);
	free(text);
}

static void
set_new_name_in_a_crlf_file_ends_in_crlf(void **state)
{
	struct mp_file	 m;
	char		*text;

	text = fixture("main/crlf.cf");
	t_main(&m, text);
	assert_int_equal(mpe_set(&m, "mydomain", "example.org"), 1);
	check(&m,
	    "myhostname = mail.example.org\r\n"
	    "multi = x\r\n"
	    "  y\r\n"
	    "relayhost = [smtp.example.net]:587\r\n"
	    "mydomain = example.org\r\n");
	assert_value(&m, "mydomain", "example.org");
	mp_free(&m);
	free(text);
}

static void
set_in_an_empty_file(void **state)
{
	struct mp_file	 m;

	t_main(&m, "");
	assert_int_equal(mpe_set(&m, "a", "1"), 1);
	check(&m, "a = 1\n");
	assert_value(&m, "a", "1");
	mp_free(&m);
}

static void
set_ignores_a_commented_out_definition(void **state)
{
	struct mp_file	 m;

	t_main(&m, "#myorigin = /etc/mailname\n\nbiff = no\n");
	assert_int_equal(mpe_set(&m, "myorigin", "$mydomain"), 1);
	check(&m, "#myorigin = /etc/mailname\n\nbiff = no\n"
	    "myorigin = $mydomain\n");
	mp_free(&m);
}

static void
set_in_the_debian_file_touches_one_line(void **state)
{
	struct mp_file	 m;
	struct buf	 want;
	char		*text, *p;

	text = fixture("main/debian.cf");
	t_main(&m, text);
	assert_int_equal(mpe_set(&m, "smtpd_tls_security_level", "encrypt"),
	    1);
	buf_init(&want);
	p = strstr(text, "smtpd_tls_security_level=may\n");
	assert_non_null(p);
	buf_add(&want, text, (size_t)(p - text));
	buf_adds(&want, "smtpd_tls_security_level=encrypt\n");
	buf_adds(&want, p + strlen("smtpd_tls_security_level=may\n"));
	check(&m, want.p);
	assert_value(&m, "smtpd_tls_security_level", "encrypt");
	buf_free(&want);
	mp_free(&m);
	free(text);
}

static void
unset_removes_the_definition(void **state)
{
	struct mp_file	 m;

	t_main(&m, "a = 1\nb = 2\nc = 3\n");
	assert_int_equal(mpe_unset(&m, "b"), 1);
	check(&m, "a = 1\nc = 3\n");
	assert_null(mp_get(&m, "b"));
	mp_free(&m);
}

static void
unset_removes_every_definition(void **state)
{
	struct mp_file	 m;

	t_main(&m, "dup = one\nx = 1\ndup = two\n  more\n");
	assert_int_equal(mpe_unset(&m, "dup"), 2);
	check(&m, "x = 1\n");
	assert_null(mp_get(&m, "dup"));
	assert_int_equal(m.npar, 1);
	mp_free(&m);
}

static void
unset_keeps_interior_comments(void **state)
{
	struct mp_file	 m;

	t_main(&m, "multi = first,\n\tsecond,\n# inside\n\n  third\n"
	    "next = 1\n");
	assert_int_equal(mpe_unset(&m, "multi"), 1);
	check(&m, "# inside\n\nnext = 1\n");
	assert_null(mp_get(&m, "multi"));
	assert_value(&m, "next", "1");
	mp_free(&m);
}

static void
unset_keeps_crlf_and_handles_a_last_line_without_newline(void **state)
{
	struct mp_file	 m;
	char		*text;

	text = fixture("main/crlf.cf");
	t_main(&m, text);
	assert_int_equal(mpe_unset(&m, "multi"), 1);
	check(&m, "myhostname = mail.example.org\r\n"
	    "relayhost = [smtp.example.net]:587\r\n");
	mp_free(&m);
	free(text);

	t_main(&m, "a = 1\nb = 2");
	assert_int_equal(mpe_unset(&m, "b"), 1);
	check(&m, "a = 1\n");
	mp_free(&m);
}

static void
unset_of_an_absent_name_changes_nothing(void **state)
{
	static const char text[] = "a = 1\n#b = 2\n";
	struct mp_file	 m;

	t_main(&m, text);
	assert_int_equal(mpe_unset(&m, "b"), 0);
	check(&m, text);
	mp_free(&m);
}

static void
unset_then_set_appends_at_the_end(void **state)
{
	struct mp_file	 m;

	t_main(&m, "a = 1\nb = 2\nc = 3\n");
	assert_int_equal(mpe_unset(&m, "a"), 1);
	check(&m, "b = 2\nc = 3\n");
	assert_int_equal(mpe_set(&m, "a", "9"), 1);
	check(&m, "b = 2\nc = 3\na = 9\n");
	mp_free(&m);
}

/*
 * Edits in a row, with no parse in between: each must see the lines as
 * the one before left them (a value on several lines shrinks the file).
 */
static void
edits_in_a_row_each_see_the_file_as_it_is_now(void **state)
{
	struct mp_file	 m;

	(void)state;
	t_main(&m, "a = 1\n  cont\nrelayhost = x\n  more\n"
	    "smtp_sasl_auth_enable = yes\nkeep = me\n"
	    "smtp_tls_security_level = may\nlast = 1\n");
	assert_int_equal(mpe_unset(&m, "relayhost"), 1);
	assert_int_equal(mpe_unset(&m, "smtp_sasl_auth_enable"), 1);
	assert_int_equal(mpe_unset(&m, "smtp_tls_security_level"), 1);
	check(&m, "a = 1\n  cont\nkeep = me\nlast = 1\n");
	mp_free(&m);

	t_main(&m, "a = 1\n  cont\n  more\nb = 2\nc = 3\n");
	assert_int_equal(mpe_set(&m, "a", "one"), 1);
	assert_int_equal(mpe_set(&m, "c", "three"), 1);
	assert_int_equal(mpe_set(&m, "b", "two"), 1);
	check(&m, "a = one\nb = two\nc = three\n");
	mp_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    set_replaces_in_place_keeping_spaces_around_equals),
		cmocka_unit_test(set_keeps_name_equals_without_spaces),
		cmocka_unit_test(set_keeps_tabs_around_equals),
		cmocka_unit_test(set_an_empty_value_and_from_an_empty_value),
		cmocka_unit_test(set_to_the_same_value_changes_nothing),
		cmocka_unit_test(set_keeps_crlf),
		cmocka_unit_test(
		    set_collapses_a_multi_line_value_and_keeps_inner_comments),
		cmocka_unit_test(set_changes_the_last_of_duplicate_definitions),
		cmocka_unit_test(
		    set_when_the_equals_sign_is_on_a_continuation_line),
		cmocka_unit_test(set_in_place_on_a_last_line_without_newline),
		cmocka_unit_test(
		    set_of_a_value_continued_on_a_last_line_without_newline),
		cmocka_unit_test(set_new_name_appends_a_line_at_the_end),
		cmocka_unit_test(
		    set_new_name_after_a_last_line_without_newline),
		cmocka_unit_test(set_new_name_in_a_crlf_file_ends_in_crlf),
		cmocka_unit_test(set_in_an_empty_file),
		cmocka_unit_test(set_ignores_a_commented_out_definition),
		cmocka_unit_test(set_in_the_debian_file_touches_one_line),
		cmocka_unit_test(unset_removes_the_definition),
		cmocka_unit_test(unset_removes_every_definition),
		cmocka_unit_test(unset_keeps_interior_comments),
		cmocka_unit_test(
		    unset_keeps_crlf_and_handles_a_last_line_without_newline),
		cmocka_unit_test(unset_of_an_absent_name_changes_nothing),
		cmocka_unit_test(unset_then_set_appends_at_the_end),
		cmocka_unit_test(
		    edits_in_a_row_each_see_the_file_as_it_is_now),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
