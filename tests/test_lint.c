/*
 * Tests of lint.c: each rule of `check' on a small configuration that
 * breaks it, and on one that does not.  Postfix's defaults come from
 * postconf -d, as in pfsubmit itself.
 */

#include <sys/time.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

struct lt {
	char		*dir;
	struct conf	 c;
	struct diag	 d;
};

/* lint - load main.cf and master.cf texts and run every rule */
static void
lint(struct lt *x, const char *main_cf, const char *master_cf)
{
	struct timeval	 tv[2];
	struct diag	 d;
	char		*path;

	x->dir = t_tmpdir();
	t_write(x->dir, "main.cf", main_cf, strlen(main_cf));
	t_write(x->dir, "master.cf", master_cf, strlen(master_cf));
	/* Older than 2 s, or postconf waits for it to settle. */
	tv[0].tv_sec = tv[1].tv_sec = time(NULL) - 60;
	tv[0].tv_usec = tv[1].tv_usec = 0;
	path = xprintf("%s/main.cf", x->dir);
	assert_int_equal(utimes(path, tv), 0);
	free(path);
	diag_init(&d);
	assert_int_equal(conf_open_dir(&x->c, x->dir, 0, &d), 0);
	assert_int_equal(conf_load(&x->c, &d), 0);
	diag_free(&d);
	diag_init(&x->d);
	lint_run(&x->c, &x->d);
}

static void
done(struct lt *x)
{
	diag_free(&x->d);
	conf_free(&x->c);
	t_rmdir(x->dir);
	free(x->dir);
}

/* count - findings of rule at severity sev (any line) */
static size_t
count(const struct lt *x, const char *rule, enum diag_sev sev)
{
	size_t	 i, n = 0;

	for (i = 0; i < x->d.n; i++)
		if (x->d.m[i].rule != NULL &&
		    strcmp(x->d.m[i].rule, rule) == 0 &&
		    x->d.m[i].sev == sev)
			n++;
	return n;
}

/* line_of - the line of the first finding of rule */
static size_t
line_of(const struct lt *x, const char *rule)
{
	size_t	 i;

	for (i = 0; i < x->d.n; i++)
		if (x->d.m[i].rule != NULL &&
		    strcmp(x->d.m[i].rule, rule) == 0)
			return x->d.m[i].line;
	return 0;
}

#define SMTP	"smtp inet n - y - - smtpd\n"
#define MAINCF	"myhostname = mail.example.org\n" \
	"compatibility_level = 3.6\n"

static void
clean_configuration_has_no_finding(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF "smtpd_tls_cert_file = /x.pem\n",
	    SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_tls_security_level=encrypt\n"
	    "  -o smtpd_sasl_auth_enable=yes\n"
	    "  -o smtpd_client_restrictions=permit_sasl_authenticated,"
	    "reject\n");
	assert_int_equal(x.d.n, 0);
	done(&x);
}

static void
inet_service_marked_private_is_an_error(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF, SMTP "2525 inet y - y - - smtpd\n"
	    "2526 inet - - y - - smtpd\n");
	assert_int_equal(count(&x, "inet-private", DIAG_ERR), 2);
	assert_int_equal(line_of(&x, "inet-private"), 2);
	done(&x);
}

static void
what_master_refuses_is_an_error(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF, SMTP "a unix - - y - - -\nb unix - - y ? - x\n");
	assert_int_equal(count(&x, "master-refuses", DIAG_ERR), 2);
	done(&x);
}

static void
words_after_smtpd_are_an_error_but_not_after_pipe(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF, SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_sasl_auth_enable=yes\n"
	    "     Instead of specifying complex restrictions\n"
	    "maildrop unix - n n - - pipe\n"
	    "  flags=DRhu user=vmail argv=/usr/bin/maildrop -d ${recipient}\n");
	assert_int_equal(count(&x, "stray-argument", DIAG_ERR), 1);
	assert_int_equal(line_of(&x, "stray-argument"), 4);
	done(&x);
}

static void
bad_yes_no_and_tls_level_values_are_errors(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF "biff = maybe\nsmtpd_tls_security_level = dane\n"
	    "smtpd_tls_auth_only = YES\n",
	    SMTP "x inet n - y - - smtpd -o smtpd_tls_wrappermode=1\n"
	    "  -o smtpd_tls_security_level=encrypt\n");
	/* biff, the main.cf level and the override's wrappermode. */
	assert_int_equal(count(&x, "bad-value", DIAG_ERR), 3);
	done(&x);
}

/*
 * Values smtpd takes that a yes/no or three-level reading would refuse:
 * smtpd_forbid_bare_newline (default "no") also takes normalize and
 * reject; the client-side TLS levels are a warning (smtpd uses encrypt).
 */
static void
values_smtpd_takes_are_not_errors(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF "smtpd_forbid_bare_newline = normalize\n"
	    "smtpd_tls_security_level = verify\n",
	    SMTP "x inet n - y - - smtpd -o smtpd_forbid_bare_newline=reject\n"
	    "y inet n - y - - smtpd -o smtpd_forbid_bare_newline=sometimes\n");
	assert_int_equal(count(&x, "bad-value", DIAG_ERR), 1);
	assert_int_equal(count(&x, "bad-value", DIAG_WARN), 1);
	done(&x);
}

/* smtpd compares restriction names without regard to case. */
static void
restriction_names_in_capitals_are_known(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF "smtpd_recipient_restrictions = PERMIT_MYNETWORKS, "
	    "Reject_RBL_Client zen.example, CHECK_SENDER_ACCESS hash:/x, "
	    "REJECT\n", SMTP);
	assert_int_equal(count(&x, "unknown-restriction", DIAG_ERR), 0);
	done(&x);
}

