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
 * undefined and that is said.  Most defaults that depend on other
 * parameters are written as expressions ("${{$compatibility_level}
 * <level {2} ? ...}") and come out right when expanded against main.cf;
 * the few that Postfix computes in code are worked out here from the
 * file: myhostname, mydomain and mynetworks.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pfsubmit.h"

/*
 * Where the scratch directory for postconf -d goes (not every system
 * has <paths.h> and its _PATH_TMP).
 */
#define CONF_TMP	"/tmp/"

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

/*
 * absolute - an absolute version of a directory path, without a trailing
 * slash (it goes into paths that main.cf keeps and compares); allocated
 */
static char *
absolute(const char *dir)
{
	char	*p;
	size_t	 n;

	/* A path realpath cannot resolve is kept as given. */
	if (dir[0] == '/' || (p = realpath(dir, NULL)) == NULL)
		p = xstrdup(dir);
	for (n = strlen(p); n > 1 && p[n - 1] == '/'; n--)
		p[n - 1] = '\0';
	return p;
}

/*
 * conf_open_dir - open the directory (dir NULL: Postfix's default);
 * with for_write, refuse one that others may write to.
 */
int
conf_open_dir(struct conf *c, const char *dir, int for_write, struct diag *d)
{
	memset(c, 0, sizeof(*c));
	c->dirfd = -1;
	c->is_default = -1;
	strmap_init(&c->defaults);
	diag_init(&c->d);
	/* Asking postconf costs a process: only when -c was not given. */
	c->dir = dir != NULL ? xstrdup(dir) : conf_config_directory();
	c->absdir = absolute(c->dir);
	mp_init(&c->main, "main.cf");
	mc_init(&c->master, "master.cf");
	if ((c->dirfd = sf_open_dir(c->dir, for_write, d)) == -1)
		return -1;
	return 0;
}

/*
 * conf_is_default - is this Postfix's default configuration directory
 * (so that postfix runs without -c, as multi-instance setups need)?
 */
int
conf_is_default(struct conf *c)
{
	char	*def;

	if (c->is_default == -1) {
		def = conf_config_directory();
		c->is_default = strcmp(c->absdir, def) == 0;
		free(def);
	}
	return c->is_default;
}

/* same_dir - do two paths name one directory (or, unresolved, one path)? */
static int
same_dir(const char *a, const char *b)
{
	char	*ra, *rb;
	int	 same;

	ra = realpath(a, NULL);
	rb = realpath(b, NULL);
	same = strcmp(ra != NULL ? ra : a, rb != NULL ? rb : b) == 0;
	free(ra);
	free(rb);
	return same;
}

/*
 * conf_own_instance - is the directory a Postfix instance of its own?
 * postfix -c DIR status and reload act on the master whose pid file is
 * in DIR's queue_directory: for a copy of the default instance's main.cf
 * (a staging directory) that is the running default instance, which
 * must not be reloaded for an edit of the copy.
 */
int
conf_own_instance(struct conf *c)
{
	const char *const argv[] = { PATH_POSTCONF, "-h", "queue_directory",
	    NULL };
	const char *const dargv[] = { PATH_POSTCONF, "-dh", "queue_directory",
	    NULL };
	struct run_result r;
	struct exp_result res;
	int		 own = 1;

	if (conf_is_default(c))
		return 1;
	/* Without a main.cf of its own, the default instance has the default. */
	if (run_cmd(argv, RUN_STDOUT, 30, &r) != 0) {
		run_result_free(&r);
		(void)run_cmd(dargv, RUN_STDOUT, 30, &r);
	}
	if (r.status == 0 && r.out.p[0] == '/') {
		r.out.p[strcspn(r.out.p, "\n")] = '\0';
		conf_expand_main(c, "$queue_directory", &res);
		if (res.error == NULL && res.text[0] == '/' &&
		    same_dir(res.text, r.out.p))
			own = 0;
		exp_result_free(&res);
	}
	run_result_free(&r);
	return own;
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

	if (load_one(c, &c->main.cf, "main.cf", 0, d) == -1 ||
	    mp_parse(&c->main, d) == -1)
		bad = 1;
	if (load_one(c, &c->master.cf, "master.cf", 1, d) == -1 ||
	    mc_parse(&c->master, d) == -1)
		bad = 1;
	return bad ? -1 : 0;
}

