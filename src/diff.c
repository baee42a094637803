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
 * Unified diffs, for -n.  An edit changes few lines of a large file, so
 * the common head and tail are cut off first and a longest common
 * subsequence is computed on what is left; when that is too large for
 * the table, the middle is shown replaced as a whole, which is a correct
 * if longer diff.  The output applies with patch -p1 in the directory.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pfsubmit.h"

#define DIFF_CTX	3
#define DIFF_MAXCELLS	(16 * 1024 * 1024)

struct dline {
	const char	*p;
	size_t		 len;	/* including the '\n' if any */
};

enum { OP_EQ, OP_DEL, OP_INS };

struct dop {
	int		 type;
	size_t		 o;	/* index into old (EQ, DEL) */
	size_t		 n;	/* index into new (EQ, INS) */
};

static size_t
split_lines(const char *p, size_t len, struct dline **lp)
{
	struct dline	*l = NULL;
	const char	*nl, *end = p + len;
	size_t		 n = 0, cap = 0;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end - 1;
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			l = xreallocarray(l, cap, sizeof(*l));
		}
		l[n].p = p;
		l[n].len = (size_t)(nl - p) + 1;
		n++;
		p = nl + 1;
	}
	*lp = l;
	return n;
}

static int
line_eq(const struct dline *a, const struct dline *b)
{
	return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

static void
add_op(struct dop **ops, size_t *n, size_t *cap, int type, size_t o, size_t nn)
{
	if (*n == *cap) {
		*cap = *cap == 0 ? 64 : *cap * 2;
		*ops = xreallocarray(*ops, *cap, sizeof(**ops));
	}
	(*ops)[*n].type = type;
	(*ops)[*n].o = o;
	(*ops)[*n].n = nn;
	(*n)++;
}

/* middle - the edit script for old[a,b) against new[c,d) */
static void
middle(const struct dline *ol, size_t a, size_t b, const struct dline *nl,
    size_t c, size_t d, struct dop **ops, size_t *nops, size_t *cap)
{
	uint32_t	*t;
	size_t		 rows = b - a, cols = d - c, i, j, w;

	if (rows == 0 || cols == 0 || rows > DIFF_MAXCELLS / cols) {
		for (i = a; i < b; i++)
			add_op(ops, nops, cap, OP_DEL, i, 0);
		for (j = c; j < d; j++)
			add_op(ops, nops, cap, OP_INS, 0, j);
		return;
	}
	/* t[i][j]: LCS length of old[a+i..b) and new[c+j..d). */
	w = cols + 1;
	t = xcalloc((rows + 1) * w, sizeof(*t));
	for (i = rows; i-- > 0;)
		for (j = cols; j-- > 0;) {
			if (line_eq(&ol[a + i], &nl[c + j]))
				t[i * w + j] = t[(i + 1) * w + j + 1] + 1;
			else if (t[(i + 1) * w + j] >= t[i * w + j + 1])
				t[i * w + j] = t[(i + 1) * w + j];
			else
				t[i * w + j] = t[i * w + j + 1];
		}
	i = j = 0;
	while (i < rows && j < cols) {
		if (line_eq(&ol[a + i], &nl[c + j])) {
			add_op(ops, nops, cap, OP_EQ, a + i, c + j);
			i++;
			j++;
		} else if (t[(i + 1) * w + j] >= t[i * w + j + 1]) {
			add_op(ops, nops, cap, OP_DEL, a + i, 0);
			i++;
		} else {
			add_op(ops, nops, cap, OP_INS, 0, c + j);
			j++;
		}
	}
	for (; i < rows; i++)
		add_op(ops, nops, cap, OP_DEL, a + i, 0);
	for (; j < cols; j++)
		add_op(ops, nops, cap, OP_INS, 0, c + j);
	free(t);
}

static void
emit_line(struct buf *out, int mark, const struct dline *l)
{
	buf_addc(out, mark);
	buf_add(out, l->p, l->len);
	if (l->len == 0 || l->p[l->len - 1] != '\n')
		buf_adds(out, "\n\\ No newline at end of file\n");
}

static void
emit_hunk(struct buf *out, const struct dop *ops, size_t s, size_t e,
    const struct dline *ol, const struct dline *nl)
{
	size_t	 i, k, os = SIZE_MAX, ns = SIZE_MAX, oc = 0, nc = 0;
	size_t	 obefore = 0, nbefore = 0;

	for (i = s; i < e; i++) {
		if (ops[i].type != OP_INS) {
			if (os == SIZE_MAX)
				os = ops[i].o;
			oc++;
		}
		if (ops[i].type != OP_DEL) {
			if (ns == SIZE_MAX)
				ns = ops[i].n;
			nc++;
		}
	}
	/* With no line on one side, name the line before the hunk. */
	for (k = s; k-- > 0;)
		if (ops[k].type != OP_INS) {
			obefore = ops[k].o + 1;
			break;
		}
	for (k = s; k-- > 0;)
		if (ops[k].type != OP_DEL) {
			nbefore = ops[k].n + 1;
			break;
		}
	buf_printf(out, "@@ -%zu", oc == 0 ? obefore : os + 1);
	if (oc != 1)
		buf_printf(out, ",%zu", oc);
	buf_printf(out, " +%zu", nc == 0 ? nbefore : ns + 1);
	if (nc != 1)
		buf_printf(out, ",%zu", nc);
	buf_adds(out, " @@\n");
	/* Each run of changes: its deletions, then its insertions. */
	for (i = s; i < e;) {
		if (ops[i].type == OP_EQ) {
			emit_line(out, ' ', &ol[ops[i].o]);
			i++;
			continue;
		}
		for (k = i; k < e && ops[k].type != OP_EQ; k++)
			if (ops[k].type == OP_DEL)
				emit_line(out, '-', &ol[ops[k].o]);
		for (k = i; k < e && ops[k].type != OP_EQ; k++)
			if (ops[k].type == OP_INS)
				emit_line(out, '+', &nl[ops[k].n]);
		i = k;
	}
}

/*
 * diff_unified - append to out a unified diff of old against new, under
 * the name "a/NAME" and "b/NAME"; nothing when they are equal.
 */
void
diff_unified(const char *name, const char *old, size_t oldlen,
    const char *new, size_t newlen, struct buf *out)
{
	struct dline	*ol, *nl;
	struct dop	*ops = NULL;
	size_t		 no, nn, pre = 0, suf = 0, nops = 0, cap = 0;
	size_t		 i, j, k, s, e;

	if (oldlen == newlen && memcmp(old, new, oldlen) == 0)
		return;
	no = split_lines(old, oldlen, &ol);
	nn = split_lines(new, newlen, &nl);
	while (pre < no && pre < nn && line_eq(&ol[pre], &nl[pre]))
		pre++;
	while (suf < no - pre && suf < nn - pre &&
	    line_eq(&ol[no - 1 - suf], &nl[nn - 1 - suf]))
		suf++;
	for (i = 0; i < pre; i++)
		add_op(&ops, &nops, &cap, OP_EQ, i, i);
	middle(ol, pre, no - suf, nl, pre, nn - suf, &ops, &nops, &cap);
	for (i = 0; i < suf; i++)
		add_op(&ops, &nops, &cap, OP_EQ, no - suf + i, nn - suf + i);

	buf_printf(out, "--- a/%s\n+++ b/%s\n", name, name);
	i = 0;
	while (i < nops) {
		if (ops[i].type == OP_EQ) {
			i++;
			continue;
		}
		s = i > DIFF_CTX ? i - DIFF_CTX : 0;
		j = i;
		for (;;) {
			while (j < nops && ops[j].type != OP_EQ)
				j++;
			k = j;
			while (k < nops && ops[k].type == OP_EQ)
				k++;
			if (k < nops && k - j <= 2 * DIFF_CTX) {
				j = k;
				continue;
			}
			e = j + DIFF_CTX < nops ? j + DIFF_CTX : nops;
			break;
		}
		emit_hunk(out, ops, s, e, ol, nl);
		i = e;
	}
	free(ops);
	free(ol);
	free(nl);
}
