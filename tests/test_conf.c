/*
 * Tests of conf.c: a configuration directory read whole, parsed again
 * after an edit (and refused when the edit crossed a bound that the
 * reader enforces), and Postfix's defaults, including those that
 * Postfix computes from main.cf.  These run the installed postconf.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test.h"

static const char master[] =
    "smtp      inet  n       -       y       -       -       smtpd\n"
    "pickup    unix  n       -       y       60      1       pickup\n";

/* open_dir - a scratch directory with main.cf and master.cf, loaded */
static char *
open_dir(struct conf *c, const char *main)
{
	struct diag	 d;
	char		*dir;

	dir = t_tmpdir();
	t_write(dir, "main.cf", main, strlen(main));
	t_write(dir, "master.cf", master, strlen(master));
	diag_init(&d);
	assert_int_equal(conf_open_dir(c, dir, 0, &d), 0);
	assert_int_equal(conf_load(c, &d), 0);
	assert_int_equal(d.nerr, 0);
	diag_free(&d);
	return dir;
}

static void
close_dir(struct conf *c, char *dir)
{
	conf_free(c);
	t_rmdir(dir);
	free(dir);
}

static int
has_err(const struct diag *d, const char *file, size_t line,
    const char *text)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		if (d->m[i].sev == DIAG_ERR && d->m[i].line == line &&
		    d->m[i].file != NULL && strstr(d->m[i].file, file) !=
		    NULL && strstr(d->m[i].text, text) != NULL)
			return 1;
	return 0;
}

/* grow - add continuation lines of 1000 bytes after line i until past n */
static void
grow(struct cf_file *f, size_t i, size_t n)
{
	char	 line[1000];
	size_t	 total;

	memset(line, 'v', sizeof(line));
	line[0] = ' ';
	line[sizeof(line) - 1] = '\n';
	for (total = 0; total <= n; total += sizeof(line))
		cf_line_insert(f, i + 1, line, sizeof(line));
}

/*
 * An edit that takes a main.cf entry past 1 MiB (repeated set) is not
 * a parse error but a refusal: -2, with the entry's file and line and
 * "nothing written".  Within the bound the reparse succeeds.
 */
static void
reparse_refuses_an_entry_past_the_bound(void **state)
{
	struct conf	 c;
	struct diag	 d;
	char		*dir;

	dir = open_dir(&c, "# x\nsmtpd_banner = a\nrelayhost =\n");
	diag_init(&d);
	grow(&c.main.cf, 1, 1000);
	assert_int_equal(conf_reparse(&c, &d), 0);
	assert_int_equal(d.nerr, 0);
	grow(&c.main.cf, 1, PF_MAX_ENTRY);
	assert_int_equal(conf_reparse(&c, &d), -2);
	assert_true(has_err(&d, "main.cf", 2, "the edit would make this "
	    "entry longer than 1 MiB, which pfsubmit refuses to read; "
	    "nothing written"));
	diag_free(&d);
	close_dir(&c, dir);
}

/* The same for a master.cf entry; and -1 stays for a parse error. */
static void
reparse_tells_a_bound_from_a_parse_error(void **state)
{
	struct conf	 c;
	struct diag	 d;
	char		*dir;

	dir = open_dir(&c, "relayhost =\n");
	diag_init(&d);
	cf_line_insert(&c.main.cf, 0, "no equals sign\n", 15);
	assert_int_equal(conf_reparse(&c, &d), -1);
	diag_free(&d);
	diag_init(&d);
	cf_line_delete(&c.main.cf, 0);
	assert_int_equal(conf_reparse(&c, &d), 0);
	grow(&c.master.cf, 0, PF_MAX_ENTRY);
	assert_int_equal(conf_reparse(&c, &d), -2);
	assert_true(has_err(&d, "master.cf", 1, "longer than 1 MiB"));
	diag_free(&d);
	close_dir(&c, dir);
}

/* count_scratch - entries of /tmp that load_defaults would make */
static size_t
count_scratch(void)
{
	struct dirent	*de;
	DIR		*dp;
	size_t		 n = 0;

	assert_non_null(dp = opendir("/tmp"));
	while ((de = readdir(dp)) != NULL)
		if (strncmp(de->d_name, "pfsubmit-postconf.", 18) == 0)
			n++;
	closedir(dp);
	return n;
}

