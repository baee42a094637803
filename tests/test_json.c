/*
 * Tests of json.c: the streaming writer, its string escaping and its
 * handling of bytes that are not valid UTF-8.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

struct out {
	FILE		*fp;
	char		*p;
	size_t		 len;
	struct json	 j;
};

static void
out_open(struct out *o)
{
	o->p = NULL;
	o->len = 0;
	if ((o->fp = open_memstream(&o->p, &o->len)) == NULL)
		fail_msg("open_memstream");
	json_init(&o->j, o->fp);
}

/* out_text - what was written so far; valid until out_close */
static const char *
out_text(struct out *o)
{
	fflush(o->fp);
	return o->p;
}

static void
out_close(struct out *o)
{
	fclose(o->fp);
	free(o->p);
}

/* assert_str - the JSON text of the n bytes at s is want */
static void
assert_str(const char *s, size_t n, const char *want)
{
	struct out	 o;

	out_open(&o);
	json_strn(&o.j, s, n);
	assert_string_equal(out_text(&o), want);
	out_close(&o);
}

#define STR(s, want)	assert_str((s), sizeof(s) - 1, (want))

static void
plain_strings_are_quoted(void **state)
{
	STR("", "\"\"");
	STR("smtpd_banner", "\"smtpd_banner\"");
	STR("a b/c:d", "\"a b/c:d\"");
}

static void
quote_and_backslash_are_escaped(void **state)
{
	STR("a\"b", "\"a\\\"b\"");
	STR("a\\b", "\"a\\\\b\"");
	STR("\\\"", "\"\\\\\\\"\"");
}

static void
control_characters_are_escaped(void **state)
{
	STR("\n", "\"\\n\"");
	STR("\r", "\"\\r\"");
	STR("\t", "\"\\t\"");
	STR("\x01", "\"\\u0001\"");
	STR("\b\f\v", "\"\\u0008\\u000c\\u000b\"");
	STR("\x1b[2J", "\"\\u001b[2J\"");
	STR("\x1f", "\"\\u001f\"");
	STR("\x7f", "\"\\u007f\"");
	STR("a\0b", "\"a\\u0000b\"");
}

static void
valid_multibyte_utf8_is_kept(void **state)
{
	STR("caf\xc3\xa9", "\"caf\xc3\xa9\"");			/* U+00E9 */
	STR("\xe2\x82\xac", "\"\xe2\x82\xac\"");		/* U+20AC */
	STR("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");	/* U+1F600 */
	STR("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");	/* U+10FFFF */
	STR("\xef\xbf\xbd", "\"\xef\xbf\xbd\"");		/* U+FFFD */
	STR("\xc2\x80", "\"\xc2\x80\"");			/* U+0080 */
	STR("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");		/* U+D7FF */
}

