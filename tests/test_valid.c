/*
 * Tests of valid.c: command-line arguments are accepted or refused
 * before any file is touched, and each refusal is one line on stderr.
 */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

enum which { TEXT, NAME, SERVICE, VALUE, RAWVALUE };

struct vcase {
	enum which	 fn;
	const char	*arg;
	int		 ok;
	const char	*why;	/* refused: a piece of the message */
};

static FILE	*cap_fp;
static int	 cap_saved = -1;

static void
capture_begin(void)
{
	fflush(stderr);
	if ((cap_fp = tmpfile()) == NULL)
		fail_msg("tmpfile");
	if ((cap_saved = dup(STDERR_FILENO)) == -1 ||
	    dup2(fileno(cap_fp), STDERR_FILENO) == -1)
		fail_msg("dup");
}

/* capture_end - what was written to stderr since capture_begin */
static char *
capture_end(void)
{
	struct buf	 b;
	char		 tmp[512];
	size_t		 n;

	fflush(stderr);
	(void)dup2(cap_saved, STDERR_FILENO);
	close(cap_saved);
	cap_saved = -1;
	rewind(cap_fp);
	buf_init(&b);
	buf_adds(&b, "");
	while ((n = fread(tmp, 1, sizeof(tmp), cap_fp)) > 0)
		buf_add(&b, tmp, n);
	fclose(cap_fp);
	return buf_take(&b);
}

static int
call(enum which fn, const char *arg)
{
	switch (fn) {
	case TEXT:
		return arg_check_text(arg, "argument");
	case NAME:
		return arg_check_name(arg, "parameter name");
	case SERVICE:
		return arg_check_service(arg);
	case VALUE:
		return arg_check_value(arg, "value", 0);
	default:
		return arg_check_value(arg, "value", 1);
	}
}

static void
run_cases(const struct vcase *c, size_t n)
{
	size_t	 i;
	char	*err, *nl;
	int	 r;

	for (i = 0; i < n; i++) {
		capture_begin();
		r = call(c[i].fn, c[i].arg);
		err = capture_end();
		if (c[i].ok) {
			if (r != 0 || *err != '\0')
				fail_msg("case %zu refused: %s", i, err);
		} else {
			if (r != -1)
				fail_msg("case %zu accepted", i);
			/* one line, from pfsubmit, saying why */
			if (strncmp(err, "pfsubmit: ", 10) != 0 ||
			    (nl = strchr(err, '\n')) == NULL || nl[1] != '\0')
				fail_msg("case %zu: message \"%s\"", i, err);
			if (strstr(err, c[i].why) == NULL)
				fail_msg("case %zu: \"%s\" lacks \"%s\"", i,
				    err, c[i].why);
		}
		free(err);
	}
}

