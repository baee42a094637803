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
 * The commands that only read: show, param show, check.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfsubmit.h"

/*
 * open_conf - open and load the configuration directory for reading;
 * prints what is wrong and returns -1 when it cannot be used.
 */
int
open_conf(struct conf *c, int for_write)
{
	struct diag	 d;
	int		 r;

	diag_init(&d);
	if (conf_open_dir(c, opt.config_dir, for_write, &d) == -1)
		r = -1;
	else if ((r = conf_load(c, &d)) == -1)
		txn_parse_hint(&d);
	diag_print(&d, stderr, r == -1 ? DIAG_ERR : DIAG_SHOWN(DIAG_WARN));
	if (r == -1 && d.nerr == 0)
		fprintf(stderr, "pfsubmit: cannot read the configuration\n");
	diag_free(&d);
	return r;
}

/* print_quoted - untrusted text on a terminal */
static void
print_quoted(FILE *fp, const char *s)
{
	char	*q;

	q = vquote(s, strlen(s), 0);
	fputs(q, fp);
	free(q);
}

/*
 * fold - white space runs as one space, ends trimmed, as postconf
 * prints values; allocated.
 */
char *
fold_ws(const char *s)
{
	struct buf	 b;
	int		 sp = 0;

	buf_init(&b);
	buf_adds(&b, "");
	for (; *s != '\0'; s++) {
		if (cf_issep((unsigned char)*s)) {
			sp = b.len > 0;
			continue;
		}
		if (sp)
			buf_addc(&b, ' ');
		sp = 0;
		buf_addc(&b, *s);
	}
	return buf_take(&b);
}

/*
 * A name that matches no entry but names a submission port (submission,
 * submissions, smtps, 587, 465, host:587) picks the services on that
 * port, whatever they are called: by_port is the port, by_host its host.
 */
static int	 by_port;
static char	*by_host;

/* svc_selected - does the show filter pick this service? */
static int
svc_selected(const struct mc_service *s, const char *name, const char *type)
{
	char	*h, *p;
	int	 r;

	if (name == NULL)
		return mc_is_submission(s);
	if (strcmp(name, "all") == 0 && type == NULL)
		return 1;
	if (by_port != 0) {
		if (mc_is_submission(s) != by_port)
			return 0;
		(void)mc_port_of(s->field[MCF_SERVICE], &h, &p);
		r = *by_host == '\0' || strcmp(h, by_host) == 0;
		free(h);
		free(p);
		return r;
	}
	return strcmp(s->field[MCF_SERVICE], name) == 0 &&
	    strcmp(s->field[MCF_TYPE], type != NULL ? type : "inet") == 0;
}

/* port_filter - make name/type pick by port, when it names 587 or 465 */
static int
port_filter(const char *name, const char *type)
{
	char	*p;
	int	 n;

	if (type != NULL && strcmp(type, "inet") != 0)
		return 0;
	n = mc_port_of(name, &by_host, &p);
	free(p);
	if (n != 587 && n != 465) {
		free(by_host);
		by_host = NULL;
		return 0;
	}
	by_port = n;
	return 1;
}

/* expand_override - what an override's value comes to; res allocated */
static void
expand_override(struct conf *c, const struct mc_service *s,
    const struct mc_override *o, struct exp_result *res)
{
	if (exp_is_raw(o->name)) {
		memset(res, 0, sizeof(*res));
		res->text = xstrdup(o->value);
		return;
	}
	conf_expand_service(c, s, o->value, res);
}

