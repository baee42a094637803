/*
 * Tests of mcedit.c: each edit of master.cf is checked against the exact
 * bytes of the whole file, every line outside the edited entry is checked
 * to be byte-identical, and the result is parsed again.
 */

#include <stdlib.h>
#include <string.h>

#include "test.h"

struct lines {
	const char	**p;
	size_t		 *len;
	size_t		  n;
};

static void
split(const char *s, struct lines *l)
{
	const char	*nl;
	size_t		 cap = 0;

	memset(l, 0, sizeof(*l));
	while (*s != '\0') {
		if (l->n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			l->p = xreallocarray(l->p, cap, sizeof(*l->p));
			l->len = xreallocarray(l->len, cap, sizeof(*l->len));
		}
		nl = strchr(s, '\n');
		l->p[l->n] = s;
		l->len[l->n] = nl != NULL ? (size_t)(nl - s) + 1 : strlen(s);
		s += l->len[l->n];
		l->n++;
	}
}

static void
lines_free(struct lines *l)
{
	free(l->p);
	free(l->len);
}

static int
line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] &&
	    memcmp(a->p[i], b->p[j], a->len[i]) == 0;
}

/*
 * assert_outside - lines [0, first) and the lines after `last' of before
 * are in after, unchanged, at the top and at the bottom.
 */
static void
assert_outside(const char *before, const char *after, size_t first,
    size_t last)
{
	struct lines	 a, b;
	size_t		 i, k;

	split(before, &b);
	split(after, &a);
	assert_true(first <= b.n && first <= a.n);
	for (i = 0; i < first; i++)
		if (!line_eq(&b, i, &a, i))
			fail_msg("line %zu before the entry changed", i + 1);
	k = b.n - last - 1;
	assert_true(k <= a.n);
	for (i = 0; i < k; i++)
		if (!line_eq(&b, b.n - 1 - i, &a, a.n - 1 - i))
			fail_msg("line %zu after the entry changed",
			    b.n - i);
	lines_free(&a);
	lines_free(&b);
}

/*
 * check - the file is now exactly want, only lines first..last of
 * before changed, and it parses without errors.
 */
static void
check(struct mc_file *m, const char *before, const char *want, size_t first,
    size_t last)
{
	struct diag	 d;
	char		*got;

	got = t_serialize(&m->cf);
	assert_string_equal(got, want);
	assert_outside(before, got, first, last);
	free(got);
	diag_init(&d);
	assert_int_equal(mc_parse(m, &d), 0);
	assert_int_equal(d.nerr, 0);
	diag_free(&d);
}

static size_t
idx(const struct mc_file *m, const char *name, const char *type,
    int enabled)
{
	size_t	 i;

	for (i = 0; i < m->nsvc; i++)
		if (strcmp(m->svc[i].field[MCF_SERVICE], name) == 0 &&
		    strcmp(m->svc[i].field[MCF_TYPE], type) == 0 &&
		    m->svc[i].enabled == enabled)
			return i;
	fail_msg("no service %s/%s", name, type);
	return 0;
}

static const char *
ovalue(const struct mc_file *m, size_t i, const char *name)
{
	const struct mc_override *o;

	if ((o = mc_find_override(&m->svc[i], name)) == NULL)
		return NULL;
	return o->value;
}

static const char A[] =
    "smtp      inet  n       -       y       -       -       smtpd\n"
    "submission inet n       -       y       -       -       smtpd\n"
    "  -o syslog_name=postfix/submission\n"
    "# inner comment\n"
    "  -o smtpd_tls_security_level=encrypt -o smtpd_sasl_auth_enable=yes\n"
    "pickup    unix  n       -       y       60      1       pickup\n";

/*
 * mce_set_override
 */

static void
set_override_replaces_the_value_in_its_own_line(void **state)
{
	struct mc_file	 m;
	size_t		 i;

	t_master(&m, A);
	i = idx(&m, "submission", "inet", 1);
	assert_int_equal(mce_set_override(&m, i, "smtpd_tls_security_level",
	    "smtpd_tls_security_level=may"), 1);
	check(&m, A,
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "  -o syslog_name=postfix/submission\n"
	    "# inner comment\n"
	    "  -o smtpd_tls_security_level=may -o smtpd_sasl_auth_enable=yes\n"
	    "pickup    unix  n       -       y       60      1       pickup\n",
	    1, 4);
	i = idx(&m, "submission", "inet", 1);
	assert_string_equal(ovalue(&m, i, "smtpd_tls_security_level"), "may");
	assert_string_equal(ovalue(&m, i, "smtpd_sasl_auth_enable"), "yes");
	assert_int_equal(m.svc[i].nov, 3);
	mc_free(&m);
}

static void
set_override_second_of_two_on_a_line(void **state)
{
	struct mc_file	 m;
	size_t		 i;

	t_master(&m, A);
	i = idx(&m, "submission", "inet", 1);
	assert_int_equal(mce_set_override(&m, i, "smtpd_sasl_auth_enable",
	    "smtpd_sasl_auth_enable=no"), 1);
	check(&m, A,
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "  -o syslog_name=postfix/submission\n"
	    "# inner comment\n"
	    "  -o smtpd_tls_security_level=encrypt"
	    " -o smtpd_sasl_auth_enable=no\n"
	    "pickup    unix  n       -       y       60      1       pickup\n",
	    1, 4);
	i = idx(&m, "submission", "inet", 1);
	assert_string_equal(ovalue(&m, i, "smtpd_sasl_auth_enable"), "no");
	mc_free(&m);
}

