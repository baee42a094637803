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
 * $name expansion, with the rules of Postfix 3.7 (mac_parse + mac_expand):
 *
 *   $$			a literal '$' (reduced once per level)
 *   $name $(name) ${name}	the value, itself expanded; undefined: empty
 *   ${name?text} ${name?{text}}	text if the value is non-empty
 *   ${name:text} ${name:{text}}	text if the value is empty or undefined
 *   ${name?{t1}:{t2}} ${name?{t1}:t2}	either
 *   ${{a} OP {b}}		"true" or "", OP one of == != < <= >= > and
 *				the compatibility-level forms ==level etc.
 *   ${{a} OP {b}?{t1}:{t2}}	and the one-branch forms
 *
 * A bare '$' (not followed by a name or bracket), an unterminated
 * ${...}, a name with other bytes in it, and text left over after a
 * braced operand are errors.  Nesting deeper than 100 levels is an
 * error, which is how Postfix catches $a -> $b -> $a loops.  Comparisons
 * are numeric when both operands are all digits.
 *
 * Beyond Postfix: values that refer to each other twice or more grow
 * exponentially without ever nesting deeper than the limit ("a = $b$b",
 * "b = $c$c", ...), so the whole expansion also has a budget of steps
 * and of output; past either it is an error, and the first error ends
 * the whole expansion, relational operands included.
 */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfsubmit.h"

#define EXP_ERROR	0x1
#define EXP_UNDEF	0x2

struct exp_ctx {
	exp_lookup_fn	 lookup;
	void		*arg;
	struct buf	*out;
	int		 level;
	int		 status;
	int		 scan;	/* syntax only: parse every branch, no values */
	size_t		*steps;	/* shared by operand contexts: the budget */
	struct exp_result *res;
};

static int	exp_parse(struct exp_ctx *, const char *);
static int	exp_callback(struct exp_ctx *, int, char *);

#define EXP_LITERAL	1
#define EXP_EXPR	2
#define EXP_WS		" \t\r\n"