static void
show_json(struct conf *c, const char *name, const char *type)
{
	struct json		 j;
	struct exp_result	 res;
	const struct mc_service	*s;
	size_t			 i, k;

	json_init(&j, stdout);
	json_begin_obj(&j);
	json_kstr(&j, "config_directory", c->dir);
	json_key(&j, "services");
	json_begin_arr(&j);
	for (i = 0; i < c->master.nsvc; i++) {
		s = &c->master.svc[i];
		if (!svc_selected(s, name, type))
			continue;
		json_begin_obj(&j);
		json_kstr(&j, "name", s->field[MCF_SERVICE]);
		json_kstr(&j, "type", s->field[MCF_TYPE]);
		json_kbool(&j, "enabled", s->enabled);
		json_kstr(&j, "file", c->master.cf.path);
		json_kint(&j, "line", (long long)s->first + 1);
		json_kstr(&j, "private", s->field[MCF_PRIVATE]);
		json_kstr(&j, "unpriv", s->field[MCF_UNPRIV]);
		json_kstr(&j, "chroot", s->field[MCF_CHROOT]);
		json_kstr(&j, "wakeup", s->field[MCF_WAKEUP]);
		json_kstr(&j, "maxproc", s->field[MCF_MAXPROC]);
		json_kstr(&j, "command", s->field[MCF_COMMAND]);
		json_key(&j, "overrides");
		json_begin_arr(&j);
		for (k = 0; k < s->nov; k++) {
			expand_override(c, s, &s->ov[k], &res);
			json_begin_obj(&j);
			json_kstr(&j, "name", s->ov[k].name);
			json_kstr(&j, "value", s->ov[k].value);
			json_key(&j, "expanded");
			if (res.error != NULL)
				json_null(&j);
			else
				json_str(&j, res.text);
			json_kint(&j, "line", (long long)s->ov[k].line + 1);
			if (res.error != NULL)
				json_kstr(&j, "error", res.error);
			if (res.undef != NULL)
				json_kstr(&j, "undefined", res.undef);
			json_end_obj(&j);
			exp_result_free(&res);
		}
		json_end_arr(&j);
		json_key(&j, "args");
		json_begin_arr(&j);
		for (k = s->pos; k < s->ntok; k++)
			json_str(&j, s->tok[k].text);
		json_end_arr(&j);
		json_end_obj(&j);
	}
	json_end_arr(&j);
	json_end_obj(&j);
	json_finish(&j);
}

static void
show_text(struct conf *c, const char *name, const char *type)
{
	struct exp_result	 res;
	const struct mc_service	*s;
	const struct mc_override *o;
	char			*f;
	size_t			 i, k, n = 0;

	for (i = 0; i < c->master.nsvc; i++) {
		s = &c->master.svc[i];
		if (!svc_selected(s, name, type))
			continue;
		if (n++ > 0)
			putchar('\n');
		print_quoted(stdout, s->field[MCF_SERVICE]);
		putchar('/');
		print_quoted(stdout, s->field[MCF_TYPE]);
		printf(" (%s) %s:%zu\n", s->enabled ? "enabled" :
		    "commented out", c->master.cf.path, s->first + 1);
		printf("    private=");
		print_quoted(stdout, s->field[MCF_PRIVATE]);
		printf(" unpriv=");
		print_quoted(stdout, s->field[MCF_UNPRIV]);
		printf(" chroot=");
		print_quoted(stdout, s->field[MCF_CHROOT]);
		printf(" wakeup=");
		print_quoted(stdout, s->field[MCF_WAKEUP]);
		printf(" maxproc=");
		print_quoted(stdout, s->field[MCF_MAXPROC]);
		printf(" command=");
		print_quoted(stdout, s->field[MCF_COMMAND]);
		putchar('\n');
		for (k = 0; k < s->nov; k++) {
			o = &s->ov[k];
			printf("    line %zu: ", o->line + 1);
			print_quoted(stdout, o->name);
			printf(" =");
			if (*o->value != '\0') {
				putchar(' ');
				print_quoted(stdout, o->value);
			}
			putchar('\n');
			expand_override(c, s, o, &res);
			if (res.error != NULL) {
				printf("        cannot expand: ");
				print_quoted(stdout, res.error);
				putchar('\n');
			} else if (strcmp(res.text, o->value) != 0) {
				f = fold_ws(res.text);
				printf("        = ");
				print_quoted(stdout, f);
				putchar('\n');
				free(f);
			}
			if (res.undef != NULL) {
				printf("        undefined: $");
				print_quoted(stdout, res.undef);
				putchar('\n');
			}
			exp_result_free(&res);
		}
		if (s->pos < s->ntok) {
			printf("    args:");
			for (k = s->pos; k < s->ntok; k++) {
				putchar(' ');
				print_quoted(stdout, s->tok[k].text);
			}
			putchar('\n');
		}
	}
	if (n == 0 && name == NULL)
		printf("no submission service in %s (not even commented "
		    "out); pfsubmit enable adds one\n", c->master.cf.path);
}

