/*
 * Tests of mastercf.c: the tokenizer (Postfix's mystrtokq and extpar),
 * the eight fields, the daemon options as getopt reads them, services
 * that stand commented out, and inet service names.  What postconf
 * shows for the fixtures was checked with "postconf -c DIR -M" and "-P".
 */

#include <stdlib.h>
#include <string.h>

#include "test.h"

/*
 * Every reallocarray() of the code under test comes here (tests/
 * test_mastercf.wrap): big_reallocs counts those of 64 KiB or more
 * while counting is on.  Growing by one element at a time makes one
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

/* parse - load and parse text; returns what mc_parse returned */
static int
parse(struct mc_file *m, const char *text, struct diag *d)
{
	diag_init(d);
	mc_init(m, "master.cf");
	assert_int_equal(cf_load(&m->cf, text, strlen(text), d), 0);
	return mc_parse(m, d);
}

static void
load_fixture(struct mc_file *m, const char *name, struct diag *d)
{
	char	*path, *text;

	path = t_fixture(name);
	text = t_read(path, NULL);
	assert_int_equal(parse(m, text, d), 0);
	free(text);
	free(path);
}

/* find - the index of service name/type with the given state, or -1 */
static long
find(const struct mc_file *m, const char *name, const char *type,
    int enabled)
{
	size_t	 i;

	for (i = 0; i < m->nsvc; i++)
		if (strcmp(m->svc[i].field[MCF_SERVICE], name) == 0 &&
		    strcmp(m->svc[i].field[MCF_TYPE], type) == 0 &&
		    m->svc[i].enabled == enabled)
			return (long)i;
	return -1;
}

static const struct mc_service *
svc(const struct mc_file *m, const char *name, const char *type,
    int enabled)
{
	long	 i;

	if ((i = find(m, name, type, enabled)) == -1)
		fail_msg("no %s service %s/%s", enabled ? "live" : "disabled",
		    name, type);
	return &m->svc[i];
}

static void
assert_override(const struct mc_service *s, size_t i, const char *name,
    const char *value)
{
	assert_true(i < s->nov);
	assert_string_equal(s->ov[i].name, name);
	assert_string_equal(s->ov[i].value, value);
}

/* has_diag - is there a message of severity sev on line that has text */
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

/*
 * The tokenizer.
 */