static void
unknown_restriction_is_an_error(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF "smtpd_restriction_classes = myclass\n"
	    "myclass = permit_mynetworks, rejekt\n"
	    "smtpd_sender_restrictions = check_sender_access hash:/x, "
	    "myclass, reject_rbl_client zen.example, sleep 1, "
	    "check_client_access inline:{ 1.2.3.4=OK, 5.6.7.8=REJECT }\n",
	    SMTP "x inet n - y - - smtpd\n"
	    "  -o { smtpd_client_restrictions = permit_sasl_authenticated, "
	    "permitt }\n");
	/* rejekt in the class, permitt in the override; nothing else. */
	assert_int_equal(count(&x, "unknown-restriction", DIAG_ERR), 2);
	done(&x);
}

static void
one_port_on_all_and_one_address_is_a_conflict(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF, SMTP "submission inet n - y - - smtpd\n"
	    "127.0.0.1:587 inet n - y - - smtpd\n");
	assert_int_equal(count(&x, "port-conflict", DIAG_ERR), 1);
	assert_int_equal(line_of(&x, "port-conflict"), 3);
	done(&x);
}

static void
two_names_of_one_port_or_one_name_twice_are_warnings(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF, SMTP "submissions inet n - y - - smtpd\n"
	    "smtps inet n - y - - smtpd\n" SMTP);
	assert_int_equal(count(&x, "duplicate-service", DIAG_WARN), 2);
	assert_int_equal(count(&x, "port-conflict", DIAG_ERR), 0);
	done(&x);
}

static void
submission_without_sasl_or_tls_is_a_warning(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF, SMTP "submission inet n - y - - smtpd\n");
	assert_int_equal(count(&x, "submission-sasl", DIAG_WARN), 1);
	assert_int_equal(count(&x, "submission-tls", DIAG_WARN), 1);
	done(&x);
	/* From main.cf, and wrapper mode on 465, count as well. */
	lint(&x, MAINCF "smtpd_sasl_auth_enable = yes\n",
	    SMTP "submissions inet n - y - - smtpd\n"
	    "  -o smtpd_tls_wrappermode=yes\n");
	assert_int_equal(count(&x, "submission-sasl", DIAG_WARN), 0);
	assert_int_equal(count(&x, "submission-tls", DIAG_WARN), 0);
	done(&x);
	/*
	 * The Postfix 2.x template's smtpd_enforce_tls=yes requires TLS
	 * while the level is empty (deprecated, but not clear text).
	 */
	lint(&x, MAINCF "smtpd_sasl_auth_enable = yes\n",
	    SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_enforce_tls=yes\n");
	assert_int_equal(count(&x, "submission-tls", DIAG_WARN), 0);
	assert_int_equal(count(&x, "deprecated", DIAG_WARN), 1);
	done(&x);
	lint(&x, MAINCF "smtpd_sasl_auth_enable = yes\n",
	    SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_enforce_tls=yes -o smtpd_tls_security_level=may\n");
	assert_int_equal(count(&x, "submission-tls", DIAG_WARN), 1);
	done(&x);
}

static void
smtpd_enforce_tls_is_deprecated(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF "smtpd_enforce_tls = yes\n", SMTP);
	assert_int_equal(count(&x, "deprecated", DIAG_WARN), 1);
	done(&x);
}

static void
expansion_errors_loops_and_undefined_names(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF "smtpd_banner = cost 5$\n"
	    "a = $b\nb = $a\nsmtpd_helo_restrictions = $a\n"
	    "smtpd_data_restrictions = $nothing_defines_this\n",
	    SMTP "x inet n - y - - smtpd -o syslog_name=$(\n");
	assert_int_equal(count(&x, "expand-syntax", DIAG_ERR), 2);
	assert_true(count(&x, "expand-loop", DIAG_ERR) >= 1);
	assert_int_equal(count(&x, "undefined-parameter", DIAG_WARN), 1);
	done(&x);
}

/* Values that double at each step are a runaway expansion, not a hang. */
static void
runaway_expansion_is_an_expand_loop(void **state)
{
	struct lt	 x;
	struct buf	 b;
	int		 i;

	(void)state;
	buf_init(&b);
	buf_adds(&b, MAINCF);
	for (i = 0; i < 40; i++)
		buf_printf(&b, "p%d = $p%d$p%d\n", i, i + 1, i + 1);
	buf_printf(&b, "p40 = x\nsmtpd_banner = $p0\n");
	buf_addc(&b, '\0');
	lint(&x, b.p, SMTP);
	assert_true(count(&x, "expand-loop", DIAG_ERR) >= 1);
	assert_int_equal(count(&x, "expand-syntax", DIAG_ERR), 0);
	done(&x);
	buf_free(&b);
}

static void
commented_out_services_are_not_checked(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF, SMTP "#2525 inet y - y - - smtpd\n"
	    "#submission inet n - y - - smtpd\n");
	assert_int_equal(x.d.n, 0);
	done(&x);
}

/* has - is there a finding of rule whose text contains needle? */
static int
has(const struct lt *x, const char *rule, const char *needle)
{
	size_t	 i;

	for (i = 0; i < x->d.n; i++)
		if (x->d.m[i].rule != NULL &&
		    strcmp(x->d.m[i].rule, rule) == 0 &&
		    strstr(x->d.m[i].text, needle) != NULL)
			return 1;
	return 0;
}

/* has_in - a finding of rule in a file whose path ends in tail */
static int
has_in(const struct lt *x, const char *rule, const char *tail)
{
	size_t	 i, n = strlen(tail), m;

	for (i = 0; i < x->d.n; i++)
		if (x->d.m[i].rule != NULL && x->d.m[i].file != NULL &&
		    strcmp(x->d.m[i].rule, rule) == 0 &&
		    (m = strlen(x->d.m[i].file)) >= n &&
		    strcmp(x->d.m[i].file + m - n, tail) == 0)
			return 1;
	return 0;
}

