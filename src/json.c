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
 * A streaming JSON writer.  Strings are written as valid UTF-8 whatever
 * the file held: control characters are escaped, and a byte that is not
 * part of a valid UTF-8 sequence becomes U+FFFD.
 */

#include <stdio.h>
#include <string.h>

#include "pfsubmit.h"

void
json_init(struct json *j, FILE *fp)
{
	memset(j, 0, sizeof(*j));
	j->fp = fp;
	j->first[0] = 1;
}

static void
json_sep(struct json *j)
{
	if (j->key) {
		j->key = 0;
		return;
	}
	if (!j->first[j->depth])
		fputc(',', j->fp);
	j->first[j->depth] = 0;
}

static void
json_open(struct json *j, int c)
{
	json_sep(j);
	fputc(c, j->fp);
	if (j->depth + 1 < (int)(sizeof(j->first) / sizeof(j->first[0])))
		j->depth++;
	j->first[j->depth] = 1;
}

static void
json_close(struct json *j, int c)
{
	if (j->depth > 0)
		j->depth--;
	fputc(c, j->fp);
}

void
json_begin_obj(struct json *j)
{
	json_open(j, '{');
}

void
json_end_obj(struct json *j)
{
	json_close(j, '}');
}

void
json_begin_arr(struct json *j)
{
	json_open(j, '[');
}

void
json_end_arr(struct json *j)
{
	json_close(j, ']');
}

/* utf8_len - length of the valid UTF-8 sequence at p, or 0 */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t	 len, i;
	unsigned int cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

void
json_strn(struct json *j, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		 i = 0, k;

	json_sep(j);
	fputc('"', j->fp);
	while (i < n) {
		/* A run of plain printable ASCII goes out in one write. */
		for (k = i; k < n && p[k] >= 0x20 && p[k] < 0x7f &&
		    p[k] != '"' && p[k] != '\\'; k++)
			;
		if (k > i) {
			fwrite(p + i, 1, k - i, j->fp);
			i = k;
			continue;
		}
		switch (p[i]) {
		case '"':
			fputs("\\\"", j->fp);
			break;
		case '\\':
			fputs("\\\\", j->fp);
			break;
		case '\n':
			fputs("\\n", j->fp);
			break;
		case '\r':
			fputs("\\r", j->fp);
			break;
		case '\t':
			fputs("\\t", j->fp);
			break;
		default:
			if (p[i] < 0x20 || p[i] == 0x7f) {
				fprintf(j->fp, "\\u%04x", p[i]);
				break;
			}
			if ((k = utf8_len(p + i, n - i)) == 0) {
				fputs("\\ufffd", j->fp);
				break;
			}
			fwrite(p + i, 1, k, j->fp);
			i += k;
			continue;
		}
		i++;
	}
	fputc('"', j->fp);
}

void
json_str(struct json *j, const char *s)
{
	if (s == NULL)
		json_null(j);
	else
		json_strn(j, s, strlen(s));
}

void
json_key(struct json *j, const char *k)
{
	json_str(j, k);
	fputc(':', j->fp);
	j->key = 1;
}

void
json_int(struct json *j, long long v)
{
	json_sep(j);
	fprintf(j->fp, "%lld", v);
}

void
json_bool(struct json *j, int v)
{
	json_sep(j);
	fputs(v ? "true" : "false", j->fp);
}

void
json_null(struct json *j)
{
	json_sep(j);
	fputs("null", j->fp);
}

void
json_kstr(struct json *j, const char *k, const char *v)
{
	json_key(j, k);
	json_str(j, v);
}

void
json_kint(struct json *j, const char *k, long long v)
{
	json_key(j, k);
	json_int(j, v);
}

void
json_kbool(struct json *j, const char *k, int v)
{
	json_key(j, k);
	json_bool(j, v);
}

void
json_finish(struct json *j)
{
	fputc('\n', j->fp);
	fflush(j->fp);
}
