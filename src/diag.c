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
 * Diagnostics.  Parsers and editors collect messages here instead of
 * printing, so that `check' can list every problem and the tests can
 * look at them.  Text that comes from a file is quoted with vquote()
 * before it goes into a message: a hostile master.cf must not be able to
 * send escape sequences to the administrator's terminal.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vis.h>

#include "pfsubmit.h"

void
diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

void
diag_free(struct diag *d)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		free(d->m[i].file);
		free(d->m[i].text);
		free(d->m[i].rule);
	}
	free(d->m);
	diag_init(d);
}

static void __attribute__((__format__(__printf__, 6, 0)))
diag_vadd(struct diag *d, enum diag_sev sev, const char *file, size_t line,
    const char *rule, const char *fmt, va_list ap)
{
	struct diag_msg	*m;
	struct buf	 b;
	va_list		 ap2;
	int		 n;

	if (d == NULL)
		return;
	if (d->n == d->cap) {
		d->cap = d->cap == 0 ? 16 : d->cap * 2;
		d->m = xreallocarray(d->m, d->cap, sizeof(*d->m));
	}
	m = &d->m[d->n++];
	m->sev = sev;
	m->file = file != NULL ? xstrdup(file) : NULL;
	m->line = line;
	m->rule = rule != NULL ? xstrdup(rule) : NULL;
	buf_init(&b);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	b.p = xmalloc((size_t)n + 1);
	(void)vsnprintf(b.p, (size_t)n + 1, fmt, ap);
	m->text = b.p;
	if (sev == DIAG_ERR)
		d->nerr++;
	else if (sev == DIAG_WARN)
		d->nwarn++;
}

/* diag_add - add a message; file and line may be NULL and 0 */
void
diag_add(struct diag *d, enum diag_sev sev, const char *file, size_t line,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	diag_vadd(d, sev, file, line, NULL, fmt, ap);
	va_end(ap);
}

/* diag_addr - add a message that a named lint rule produced */
void
diag_addr(struct diag *d, enum diag_sev sev, const char *file, size_t line,
    const char *rule, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	diag_vadd(d, sev, file, line, rule, fmt, ap);
	va_end(ap);
}

/* diag_move - append every message of src to dst and empty src */
void
diag_move(struct diag *dst, struct diag *src)
{
	size_t	 i;

	for (i = 0; i < src->n; i++) {
		if (dst->n == dst->cap) {
			dst->cap = dst->cap == 0 ? 16 : dst->cap * 2;
			dst->m = xreallocarray(dst->m, dst->cap,
			    sizeof(*dst->m));
		}
		dst->m[dst->n++] = src->m[i];
		if (src->m[i].sev == DIAG_ERR)
			dst->nerr++;
		else if (src->m[i].sev == DIAG_WARN)
			dst->nwarn++;
	}
	free(src->m);
	diag_init(src);
}

/*
 * diag_place - give messages about a file named relative to a directory
 * (a lock file, a temporary file) the directory's path too.
 */
void
diag_place(struct diag *d, const char *dir)
{
	size_t	 i, n = strlen(dir);
	char	*p;

	for (i = 0; i < d->n; i++) {
		if (d->m[i].file == NULL || d->m[i].file[0] == '/' ||
		    strncmp(d->m[i].file, dir, n) == 0)
			continue;
		p = n > 0 && dir[n - 1] == '/' ? xprintf("%s%s", dir,
		    d->m[i].file) : xprintf("%s/%s", dir, d->m[i].file);
		free(d->m[i].file);
		d->m[i].file = p;
	}
}

const char *
diag_sevname(enum diag_sev sev)
{
	switch (sev) {
	case DIAG_ERR:
		return "error";
	case DIAG_WARN:
		return "warning";
	default:
		return "note";
	}
}

/* diag_print - print messages of at least severity min, one per line */
void
diag_print(const struct diag *d, FILE *fp, enum diag_sev min)
{
	const struct diag_msg *m;
	size_t		 i;

	for (i = 0; i < d->n; i++) {
		m = &d->m[i];
		if (m->sev < min)
			continue;
		if (m->file != NULL && m->line > 0)
			fprintf(fp, "%s:%zu: %s: %s\n", m->file, m->line,
			    diag_sevname(m->sev), m->text);
		else if (m->file != NULL)
			fprintf(fp, "%s: %s: %s\n", m->file,
			    diag_sevname(m->sev), m->text);
		else
			fprintf(fp, "pfsubmit: %s: %s\n",
			    diag_sevname(m->sev), m->text);
	}
}

/*
 * vquote - quote n bytes of untrusted text for a terminal; allocated.
 * Control bytes, bytes above 0x7e and backslashes come out as C-style
 * escapes.  Text longer than max bytes (0: no limit) is cut and "..."
 * appended.
 */
char *
vquote(const char *p, size_t n, size_t max)
{
	char	*in, *out;
	size_t	 cut;
	int	 r;

	cut = (max > 0 && n > max) ? max : n;
	in = xstrndup(p, cut);
	out = xcalloc(4 * cut + 4 + 1, 1);
	r = strvis(out, in, VIS_OCTAL | VIS_CSTYLE | VIS_NL | VIS_NOLOCALE);
	free(in);
	if (r < 0)
		out[0] = '\0';
	if (cut < n)
		(void)strlcat(out, "...", 4 * cut + 4 + 1);
	return out;
}