static void
text_accepts_one_line_without_a_leading_hash(void **state)
{
	static const struct vcase c[] = {
		{ TEXT, "", 1, NULL },
		{ TEXT, "abc", 1, NULL },
		{ TEXT, "a b\tc", 1, NULL },
		{ TEXT, "x#y", 1, NULL },
		{ TEXT, "x # y", 1, NULL },
		{ TEXT, "$name ${a?{b}}", 1, NULL },
		{ TEXT, "caf\xc3\xa9", 1, NULL },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
text_refuses_line_breaks_controls_and_leading_hash(void **state)
{
	static const struct vcase c[] = {
		{ TEXT, "a\nb", 0, "line break" },
		{ TEXT, "a\n", 0, "line break" },
		{ TEXT, "a\rb", 0, "line break" },
		{ TEXT, "\r", 0, "line break" },
		{ TEXT, "a\x01", 0, "control character" },
		{ TEXT, "\x1b[2J", 0, "control character" },
		{ TEXT, "a\vb", 0, "control character" },
		{ TEXT, "#x", 0, "starts with '#'" },
		{ TEXT, "  #x", 0, "starts with '#'" },
		{ TEXT, "\t# x", 0, "starts with '#'" },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
refusal_quotes_the_argument(void **state)
{
	char	*err;

	capture_begin();
	assert_int_equal(arg_check_text("evil\x1b[2J\n", "--listen"), -1);
	err = capture_end();
	assert_non_null(strstr(err, "--listen"));
	assert_null(strchr(err, '\x1b'));
	assert_int_equal(strchr(err, '\n')[1], '\0');
	free(err);
}

static void
name_accepts_letters_digits_and_underscore(void **state)
{
	static const struct vcase c[] = {
		{ NAME, "myhostname", 1, NULL },
		{ NAME, "smtpd_tls_security_level", 1, NULL },
		{ NAME, "A1_b", 1, NULL },
		{ NAME, "x", 1, NULL },
		{ NAME, "_", 1, NULL },
		{ NAME, "9", 1, NULL },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
name_refuses_everything_else(void **state)
{
	static const struct vcase c[] = {
		{ NAME, "", 0, "is empty" },
		{ NAME, "a b", 0, "white space" },
		{ NAME, " a", 0, "white space" },
		{ NAME, "a\tb", 0, "white space" },
		{ NAME, "a=b", 0, "contains '='" },
		{ NAME, "a=", 0, "contains '='" },
		{ NAME, "a-b", 0, "letters, digits and '_'" },
		{ NAME, "a.b", 0, "letters, digits and '_'" },
		{ NAME, "smtp/inet/x", 0, "letters, digits and '_'" },
		{ NAME, "$a", 0, "letters, digits and '_'" },
		{ NAME, "caf\xc3\xa9", 0, "letters, digits and '_'" },
		{ NAME, "#x", 0, "starts with '#'" },
		{ NAME, "a\nb", 0, "line break" },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
name_of_200_bytes_is_the_longest(void **state)
{
	char	 s[202];

	memset(s, 'a', sizeof(s));
	s[200] = '\0';
	capture_begin();
	assert_int_equal(arg_check_name(s, "name"), 0);
	s[200] = 'a';
	s[201] = '\0';
	assert_int_equal(arg_check_name(s, "name"), -1);
	free(capture_end());
}

static void
service_accepts_names_and_name_slash_type(void **state)
{
	static const struct vcase c[] = {
		{ SERVICE, "submission", 1, NULL },
		{ SERVICE, "submission/inet", 1, NULL },
		{ SERVICE, "127.0.0.1:submission/inet", 1, NULL },
		{ SERVICE, "[::1]:587/inet", 1, NULL },
		{ SERVICE, "smtp/unix", 1, NULL },
		{ SERVICE, "postlog/unix-dgram", 1, NULL },
		{ SERVICE, "pickup/fifo", 1, NULL },
		{ SERVICE, "smtpd/pass", 1, NULL },
		{ SERVICE, "scalemail-backend", 1, NULL },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
service_refuses_space_equals_braces_and_bad_types(void **state)
{
	static const struct vcase c[] = {
		{ SERVICE, "", 0, "has no name" },
		{ SERVICE, "/inet", 0, "has no name" },
		{ SERVICE, "sub mission", 0, "white space" },
		{ SERVICE, "sub\tmission", 0, "white space" },
		{ SERVICE, "a=b", 0, "contains '='" },
		{ SERVICE, "smtp/inet=x", 0, "contains '='" },
		{ SERVICE, "a{b", 0, "brace" },
		{ SERVICE, "a}", 0, "brace" },
		{ SERVICE, "a/tcp", 0, "type must be" },
		{ SERVICE, "a/", 0, "type must be" },
		{ SERVICE, "a/inet/x", 0, "one '/'" },
		{ SERVICE, "#submission", 0, "starts with '#'" },
		{ SERVICE, "submission\n", 0, "line break" },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
value_accepts_balanced_braces_and_good_expansions(void **state)
{
	static const struct vcase c[] = {
		{ VALUE, "", 1, NULL },
		{ VALUE, "permit_sasl_authenticated, reject", 1, NULL },
		{ VALUE, "$mua_client_restrictions", 1, NULL },
		{ VALUE, "${a?{x}:{y}} $(b) ${c}", 1, NULL },
		{ VALUE, "cost $$5", 1, NULL },
		{ VALUE, "{ a b }", 1, NULL },
		{ VALUE, "inline:{ a=1, {b = c} }", 1, NULL },
		{ VALUE, "a\tb", 1, NULL },
		{ VALUE, "a #b", 1, NULL },
		{ VALUE, "${{$compatibility_level} <level {3.6}?{x}}", 1,
		    NULL },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
value_refuses_breaks_braces_bad_dollars_and_leading_hash(void **state)
{
	static const struct vcase c[] = {
		{ VALUE, "a\nb", 0, "line break" },
		{ VALUE, "a\r", 0, "line break" },
		{ VALUE, "a\x01", 0, "control character" },
		{ VALUE, "{a", 0, "unbalanced braces" },
		{ VALUE, "a}", 0, "unbalanced braces" },
		{ VALUE, "}{", 0, "unbalanced braces" },
		{ VALUE, "{{a}", 0, "unbalanced braces" },
		{ VALUE, "${a", 0, "unbalanced braces" },
		{ VALUE, "cost 5$", 0, "empty macro name" },
		{ VALUE, "$-x", 0, "empty macro name" },
		{ VALUE, "$(a", 0, "truncated macro reference" },
		{ VALUE, "${a b}", 0, "attribute name syntax error" },
		{ VALUE, "${a?{x}junk}", 0, "expected" },
		{ VALUE, "${undef?{$}}", 0, "empty macro name" },
		{ VALUE, "#x", 0, "starts with '#'" },
		{ VALUE, " \t# x", 0, "starts with '#'" },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
value_error_says_how_to_write_a_dollar(void **state)
{
	char	*err;

	capture_begin();
	assert_int_equal(arg_check_value("cost 5$", "smtpd_banner", 0), -1);
	err = capture_end();
	assert_non_null(strstr(err, "smtpd_banner"));
	assert_non_null(strstr(err, "$$"));
	free(err);
}

static void
raw_value_skips_the_dollar_check_only(void **state)
{
	static const struct vcase c[] = {
		{ RAWVALUE, "cost 5$", 1, NULL },
		{ RAWVALUE, "$-x", 1, NULL },
		{ RAWVALUE, "$(a", 1, NULL },
		{ RAWVALUE, "/usr/bin/procmail -a \"$EXTENSION\"", 1, NULL },
		{ RAWVALUE, "{a", 0, "unbalanced braces" },
		{ RAWVALUE, "a\nb", 0, "line break" },
		{ RAWVALUE, "a\x7", 0, "control character" },
		{ RAWVALUE, "#x", 0, "starts with '#'" },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
has_space_finds_any_white_space(void **state)
{
	assert_int_equal(arg_has_space(""), 0);
	assert_int_equal(arg_has_space("permit_mynetworks,reject"), 0);
	assert_int_equal(arg_has_space("a b"), 1);
	assert_int_equal(arg_has_space("a\tb"), 1);
	assert_int_equal(arg_has_space("a\r"), 1);
	assert_int_equal(arg_has_space("\na"), 1);
	assert_int_equal(arg_has_space("a\vb"), 1);
	assert_int_equal(arg_has_space("a\fb"), 1);
	assert_int_equal(arg_has_space("caf\xc3\xa9\xa0"), 0);
}

/* path_refuses_what_main_cf_would_split - arg_check_path */
static void
path_refuses_what_main_cf_would_split(void **state)
{
	static const char *const bad[] = { "/a b/postfix", "/a\tb",
	    "/a,b", "/a$b", "/a{b", "/a}b", "/a\"b", "/a\nmynetworks = x",
	    "/a\rb", "/a\x1b[31mb", "#/x" };
	static const char *const good[] = { "/etc/postfix",
	    "/srv/mail-1/postfix.d", "/x/a:b/c", "/x/a+b@c=d%e" };
	size_t	 i;
	char	*err;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		capture_begin();
		assert_int_equal(arg_check_path(bad[i], "-c"), -1);
		err = capture_end();
		assert_non_null(strstr(err, "pfsubmit: -c \""));
		assert_null(strchr(err, '\x1b'));
		assert_int_equal(strchr(err, '\n') - err + 1, strlen(err));
		free(err);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(arg_check_path(good[i], "-c"), 0);
}

/* secret_from - arg_read_secret on a file with data; the message */
static int
secret_from(const char *data, size_t len, mode_t mode, char *pass,
    size_t size, char **errp)
{
	char	*dir, *p;
	int	 r;

	dir = t_tmpdir();
	t_write(dir, "pw", data, len);
	p = xprintf("%s/pw", dir);
	assert_int_equal(chmod(p, mode), 0);
	capture_begin();
	r = arg_read_secret(p, pass, size);
	*errp = capture_end();
	free(p);
	t_rmdir(dir);
	free(dir);
	return r;
}

/* secret_refuses_cr_fifo_and_empty - issue 12 item 15, 13 item 10 */
static void
secret_refuses_cr_fifo_and_empty(void **state)
{
	static const struct {
		const char	*data;
		const char	*why;	/* NULL: accepted as "pw" */
	} c[] = {
		{ "pw\n", NULL },
		{ "pw", NULL },
		{ "pw\r\n", NULL },
		{ "pw\r\nnext\r\n", NULL },
		{ "p\rw\n", "carriage return (CR); refused rather than cut" },
		{ "pw\r", "carriage return (CR)" },
		{ "", "is empty; its first line must be the password" },
		{ "\n", "the first line is empty" },
		{ "\r\n", "the first line is empty" },
	};
	char	 pass[64], *err, *dir, *p;
	size_t	 i;
	int	 r;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		r = secret_from(c[i].data, strlen(c[i].data), 0600, pass,
		    sizeof(pass), &err);
		if (c[i].why == NULL) {
			assert_int_equal(r, 0);
			assert_string_equal(pass, "pw");
			assert_string_equal(err, "");
		} else {
			assert_int_equal(r, -1);
			if (strstr(err, c[i].why) == NULL)
				fail_msg("case %zu: %s", i, err);
		}
		free(err);
	}
	/* Others may read it: a warning, and the password all the same. */
	r = secret_from("pw\n", 3, 0644, pass, sizeof(pass), &err);
	assert_int_equal(r, 0);
	assert_non_null(strstr(err, "readable by everyone; chmod 600 it"));
	free(err);
	r = secret_from("pw\n", 3, 0640, pass, sizeof(pass), &err);
	assert_non_null(strstr(err, "readable by its group"));
	free(err);
	/* A FIFO is refused at once: nobody writes to this one. */
	dir = t_tmpdir();
	p = xprintf("%s/fifo", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	capture_begin();
	assert_int_equal(arg_read_secret(p, pass, sizeof(pass)), -1);
	err = capture_end();
	assert_non_null(strstr(err, "not a regular file (a FIFO or a device "
	    "is refused)"));
	free(err);
	free(p);
	t_rmdir(dir);
	free(dir);
	capture_begin();
	assert_int_equal(arg_read_secret("/dev/null", pass, sizeof(pass)),
	    -1);
	err = capture_end();
	assert_non_null(strstr(err, "not a regular file"));
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_accepts_one_line_without_a_leading_hash),
		cmocka_unit_test(
		    text_refuses_line_breaks_controls_and_leading_hash),
		cmocka_unit_test(refusal_quotes_the_argument),
		cmocka_unit_test(name_accepts_letters_digits_and_underscore),
		cmocka_unit_test(name_refuses_everything_else),
		cmocka_unit_test(name_of_200_bytes_is_the_longest),
		cmocka_unit_test(service_accepts_names_and_name_slash_type),
		cmocka_unit_test(
		    service_refuses_space_equals_braces_and_bad_types),
		cmocka_unit_test(
		    value_accepts_balanced_braces_and_good_expansions),
		cmocka_unit_test(
		    value_refuses_breaks_braces_bad_dollars_and_leading_hash),
		cmocka_unit_test(value_error_says_how_to_write_a_dollar),
		cmocka_unit_test(raw_value_skips_the_dollar_check_only),
		cmocka_unit_test(has_space_finds_any_white_space),
		cmocka_unit_test(path_refuses_what_main_cf_would_split),
		cmocka_unit_test(secret_refuses_cr_fifo_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