static void
set_override_that_is_absent_changes_nothing(void **state)
{
	struct mc_file	 m;
	char		*got;

	t_master(&m, A);
	assert_int_equal(mce_set_override(&m, idx(&m, "submission", "inet",
	    1), "smtpd_banner", "smtpd_banner=x"), 0);
	got = t_serialize(&m.cf);
	assert_string_equal(got, A);
	free(got);
	mc_free(&m);
}

static void
set_override_glued_to_its_option(void **state)
{
	static const char before[] =
	    "# top\n"
	    "relay unix - - y - - smtp -osyslog_name=postfix/a -v\n"
	    "pickup unix n - y 60 1 pickup\n";
	struct mc_file	 m;

	t_master(&m, before);
	assert_int_equal(mce_set_override(&m, 0, "syslog_name",
	    "syslog_name=postfix/b"), 1);
	check(&m, before,
	    "# top\n"
	    "relay unix - - y - - smtp -o syslog_name=postfix/b -v\n"
	    "pickup unix n - y 60 1 pickup\n", 1, 1);
	assert_string_equal(ovalue(&m, 0, "syslog_name"), "postfix/b");
	mc_free(&m);
}

static void
set_override_braced_value_with_spaces(void **state)
{
	static const char before[] =
	    "x inet n - n - - smtpd\n"
	    "  -o { smtpd_banner = $myhostname ESMTP tricky }   -o a=b\n";
	struct mc_file	 m;

	t_master(&m, before);
	assert_int_equal(mce_set_override(&m, 0, "smtpd_banner",
	    "{ smtpd_banner = $myhostname ESMTP other }"), 1);
	check(&m, before,
	    "x inet n - n - - smtpd\n"
	    "  -o { smtpd_banner = $myhostname ESMTP other }   -o a=b\n",
	    0, 1);
	assert_string_equal(ovalue(&m, 0, "smtpd_banner"),
	    "$myhostname ESMTP other");
	/* and back to a plain token */
	assert_int_equal(mce_set_override(&m, 0, "smtpd_banner",
	    "smtpd_banner=plain"), 1);
	check(&m, before,
	    "x inet n - n - - smtpd\n"
	    "  -o smtpd_banner=plain   -o a=b\n", 0, 1);
	assert_string_equal(ovalue(&m, 0, "smtpd_banner"), "plain");
	assert_string_equal(ovalue(&m, 0, "a"), "b");
	mc_free(&m);
}

static void
set_override_replaces_every_duplicate(void **state)
{
	static const char before[] =
	    "x unix - - n - - smtp -o a=1\n"
	    "  -o b=2\n"
	    "  -o a=3\n";
	struct mc_file	 m;

	t_master(&m, before);
	assert_int_equal(mce_set_override(&m, 0, "a", "a=9"), 2);
	check(&m, before,
	    "x unix - - n - - smtp -o a=9\n"
	    "  -o b=2\n"
	    "  -o a=9\n", 0, 2);
	assert_int_equal(m.svc[0].nov, 3);
	assert_string_equal(m.svc[0].ov[0].value, "9");
	assert_string_equal(m.svc[0].ov[2].value, "9");
	mc_free(&m);
}

static void
set_override_in_option_clusters(void **state)
{
	static const char before[] =
	    "x unix - - n - - smtp -vo a=1 -vob=2\n";
	struct mc_file	 m;

	t_master(&m, before);
	assert_int_equal(mce_set_override(&m, 0, "a", "a=7"), 1);
	check(&m, before, "x unix - - n - - smtp -vo a=7 -vob=2\n", 0, 0);
	assert_int_equal(mce_set_override(&m, 0, "b", "b=8"), 1);
	check(&m, before, "x unix - - n - - smtp -vo a=7 -vo b=8\n", 0, 0);
	assert_string_equal(ovalue(&m, 0, "a"), "7");
	assert_string_equal(ovalue(&m, 0, "b"), "8");
	mc_free(&m);
}

static void
set_override_of_a_braced_option_token(void **state)
{
	static const char before[] = "x unix - - n - - smtp {-o a=1} -o c=3\n";
	struct mc_file	 m;

	t_master(&m, before);
	assert_string_equal(ovalue(&m, 0, "a"), "1");
	assert_int_equal(mce_set_override(&m, 0, "a", "a=2"), 1);
	check(&m, before, "x unix - - n - - smtp -o a=2 -o c=3\n", 0, 0);
	assert_string_equal(ovalue(&m, 0, "a"), "2");
	mc_free(&m);
}

static void
set_override_value_on_the_line_after_its_option(void **state)
{
	static const char before[] =
	    "x unix - - n - - smtp -o\n"
	    "# c\n"
	    "  a=1\n"
	    "y unix - - n - - smtp\n";
	struct mc_file	 m;

	t_master(&m, before);
	assert_int_equal(mce_set_override(&m, 0, "a", "a=2"), 1);
	check(&m, before,
	    "x unix - - n - - smtp -o\n"
	    "# c\n"
	    "  a=2\n"
	    "y unix - - n - - smtp\n", 0, 2);
	assert_string_equal(ovalue(&m, 0, "a"), "2");
	mc_free(&m);
}

static void
set_override_of_a_group_over_two_lines(void **state)
{
	static const char before[] =
	    "x unix - - n - - smtp -o {a =\n"
	    "# c\n"
	    "  b c}\n"
	    "y unix - - n - - smtp\n";
	struct mc_file	 m;

	t_master(&m, before);
	assert_string_equal(ovalue(&m, 0, "a"), "b c");
	assert_int_equal(mce_set_override(&m, 0, "a", "a=d"), 1);
	check(&m, before,
	    "x unix - - n - - smtp -o a=d\n"
	    "# c\n"
	    "y unix - - n - - smtp\n", 0, 2);
	assert_string_equal(ovalue(&m, 0, "a"), "d");
	mc_free(&m);
}

