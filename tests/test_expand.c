/*
 * Tests of expand.c: $name expansion as Postfix 3.7's mac_expand does it.
 * Every expected value in the tables was checked with
 * "postconf -c DIR -xh t" on a scratch main.cf holding the definitions,
 * "smtpd_restriction_classes = t" and "t = INPUT".
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

struct exp_case {
	const char	*defs;	/* main.cf text */
	const char	*in;
	const char	*out;	/* NULL: an error is expected */
	const char	*err;	/* a piece of the error message */
};

static const char *
lookup(const char *name, void *arg)
{
	const struct mp_param *p = mp_get(arg, name);

	return p != NULL ? p->value : NULL;
}

/* expand - expand in against the main.cf text defs */
static void
expand(const char *defs, const char *in, struct exp_result *res)
{
	struct mp_file	 m;

	t_main(&m, defs);
	exp_expand(in, lookup, &m, res);
	mp_free(&m);
}

static void
run_cases(const struct exp_case *c, size_t n)
{
	struct exp_result res;
	size_t		 i;
	char		*bad;

	for (i = 0; i < n; i++) {
		expand(c[i].defs, c[i].in, &res);
		bad = NULL;
		if (c[i].out != NULL) {
			if (res.error != NULL)
				bad = xprintf("\"%s\": unexpected error %s",
				    c[i].in, res.error);
			else if (strcmp(res.text, c[i].out) != 0)
				bad = xprintf("\"%s\": got \"%s\", want \"%s\"",
				    c[i].in, res.text, c[i].out);
		} else {
			if (res.error == NULL)
				bad = xprintf("\"%s\": no error, got \"%s\"",
				    c[i].in, res.text);
			else if (strstr(res.error, c[i].err) == NULL)
				bad = xprintf("\"%s\": error \"%s\" lacks "
				    "\"%s\"", c[i].in, res.error, c[i].err);
		}
		exp_result_free(&res);
		if (bad != NULL) {
			print_error("%s\n", bad);
			free(bad);
			fail();
		}
	}
}

#define DEFS	"a = alpha\nempty =\n"

