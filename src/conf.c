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
 * A configuration directory: both files, parsed, and Postfix's own
 * defaults for the names main.cf does not set.  The defaults come from
 * "postconf -d" (one run, on first need), so that $name expansion gives
 * what "postconf -x" gives; without postconf, undefined names stay
 * undefined and that is said.
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pfsubmit.h"

/*
 * conf_config_directory - Postfix's default configuration directory, as
 * postconf reports it, else /etc/postfix; allocated.
 */
char *
conf_config_directory(void)
{
	const char *const argv[] = { PATH_POSTCONF, "-dh",
	    "config_directory", NULL };
	struct run_result r;
	char		*dir;
	size_t		 len;

	if (run_cmd(argv, RUN_STDOUT, 30, &r) == 0) {
		len = strcspn(r.out.p, "\n");
		if (len > 0 && r.out.p[0] == '/') {
			dir = xstrndup(r.out.p, len);
			run_result_free(&r);
			return dir;
		}
	}
	run_result_free(&r);
	return xstrdup(DEFAULT_CONFIG_DIR);
}

/* absolute - an absolute version of a directory path; allocated */
static char *
absolute(const char *dir)
{
	char	*p;

	if (dir[0] == '/')
		return xstrdup(dir);
	if ((p = realpath(dir, NULL)) != NULL)
		return p;
	return xstrdup(dir);
}

/*
 * conf_open_dir - open the directory (dir NULL: Postfix's default);
 * with for_write, refuse one that others may write to.
 */
int
conf_open_dir(struct conf *c, const char *dir, int for_write, struct diag *d)
{
	char	*def;

	memset(c, 0, sizeof(*c));
	c->dirfd = -1;
	strmap_init(&c->defaults);
	diag_init(&c->d);
	def = conf_config_directory();
	c->dir = xstrdup(dir != NULL ? dir : def);
	c->absdir = absolute(c->dir);
	c->is_default = strcmp(c->absdir, def) == 0;
	free(def);
	mp_init(&c->main, "main.cf");
	mc_init(&c->master, "master.cf");
	if ((c->dirfd = sf_open_dir(c->dir, for_write, d)) == -1)
		return -1;
	return 0;
}

static char *
path_in(const struct conf *c, const char *name)
{
	size_t	 n = strlen(c->dir);

	if (n > 0 && c->dir[n - 1] == '/')
		return xprintf("%s%s", c->dir, name);
	return xprintf("%s/%s", c->dir, name);
}

/*
 * load_one - read and split one file.  Returns -1 when it cannot be
 * read or must be refused.
 */
static int
load_one(struct conf *c, struct cf_file *cf, const char *name, int required,
    struct diag *d)
{
	char	*path, *data;
	size_t	 len;
	int	 exists, r;

	path = path_in(c, name);
	free(cf->path);
	cf->path = path;
	if (sf_read(c->dirfd, name, path, &data, &len, &cf->st, &exists,
	    d) == -1)
		return -1;
	cf->exists = exists;
	if (!exists) {
		if (required) {
			diag_add(d, DIAG_ERR, path, 0, "no such file");
			return -1;
		}
		return 0;
	}
	r = cf_load(cf, data, len, d);
	free(data);
	return r;
}

/*
 * conf_load - read and parse main.cf (which may be absent) and master.cf.
 * Returns -1 when either has errors; every problem goes to d.
 */
int
conf_load(struct conf *c, struct diag *d)
{
	int	 bad = 0;

	if (load_one(c, &c->main.cf, "main.cf", 0, d) == -1)
		bad = 1;
	else if (mp_parse(&c->main, d) == -1)
		bad = 1;
	if (load_one(c, &c->master.cf, "master.cf", 1, d) == -1)
		bad = 1;
	else if (mc_parse(&c->master, d) == -1)
		bad = 1;
	return bad ? -1 : 0;
}

/*
 * conf_reparse - parse both files again after an edit of their lines.
 */
int
conf_reparse(struct conf *c, struct diag *d)
{
	int	 bad = 0;

	if (mp_parse(&c->main, d) == -1)
		bad = 1;
	if (mc_parse(&c->master, d) == -1)
		bad = 1;
	return bad ? -1 : 0;
}