static void
set_override_keeps_crlf(void **state)
{
	static const char before[] =
	    "x unix - - n - - smtp\r\n"
	    "  -o a=1\r\n"
	    "y unix - - n - - smtp\r\n";
	struct mc_file	 m;

	t_master(&m, before);
	assert_int_equal(mce_set_override(&m, 0, "a", "a=2"), 1);
	check(&m, before,
	    "x unix - - n - - smtp\r\n"
	    "  -o a=2\r\n"
	    "y unix - - n - - smtp\r\n", 0, 1);
	assert_string_equal(ovalue(&m, 0, "a"), "2");
	mc_free(&m);
}

static void
set_override_on_a_last_line_without_newline(void **state)
{
	static const char before[] =
	    "x unix - - n - - smtp\n"
	    "  -o a=1";
	struct mc_file	 m;

	t_master(&m, before);
	assert_int_equal(mce_set_override(&m, 0, "a", "a=22"), 1);
	check(&m, before, "x unix - - n - - smtp\n  -o a=22", 0, 1);
	assert_string_equal(ovalue(&m, 0, "a"), "22");
	mc_free(&m);
}

/*
 * mce_remove_override
 */

static void
remove_override_takes_a_line_left_empty(void **state)
{
	struct mc_file	 m;
	size_t		 i;

	t_master(&m, A);
	i = idx(&m, "submission", "inet", 1);
	assert_int_equal(mce_remove_override(&m, i, "syslog_name"), 1);
	check(&m, A,
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "# inner comment\n"
	    "  -o smtpd_tls_security_level=encrypt"
	    " -o smtpd_sasl_auth_enable=yes\n"
	    "pickup    unix  n       -       y       60      1       pickup\n",
	    1, 4);
	i = idx(&m, "submission", "inet", 1);
	assert_int_equal(m.svc[i].nov, 2);
	assert_null(ovalue(&m, i, "syslog_name"));
	mc_free(&m);
}

static void
remove_override_first_of_two_on_a_line(void **state)
{
	struct mc_file	 m;
	size_t		 i;

	t_master(&m, A);
	i = idx(&m, "submission", "inet", 1);
	assert_int_equal(mce_remove_override(&m, i,
	    "smtpd_tls_security_level"), 1);
	check(&m, A,
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "  -o syslog_name=postfix/submission\n"
	    "# inner comment\n"
	    " -o smtpd_sasl_auth_enable=yes\n"
	    "pickup    unix  n       -       y       60      1       pickup\n",
	    1, 4);
	i = idx(&m, "submission", "inet", 1);
	assert_int_equal(m.svc[i].nov, 2);
	assert_string_equal(ovalue(&m, i, "smtpd_sasl_auth_enable"), "yes");
	mc_free(&m);
}

static void
remove_override_second_of_two_on_a_line(void **state)
{
	struct mc_file	 m;
	size_t		 i;

	t_master(&m, A);
	i = idx(&m, "submission", "inet", 1);
	assert_int_equal(mce_remove_override(&m, i, "smtpd_sasl_auth_enable"),
	    1);
	check(&m, A,
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "  -o syslog_name=postfix/submission\n"
	    "# inner comment\n"
	    "  -o smtpd_tls_security_level=encrypt\n"
	    "pickup    unix  n       -       y       60      1       pickup\n",
	    1, 4);
	i = idx(&m, "submission", "inet", 1);
	assert_null(ovalue(&m, i, "smtpd_sasl_auth_enable"));
	mc_free(&m);
}

static void
remove_override_on_the_first_line(void **state)
{
	static const char before[] =
	    "relay unix - - y - - smtp -o a=1 -o b=2\n"
	    "pickup unix n - y 60 1 pickup\n";
	struct mc_file	 m;

	t_master(&m, before);
	assert_int_equal(mce_remove_override(&m, 0, "a"), 1);
	check(&m, before,
	    "relay unix - - y - - smtp -o b=2\n"
	    "pickup unix n - y 60 1 pickup\n", 0, 0);
	assert_int_equal(mce_remove_override(&m, 0, "b"), 1);
	check(&m, before,
	    "relay unix - - y - - smtp\n"
	    "pickup unix n - y 60 1 pickup\n", 0, 0);
	assert_int_equal(m.svc[0].nov, 0);
	assert_int_equal(m.svc[0].ntok, 8);
	mc_free(&m);
}

static void
remove_override_glued_and_clustered(void **state)
{
	static const char before[] =
	    "x unix - - n - - smtp -oa=1 -vo b=2 -Dvoc=3 -o d=4\n";
	struct mc_file	 m;

	t_master(&m, before);
	assert_int_equal(mce_remove_override(&m, 0, "a"), 1);
	check(&m, before, "x unix - - n - - smtp -vo b=2 -Dvoc=3 -o d=4\n",
	    0, 0);
	assert_int_equal(mce_remove_override(&m, 0, "b"), 1);
	check(&m, before, "x unix - - n - - smtp -v -Dvoc=3 -o d=4\n", 0, 0);
	assert_int_equal(mce_remove_override(&m, 0, "c"), 1);
	check(&m, before, "x unix - - n - - smtp -v -Dv -o d=4\n", 0, 0);
	assert_int_equal(m.svc[0].nov, 1);
	assert_string_equal(ovalue(&m, 0, "d"), "4");
	mc_free(&m);
}