int
cmd_show(int argc, char **argv)
{
	struct conf	 c;
	char		*name = NULL, *type = NULL, *slash, *q, *qt;
	size_t		 i;
	int		 found = 0, n;

	n = cmd_getopt(argc, argv, cmd_find("show"), NULL, NULL, NULL);
	if (argc - n > 1)
		cmd_usage(cmd_find("show"));
	if (argc - n == 1) {
		if (arg_check_service(argv[n]) == -1)
			return EX_PF_FAIL;
		name = xstrdup(argv[n]);
		if ((slash = strchr(name, '/')) != NULL) {
			*slash = '\0';
			type = slash + 1;
		}
	}
	if (open_conf(&c, 0) == -1) {
		conf_free(&c);
		free(name);
		return EX_PF_FAIL;
	}
	if (name != NULL && !(strcmp(name, "all") == 0 && type == NULL)) {
		/* A submission port's name: the services on the port. */
		(void)port_filter(name, type);
		for (i = 0; i < c.master.nsvc; i++)
			if (svc_selected(&c.master.svc[i], name, type))
				found = 1;
		if (!found) {
			q = vquote(name, strlen(name), 60);
			qt = vquote(type != NULL ? type : "inet",
			    strlen(type != NULL ? type : "inet"), 20);
			fprintf(stderr, "pfsubmit: %s: no service %s/%s, live "
			    "or commented out\n", c.master.cf.path, q, qt);
			free(q);
			free(qt);
			conf_free(&c);
			free(name);
			free(by_host);
			by_host = NULL;
			by_port = 0;
			return EX_PF_FAIL;
		}
	}
	if (opt.json)
		show_json(&c, name, type);
	else
		show_text(&c, name, type);
	diag_print(&c.d, stderr, DIAG_SHOWN(DIAG_NOTE));
	conf_free(&c);
	free(name);
	free(by_host);
	by_host = NULL;
	by_port = 0;
	return EX_PF_OK;
}

/*
 * param show
 */
static int xflag;

static void
param_show_opt(int ch, const char *arg)
{
	(void)arg;
	if (ch == 'x')
		xflag = 1;
}

static int
param_show(int argc, char **argv)
{
	struct conf		 c;
	struct json		 j;
	struct exp_result	 res;
	const struct mp_param	*p;
	const char		*value, *name;
	char			*f;
	size_t			 i, n;
	int			 bad = 0, deflt;

	xflag = 0;
	n = (size_t)cmd_getopt(argc, argv, cmd_find("param"), "x", NULL,
	    param_show_opt);
	for (i = n; i < (size_t)argc; i++)
		if (arg_check_name(argv[i], "parameter") == -1)
			return EX_PF_FAIL;
	if (open_conf(&c, 0) == -1) {
		conf_free(&c);
		return EX_PF_FAIL;
	}
	if (opt.json) {
		json_init(&j, stdout);
		json_begin_obj(&j);
		json_kstr(&j, "file", c.main.cf.path);
		json_key(&j, "parameters");
		json_begin_arr(&j);
	}
	for (i = 0; n == (size_t)argc ? i < c.main.npar : n + i < (size_t)argc;
	    i++) {
		deflt = 0;
		if (n == (size_t)argc) {
			p = &c.main.par[i];
			if (p->shadowed)
				continue;
			name = p->name;
			value = p->value;
		} else {
			name = argv[n + i];
			p = mp_get(&c.main, name);
			if (p != NULL)
				value = p->value;
			else if ((value = conf_default(&c, name)) != NULL)
				deflt = 1;
			else {
				fprintf(stderr, "pfsubmit: %s: %s is not set, "
				    "and Postfix has no such parameter\n",
				    c.main.cf.path, name);
				bad = 1;
				continue;
			}
		}
		if (exp_is_raw(name)) {
			memset(&res, 0, sizeof(res));
			res.text = xstrdup(value);
		} else
			conf_expand_main(&c, value, &res);
		if (opt.json) {
			json_begin_obj(&j);
			json_kstr(&j, "name", name);
			json_kstr(&j, "value", value);
			json_key(&j, "expanded");
			if (res.error != NULL)
				json_null(&j);
			else
				json_str(&j, res.text);
			json_key(&j, "line");
			if (deflt)
				json_null(&j);
			else
				json_int(&j, (long long)p->line + 1);
			if (deflt)
				json_kbool(&j, "default", 1);
			if (res.error != NULL)
				json_kstr(&j, "error", res.error);
			if (res.undef != NULL)
				json_kstr(&j, "undefined", res.undef);
			json_end_obj(&j);
			if (xflag && res.error != NULL)
				bad = 1;
		} else {
			print_quoted(stdout, name);
			f = fold_ws(xflag && res.error == NULL ? res.text :
			    value);
			if (*f != '\0') {
				printf(" = ");
				print_quoted(stdout, f);
				putchar('\n');
			} else
				printf(" =\n");
			free(f);
			if (xflag && res.error != NULL) {
				fprintf(stderr, "pfsubmit: %s: cannot expand "
				    "%s: ", c.main.cf.path, name);
				print_quoted(stderr, res.error);
				fputc('\n', stderr);
				bad = 1;
			}
		}
		exp_result_free(&res);
	}
	if (opt.json) {
		json_end_arr(&j);
		json_end_obj(&j);
		json_finish(&j);
	}
	diag_print(&c.d, stderr, DIAG_SHOWN(DIAG_NOTE));
	conf_free(&c);
	return bad ? EX_PF_FAIL : EX_PF_OK;
}

