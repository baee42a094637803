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
 * strvis(3) as OpenBSD encodes: byte by byte, the same in every locale.
 * dst must hold 4 * strlen(src) + 1 bytes; returns the length of what
 * it wrote.
 *
 * A byte is left as it is when it is printable ASCII, or a space, tab or
 * newline that the flags do not ask to encode (VIS_SP, VIS_TAB, VIS_NL),
 * or \b, \a or \r under VIS_SAFE; a backslash is doubled (not under
 * VIS_NOSLASH) and '"' gets one under VIS_DQ.  VIS_GLOB encodes *, ?, [
 * and # too.  Any other byte is, in the first form that applies:
 *   VIS_CSTYLE: \n \r \b \a \v \t \f, \s for a space, \0 for NUL (\000
 *	when an octal digit follows);
 *   a space with or without the high bit, under VIS_OCTAL, or a glob
 *	character: \ddd in octal;
 *   otherwise: \M- for the high bit, then ^C for a control character
 *	(^? for DEL), -C for any other; no backslash under VIS_NOSLASH.
 */

#include "compat.h"

static int
visible(unsigned char c, int flag)
{
	if ((flag & COMPAT_VIS_GLOB) &&
	    (c == '*' || c == '?' || c == '[' || c == '#'))
		return 0;
	if (c > ' ' && c < 0x7f)
		return 1;
	switch (c) {
	case ' ':
		return !(flag & COMPAT_VIS_SP);
	case '\t':
		return !(flag & COMPAT_VIS_TAB);
	case '\n':
		return !(flag & COMPAT_VIS_NL);
	case '\b':
	case '\a':
	case '\r':
		return (flag & COMPAT_VIS_SAFE) != 0;
	}
	return 0;
}

static char *
vis1(char *d, unsigned char c, int flag, unsigned char next)
{
	const char	*cs = NULL;

	if (visible(c, flag)) {
		if ((c == '\\' && !(flag & COMPAT_VIS_NOSLASH)) ||
		    (c == '"' && (flag & COMPAT_VIS_DQ)))
			*d++ = '\\';
		*d++ = (char)c;
		return d;
	}
	if (flag & COMPAT_VIS_CSTYLE) {
		switch (c) {
		case '\n': cs = "n"; break;
		case '\r': cs = "r"; break;
		case '\b': cs = "b"; break;
		case '\a': cs = "a"; break;
		case '\v': cs = "v"; break;
		case '\t': cs = "t"; break;
		case '\f': cs = "f"; break;
		case ' ': cs = "s"; break;
		case '\0':
			cs = (next >= '0' && next <= '7') ? "000" : "0";
			break;
		}
		if (cs != NULL) {
			*d++ = '\\';
			while (*cs != '\0')
				*d++ = *cs++;
			return d;
		}
	}
	if ((c & 0x7f) == ' ' || (flag & COMPAT_VIS_OCTAL) ||
	    ((flag & COMPAT_VIS_GLOB) &&
	    (c == '*' || c == '?' || c == '[' || c == '#'))) {
		*d++ = '\\';
		*d++ = (char)('0' + (c >> 6));
		*d++ = (char)('0' + ((c >> 3) & 7));
		*d++ = (char)('0' + (c & 7));
		return d;
	}
	if (!(flag & COMPAT_VIS_NOSLASH))
		*d++ = '\\';
	if (c & 0x80) {
		c &= 0x7f;
		*d++ = 'M';
	}
	if (c < ' ' || c == 0x7f) {
		*d++ = '^';
		*d++ = c == 0x7f ? '?' : (char)(c + '@');
	} else {
		*d++ = '-';
		*d++ = (char)c;
	}
	return d;
}

int
compat_strvis(char *dst, const char *src, int flag)
{
	const unsigned char	*s = (const unsigned char *)src;
	char			*d = dst;

	for (; *s != '\0'; s++)
		d = vis1(d, s[0], flag, s[1]);
	*d = '\0';
	return (int)(d - dst);
}