static void
invalid_utf8_bytes_become_replacement_characters(void **state)
{
	STR("\xff", "\"\\ufffd\"");
	STR("a\x80z", "\"a\\ufffdz\"");			/* lone continuation */
	STR("\xc0\x80", "\"\\ufffd\\ufffd\"");		/* overlong NUL */
	STR("\xc1\xbf", "\"\\ufffd\\ufffd\"");		/* overlong */
	STR("\xe0\x80\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* overlong */
	STR("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	STR("\xf4\x90\x80\x80",
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");	/* past U+10FFFF */
	STR("\xf5\x80\x80\x80",
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	STR("\xe2\x82", "\"\\ufffd\\ufffd\"");		/* cut short */
	STR("\xe2\x82z", "\"\\ufffd\\ufffdz\"");
	STR("\xc3" "a", "\"\\ufffda\"");		/* bad continuation */
	/* Latin-1, then UTF-8 */
	STR("\xe9t\xc3\xa9", "\"\\ufffdt\xc3\xa9\"");
}

static void
string_length_is_honoured(void **state)
{
	struct out	 o;

	out_open(&o);
	/* the cut falls inside a two-byte sequence */
	json_strn(&o.j, "ab\xc3\xa9", 3);
	assert_string_equal(out_text(&o), "\"ab\\ufffd\"");
	out_close(&o);
}

static void
null_string_is_null(void **state)
{
	struct out	 o;

	out_open(&o);
	json_begin_arr(&o.j);
	json_str(&o.j, NULL);
	json_str(&o.j, "x");
	json_end_arr(&o.j);
	assert_string_equal(out_text(&o), "[null,\"x\"]");
	out_close(&o);
}

static void
objects_and_arrays_nest_with_commas_between_items(void **state)
{
	struct out	 o;

	out_open(&o);
	json_begin_obj(&o.j);
	json_kint(&o.j, "a", 1);
	json_key(&o.j, "b");
	json_begin_arr(&o.j);
	json_bool(&o.j, 1);
	json_bool(&o.j, 0);
	json_null(&o.j);
	json_str(&o.j, "x");
	json_end_arr(&o.j);
	json_key(&o.j, "c");
	json_begin_obj(&o.j);
	json_kint(&o.j, "d", -5);
	json_end_obj(&o.j);
	json_key(&o.j, "e");
	json_begin_arr(&o.j);
	json_end_arr(&o.j);
	json_key(&o.j, "f");
	json_begin_obj(&o.j);
	json_end_obj(&o.j);
	json_kstr(&o.j, "g", "h");
	json_kbool(&o.j, "i", 1);
	json_end_obj(&o.j);
	json_finish(&o.j);
	assert_string_equal(out_text(&o),
	    "{\"a\":1,\"b\":[true,false,null,\"x\"],\"c\":{\"d\":-5},"
	    "\"e\":[],\"f\":{},\"g\":\"h\",\"i\":true}\n");
	out_close(&o);
}

static void
array_of_objects_and_arrays(void **state)
{
	struct out	 o;
	int		 i;

	out_open(&o);
	json_begin_arr(&o.j);
	for (i = 0; i < 3; i++) {
		json_begin_obj(&o.j);
		json_kint(&o.j, "n", i);
		json_key(&o.j, "l");
		json_begin_arr(&o.j);
		json_int(&o.j, i);
		json_begin_arr(&o.j);
		json_end_arr(&o.j);
		json_end_arr(&o.j);
		json_end_obj(&o.j);
	}
	json_end_arr(&o.j);
	assert_string_equal(out_text(&o),
	    "[{\"n\":0,\"l\":[0,[]]},{\"n\":1,\"l\":[1,[]]},"
	    "{\"n\":2,\"l\":[2,[]]}]");
	out_close(&o);
}

static void
keys_are_escaped_like_strings(void **state)
{
	struct out	 o;

	out_open(&o);
	json_begin_obj(&o.j);
	json_kstr(&o.j, "a\"\n\xff", "v\\");
	json_end_obj(&o.j);
	assert_string_equal(out_text(&o),
	    "{\"a\\\"\\n\\ufffd\":\"v\\\\\"}");
	out_close(&o);
}

static void
integers_cover_the_range_of_long_long(void **state)
{
	struct out	 o;

	out_open(&o);
	json_begin_arr(&o.j);
	json_int(&o.j, LLONG_MIN);
	json_int(&o.j, LLONG_MAX);
	json_int(&o.j, 0);
	json_end_arr(&o.j);
	assert_string_equal(out_text(&o),
	    "[-9223372036854775808,9223372036854775807,0]");
	out_close(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_strings_are_quoted),
		cmocka_unit_test(quote_and_backslash_are_escaped),
		cmocka_unit_test(control_characters_are_escaped),
		cmocka_unit_test(valid_multibyte_utf8_is_kept),
		cmocka_unit_test(
		    invalid_utf8_bytes_become_replacement_characters),
		cmocka_unit_test(string_length_is_honoured),
		cmocka_unit_test(null_string_is_null),
		cmocka_unit_test(
		    objects_and_arrays_nest_with_commas_between_items),
		cmocka_unit_test(array_of_objects_and_arrays),
		cmocka_unit_test(keys_are_escaped_like_strings),
		cmocka_unit_test(integers_cover_the_range_of_long_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
