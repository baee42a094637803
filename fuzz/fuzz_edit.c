/*
 * libFuzzer target: structure-aware edits of master.cf.  The input is a
 * master.cf followed, after a NUL byte, by edit commands (one byte picks
 * the edit, the next the service).  Invariants after every edit:
 *  - lines before the edited service are byte-identical;
 *  - the file parses again, and serializes to its own bytes;
 *  - cf_check_limits accepts the edited lines exactly when cf_load
 *    accepts their bytes;
 *  - an override that was set reads back with the value set, and one
 *    that was removed is gone.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfsubmit.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const values[] = {
	"yes", "permit_sasl_authenticated,reject", "", "{ a b }",
	"$myhostname", "x=y"
};

/* round_trip - the file serializes to what it parses from */
static void
round_trip(struct mc_file *m)
{
	struct mc_file	 n;
	struct diag	 d;
	struct buf	 b, c;
	int		 r;

	buf_init(&b);
	buf_adds(&b, "");
	cf_serialize(&m->cf, &b);
	diag_init(&d);
	mc_init(&n, "copy");
	r = cf_load(&n.cf, b.p, b.len, &d);
	if ((r == 0) != (cf_check_limits(&m->cf, NULL) == 0))
		abort();
	if (r == 0) {
		(void)mc_parse(&n, &d);
		buf_init(&c);
		buf_adds(&c, "");
		cf_serialize(&n.cf, &c);
		if (c.len != b.len || memcmp(c.p, b.p, b.len) != 0)
			abort();
		buf_free(&c);
	}
	mc_free(&n);
	diag_free(&d);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct mc_file		 m;
	struct diag		 d;
	const struct mc_override *o;
	const uint8_t		*sep, *cmd, *end;
	char			*tok, *before, *after;
	const char		*val;
	size_t			 i, first, blen;
	int			 op, nedit;

	if ((sep = memchr(data, '\0', len)) == NULL)
		return 0;
	cmd = sep + 1;
	end = data + len;
	diag_init(&d);
	mc_init(&m, "master.cf");
	if (cf_load(&m.cf, (const char *)data, (size_t)(sep - data), &d) !=
	    0 || mc_parse(&m, &d) != 0)
		goto out;
	for (nedit = 0; cmd + 1 < end && m.nsvc > 0 && nedit < 16;
	    cmd += 2, nedit++) {
		op = cmd[0] % 6;
		i = cmd[1] % m.nsvc;
		if (m.svc[i].ntok < MC_NFIELDS)
			continue;
		first = m.svc[i].first;
		before = NULL;
		{
			struct cf_file	 head = m.cf;
			struct buf	 b;

			head.nlines = first;
			buf_init(&b);
			buf_adds(&b, "");
			cf_serialize(&head, &b);
			blen = b.len;
			before = buf_take(&b);
		}
		val = values[cmd[1] % (sizeof(values) / sizeof(values[0]))];
		switch (op) {
		case 0:
			if (m.svc[i].enabled)
				mce_comment_out(&m, i);
			break;
		case 1:
			if (!m.svc[i].enabled)
				mce_uncomment(&m, i);
			break;
		case 2:
		case 3:
			if (!m.svc[i].enabled)
				break;
			tok = strchr(val, ' ') != NULL ?
			    xprintf("{ fz_param = %s }", val) :
			    xprintf("fz_param=%s", val);
			if (op == 2 || mce_set_override(&m, i, "fz_param",
			    tok) == 0)
				mce_add_overrides(&m, i, &tok, 1);
			free(tok);
			break;
		case 4:
			if (m.svc[i].enabled)
				(void)mce_remove_override(&m, i, "fz_param");
			break;
		default:
			if (m.svc[i].enabled)
				(void)mce_remove_override(&m, i,
				    m.svc[i].nov > 0 ? m.svc[i].ov[0].name :
				    "none");
			break;
		}
		diag_free(&d);
		diag_init(&d);
		if (mc_parse(&m, &d) != 0) {
			fprintf(stderr, "edit %d on line %zu broke the file:\n",
			    op, first + 1);
			diag_print(&d, stderr, DIAG_ERR);
			abort();
		}
		{
			struct cf_file	 head = m.cf;
			struct buf	 b;

			head.nlines = first;
			buf_init(&b);
			buf_adds(&b, "");
			cf_serialize(&head, &b);
			after = buf_take(&b);
			if (strlen(after) != blen ||
			    memcmp(after, before, blen) != 0)
				abort();
			free(after);
		}
		free(before);
		round_trip(&m);
		/* The edited service is the one that starts on `first'. */
		for (i = 0; i < m.nsvc; i++)
			if (m.svc[i].first == first && m.svc[i].enabled &&
			    (op == 2 || op == 3) && m.svc[i].pos ==
			    m.svc[i].ntok && m.svc[i].optend == m.svc[i].ntok) {
				o = mc_find_override(&m.svc[i], "fz_param");
				if (o == NULL || strcmp(o->value, val) != 0)
					abort();
			}
	}
out:
	mc_free(&m);
	diag_free(&d);
	return 0;
}