/*
 * conf_reparse - parse both files again after an edit of their lines.
 * Returns 0; -2 when the edit took a line, an entry or a file past a
 * bound that cf_load enforces (the files would then be refused by every
 * later command, rollback included, so the edit must not be written);
 * -1 when the edited files have errors that Postfix would refuse.
 */
int
conf_reparse(struct conf *c, struct diag *d)
{
	int	 bad = 0, over = 0;

	/* The services may have changed: index them again when asked. */
	strmap_free(&c->services);
	c->services_indexed = 0;

	if (mp_parse(&c->main, d) == -1)
		bad = 1;
	if (mc_parse(&c->master, d) == -1)
		bad = 1;
	if (cf_check_limits(&c->main.cf, d) == -1)
		over = 1;
	if (cf_check_limits(&c->master.cf, d) == -1)
		over = 1;
	if (over)
		return -2;
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
	strmap_free(&c->services);
	c->services_indexed = 0;
	for (i = 0; i < c->nkept; i++)
		free(c->kept[i]);
	free(c->kept);
	c->kept = NULL;
	c->nkept = c->capkept = 0;
	strmap_free(&c->nets);
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

/*
 * Parameters that postconf derives from master.cf: every service that
 * runs a delivery agent gets "<service>_<suffix>" with the default
 * "$<parameter>".  postconf -c DIR -d would list them too, but it takes
 * seconds on a master.cf of thousands of services; this is the same
 * rule, applied here.
 */
static const struct {
	const char	*suffix;
	const char	*param;
} service_params[] = {
	{ "_time_limit", "command_time_limit" },	/* pipe and spawn */
	{ "_recipient_limit", "default_recipient_limit" },
	{ "_extra_recipient_limit", "default_extra_recipient_limit" },
	{ "_recipient_refill_limit", "default_recipient_refill_limit" },
	{ "_recipient_refill_delay", "default_recipient_refill_delay" },
	{ "_delivery_slot_cost", "default_delivery_slot_cost" },
	{ "_delivery_slot_loan", "default_delivery_slot_loan" },
	{ "_delivery_slot_discount", "default_delivery_slot_discount" },
	{ "_minimum_delivery_slots", "default_minimum_delivery_slots" },
	{ "_initial_destination_concurrency",
	    "initial_destination_concurrency" },
	{ "_destination_concurrency_limit",
	    "default_destination_concurrency_limit" },
	{ "_destination_recipient_limit",
	    "default_destination_recipient_limit" },
	{ "_destination_concurrency_positive_feedback",
	    "default_destination_concurrency_positive_feedback" },
	{ "_destination_concurrency_negative_feedback",
	    "default_destination_concurrency_negative_feedback" },
	{ "_destination_concurrency_failed_cohort_limit",
	    "default_destination_concurrency_failed_cohort_limit" },
	{ "_destination_rate_delay", "default_destination_rate_delay" },
	{ "_transport_rate_delay", "default_transport_rate_delay" },
};

static const char *keep(struct conf *, char *);

/* service_kind - 2: pipe, 1: another delivery agent, 3: spawn, 0 */
static int
service_kind(const char *cmd)
{
	if (strcmp(cmd, "pipe") == 0)
		return 2;
	if (strcmp(cmd, "spawn") == 0)
		return 3;
	if (strcmp(cmd, "local") == 0 || strcmp(cmd, "error") == 0 ||
	    strcmp(cmd, "virtual") == 0 || strcmp(cmd, "smtp") == 0 ||
	    strcmp(cmd, "lmtp") == 0)
		return 1;
	return 0;
}

/*
 * service_default - the default of a service-derived name, worked out
 * when it is asked for (a master.cf of thousands of services would
 * otherwise mean tens of thousands of names), or NULL.
 */
static const char *
service_default(struct conf *c, const char *name)
{
	const struct mc_service *s;
	size_t		 k, n = strlen(name), sl, i;
	intptr_t	 kind;
	char		*svc;

	for (k = 0; k < sizeof(service_params) / sizeof(service_params[0]);
	    k++) {
		sl = strlen(service_params[k].suffix);
		if (n <= sl || strcmp(name + n - sl,
		    service_params[k].suffix) != 0)
			continue;
		if (!c->services_indexed) {
			for (i = 0; i < c->master.nsvc; i++) {
				s = &c->master.svc[i];
				if (s->enabled && s->ntok >= MC_NFIELDS &&
				    service_kind(s->field[MCF_COMMAND]) != 0)
					strmap_put(&c->services,
					    s->field[MCF_SERVICE], (void *)
					    (intptr_t)service_kind(
					    s->field[MCF_COMMAND]));
			}
			c->services_indexed = 1;
		}
		svc = xstrndup(name, n - sl);
		kind = (intptr_t)strmap_get(&c->services, svc);
		free(svc);
		/* _time_limit: pipe and spawn; the others: not spawn. */
		if (kind == 0 || (k == 0 && kind == 1) || (k > 0 && kind == 3))
			continue;
		return keep(c, xprintf("$%s", service_params[k].param));
	}
	return NULL;
}

/*
 * scratch_dir - a new, empty directory of our own (mode 0700, under
 * /tmp) for postconf -c; its path, allocated, or NULL.  postconf
 * reads no main.cf there unless one is put in, and only warns that
 * master.cf is missing.
 */
static char *
scratch_dir(void)
{
	char	*dir;

	dir = xstrdup(CONF_TMP "pfsubmit-postconf.XXXXXXXXXX");
	if (mkdtemp(dir) == NULL) {
		free(dir);
		return NULL;
	}
	return dir;
}

/*
 * load_defaults - Postfix's built-in defaults, from postconf -d run on
 * an empty scratch directory: with no main.cf and no master.cf there,
 * the cost does not grow with the user's files, and the compiled-in
 * defaults (config_directory, queue_directory, daemon_directory and the
 * rest) are what comes out.  The service-derived defaults are worked
 * out when asked for.
 */
static void
load_defaults(struct conf *c)
{
	const char	*argv[] = { PATH_POSTCONF, "-c", NULL, "-d", NULL };
	struct run_result r;
	char		*dir;

	c->defaults_loaded = 1;
	if ((dir = scratch_dir()) == NULL) {
		diag_add(&c->d, DIAG_NOTE, NULL, 0, "cannot make a scratch "
		    "directory under %s for postconf: %s; names that main.cf "
		    "does not set are taken as undefined", CONF_TMP,
		    strerror(errno));
		return;
	}
	argv[2] = dir;
	if (run_cmd(argv, RUN_STDOUT, 30, &r) == 0) {
		parse_defaults(c, r.out.p);
		c->defaults_ok = 1;
	} else
		diag_add(&c->d, DIAG_NOTE, NULL, 0, "postconf -d did not run; "
		    "names that main.cf does not set are taken as undefined");
	run_result_free(&r);
	(void)rmdir(dir);
	free(dir);
}

/* keep - remember an allocated string until conf_free; returns it */
static const char *
keep(struct conf *c, char *s)
{
	c->kept = xgrowarray(c->kept, &c->capkept, c->nkept + 1,
	    sizeof(*c->kept));
	c->kept[c->nkept++] = s;
	return s;
}

static const char *
main_only_lookup(const char *name, void *arg)
{
	struct conf		*c = arg;
	const struct mp_param	*p;

	if ((p = mp_get(&c->main, name)) != NULL)
		return p->value;
	/* Postfix sets this one before it reads main.cf. */
	return strcmp(name, "config_directory") == 0 ? c->dir : NULL;
}

/*
 * effective_main - name's main.cf value, expanded against main.cf alone
 * (Postfix works these defaults out before it knows any other default);
 * NULL if main.cf does not set it.
 */
static char *
effective_main(struct conf *c, const char *name)
{
	struct exp_result	 res;
	const struct mp_param	*p;
	char			*r;

	if ((p = mp_get(&c->main, name)) == NULL)
		return NULL;
	exp_expand(p->value, main_only_lookup, c, &res);
	r = xstrdup(res.text);
	exp_result_free(&res);
	return r;
}

/* derive_myhostname - the host's name, ".$mydomain" added without a dot */
static char *
derive_myhostname(struct conf *c)
{
	char	 host[256];
	char	*v, *r;

	if (gethostname(host, sizeof(host)) == -1)
		(void)strlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	if (strchr(host, '.') != NULL)
		return xstrdup(host);
	v = effective_main(c, "mydomain");
	r = xprintf("%s.%s", host, v != NULL ? v : "localdomain");
	free(v);
	return r;
}

/*
 * derived_default - the two defaults that Postfix works out from main.cf
 * itself, as its daemons and postconf do: myhostname is the host's name,
 * with ".$mydomain" (or ".localdomain") added when it has no dot; and
 * mydomain is what follows the first dot of $myhostname.  A main.cf
 * that defines each through the other is cut short, not looped.
 */
static const char *
derived_default(struct conf *c, const char *name)
{
	const char	*dot;
	char		*v, *r;

	if (c->deriving)
		return "localdomain";
	c->deriving = 1;
	if (strcmp(name, "myhostname") == 0)
		r = derive_myhostname(c);
	else {
		/* Not derived_default(): c->deriving would cut it short. */
		if ((v = effective_main(c, "myhostname")) == NULL)
			v = derive_myhostname(c);
		dot = strchr(v, '.');
		r = xstrdup(dot != NULL ? dot + 1 : "localdomain");
		free(v);
	}
	c->deriving = 0;
	return keep(c, r);
}

/*
 * The parameters from which Postfix computes the default of mynetworks
 * (global/mynetworks.c, own_inet_addr.c): the style, which by default
 * depends on the compatibility level, and the interfaces' addresses.
 */
static const char *const net_inputs[] = {
	"compatibility_level", "mynetworks_style", "inet_interfaces",
	"inet_protocols", NULL
};

static const char *main_lookup(const char *, void *);
static const char *svc_lookup(const char *, void *);

struct svc_arg {
	struct conf		*c;
	const struct mc_service	*s;
};

/* write_scratch - DIR/NAME with the given text; -1 on failure */
static int
write_scratch(const char *dir, const char *name, const char *text,
    size_t len)
{
	struct timespec	 ts[2];
	char		*path;
	int		 fd, r = 0;
	ssize_t		 n;

	path = xprintf("%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	free(path);
	if (fd == -1)
		return -1;
	while (len > 0) {
		if ((n = write(fd, text, len)) == -1) {
			if (errno == EINTR)
				continue;
			r = -1;
			break;
		}
		text += n;
		len -= (size_t)n;
	}
	/*
	 * postconf reads a file changed within the last second again and
	 * again, 300 ms apart, until it is older (it may be mid-write):
	 * dated a minute back, the scratch file is read once.
	 */
	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - 60;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	if (futimens(fd, ts) == -1)
		r = -1;
	if (close(fd) == -1)
		r = -1;
	return r;
}

/*
 * ask_mynetworks - postconf's mynetworks for a main.cf of just text, in
 * a scratch directory; allocated, or NULL when postconf fails (as it
 * does, and every Postfix daemon with it, for an interface address
 * that this host does not have).  An empty master.cf goes beside it,
 * which spares postconf's warning about a missing one.
 */
static char *
ask_mynetworks(const char *text, size_t len)
{
	const char	*argv[] = { PATH_POSTCONF, "-c", NULL, "-h",
			    "mynetworks", NULL };
	struct run_result r;
	char		*dir, *path, *v = NULL;

	if ((dir = scratch_dir()) == NULL)
		return NULL;
	argv[2] = dir;
	if (write_scratch(dir, "master.cf", "", 0) == 0 &&
	    write_scratch(dir, "main.cf", text, len) == 0) {
		if (run_cmd(argv, RUN_STDOUT, 30, &r) == 0)
			v = xstrndup(r.out.p, strcspn(r.out.p, "\n"));
		run_result_free(&r);
	}
	path = xprintf("%s/main.cf", dir);
	(void)unlink(path);
	free(path);
	path = xprintf("%s/master.cf", dir);
	(void)unlink(path);
	free(path);
	(void)rmdir(dir);
	free(dir);
	return v;
}

/*
 * computed_mynetworks - the default of mynetworks as Postfix computes
 * it from the host's interfaces for this configuration: main.cf, or a
 * service's -o overrides and then main.cf (s non-NULL; a daemon
 * computes it after its overrides).  postconf computes it too, so it is
 * asked, on a scratch main.cf that holds just the inputs (net_inputs)
 * that are set, each expanded here, "$" escaped.  With none of them
 * set, it is postconf -d's value.  Answers are kept by the scratch
 * text, so a master.cf of many services costs one run per distinct
 * setting, and at most NET_RUNS runs in all: past them (a master.cf of
 * thousands of services, each with interfaces of its own, would
 * otherwise mean thousands of runs) a service gets main.cf's value, and
 * that is said.  When postconf cannot say, postconf -d's value stands.
 */
#define NET_RUNS	16

static const char *
computed_mynetworks(struct conf *c, const struct mc_service *s)
{
	const struct mc_override *o;
	const struct mp_param *p;
	struct exp_result res;
	struct svc_arg	 a;
	struct buf	 text;
	const char	*v, *dflt, *cp;
	char		*got;
	size_t		 i;
	int		 bad = 0;

	dflt = strmap_get(&c->defaults, "mynetworks");
	if (c->netbusy)
		return dflt;
	c->netbusy = 1;
	a.c = c;
	a.s = s;
	buf_init(&text);
	buf_adds(&text, "");
	for (i = 0; net_inputs[i] != NULL; i++) {
		v = NULL;
		if (s != NULL && (o = mc_find_override(s, net_inputs[i])) !=
		    NULL)
			v = o->value;
		else if ((p = mp_get(&c->main, net_inputs[i])) != NULL)
			v = p->value;
		if (v == NULL)
			continue;
		if (s != NULL)
			exp_expand(v, svc_lookup, &a, &res);
		else
			exp_expand(v, main_lookup, c, &res);
		if (res.error != NULL)
			bad = 1;
		buf_printf(&text, "%s = ", net_inputs[i]);
		for (cp = res.text; *cp != '\0'; cp++) {
			if (*cp == '$')
				buf_addc(&text, '$');
			buf_addc(&text, *cp == '\n' ? ' ' : *cp);
		}
		buf_addc(&text, '\n');
		exp_result_free(&res);
	}
	c->netbusy = 0;
	/* Postfix would not start with an input it cannot expand. */
	if (text.len == 0 || bad) {
		buf_free(&text);
		return dflt;
	}
	if ((v = strmap_get(&c->nets, text.p)) == NULL &&
	    c->nets.n >= NET_RUNS) {
		buf_free(&text);
		if (!c->netsfull)
			diag_add(&c->d, DIAG_NOTE, NULL, 0, "more than %d "
			    "different settings of mynetworks' inputs; the "
			    "services past them get main.cf's mynetworks",
			    NET_RUNS);
		c->netsfull = 1;
		return s != NULL ? computed_mynetworks(c, NULL) : dflt;
	}
	if (v == NULL) {
		if ((got = ask_mynetworks(text.p, text.len)) == NULL) {
			diag_add(&c->d, DIAG_NOTE, NULL, 0, "postconf could "
			    "not work out mynetworks from %s's settings; "
			    "taking its default", c->main.cf.path);
			v = dflt;
		} else
			v = keep(c, got);
		if (v != NULL)
			strmap_put(&c->nets, text.p, (void *)v);
	}
	buf_free(&text);
	return v;
}

/* conf_default - Postfix's default value of name, or NULL */
const char *
conf_default(struct conf *c, const char *name)
{
	const char	*v;

	if (!c->defaults_loaded)
		load_defaults(c);
	if (strcmp(name, "config_directory") == 0)
		return c->dir;
	if (strcmp(name, "myhostname") == 0 || strcmp(name, "mydomain") == 0)
		return derived_default(c, name);
	if (strcmp(name, "mynetworks") == 0 && c->defaults_ok)
		return computed_mynetworks(c, NULL);
	if ((v = strmap_get(&c->defaults, name)) != NULL || !c->defaults_ok)
		return v;
	return service_default(c, name);
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
	/* The daemon computes it with its own overrides in force. */
	if (strcmp(name, "mynetworks") == 0 && mp_get(&a->c->main, name) ==
	    NULL) {
		if (!a->c->defaults_loaded)
			load_defaults(a->c);
		if (a->c->defaults_ok)
			return computed_mynetworks(a->c, a->s);
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