/*
 * Postfix's defaults are read without /proc (which macOS and OpenBSD
 * lack), from an empty scratch directory that is gone afterwards; the
 * compiled-in paths come with them.
 */
static void
defaults_come_from_a_scratch_directory_removed_after(void **state)
{
	struct conf	 c;
	char		*dir;
	size_t		 before;
	int		 major, minor, tries;

	before = count_scratch();
	dir = open_dir(&c, "compatibility_level = 3.6\n");
	assert_non_null(conf_default(&c, "mail_version"));
	assert_int_equal(c.defaults_ok, 1);
	assert_int_equal(conf_postfix_version(&c, &major, &minor), 0);
	assert_true(major >= 2);
	assert_non_null(conf_default(&c, "queue_directory"));
	assert_int_equal(conf_default(&c, "queue_directory")[0], '/');
	assert_int_equal(conf_default(&c, "daemon_directory")[0], '/');
	/* config_directory is the directory read, not the scratch one. */
	assert_string_equal(conf_default(&c, "config_directory"), dir);
	/*
	 * Another pfsubmit (a test run beside this one) may have one for
	 * a moment: what stays is what counts.
	 */
	for (tries = 0; count_scratch() > before && tries < 50; tries++)
		(void)poll(NULL, 0, 100);
	assert_true(count_scratch() <= before);
	close_dir(&c, dir);
}

/*
 * postconf_value - postconf -c dir -xh name, allocated.  main.cf is
 * dated back first: postconf rereads a file changed within the last
 * second, 300 ms apart, until it is older.
 */
static char *
postconf_value(const char *dir, const char *name)
{
	const char *const argv[] = { PATH_POSTCONF, "-c", dir, "-xh", name,
	    NULL };
	struct timespec	 ts[2];
	struct run_result r;
	char		*v, *path;

	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - 60;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	path = xprintf("%s/main.cf", dir);
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	free(path);
	assert_int_equal(run_cmd(argv, RUN_STDOUT, 30, &r), 0);
	v = xstrndup(r.out.p, strcspn(r.out.p, "\n"));
	run_result_free(&r);
	return v;
}

/* expanded - name's value or default, expanded as param show -x does */
static char *
expanded(struct conf *c, const char *name)
{
	const struct mp_param *p;
	struct exp_result res;
	const char	*v;
	char		*r;

	p = mp_get(&c->main, name);
	v = p != NULL ? p->value : conf_default(c, name);
	assert_non_null(v);
	conf_expand_main(c, v, &res);
	assert_null(res.error);
	r = xstrdup(res.text);
	exp_result_free(&res);
	return r;
}

/*
 * The default of mynetworks is computed from main.cf's settings, as
 * Postfix computes it: compatibility level 3.6 makes the style "host",
 * loopback-only keeps only loopback networks.  What postconf -xh says
 * on the same directory is the reference.
 */
static void
mynetworks_default_follows_main_cf(void **state)
{
	static const char *const mains[] = {
		"compatibility_level = 3.6\n",
		"inet_interfaces = loopback-only\n",
		"compatibility_level = 2\nmynetworks_style = subnet\n"
		    "inet_interfaces = 127.0.0.1\n",
		"lvl = 3.6\ncompatibility_level = $lvl\n"
		    "inet_protocols = ipv4\n",
		"",
	};
	struct conf	 c;
	char		*dir, *got, *want;
	size_t		 i;

	for (i = 0; i < sizeof(mains) / sizeof(mains[0]); i++) {
		dir = open_dir(&c, mains[i]);
		got = expanded(&c, "mynetworks");
		want = postconf_value(dir, "mynetworks");
		assert_string_equal(got, want);
		free(got);
		free(want);
		got = expanded(&c, "relay_domains");
		want = postconf_value(dir, "relay_domains");
		assert_string_equal(got, want);
		free(got);
		free(want);
		close_dir(&c, dir);
	}
	/* The first differs from postconf -d's: the test has teeth. */
	dir = open_dir(&c, mains[0]);
	got = expanded(&c, "mynetworks");
	close_dir(&c, dir);
	dir = open_dir(&c, "");
	want = expanded(&c, "mynetworks");
	assert_string_not_equal(got, want);
	free(got);
	free(want);
	close_dir(&c, dir);
}