static void
names_in_all_three_spellings_are_expanded(void **state)
{
	static const struct exp_case c[] = {
		{ DEFS, "[$a] [${a}] [$(a)]", "[alpha] [alpha] [alpha]",
		    NULL },
		{ DEFS, "[$undefined] [$a_b] [$a.b] [$a-b] [${a}b]",
		    "[] [] [alpha.b] [alpha-b] [alphab]", NULL },
		{ DEFS, "[$A] [${a}${a}]", "[] [alphaalpha]", NULL },
		{ DEFS, "[${ a }]", "[alpha]", NULL },
		{ DEFS, "[${empty}]", "[]", NULL },
		{ DEFS, "no dollar at all", "no dollar at all", NULL },
		{ DEFS, "", "", NULL },
		{ "a = alpha\nb = beta\n", "[${a?${b}}] [${a?{${b}}}]",
		    "[beta] [beta]", NULL },
		{ "a = $b\nb = $c\nc = deep\n", "$a", "deep", NULL },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
double_dollar_is_reduced_once_per_level(void **state)
{
	static const struct exp_case c[] = {
		{ DEFS, "[$$a] [$$$a] [$$$$]", "[$a] [$alpha] [$$]", NULL },
		{ DEFS, "[$${a}]", "[${a}]", NULL },
		{ DEFS, "[${a?{$$}}] [${a?$$}] [${{$$}=={$$}}]",
		    "[$] [$] [true]", NULL },
		/* b's value "$$x" becomes "$x" and is never expanded again */
		{ "b = $$x\nx = XX\n", "[$b] [$$b]", "[$x] [$b]", NULL },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
conditionals_test_for_a_non_empty_value(void **state)
{
	static const struct exp_case c[] = {
		{ DEFS, "[${a?set}] [${empty?set}] [${a:unset}] "
		    "[${empty:unset}] [${undef:unset}] [${undef?set}]",
		    "[set] [] [] [unset] [unset] []", NULL },
		{ DEFS, "[${a?{yes}:{no}}] [${empty?{yes}:{no}}] "
		    "[${a ? {yes} : {no}}] [${empty?{yes}:no}]",
		    "[yes] [no] [yes] [no]", NULL },
		{ DEFS, "[${a?$a$a}] [${a?{x:y}}]", "[alphaalpha] [x:y]",
		    NULL },
		{ DEFS, "[${a?{x}:y}] [${undef?{x}:y z}]", "[x] [y z]", NULL },
		{ DEFS, "[${a?}] [${a?{}}] [${a:{}}] [${undef:{}}] [${a:}]",
		    "[] [] [] [] []", NULL },
		{ DEFS, "[$(a?{x})]", "[x]", NULL },
		{ DEFS, "[${a ?{x}}] [${a? {x} }]", "[x] [x]", NULL },
		{ DEFS, "${a?{x} : {y} }", "x", NULL },
		{ DEFS, "${a?{x}}}", "x}", NULL },
		/* The raw value decides, not its expansion. */
		{ "a = $empty\nempty =\n", "[${a?yes}] [${a:no}] [$a]",
		    "[yes] [] []", NULL },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
white_space_is_skipped_around_names_and_kept_in_text(void **state)
{
	static const struct exp_case c[] = {
		{ DEFS, "[${a ? b}]", "[ b]", NULL },
		{ DEFS, "[${a?{ b }}]", "[ b ]", NULL },
		{ DEFS, "[${a ? {b} }]", "[b]", NULL },
		{ DEFS, "[${\ta\t}]", "[alpha]", NULL },
		{ DEFS, "[${{1} == {1} ? yes}]", "[ yes]", NULL },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
text_after_question_mark_without_braces_is_raw(void **state)
{
	static const struct exp_case c[] = {
		{ DEFS, "[${a??foo:{b}ar}]", "[?foo:{b}ar]", NULL },
		{ DEFS, "[${a?x:y}] [${undef?x:y}] [${a:x:y}]", "[x:y] [] []",
		    NULL },
		{ DEFS, "[${a:x?y}] [${undef:x?y}]", "[] [x?y]", NULL },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
relational_operators_compare_numbers_and_strings(void **state)
{
	static const struct exp_case c[] = {
		{ DEFS, "[${{$a} == {alpha}?{eq}:{ne}}] "
		    "[${{10} < {9}?{lt}:{ge}}] [${{abc} < {abd}?{lt}:{ge}}]",
		    "[eq] [ge] [lt]", NULL },
		{ DEFS, "[${{1}!={1}}] [${{1}=={1}}] [${{02}=={2}}] "
		    "[${{2}<{10}}] [${{2}<={2}}] [${{3}>={4}}] [${{b}>{a}}]",
		    "[] [true] [true] [true] [true] [] [true]", NULL },
		{ DEFS, "[${{2a}<{10}}] [${{2}<{10}}]", "[] [true]", NULL },
		{ DEFS, "[${{}=={}}] [${{a}<{}}]", "[true] []", NULL },
		{ DEFS, "[${{ x } == {x}}] [${{x}=={x} ? {t} : {f}}] "
		    "[${{x}=={y}:{f}}]", "[] [t] [f]", NULL },
		{ DEFS, "[${{1}=={1}?{x}}] [${{1}=={2}?{x}}] [${{1}=={2}:{x}}]",
		    "[x] [] [x]", NULL },
		{ DEFS, "[${ {1} == {1} }]", "[true]", NULL },
		{ DEFS, "[${{$undef}=={}}]", "[true]", NULL },
		{ DEFS, "[${{99999999999999999}>{1}}] [${{10}>{9a}}]",
		    "[true] []", NULL },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
compatibility_level_operators_compare_levels(void **state)
{
	static const struct exp_case c[] = {
		{ "lv = 3.6\n", "[${{$lv} <level {3.10}?{older}:{newer}}] "
		    "[${{3.6} ==level {3.6.0}}] [${{3} <level {2}}] "
		    "[${{3.6}>=level{3.6}}]",
		    "[older] [true] [] [true]", NULL },
		{ DEFS, "[${{3.6.1} >level {3.6}}] [${{10} >level {9}}] "
		    "[${{3.10} >level {3.9}}]", "[true] [true] [true]", NULL },
		{ DEFS, "[${{3.6} <level {3.6.1}}] "
		    "[${{3.6.1} <=level {3.6.1}}] "
		    "[${{1} !=level {1.0}}] [${{2} >=level {10}}]",
		    "[true] [true] [] []", NULL },
		{ DEFS, "${{abc} ==level {3}}", NULL,
		    "malformed compatibility level syntax: \"abc\"" },
		{ DEFS, "${{3.6.1.2} ==level {3}}", NULL,
		    "malformed compatibility level syntax: \"3.6.1.2\"" },
		{ DEFS, "${{3.} ==level {3}}", NULL,
		    "malformed compatibility level" },
		{ DEFS, "${{.3} ==level {3}}", NULL,
		    "malformed compatibility level" },
		{ DEFS, "${{} ==level {3}}", NULL,
		    "malformed compatibility level" },
		{ DEFS, "${{3} ==lvl {3}}", NULL, "bad operator suffix" },
		{ DEFS, "${{3} ==Level {3}}", NULL, "bad operator suffix" },
		{ DEFS, "${{3} ==level9 {3}}", NULL, "bad operator suffix" },
		{ DEFS, "${{3} == level {3}}", NULL,
		    "\"{expression}\" expected" },
		{ DEFS, "${{3} ==level_x {3}}", NULL,
		    "\"{expression}\" expected" },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
syntax_errors_are_reported(void **state)
{
	static const struct exp_case c[] = {
		{ DEFS, "cost 5$", NULL, "empty macro name: \"cost 5$\"" },
		{ DEFS, "a $ b", NULL, "empty macro name" },
		{ DEFS, "$-x", NULL, "empty macro name" },
		{ DEFS, "$a$", NULL, "empty macro name" },
		{ DEFS, "${}", NULL, "empty macro name" },
		{ DEFS, "$()", NULL, "empty macro name" },
		{ DEFS, "${unterminated", NULL,
		    "truncated macro reference: \"${unterminated\"" },
		{ DEFS, "$(unterminated", NULL, "truncated macro reference" },
		{ DEFS, "${a?{x}", NULL, "truncated macro reference" },
		{ DEFS, "${a?{x}:{y", NULL, "truncated macro reference" },
		{ DEFS, "${a b}", NULL, "attribute name syntax error" },
		{ DEFS, "${a?{x}junk}", NULL,
		    "\":\" expected at: \"...x}>>>junk\"" },
		{ DEFS, "${a?{x}{y}}", NULL, "\":\" expected" },
		{ DEFS, "${a:{x}junk}", NULL,
		    "unexpected input at: \"...x}>>>junk\"" },
		{ DEFS, "${a?{x}:{y}:{z}}", NULL, "unexpected input" },
		{ DEFS, "${a?{x}:{y}z}", NULL, "unexpected input" },
		{ DEFS, "${{a} ~= {b}?x}", NULL, "\"==\" or \"!=\"" },
		{ DEFS, "${{a} = {b}?x}", NULL, "\"==\" or \"!=\"" },
		{ DEFS, "${{a}<>{b}}", NULL, "\"==\" or \"!=\"" },
		{ DEFS, "${{a}}", NULL, "\"==\" or \"!=\"" },
		{ DEFS, "${{a} == b}", NULL, "\"{expression}\" expected" },
		{ DEFS, "${{x}=={y}junk}", NULL, "\"?\" or \":\" expected" },
		{ DEFS, "${{1}=={1}?{x}junk}", NULL, "\":\" expected" },
		{ DEFS, "[$(a?{x)})]", NULL, "unbalanced {}" },
		/* An error in a value is an error of what refers to it. */
		{ "a = 5$\n", "$a", NULL, "empty macro name: \"5$\"" },
		{ "b = ${a\n", "$b", NULL, "truncated macro reference" },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
error_result_still_has_text(void **state)
{
	struct exp_result res;

	expand(DEFS, "x $", &res);
	assert_non_null(res.error);
	assert_non_null(res.text);
	assert_int_equal(res.depth, 0);
	exp_result_free(&res);
	assert_null(res.text);
	assert_null(res.error);
}

static void
first_undefined_name_is_reported(void **state)
{
	struct exp_result res;

	expand(DEFS, "[$undefined] [$a_b] [$a]", &res);
	assert_string_equal(res.text, "[] [] [alpha]");
	assert_null(res.error);
	assert_non_null(res.undef);
	assert_string_equal(res.undef, "undefined");
	exp_result_free(&res);

	expand("a = x $inner\n", "${a}", &res);
	assert_string_equal(res.text, "x ");
	assert_string_equal(res.undef, "inner");
	exp_result_free(&res);

	expand(DEFS, "$(nothere)", &res);
	assert_string_equal(res.undef, "nothere");
	exp_result_free(&res);
}

static void
defined_names_even_empty_are_not_undefined(void **state)
{
	struct exp_result res;

	expand(DEFS, "[$a] [$empty] [${a?x}] [$$undef]", &res);
	assert_string_equal(res.text, "[alpha] [] [x] [$undef]");
	assert_null(res.undef);
	assert_null(res.error);
	exp_result_free(&res);
}

static void
null_lookup_leaves_every_name_undefined(void **state)
{
	struct exp_result res;

	exp_expand("[$a] [${b:def}]", NULL, NULL, &res);
	assert_string_equal(res.text, "[] [def]");
	assert_string_equal(res.undef, "a");
	assert_null(res.error);
	exp_result_free(&res);
}

/* chain - main.cf text p0 = $p1, ..., p(n-1) = $pn, pn = end */
static char *
chain(int n, const char *sep)
{
	struct buf	 b;
	int		 i;

	buf_init(&b);
	for (i = 0; i < n; i++)
		buf_printf(&b, "p%d = %s$p%d\n", i, sep, i + 1);
	buf_printf(&b, "p%d = end\n", n);
	return buf_take(&b);
}

static void
nesting_of_100_parameters_is_expanded(void **state)
{
	struct exp_result res;
	char		*defs;

	/* p0 ... p99: postconf's limit, verified */
	defs = chain(99, "");
	expand(defs, "$p0", &res);
	assert_null(res.error);
	assert_int_equal(res.depth, 0);
	assert_string_equal(res.text, "end");
	exp_result_free(&res);
	free(defs);

	defs = chain(99, "x");
	expand(defs, "$p0", &res);
	assert_null(res.error);
	assert_int_equal(strlen(res.text), 99 + 3);
	exp_result_free(&res);
	free(defs);
}

static void
nesting_of_101_parameters_is_an_error(void **state)
{
	struct exp_result res;
	char		*defs;

	defs = chain(100, "");
	expand(defs, "$p0", &res);
	assert_non_null(res.error);
	assert_non_null(strstr(res.error,
	    "unreasonable macro call nesting: \"end\""));
	assert_int_equal(res.depth, 1);
	exp_result_free(&res);
	free(defs);

	defs = chain(101, "");
	expand(defs, "$p0", &res);
	assert_non_null(res.error);
	assert_non_null(strstr(res.error, "\"p101\""));
	assert_int_equal(res.depth, 1);
	exp_result_free(&res);
	free(defs);
}

/*
 * Postfix expands a relational operand with a fresh nesting count, so
 * "a = ${{$a} == {x}}" recurses until postconf 3.7 dies with SIGSEGV
 * (verified); pfsubmit carries the count on and reports the loop.
 */
static void
loop_inside_a_relational_operand_is_reported(void **state)
{
	struct exp_result res;

	expand("a = ${{$a} == {x}}\n", "$a", &res);
	assert_non_null(res.error);
	assert_non_null(strstr(res.error, "unreasonable macro call nesting"));
	assert_int_equal(res.depth, 1);
	exp_result_free(&res);
}

static void
chain_inside_a_relational_operand_is_expanded(void **state)
{
	struct exp_result res;
	char		*defs;

	defs = chain(50, "");
	expand(defs, "${{$p0} == {end}?{ok}:{no}}", &res);
	assert_null(res.error);
	assert_string_equal(res.text, "ok");
	exp_result_free(&res);
	free(defs);
}

/*
 * Values that refer to each other twice grow exponentially while never
 * nesting deeper than the limit: 2^40 steps here.  The step budget ends
 * it, at once, with an error.
 */
static void
doubling_chain_runs_out_of_steps(void **state)
{
	struct exp_result res;
	struct buf	 b;
	int		 i;

	buf_init(&b);
	for (i = 0; i < 40; i++)
		buf_printf(&b, "p%d = $p%d$p%d\n", i, i + 1, i + 1);
	buf_printf(&b, "p40 = x\n");
	buf_addc(&b, '\0');
	expand(b.p, "$p0", &res);
	assert_non_null(res.error);
	assert_non_null(strstr(res.error,
	    "macro expansion takes more than 100000 steps"));
	assert_int_equal(res.depth, 1);
	exp_result_free(&res);

	/* 2^14 copies of "x" (49,151 steps) are within it, and right. */
	expand(b.p, "$p26", &res);
	assert_null(res.error);
	assert_int_equal(strlen(res.text), 1 << 14);
	exp_result_free(&res);
	buf_free(&b);
}

static void
count_name(const char *name, size_t len, void *arg)
{
	(void)name;
	(void)len;
	(*(size_t *)arg)++;
}

/*
 * The syntax check and the name scan follow no value, so their work is
 * bounded by the text: a long text is no runaway for them.
 */
static void
syntax_check_of_a_long_text_has_no_budget(void **state)
{
	struct buf	 b;
	size_t		 n = 0;
	char		*err;
	int		 i;

	buf_init(&b);
	for (i = 0; i < 150000; i++)
		buf_adds(&b, "$a");
	buf_addc(&b, '\0');
	assert_int_equal(exp_syntax(b.p, &err), 0);
	assert_null(err);
	exp_names(b.p, count_name, &n);
	assert_int_equal(n, 150000);
	buf_free(&b);
}

/*
 * The same doubling through relational operands, with a loop: found by
 * fuzz_expand, which it kept busy for minutes before the first error
 * ended the whole expansion.
 */
static void
doubling_loop_in_operands_ends_at_the_first_error(void **state)
{
	struct exp_result res;

	expand("a = ${{$a} == {x}}${{$a} == {y}}${{$a} <level {3}}\n", "$a",
	    &res);
	assert_non_null(res.error);
	assert_non_null(strstr(res.error, "unreasonable macro call nesting"));
	exp_result_free(&res);
}

static const char *
big_lookup(const char *name, void *arg)
{
	return strcmp(name, "big") == 0 ? arg : NULL;
}

/* An expansion is bounded in size too: 20 copies of 1 MiB is too long. */
static void
expansion_longer_than_16_mib_is_an_error(void **state)
{
	struct exp_result res;
	char		*big;

	big = xmalloc(1024 * 1024 + 1);
	memset(big, 'x', 1024 * 1024);
	big[1024 * 1024] = '\0';
	exp_expand("$big$big$big$big$big$big$big$big$big$big"
	    "$big$big$big$big$big$big$big$big$big$big", big_lookup, big, &res);
	assert_non_null(res.error);
	assert_non_null(strstr(res.error,
	    "macro expansion longer than 16777216 bytes"));
	assert_int_equal(res.depth, 1);
	exp_result_free(&res);

	exp_expand("$big$big", big_lookup, big, &res);
	assert_null(res.error);
	assert_int_equal(strlen(res.text), 2 * 1024 * 1024);
	exp_result_free(&res);
	free(big);
}

static void
loops_are_caught_by_the_nesting_limit(void **state)
{
	struct exp_result res;

	expand("a = $b\nb = $a\n", "$a", &res);
	assert_non_null(res.error);
	assert_non_null(strstr(res.error, "unreasonable macro call nesting"));
	assert_int_equal(res.depth, 1);
	exp_result_free(&res);

	expand("self = x $self\n", "$self", &res);
	assert_non_null(res.error);
	assert_int_equal(res.depth, 1);
	exp_result_free(&res);

	expand("a = ${a?{$a}}\n", "$a", &res);
	assert_int_equal(res.depth, 1);
	exp_result_free(&res);
}

/*
 * Postfix compares all-digit operands as numbers with strtol, whatever
 * their length: "123456789012345678" > "99" is true (postconf -xh gives
 * "true"), and 22 digits with leading zeros equal "2".
 */
static void
relational_compares_long_digit_strings_numerically(void **state)
{
	static const struct exp_case c[] = {
		{ DEFS, "[${{123456789012345678}>{99}}]", "[true]", NULL },
		{ DEFS, "[${{0000000000000000000002}=={2}}]", "[true]", NULL },
		{ DEFS, "[${{9223372036854775807}>{10}}]", "[true]", NULL },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

/*
 * A number past the range of long makes Postfix fail: postconf -xh says
 * "fatal: mac_exp_eval: bad conversion: 100000000000000000000".
 */
static void
relational_number_out_of_range_is_an_error(void **state)
{
	struct exp_result res;

	expand(DEFS, "[${{100000000000000000000}>{9}}]", &res);
	assert_non_null(res.error);
	exp_result_free(&res);
}

/*
 * compat_level_from_string() allows a major number up to LONG_MAX >> 20
 * and a minor and patch level up to 1023 (10 bits each); postconf -xh
 * (verified) gives "[true]" for ${{1000001}>level{999999}} and
 * ${{8796093022207}>level{3}}, and "malformed compatibility level
 * syntax" for 3.1024, 3.6.1024 and 8796093022208.
 */
static void
compatibility_level_parts_have_the_postfix_limits(void **state)
{
	static const struct exp_case c[] = {
		{ DEFS, "[${{1000001}>level{999999}}]", "[true]", NULL },
		{ DEFS, "[${{8796093022207}>level{3}}]", "[true]", NULL },
		{ DEFS, "[${{3.1023}>level{3}}]", "[true]", NULL },
		{ DEFS, "[${{3.1024}==level{3}}]", NULL,
		    "malformed compatibility level syntax: \"3.1024\"" },
		{ DEFS, "[${{3.6.1024}==level{3}}]", NULL,
		    "malformed compatibility level syntax: \"3.6.1024\"" },
		{ DEFS, "[${{8796093022208}>level{3}}]", NULL,
		    "malformed compatibility level syntax" },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

/*
 * Each part is read with strtol(), which takes leading white space and
 * a sign: postconf -xh (verified) gives "[true]" for all three.
 */
static void
compatibility_level_parts_are_read_as_strtol_reads_them(void **state)
{
	static const struct exp_case c[] = {
		{ DEFS, "[${{ 3}==level{3}}]", "[true]", NULL },
		{ DEFS, "[${{+3}==level{3}}]", "[true]", NULL },
		{ DEFS, "[${{3.+6}==level{3.6}}]", "[true]", NULL },
	};

	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
syntax_check_accepts_good_text(void **state)
{
	static const char *const good[] = {
		"", "plain", "$a ${b} $(c) $$", "${a?{x}:{y}}", "${a:x:y}",
		"${{$a} == {b}?{c}}", "${a??foo:{b}ar}",
		"${{abc} ==level {3}}",		/* not evaluated */
		"${{3.6} <level {3.10}?{x}:{y}}",
		"permit_sasl_authenticated, reject",
	};
	size_t	 i;
	char	*err;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err = (char *)"unset";
		assert_int_equal(exp_syntax(good[i], &err), 0);
		assert_null(err);
		assert_int_equal(exp_syntax(good[i], NULL), 0);
	}
}

static void
syntax_check_refuses_bad_text_in_any_branch(void **state)
{
	static const struct {
		const char	*in;
		const char	*err;
	} bad[] = {
		{ "5$", "empty macro name" },
		{ "${a", "truncated macro reference" },
		{ "${a b}", "attribute name syntax error" },
		{ "${a?{x}junk}", "\":\" expected" },
		{ "${{a} ~ {b}}", "\"==\" or \"!=\"" },
		{ "${{a} ==lvl {b}}", "bad operator suffix" },
		/* branches that expansion would skip are checked too */
		{ "${undef?{$}}", "empty macro name" },
		{ "${a:{${b}", "truncated macro reference" },
		{ "${a?{x}:{${b c}}}", "attribute name syntax error" },
		{ "${{1}=={2}?{5$}}", "empty macro name" },
	};
	size_t	 i;
	char	*err;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		assert_int_equal(exp_syntax(bad[i].in, &err), -1);
		assert_non_null(err);
		if (strstr(err, bad[i].err) == NULL)
			fail_msg("\"%s\": \"%s\" lacks \"%s\"", bad[i].in, err,
			    bad[i].err);
		free(err);
		assert_int_equal(exp_syntax(bad[i].in, NULL), -1);
	}
}

static void
add_name(const char *name, size_t len, void *arg)
{
	struct buf	*b = arg;

	if (b->len > 0)
		buf_addc(b, ',');
	buf_add(b, name, len);
}

static void
names_lists_every_reference_in_every_branch(void **state)
{
	static const struct {
		const char	*in;
		const char	*names;
	} c[] = {
		{ "plain text $$x", "" },
		{ "$a ${b} $(c)", "a,b,c" },
		{ "${a?{$b}:{$c}} $d", "a,b,c,d" },
		{ "${x:$y}", "x,y" },
		{ "${{$e} == {f}?{$g}}", "e,g" },
		{ "$a $a", "a,a" },
		{ "$a.b-c", "a" },
	};
	struct buf	 b;
	size_t		 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		buf_init(&b);
		buf_adds(&b, "");
		exp_names(c[i].in, add_name, &b);
		if (strcmp(b.p, c[i].names) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", c[i].in,
			    b.p, c[i].names);
		buf_free(&b);
	}
}

static void
raw_parameters_are_the_ones_postconf_does_not_expand(void **state)
{
	static const char *const raw[] = {
		"command_execution_directory", "default_rbl_reply",
		"forward_path", "luser_relay", "mailbox_command",
		"postscreen_expansion_filter", "postscreen_reject_footer",
		"smtpd_expansion_filter", "smtpd_reject_footer",
	};
	static const char *const cooked[] = {
		"", "smtpd_banner", "myhostname", "mailbox_command_maps",
		"smtpd_reject_footer_maps", "Mailbox_command", "luser",
	};
	size_t	 i;

	for (i = 0; i < sizeof(raw) / sizeof(raw[0]); i++)
		assert_int_equal(exp_is_raw(raw[i]), 1);
	for (i = 0; i < sizeof(cooked) / sizeof(cooked[0]); i++)
		assert_int_equal(exp_is_raw(cooked[i]), 0);
}

static void
tricky_fixture_expands_as_postconf_shows(void **state)
{
	static const struct {
		const char	*name;
		const char	*want;
	} c[] = {
		{ "cond_set", "has domain" },
		{ "cond_unset", "fallback" },
		{ "cond_compare", "same" },
		{ "numeric", "ge lt" },
		{ "level", "older" },
		{ "dollar", "cost $5 and $example.org" },
		{ "parens", "example.org example.orgx example.org.com" },
		{ "chain", "first,\tsecond,  third" },
		{ "legacy", "?foo:{b}ar" },
	};
	struct exp_result res;
	struct mp_file	 m;
	char		*path, *text;
	size_t		 i;

	path = t_fixture("main/tricky.cf");
	text = t_read(path, NULL);
	t_main(&m, text);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_non_null(mp_get(&m, c[i].name));
		exp_expand(mp_get(&m, c[i].name)->value, lookup, &m, &res);
		assert_null(res.error);
		assert_string_equal(res.text, c[i].want);
		exp_result_free(&res);
	}
	mp_free(&m);
	free(text);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_in_all_three_spellings_are_expanded),
		cmocka_unit_test(double_dollar_is_reduced_once_per_level),
		cmocka_unit_test(conditionals_test_for_a_non_empty_value),
		cmocka_unit_test(
		    white_space_is_skipped_around_names_and_kept_in_text),
		cmocka_unit_test(
		    text_after_question_mark_without_braces_is_raw),
		cmocka_unit_test(
		    relational_operators_compare_numbers_and_strings),
		cmocka_unit_test(compatibility_level_operators_compare_levels),
		cmocka_unit_test(syntax_errors_are_reported),
		cmocka_unit_test(error_result_still_has_text),
		cmocka_unit_test(first_undefined_name_is_reported),
		cmocka_unit_test(defined_names_even_empty_are_not_undefined),
		cmocka_unit_test(null_lookup_leaves_every_name_undefined),
		cmocka_unit_test(nesting_of_100_parameters_is_expanded),
		cmocka_unit_test(nesting_of_101_parameters_is_an_error),
		cmocka_unit_test(loop_inside_a_relational_operand_is_reported),
		cmocka_unit_test(chain_inside_a_relational_operand_is_expanded),
		cmocka_unit_test(loops_are_caught_by_the_nesting_limit),
		cmocka_unit_test(doubling_chain_runs_out_of_steps),
		cmocka_unit_test(syntax_check_of_a_long_text_has_no_budget),
		cmocka_unit_test(
		    doubling_loop_in_operands_ends_at_the_first_error),
		cmocka_unit_test(expansion_longer_than_16_mib_is_an_error),
		cmocka_unit_test(
		    relational_compares_long_digit_strings_numerically),
		cmocka_unit_test(relational_number_out_of_range_is_an_error),
		cmocka_unit_test(
		    compatibility_level_parts_have_the_postfix_limits),
		cmocka_unit_test(
		    compatibility_level_parts_are_read_as_strtol_reads_them),
		cmocka_unit_test(syntax_check_accepts_good_text),
		cmocka_unit_test(syntax_check_refuses_bad_text_in_any_branch),
		cmocka_unit_test(names_lists_every_reference_in_every_branch),
		cmocka_unit_test(
		    raw_parameters_are_the_ones_postconf_does_not_expand),
		cmocka_unit_test(tricky_fixture_expands_as_postconf_shows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