static void
tokenize_splits_on_space_tab_cr_and_lf_only(void **state)
{
	static const char s[] = "a b\tc\rd\ne\vf\fg  ";
	struct mc_token	*t;
	size_t		 n;

	assert_int_equal(mc_tokenize(s, sizeof(s) - 1, &t, &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(t[0].text, "a");
	assert_string_equal(t[1].text, "b");
	assert_string_equal(t[2].text, "c");
	assert_string_equal(t[3].text, "d");
	assert_string_equal(t[4].text, "e\vf\fg");
	assert_int_equal(t[4].off, 8);
	assert_int_equal(t[4].len, 5);
	assert_int_equal(t[0].braced, 0);
	mc_tokens_free(t, n);
}

static void
tokenize_of_nothing_gives_no_tokens(void **state)
{
	struct mc_token	*t;
	size_t		 n;

	assert_int_equal(mc_tokenize(" \t\r\n", 4, &t, &n), 0);
	assert_int_equal(n, 0);
	mc_tokens_free(t, n);
	assert_int_equal(mc_tokenize("", 0, &t, &n), 0);
	assert_int_equal(n, 0);
	mc_tokens_free(t, n);
}

static void
tokenize_brace_group_is_one_token_unwrapped_and_trimmed(void **state)
{
	static const char s[] = "x {  a  b\t} y";
	struct mc_token	*t;
	size_t		 n;

	assert_int_equal(mc_tokenize(s, sizeof(s) - 1, &t, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(t[1].text, "a  b");
	assert_int_equal(t[1].braced, 1);
	assert_int_equal(t[1].err, 0);
	assert_int_equal(t[1].off, 2);
	assert_int_equal(t[1].len, 9);
	assert_string_equal(t[2].text, "y");
	mc_tokens_free(t, n);
}

static void
tokenize_brace_inside_a_token_groups_but_is_not_unwrapped(void **state)
{
	static const char s[] = "smtpd_banner={x y} z";
	struct mc_token	*t;
	size_t		 n;

	assert_int_equal(mc_tokenize(s, sizeof(s) - 1, &t, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(t[0].text, "smtpd_banner={x y}");
	assert_int_equal(t[0].braced, 0);
	assert_string_equal(t[1].text, "z");
	mc_tokens_free(t, n);
}

static void
tokenize_keeps_nested_braces(void **state)
{
	static const char s[] =
	    "{ inline:{ 1.2.3.4=OK, {5.6.7.8 = REJECT go away} } }";
	struct mc_token	*t;
	size_t		 n;

	assert_int_equal(mc_tokenize(s, sizeof(s) - 1, &t, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].text,
	    "inline:{ 1.2.3.4=OK, {5.6.7.8 = REJECT go away} }");
	mc_tokens_free(t, n);
}

static void
tokenize_empty_braces_give_an_empty_token(void **state)
{
	static const char s[] = "{} { }";
	struct mc_token	*t;
	size_t		 n;

	assert_int_equal(mc_tokenize(s, sizeof(s) - 1, &t, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(t[0].text, "");
	assert_int_equal(t[0].braced, 1);
	assert_string_equal(t[1].text, "");
	mc_tokens_free(t, n);
}

static void
tokenize_missing_close_brace_is_error_1(void **state)
{
	static const char s[] = "a { b c ";
	struct mc_token	*t;
	size_t		 n;

	assert_int_equal(mc_tokenize(s, sizeof(s) - 1, &t, &n), 1);
	assert_int_equal(n, 2);
	assert_int_equal(t[1].err, 1);
	assert_int_equal(t[1].braced, 1);
	assert_string_equal(t[1].text, "b c");
	mc_tokens_free(t, n);
}

static void
tokenize_text_after_close_brace_is_error_2(void **state)
{
	static const char s[] = "{a=b}junk c {x}}";
	struct mc_token	*t;
	size_t		 n;

	assert_int_equal(mc_tokenize(s, sizeof(s) - 1, &t, &n), 2);
	assert_int_equal(n, 3);
	assert_int_equal(t[0].err, 2);
	assert_string_equal(t[0].text, "a=b");
	assert_int_equal(t[1].err, 0);
	assert_int_equal(t[2].err, 2);
	assert_string_equal(t[2].text, "x");
	mc_tokens_free(t, n);
}

static void
tokenize_close_brace_alone_is_ordinary_text(void **state)
{
	static const char s[] = "} a}";
	struct mc_token	*t;
	size_t		 n;

	assert_int_equal(mc_tokenize(s, sizeof(s) - 1, &t, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(t[0].text, "}");
	assert_string_equal(t[1].text, "a}");
	assert_int_equal(t[1].err, 0);
	mc_tokens_free(t, n);
}

static void
tokenize_unclosed_brace_inside_a_token_is_an_error(void **state)
{
	static const char s[] = "a={b c";
	struct mc_token	*t;
	size_t		 n;

	assert_int_equal(mc_tokenize(s, sizeof(s) - 1, &t, &n), 1);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].text, "a={b c");
	assert_int_not_equal(t[0].err, 0);
	mc_tokens_free(t, n);
}

/*
 * extpar() strips isspace() bytes, VT and FF included, inside an
 * unwrapped group: "pipe {<VT>x<VT>}" is shown by postconf -F as
 * "pipe x" (verified), and the daemon gets "x".
 */
static void
tokenize_unwrap_strips_vt_and_ff_like_extpar(void **state)
{
	static const char s[] = "{\vx\v} {\f y \f}";
	struct mc_token	*t;
	size_t		 n;
	char		 got0[32], got1[32];
	char		*q;

	assert_int_equal(mc_tokenize(s, sizeof(s) - 1, &t, &n), 0);
	assert_int_equal(n, 2);
	/* quoted, so that a failure shows the VT and FF */
	q = vquote(t[0].text, strlen(t[0].text), 0);
	(void)strlcpy(got0, q, sizeof(got0));
	free(q);
	q = vquote(t[1].text, strlen(t[1].text), 0);
	(void)strlcpy(got1, q, sizeof(got1));
	free(q);
	mc_tokens_free(t, n);
	assert_string_equal(got0, "x");
	assert_string_equal(got1, "y");
}

static void
split_nameval_follows_postfix(void **state)
{
	static const struct {
		const char	*in;
		const char	*name;	/* NULL: refused */
		const char	*value;
	} c[] = {
		{ "a=b", "a", "b" },
		{ " name = value ", "name", "value" },
		{ "a=b=c", "a", "b=c" },
		{ "smtpd_recipient_restrictions=a=b=c",
		    "smtpd_recipient_restrictions", "a=b=c" },
		{ "a=", "a", "" },
		{ "a =  b  c \t", "a", "b  c" },
		{ "a\v=\vb", "a", "b" },
		{ "=x", NULL, NULL },
		{ "", NULL, NULL },
		{ "name", NULL, NULL },
		{ "name value", NULL, NULL },
		{ "name value=x", NULL, NULL },
	};
	char	*name, *value;
	size_t	 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (c[i].name == NULL) {
			assert_true(cf_split_nameval(c[i].in,
			    strlen(c[i].in), &name, &value) < 0);
			continue;
		}
		assert_int_equal(cf_split_nameval(c[i].in, strlen(c[i].in),
		    &name, &value), 0);
		assert_string_equal(name, c[i].name);
		assert_string_equal(value, c[i].value);
		free(name);
		free(value);
	}
}

/*
 * Fields.
 */

static void
eight_fields_are_read(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "smtp      inet  n       -       y       -       -"
	    "       smtpd\n");
	assert_int_equal(m.nsvc, 1);
	s = &m.svc[0];
	assert_int_equal(s->enabled, 1);
	assert_string_equal(s->field[MCF_SERVICE], "smtp");
	assert_string_equal(s->field[MCF_TYPE], "inet");
	assert_string_equal(s->field[MCF_PRIVATE], "n");
	assert_string_equal(s->field[MCF_UNPRIV], "-");
	assert_string_equal(s->field[MCF_CHROOT], "y");
	assert_string_equal(s->field[MCF_WAKEUP], "-");
	assert_string_equal(s->field[MCF_MAXPROC], "-");
	assert_string_equal(s->field[MCF_COMMAND], "smtpd");
	assert_int_equal(s->nfields, 8);
	assert_int_equal(s->ntok, 8);
	assert_int_equal(s->pos, 8);
	assert_int_equal(s->optend, 8);
	assert_int_equal(s->nov, 0);
	assert_int_equal(s->first, 0);
	assert_int_equal(s->last, 0);
	assert_null(s->opterr);
	mc_free(&m);
}

static void
field_names_are_postconf_names(void **state)
{
	static const char *const want[MC_NFIELDS] = {
		"service", "type", "private", "unprivileged", "chroot",
		"wakeup", "process_limit", "command"
	};
	size_t	 i;

	for (i = 0; i < MC_NFIELDS; i++)
		assert_string_equal(mc_field_names[i], want[i]);
}

static void
fields_may_be_spread_over_lines(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "spread\n  unix - - n - - smtp -o smtp_helo_timeout=5\n");
	assert_int_equal(m.nsvc, 1);
	s = &m.svc[0];
	assert_string_equal(s->field[MCF_SERVICE], "spread");
	assert_string_equal(s->field[MCF_TYPE], "unix");
	assert_string_equal(s->field[MCF_COMMAND], "smtp");
	assert_int_equal(s->first, 0);
	assert_int_equal(s->last, 1);
	assert_int_equal(s->nov, 1);
	assert_override(s, 0, "smtp_helo_timeout", "5");
	assert_int_equal(s->ov[0].line, 1);
	mc_free(&m);
}

static void
crlf_line_endings_are_field_separators(void **state)
{
	struct mc_file	 m;
	struct diag	 d;
	const struct mc_service *s;

	load_fixture(&m, "master/crlf.cf", &d);
	assert_int_equal(d.n, 0);
	assert_int_equal(m.nsvc, 3);
	s = svc(&m, "smtp", "inet", 1);
	assert_string_equal(s->field[MCF_COMMAND], "smtpd");
	assert_override(s, 0, "smtpd_tls_security_level", "may");
	s = svc(&m, "submission", "inet", 1);
	assert_int_equal(s->nov, 2);
	assert_override(s, 0, "syslog_name", "postfix/submission");
	assert_override(s, 1, "smtpd_sasl_auth_enable", "yes");
	s = svc(&m, "pickup", "unix", 1);
	assert_string_equal(s->field[MCF_COMMAND], "pickup");
	mc_free(&m);
	diag_free(&d);
}

static void
fewer_than_eight_fields_is_a_bad_field_count(void **state)
{
	struct mc_file	 m;
	struct diag	 d;

	assert_int_equal(parse(&m, "# c\nsmtp inet n - y - -\n"
	    "pickup unix n - y 60 1 pickup\n", &d), -1);
	assert_int_equal(d.nerr, 1);
	assert_true(has_diag(&d, DIAG_ERR, 2, "bad field count: 7 fields"));
	assert_int_equal(m.nsvc, 2);
	assert_int_equal(m.svc[0].nfields, 7);
	assert_string_equal(m.svc[0].field[MCF_COMMAND], "");
	assert_int_equal(m.svc[1].nfields, 8);
	mc_free(&m);
	diag_free(&d);
}

static void
invalid_field_values_are_errors(void **state)
{
	static const struct {
		const char	*entry;
		const char	*msg;
	} bad[] = {
		{ "x tcp n - y - - smtpd", "invalid type field \"tcp\"" },
		{ "x inet yes - y - - smtpd", "invalid private field" },
		{ "x inet n x y - - smtpd", "invalid unprivileged field" },
		{ "x inet n - Y - - smtpd", "invalid chroot field" },
		{ "x inet n - y 10x - smtpd", "invalid wakeup field \"10x\"" },
		/* "?" and "-?" pass postconf; check's master-refuses. */
		{ "x inet n - y 1?? - smtpd", "invalid wakeup field" },
		{ "x inet n - y - -1 smtpd", "invalid process_limit field" },
		{ "x inet n - y - 1x smtpd", "invalid process_limit field" },
	};
	struct mc_file	 m;
	struct diag	 d;
	char		*text;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		text = xprintf("%s\n", bad[i].entry);
		assert_int_equal(parse(&m, text, &d), -1);
		assert_int_equal(d.nerr, 1);
		if (!has_diag(&d, DIAG_ERR, 1, bad[i].msg))
			fail_msg("\"%s\": got \"%s\"", bad[i].entry,
			    d.m[0].text);
		assert_non_null(strstr(d.m[0].text, "of service x"));
		mc_free(&m);
		diag_free(&d);
		free(text);
	}
}

static void
valid_field_values_are_accepted(void **state)
{
	static const char *const good[] = {
		"a inet n - y - - smtpd",
		"a unix y y n 0 0 smtpd",
		"a unix-dgram - n - 60 100 postlogd",
		"a fifo n - n 60 1 pickup",
		"a pass - - y 1000? 1 smtpd",
	};
	struct mc_file	 m;
	size_t		 i;
	char		*text;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		text = xprintf("%s\n", good[i]);
		t_master(&m, text);
		assert_int_equal(m.nsvc, 1);
		mc_free(&m);
		free(text);
	}
	assert_int_equal(mc_valid_type("inet"), 1);
	assert_int_equal(mc_valid_type("unix"), 1);
	assert_int_equal(mc_valid_type("unix-dgram"), 1);
	assert_int_equal(mc_valid_type("fifo"), 1);
	assert_int_equal(mc_valid_type("pass"), 1);
	assert_int_equal(mc_valid_type("tcp"), 0);
	assert_int_equal(mc_valid_type("Inet"), 0);
	assert_int_equal(mc_valid_type(""), 0);
}

/*
 * postconf splits the line with argv_splitq() but unwraps only the
 * daemon arguments: "postconf -F" (verified) shows the service
 * "{baz}" and the command "{smtpd}" with their braces.
 */
static void
braces_in_the_eight_fields_are_kept_like_postconf(void **state)
{
	struct mc_file	 m;
	struct diag	 d;

	char		 svcname[16], command[16];
	int		 r;

	r = parse(&m, "{baz} unix - - n - - pipe\n"
	    "smtp inet n - y - - {smtpd}\n", &d);
	assert_int_equal(m.nsvc, 2);
	(void)strlcpy(svcname, m.svc[0].field[MCF_SERVICE], sizeof(svcname));
	(void)strlcpy(command, m.svc[1].field[MCF_COMMAND], sizeof(command));
	mc_free(&m);
	diag_free(&d);
	assert_int_equal(r, 0);
	assert_string_equal(svcname, "{baz}");
	assert_string_equal(command, "{smtpd}");
}

/*
 * For the same reason postconf refuses a braced type, flag or number:
 * "fatal: invalid type field "{unix}"", "invalid private field "{n}"",
 * "invalid process_limit field "{ 1 }"" (verified); every postconf
 * and postfix command then fails.
 */
static void
braced_field_values_are_invalid_like_postconf(void **state)
{
	static const char *const bad[] = {
		"x {unix} - - n - - pipe\n",
		"x unix {n} - n - - pipe\n",
		"x unix - - n {-} - pipe\n",
		"x unix - - n - { 1 } pipe\n",
	};
	struct mc_file	 m;
	struct diag	 d;
	size_t		 i;
	int		 r;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = parse(&m, bad[i], &d);
		mc_free(&m);
		diag_free(&d);
		if (r != -1)
			fail_msg("accepted: %s", bad[i]);
	}
}

static void
header_fields_check_a_candidate_first_line(void **state)
{
	static const struct {
		const char	*s;
		int		 ok;
	} c[] = {
		{ "submission inet n - y - - smtpd", 1 },
		{ "127.0.0.1:submission inet n -   y       -       -   smtpd",
		    1 },
		{ "cyrus unix - n n - - pipe flags=R", 1 },
		{ "smtp inet n - y - -", 0 },
		{ "smtp tcp n - y - - smtpd", 0 },
		{ "qmgr unix n - n 300x 1 qmgr", 0 },
		{ "{smtp} inet n - y - - smtpd", 0 },
		{ "Instead of specifying complex smtpd_<xxx>_restrictions "
		    "here,", 0 },
		{ "", 0 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		assert_int_equal(mc_header_fields(c[i].s, strlen(c[i].s)),
		    c[i].ok);
}

/*
 * Daemon options.
 */

static void
override_as_two_tokens(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "relay unix - - y - - smtp -o syslog_name=postfix/x\n");
	s = &m.svc[0];
	assert_int_equal(s->nov, 1);
	assert_override(s, 0, "syslog_name", "postfix/x");
	assert_int_equal(s->ov[0].opt, 8);
	assert_int_equal(s->ov[0].val, 9);
	assert_int_equal(s->ov[0].line, 0);
	assert_int_equal(s->ntok, 10);
	assert_int_equal(s->pos, 10);
	assert_int_equal(s->optend, 10);
	mc_free(&m);
}

static void
override_glued_to_the_option(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	/* postconf would split at the 'o' in "syslog"; the daemon does not */
	t_master(&m, "relay unix - - y - - smtp -osyslog_name=postfix/a\n");
	s = &m.svc[0];
	assert_int_equal(s->nov, 1);
	assert_override(s, 0, "syslog_name", "postfix/a");
	assert_int_equal(s->ov[0].opt, 8);
	assert_int_equal(s->ov[0].val, 8);
	assert_int_equal(s->pos, 9);
	mc_free(&m);
}

static void
several_overrides_on_one_line(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "x inet n - n - - smtpd -o syslog_name=postfix/loop "
	    "-o smtpd_client_restrictions=permit_mynetworks,reject "
	    "-oa=1\n");
	s = &m.svc[0];
	assert_int_equal(s->nov, 3);
	assert_override(s, 0, "syslog_name", "postfix/loop");
	assert_override(s, 1, "smtpd_client_restrictions",
	    "permit_mynetworks,reject");
	assert_override(s, 2, "a", "1");
	assert_int_equal(s->ov[2].opt, 12);
	assert_int_equal(s->ov[2].val, 12);
	mc_free(&m);
}

static void
braced_override_keeps_inner_white_space(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "x inet n - n - - smtpd\n"
	    "  -o { smtpd_banner = $myhostname  ESMTP tricky }\n"
	    "  -o {smtpd_helo_restrictions=permit_mynetworks, reject}\n");
	s = &m.svc[0];
	assert_int_equal(s->nov, 2);
	assert_override(s, 0, "smtpd_banner", "$myhostname  ESMTP tricky");
	assert_int_equal(s->tok[s->ov[0].val].braced, 1);
	assert_int_equal(s->ov[0].line, 1);
	assert_override(s, 1, "smtpd_helo_restrictions",
	    "permit_mynetworks, reject");
	assert_int_equal(s->ov[1].line, 2);
	mc_free(&m);
}

static void
override_value_may_hold_equals_braces_or_nothing(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "x inet n - n - - smtpd -o smtpd_recipient_restrictions"
	    "=a=b=c -o smtpd_data_restrictions= -o smtpd_banner={x y}\n");
	s = &m.svc[0];
	assert_int_equal(s->nov, 3);
	assert_override(s, 0, "smtpd_recipient_restrictions", "a=b=c");
	assert_override(s, 1, "smtpd_data_restrictions", "");
	assert_override(s, 2, "smtpd_banner", "{x y}");
	mc_free(&m);
}