int
cmd_param(int argc, char **argv)
{
	char	*q;
	int	 i;

	/* The common options may come before the sub-command too. */
	i = cmd_getopt(argc, argv, cmd_find("param"), "+", NULL, NULL);
	if (i >= argc)
		cmd_usage(cmd_find("param"));
	argc -= i;
	argv += i;
	if (strcmp(argv[0], "show") == 0)
		return param_show(argc, argv);
	if (strcmp(argv[0], "set") == 0)
		return param_set(argc, argv);
	if (strcmp(argv[0], "unset") == 0)
		return param_unset(argc, argv);
	q = vquote(argv[0], strlen(argv[0]), 60);
	fprintf(stderr, "pfsubmit: unknown command param %s; use param set, "
	    "param unset or param show\n", q);
	free(q);
	return EX_PF_FAIL;
}

/*
 * check
 */
int
cmd_check(int argc, char **argv)
{
	struct conf	 c;
	struct diag	 d;
	struct json	 j;
	size_t		 i;
	int		 loaded;

	if (cmd_getopt(argc, argv, cmd_find("check"), NULL, NULL, NULL) !=
	    argc)
		cmd_usage(cmd_find("check"));
	diag_init(&d);
	if (conf_open_dir(&c, opt.config_dir, 0, &d) == -1)
		loaded = 0;
	else {
		(void)conf_load(&c, &d);
		loaded = c.master.cf.exists || c.main.cf.exists;
	}
	if (loaded)
		lint_run(&c, &d);
	diag_move(&d, &c.d);
	if (opt.json) {
		json_init(&j, stdout);
		json_begin_obj(&j);
		json_kstr(&j, "config_directory", c.dir);
		json_key(&j, "findings");
		json_begin_arr(&j);
		for (i = 0; i < d.n; i++) {
			json_begin_obj(&j);
			json_kstr(&j, "file", d.m[i].file);
			json_key(&j, "line");
			if (d.m[i].line > 0)
				json_int(&j, (long long)d.m[i].line);
			else
				json_null(&j);
			json_kstr(&j, "severity", diag_sevname(d.m[i].sev));
			json_kstr(&j, "rule", d.m[i].rule);
			json_kstr(&j, "message", d.m[i].text);
			json_end_obj(&j);
		}
		json_end_arr(&j);
		json_kint(&j, "errors", (long long)d.nerr);
		json_kint(&j, "warnings", (long long)d.nwarn);
		json_end_obj(&j);
		json_finish(&j);
	} else {
		diag_print(&d, stdout, opt.quiet ? DIAG_ERR : DIAG_NOTE);
		if (!opt.quiet)
			printf("%zu error%s, %zu warning%s\n", d.nerr,
			    d.nerr == 1 ? "" : "s", d.nwarn,
			    d.nwarn == 1 ? "" : "s");
	}
	i = d.nerr;
	diag_free(&d);
	conf_free(&c);
	return i > 0 ? EX_PF_FAIL : EX_PF_OK;
}
