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
 * Edits of master.cf.  Unlike postconf, which reformats every entry it
 * touches and moves the comments inside it, these change the fewest
 * bytes that do the job: a value is replaced inside its own line, a new
 * override is a new line in the style of the entry's other override
 * lines, an override that is removed takes its line with it only when
 * nothing else was on that line, and uncommenting removes just the '#'
 * of the header and of the option lines.
 *
 * Each function edits the physical lines of one service, as parsed; the
 * caller parses the file again (mc_parse) before looking at services.
 */

#include <stdlib.h>
#include <string.h>

#include "pfsubmit.h"

/*
 * replace_range - replace bytes [ls, le) of the service's logical line
 * with text.  When the range spans physical lines, the first keeps the
 * result and the other content lines of the range go; comment lines
 * between them stay.
 */
static void
replace_range(struct mc_file *m, const struct mc_service *s, size_t ls,
    size_t le, const char *text)
{
	const struct cf_line *la, *lb;
	struct buf	 b;
	size_t		 pa, pb, oa, ob, i, line;

	pa = cf_map(s->pc, s->npc, ls, &oa);
	if (le > ls) {
		pb = cf_map(s->pc, s->npc, le - 1, &ob);
		ob++;
	} else {
		pb = pa;
		ob = oa;
	}
	la = &m->cf.lines[s->pc[pa].line];
	lb = &m->cf.lines[s->pc[pb].line];
	buf_init(&b);
	buf_add(&b, la->p, oa);
	buf_adds(&b, text);
	buf_add(&b, lb->p + ob, lb->len - ob);
	line = s->pc[pa].line;
	/* Delete the other content lines first: la and lb stay valid. */
	for (i = pb; i > pa; i--)
		cf_line_delete(&m->cf, s->pc[i].line);
	cf_line_replace(&m->cf, line, b.p, b.len);
	buf_free(&b);
}

/* line_is_blank - only white space before the line ending */
static int
line_is_blank(const struct cf_line *l)
{
	size_t	 i, n = cf_content_len(l);

	for (i = 0; i < n; i++)
		if (!cf_isspace((unsigned char)l->p[i]))
			return 0;
	return 1;
}

/*
 * value_range - where the text after "-o" of override o lies (the
 * separate token, or the rest of a "-oname=value" token), and where the
 * 'o' itself is (inside a cluster such as "-vo", after the other flags).
 */
static void
value_range(const struct mc_service *s, const struct mc_override *o,
    size_t *startp, size_t *endp, size_t *optstartp)
{
	const struct mc_token *t = &s->tok[o->opt];
	const char	*raw = s->logical + t->off;
	size_t		 k;

	*startp = s->tok[o->val].off;
	*endp = s->tok[o->val].off + s->tok[o->val].len;
	*optstartp = t->off;
	if (raw[0] != '-')	/* a braced "{-o ...}" is taken whole */
		return;
	for (k = 1; k < t->len; k++) {
		if (raw[k] == 'o') {
			*optstartp = t->off + k;
			if (o->opt == o->val)
				*startp = t->off + k + 1;
			return;
		}
		if (strchr("imnst", raw[k]) != NULL)
			return;
	}
}

/*
 * mce_set_override - give every -o name of service i the value token
 * vtok ("name=value" or "{ name = value }").  Returns how many there
 * were; 0 means the caller should add one.
 */
int
mce_set_override(struct mc_file *m, size_t i, const char *name,
    const char *vtok)
{
	const struct mc_service *s = &m->svc[i];
	const struct mc_override *o;
	size_t		 k, start, end, ostart, lstart;
	int		 n = 0;
	char		*text;

	for (k = s->nov; k-- > 0;) {
		o = &s->ov[k];
		if (strcmp(o->name, name) != 0)
			continue;
		value_range(s, o, &start, &end, &ostart);
		lstart = start;
		if (o->opt == o->val) {
			if (start == s->tok[o->val].off) {
				/* A braced "{-o name=value}": rewrite it. */
				text = xprintf("-o %s", vtok);
			} else
				text = xprintf(" %s", vtok);
		} else
			text = xstrdup(vtok);
		replace_range(m, s, lstart, end, text);
		free(text);
		n++;
	}
	return n;
}