static void
option_cluster_ending_in_o(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "x unix - - n - - smtp -vo x=y -vox=z\n");
	s = &m.svc[0];
	assert_int_equal(s->nov, 2);
	assert_override(s, 0, "x", "y");
	assert_int_equal(s->ov[0].opt, 8);
	assert_int_equal(s->ov[0].val, 9);
	assert_override(s, 1, "x", "z");
	assert_int_equal(s->ov[1].opt, 10);
	assert_int_equal(s->ov[1].val, 10);
	assert_string_equal(mc_find_override(s, "x")->value, "z");
	mc_free(&m);
}

static void
options_taking_a_value_consume_the_next_token(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	/* -n, -t, -s, -i, -m take a value too; -v, -D do not */
	t_master(&m, "x unix - - n - - smtp -v -n name -t unix -D "
	    "-o a=b -s2 -o c=d\n");
	s = &m.svc[0];
	assert_int_equal(s->nov, 2);
	assert_override(s, 0, "a", "b");
	assert_override(s, 1, "c", "d");
	assert_int_equal(s->pos, s->ntok);
	mc_free(&m);
}

static void
braced_option_letter_is_an_option(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "x unix - - n - - smtp {-o} foo=bar\n");
	s = &m.svc[0];
	assert_int_equal(s->nov, 1);
	assert_override(s, 0, "foo", "bar");
	mc_free(&m);
}