static void
flags_on_smtp_and_lmtp_and_pipe_attributes_are_not_stray(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF, SMTP "lmtp unix - - n - - lmtp flags=O\n"
	    "relay unix - - n - - smtp FLAGS=DRX\n"
	    "maildrop unix - n n - - pipe flags=DRXhu user=vmail "
	    "argv=/usr/bin/maildrop -d ${recipient}\n"
	    "sp unix - n n - - spawn user=nobody argv=/bin/true\n");
	assert_int_equal(count(&x, "stray-argument", DIAG_ERR), 0);
	done(&x);
	lint(&x, MAINCF, SMTP "l2 unix - - n - - lmtp flags=Z\n"
	    "l3 unix - - n - - smtp host=x\n"
	    "p1 unix - n n - - pipe flags=R argv=/bin/true\n"
	    "p2 unix - n n - - pipe user=x bogus=1 argv=/bin/true\n"
	    "p3 unix - n n - - pipe flags=Rz user=x argv=/bin/true\n"
	    "s1 unix - n n - - spawn user=nobody\n"
	    "c unix n - n - 0 cleanup flags=R\n");
	assert_int_equal(count(&x, "stray-argument", DIAG_ERR), 7);
	assert_true(has(&x, "stray-argument", "no flag 'Z'"));
	assert_true(has(&x, "stray-argument", "needs user="));
	assert_true(has(&x, "stray-argument", "unknown attribute name"));
	assert_true(has(&x, "stray-argument", "needs argv="));
	done(&x);
}

static void
many_services_on_one_port_say_each_thing_once(void **state)
{
	struct lt	 x;
	struct buf	 b;
	size_t		 i;

	(void)state;
	buf_init(&b);
	buf_adds(&b, SMTP);
	/* 2000 services on port 2525: the old pairwise pass said 2 million. */
	for (i = 0; i < 2000; i++)
		buf_printf(&b, "%s2525 inet n - n - - smtpd\n",
		    i % 2 == 0 ? "" : "127.0.0.1:");
	lint(&x, MAINCF, b.p);
	assert_int_equal(count(&x, "port-conflict", DIAG_ERR), 1999);
	assert_int_equal(count(&x, "duplicate-service", DIAG_WARN), 1998);
	done(&x);
	buf_free(&b);
}

static void
relay_and_recipient_without_reject_is_smtpd_fatal(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF, SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_relay_restrictions=permit_sasl_authenticated\n"
	    "  -o smtpd_recipient_restrictions=permit_mynetworks\n");
	assert_int_equal(count(&x, "smtpd-fatal", DIAG_ERR), 1);
	assert_int_equal(line_of(&x, "smtpd-fatal"), 3);
	done(&x);
	/* A class that rejects counts; warn_if_reject reject does not. */
	lint(&x, MAINCF "smtpd_restriction_classes = c\nc = reject\n",
	    SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_relay_restrictions=permit_sasl_authenticated,c\n"
	    "2525 inet n - y - - smtpd\n"
	    "  -o smtpd_relay_restrictions=warn_if_reject,reject\n");
	assert_int_equal(count(&x, "smtpd-fatal", DIAG_ERR), 1);
	assert_int_equal(line_of(&x, "smtpd-fatal"), 5);
	done(&x);
	/* Compatibility level 0: the relay default is empty. */
	lint(&x, "myhostname = mail.example.org\n", SMTP);
	assert_int_equal(count(&x, "smtpd-fatal", DIAG_ERR), 1);
	done(&x);
}

static void
other_smtpd_fatals(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF "smtpd_restriction_classes = nodef\n"
	    "unknown_address_tempfail_action = bounce\n"
	    "smtpd_sender_restrictions = check_sender_access\n"
	    "smtpd_client_restrictions = sleep\n",
	    SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_sasl_auth_enable=yes\n"
	    "  -o smtpd_sasl_type=dovecot\n"
	    "  -o smtpd_sasl_path=/var/spool/postfix/private/auth\n");
	assert_true(has(&x, "smtpd-fatal", "class nodef has no definition"));
	assert_true(has(&x, "smtpd-fatal", "takes defer or defer_if_permit"));
	assert_true(has(&x, "smtpd-fatal", "check_sender_access needs an "
	    "argument"));
	assert_true(has(&x, "smtpd-fatal", "sleep needs an argument"));
	assert_true(has(&x, "smtpd-fatal", "is absolute, but smtpd runs "
	    "chrooted"));
	assert_int_equal(count(&x, "smtpd-fatal", DIAG_ERR), 5);
	done(&x);
	/* Not chrooted: an absolute path is fine. */
	lint(&x, MAINCF, SMTP "submission inet n - n - - smtpd\n"
	    "  -o smtpd_sasl_auth_enable=yes -o smtpd_sasl_type=dovecot\n"
	    "  -o smtpd_sasl_path=/run/dovecot/auth-client\n");
	assert_int_equal(count(&x, "smtpd-fatal", DIAG_ERR), 0);
	done(&x);
}

static void
submission_that_relays_for_anyone_is_an_open_relay(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF, SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_sasl_auth_enable=yes\n"
	    "  -o smtpd_relay_restrictions=permit_sasl_authenticated,permit,"
	    "reject_unauth_destination\n");
	assert_int_equal(count(&x, "open-relay", DIAG_ERR), 1);
	assert_true(has(&x, "open-relay", "reaches \"permit\""));
	done(&x);
	lint(&x, MAINCF "mynetworks = 0.0.0.0/0 [::1]/128\n",
	    SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_relay_restrictions=permit_mynetworks,"
	    "reject_unauth_destination\n");
	assert_int_equal(count(&x, "open-relay", DIAG_ERR), 1);
	assert_true(has(&x, "open-relay", "mynetworks = 0.0.0.0/0"));
	done(&x);
	/* The modern profile and a narrow mynetworks: fine (port 25, with
	   permit_mynetworks by default, is not a SASL service). */
	lint(&x, MAINCF "mynetworks = 127.0.0.0/8 192.0.2.0/24\n",
	    SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_relay_restrictions=permit_mynetworks,"
	    "permit_sasl_authenticated,reject\n");
	assert_int_equal(count(&x, "open-relay", DIAG_ERR), 0);
	done(&x);
}

