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
 * main.cf: "name = value" logical lines, as Postfix's dict_load_fp() and
 * split_nameval() read them.  The name is everything up to white space
 * or '='; the value is the rest after '=', trimmed at both ends, with its
 * inner white space (continuation indentation included) kept.  The last
 * definition of a name wins.  A logical line without '=' makes every
 * Postfix program refuse to start, so it is an error here too.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pfsubmit.h"

void
mp_init(struct mp_file *m, const char *path)
{
	memset(m, 0, sizeof(*m));
	cf_init(&m->cf, path);
	strmap_init(&m->map);
}

static void
mp_params_free(struct mp_file *m)
{
	size_t	 i;

	for (i = 0; i < m->npar; i++) {
		free(m->par[i].name);
		free(m->par[i].value);
	}
	free(m->par);
	m->par = NULL;
	m->npar = 0;
	m->cappar = 0;
	strmap_free(&m->map);
}

void
mp_free(struct mp_file *m)
{
	if (m == NULL)
		return;
	mp_params_free(m);
	cf_free(&m->cf);
}

static int
is_readonly(const char *name)
{
	return strcmp(name, "process_name") == 0 ||
	    strcmp(name, "process_id") == 0 ||
	    strcmp(name, "service_name") == 0;
}

/*
 * mp_parse - (re)build the parameters from the lines.  Returns -1 when
 * the file has an error that would stop Postfix.
 */
int
mp_parse(struct mp_file *m, struct diag *d)
{
	const struct cf_entry *e;
	struct cf_piece	*pc;
	struct mp_param	*p, *old;
	char		*text, *name, *value, *q;
	size_t		 i, npc, len;
	intptr_t	 prev;
	int		 nerr = 0, r;

	mp_params_free(m);
	cf_group(&m->cf);
	for (i = 0; i < m->cf.nents; i++) {
		e = &m->cf.ents[i];
		if (e->kind == CFE_TRIVIA)
			continue;
		if (e->kind == CFE_ORPHAN) {
			diag_add(d, DIAG_WARN, m->cf.path, e->first + 1,
			    "logical line must not start with white space; "
			    "Postfix ignores it");
			continue;
		}
		npc = cf_entry_pieces(&m->cf, e, &pc);
		text = cf_join(pc, npc, &m->cf, &len);
		free(pc);
		if ((r = cf_split_nameval(text, len, &name, &value)) < 0) {
			q = vquote(text, len, 60);
			diag_add(d, DIAG_ERR, m->cf.path, e->first + 1,
			    r == -1 ? "missing attribute name: \"%s\"" :
			    "missing '=' after attribute name: \"%s\"", q);
			free(q);
			free(text);
			nerr++;
			continue;
		}
		free(text);
		if (is_readonly(name)) {
			q = vquote(name, strlen(name), 60);
			diag_add(d, DIAG_WARN, m->cf.path, e->first + 1,
			    "read-only parameter %s; Postfix ignores it", q);
			free(q);
			/* Kept as a line, but it defines nothing. */
			free(name);
			free(value);
			continue;
		}
		m->par = xgrowarray(m->par, &m->cappar, m->npar + 1,
		    sizeof(*m->par));
		p = &m->par[m->npar];
		p->name = name;
		p->value = value;
		p->entry = i;
		p->line = e->first;
		p->shadowed = 0;
		/* The map holds index + 1, so that 0 means "absent". */
		prev = (intptr_t)strmap_get(&m->map, name);
		if (prev != 0) {
			old = &m->par[prev - 1];
			old->shadowed = 1;
			if (strcmp(old->value, value) != 0) {
				q = vquote(name, strlen(name), 60);
				diag_add(d, DIAG_WARN, m->cf.path,
				    e->first + 1, "%s is set again; this "
				    "overrides line %zu", q, old->line + 1);
				free(q);
			}
		}
		strmap_put(&m->map, name, (void *)(intptr_t)(m->npar + 1));
		m->npar++;
	}
	return nerr > 0 ? -1 : 0;
}

/* mp_get - the definition that wins, or NULL */
const struct mp_param *
mp_get(const struct mp_file *m, const char *name)
{
	intptr_t	 i;

	i = (intptr_t)strmap_get(&m->map, name);
	return i == 0 ? NULL : &m->par[i - 1];
}