static void
options_stop_at_the_first_positional_argument(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "maildrop unix - n n - - pipe -o a=b\n"
	    "  flags=DRXhu user=vmail -o c=d argv=/usr/bin/maildrop\n");
	s = &m.svc[0];
	assert_int_equal(s->nov, 1);
	assert_override(s, 0, "a", "b");
	assert_int_equal(s->pos, 10);
	assert_int_equal(s->optend, 10);
	assert_string_equal(s->tok[s->pos].text, "flags=DRXhu");
	assert_null(mc_find_override(s, "c"));
	mc_free(&m);
}

static void
options_stop_at_double_dash(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "x unix - - n - - smtp -o a=b -- -o c=d\n");
	s = &m.svc[0];
	assert_int_equal(s->nov, 1);
	assert_int_equal(s->optend, 10);
	assert_string_equal(s->tok[s->optend].text, "--");
	assert_int_equal(s->pos, 11);
	assert_null(mc_find_override(s, "c"));
	mc_free(&m);
}

static void
hash_after_the_fields_is_a_positional_argument(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "smtp inet n - y - - smtpd # trailing -o a=b\n");
	s = &m.svc[0];
	assert_int_equal(s->nov, 0);
	assert_int_equal(s->pos, 8);
	assert_string_equal(s->tok[8].text, "#");
	mc_free(&m);
}

static void
last_override_of_a_name_wins(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "x unix - - n - - smtp -o a=1 -o b=2 -o a=3\n");
	s = &m.svc[0];
	assert_int_equal(s->nov, 3);
	assert_string_equal(mc_find_override(s, "a")->value, "3");
	assert_ptr_equal(mc_find_override(s, "a"), &s->ov[2]);
	assert_string_equal(mc_find_override(s, "b")->value, "2");
	assert_null(mc_find_override(s, "c"));
	mc_free(&m);
}

static void
override_value_on_the_next_line_has_that_line(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "x unix - - n - - smtp -o\n# c\n  a=b\n");
	s = &m.svc[0];
	assert_int_equal(s->nov, 1);
	assert_override(s, 0, "a", "b");
	assert_int_equal(s->ov[0].line, 2);
	mc_free(&m);
}

static void
override_without_equals_is_an_error(void **state)
{
	struct mc_file	 m;
	struct diag	 d;
	const struct mc_service *s;

	/* the daemon dies: invalid "-o syslog_name" option value */
	assert_int_equal(parse(&m, "x unix - - n - - smtp\n"
	    "  -o syslog_name = foo\n", &d), -1);
	assert_true(has_diag(&d, DIAG_ERR, 1, "-o option value has no '='"));
	s = &m.svc[0];
	assert_non_null(s->opterr);
	assert_int_equal(s->nov, 0);
	assert_string_equal(s->tok[s->pos].text, "=");
	mc_free(&m);
	diag_free(&d);
}

