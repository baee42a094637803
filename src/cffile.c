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
 * The physical-line layer shared by main.cf and master.cf.
 *
 * A file is an array of physical lines, each kept byte for byte with its
 * line ending; serializing concatenates them, so a file that was not
 * edited is written back exactly as it was read.  Lines are classified
 * and grouped the way Postfix's readllines() does it:
 *
 *  - a line that is empty, white space only, or whose first non-space
 *    byte is '#' is ignored, and does NOT end a logical line;
 *  - a line whose first byte is not white space starts a logical line;
 *  - a line that starts with white space continues the current one;
 *    with nothing to continue it is an orphan, which Postfix warns about
 *    and skips;
 *  - continuation lines are joined without a separator and without their
 *    '\n' (a '\r' before it stays, as it does in Postfix).
 *
 * "White space" here is C's isspace() in the C locale: Postfix uses it to
 * classify lines.  Fields inside a master.cf line are split on a smaller
 * set, cf_issep().
 */

#include <stdlib.h>
#include <string.h>

#include "pfsubmit.h"

/* cf_isspace - isspace() of the C locale, whatever the locale is */
int
cf_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r';
}

/* cf_issep - the field separators of master.cf (CHARS_SPACE) */
int
cf_issep(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * cf_split_nameval - split "name = value" [s, s+len) as Postfix's
 * split_nameval() does, for main.cf lines and -o values alike: white
 * space (isspace) skipped, the name up to white space or '=', then '=',
 * then the value with white space trimmed at both ends; only the first
 * '=' splits.  Both results allocated.  Returns 0, -1 when the name is
 * empty, -2 when no '=' follows it.
 */
int
cf_split_nameval(const char *s, size_t len, char **namep, char **valuep)
{
	size_t	 i = 0, ns, ne, vs, ve;

	while (i < len && cf_isspace((unsigned char)s[i]))
		i++;
	ns = i;
	while (i < len && s[i] != '=' && !cf_isspace((unsigned char)s[i]))
		i++;
	ne = i;
	if (ne == ns)
		return -1;
	while (i < len && cf_isspace((unsigned char)s[i]))
		i++;
	if (i == len || s[i] != '=')
		return -2;
	i++;
	while (i < len && cf_isspace((unsigned char)s[i]))
		i++;
	vs = i;
	ve = len;
	while (ve > vs && cf_isspace((unsigned char)s[ve - 1]))
		ve--;
	*namep = xstrndup(s + ns, ne - ns);
	*valuep = xstrndup(s + vs, ve - vs);
	return 0;
}

void
cf_init(struct cf_file *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
}

void
cf_free(struct cf_file *f)
{
	size_t	 i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nlines; i++)
		if (f->lines[i].owned)
			free((char *)f->lines[i].p);
	free(f->lines);
	free(f->ents);
	free(f->data);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

/* cf_classify - the kind of one physical line */
int
cf_classify(const char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < len && cf_isspace((unsigned char)p[i]); i++)
		;
	if (i == len)
		return CFL_BLANK;
	if (p[i] == '#')
		return CFL_COMMENT;
	return i == 0 ? CFL_START : CFL_CONT;
}

/* cf_content_len - length of a line without its '\n' */
size_t
cf_content_len(const struct cf_line *l)
{
	if (l->len > 0 && l->p[l->len - 1] == '\n')
		return l->len - 1;
	return l->len;
}

int
cf_has_eol(const struct cf_line *l)
{
	return l->len > 0 && l->p[l->len - 1] == '\n';
}

/* cf_eol - the line ending that most lines of the file use */
const char *
cf_eol(const struct cf_file *f)
{
	return f->crlf ? "\r\n" : "\n";
}