static int __attribute__((__format__(__printf__, 2, 3)))
exp_error(struct exp_ctx *c, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (c->res->error == NULL) {
		va_start(ap, fmt);
		n = vsnprintf(NULL, 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			n = 0;
		c->res->error = xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		(void)vsnprintf(c->res->error, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	return c->status |= EXP_ERROR;
}

static int
is_namech(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '_';
}

static int
is_alnum(int ch)
{
	return is_namech(ch) && ch != '_';
}

/*
 * exp_parse - split text into literals and $ expressions (mac_parse).
 */
static int
exp_parse(struct exp_ctx *c, const char *value)
{
	struct buf	 lit, expr;
	const char	*vp, *ep;
	char		 open, close;
	int		 level, status = 0;

	buf_init(&lit);
	buf_init(&expr);
	for (vp = value; *vp != '\0';) {
		if (*vp != '$') {
			buf_addc(&lit, *vp++);
			continue;
		}
		if (vp[1] == '$') {
			buf_addc(&lit, '$');
			vp += 2;
			continue;
		}
		if (lit.len > 0) {
			status |= exp_callback(c, EXP_LITERAL, lit.p);
			buf_reset(&lit);
		}
		vp++;
		buf_reset(&expr);
		if (*vp == '{' || *vp == '(') {
			open = *vp;
			close = open == '{' ? '}' : ')';
			level = 1;
			for (ep = vp + 1; level > 0; ep++) {
				if (*ep == '\0')
					break;
				if (*ep == open)
					level++;
				else if (*ep == close)
					level--;
			}
			if (level > 0) {
				status |= exp_error(c,
				    "truncated macro reference: \"%.40s\"",
				    value);
				break;
			}
			buf_add(&expr, vp + 1, (size_t)(ep - vp - 2));
			vp = ep;
		} else {
			for (ep = vp; is_namech((unsigned char)*ep); ep++)
				;
			buf_add(&expr, vp, (size_t)(ep - vp));
			vp = ep;
		}
		if (expr.len == 0) {
			status |= exp_error(c, "empty macro name: \"%.40s\"",
			    value);
			break;
		}
		status |= exp_callback(c, EXP_EXPR, expr.p);
	}
	if (lit.len > 0 && (status & EXP_ERROR) == 0)
		status |= exp_callback(c, EXP_LITERAL, lit.p);
	buf_free(&lit);
	buf_free(&expr);
	return status;
}

/* find_left_curly - skip white space to a '{'; NULL if there is none */
static char *
find_left_curly(char *cp)
{
	cp += strspn(cp, EXP_WS);
	return *cp == '{' ? cp : NULL;
}

/*
 * curly_payload - cp points at '{': cut out the balanced payload and
 * advance *bp past the '}' and any white space after it.
 */
static char *
curly_payload(struct exp_ctx *c, char **bp)
{
	char	*cp, *payload;
	int	 level;

	for (level = 1, cp = *bp, payload = ++cp;; cp++) {
		if (*cp == '\0') {
			exp_error(c, "unbalanced {} in attribute expression: "
			    "\"%.40s\"", *bp);
			return NULL;
		}
		if (*cp == '{')
			level++;
		else if (*cp == '}' && --level <= 0)
			break;
	}
	*cp++ = '\0';
	*bp = cp + strspn(cp, EXP_WS);
	return payload;
}

static int
alldig(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/*
 * compat_level - "3", "3.6" or "3.6.1" as one comparable number.  Each
 * part is read as strtol() reads it (white space and '+' before it are
 * taken), within Postfix's limits: major up to 2^43-1, minor and patch
 * up to 1023.
 */
static int
compat_level(const char *s, long long *vp)
{
	static const long long max[3] = { 8796093022207LL, 1023, 1023 };
	long long	 part[3] = { 0, 0, 0 }, n;
	int		 i = 0;

	for (;;) {
		while (cf_isspace((unsigned char)*s))
			s++;
		if (*s == '+')
			s++;
		if (*s < '0' || *s > '9')
			return -1;
		for (n = 0; *s >= '0' && *s <= '9'; s++) {
			n = n * 10 + (*s - '0');
			if (n > max[i])
				return -1;
		}
		part[i++] = n;
		if (*s == '\0')
			break;
		if (*s != '.' || i == 3)
			return -1;
		s++;
	}
	*vp = (part[0] << 20) | (part[1] << 10) | part[2];
	return 0;
}

enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GE, OP_GT };

static int
relop_result(int op, long long delta)
{
	switch (op) {
	case OP_EQ:
		return delta == 0;
	case OP_NE:
		return delta != 0;
	case OP_LT:
		return delta < 0;
	case OP_LE:
		return delta <= 0;
	case OP_GE:
		return delta >= 0;
	default:
		return delta > 0;
	}
}

/*
 * expand_operand - expand a relational operand.  Postfix starts it with
 * a fresh nesting count, so that "a = ${{$a} == {x}}" recurses until the
 * stack runs out (postconf 3.7 -x dies with SIGSEGV on it); here the
 * count carries on, and the loop is reported like any other.
 */
static int
expand_operand(struct exp_ctx *c, const char *text, struct buf *out)
{
	struct exp_ctx	 sub;

	sub = *c;
	sub.out = out;
	sub.status = 0;
	return exp_parse(&sub, text);
}

/*
 * parse_relational - ${{a} OP {b}...}: set *lookup to "true" or "".
 */
static int
parse_relational(struct exp_ctx *c, const char **lookup, char **bp)
{
	static const struct {
		const char	*s;
		int		 op;
	} ops[] = {
		{ "==", OP_EQ }, { "!=", OP_NE }, { "<", OP_LT },
		{ "<=", OP_LE }, { ">=", OP_GE }, { ">", OP_GT },
	};
	struct buf	 lb, rb;
	char		*cp = *bp, *left, *right, *op_pos, save;
	size_t		 op_len, type_len, i;
	int		 op = -1, level_op = 0, result = 0;
	long long	 lv, rv;

	if ((left = curly_payload(c, &cp)) == NULL)
		return c->status;
	op_pos = cp;
	op_len = strspn(cp, "<>!=?+-*/~&|%");
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strlen(ops[i].s) == op_len &&
		    strncmp(ops[i].s, cp, op_len) == 0)
			op = ops[i].op;
	if (op < 0) {
		save = cp[op_len];
		cp[op_len] = '\0';
		exp_error(c, "\"==\" or \"!=\" or \"<\" or \"<=\" or \">=\" "
		    "or \">\" expected at: \"...%.40s}>>>%.20s\"", left,
		    op_pos);
		cp[op_len] = save;
		return c->status;
	}
	cp += op_len;
	/* Postfix registers one operator suffix: compatibility levels. */
	if (is_alnum((unsigned char)*cp)) {
		for (type_len = 0; is_alnum((unsigned char)cp[type_len]);
		    type_len++)
			;
		if (type_len != 5 || strncmp(cp, "level", 5) != 0) {
			save = cp[type_len];
			cp[type_len] = '\0';
			exp_error(c, "bad operator suffix at: \"...>>>%.20s\"",
			    cp);
			cp[type_len] = save;
			return c->status;
		}
		level_op = 1;
		cp += type_len;
	}
	if ((cp = find_left_curly(cp)) == NULL) {
		return exp_error(c, "\"{expression}\" expected at: "
		    "\"...{%.40s} >>>%.20s\"", left, op_pos);
	}
	if ((right = curly_payload(c, &cp)) == NULL)
		return c->status;
	buf_init(&lb);
	buf_init(&rb);
	buf_adds(&lb, "");
	buf_adds(&rb, "");
	c->status |= expand_operand(c, left, &lb);
	c->status |= expand_operand(c, right, &rb);
	if ((c->status & EXP_ERROR) == 0 && !c->scan) {
		if (level_op) {
			if (compat_level(lb.p, &lv) < 0) {
				exp_error(c, "malformed compatibility level "
				    "syntax: \"%.40s\"", lb.p);
			} else if (compat_level(rb.p, &rv) < 0) {
				exp_error(c, "malformed compatibility level "
				    "syntax: \"%.40s\"", rb.p);
			} else
				result = relop_result(op,
				    lv < rv ? -1 : lv > rv);
		} else if (alldig(lb.p) && alldig(rb.p)) {
			/* Past the range of a long, Postfix gives up too. */
			errno = 0;
			lv = strtoll(lb.p, NULL, 10);
			rv = errno == 0 ? strtoll(rb.p, NULL, 10) : 0;
			if (errno == ERANGE)
				exp_error(c, "bad conversion: \"%.40s\"",
				    lv == LLONG_MAX ? lb.p : rb.p);
			else
				result = relop_result(op,
				    lv < rv ? -1 : lv > rv);
		} else
			result = relop_result(op, strcmp(lb.p, rb.p));
	}
	buf_free(&lb);
	buf_free(&rb);
	if (c->status & EXP_ERROR)
		return c->status;
	*lookup = c->scan ? NULL : (result ? "true" : "");
	*bp = cp;
	return 0;
}

/* exp_callback - one literal or one expression (mac_expand_callback) */
static int
exp_callback(struct exp_ctx *c, int type, char *text)
{
	char		*buf, *cp, *start, *iftrue, *iffalse;
	const char	*lookup = NULL;
	size_t		 ws;
	char		 ch = '\0';

	if (c->res->error != NULL)
		return c->status |= EXP_ERROR;
	if (c->level++ > PF_MAX_NESTING) {
		c->res->depth = 1;
		return exp_error(c, "unreasonable macro call nesting: "
		    "\"%.40s\"", text);
	}
	/* A scan follows no value: its work is bounded by the text. */
	if (!c->scan && ++*c->steps > PF_MAX_EXP_STEPS) {
		c->res->depth = 1;
		return exp_error(c, "macro expansion takes more than %d "
		    "steps: \"%.40s\"", PF_MAX_EXP_STEPS, text);
	}
	if (type == EXP_LITERAL) {
		if (!c->scan) {
			if (c->out->len + strlen(text) > PF_MAX_EXP_TEXT) {
				c->res->depth = 1;
				return exp_error(c, "macro expansion longer "
				    "than %d bytes: \"%.40s\"",
				    PF_MAX_EXP_TEXT, text);
			}
			buf_adds(c->out, text);
		}
		c->level--;
		return c->status;
	}

	buf = xstrdup(text);
	cp = buf;
	if ((start = find_left_curly(cp)) != NULL) {
		cp = start;
		if (parse_relational(c, &lookup, &cp) != 0)
			goto out;
		if ((ch = *cp) != '\0') {
			if (ch != '?' && ch != ':') {
				exp_error(c, "\"?\" or \":\" expected at: "
				    "\"...}>>>%.20s\"", cp);
				goto out;
			}
			cp++;
		}
	} else {
		start = (cp += strspn(cp, EXP_WS));
		for (;; cp++) {
			ws = strspn(cp, EXP_WS);
			if ((ch = cp[ws]) == '\0') {
				*cp = '\0';
				break;
			}
			if (ch == '?' || ch == ':') {
				*cp++ = '\0';
				cp += ws;
				break;
			}
			if (!is_namech((unsigned char)*cp)) {
				exp_error(c, "attribute name syntax error at: "
				    "\"...>>>%.20s\"", cp);
				goto out;
			}
		}
		lookup = c->lookup(start, c->arg);
		if (lookup == NULL && ch == '\0' && c->res->undef == NULL &&
		    !c->scan)
			c->res->undef = xstrdup(start);
	}

	switch (ch) {
	case '?':
		if ((start = find_left_curly(cp)) != NULL) {
			cp = start;
			if ((iftrue = curly_payload(c, &cp)) == NULL)
				goto out;
		} else {
			iftrue = cp;
			cp = cp + strlen(cp);
		}
		if ((lookup != NULL && *lookup != '\0') || c->scan)
			c->status |= exp_parse(c, iftrue);
		if (*cp == '\0')
			break;
		if (*cp != ':') {
			exp_error(c, "\":\" expected at: \"...%.40s}>>>%.20s\"",
			    iftrue, cp);
			goto out;
		}
		cp++;
		/* FALLTHROUGH */
	case ':':
		if ((start = find_left_curly(cp)) != NULL) {
			cp = start;
			if ((iffalse = curly_payload(c, &cp)) == NULL)
				goto out;
		} else {
			iffalse = cp;
			cp = cp + strlen(cp);
		}
		if (lookup == NULL || *lookup == '\0' || c->scan)
			c->status |= exp_parse(c, iffalse);
		if (*cp != '\0') {
			exp_error(c, "unexpected input at: "
			    "\"...%.40s}>>>%.20s\"",
			    iffalse, cp);
			goto out;
		}
		break;
	default:
		if (lookup == NULL) {
			if (!c->scan)
				c->status |= EXP_UNDEF;
		} else if (*lookup != '\0' && !c->scan) {
			/* Expand the value too, in this same context. */
			char	*copy = xstrdup(lookup);

			c->status |= exp_parse(c, copy);
			free(copy);
		}
		break;
	}
	c->level--;
out:
	free(buf);
	return c->status;
}

static const char *
null_lookup(const char *name, void *arg)
{
	(void)name;
	(void)arg;
	return NULL;
}

/*
 * exp_expand - expand text; res gets the result, the first error and the
 * first undefined name.  Free with exp_result_free().
 */
void
exp_expand(const char *text, exp_lookup_fn lookup, void *arg,
    struct exp_result *res)
{
	struct exp_ctx	 c;
	struct buf	 out;
	size_t		 steps = 0;

	memset(res, 0, sizeof(*res));
	buf_init(&out);
	buf_adds(&out, "");
	memset(&c, 0, sizeof(c));
	c.steps = &steps;
	c.lookup = lookup != NULL ? lookup : null_lookup;
	c.arg = arg;
	c.out = &out;
	c.res = res;
	(void)exp_parse(&c, text);
	res->text = buf_take(&out);
}

void
exp_result_free(struct exp_result *res)
{
	free(res->text);
	free(res->error);
	free(res->undef);
	memset(res, 0, sizeof(*res));
}

/*
 * exp_syntax - check text for expansion syntax errors, without looking
 * anything up.  Returns -1 and an allocated message in *errp on error.
 */
int
exp_syntax(const char *text, char **errp)
{
	struct exp_result res;
	struct exp_ctx	 c;
	struct buf	 out;
	size_t		 steps = 0;

	memset(&res, 0, sizeof(res));
	buf_init(&out);
	memset(&c, 0, sizeof(c));
	c.steps = &steps;
	c.lookup = null_lookup;
	c.out = &out;
	c.res = &res;
	c.scan = 1;
	(void)exp_parse(&c, text);
	buf_free(&out);
	free(res.undef);
	free(res.text);
	if (res.error != NULL) {
		if (errp != NULL)
			*errp = res.error;
		else
			free(res.error);
		return -1;
	}
	if (errp != NULL)
		*errp = NULL;
	return 0;
}

struct names_arg {
	void		(*fn)(const char *, size_t, void *);
	void		*arg;
};

static const char *
names_lookup(const char *name, void *arg)
{
	struct names_arg *na = arg;

	na->fn(name, strlen(name), na->arg);
	return NULL;
}

/* exp_names - call fn for every name that text refers to, in any branch */
void
exp_names(const char *text, void (*fn)(const char *, size_t, void *),
    void *arg)
{
	struct exp_result res;
	struct exp_ctx	 c;
	struct buf	 out;
	size_t		 steps = 0;
	struct names_arg na;

	memset(&res, 0, sizeof(res));
	buf_init(&out);
	na.fn = fn;
	na.arg = arg;
	memset(&c, 0, sizeof(c));
	c.steps = &steps;
	c.lookup = names_lookup;
	c.arg = &na;
	c.out = &out;
	c.res = &res;
	c.scan = 1;
	(void)exp_parse(&c, text);
	buf_free(&out);
	free(res.error);
	free(res.undef);
}

/*
 * exp_is_raw - is this a parameter whose value Postfix does not expand
 * when it reads its configuration (it expands it later, per message)?
 * The list is what postconf 3.7 -x leaves alone.
 */
int
exp_is_raw(const char *name)
{
	static const char *const raw[] = {
		"command_execution_directory", "default_rbl_reply",
		"forward_path", "luser_relay", "mailbox_command",
		"postscreen_expansion_filter", "postscreen_reject_footer",
		"smtpd_expansion_filter", "smtpd_reject_footer", NULL
	};
	size_t	 i;

	for (i = 0; raw[i] != NULL; i++)
		if (strcmp(raw[i], name) == 0)
			return 1;
	return 0;
}