static void
submission_services_that_differ_are_a_warning(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF, SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_tls_security_level=encrypt\n"
	    "  -o smtpd_sasl_auth_enable=yes\n"
	    "  -o smtpd_sender_restrictions=reject_sender_login_mismatch\n"
	    "submissions inet n - y - - smtpd\n"
	    "  -o smtpd_tls_wrappermode=yes\n"
	    "  -o smtpd_sasl_auth_enable=yes\n");
	assert_int_equal(count(&x, "submission-differ", DIAG_WARN), 1);
	assert_int_equal(line_of(&x, "submission-differ"), 6);
	assert_true(has(&x, "submission-differ",
	    "differ in smtpd_sender_restrictions:"));
	done(&x);
	/* 587 with STARTTLS required and 465 with TLS on connect agree. */
	lint(&x, MAINCF, SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_tls_security_level=encrypt\n"
	    "  -o smtpd_sasl_auth_enable=yes\n"
	    "submissions inet n - y - - smtpd\n"
	    "  -o smtpd_tls_wrappermode=yes\n"
	    "  -o smtpd_sasl_auth_enable=yes\n");
	assert_int_equal(count(&x, "submission-differ", DIAG_WARN), 0);
	done(&x);
}

static void
enforce_tls_under_a_main_cf_level_says_why(void **state)
{
	struct lt	 x;

	(void)state;
	/* Apple's template: enforce_tls counts while the level is empty. */
	lint(&x, MAINCF, SMTP "submission inet n - n - - smtpd\n"
	    "  -o smtpd_enforce_tls=yes -o smtpd_sasl_auth_enable=yes\n");
	assert_int_equal(count(&x, "submission-tls", DIAG_WARN), 0);
	done(&x);
	lint(&x, MAINCF "smtpd_tls_security_level = may\n",
	    SMTP "submission inet n - n - - smtpd\n"
	    "  -o smtpd_enforce_tls=yes -o smtpd_sasl_auth_enable=yes\n");
	assert_int_equal(count(&x, "submission-tls", DIAG_WARN), 1);
	assert_true(has(&x, "submission-tls", "counts only while "
	    "smtpd_tls_security_level is empty"));
	done(&x);
}

static void
unknown_parameters_get_the_closest_name(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, MAINCF "smtpd_tls_securty_level = encrypt\n"
	    "foo = 1\nbar = $foo\nldapsrc_server_host = ldap.example\n"
	    "virtual_alias_maps = ldap:ldapsrc\n",
	    SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_tls_securty_level=encrypt\n"
	    "  -o smtpd_client_restrictions=$mua_client\n"
	    "  -o smtpd_sasl_auth_enable=yes\n");
	/* foo: used as $foo; mua_client: not defined, not unused. */
	assert_int_equal(count(&x, "unknown-parameter", DIAG_WARN), 3);
	assert_true(has(&x, "unknown-parameter", "smtpd_tls_securty_level is "
	    "not a Postfix parameter and nothing refers to it as "
	    "$smtpd_tls_securty_level (postconf: \"unused parameter\"); did "
	    "you mean smtpd_tls_security_level?"));
	assert_true(has(&x, "unknown-parameter", "-o smtpd_tls_securty_level "
	    "is not"));
	assert_true(has(&x, "unknown-parameter", "bar is not"));
	done(&x);
}

/*
 * postconf -n is the reference for "unused parameter": on one file,
 * the names it warns about are the names this rule finds.
 */
static void
unknown_parameter_agrees_with_postconf(void **state)
{
	const char	*argv[] = { PATH_POSTCONF, "-c", NULL, "-n", NULL };
	struct run_result r;
	struct lt	 x;
	const char	*names[] = { "smtpd_tls_securty_level", "bar",
	    "myrelay_x", "smtpd_tls_securty_levl", NULL };
	size_t		 i;

	(void)state;
	lint(&x, MAINCF "smtpd_tls_securty_level = x\nfoo = 1\nbar = $foo\n"
	    "myrelay_x = 1\nsmtpd_restriction_classes = cls\ncls = reject\n"
	    "my_client = permit\nfallback_relay = [relay.example]\n",
	    SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_tls_securty_levl=x\n"
	    "  -o smtpd_client_restrictions=$my_client\n"
	    "  -o smtpd_relay_restrictions=cls\n");
	argv[2] = x.dir;
	(void)run_cmd(argv, 0, 30, &r);
	for (i = 0; names[i] != NULL; i++) {
		char	*pat = xprintf("unused parameter: %s=", names[i]);

		assert_non_null(strstr(r.out.p, pat));
		free(pat);
	}
	assert_int_equal(count(&x, "unknown-parameter", DIAG_WARN), 4);
	assert_null(strstr(r.out.p, "unused parameter: foo="));
	assert_null(strstr(r.out.p, "unused parameter: my_client="));
	assert_null(strstr(r.out.p, "unused parameter: cls="));
	/* Referred to by a default: smtp_fallback_relay = $fallback_relay. */
	assert_null(strstr(r.out.p, "unused parameter: fallback_relay="));
	run_result_free(&r);
	done(&x);
}

/*
 * lintp - as lint, with the probes on and pointed at the scratch
 * directory: setup is a shell command run first there (as $R)
 */
