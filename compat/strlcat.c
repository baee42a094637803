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
 * strlcat(3): append src to the string in dst of dstsize bytes, always
 * NUL-terminated when dst held a NUL within dstsize; returns the length
 * of the string it tried to make: strlen(src) plus the length of dst,
 * or plus dstsize when dst had no NUL in its first dstsize bytes.
 */

#include <string.h>

#include "compat.h"

size_t
compat_strlcat(char *dst, const char *src, size_t dstsize)
{
	size_t	 dlen, slen, n;

	for (dlen = 0; dlen < dstsize && dst[dlen] != '\0'; dlen++)
		;
	slen = strlen(src);
	if (dlen == dstsize)
		return dstsize + slen;
	n = slen < dstsize - dlen - 1 ? slen : dstsize - dlen - 1;
	memcpy(dst + dlen, src, n);
	dst[dlen + n] = '\0';
	return dlen + slen;
}