static void
option_without_its_value_is_an_error(void **state)
{
	struct mc_file	 m;
	struct diag	 d;

	assert_int_equal(parse(&m, "x unix - - n - - smtp -o\n", &d), -1);
	assert_true(has_diag(&d, DIAG_ERR, 1, "option without its value"));
	mc_free(&m);
	diag_free(&d);
}

static void
brace_errors_in_a_live_service_are_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*msg;
	} c[] = {
		{ "x unix - - n - - smtp -o {a=b\n", "missing '}'" },
		{ "x unix - - n - - smtp -o {a=b}junk\n", "text after '}'" },
		{ "x unix - - n - - smtp -o a={b c\n", "never closes" },
	};
	struct mc_file	 m;
	struct diag	 d;
	size_t		 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_int_equal(parse(&m, c[i].text, &d), -1);
		if (!has_diag(&d, DIAG_ERR, 1, c[i].msg))
			fail_msg("\"%s\": no \"%s\"", c[i].text, c[i].msg);
		mc_free(&m);
		diag_free(&d);
	}
}

static void
orphan_continuation_is_a_warning(void **state)
{
	struct mc_file	 m;
	struct diag	 d;

	load_fixture(&m, "master/orphan.cf", &d);
	assert_int_equal(d.nerr, 0);
	assert_int_equal(d.nwarn, 1);
	assert_true(has_diag(&d, DIAG_WARN, 1, "continuation line"));
	assert_int_equal(m.nsvc, 1);
	assert_string_equal(m.svc[0].field[MCF_SERVICE], "smtp");
	assert_int_equal(m.svc[0].first, 2);
	mc_free(&m);
	diag_free(&d);
}

static void
tricky_fixture_reads_as_postconf_shows(void **state)
{
	struct mc_file	 m;
	struct diag	 d;
	const struct mc_service *s;
	size_t		 i, n = 0;

	load_fixture(&m, "master/tricky.cf", &d);
	assert_int_equal(d.n, 0);
	for (i = 0; i < m.nsvc; i++)
		n += m.svc[i].enabled;
	assert_int_equal(n, 14);	/* postconf -M | wc -l */

	s = svc(&m, "smtp", "inet", 1);
	assert_int_equal(s->first, 1);
	assert_int_equal(s->last, 5);
	assert_int_equal(s->nov, 2);
	assert_override(s, 0, "smtpd_tls_security_level", "may");
	assert_int_equal(s->ov[0].line, 2);
	assert_override(s, 1, "smtpd_sasl_auth_enable", "no");
	assert_int_equal(s->ov[1].line, 5);

	s = svc(&m, "127.0.0.1:2525", "inet", 1);
	assert_int_equal(s->nov, 2);
	assert_override(s, 0, "syslog_name", "postfix/loop");
	assert_override(s, 1, "smtpd_client_restrictions",
	    "permit_mynetworks,reject");

	s = svc(&m, "[::1]:2526", "inet", 1);
	assert_int_equal(s->nov, 4);
	assert_override(s, 0, "smtpd_banner", "$myhostname ESMTP tricky");
	assert_int_equal(s->ov[0].line, 8);
	assert_override(s, 1, "smtpd_recipient_restrictions", "a=b=c");
	assert_int_equal(s->ov[1].line, 8);
	assert_override(s, 2, "smtpd_helo_restrictions",
	    "permit_mynetworks, reject");
	assert_int_equal(s->ov[2].line, 9);
	assert_override(s, 3, "smtpd_data_restrictions", "");
	assert_int_equal(s->ov[3].line, 10);

	s = svc(&m, "submission", "inet", 1);
	assert_int_equal(s->nov, 6);
	assert_null(mc_find_override(s, "smtpd_helo_restrictions"));
	assert_string_equal(mc_find_override(s,
	    "smtpd_relay_restrictions")->value,
	    "permit_sasl_authenticated,reject");
	assert_int_equal(mc_find_override(s,
	    "smtpd_relay_restrictions")->line, 18);

	s = svc(&m, "spread", "unix", 1);
	assert_override(s, 0, "smtp_helo_timeout", "5");
	s = svc(&m, "uucp", "unix", 1);
	assert_int_equal(s->nov, 0);
	assert_string_equal(s->tok[s->pos].text, "flags=Fqhu");
	s = svc(&m, "tlsmgr", "unix", 1);
	assert_string_equal(s->field[MCF_WAKEUP], "1000?");
	mc_free(&m);
	diag_free(&d);
}

/*
 * Services that stand commented out.
 */

static void
debian_template_has_its_disabled_services(void **state)
{
	static const char *const want[] = {
		"smtp", "smtpd", "dnsblog", "tlsproxy",
		"127.0.0.1:submission", "submission",
		"127.0.0.1:submissions", "submissions", "628", "qmgr",
		"cyrus", "old-cyrus",
	};
	struct mc_file	 m;
	struct diag	 d;
	size_t		 i, k = 0, live = 0;

	load_fixture(&m, "master/debian-3.7.cf", &d);
	assert_int_equal(d.n, 0);
	for (i = 0; i < m.nsvc; i++) {
		if (m.svc[i].enabled) {
			live++;
			continue;
		}
		assert_true(k < sizeof(want) / sizeof(want[0]));
		assert_string_equal(m.svc[i].field[MCF_SERVICE], want[k]);
		k++;
	}
	assert_int_equal(k, sizeof(want) / sizeof(want[0]));
	assert_int_equal(live, 31);		/* postconf -M | wc -l */
	mc_free(&m);
	diag_free(&d);
}

static void
debian_submission_takes_its_options_but_not_the_prose(void **state)
{
	static const char *const names[] = {
		"syslog_name", "smtpd_tls_security_level",
		"smtpd_sasl_auth_enable", "smtpd_tls_auth_only",
		"smtpd_reject_unlisted_recipient", "smtpd_client_restrictions",
		"smtpd_helo_restrictions", "smtpd_sender_restrictions",
		"smtpd_relay_restrictions", "smtpd_recipient_restrictions",
		"milter_macro_daemon_name",
	};
	struct mc_file	 m;
	struct diag	 d;
	const struct mc_service *s;
	size_t		 i;

	load_fixture(&m, "master/debian-3.7.cf", &d);
	s = svc(&m, "submission", "inet", 0);
	assert_int_equal(s->first, 18);
	assert_int_equal(s->last, 33);
	assert_int_equal(s->nov, 11);
	for (i = 0; i < s->nov; i++)
		assert_string_equal(s->ov[i].name, names[i]);
	assert_string_equal(s->ov[0].value, "postfix/submission");
	assert_string_equal(s->ov[5].value, "");
	assert_string_equal(s->ov[9].value,
	    "permit_sasl_authenticated,reject");
	assert_int_equal(s->ov[4].line, 23);
	assert_int_equal(s->ov[5].line, 28);
	/* the header and the eleven option lines, not lines 24-27 */
	assert_int_equal(s->npc, 12);
	for (i = 0; i < s->npc; i++) {
		assert_int_equal(s->pc[i].off, 1);
		assert_true(s->pc[i].line < 24 || s->pc[i].line > 27);
	}
	assert_null(strstr(s->logical, "Instead"));
	assert_int_equal(s->pos, s->ntok);
	assert_int_equal(mc_is_submission(s), 587);

	s = svc(&m, "submissions", "inet", 0);
	assert_int_equal(s->nov, 10);
	assert_string_equal(mc_find_override(s, "smtpd_tls_wrappermode")->value,
	    "yes");
	mc_free(&m);
	diag_free(&d);
}