static void
remove_override_braced(void **state)
{
	static const char before[] =
	    "x inet n - n - - smtpd\n"
	    "  -o { smtpd_banner = a b }\n"
	    "  -o {smtpd_helo_restrictions=permit_mynetworks, reject}\n";
	struct mc_file	 m;

	t_master(&m, before);
	assert_int_equal(mce_remove_override(&m, 0, "smtpd_banner"), 1);
	check(&m, before,
	    "x inet n - n - - smtpd\n"
	    "  -o {smtpd_helo_restrictions=permit_mynetworks, reject}\n",
	    0, 2);
	assert_int_equal(m.svc[0].nov, 1);
	mc_free(&m);
}

static void
remove_override_removes_every_duplicate(void **state)
{
	static const char before[] =
	    "x unix - - n - - smtp -o a=1\n"
	    "  -o b=2\n"
	    "  -o a=3\n"
	    "y unix - - n - - smtp\n";
	struct mc_file	 m;

	t_master(&m, before);
	assert_int_equal(mce_remove_override(&m, 0, "a"), 2);
	check(&m, before,
	    "x unix - - n - - smtp\n"
	    "  -o b=2\n"
	    "y unix - - n - - smtp\n", 0, 2);
	assert_null(ovalue(&m, 0, "a"));
	assert_int_equal(mce_remove_override(&m, 0, "a"), 0);
	mc_free(&m);
}

static void
remove_override_with_its_value_on_the_next_line(void **state)
{
	static const char before[] =
	    "x unix - - n - - smtp -o\n"
	    "# c\n"
	    "  a=1\n"
	    "y unix - - n - - smtp\n";
	struct mc_file	 m;

	t_master(&m, before);
	assert_int_equal(mce_remove_override(&m, 0, "a"), 1);
	check(&m, before,
	    "x unix - - n - - smtp\n"
	    "# c\n"
	    "y unix - - n - - smtp\n", 0, 2);
	assert_int_equal(m.svc[0].nov, 0);
	mc_free(&m);
}

static void
remove_override_keeps_crlf_and_takes_the_line(void **state)
{
	static const char before[] =
	    "x unix - - n - - smtp\r\n"
	    "  -o a=1\r\n"
	    "  -o b=2  \r\n"
	    "y unix - - n - - smtp\r\n";
	struct mc_file	 m;

	t_master(&m, before);
	assert_int_equal(mce_remove_override(&m, 0, "a"), 1);
	check(&m, before,
	    "x unix - - n - - smtp\r\n"
	    "  -o b=2  \r\n"
	    "y unix - - n - - smtp\r\n", 0, 2);
	assert_int_equal(mce_remove_override(&m, 0, "b"), 1);
	check(&m, before,
	    "x unix - - n - - smtp\r\n"
	    "y unix - - n - - smtp\r\n", 0, 2);
	mc_free(&m);
}

static void
remove_override_on_a_last_line_without_newline(void **state)
{
	static const char before[] =
	    "x unix - - n - - smtp\n"
	    "  -o a=1";
	struct mc_file	 m;

	t_master(&m, before);
	assert_int_equal(mce_remove_override(&m, 0, "a"), 1);
	check(&m, before, "x unix - - n - - smtp\n", 0, 1);
	assert_int_equal(m.svc[0].nov, 0);
	assert_int_equal(m.svc[0].last, 0);
	mc_free(&m);
}

static void
remove_override_that_is_absent_changes_nothing(void **state)
{
	struct mc_file	 m;
	char		*got;

	t_master(&m, A);
	assert_int_equal(mce_remove_override(&m, 1, "nothere"), 0);
	got = t_serialize(&m.cf);
	assert_string_equal(got, A);
	free(got);
	mc_free(&m);
}

/*
 * mce_add_overrides
 */

static void
add_overrides_go_after_the_last_line_in_its_indent(void **state)
{
	char		 t0[] = "a=1";
	char		 t1[] = "b=2";
	char *const	 toks[] = { t0, t1 };
	struct mc_file	 m;
	size_t		 i;

	t_master(&m, A);
	mce_add_overrides(&m, idx(&m, "submission", "inet", 1), toks, 2);
	check(&m, A,
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "  -o syslog_name=postfix/submission\n"
	    "# inner comment\n"
	    "  -o smtpd_tls_security_level=encrypt"
	    " -o smtpd_sasl_auth_enable=yes\n"
	    "  -o a=1\n"
	    "  -o b=2\n"
	    "pickup    unix  n       -       y       60      1       pickup\n",
	    1, 4);
	i = idx(&m, "submission", "inet", 1);
	assert_int_equal(m.svc[i].nov, 5);
	assert_string_equal(m.svc[i].ov[3].name, "a");
	assert_string_equal(m.svc[i].ov[4].name, "b");
	assert_int_equal(m.svc[i].last, 6);
	mc_free(&m);
}

static void
add_overrides_to_a_service_without_any(void **state)
{
	char		 t0[] = "syslog_name=postfix/x";
	char *const	 toks[] = { t0 };
	struct mc_file	 m;

	t_master(&m, A);
	mce_add_overrides(&m, 0, toks, 1);
	check(&m, A,
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "  -o syslog_name=postfix/x\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "  -o syslog_name=postfix/submission\n"
	    "# inner comment\n"
	    "  -o smtpd_tls_security_level=encrypt"
	    " -o smtpd_sasl_auth_enable=yes\n"
	    "pickup    unix  n       -       y       60      1       pickup\n",
	    0, 0);
	assert_string_equal(ovalue(&m, 0, "syslog_name"), "postfix/x");
	mc_free(&m);
}