static void
cf_add_line(struct cf_file *f, const char *p, size_t len, int owned)
{
	struct cf_line	*l;

	if (f->nlines == f->capl) {
		f->capl = f->capl == 0 ? 256 : f->capl * 2;
		f->lines = xreallocarray(f->lines, f->capl, sizeof(*f->lines));
	}
	l = &f->lines[f->nlines++];
	l->p = p;
	l->len = len;
	l->owned = owned;
	l->kind = (unsigned char)cf_classify(p, cf_content_len(l));
}

/*
 * check_limits - what makes cf_load refuse a file, found in lines that
 * are already split and grouped: a NUL byte, a line or an entry past
 * its bound.  The messages say "refusing the file" when reading, and
 * that nothing is written when an edit made the file (edit set).
 * Returns -1 when anything was found.
 */
static int
check_limits(const struct cf_file *f, struct diag *d, int edit)
{
	const struct cf_line	*l;
	const struct cf_entry	*e;
	size_t			 i, n, total;
	int			 bad = 0;

	for (i = 0; i < f->nlines; i++) {
		l = &f->lines[i];
		if (memchr(l->p, '\0', l->len) != NULL) {
			diag_add(d, DIAG_ERR, f->path, i + 1, edit ?
			    "the edit would put a NUL byte in this line, "
			    "which pfsubmit refuses to read; nothing written" :
			    "line contains a NUL byte; refusing the file");
			bad = 1;
		}
		if (l->len > PF_MAX_LINE) {
			if (edit)
				diag_add(d, DIAG_ERR, f->path, i + 1,
				    "the edit would make this line longer "
				    "than %d MiB, which pfsubmit refuses to "
				    "read; nothing written", PF_MAX_LINE >> 20);
			else
				diag_add(d, DIAG_ERR, f->path, i + 1,
				    "line is longer than %d bytes; refusing "
				    "the file", PF_MAX_LINE);
			bad = 1;
		}
	}
	/* An overlong line is reported once, not again as its entry. */
	for (i = 0; i < f->nents && !bad; i++) {
		e = &f->ents[i];
		if (e->kind == CFE_TRIVIA)
			continue;
		total = 0;
		for (n = e->first; n <= e->last; n++)
			total += f->lines[n].len;
		if (total <= PF_MAX_ENTRY)
			continue;
		if (edit)
			diag_add(d, DIAG_ERR, f->path, e->first + 1,
			    "the edit would make this entry longer than %d "
			    "MiB, which pfsubmit refuses to read; nothing "
			    "written", PF_MAX_ENTRY >> 20);
		else
			diag_add(d, DIAG_ERR, f->path, e->first + 1,
			    "entry is longer than %d bytes; refusing the file",
			    PF_MAX_ENTRY);
		bad = 1;
	}
	if (edit && !bad) {
		for (i = 0, total = 0; i < f->nlines; i++)
			total += f->lines[i].len;
		if (total > PF_MAX_FILE) {
			diag_add(d, DIAG_ERR, f->path, 0, "the edit would make "
			    "the file larger than %d MiB, which pfsubmit "
			    "refuses to read; nothing written",
			    PF_MAX_FILE >> 20);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/*
 * cf_load - split data into physical lines and group them; data is
 * copied.  Returns -1, with a message for each problem, when the file
 * must be refused: a NUL byte, an overlong line or entry, or a file
 * past the size bound.
 */
int
cf_load(struct cf_file *f, const char *data, size_t len, struct diag *d)
{
	const char	*p, *nl, *end;
	size_t		 i, ncrlf = 0, nlf = 0;

	if (len > PF_MAX_FILE) {
		diag_add(d, DIAG_ERR, f->path, 0,
		    "file is larger than %d bytes; refusing to read it",
		    PF_MAX_FILE);
		return -1;
	}
	f->data = xmalloc(len + 1);
	memcpy(f->data, data, len);
	f->data[len] = '\0';
	f->size = len;
	p = f->data;
	end = f->data + len;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end - 1;
		cf_add_line(f, p, (size_t)(nl - p) + 1, 0);
		p = nl + 1;
	}
	for (i = 0; i < f->nlines; i++) {
		const struct cf_line *l = &f->lines[i];

		if (cf_has_eol(l)) {
			if (l->len >= 2 && l->p[l->len - 2] == '\r')
				ncrlf++;
			else
				nlf++;
		}
	}
	f->crlf = ncrlf > nlf;
	cf_group(f);
	return check_limits(f, d, 0);
}

/*
 * cf_check_limits - would cf_load accept the file as its lines now
 * stand?  For the lines an edit made, with the entries grouped (after
 * cf_group or a parse): every line, entry and the file as a whole past
 * its bound, and every NUL byte, gets a message saying that nothing is
 * written.  Returns -1 when the edit must be refused, else 0.
 */
int
cf_check_limits(const struct cf_file *f, struct diag *d)
{
	return check_limits(f, d, 1);
}

static void
cf_add_entry(struct cf_file *f, enum cfe_kind kind, size_t first,
    size_t last)
{
	if (f->nents == f->cape) {
		f->cape = f->cape == 0 ? 64 : f->cape * 2;
		f->ents = xreallocarray(f->ents, f->cape, sizeof(*f->ents));
	}
	f->ents[f->nents].kind = kind;
	f->ents[f->nents].first = first;
	f->ents[f->nents].last = last;
	f->nents++;
}

/*
 * cf_group - rebuild the entries from the lines.  Comment and blank lines
 * wait in a pending run: a start line turns the run into a trivia entry,
 * a continuation line makes it part of the entry it continues.
 */
void
cf_group(struct cf_file *f)
{
	size_t	 i, pend = 0;
	int	 npend = 0, open = 0;

	f->nents = 0;
	for (i = 0; i < f->nlines; i++) {
		switch (f->lines[i].kind) {
		case CFL_BLANK:
		case CFL_COMMENT:
			if (!npend)
				pend = i;
			npend = 1;
			break;
		case CFL_START:
			if (npend)
				cf_add_entry(f, CFE_TRIVIA, pend, i - 1);
			npend = 0;
			cf_add_entry(f, CFE_LOGICAL, i, i);
			open = 1;
			break;
		case CFL_CONT:
			if (open) {
				f->ents[f->nents - 1].last = i;
			} else {
				if (npend)
					cf_add_entry(f, CFE_TRIVIA, pend,
					    i - 1);
				cf_add_entry(f, CFE_ORPHAN, i, i);
				open = 1;
			}
			npend = 0;
			break;
		}
	}
	if (npend)
		cf_add_entry(f, CFE_TRIVIA, pend, f->nlines - 1);
}

/* cf_entry_at - index of the entry that holds physical line i */
size_t
cf_entry_at(const struct cf_file *f, size_t line)
{
	size_t	 lo = 0, hi = f->nents, mid;

	while (lo + 1 < hi) {
		mid = lo + (hi - lo) / 2;
		if (f->ents[mid].first <= line)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* cf_serialize - the file's bytes, as they would be written */
void
cf_serialize(const struct cf_file *f, struct buf *b)
{
	size_t	 i;

	for (i = 0; i < f->nlines; i++)
		buf_add(b, f->lines[i].p, f->lines[i].len);
}

/*
 * cf_entry_pieces - the content lines of an entry as pieces of its
 * logical line; the array is allocated.  Returns the count.
 */
size_t
cf_entry_pieces(const struct cf_file *f, const struct cf_entry *e,
    struct cf_piece **pcp)
{
	struct cf_piece	*pc;
	size_t		 i, n = 0, loff = 0;

	pc = xreallocarray(NULL, e->last - e->first + 1, sizeof(*pc));
	for (i = e->first; i <= e->last; i++) {
		if (f->lines[i].kind != CFL_START &&
		    f->lines[i].kind != CFL_CONT)
			continue;
		pc[n].line = i;
		pc[n].off = 0;
		pc[n].len = cf_content_len(&f->lines[i]);
		pc[n].loff = loff;
		loff += pc[n].len;
		n++;
	}
	*pcp = pc;
	return n;
}

/* cf_join - the logical line made of pieces; allocated, NUL-terminated */
char *
cf_join(const struct cf_piece *pc, size_t n, const struct cf_file *f,
    size_t *lenp)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < n; i++)
		buf_add(&b, f->lines[pc[i].line].p + pc[i].off, pc[i].len);
	*lenp = b.len;
	return buf_take(&b);
}

/*
 * cf_map - the piece that holds logical offset loff; *offp gets the byte
 * offset inside that piece's physical line.  An offset at the very end
 * maps to the end of the last piece.
 */
size_t
cf_map(const struct cf_piece *pc, size_t n, size_t loff, size_t *offp)
{
	size_t	 lo, hi, mid;

	if (n == 0) {
		*offp = 0;
		return 0;
	}
	/*
	 * The last piece that starts at or before loff, by bisection: an
	 * entry of 100,000 lines maps each of its options in log time.
	 */
	lo = 0;
	hi = n;
	while (lo + 1 < hi) {
		mid = lo + (hi - lo) / 2;
		if (pc[mid].loff <= loff)
			lo = mid;
		else
			hi = mid;
	}
	*offp = pc[lo].off + (loff - pc[lo].loff);
	return lo;
}

/*
 * Line edits.  Each leaves the entries stale: call cf_group() (or the
 * file's parser) before looking at entries again.
 */
void
cf_line_replace(struct cf_file *f, size_t i, const char *p, size_t len)
{
	struct cf_line	*l = &f->lines[i];
	char		*copy;

	/* Copy first: p may point into the line being replaced. */
	copy = xstrndup(p, len);
	if (l->owned)
		free((char *)l->p);
	l->p = copy;
	l->len = len;
	l->owned = 1;
	l->kind = (unsigned char)cf_classify(l->p, cf_content_len(l));
}

void
cf_line_insert(struct cf_file *f, size_t i, const char *p, size_t len)
{
	if (f->nlines == f->capl) {
		f->capl = f->capl == 0 ? 256 : f->capl * 2;
		f->lines = xreallocarray(f->lines, f->capl, sizeof(*f->lines));
	}
	memmove(&f->lines[i + 1], &f->lines[i],
	    (f->nlines - i) * sizeof(*f->lines));
	f->nlines++;
	f->lines[i].p = xstrndup(p, len);
	f->lines[i].len = len;
	f->lines[i].owned = 1;
	f->lines[i].kind = (unsigned char)cf_classify(p,
	    cf_content_len(&f->lines[i]));
}

void
cf_line_delete(struct cf_file *f, size_t i)
{
	if (f->lines[i].owned)
		free((char *)f->lines[i].p);
	memmove(&f->lines[i], &f->lines[i + 1],
	    (f->nlines - i - 1) * sizeof(*f->lines));
	f->nlines--;
}

/* cf_ensure_eol - give line i a line ending if it has none (last line) */
void
cf_ensure_eol(struct cf_file *f, size_t i)
{
	struct buf	 b;

	if (i >= f->nlines || cf_has_eol(&f->lines[i]))
		return;
	buf_init(&b);
	buf_add(&b, f->lines[i].p, f->lines[i].len);
	buf_adds(&b, cf_eol(f));
	cf_line_replace(f, i, b.p, b.len);
	buf_free(&b);
}

/*
 * cf_set_content - replace every line with the lines of data (as for a
 * rollback); path, status and existence stay.
 */
int
cf_set_content(struct cf_file *f, const char *data, size_t len,
    struct diag *d)
{
	size_t	 i;

	for (i = 0; i < f->nlines; i++)
		if (f->lines[i].owned)
			free((char *)f->lines[i].p);
	free(f->data);
	f->data = NULL;
	f->nlines = 0;
	f->nents = 0;
	return cf_load(f, data, len, d);
}
