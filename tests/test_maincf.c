/*
 * Tests of maincf.c: "name = value" logical lines as Postfix's
 * dict_load_fp() and split_nameval() read them, duplicates, and the
 * problems Postfix warns about or refuses.
 */

#include <stdlib.h>
#include <string.h>

#include "test.h"

/*
 * Every reallocarray() of the code under test comes here (tests/
 * test_maincf.wrap): big_reallocs counts those of 64 KiB or more while
 * counting is on.  Growing an array by one element at a time makes one
 * such call per element past 64 KiB; doubling makes a handful.
 */
void	*__wrap_reallocarray(void *, size_t, size_t);
void	*__real_reallocarray(void *, size_t, size_t);
static int	 counting;
static size_t	 big_reallocs;

void *
__wrap_reallocarray(void *p, size_t n, size_t size)
{
	if (counting && size != 0 && n >= 65536 / size)
		big_reallocs++;
	return __real_reallocarray(p, n, size);
}

static int
parse(struct mp_file *m, const char *text, struct diag *d)
{
	diag_init(d);
	mp_init(m, "main.cf");
	assert_int_equal(cf_load(&m->cf, text, strlen(text), d), 0);
	return mp_parse(m, d);
}

static void
assert_value(const struct mp_file *m, const char *name, const char *value)
{
	const struct mp_param *p;

	if ((p = mp_get(m, name)) == NULL)
		fail_msg("%s is not set", name);
	assert_string_equal(p->value, value);
}

static int
has_diag(const struct diag *d, enum diag_sev sev, size_t line,
    const char *text)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		if (d->m[i].sev == sev && d->m[i].line == line &&
		    strstr(d->m[i].text, text) != NULL)
			return 1;
	return 0;
}

static void
split_takes_the_name_up_to_white_space_or_equals(void **state)
{
	static const struct {
		const char	*in;
		int		 r;
		const char	*name;
		const char	*value;
	} c[] = {
		{ "a = b", 0, "a", "b" },
		{ "a=b", 0, "a", "b" },
		{ "myorigin\t=\tTAB\t", 0, "myorigin", "TAB" },
		{ "mydomain==x", 0, "mydomain", "=x" },
		{ "myhostname = a = b", 0, "myhostname", "a = b" },
		{ "relayhost =", 0, "relayhost", "" },
		{ "relayhost =   ", 0, "relayhost", "" },
		{ "a = x\r  y\r", 0, "a", "x\r  y" },
		{ "a = 1 # x", 0, "a", "1 # x" },
		{ "my-param = 1", 0, "my-param", "1" },
		{ "smtp/inet/x = 1", 0, "smtp/inet/x", "1" },
		{ "a = \"quoted\" \\", 0, "a", "\"quoted\" \\" },
		{ "a\v=\fb\v", 0, "a", "b" },
		{ "= value", -1, NULL, NULL },
		{ "=", -1, NULL, NULL },
		{ "name", -2, NULL, NULL },
		{ "name value", -2, NULL, NULL },
		{ "name value = x", -2, NULL, NULL },
	};
	char	*name, *value;
	size_t	 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_int_equal(cf_split_nameval(c[i].in, strlen(c[i].in),
		    &name, &value), c[i].r);
		if (c[i].r != 0)
			continue;
		assert_string_equal(name, c[i].name);
		assert_string_equal(value, c[i].value);
		free(name);
		free(value);
	}
}

static void
split_honours_the_length(void **state)
{
	char	*name, *value;

	assert_int_equal(cf_split_nameval("a = bc", 5, &name, &value), 0);
	assert_string_equal(value, "b");
	free(name);
	free(value);
}