static void
add_overrides_copies_a_tab_or_eight_space_indent(void **state)
{
	static const char tab[] =
	    "relay unix - - y - - smtp\n"
	    "\t-o fallback_relay=\n";
	static const char spaces[] =
	    "relay unix - - y - - smtp\n"
	    "        -o syslog_name=postfix/$service_name\n"
	    "#       -o smtp_helo_timeout=5 -o smtp_connect_timeout=5\n"
	    "showq unix n - y - - showq\n";
	char		 t0[] = "a=1";
	char *const	 toks[] = { t0 };
	struct mc_file	 m;

	t_master(&m, tab);
	mce_add_overrides(&m, 0, toks, 1);
	check(&m, tab,
	    "relay unix - - y - - smtp\n"
	    "\t-o fallback_relay=\n"
	    "\t-o a=1\n", 0, 1);
	mc_free(&m);

	t_master(&m, spaces);
	mce_add_overrides(&m, 0, toks, 1);
	check(&m, spaces,
	    "relay unix - - y - - smtp\n"
	    "        -o syslog_name=postfix/$service_name\n"
	    "        -o a=1\n"
	    "#       -o smtp_helo_timeout=5 -o smtp_connect_timeout=5\n"
	    "showq unix n - y - - showq\n", 0, 1);
	assert_string_equal(ovalue(&m, 0, "a"), "1");
	mc_free(&m);
}

static void
add_overrides_ignores_the_indent_of_the_first_line(void **state)
{
	static const char before[] =
	    "127.0.0.1:2525 inet n - n - - smtpd -o syslog_name=postfix/loop\n";
	char		 t0[] = "a=1";
	char *const	 toks[] = { t0 };
	struct mc_file	 m;

	t_master(&m, before);
	mce_add_overrides(&m, 0, toks, 1);
	check(&m, before,
	    "127.0.0.1:2525 inet n - n - - smtpd -o syslog_name=postfix/loop\n"
	    "  -o a=1\n", 0, 0);
	assert_int_equal(m.svc[0].nov, 2);
	mc_free(&m);
}

static void
add_overrides_go_before_positional_arguments(void **state)
{
	static const char before[] =
	    "maildrop  unix  -       n       n       -       -       pipe\n"
	    "  flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}\n"
	    "uucp unix - n n - - pipe\n";
	char		 t0[] = "a=1";
	char		 t1[] = "{ b = x y }";
	char *const	 toks[] = { t0, t1 };
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, before);
	mce_add_overrides(&m, 0, toks, 2);
	check(&m, before,
	    "maildrop  unix  -       n       n       -       -       pipe\n"
	    "  -o a=1 -o { b = x y } flags=DRXhu user=vmail "
	    "argv=/usr/bin/maildrop -d ${recipient}\n"
	    "uucp unix - n n - - pipe\n", 0, 1);
	s = &m.svc[0];
	assert_int_equal(s->nov, 2);
	assert_string_equal(ovalue(&m, 0, "b"), "x y");
	assert_string_equal(s->tok[s->pos].text, "flags=DRXhu");
	mc_free(&m);
}

static void
add_overrides_go_before_double_dash(void **state)
{
	static const char before[] = "x unix - - n - - smtp -o a=1 -- -o c=d\n";
	char		 t0[] = "b=2";
	char *const	 toks[] = { t0 };
	struct mc_file	 m;

	t_master(&m, before);
	mce_add_overrides(&m, 0, toks, 1);
	check(&m, before, "x unix - - n - - smtp -o a=1 -o b=2 -- -o c=d\n",
	    0, 0);
	assert_int_equal(m.svc[0].nov, 2);
	assert_string_equal(ovalue(&m, 0, "b"), "2");
	assert_null(ovalue(&m, 0, "c"));
	mc_free(&m);
}

static void
add_overrides_in_a_crlf_file_end_in_crlf(void **state)
{
	const char	*want;
	char		*path, *text;
	char		 t0[] = "a=1";
	char *const	 toks[] = { t0 };
	struct mc_file	 m;

	path = t_fixture("master/crlf.cf");
	text = t_read(path, NULL);
	t_master(&m, text);
	mce_add_overrides(&m, idx(&m, "submission", "inet", 1), toks, 1);
	want =
	    "smtp      inet  n       -       y       -       -       smtpd\r\n"
	    "  -o smtpd_tls_security_level=may\r\n"
	    "\r\n"
	    "# comment\r\n"
	    "submission inet n - y - - smtpd\r\n"
	    "  -o syslog_name=postfix/submission\r\n"
	    "  -o smtpd_sasl_auth_enable=yes\r\n"
	    "  -o a=1\r\n"
	    "pickup    unix  n       -       y       60      1"
	    "       pickup\r\n";
	check(&m, text, want, 4, 6);
	assert_string_equal(ovalue(&m, idx(&m, "submission", "inet", 1), "a"),
	    "1");
	mc_free(&m);
	free(text);
	free(path);
}

static void
add_overrides_after_a_last_line_without_newline(void **state)
{
	char		*path, *text;
	char		 t0[] = "a=1";
	char *const	 toks[] = { t0 };
	struct mc_file	 m;

	path = t_fixture("master/no-final-newline.cf");
	text = t_read(path, NULL);
	t_master(&m, text);
	mce_add_overrides(&m, idx(&m, "pickup", "unix", 1), toks, 1);
	check(&m, text,
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "#submission inet n - y - - smtpd\n"
	    "#  -o syslog_name=postfix/submission\n"
	    "pickup    unix  n       -       y       60      1       pickup\n"
	    "  -o syslog_name=postfix/pickup\n"
	    "  -o a=1\n", 3, 4);
	assert_string_equal(ovalue(&m, idx(&m, "pickup", "unix", 1),
	    "syslog_name"), "postfix/pickup");
	mc_free(&m);
	free(text);
	free(path);
}

