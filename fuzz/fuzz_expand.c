/*
 * libFuzzer target: $name expansion.  The first line is the text to
 * expand, the rest a main.cf to look names up in.  Expansion, the syntax
 * check and the name scan must end without a crash or a leak, however
 * deep the nesting of the text or of the values it refers to.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pfsubmit.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *
lookup(const char *name, void *arg)
{
	const struct mp_param *p = mp_get(arg, name);

	return p != NULL ? p->value : NULL;
}

static void
count(const char *name, size_t len, void *arg)
{
	(void)name;
	(void)len;
	(*(size_t *)arg)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct mp_file		 m;
	struct diag		 d;
	struct exp_result	 res;
	const uint8_t		*nl;
	char			*text, *err;
	size_t			 tlen, n = 0;

	if (memchr(data, '\0', len) != NULL)
		return 0;
	nl = memchr(data, '\n', len);
	tlen = nl != NULL ? (size_t)(nl - data) : len;
	text = xstrndup((const char *)data, tlen);
	diag_init(&d);
	mp_init(&m, "main.cf");
	if (nl != NULL && cf_load(&m.cf, (const char *)nl + 1,
	    len - tlen - 1, &d) == 0)
		(void)mp_parse(&m, &d);
	exp_expand(text, lookup, &m, &res);
	if (exp_syntax(text, &err) == -1)
		free(err);
	exp_names(text, count, &n);
	exp_result_free(&res);
	mp_free(&m);
	diag_free(&d);
	free(text);
	return 0;
}