static void
debian_loopback_submission_has_no_options(void **state)
{
	struct mc_file	 m;
	struct diag	 d;
	const struct mc_service *s;

	load_fixture(&m, "master/debian-3.7.cf", &d);
	s = svc(&m, "127.0.0.1:submission", "inet", 0);
	assert_int_equal(s->first, 17);
	assert_int_equal(s->last, 17);
	assert_int_equal(s->nov, 0);
	assert_int_equal(s->npc, 1);
	assert_string_equal(s->field[MCF_COMMAND], "smtpd");
	assert_int_equal(mc_is_submission(s), 587);
	s = svc(&m, "cyrus", "unix", 0);
	assert_int_equal(s->first, s->last);	/* "#  flags=" is prose */
	mc_free(&m);
	diag_free(&d);
}

static void
debian_live_relay_ignores_its_commented_option_line(void **state)
{
	struct mc_file	 m;
	struct diag	 d;
	const struct mc_service *s;

	load_fixture(&m, "master/debian-3.7.cf", &d);
	s = svc(&m, "relay", "unix", 1);
	assert_int_equal(s->nov, 1);
	assert_override(s, 0, "syslog_name", "postfix/$service_name");
	assert_int_equal(s->first, s->last - 1);
	assert_int_equal(find(&m, "relay", "unix", 0), -1);
	mc_free(&m);
	diag_free(&d);
}

static void
postfix_2x_disabled_services_with_tab_and_two_options(void **state)
{
	struct mc_file	 m;
	struct diag	 d;
	const struct mc_service *s;
	size_t		 i, ndis = 0;

	load_fixture(&m, "master/macosx-2x.cf", &d);
	assert_int_equal(d.n, 0);
	for (i = 0; i < m.nsvc; i++)
		ndis += !m.svc[i].enabled;
	assert_int_equal(ndis, 5);	/* submission smtps 628 qmgr maildrop */

	s = svc(&m, "submission", "inet", 0);
	assert_int_equal(s->first, 17);
	assert_int_equal(s->last, 19);
	assert_int_equal(s->nov, 2);
	assert_override(s, 0, "smtpd_etrn_restrictions", "reject");
	assert_override(s, 1, "smtpd_client_restrictions",
	    "permit_sasl_authenticated,reject");
	assert_string_equal(s->field[MCF_CHROOT], "n");

	s = svc(&m, "smtps", "inet", 0);
	assert_int_equal(s->first, 20);
	assert_int_equal(s->last, 22);
	assert_int_equal(s->nov, 3);
	assert_override(s, 0, "smtpd_tls_wrappermode", "yes");
	assert_override(s, 1, "smtpd_sasl_auth_enable", "yes");
	assert_int_equal(s->ov[0].line, 21);
	assert_int_equal(s->ov[1].line, 21);
	assert_int_equal(s->ov[2].line, 22);
	assert_int_equal(mc_is_submission(s), 465);

	s = svc(&m, "relay", "unix", 1);
	assert_override(s, 0, "fallback_relay", "");
	s = svc(&m, "pickup", "fifo", 1);
	assert_string_equal(s->field[MCF_WAKEUP], "60");
	mc_free(&m);
	diag_free(&d);
}

static void
comment_block_inside_live_entry_is_not_a_service(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "smtp inet n - y - - smtpd\n"
	    "#submission inet n - y - - smtpd\n"
	    "#  -o a=b\n"
	    "  -o c=d\n");
	assert_int_equal(m.nsvc, 1);
	s = &m.svc[0];
	assert_int_equal(s->enabled, 1);
	assert_int_equal(s->last, 3);
	assert_int_equal(s->nov, 1);
	assert_override(s, 0, "c", "d");
	mc_free(&m);
}

static void
block_ends_where_uncommenting_would_start_a_new_line(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "#a unix - - n - - smtp\n"
	    "#  -o x=1\n"
	    "\n"
	    "# prose in between\n"
	    "#\t-o y=2\n"
	    "#-o z=3\n"
	    "#  -o w=4\n"
	    "pickup unix n - y 60 1 pickup\n");
	assert_int_equal(m.nsvc, 2);
	s = svc(&m, "a", "unix", 0);
	assert_int_equal(s->first, 0);
	assert_int_equal(s->last, 4);
	assert_int_equal(s->nov, 2);
	assert_override(s, 0, "x", "1");
	assert_override(s, 1, "y", "2");
	assert_null(mc_find_override(s, "w"));
	mc_free(&m);
}

static void
double_hash_and_hash_space_are_not_headers(void **state)
{
	struct mc_file	 m;

	t_master(&m, "##a unix - - n - - smtp\n"
	    "# b unix - - n - - smtp\n"
	    "#\tc unix - - n - - smtp\n"
	    "smtp inet n - y - - smtpd\n");
	assert_int_equal(m.nsvc, 1);
	assert_int_equal(m.svc[0].enabled, 1);
	mc_free(&m);
}

static void
block_before_an_orphan_is_not_a_disabled_service(void **state)
{
	struct mc_file	 m;
	struct diag	 d;

	/* uncommented, "#foo" would take the orphan line in */
	assert_int_equal(parse(&m, "#foo unix - n n - - pipe\n"
	    "  flags=R user=x argv=/bin/x\n"
	    "smtp inet n - y - - smtpd\n", &d), 0);
	assert_int_equal(d.nwarn, 1);
	assert_int_equal(find(&m, "foo", "unix", 0), -1);
	assert_int_equal(m.nsvc, 1);
	mc_free(&m);
	diag_free(&d);
}

