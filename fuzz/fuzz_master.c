/*
 * libFuzzer target: master.cf.  Whatever the bytes, parsing must not
 * crash, and a file that loads must serialize to exactly its bytes.
 * Every override is also expanded, and every service name resolved;
 * mc_find_override (an index past a few overrides) must give the last
 * override of each name, as a scan from the end does.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pfsubmit.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *
lookup(const char *name, void *arg)
{
	(void)arg;
	return strcmp(name, "myhostname") == 0 ? "mail.example.org" : NULL;
}

/* last_of - the last override of name, by a scan */
static const struct mc_override *
last_of(const struct mc_service *s, const char *name)
{
	size_t	 i;

	for (i = s->nov; i > 0; i--)
		if (strcmp(s->ov[i - 1].name, name) == 0)
			return &s->ov[i - 1];
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct mc_file		 m;
	struct diag		 d;
	struct buf		 b;
	struct exp_result	 res;
	char			*host, *port;
	size_t			 i, k;

	diag_init(&d);
	mc_init(&m, "master.cf");
	if (cf_load(&m.cf, (const char *)data, len, &d) == 0) {
		(void)mc_parse(&m, &d);
		buf_init(&b);
		buf_adds(&b, "");
		cf_serialize(&m.cf, &b);
		if (b.len != len || memcmp(b.p, data, len) != 0)
			abort();
		buf_free(&b);
		for (i = 0; i < m.nsvc; i++) {
			(void)mc_port_of(m.svc[i].field[MCF_SERVICE], &host,
			    &port);
			free(host);
			free(port);
			(void)mc_is_submission(&m.svc[i]);
			for (k = 0; k < m.svc[i].nov; k++) {
				exp_expand(m.svc[i].ov[k].value, lookup, NULL,
				    &res);
				exp_result_free(&res);
				if (mc_find_override(&m.svc[i],
				    m.svc[i].ov[k].name) != last_of(&m.svc[i],
				    m.svc[i].ov[k].name))
					abort();
			}
		}
	}
	mc_free(&m);
	diag_free(&d);
	return 0;
}
