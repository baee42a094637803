/*
 * libFuzzer target: main.cf.  Parsing must not crash, a file that loads
 * must serialize to exactly its bytes, and expanding every parameter
 * against the file itself must end (nesting is bounded).
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct mp_file		 m;
	struct diag		 d;
	struct buf		 b;
	struct exp_result	 res;
	size_t			 i;

	diag_init(&d);
	mp_init(&m, "main.cf");
	if (cf_load(&m.cf, (const char *)data, len, &d) == 0) {
		(void)mp_parse(&m, &d);
		buf_init(&b);
		buf_adds(&b, "");
		cf_serialize(&m.cf, &b);
		if (b.len != len || memcmp(b.p, data, len) != 0)
			abort();
		buf_free(&b);
		for (i = 0; i < m.npar; i++) {
			exp_expand(m.par[i].value, lookup, &m, &res);
			exp_result_free(&res);
		}
	}
	mp_free(&m);
	diag_free(&d);
	return 0;
}