void
conf_free(struct conf *c)
{
	size_t	 i;

	if (c->dirfd != -1)
		close(c->dirfd);
	c->dirfd = -1;
	mp_free(&c->main);
	mc_free(&c->master);
	for (i = 0; i < c->defaults.cap; i++)
		if (c->defaults.ent[i].key != NULL)
			free(c->defaults.ent[i].val);
	strmap_free(&c->defaults);
	diag_free(&c->d);
	free(c->dir);
	free(c->absdir);
	c->dir = c->absdir = NULL;
}

/* parse_defaults - "name = value" lines of postconf -d into the map */
static void
parse_defaults(struct conf *c, const char *out)
{
	const char	*p = out, *nl, *eq;
	char		*name;

	for (; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if ((eq = strstr(p, " =")) != NULL && eq < nl) {
			name = xstrndup(p, (size_t)(eq - p));
			eq += 2;
			if (eq < nl && *eq == ' ')
				eq++;
			if (strmap_get(&c->defaults, name) == NULL)
				strmap_put(&c->defaults, name,
				    xstrndup(eq, (size_t)(nl - eq)));
			free(name);
		}
		if (*nl == '\0')
			break;
	}
}

static void
load_defaults(struct conf *c)
{
	const char *const argv1[] = { PATH_POSTCONF, "-c", c->absdir, "-d",
	    NULL };
	const char *const argv2[] = { PATH_POSTCONF, "-d", NULL };
	struct run_result r;

	c->defaults_loaded = 1;
	if (run_cmd(argv1, RUN_STDOUT, 30, &r) == 0 ||
	    (run_result_free(&r), run_cmd(argv2, RUN_STDOUT, 30, &r) == 0)) {
		parse_defaults(c, r.out.p);
		c->defaults_ok = 1;
	} else
		diag_add(&c->d, DIAG_NOTE, NULL, 0, "postconf -d did not run; "
		    "names that main.cf does not set are taken as undefined");
	run_result_free(&r);
}

/* conf_default - Postfix's default value of name, or NULL */
const char *
conf_default(struct conf *c, const char *name)
{
	if (!c->defaults_loaded)
		load_defaults(c);
	return strmap_get(&c->defaults, name);
}

/* conf_is_builtin - is name one of Postfix's own parameters? */
int
conf_is_builtin(struct conf *c, const char *name)
{
	return conf_default(c, name) != NULL;
}

/*
 * conf_postfix_version - the installed Postfix's major and minor version
 * (mail_version).  Returns -1 when it is not known.
 */
int
conf_postfix_version(struct conf *c, int *major, int *minor)
{
	const char	*v;
	char		*end;
	long		 a, b;

	if ((v = conf_default(c, "mail_version")) == NULL)
		return -1;
	a = strtol(v, &end, 10);
	if (end == v || *end != '.')
		return -1;
	v = end + 1;
	b = strtol(v, &end, 10);
	if (end == v || a < 0 || a > 1000 || b < 0 || b > 1000)
		return -1;
	*major = (int)a;
	*minor = (int)b;
	return 0;
}

static const char *
main_lookup(const char *name, void *arg)
{
	struct conf		*c = arg;
	const struct mp_param	*p;

	if ((p = mp_get(&c->main, name)) != NULL)
		return p->value;
	return conf_default(c, name);
}

/* conf_expand_main - expand text as a main.cf value */
void
conf_expand_main(struct conf *c, const char *text, struct exp_result *res)
{
	exp_expand(text, main_lookup, c, res);
}

struct svc_arg {
	struct conf		*c;
	const struct mc_service	*s;
};

static const char *
svc_lookup(const char *name, void *arg)
{
	struct svc_arg		*a = arg;
	const struct mc_override *o;
	const char		*cmd, *slash;

	if ((o = mc_find_override(a->s, name)) != NULL)
		return o->value;
	if (strcmp(name, "service_name") == 0)
		return a->s->field[MCF_SERVICE];
	if (strcmp(name, "process_name") == 0) {
		cmd = a->s->field[MCF_COMMAND];
		return (slash = strrchr(cmd, '/')) != NULL ? slash + 1 : cmd;
	}
	return main_lookup(name, a->c);
}

/*
 * conf_expand_service - expand text as an -o value of service s: its
 * own overrides first, then service_name and process_name, then main.cf,
 * then Postfix's defaults (what postconf -Px does).
 */
void
conf_expand_service(struct conf *c, const struct mc_service *s,
    const char *text, struct exp_result *res)
{
	struct svc_arg	 a;

	a.c = c;
	a.s = s;
	exp_expand(text, svc_lookup, &a, res);
}