static void
block_with_malformed_options_is_not_a_disabled_service(void **state)
{
	struct mc_file	 m;

	t_master(&m, "#a unix - - n - - smtp -o\n"
	    "#b unix - - n - - smtp -o {x=y\n"
	    "#c unix - - n - - smtp -o name\n"
	    "#d unix - - n - - smtp -o x=y\n");
	assert_int_equal(m.nsvc, 1);
	assert_string_equal(m.svc[0].field[MCF_SERVICE], "d");
	assert_int_equal(m.svc[0].enabled, 0);
	mc_free(&m);
}

static void
disabled_service_at_end_without_newline(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;

	t_master(&m, "smtp inet n - y - - smtpd\n"
	    "#submission inet n - y - - smtpd\n"
	    "#  -o syslog_name=postfix/submission");
	s = svc(&m, "submission", "inet", 0);
	assert_int_equal(s->last, 2);
	assert_override(s, 0, "syslog_name", "postfix/submission");
	mc_free(&m);
}

static void
no_final_newline_fixture_reads_its_last_line(void **state)
{
	struct mc_file	 m;
	struct diag	 d;
	const struct mc_service *s;

	load_fixture(&m, "master/no-final-newline.cf", &d);
	s = svc(&m, "pickup", "unix", 1);
	assert_override(s, 0, "syslog_name", "postfix/pickup");
	s = svc(&m, "submission", "inet", 0);
	assert_override(s, 0, "syslog_name", "postfix/submission");
	mc_free(&m);
	diag_free(&d);
}

static void
parse_again_gives_the_same_services(void **state)
{
	struct mc_file	 m;
	struct diag	 d;
	size_t		 n;

	load_fixture(&m, "master/debian-3.7.cf", &d);
	n = m.nsvc;
	assert_int_equal(mc_parse(&m, &d), 0);
	assert_int_equal(m.nsvc, n);
	assert_int_equal(svc(&m, "submission", "inet", 0)->nov, 11);
	mc_free(&m);
	diag_free(&d);
	mc_free(NULL);
}

/*
 * Service names.
 */

static void
port_of_inet_names(void **state)
{
	static const struct {
		const char	*name;
		const char	*host;
		const char	*port;
		int		 n;
	} c[] = {
		{ "submission", "", "submission", 587 },
		{ "587", "", "587", 587 },
		{ "smtps", "", "smtps", 465 },
		{ "submissions", "", "submissions", 465 },
		{ "465", "", "465", 465 },
		{ "smtp", "", "smtp", 25 },
		{ "lmtp", "", "lmtp", 24 },
		{ "628", "", "628", 628 },
		{ "[::1]:2526", "::1", "2526", 2526 },
		{ "127.0.0.1:submission", "127.0.0.1", "submission", 587 },
		{ "127.0.0.1:2525", "127.0.0.1", "2525", 2525 },
		{ "::1:2525", "::1", "2525", 2525 },
		{ "[ipv6:::1]:587", "ipv6:::1", "587", 587 },
		{ "mail.example.org:smtps", "mail.example.org", "smtps", 465 },
		{ "host:", "host", "", -1 },
		{ "0", "", "0", -1 },
		{ "65536", "", "65536", -1 },
		{ "no-such-service-xyz", "", "no-such-service-xyz", -1 },
	};
	char	*host, *port;
	size_t	 i;
	int	 n;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		n = mc_port_of(c[i].name, &host, &port);
		if (n != c[i].n)
			fail_msg("%s: port %d, want %d", c[i].name, n, c[i].n);
		assert_string_equal(host, c[i].host);
		assert_string_equal(port, c[i].port);
		free(host);
		free(port);
	}
	/* a second look gives the same answer */
	n = mc_port_of("no-such-service-xyz", &host, &port);
	assert_int_equal(n, -1);
	free(host);
	free(port);
}

static void
submission_services_are_inet_on_587_or_465(void **state)
{
	static const struct {
		const char	*entry;
		int		 port;
	} c[] = {
		{ "submission inet n - y - - smtpd", 587 },
		{ "587 inet n - y - - smtpd", 587 },
		{ "127.0.0.1:submission inet n - y - - smtpd", 587 },
		{ "[::1]:587 inet n - y - - smtpd", 587 },
		{ "smtps inet n - y - - smtpd", 465 },
		{ "submissions inet n - y - - smtpd", 465 },
		{ "smtp inet n - y - - smtpd", 0 },
		{ "2525 inet n - y - - smtpd", 0 },
		{ "submission unix - - y - - smtpd", 0 },
		{ "submission pass - - y - - smtpd", 0 },
	};
	struct mc_file	 m;
	char		*text;
	size_t		 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		text = xprintf("%s\n", c[i].entry);
		t_master(&m, text);
		assert_int_equal(mc_is_submission(&m.svc[0]), c[i].port);
		mc_free(&m);
		free(text);
	}
}

/* Past a few overrides the lookup goes through an index: same answers. */
static void
last_override_of_a_name_wins_among_many(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	buf_adds(&b, "x unix - - n - - smtp");
	for (i = 0; i < 40; i++)
		buf_printf(&b, "\n  -o p%zu=%zu", i % 13, i);
	buf_adds(&b, "\n");
	t_master(&m, b.p);
	s = &m.svc[0];
	assert_int_equal(s->nov, 40);
	for (i = 0; i < 13; i++) {
		/* the last i + 13k below 40 */
		size_t	 last = i + 13 * ((39 - i) / 13);

		assert_ptr_equal(mc_find_override(s, s->ov[i].name),
		    &s->ov[last]);
	}
	assert_string_equal(mc_find_override(s, "p0")->value, "39");
	assert_null(mc_find_override(s, "p13"));
	assert_int_equal(s->ov[39].line, 40);
	mc_free(&m);
	buf_free(&b);
}

/*
 * 70,000 overrides in one entry (under 1 MiB) and 50,000 services: the
 * arrays double (a few large reallocations, not one per element), and
 * every override knows its line.
 */
static void
many_overrides_and_services_grow_geometrically(void **state)
{
	struct mc_file	 m;
	const struct mc_service *s;
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	buf_adds(&b, "x unix - - n - - smtp\n");
	for (i = 0; i < 70000; i++)
		buf_printf(&b, " -o a%zu=b\n", i);
	for (i = 0; i < 50000; i++)
		buf_printf(&b, "s%zu unix - - n - - smtp\n", i);
	big_reallocs = 0;
	counting = 1;
	t_master(&m, b.p);
	counting = 0;
	assert_int_equal(m.nsvc, 50001);
	s = &m.svc[0];
	assert_int_equal(s->nov, 70000);
	assert_int_equal(mc_find_override(s, "a69999")->line, 70000);
	assert_int_equal(mc_find_override(s, "a0")->line, 1);
	assert_true(big_reallocs < 200);
	mc_free(&m);
	buf_free(&b);
}

