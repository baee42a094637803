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
 * The rules of `check' beyond what the parse itself finds.  Each finding
 * names its rule, so that scripts (and tests) can tell them apart.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfsubmit.h"

struct lint {
	struct conf	*c;
	struct diag	*d;
};

/* finding - a message whose text is formatted here, then quoted */
static void __attribute__((__format__(__printf__, 6, 7)))
finding(struct lint *l, enum diag_sev sev, const struct cf_file *f,
    size_t line, const char *rule, const char *fmt, ...)
{
	va_list	 ap;
	char	*text, *q;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	text = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	(void)vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	q = vquote(text, strlen(text), 300);
	diag_addr(l->d, sev, f->path, line + 1, rule, "%s", q);
	free(q);
	free(text);
}

/* Expansion: syntax errors, undefined names, loops. */
static void
lint_expand_main(struct lint *l)
{
	struct exp_result	 res;
	const struct mp_param	*p;
	size_t			 i;

	for (i = 0; i < l->c->main.npar; i++) {
		p = &l->c->main.par[i];
		if (p->shadowed || exp_is_raw(p->name))
			continue;
		conf_expand_main(l->c, p->value, &res);
		if (res.error != NULL)
			finding(l, DIAG_ERR, &l->c->main.cf, p->line,
			    res.depth ? "expand-loop" : "expand-syntax",
			    "%.60s: %s", p->name, res.error);
		else if (res.undef != NULL)
			finding(l, DIAG_WARN, &l->c->main.cf, p->line,
			    "undefined-parameter", "%.60s refers to $%.60s, "
			    "which is not defined", p->name, res.undef);
		exp_result_free(&res);
	}
}

static void
lint_service(struct lint *l, const struct mc_service *s)
{
	struct exp_result	 res;
	const struct mc_override *o;
	const struct cf_file	*f = &l->c->master.cf;
	size_t			 k;

	for (k = 0; k < s->nov; k++) {
		o = &s->ov[k];
		if (exp_is_raw(o->name))
			continue;
		conf_expand_service(l->c, s, o->value, &res);
		if (res.error != NULL)
			finding(l, DIAG_ERR, f, o->line, res.depth ?
			    "expand-loop" : "expand-syntax", "-o %.60s: %s",
			    o->name, res.error);
		else if (res.undef != NULL)
			finding(l, DIAG_WARN, f, o->line,
			    "undefined-parameter", "-o %.60s refers to $%.60s, "
			    "which is not defined", o->name, res.undef);
		exp_result_free(&res);
	}
}

/* Two live entries with one name and type: master(8) uses the last. */
static void
lint_duplicates(struct lint *l)
{
	const struct mc_service *a, *b;
	struct strmap	 seen;
	char		*key;
	size_t		 i;
	intptr_t	 prev;

	strmap_init(&seen);
	for (i = 0; i < l->c->master.nsvc; i++) {
		a = &l->c->master.svc[i];
		if (!a->enabled)
			continue;
		key = xprintf("%s/%s", a->field[MCF_SERVICE],
		    a->field[MCF_TYPE]);
		if ((prev = (intptr_t)strmap_get(&seen, key)) != 0) {
			b = &l->c->master.svc[prev - 1];
			diag_addr(l->d, DIAG_WARN, l->c->master.cf.path,
			    a->first + 1, "duplicate-service", "service %s is "
			    "also defined on line %zu; master(8) uses only "
			    "the last", key, b->first + 1);
		}
		strmap_put(&seen, key, (void *)(intptr_t)(i + 1));
		free(key);
	}
	strmap_free(&seen);
}

/* lint_run - every rule, findings to d */
void
lint_run(struct conf *c, struct diag *d)
{
	struct lint	 l;
	size_t		 i;

	l.c = c;
	l.d = d;
	lint_expand_main(&l);
	for (i = 0; i < c->master.nsvc; i++)
		if (c->master.svc[i].enabled)
			lint_service(&l, &c->master.svc[i]);
	lint_duplicates(&l);
}