static void
lintp(struct lt *x, const char *setup, const char *main_cf,
    const char *master_cf)
{
	struct diag	 d;
	char		*cmd;

	x->dir = t_tmpdir();
	cmd = xprintf("R=%s; %s", x->dir, setup);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	t_write(x->dir, "main.cf", main_cf, strlen(main_cf));
	t_write(x->dir, "master.cf", master_cf, strlen(master_cf));
	/* Postfix programs wait for a main.cf younger than 2 s to settle. */
	cmd = xprintf("touch -d '1 minute ago' %s/main.cf", x->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	diag_init(&d);
	assert_int_equal(conf_open_dir(&x->c, x->dir, 0, &d), 0);
	assert_int_equal(conf_load(&x->c, &d), 0);
	diag_free(&d);
	diag_init(&x->d);
	probe_set_root(x->dir);
	opt.no_check = 0;
	lint_run(&x->c, &x->d);
	opt.no_check = 1;
	probe_set_root(NULL);
}

#define CERTS	"mkdir -p $R/etc/ssl && cd $R/etc/ssl && " \
	"openssl req -x509 -newkey rsa:2048 -nodes " \
	"-subj /CN=mail.example.org " \
	"-days 30 -keyout k.pem -out c.pem 2>/dev/null && " \
	"openssl genpkey -algorithm RSA -out other.pem 2>/dev/null"
#define SUBM	"submission inet n - n - - smtpd\n" \
	"  -o smtpd_tls_security_level=encrypt\n"

static void
tls_files_missing_mismatched_or_fine(void **state)
{
	struct lt	 x;

	(void)state;
	lintp(&x, CERTS, MAINCF "smtpd_tls_cert_file = /etc/ssl/c.pem\n"
	    "smtpd_tls_key_file = /etc/ssl/k.pem\n", SMTP SUBM);
	assert_int_equal(count(&x, "tls-files", DIAG_ERR) +
	    count(&x, "tls-files", DIAG_WARN), 0);
	done(&x);
	lintp(&x, CERTS, MAINCF "smtpd_tls_cert_file = /etc/ssl/c.pem\n"
	    "smtpd_tls_key_file = /etc/ssl/other.pem\n", SMTP SUBM);
	assert_true(has(&x, "tls-files", "the key in /etc/ssl/other.pem does "
	    "not belong to the certificate in /etc/ssl/c.pem"));
	assert_int_equal(line_of(&x, "tls-files"), 3);
	done(&x);
	/* Without a key file the key is looked for in the certificate. */
	lintp(&x, CERTS, MAINCF "smtpd_tls_cert_file = /etc/ssl/c.pem\n",
	    SMTP SUBM);
	assert_true(has(&x, "tls-files", "key file /etc/ssl/c.pem holds no "
	    "private key"));
	done(&x);
	/* A key file missing is on the key's line. */
	lintp(&x, CERTS, MAINCF "smtpd_tls_cert_file = /etc/ssl/c.pem\n"
	    "smtpd_tls_key_file = /etc/ssl/gone.pem\n", SMTP SUBM);
	assert_true(has(&x, "tls-files", "key file /etc/ssl/gone.pem does not "
	    "exist (smtpd_tls_key_file)"));
	assert_int_equal(line_of(&x, "tls-files"), 4);
	done(&x);
	lintp(&x, CERTS, MAINCF "smtpd_tls_cert_file = /etc/ssl/gone.pem\n"
	    "smtpd_tls_key_file = /etc/ssl/k.pem\n", SMTP SUBM);
	assert_int_equal(count(&x, "tls-files", DIAG_ERR), 1);
	assert_true(has(&x, "tls-files", "certificate file /etc/ssl/gone.pem "
	    "does not exist"));
	done(&x);
	/* TLS required and no certificate at all. */
	lintp(&x, "true", MAINCF, SMTP SUBM);
	assert_true(has(&x, "tls-files", "submission/inet requires TLS, and "
	    "main.cf names no certificate"));
	done(&x);
	/* The chain file: the key first, then its certificate. */
	lintp(&x, CERTS " && cat k.pem c.pem > chain.pem",
	    MAINCF "smtpd_tls_chain_files = /etc/ssl/chain.pem\n",
	    SMTP SUBM);
	assert_int_equal(count(&x, "tls-files", DIAG_ERR), 0);
	done(&x);
	lintp(&x, CERTS " && cat other.pem c.pem > chain.pem",
	    MAINCF "smtpd_tls_chain_files = /etc/ssl/chain.pem\n",
	    SMTP SUBM);
	assert_true(has(&x, "tls-files", "does not belong"));
	done(&x);
}

#define SEED	MAINCF "smtpd_restriction_classes = check_sender_mydomain\n" \
	"check_sender_mydomain = check_sender_access " \
	"hash:/etc/postfix/permit_mydomain\n"
#define SEEDM	SMTP "submission inet n - n - - smtpd\n" \
	"  -o smtpd_sender_restrictions=check_sender_mydomain,reject\n"

static void
maps_missing_unbuilt_stale_or_of_an_unknown_type(void **state)
{
	struct lt	 x;

	(void)state;
	/* The seed's set-up, as the manual shows it, with nothing made. */
	lintp(&x, "true", SEED, SEEDM);
	assert_int_equal(count(&x, "map", DIAG_ERR), 1);
	assert_true(has(&x, "map", "create /etc/postfix/permit_mydomain "
	    "(\"key value\" lines), then run postmap "
	    "hash:/etc/postfix/permit_mydomain"));
	/* Where the table is written: the class's line in main.cf. */
	assert_int_equal(line_of(&x, "map"), 4);
	assert_true(has_in(&x, "map", "/main.cf"));
	done(&x);
	lintp(&x, "mkdir -p $R/etc/postfix && echo 'example.org OK' > "
	    "$R/etc/postfix/permit_mydomain", SEED, SEEDM);
	assert_true(has(&x, "map", "permit_mydomain.db does not exist; smtpd "
	    "answers 451 4.3.5 Server configuration error: run postmap "
	    "hash:/etc/postfix/permit_mydomain"));
	done(&x);
	lintp(&x, "mkdir -p $R/etc/postfix && echo 'example.org OK' > "
	    "$R/etc/postfix/permit_mydomain && touch -d '1 minute ago' "
	    "$R/main.cf && postmap -c $R "
	    "$R/etc/postfix/permit_mydomain", SEED, SEEDM);
	assert_int_equal(count(&x, "map", DIAG_ERR) +
	    count(&x, "map", DIAG_WARN), 0);
	done(&x);
	lintp(&x, "mkdir -p $R/etc/postfix && echo 'example.org OK' > "
	    "$R/etc/postfix/permit_mydomain && touch -d '1 minute ago' "
	    "$R/main.cf && postmap -c $R "
	    "$R/etc/postfix/permit_mydomain && touch -d '1 hour ago' "
	    "$R/etc/postfix/permit_mydomain.db", SEED, SEEDM);
	assert_int_equal(count(&x, "map", DIAG_WARN), 1);
	assert_true(has(&x, "map", "is older than"));
	done(&x);
	lintp(&x, "true", MAINCF, SMTP "submission inet n - n - - smtpd\n"
	    "  -o smtpd_sender_restrictions=check_sender_access,"
	    "nosuchtype:/etc/x,reject\n"
	    "  -o smtpd_recipient_restrictions=check_policy_service,"
	    "inet:127.0.0.1:1,reject\n");
	assert_int_equal(count(&x, "map", DIAG_ERR), 1);
	assert_true(has(&x, "map", "no table type nosuchtype"));
	done(&x);
}

#define SASLM	SMTP "submission inet n - n - - smtpd\n" \
	"  -o smtpd_sasl_auth_enable=yes\n"

static void
sasl_backend_dovecot_and_cyrus(void **state)
{
	struct lt	 x;

	(void)state;
	lintp(&x, "true", MAINCF "smtpd_sasl_type = dovecot\n"
	    "smtpd_sasl_path = private/auth\n", SASLM);
	assert_int_equal(count(&x, "sasl-backend", DIAG_ERR), 1);
	assert_true(has(&x, "sasl-backend", "Dovecot's auth socket "
	    "/var/spool/postfix/private/auth (smtpd_sasl_path = "
	    "private/auth) does not exist"));
	assert_true(has(&x, "sasl-backend", "service auth { unix_listener "
	    "/var/spool/postfix/private/auth { mode = 0660 user = postfix "
	    "group = postfix } }, then systemctl reload dovecot"));
	assert_int_equal(line_of(&x, "sasl-backend"), 4);
	done(&x);
	lintp(&x, "mkdir -p $R/spool/private && touch $R/spool/private/auth",
	    MAINCF "smtpd_sasl_type = dovecot\nqueue_directory = /spool\n"
	    "smtpd_sasl_path = private/auth\n", SASLM);
	assert_true(has(&x, "sasl-backend", "/spool/private/auth "
	    "(smtpd_sasl_path = private/auth) is not a socket"));
	done(&x);
	/* Root may connect; smtpd, as postfix, may not. */
	lintp(&x, "mkdir -p $R/spool/private && python3 -c 'import socket; "
	    "socket.socket(socket.AF_UNIX).bind(\"'$R'/spool/private/auth\""
	    ")' "
	    "&& chmod 0600 $R/spool/private/auth",
	    MAINCF "smtpd_sasl_type = dovecot\nqueue_directory = /spool\n"
	    "smtpd_sasl_path = private/auth\n", SASLM);
	assert_true(has(&x, "sasl-backend", "/spool/private/auth has mode "
	    "0600, owner 0, group 0: smtpd, running as mail_owner, cannot "
	    "connect"));
	done(&x);
	lintp(&x, "mkdir -p $R/spool/private && python3 -c 'import socket; "
	    "socket.socket(socket.AF_UNIX).bind(\"'$R'/spool/private/auth\""
	    ")' "
	    "&& chmod 0666 $R/spool/private/auth",
	    MAINCF "smtpd_sasl_type = dovecot\nqueue_directory = /spool\n"
	    "smtpd_sasl_path = private/auth\n", SASLM);
	assert_false(has(&x, "sasl-backend", "running as mail_owner"));
	done(&x);
	lintp(&x, "true", MAINCF "smtpd_sasl_type = dovecot\n"
	    "smtpd_sasl_path = inet:127.0.0.1:1\n", SASLM);
	assert_true(has(&x, "sasl-backend", "at inet:127.0.0.1:1 does not "
	    "answer: cannot connect"));
	done(&x);
	/*
	 * Cyrus, Debian's default: smtpd.conf in $config_directory/sasl or
	 * /usr/lib/sasl (the configuration directory is a real path, so
	 * under the probes' root it is $R$R).
	 */
	lintp(&x, "true", MAINCF "cyrus_sasl_config_path = /etc/sasl2\n",
	    SASLM);
	assert_true(has(&x, "sasl-backend", "/sasl:/usr/lib/sasl, so every "
	    "login fails"));
	done(&x);
	lintp(&x, "mkdir -p $R$R/sasl && echo 'pwcheck_method: "
	    "saslauthd' > $R$R/sasl/smtpd.conf", MAINCF, SASLM);
	assert_true(has(&x, "sasl-backend", "saslauthd's socket "
	    "/var/run/saslauthd/mux is not there"));
	done(&x);
	lintp(&x, "mkdir -p $R$R/sasl $R/var/run/saslauthd && "
	    "echo 'pwcheck_method: saslauthd' > $R$R/sasl/smtpd.conf"
	    " && python3 -c 'import socket; socket.socket(socket.AF_UNIX)."
	    "bind(\"'$R'/var/run/saslauthd/mux\")'", MAINCF, SASLM);
	assert_int_equal(count(&x, "sasl-backend", DIAG_ERR) +
	    count(&x, "sasl-backend", DIAG_WARN), 0);
	done(&x);
	/* A chrooted smtpd finds saslauthd's socket in the chroot. */
	lintp(&x, "mkdir -p $R/usr/lib/sasl && echo 'pwcheck_method: "
	    "saslauthd' > $R/usr/lib/sasl/smtpd.conf", MAINCF,
	    SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_sasl_auth_enable=yes\n");
	assert_true(has(&x, "sasl-backend", "saslauthd's socket "
	    "/var/spool/postfix/var/run/saslauthd/mux is not there"));
	done(&x);
}

static void
sasl_type_postfix_lacks(void **state)
{
	struct lt	 x;

	(void)state;
	lintp(&x, "true", MAINCF "smtpd_sasl_type = dovcot\n", SASLM);
	assert_int_equal(count(&x, "sasl-type", DIAG_ERR), 1);
	assert_true(has(&x, "sasl-type", "smtpd_sasl_type = dovcot is not a "
	    "SASL server type"));
	assert_int_equal(line_of(&x, "sasl-type"), 3);
	done(&x);
}

/* --no-check: a staging directory; this host's files say nothing. */
static void
no_check_asks_the_system_nothing(void **state)
{
	struct lt	 x;

	(void)state;
	lint(&x, SEED "smtpd_sasl_type = dovcot\n"
	    "smtpd_tls_cert_file = /nonexistent/c.pem\n", SEEDM
	    "  -o smtpd_sasl_auth_enable=yes\n"
	    "  -o smtpd_tls_security_level=encrypt\n");
	assert_int_equal(count(&x, "sasl-type", DIAG_ERR) +
	    count(&x, "sasl-backend", DIAG_ERR) +
	    count(&x, "tls-files", DIAG_ERR) + count(&x, "map", DIAG_ERR), 0);
	done(&x);
}

/* lint_fixture - lint fixtures/check/name/{main,master}.cf */
static void
lint_fixture(struct lt *x, const char *name)
{
	char	*mp, *cp, *m, *c;

	mp = xprintf("check/%s/main.cf", name);
	cp = xprintf("check/%s/master.cf", name);
	m = t_fixture(mp);
	c = t_fixture(cp);
	free(mp);
	free(cp);
	mp = t_read(m, NULL);
	cp = t_read(c, NULL);
	lint(x, mp, cp);
	free(m);
	free(c);
	free(mp);
	free(cp);
}

static void
fixtures_of_real_files(void **state)
{
	struct lt	 x;

	(void)state;
	/* mailcow's lmtp flags=O and Debian's pipe examples, live. */
	lint_fixture(&x, "mailcow");
	assert_int_equal(count(&x, "stray-argument", DIAG_ERR), 0);
	assert_int_equal(x.d.nerr, 0);
	done(&x);
	/* Apple's -o smtpd_enforce_tls=yes under Debian's level = may. */
	lint_fixture(&x, "apple");
	assert_true(has(&x, "submission-tls", "counts only while"));
	done(&x);
	/* Debian's template with its restrictions tampered: still
	   commented out, so nothing yet; enable is what the CLI tests try. */
	lint_fixture(&x, "tampered");
	assert_int_equal(count(&x, "open-relay", DIAG_ERR), 0);
	done(&x);
}

/*
 * smtpd-fatal against smtpd itself: smtpd -S (stand-alone, as root)
 * runs the same start-up as a daemon and exits 1 on what the rule calls
 * fatal; each main.cf here either starts it or kills it.
 */
static void
smtpd_fatal_agrees_with_smtpd(void **state)
{
	static const struct {
		const char	*main;
		int		 dies;
	} cases[] = {
		{ "", 0 },
		{ "compatibility_level = 0\n", 1 },
		{ "smtpd_relay_restrictions = permit\n", 1 },
		{ "smtpd_relay_restrictions = warn_if_reject reject\n", 1 },
		{ "smtpd_relay_restrictions =\nsmtpd_recipient_restrictions = "
		    "permit_mynetworks, reject_unauth_destination\n", 0 },
		{ "smtpd_restriction_classes = c\nc = reject\n"
		    "smtpd_relay_restrictions = permit_mynetworks c\n", 0 },
		{ "smtpd_restriction_classes = nodef\n", 1 },
		{ "unknown_address_tempfail_action = bounce\n", 1 },
		{ "unknown_address_tempfail_action = defer\n", 0 },
		{ "smtpd_sasl_auth_enable = yes\nsmtpd_sasl_type = dovcot\n",
		    1 },
	};
	struct lt	 x;
	char		*m, *cmd;
	size_t		 i;
	int		 st, found;

	(void)state;
	if (geteuid() != 0 || access("/usr/lib/postfix/sbin/smtpd", X_OK)
	    == -1)
		skip();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* Without local_recipient_maps: no proxymap to wait for. */
		m = xprintf("myhostname = t.example\nlocal_recipient_maps =\n"
		    "compatibility_level = 3.6\n%s", cases[i].main);
		lintp(&x, "true", m, SMTP);
		found = count(&x, "smtpd-fatal", DIAG_ERR) +
		    count(&x, "sasl-type", DIAG_ERR) > 0;
		cmd = xprintf("printf 'QUIT\\n' | MAIL_CONFIG=%s timeout 20 "
		    "/usr/lib/postfix/sbin/smtpd -S >/dev/null 2>&1", x.dir);
		st = system(cmd);
		if ((st != 0) != cases[i].dies || found != cases[i].dies)
			fail_msg("%s: smtpd %s, check %s", cases[i].main,
			    st != 0 ? "dies" : "starts",
			    found ? "says it dies" : "finds nothing");
		free(cmd);
		free(m);
		done(&x);
	}
}

/* Classes naming each other four times over: 4^20 walks without memory. */
static void
nested_classes_are_walked_once_each(void **state)
{
	struct lt	 x;
	struct buf	 m;
	int		 i;

	(void)state;
	buf_init(&m);
	buf_adds(&m, MAINCF "smtpd_restriction_classes =");
	for (i = 0; i < 21; i++)
		buf_printf(&m, " c%d", i);
	buf_adds(&m, "\n");
	for (i = 0; i < 20; i++)
		buf_printf(&m, "c%d = c%d c%d c%d c%d\n", i, i + 1, i + 1,
		    i + 1, i + 1);
	buf_adds(&m, "c20 = permit_sasl_authenticated\n");
	lint(&x, m.p, SMTP "submission inet n - y - - smtpd\n"
	    "  -o smtpd_relay_restrictions=c0\n");
	/* Nothing rejects: smtpd dies; and the walk ended. */
	assert_int_equal(count(&x, "smtpd-fatal", DIAG_ERR), 1);
	done(&x);
	buf_free(&m);
}

/* finding_name - the parameter an unknown-parameter finding is about */
static char *
finding_name(const char *text)
{
	const char	*p = strstr(text, ": -o ");

	p = p != NULL ? p + 5 : text;
	return xstrndup(p, strcspn(p, " "));
}

/*
 * unknown-parameter against postconf -n on every pair of fixtures: the
 * names postconf calls unused are the names check reports.
 */
static void
unknown_parameter_agrees_with_postconf_on_fixtures(void **state)
{
	static const char *const mains[] = { "main/crlf.cf", "main/debian.cf",
	    "main/no-final-newline.cf", "main/small.cf", "main/tricky.cf",
	    "check/apple/main.cf", NULL };
	static const char *const masters[] = { "master/crlf.cf",
	    "master/debian-3.7.cf", "master/macosx-2x.cf",
	    "master/no-final-newline.cf", "master/orphan.cf",
	    "master/tricky.cf", "check/mailcow/master.cf", NULL };
	const char	*argv[] = { PATH_POSTCONF, "-c", NULL, "-n", NULL };
	struct run_result r;
	struct lt	 x;
	size_t		 i, j, k, ours, theirs;
	char		*mp, *cp, *m, *c, *n, *pat, *q;

	(void)state;
	for (i = 0; mains[i] != NULL; i++)
		for (j = 0; masters[j] != NULL; j++) {
			mp = t_fixture(mains[i]);
			cp = t_fixture(masters[j]);
			m = t_read(mp, NULL);
			c = t_read(cp, NULL);
			lint(&x, m, c);
			argv[2] = x.dir;
			(void)run_cmd(argv, 0, 30, &r);
			theirs = 0;
			for (q = r.out.p; (q = strstr(q, "unused parameter: "))
			    != NULL; q++)
				theirs++;
			ours = 0;
			for (k = 0; k < x.d.n; k++) {
				if (x.d.m[k].rule == NULL ||
				    strcmp(x.d.m[k].rule,
				    "unknown-parameter") != 0)
					continue;
				ours++;
				n = finding_name(x.d.m[k].text);
				pat = xprintf("unused parameter: %s=", n);
				if (strstr(r.out.p, pat) == NULL)
					fail_msg("%s + %s: check says %s "
					    "is unused, postconf does not",
					    mains[i], masters[j], n);
				free(pat);
				free(n);
			}
			if (ours != theirs)
				fail_msg("%s + %s: check %zu, postconf %zu",
				    mains[i], masters[j], ours, theirs);
			run_result_free(&r);
			done(&x);
			free(mp);
			free(cp);
			free(m);
			free(c);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_configuration_has_no_finding),
		cmocka_unit_test(inet_service_marked_private_is_an_error),
		cmocka_unit_test(what_master_refuses_is_an_error),
		cmocka_unit_test(
		    words_after_smtpd_are_an_error_but_not_after_pipe),
		cmocka_unit_test(bad_yes_no_and_tls_level_values_are_errors),
		cmocka_unit_test(unknown_restriction_is_an_error),
		cmocka_unit_test(values_smtpd_takes_are_not_errors),
		cmocka_unit_test(restriction_names_in_capitals_are_known),
		cmocka_unit_test(
		    one_port_on_all_and_one_address_is_a_conflict),
		cmocka_unit_test(
		    two_names_of_one_port_or_one_name_twice_are_warnings),
		cmocka_unit_test(submission_without_sasl_or_tls_is_a_warning),
		cmocka_unit_test(smtpd_enforce_tls_is_deprecated),
		cmocka_unit_test(expansion_errors_loops_and_undefined_names),
		cmocka_unit_test(runaway_expansion_is_an_expand_loop),
		cmocka_unit_test(commented_out_services_are_not_checked),
		cmocka_unit_test(
		    flags_on_smtp_and_lmtp_and_pipe_attributes_are_not_stray),
		cmocka_unit_test(many_services_on_one_port_say_each_thing_once),
		cmocka_unit_test(
		    relay_and_recipient_without_reject_is_smtpd_fatal),
		cmocka_unit_test(other_smtpd_fatals),
		cmocka_unit_test(
		    submission_that_relays_for_anyone_is_an_open_relay),
		cmocka_unit_test(submission_services_that_differ_are_a_warning),
		cmocka_unit_test(enforce_tls_under_a_main_cf_level_says_why),
		cmocka_unit_test(unknown_parameters_get_the_closest_name),
		cmocka_unit_test(unknown_parameter_agrees_with_postconf),
		cmocka_unit_test(tls_files_missing_mismatched_or_fine),
		cmocka_unit_test(
		    maps_missing_unbuilt_stale_or_of_an_unknown_type),
		cmocka_unit_test(sasl_backend_dovecot_and_cyrus),
		cmocka_unit_test(sasl_type_postfix_lacks),
		cmocka_unit_test(no_check_asks_the_system_nothing),
		cmocka_unit_test(fixtures_of_real_files),
		cmocka_unit_test(smtpd_fatal_agrees_with_smtpd),
		cmocka_unit_test(nested_classes_are_walked_once_each),
		cmocka_unit_test(
		    unknown_parameter_agrees_with_postconf_on_fixtures),
	};

	/* The rules that ask the system have tests of their own. */
	opt.no_check = 1;

	return cmocka_run_group_tests(tests, NULL, NULL);
}