static void
add_no_overrides_changes_nothing(void **state)
{
	struct mc_file	 m;
	char		*got;

	t_master(&m, A);
	mce_add_overrides(&m, 1, NULL, 0);
	got = t_serialize(&m.cf);
	assert_string_equal(got, A);
	free(got);
	mc_free(&m);
}

/*
 * mce_comment_out, mce_uncomment
 */

static void
comment_out_prefixes_each_line_and_keeps_inner_comments(void **state)
{
	struct mc_file	 m;
	size_t		 i;

	t_master(&m, A);
	mce_comment_out(&m, idx(&m, "submission", "inet", 1));
	check(&m, A,
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "#submission inet n       -       y       -       -       smtpd\n"
	    "#  -o syslog_name=postfix/submission\n"
	    "# inner comment\n"
	    "#  -o smtpd_tls_security_level=encrypt"
	    " -o smtpd_sasl_auth_enable=yes\n"
	    "pickup    unix  n       -       y       60      1       pickup\n",
	    1, 4);
	i = idx(&m, "submission", "inet", 0);
	assert_int_equal(m.svc[i].nov, 3);
	assert_int_equal(m.svc[i].first, 1);
	assert_int_equal(m.svc[i].last, 4);
	assert_int_equal(m.nsvc, 3);
	mc_free(&m);
}

static void
comment_out_then_uncomment_gives_the_file_back(void **state)
{
	struct mc_file	 m;

	t_master(&m, A);
	mce_comment_out(&m, idx(&m, "submission", "inet", 1));
	check(&m, A,
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "#submission inet n       -       y       -       -       smtpd\n"
	    "#  -o syslog_name=postfix/submission\n"
	    "# inner comment\n"
	    "#  -o smtpd_tls_security_level=encrypt"
	    " -o smtpd_sasl_auth_enable=yes\n"
	    "pickup    unix  n       -       y       60      1       pickup\n",
	    1, 4);
	mce_uncomment(&m, idx(&m, "submission", "inet", 0));
	check(&m, A, A, 1, 4);
	assert_int_equal(m.svc[idx(&m, "submission", "inet", 1)].nov, 3);
	mc_free(&m);
}

/*
 * A comment inside the entry that reads as another service's header
 * (ispconfig's "#submissions inet ..." between the -o lines) must not
 * end the commented-out entry: it gets a second '#', and uncommenting
 * takes it off again, with the -o lines below it.
 */
static void
comment_out_header_inside_the_entry_round_trip(void **state)
{
	const char	*in =
	    "smtp      inet  n       -       n       -       -       smtpd\n"
	    "submission inet n       -       n       -       -       smtpd\n"
	    "  -o syslog_name=postfix/submission\n"
	    "#submissions inet n     -       n       -       -       smtpd\n"
	    "  -o content_filter=smtp-amavis:[127.0.0.1]:10026\n"
	    "pickup    unix  n       -       y       60      1       pickup\n";
	struct mc_file	 m;

	(void)state;
	t_master(&m, in);
	mce_comment_out(&m, idx(&m, "submission", "inet", 1));
	check(&m, in,
	    "smtp      inet  n       -       n       -       -       smtpd\n"
	    "#submission inet n       -       n       -       -       smtpd\n"
	    "#  -o syslog_name=postfix/submission\n"
	    "##submissions inet n     -       n       -       -       smtpd\n"
	    "#  -o content_filter=smtp-amavis:[127.0.0.1]:10026\n"
	    "pickup    unix  n       -       y       60      1       pickup\n",
	    1, 4);
	/* One commented-out service, with both of its -o lines. */
	assert_int_equal(m.svc[idx(&m, "submission", "inet", 0)].nov, 2);
	mce_uncomment(&m, idx(&m, "submission", "inet", 0));
	check(&m, in, in, 1, 4);
	assert_int_equal(m.svc[idx(&m, "submission", "inet", 1)].nov, 2);
	mc_free(&m);
}

static void
comment_out_keeps_crlf_and_a_missing_final_newline(void **state)
{
	static const char crlf[] =
	    "x unix - - n - - smtp\r\n"
	    "  -o a=1\r\n";
	static const char nonl[] =
	    "y unix - - n - - smtp\n"
	    "x unix - - n - - smtp\n"
	    "  -o a=1";
	struct mc_file	 m;

	t_master(&m, crlf);
	mce_comment_out(&m, 0);
	check(&m, crlf, "#x unix - - n - - smtp\r\n#  -o a=1\r\n", 0, 1);
	assert_int_equal(m.svc[0].enabled, 0);
	assert_string_equal(ovalue(&m, 0, "a"), "1");
	mc_free(&m);

	t_master(&m, nonl);
	mce_comment_out(&m, 1);
	check(&m, nonl,
	    "y unix - - n - - smtp\n"
	    "#x unix - - n - - smtp\n"
	    "#  -o a=1", 1, 2);
	assert_int_equal(m.svc[idx(&m, "x", "unix", 0)].nov, 1);
	mc_free(&m);
}

static char *
strip_hash(const char *text, const size_t *which, size_t n)
{
	struct lines	 l;
	struct buf	 b;
	size_t		 i, k;
	int		 strip;

	split(text, &l);
	buf_init(&b);
	buf_adds(&b, "");
	for (i = 0; i < l.n; i++) {
		for (strip = 0, k = 0; k < n; k++)
			if (which[k] == i)
				strip = 1;
		if (strip) {
			assert_int_equal(l.p[i][0], '#');
			buf_add(&b, l.p[i] + 1, l.len[i] - 1);
		} else
			buf_add(&b, l.p[i], l.len[i]);
	}
	lines_free(&l);
	return buf_take(&b);
}