/*
 * mce_remove_override - remove every -o name of service i, with the
 * white space before it; a continuation line left empty goes too.
 * Returns how many were removed.
 */
int
mce_remove_override(struct mc_file *m, size_t i, const char *name)
{
	const struct mc_service *s = &m->svc[i];
	const struct mc_override *o;
	size_t		 k, start, end, ostart, pa, oa, line;
	int		 n = 0;

	for (k = s->nov; k-- > 0;) {
		o = &s->ov[k];
		if (strcmp(o->name, name) != 0)
			continue;
		value_range(s, o, &start, &end, &ostart);
		if (ostart > s->tok[o->opt].off + 1)
			start = ostart;		/* "-vo x=y": keep "-v" */
		else
			start = s->tok[o->opt].off;
		/* Take the separators before it, on its own line only. */
		pa = cf_map(s->pc, s->npc, start, &oa);
		while (start > s->pc[pa].loff &&
		    cf_issep((unsigned char)s->logical[start - 1]))
			start--;
		pa = cf_map(s->pc, s->npc, start, &oa);
		line = s->pc[pa].line;
		replace_range(m, s, start, end, "");
		if (line != s->first && line_is_blank(&m->cf.lines[line]))
			cf_line_delete(&m->cf, line);
		n++;
	}
	return n;
}

/*
 * override_indent - the white space that begins the override lines of
 * the service (after the '#' of a commented one), or two spaces.
 */
static char *
override_indent(const struct mc_file *m, const struct mc_service *s)
{
	const struct cf_line *l;
	size_t		 k, off, n;

	for (k = s->nov; k-- > 0;) {
		l = &m->cf.lines[s->ov[k].line];
		off = s->enabled ? 0 : 1;
		for (n = off; n < l->len && (l->p[n] == ' ' ||
		    l->p[n] == '\t'); n++)
			;
		if (n > off && s->ov[k].line != s->first)
			return xstrndup(l->p + off, n - off);
	}
	return xstrdup("  ");
}

/*
 * mce_add_overrides - add "-o tok" for each of the n tokens to service i:
 * on lines of their own after its last line, or, when the service has
 * positional arguments (which end option processing), in front of them.
 */
void
mce_add_overrides(struct mc_file *m, size_t i, char *const *toks, size_t n)
{
	const struct mc_service *s = &m->svc[i];
	struct buf	 b;
	char		*indent;
	size_t		 k, at, last, off;

	if (n == 0)
		return;
	buf_init(&b);
	if (s->optend < s->ntok) {
		at = s->tok[s->optend].off;
		/*
		 * The first argument may begin a continuation line with no
		 * separator before it (a form feed or VT is part of the
		 * word): "-o" there would start a new entry.  Indent it as
		 * the entry's other lines are.
		 */
		if (cf_map(s->pc, s->npc, at, &off) > 0 && off == 0) {
			indent = override_indent(m, s);
			buf_adds(&b, indent);
			free(indent);
		}
		for (k = 0; k < n; k++)
			buf_printf(&b, "-o %s ", toks[k]);
		replace_range(m, s, at, at, b.p);
		buf_free(&b);
		return;
	}
	indent = override_indent(m, s);
	last = s->pc[s->npc - 1].line;
	cf_ensure_eol(&m->cf, last);
	for (k = n; k-- > 0;) {
		buf_reset(&b);
		buf_printf(&b, "%s-o %s%s", indent, toks[k], cf_eol(&m->cf));
		cf_line_insert(&m->cf, last + 1, b.p, b.len);
	}
	free(indent);
	buf_free(&b);
}

/* comment_line - put '#' in front of physical line k */
static void
comment_line(struct mc_file *m, size_t k, struct buf *b)
{
	const struct cf_line *l = &m->cf.lines[k];

	buf_reset(b);
	buf_addc(b, '#');
	buf_add(b, l->p, l->len);
	cf_line_replace(&m->cf, k, b->p, b->len);
}

/*
 * mce_comment_out - put '#' in front of each line of service i that holds
 * part of it, as postconf -M# does.  An option line that was commented
 * out already ("#  -o x=y", inside the entry or just after it) would
 * read as part of the commented-out service, and enable would turn it
 * on: it gets a second '#', which mce_uncomment takes off again.
 */
