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
 * Memory: allocation wrappers that exit on failure (the one exit allowed
 * outside main and the command layer, as in signify and mandoc), a
 * growable string, and a small hash table.
 */

#include <err.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfsubmit.h"

void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		err(EX_PF_FAIL, "malloc");
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		err(EX_PF_FAIL, "calloc");
	return p;
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if ((p = reallocarray(old, n == 0 ? 1 : n, size == 0 ? 1 : size))
	    == NULL)
		err(EX_PF_FAIL, "reallocarray");
	return p;
}

/*
 * xgrowarray - room for need elements of size bytes in p, whose capacity
 * is *capp.  The capacity doubles: n appends then copy O(n) bytes in
 * all, even where realloc cannot grow a block in place (AddressSanitizer
 * never does), instead of the O(n^2) of growing by one.
 */
void *
xgrowarray(void *p, size_t *capp, size_t need, size_t size)
{
	size_t	 cap = *capp;

	if (need <= cap)
		return p;
	if (cap < 8)
		cap = 8;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			errx(EX_PF_FAIL, "array too large");
		cap *= 2;
	}
	p = xreallocarray(p, cap, size);
	*capp = cap;
	return p;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		err(EX_PF_FAIL, "strdup");
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* xprintf - return an allocated formatted string */
char *
xprintf(const char *fmt, ...)
{
	struct buf	 b;
	va_list		 ap;
	int		 n;

	buf_init(&b);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		errx(EX_PF_FAIL, "vsnprintf");
	b.p = xmalloc((size_t)n + 1);
	b.cap = (size_t)n + 1;
	va_start(ap, fmt);
	(void)vsnprintf(b.p, b.cap, fmt, ap);
	va_end(ap);
	return b.p;
}

void
buf_init(struct buf *b)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->p);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

static void
buf_grow(struct buf *b, size_t need)
{
	size_t	 cap;

	if (need >= SIZE_MAX / 2 - b->len)
		errx(EX_PF_FAIL, "buffer too large");
	if (b->len + need + 1 <= b->cap)
		return;
	cap = b->cap < 64 ? 64 : b->cap;
	while (cap < b->len + need + 1)
		cap *= 2;
	b->p = xreallocarray(b->p, cap, 1);
	b->cap = cap;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_addc(struct buf *b, int c)
{
	char	 ch = (char)c;

	buf_add(b, &ch, 1);
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		errx(EX_PF_FAIL, "vsnprintf");
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	(void)vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* buf_take - return the owned string and reset the buffer; never NULL */
char *
buf_take(struct buf *b)
{
	char	*p;

	if (b->p == NULL)
		return xstrdup("");
	p = b->p;
	buf_init(b);
	return p;
}

/*
 * The hash table: open addressing with linear probing, FNV-1a.  Keys are
 * copied; values are borrowed.  Nothing is ever deleted.
 */
static size_t
strmap_hash(const char *s)
{
	size_t	 h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

void
strmap_init(struct strmap *m)
{
	m->ent = NULL;
	m->cap = 0;
	m->n = 0;
}

void
strmap_free(struct strmap *m)
{
	size_t	 i;

	for (i = 0; i < m->cap; i++)
		free(m->ent[i].key);
	free(m->ent);
	strmap_init(m);
}

void *
strmap_get(const struct strmap *m, const char *key)
{
	size_t	 i;

	if (m->cap == 0)
		return NULL;
	for (i = strmap_hash(key) & (m->cap - 1); m->ent[i].key != NULL;
	    i = (i + 1) & (m->cap - 1))
		if (strcmp(m->ent[i].key, key) == 0)
			return m->ent[i].val;
	return NULL;
}

void
strmap_put(struct strmap *m, const char *key, void *val)
{
	struct strmap_ent *old;
	size_t		 i, oldcap;

	if ((m->n + 1) * 2 > m->cap) {
		old = m->ent;
		oldcap = m->cap;
		m->cap = oldcap == 0 ? 64 : oldcap * 2;
		m->ent = xcalloc(m->cap, sizeof(*m->ent));
		m->n = 0;
		for (i = 0; i < oldcap; i++) {
			if (old[i].key == NULL)
				continue;
			strmap_put(m, old[i].key, old[i].val);
			free(old[i].key);
		}
		free(old);
	}
	for (i = strmap_hash(key) & (m->cap - 1); m->ent[i].key != NULL;
	    i = (i + 1) & (m->cap - 1)) {
		if (strcmp(m->ent[i].key, key) == 0) {
			m->ent[i].val = val;
			return;
		}
	}
	m->ent[i].key = xstrdup(key);
	m->ent[i].val = val;
	m->n++;
}