static void
uncomment_debian_submission_leaves_the_prose_commented(void **state)
{
	static const size_t which[] = {
		18, 19, 20, 21, 22, 23, 28, 29, 30, 31, 32, 33
	};
	struct mc_file	 m;
	char		*path, *text, *want;
	size_t		 i;
	const struct mc_service *s;

	path = t_fixture("master/debian-3.7.cf");
	text = t_read(path, NULL);
	t_master(&m, text);
	mce_uncomment(&m, idx(&m, "submission", "inet", 0));
	want = strip_hash(text, which, sizeof(which) / sizeof(which[0]));
	check(&m, text, want, 18, 33);
	assert_non_null(strstr(want, "\n#     Instead of specifying complex "));
	s = &m.svc[idx(&m, "submission", "inet", 1)];
	assert_int_equal(s->first, 18);
	assert_int_equal(s->last, 33);
	assert_int_equal(s->nov, 11);
	assert_int_equal(s->pos, s->ntok);
	assert_string_equal(mc_find_override(s, "syslog_name")->value,
	    "postfix/submission");
	assert_string_equal(mc_find_override(s,
	    "milter_macro_daemon_name")->value, "ORIGINATING");
	/* the loopback one and the submissions block stay commented */
	assert_int_equal(m.svc[idx(&m, "127.0.0.1:submission", "inet",
	    0)].nov, 0);
	assert_int_equal(m.svc[idx(&m, "submissions", "inet", 0)].nov, 10);
	for (i = 0; i < m.nsvc; i++)
		if (m.svc[i].enabled)
			assert_null(strstr(m.svc[i].logical, "Instead"));
	mc_free(&m);
	free(want);
	free(text);
	free(path);
}

static void
uncomment_postfix_2x_blocks_with_tabs_and_two_options(void **state)
{
	static const size_t sub[] = { 17, 18, 19 };
	static const size_t smtps[] = { 20, 21, 22 };
	struct mc_file	 m;
	char		*path, *text, *want;
	const struct mc_service *s;

	path = t_fixture("master/macosx-2x.cf");
	text = t_read(path, NULL);
	t_master(&m, text);
	mce_uncomment(&m, idx(&m, "submission", "inet", 0));
	want = strip_hash(text, sub, 3);
	check(&m, text, want, 17, 19);
	assert_non_null(strstr(want,
	    "\n\t-o smtpd_etrn_restrictions=reject\n"));
	s = &m.svc[idx(&m, "submission", "inet", 1)];
	assert_int_equal(s->nov, 2);
	free(want);
	mc_free(&m);

	t_master(&m, text);
	mce_uncomment(&m, idx(&m, "smtps", "inet", 0));
	want = strip_hash(text, smtps, 3);
	check(&m, text, want, 20, 22);
	s = &m.svc[idx(&m, "smtps", "inet", 1)];
	assert_int_equal(s->nov, 3);
	assert_string_equal(mc_find_override(s,
	    "smtpd_sasl_auth_enable")->value, "yes");
	free(want);
	mc_free(&m);
	free(text);
	free(path);
}

static void
uncomment_keeps_crlf(void **state)
{
	static const char before[] =
	    "#x unix - - n - - smtp\r\n"
	    "# prose\r\n"
	    "#  -o a=1\r\n"
	    "y unix - - n - - smtp\r\n";
	struct mc_file	 m;

	t_master(&m, before);
	mce_uncomment(&m, idx(&m, "x", "unix", 0));
	check(&m, before,
	    "x unix - - n - - smtp\r\n"
	    "# prose\r\n"
	    "  -o a=1\r\n"
	    "y unix - - n - - smtp\r\n", 0, 2);
	assert_string_equal(ovalue(&m, idx(&m, "x", "unix", 1), "a"), "1");
	mc_free(&m);
}

/*
 * mce_format_header, mce_insert_lines
 */

static void
format_header_uses_postconf_columns(void **state)
{
	static const struct {
		const char	*f[MC_NFIELDS];
		const char	*want;
	} c[] = {
		{ { "smtp", "inet", "n", "-", "y", "-", "-", "smtpd" },
		    "smtp       inet  n       -       y       -       -"
		    "       smtpd" },
		{ { "127.0.0.1:2525", "inet", "n", "-", "n", "-", "-",
		    "smtpd" },
		    "127.0.0.1:2525 inet n    -       n       -       -"
		    "       smtpd" },
		{ { "127.0.0.1:submission", "inet", "n", "-", "y", "-", "-",
		    "smtpd" },
		    "127.0.0.1:submission inet n -    y       -       -"
		    "       smtpd" },
		{ { "x", "unix-dgram", "n", "-", "n", "-", "1", "postlogd" },
		    "x          unix-dgram n  -       n       -       1"
		    "       postlogd" },
		{ { "verylongservicename12345", "unix", "-", "-", "y",
		    "1000?", "100", "trivial-rewrite" },
		    "verylongservicename12345 unix - - y      1000?   100"
		    "     trivial-rewrite" },
	};
	size_t	 i;
	char	*s;

	/* the expected lines are what postconf -M printed for them */
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		s = mce_format_header(c[i].f);
		assert_string_equal(s, c[i].want);
		free(s);
	}
}