void
mce_comment_out(struct mc_file *m, size_t i)
{
	const struct mc_service *s = &m->svc[i];
	const struct cf_line *l;
	struct buf	 b;
	size_t		 k, j;

	buf_init(&b);
	/*
	 * A comment inside the entry that reads as another service's
	 * header ("#submissions inet ...") would end the commented-out
	 * entry there, and enable would leave the lines below it commented
	 * out: it gets a second '#', which mce_uncomment takes off again.
	 */
	for (j = s->first + 1, k = 1; k < s->npc; j++) {
		l = &m->cf.lines[j];
		if (s->pc[k].line == j) {
			k++;
			continue;
		}
		if (l->kind == CFL_COMMENT && l->len > 1 && l->p[0] == '#' &&
		    l->p[1] != '#' && !cf_isspace((unsigned char)l->p[1]))
			comment_line(m, j, &b);
	}
	for (j = s->first + 1, k = 1; j < m->cf.nlines; j++) {
		l = &m->cf.lines[j];
		if (k < s->npc && s->pc[k].line == j) {
			k++;
			continue;
		}
		if (l->kind == CFL_BLANK)
			continue;
		if (l->kind != CFL_COMMENT || (l->len > 1 && l->p[1] != '#' &&
		    !cf_isspace((unsigned char)l->p[1])))
			break;	/* another entry, or a new "#name" header */
		if (mc_is_option_comment(l->p, cf_content_len(l)))
			comment_line(m, j, &b);
	}
	for (k = 0; k < s->npc; k++)
		comment_line(m, s->pc[k].line, &b);
	buf_free(&b);
}

/*
 * mce_uncomment - remove the '#' from the header and the option lines of
 * a commented-out service i; prose comments in between stay comments.
 */
void
mce_uncomment(struct mc_file *m, size_t i)
{
	const struct mc_service *s = &m->svc[i];
	const struct cf_line *l;
	size_t		 k;

	size_t		 j;

	/* What mce_comment_out commented out twice gets one '#' back. */
	for (j = s->first + 1; j <= s->scan_last && j < m->cf.nlines; j++) {
		l = &m->cf.lines[j];
		if (l->kind != CFL_COMMENT || l->len <= 2 || l->p[0] != '#' ||
		    l->p[1] != '#')
			continue;
		/* An option line; or, among the entry's lines, a header. */
		if (mc_is_option_comment(l->p + 1, cf_content_len(l) - 1) ||
		    (j < s->last && l->p[2] != '#' &&
		    !cf_isspace((unsigned char)l->p[2])))
			cf_line_replace(&m->cf, j, l->p + 1, l->len - 1);
	}
	for (k = 0; k < s->npc; k++) {
		l = &m->cf.lines[s->pc[k].line];
		if (l->len > 0 && l->p[0] == '#')
			cf_line_replace(&m->cf, s->pc[k].line, l->p + 1,
			    l->len - 1);
	}
}

/*
 * mce_format_header - the eight fields laid out in postconf's columns;
 * allocated.
 */
char *
mce_format_header(const char *const *f)
{
	static const size_t col[MC_NFIELDS] = { 0, 11, 17, 25, 33, 41, 49, 57 };
	struct buf	 b;
	size_t		 k;

	buf_init(&b);
	for (k = 0; k < MC_NFIELDS; k++) {
		if (k > 0)
			buf_addc(&b, ' ');
		while (b.len < col[k])
			buf_addc(&b, ' ');
		buf_adds(&b, f[k]);
	}
	return buf_take(&b);
}

/*
 * mce_insert_lines - insert n lines of text (without line endings) after
 * physical line `after' (or at the top when after is (size_t)-1).
 */
void
mce_insert_lines(struct mc_file *m, size_t after, char *const *lines,
    size_t n)
{
	struct buf	 b;
	size_t		 k, at;

	at = after == (size_t)-1 ? 0 : after + 1;
	if (at > 0)
		cf_ensure_eol(&m->cf, at - 1);
	buf_init(&b);
	for (k = n; k-- > 0;) {
		buf_reset(&b);
		buf_printf(&b, "%s%s", lines[k], cf_eol(&m->cf));
		cf_line_insert(&m->cf, at, b.p, b.len);
	}
	buf_free(&b);
}