/* commented_block - a header and n option lines, commented out */
static void
commented_block(struct buf *b, size_t n)
{
	size_t	 i;

	buf_adds(b, "smtp inet n - y - - smtpd\n");
	buf_adds(b, "#submission inet n - y - - smtpd\n");
	for (i = 0; i < n; i++)
		buf_printf(b, "#  -o p%06zu=v\n", i);
	buf_adds(b, "#  prose, not an option\n");
	buf_adds(b, "pickup unix n - y 60 1 pickup\n");
}

/*
 * A commented-out service is bounded like a live one: one that would
 * be an entry longer than 1 MiB once uncommented stays a comment, with
 * a warning; one just within the bound is a service.
 */
static void
commented_out_service_past_the_entry_bound_stays_a_comment(void **state)
{
	struct mc_file	 m;
	struct diag	 d;
	struct buf	 b;
	size_t		 n;

	/* "#  -o p000000=v\n" is 16 bytes, 15 once uncommented. */
	n = (PF_MAX_ENTRY - 40) / 15;
	buf_init(&b);
	commented_block(&b, n);
	assert_int_equal(parse(&m, b.p, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(svc(&m, "submission", "inet", 0)->nov, n);
	assert_int_equal(svc(&m, "submission", "inet", 0)->last, n + 1);
	mc_free(&m);
	diag_free(&d);

	buf_reset(&b);
	commented_block(&b, n + 10);
	assert_int_equal(parse(&m, b.p, &d), 0);
	assert_int_equal(find(&m, "submission", "inet", 0), -1);
	assert_int_equal(m.nsvc, 2);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.m[0].sev, DIAG_WARN);
	assert_int_equal(d.m[0].line, 2);
	assert_non_null(strstr(d.m[0].text, "commented-out service longer "
	    "than 1048576 bytes"));
	mc_free(&m);
	diag_free(&d);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tokenize_splits_on_space_tab_cr_and_lf_only),
		cmocka_unit_test(tokenize_of_nothing_gives_no_tokens),
		cmocka_unit_test(
		    tokenize_brace_group_is_one_token_unwrapped_and_trimmed),
		cmocka_unit_test(
		    tokenize_brace_inside_a_token_groups_but_is_not_unwrapped),
		cmocka_unit_test(tokenize_keeps_nested_braces),
		cmocka_unit_test(tokenize_empty_braces_give_an_empty_token),
		cmocka_unit_test(tokenize_missing_close_brace_is_error_1),
		cmocka_unit_test(tokenize_text_after_close_brace_is_error_2),
		cmocka_unit_test(tokenize_close_brace_alone_is_ordinary_text),
		cmocka_unit_test(
		    tokenize_unclosed_brace_inside_a_token_is_an_error),
		cmocka_unit_test(tokenize_unwrap_strips_vt_and_ff_like_extpar),
		cmocka_unit_test(split_nameval_follows_postfix),
		cmocka_unit_test(eight_fields_are_read),
		cmocka_unit_test(field_names_are_postconf_names),
		cmocka_unit_test(fields_may_be_spread_over_lines),
		cmocka_unit_test(crlf_line_endings_are_field_separators),
		cmocka_unit_test(fewer_than_eight_fields_is_a_bad_field_count),
		cmocka_unit_test(invalid_field_values_are_errors),
		cmocka_unit_test(valid_field_values_are_accepted),
		cmocka_unit_test(
		    braces_in_the_eight_fields_are_kept_like_postconf),
		cmocka_unit_test(braced_field_values_are_invalid_like_postconf),
		cmocka_unit_test(header_fields_check_a_candidate_first_line),
		cmocka_unit_test(override_as_two_tokens),
		cmocka_unit_test(override_glued_to_the_option),
		cmocka_unit_test(several_overrides_on_one_line),
		cmocka_unit_test(braced_override_keeps_inner_white_space),
		cmocka_unit_test(
		    override_value_may_hold_equals_braces_or_nothing),
		cmocka_unit_test(option_cluster_ending_in_o),
		cmocka_unit_test(options_taking_a_value_consume_the_next_token),
		cmocka_unit_test(braced_option_letter_is_an_option),
		cmocka_unit_test(options_stop_at_the_first_positional_argument),
		cmocka_unit_test(options_stop_at_double_dash),
		cmocka_unit_test(
		    hash_after_the_fields_is_a_positional_argument),
		cmocka_unit_test(last_override_of_a_name_wins),
		cmocka_unit_test(override_value_on_the_next_line_has_that_line),
		cmocka_unit_test(override_without_equals_is_an_error),
		cmocka_unit_test(option_without_its_value_is_an_error),
		cmocka_unit_test(brace_errors_in_a_live_service_are_errors),
		cmocka_unit_test(orphan_continuation_is_a_warning),
		cmocka_unit_test(tricky_fixture_reads_as_postconf_shows),
		cmocka_unit_test(debian_template_has_its_disabled_services),
		cmocka_unit_test(
		    debian_submission_takes_its_options_but_not_the_prose),
		cmocka_unit_test(debian_loopback_submission_has_no_options),
		cmocka_unit_test(
		    debian_live_relay_ignores_its_commented_option_line),
		cmocka_unit_test(
		    postfix_2x_disabled_services_with_tab_and_two_options),
		cmocka_unit_test(
		    comment_block_inside_live_entry_is_not_a_service),
		cmocka_unit_test(
		    block_ends_where_uncommenting_would_start_a_new_line),
		cmocka_unit_test(double_hash_and_hash_space_are_not_headers),
		cmocka_unit_test(
		    block_before_an_orphan_is_not_a_disabled_service),
		cmocka_unit_test(
		    block_with_malformed_options_is_not_a_disabled_service),
		cmocka_unit_test(disabled_service_at_end_without_newline),
		cmocka_unit_test(no_final_newline_fixture_reads_its_last_line),
		cmocka_unit_test(parse_again_gives_the_same_services),
		cmocka_unit_test(port_of_inet_names),
		cmocka_unit_test(submission_services_are_inet_on_587_or_465),
		cmocka_unit_test(last_override_of_a_name_wins_among_many),
		cmocka_unit_test(
		    many_overrides_and_services_grow_geometrically),
		cmocka_unit_test(
		commented_out_service_past_the_entry_bound_stays_a_comment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