/*
 * A service's own -o mynetworks_style is in force when its daemon
 * computes mynetworks; main.cf's is not changed by it.
 */
static void
mynetworks_default_of_a_service_takes_its_overrides(void **state)
{
	static const char svc[] =
	    "smtp inet n - y - - smtpd\n"
	    "10025 inet n - y - - smtpd -o mynetworks_style=host\n"
	    "  -o inet_interfaces=loopback-only\n"
	    "  -o smtpd_client_restrictions=$mynetworks\n";
	static const char same[] =
	    "mynetworks_style = host\ninet_interfaces = loopback-only\n";
	struct conf	 c;
	struct exp_result res;
	char		*dir, *want;
	const struct mc_service *s;
	size_t		 i;

	dir = t_tmpdir();
	t_write(dir, "main.cf", "", 0);
	t_write(dir, "master.cf", svc, sizeof(svc) - 1);
	{
		struct diag	 d;

		diag_init(&d);
		assert_int_equal(conf_open_dir(&c, dir, 0, &d), 0);
		assert_int_equal(conf_load(&c, &d), 0);
		diag_free(&d);
	}
	s = NULL;
	for (i = 0; i < c.master.nsvc; i++)
		if (strcmp(c.master.svc[i].field[MCF_SERVICE], "10025") == 0)
			s = &c.master.svc[i];
	assert_non_null(s);
	conf_expand_service(&c, s, "$mynetworks", &res);
	t_write(dir, "main.cf", same, sizeof(same) - 1);
	want = postconf_value(dir, "mynetworks");
	assert_string_equal(res.text, want);
	exp_result_free(&res);
	free(want);
	close_dir(&c, dir);
}

/*
 * postconf is asked at most 16 times: the 17th different setting of
 * mynetworks' inputs gets main.cf's mynetworks, with a note.
 */
static void
mynetworks_runs_of_postconf_are_bounded(void **state)
{
	static const char *const style[] = { "host", "subnet", "class" };
	static const char *const proto[] = { "all", "ipv4", "ipv6" };
	struct conf	 c;
	struct exp_result res;
	struct diag	 d;
	struct buf	 b;
	char		*dir, *mainval;
	size_t		 i, n;

	buf_init(&b);
	for (i = 0; i < 20; i++)
		buf_printf(&b, "s%zu unix - - n - - smtp "
		    "-o mynetworks_style=%s -o inet_protocols=%s "
		    "-o compatibility_level=%zu\n", i, style[i % 3],
		    proto[i / 3 % 3], i / 9);
	dir = t_tmpdir();
	t_write(dir, "main.cf", "", 0);
	t_write(dir, "master.cf", b.p, b.len);
	diag_init(&d);
	assert_int_equal(conf_open_dir(&c, dir, 0, &d), 0);
	assert_int_equal(conf_load(&c, &d), 0);
	diag_free(&d);
	mainval = xstrdup(conf_default(&c, "mynetworks"));
	for (i = 0; i < 20; i++) {
		conf_expand_service(&c, &c.master.svc[i], "$mynetworks", &res);
		assert_null(res.error);
		if (i >= 16)
			assert_string_equal(res.text, mainval);
		exp_result_free(&res);
	}
	assert_int_equal(c.nets.n, 16);
	for (i = n = 0; i < c.d.n; i++)
		if (strstr(c.d.m[i].text, "more than 16 different") != NULL)
			n++;
	assert_int_equal(n, 1);
	free(mainval);
	buf_free(&b);
	close_dir(&c, dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reparse_refuses_an_entry_past_the_bound),
		cmocka_unit_test(reparse_tells_a_bound_from_a_parse_error),
		cmocka_unit_test(
		    defaults_come_from_a_scratch_directory_removed_after),
		cmocka_unit_test(mynetworks_default_follows_main_cf),
		cmocka_unit_test(
		    mynetworks_default_of_a_service_takes_its_overrides),
		cmocka_unit_test(mynetworks_runs_of_postconf_are_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
