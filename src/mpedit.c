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
 * Edits of main.cf.  Setting a parameter rewrites the definition that
 * wins (the last) in place, keeping how it was spelt up to the value
 * ("name = " or "name="), its line ending, and any comment lines that
 * stood inside it; earlier definitions are left alone and reported.  A
 * new parameter goes at the end of the file, after a line ending is
 * added to a last line that had none (postconf glues it on instead,
 * which silently changes the last parameter).  Unsetting removes every
 * definition.  Each function parses the file again before it returns,
 * so that calls can follow one another.
 */

#include <stdlib.h>
#include <string.h>

#include "pfsubmit.h"

/* delete_content - remove the content lines of entry e, keep comments */
static void
delete_content(struct mp_file *m, const struct cf_entry *e, size_t keep)
{
	size_t	 i;

	for (i = e->last + 1; i-- > e->first;) {
		if (i == keep)
			continue;
		if (m->cf.lines[i].kind == CFL_START ||
		    m->cf.lines[i].kind == CFL_CONT)
			cf_line_delete(&m->cf, i);
	}
}

/*
 * mpe_set - set name to value.  Returns 1 when the file changed, 0 when
 * it already said so.
 */
int
mpe_set(struct mp_file *m, const char *name, const char *value)
{
	const struct mp_param *p;
	const struct cf_entry *e;
	const struct cf_line *l;
	struct buf	 b;
	const char	*eq, *v;
	size_t		 clen;
	int		 cr;

	buf_init(&b);
	if ((p = mp_get(m, name)) != NULL) {
		if (strcmp(p->value, value) == 0)
			return 0;
		e = &m->cf.ents[p->entry];
		l = &m->cf.lines[e->first];
		clen = cf_content_len(l);
		cr = clen > 0 && l->p[clen - 1] == '\r';
		if (cr)
			clen--;
		eq = memchr(l->p, '=', clen);
		if (eq != NULL && (size_t)(eq - l->p) >= strlen(name)) {
			for (v = eq + 1; v < l->p + clen &&
			    (*v == ' ' || *v == '\t'); v++)
				;
			buf_add(&b, l->p, (size_t)(v - l->p));
			/* "name =" gets a space before the value */
			if (v == l->p + clen && v == eq + 1 && *value != '\0' &&
			    eq > l->p && (eq[-1] == ' ' || eq[-1] == '\t'))
				buf_addc(&b, ' ');
		} else
			buf_printf(&b, "%s = ", name);
		buf_adds(&b, value);
		/* Keep the start line's own ending (none on a last line). */
		if (cr)
			buf_addc(&b, '\r');
		if (cf_has_eol(l))
			buf_addc(&b, '\n');
		delete_content(m, e, e->first);
		cf_line_replace(&m->cf, e->first, b.p, b.len);
		buf_free(&b);
		(void)mp_parse(m, NULL);
		return 1;
	}
	if (m->cf.nlines > 0)
		cf_ensure_eol(&m->cf, m->cf.nlines - 1);
	buf_printf(&b, "%s = %s%s", name, value, cf_eol(&m->cf));
	cf_line_insert(&m->cf, m->cf.nlines, b.p, b.len);
	buf_free(&b);
	(void)mp_parse(m, NULL);
	return 1;
}

/*
 * mpe_unset - remove every definition of name.  Returns how many.
 */
int
mpe_unset(struct mp_file *m, const char *name)
{
	size_t	 i;
	int	 n = 0;

	for (i = m->npar; i-- > 0;) {
		if (strcmp(m->par[i].name, name) != 0)
			continue;
		delete_content(m, &m->cf.ents[m->par[i].entry], (size_t)-1);
		n++;
	}
	if (n > 0)
		(void)mp_parse(m, NULL);
	return n;
}