static void
insert_lines_after_a_line_and_at_the_top(void **state)
{
	static const char before[] =
	    "smtp inet n - y - - smtpd\n"
	    "pickup unix n - y 60 1 pickup\n";
	char		 t0[] = "submission inet n - y - - smtpd";
	char		 t1[] = "  -o a=1";
	char *const	 two[] = { t0, t1 };
	static const char mid[] =
	    "smtp inet n - y - - smtpd\n"
	    "submission inet n - y - - smtpd\n"
	    "  -o a=1\n"
	    "pickup unix n - y 60 1 pickup\n";
	char		 h0[] = "# top";
	char *const	 top[] = { h0 };
	struct mc_file	 m;

	t_master(&m, before);
	mce_insert_lines(&m, 0, two, 2);
	check(&m, before, mid, 1, 0);
	assert_int_equal(m.nsvc, 3);
	assert_string_equal(ovalue(&m, idx(&m, "submission", "inet", 1), "a"),
	    "1");
	mce_insert_lines(&m, (size_t)-1, top, 1);
	/* every line of mid is still there, below the new one */
	check(&m, mid,
	    "# top\n"
	    "smtp inet n - y - - smtpd\n"
	    "submission inet n - y - - smtpd\n"
	    "  -o a=1\n"
	    "pickup unix n - y 60 1 pickup\n", 0, (size_t)-1);
	mc_free(&m);
}

static void
insert_lines_crlf_and_after_a_last_line_without_eol(void **state)
{
	static const char crlf[] = "a unix - - n - - smtp\r\n";
	static const char nonl[] = "a unix - - n - - smtp";
	char		 o0[] = "b unix - - n - - smtp";
	char *const	 one[] = { o0 };
	struct mc_file	 m;

	t_master(&m, crlf);
	mce_insert_lines(&m, 0, one, 1);
	check(&m, crlf, "a unix - - n - - smtp\r\nb unix - - n - - smtp\r\n",
	    1, 0);
	assert_int_equal(m.nsvc, 2);
	assert_string_equal(m.svc[1].field[MCF_COMMAND], "smtp");
	mc_free(&m);

	t_master(&m, nonl);
	mce_insert_lines(&m, 0, one, 1);
	check(&m, nonl, "a unix - - n - - smtp\nb unix - - n - - smtp\n",
	    0, 0);
	assert_int_equal(m.nsvc, 2);
	assert_string_equal(m.svc[0].field[MCF_COMMAND], "smtp");
	mc_free(&m);
}

static void
insert_lines_into_an_empty_file(void **state)
{
	char		 o0[] = "a unix - - n - - smtp";
	char *const	 one[] = { o0 };
	struct mc_file	 m;
	char		*got;

	t_master(&m, "");
	mce_insert_lines(&m, (size_t)-1, one, 1);
	got = t_serialize(&m.cf);
	assert_string_equal(got, "a unix - - n - - smtp\n");
	free(got);
	mc_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    set_override_replaces_the_value_in_its_own_line),
		cmocka_unit_test(set_override_second_of_two_on_a_line),
		cmocka_unit_test(set_override_that_is_absent_changes_nothing),
		cmocka_unit_test(set_override_glued_to_its_option),
		cmocka_unit_test(set_override_braced_value_with_spaces),
		cmocka_unit_test(set_override_replaces_every_duplicate),
		cmocka_unit_test(set_override_in_option_clusters),
		cmocka_unit_test(set_override_of_a_braced_option_token),
		cmocka_unit_test(
		    set_override_value_on_the_line_after_its_option),
		cmocka_unit_test(set_override_of_a_group_over_two_lines),
		cmocka_unit_test(set_override_keeps_crlf),
		cmocka_unit_test(set_override_on_a_last_line_without_newline),
		cmocka_unit_test(remove_override_takes_a_line_left_empty),
		cmocka_unit_test(remove_override_first_of_two_on_a_line),
		cmocka_unit_test(remove_override_second_of_two_on_a_line),
		cmocka_unit_test(remove_override_on_the_first_line),
		cmocka_unit_test(remove_override_glued_and_clustered),
		cmocka_unit_test(remove_override_braced),
		cmocka_unit_test(remove_override_removes_every_duplicate),
		cmocka_unit_test(
		    remove_override_with_its_value_on_the_next_line),
		cmocka_unit_test(remove_override_keeps_crlf_and_takes_the_line),
		cmocka_unit_test(
		    remove_override_on_a_last_line_without_newline),
		cmocka_unit_test(
		    remove_override_that_is_absent_changes_nothing),
		cmocka_unit_test(
		    add_overrides_go_after_the_last_line_in_its_indent),
		cmocka_unit_test(add_overrides_to_a_service_without_any),
		cmocka_unit_test(
		    add_overrides_copies_a_tab_or_eight_space_indent),
		cmocka_unit_test(
		    add_overrides_ignores_the_indent_of_the_first_line),
		cmocka_unit_test(add_overrides_go_before_positional_arguments),
		cmocka_unit_test(add_overrides_go_before_double_dash),
		cmocka_unit_test(add_overrides_in_a_crlf_file_end_in_crlf),
		cmocka_unit_test(
		    add_overrides_after_a_last_line_without_newline),
		cmocka_unit_test(add_no_overrides_changes_nothing),
		cmocka_unit_test(
		    comment_out_prefixes_each_line_and_keeps_inner_comments),
		cmocka_unit_test(
		    comment_out_then_uncomment_gives_the_file_back),
		cmocka_unit_test(
		    comment_out_keeps_crlf_and_a_missing_final_newline),
		cmocka_unit_test(
		    comment_out_header_inside_the_entry_round_trip),
		cmocka_unit_test(
		    uncomment_debian_submission_leaves_the_prose_commented),
		cmocka_unit_test(
		    uncomment_postfix_2x_blocks_with_tabs_and_two_options),
		cmocka_unit_test(uncomment_keeps_crlf),
		cmocka_unit_test(format_header_uses_postconf_columns),
		cmocka_unit_test(insert_lines_after_a_line_and_at_the_top),
		cmocka_unit_test(
		    insert_lines_crlf_and_after_a_last_line_without_eol),
		cmocka_unit_test(insert_lines_into_an_empty_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