static void
parameters_are_read_in_file_order(void **state)
{
	struct mp_file	 m;

	t_main(&m, "# c\nmyhostname = mail.example.org\n\nrelayhost =\n"
	    "tabs\t=\ttabbed value\t\n");
	assert_int_equal(m.npar, 3);
	assert_string_equal(m.par[0].name, "myhostname");
	assert_string_equal(m.par[0].value, "mail.example.org");
	assert_int_equal(m.par[0].line, 1);
	assert_int_equal(m.par[0].entry, 1);
	assert_string_equal(m.par[1].name, "relayhost");
	assert_string_equal(m.par[1].value, "");
	assert_int_equal(m.par[1].line, 3);
	assert_string_equal(m.par[2].value, "tabbed value");
	assert_null(mp_get(&m, "mydomain"));
	assert_int_equal(m.par[0].shadowed, 0);
	mp_free(&m);
}

static void
continuation_value_keeps_inner_white_space(void **state)
{
	struct mp_file	 m;

	t_main(&m, "multi = first,\n\tsecond,\n# a comment inside\n\n"
	    "  third  \nnext = 1\n");
	assert_value(&m, "multi", "first,\tsecond,  third");
	assert_value(&m, "next", "1");
	assert_int_equal(m.par[1].line, 5);
	mp_free(&m);
}

static void
crlf_value_loses_its_final_cr_only(void **state)
{
	struct mp_file	 m;
	char		*path, *text;

	path = t_fixture("main/crlf.cf");
	text = t_read(path, NULL);
	t_main(&m, text);
	assert_int_equal(m.npar, 3);
	assert_value(&m, "myhostname", "mail.example.org");
	assert_value(&m, "multi", "x\r  y");
	assert_value(&m, "relayhost", "[smtp.example.net]:587");
	mp_free(&m);
	free(text);
	free(path);
}

static void
last_line_without_newline_continues_the_value(void **state)
{
	struct mp_file	 m;
	char		*path, *text;

	path = t_fixture("main/no-final-newline.cf");
	text = t_read(path, NULL);
	t_main(&m, text);
	assert_value(&m, "relayhost", "r  rcont");
	mp_free(&m);
	free(text);
	free(path);
}

static void
tricky_fixture_reads_as_postconf_shows(void **state)
{
	struct mp_file	 m;
	struct diag	 d;
	char		*path, *text;

	path = t_fixture("main/tricky.cf");
	text = t_read(path, NULL);
	assert_int_equal(parse(&m, text, &d), 0);
	assert_int_equal(d.nerr, 0);
	assert_value(&m, "multi", "first,\tsecond,  third");
	assert_value(&m, "hash_in_value", "1 # not a comment");
	assert_value(&m, "tabs", "tabbed value");
	assert_value(&m, "dup", "two");
	assert_value(&m, "empty", "");
	assert_value(&m, "eq", "a = b");
	assert_value(&m, "dollar", "cost $$5 and $$$mydomain");
	assert_value(&m, "legacy", "${mydomain??foo:{b}ar}");
	/* postconf: "line 25: overriding earlier entry: dup=one" */
	assert_true(has_diag(&d, DIAG_WARN, 25, "dup is set again"));
	assert_true(has_diag(&d, DIAG_WARN, 25, "line 24"));
	assert_int_equal(d.nwarn, 1);
	mp_free(&m);
	diag_free(&d);
	free(text);
	free(path);
}

static void
last_definition_wins_and_earlier_ones_are_shadowed(void **state)
{
	struct mp_file	 m;
	struct diag	 d;

	assert_int_equal(parse(&m, "dup = one\nx = 1\ndup = two\n"
	    "dup = three\n", &d), 0);
	assert_int_equal(m.npar, 4);
	assert_value(&m, "dup", "three");
	assert_ptr_equal(mp_get(&m, "dup"), &m.par[3]);
	assert_int_equal(m.par[0].shadowed, 1);
	assert_int_equal(m.par[1].shadowed, 0);
	assert_int_equal(m.par[2].shadowed, 1);
	assert_int_equal(m.par[3].shadowed, 0);
	assert_int_equal(d.nwarn, 2);
	assert_true(has_diag(&d, DIAG_WARN, 3, "overrides line 1"));
	assert_true(has_diag(&d, DIAG_WARN, 4, "overrides line 3"));
	mp_free(&m);
	diag_free(&d);
}

static void
identical_duplicates_are_shadowed_silently(void **state)
{
	struct mp_file	 m;
	struct diag	 d;

	assert_int_equal(parse(&m, "dup = same\ndup=same\n", &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(m.par[0].shadowed, 1);
	assert_int_equal(m.par[1].shadowed, 0);
	mp_free(&m);
	diag_free(&d);
}

static void
line_without_equals_is_an_error(void **state)
{
	struct mp_file	 m;
	struct diag	 d;

	assert_int_equal(parse(&m, "a = 1\nfoo bar\n  baz\nb = 2\n", &d),
	    -1);
	assert_int_equal(d.nerr, 1);
	assert_true(has_diag(&d, DIAG_ERR, 2,
	    "missing '=' after attribute name: \"foo bar  baz\""));
	assert_string_equal(d.m[0].file, "main.cf");
	assert_int_equal(m.npar, 2);
	assert_value(&m, "b", "2");
	mp_free(&m);
	diag_free(&d);
}

static void
line_starting_with_equals_is_an_error(void **state)
{
	struct mp_file	 m;
	struct diag	 d;

	assert_int_equal(parse(&m, "=value\n", &d), -1);
	assert_int_equal(d.nerr, 1);
	assert_true(has_diag(&d, DIAG_ERR, 1, "missing attribute name"));
	assert_int_equal(m.npar, 0);
	mp_free(&m);
	diag_free(&d);
}

static void
error_text_is_quoted_for_a_terminal(void **state)
{
	struct mp_file	 m;
	struct diag	 d;

	assert_int_equal(parse(&m, "bad\033[2J\n", &d), -1);
	assert_int_equal(d.nerr, 1);
	assert_null(strchr(d.m[0].text, '\033'));
	assert_non_null(strstr(d.m[0].text, "\\033[2J"));
	mp_free(&m);
	diag_free(&d);
}

static void
orphan_continuation_is_a_warning(void **state)
{
	struct mp_file	 m;
	struct diag	 d;

	assert_int_equal(parse(&m, "# c\n  x = 1\n  y\nz = 2\n", &d), 0);
	assert_int_equal(d.nwarn, 1);
	assert_int_equal(d.nerr, 0);
	assert_true(has_diag(&d, DIAG_WARN, 2, "must not start with white "
	    "space"));
	assert_int_equal(m.npar, 1);
	assert_null(mp_get(&m, "x"));
	assert_value(&m, "z", "2");
	mp_free(&m);
	diag_free(&d);
}

static void
read_only_parameter_is_a_warning(void **state)
{
	static const char *const names[] = {
		"process_name", "process_id", "service_name",
	};
	struct mp_file	 m;
	struct diag	 d;
	char		*text;
	size_t		 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		text = xprintf("a = 1\n%s = x\n", names[i]);
		assert_int_equal(parse(&m, text, &d), 0);
		assert_int_equal(d.nwarn, 1);
		assert_true(has_diag(&d, DIAG_WARN, 2, "read-only parameter"));
		assert_non_null(strstr(d.m[0].text, names[i]));
		mp_free(&m);
		diag_free(&d);
		free(text);
	}
	assert_int_equal(parse(&m, "process_names = x\n", &d), 0);
	assert_int_equal(d.n, 0);
	mp_free(&m);
	diag_free(&d);
}

/*
 * Postfix ignores the assignment of a read-only parameter: with
 * "process_name = foo" in main.cf, "postconf -h process_name" prints
 * "postconf" and "postconf -xh" of "$process_name" gives "postconf"
 * (verified), while "pfsubmit param show -x" gives "foo".  The
 * assignment must not be the definition that wins.
 */
static void
read_only_parameter_does_not_define_the_name(void **state)
{
	struct mp_file	 m;
	struct diag	 d;
	const struct mp_param *p;

	assert_int_equal(parse(&m, "process_name = foo\n", &d), 0);
	p = mp_get(&m, "process_name");
	mp_free(&m);
	diag_free(&d);
	assert_null(p);
}

static void
parse_again_after_an_edit_sees_the_new_lines(void **state)
{
	struct mp_file	 m;
	struct diag	 d;

	t_main(&m, "a = 1\nb = 2\n");
	cf_line_replace(&m.cf, 1, "b = 3\n", 6);
	cf_line_insert(&m.cf, 2, "c = 4\n", 6);
	diag_init(&d);
	assert_int_equal(mp_parse(&m, &d), 0);
	assert_int_equal(m.npar, 3);
	assert_value(&m, "b", "3");
	assert_value(&m, "c", "4");
	assert_int_equal(m.par[2].line, 2);
	mp_free(&m);
	diag_free(&d);
	mp_free(NULL);
}

static void
many_parameters_are_all_found(void **state)
{
	struct mp_file	 m;
	struct buf	 b;
	char		 name[32], value[32];
	int		 i;

	buf_init(&b);
	for (i = 0; i < 500; i++)
		buf_printf(&b, "p%d = v%d\n", i, i);
	t_main(&m, b.p);
	assert_int_equal(m.npar, 500);
	for (i = 0; i < 500; i++) {
		(void)snprintf(name, sizeof(name), "p%d", i);
		(void)snprintf(value, sizeof(value), "v%d", i);
		assert_value(&m, name, value);
	}
	mp_free(&m);
	buf_free(&b);
}

static void
debian_fixture_has_no_problems(void **state)
{
	struct mp_file	 m;
	struct diag	 d;
	char		*path, *text;

	path = t_fixture("main/debian.cf");
	text = t_read(path, NULL);
	assert_int_equal(parse(&m, text, &d), 0);
	assert_int_equal(d.n, 0);
	assert_value(&m, "smtpd_banner", "$myhostname ESMTP $mail_name "
	    "(Debian/GNU)");
	assert_value(&m, "smtpd_tls_cert_file",
	    "/etc/ssl/certs/ssl-cert-snakeoil.pem");
	assert_value(&m, "relayhost", "");
	assert_value(&m, "mynetworks",
	    "127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128");
	assert_null(mp_get(&m, "myorigin"));	/* commented out */
	mp_free(&m);
	diag_free(&d);
	free(text);
	free(path);
}

/*
 * 200,000 parameters: the arrays grow geometrically, so parsing makes a
 * few dozen large reallocations, not 200,000 (an allocator that cannot
 * grow in place, such as ASan's, then copies O(n) bytes, not O(n^2)).
 */
static void
many_parameters_grow_arrays_geometrically(void **state)
{
	struct mp_file	 m;
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < 200000; i++)
		buf_printf(&b, "p%zu = v%zu\n", i, i);
	big_reallocs = 0;
	counting = 1;
	t_main(&m, b.p);
	counting = 0;
	assert_int_equal(m.npar, 200000);
	assert_string_equal(mp_get(&m, "p199999")->value, "v199999");
	assert_true(big_reallocs < 100);
	mp_free(&m);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    split_takes_the_name_up_to_white_space_or_equals),
		cmocka_unit_test(split_honours_the_length),
		cmocka_unit_test(parameters_are_read_in_file_order),
		cmocka_unit_test(continuation_value_keeps_inner_white_space),
		cmocka_unit_test(crlf_value_loses_its_final_cr_only),
		cmocka_unit_test(last_line_without_newline_continues_the_value),
		cmocka_unit_test(tricky_fixture_reads_as_postconf_shows),
		cmocka_unit_test(
		    last_definition_wins_and_earlier_ones_are_shadowed),
		cmocka_unit_test(identical_duplicates_are_shadowed_silently),
		cmocka_unit_test(line_without_equals_is_an_error),
		cmocka_unit_test(line_starting_with_equals_is_an_error),
		cmocka_unit_test(error_text_is_quoted_for_a_terminal),
		cmocka_unit_test(orphan_continuation_is_a_warning),
		cmocka_unit_test(read_only_parameter_is_a_warning),
		cmocka_unit_test(read_only_parameter_does_not_define_the_name),
		cmocka_unit_test(parse_again_after_an_edit_sees_the_new_lines),
		cmocka_unit_test(many_parameters_are_all_found),
		cmocka_unit_test(debian_fixture_has_no_problems),
		cmocka_unit_test(many_parameters_grow_arrays_geometrically),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
