/*
 * Tests of wire.c: what enable sets on a service for SASL and TLS.  The
 * probes are pointed at a scratch root, so the certificates and
 * programs they find are the test's own; certificates are made with the
 * real openssl.
 */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

static const char *master_cf =
    "smtp      inet  n       -       y       -       -       smtpd\n"
    "submission inet n       -       y       -       -       smtpd\n"
    "  -o smtpd_tls_security_level=encrypt\n"
    "  -o smtpd_sasl_auth_enable=yes\n";

struct w {
	char		*root;	/* the probes' root */
	char		*dir;	/* the configuration directory */
	struct conf	 c;
	struct wire	 w;
	struct diag	 notes;
	struct diag	 d;
};

static void
mkdirs(const char *root, const char *path)
{
	char	*p, *s;

	p = xprintf("%s%s", root, path);
	for (s = p + strlen(root) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		(void)mkdir(p, 0755);
		*s = '/';
	}
	(void)mkdir(p, 0755);
	free(p);
}

/* mkcert - a self-signed pair for cn under root: cert and key paths */
static void
mkcert(const char *root, const char *cert, const char *key, const char *cn,
    int days)
{
	char	*cmd;

	cmd = xprintf("openssl req -x509 -newkey rsa:2048 -nodes -days %d "
	    "-subj /CN=%s -keyout '%s%s' -out '%s%s' >/dev/null 2>&1", days,
	    cn, root, key, root, cert);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void
setup_conf(struct w *t, const char *main_cf)
{
	struct diag	 d;

	t->dir = t_tmpdir();
	t_write(t->dir, "main.cf", main_cf, strlen(main_cf));
	t_write(t->dir, "master.cf", master_cf, strlen(master_cf));
	diag_init(&d);
	assert_int_equal(conf_open_dir(&t->c, t->dir, 0, &d), 0);
	assert_int_equal(conf_load(&t->c, &d), 0);
	diag_free(&d);
	t->root = t_tmpdir();
	probe_set_root(t->root);
	memset(&t->w, 0, sizeof(t->w));
	diag_init(&t->notes);
	diag_init(&t->d);
}

static void
teardown_conf(struct w *t)
{
	probe_set_root(NULL);
	wire_free(&t->w);
	diag_free(&t->notes);
	diag_free(&t->d);
	conf_free(&t->c);
	t_rmdir(t->dir);
	t_rmdir(t->root);
	free(t->dir);
	free(t->root);
}

/* value - the value wire chose for name, or NULL */
static const char *
value(const struct wire *w, const char *name)
{
	size_t	 i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->name[i], name) == 0)
			return w->value[i];
	return NULL;
}

static int
notes_have(const struct diag *d, const char *text)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		if (strstr(d->m[i].text, text) != NULL)
			return 1;
	return 0;
}

static const struct mc_service *
submission(struct conf *c)
{
	size_t	 i;

	for (i = 0; i < c->master.nsvc; i++)
		if (strcmp(c->master.svc[i].field[MCF_SERVICE],
		    "submission") == 0)
			return &c->master.svc[i];
	fail_msg("no submission service");
	return NULL;
}

static void
doveconf_listeners(void **state)
{
	char	**v;

	(void)state;
	v = wire_doveconf_listeners(
	    "# 2.3.19.1: /etc/dovecot/dovecot.conf\n"
	    "protocols = imap\n"
	    "service imap-login {\n"
	    "  unix_listener not-this {\n"
	    "    mode = 0600\n"
	    "  }\n"
	    "}\n"
	    "service auth {\n"
	    "  unix_listener /var/spool/postfix/private/auth {\n"
	    "    group = postfix\n"
	    "    mode = 0660\n"
	    "  }\n"
	    "  unix_listener auth-userdb {\n"
	    "    mode = 0600\n"
	    "  }\n"
	    "}\n");
	assert_string_equal(v[0], "/var/spool/postfix/private/auth");
	assert_string_equal(v[1], "/run/dovecot/auth-userdb");
	assert_null(v[2]);
	free(v[0]);
	free(v[1]);
	free(v);

	v = wire_doveconf_listeners("base_dir = /srv/dc\nservice auth {\n"
	    "  unix_listener a {\n  }\n}\n");
	assert_string_equal(v[0], "/srv/dc/a");
	assert_null(v[1]);
	free(v[0]);
	free(v);

	v = wire_doveconf_listeners("passdb {\n  driver = pam\n}\n");
	assert_null(v[0]);
	free(v);
}

/* An ACME client's certificate for myhostname goes on the service. */
static void
tls_from_certbot(void **state)
{
	struct w	 t;
	const char	*v;

	(void)state;
	setup_conf(&t, "myhostname = mail.example\n");
	mkdirs(t.root, "/etc/letsencrypt/live/mail.example");
	mkcert(t.root, "/etc/letsencrypt/live/mail.example/fullchain.pem",
	    "/etc/letsencrypt/live/mail.example/privkey.pem", "mail.example",
	    30);
	t.w.sasl = "none";
	assert_int_equal(wire_plan(&t.c, submission(&t.c), &t.w, &t.notes,
	    &t.d), 0);
	assert_non_null(v = value(&t.w, "smtpd_tls_chain_files"));
	assert_string_equal(v, "/etc/letsencrypt/live/mail.example/"
	    "privkey.pem,/etc/letsencrypt/live/mail.example/fullchain.pem");
	assert_true(notes_have(&t.notes, "certbot"));
	assert_null(value(&t.w, "smtpd_sasl_type"));
	teardown_conf(&t);
}

/*
 * One whose key does not match is passed over for Debian's snakeoil,
 * with a warning.
 */
static void
tls_snakeoil_fallback(void **state)
{
	struct w	 t;
	const char	*v;

	(void)state;
	setup_conf(&t, "myhostname = mail.example\n");
	mkdirs(t.root, "/etc/letsencrypt/live/mail.example");
	mkcert(t.root, "/etc/letsencrypt/live/mail.example/fullchain.pem",
	    "/etc/letsencrypt/live/mail.example/other.pem", "mail.example",
	    30);
	mkcert(t.root, "/etc/letsencrypt/live/mail.example/cert.pem",
	    "/etc/letsencrypt/live/mail.example/privkey.pem", "mail.example",
	    30);
	mkdirs(t.root, "/etc/ssl/certs");
	mkdirs(t.root, "/etc/ssl/private");
	mkcert(t.root, "/etc/ssl/certs/ssl-cert-snakeoil.pem",
	    "/etc/ssl/private/ssl-cert-snakeoil.key", "vm", 3650);
	t.w.sasl = "none";
	assert_int_equal(wire_plan(&t.c, submission(&t.c), &t.w, &t.notes,
	    &t.d), 0);
	assert_non_null(v = value(&t.w, "smtpd_tls_chain_files"));
	assert_string_equal(v, "/etc/ssl/private/ssl-cert-snakeoil.key,"
	    "/etc/ssl/certs/ssl-cert-snakeoil.pem");
	assert_true(notes_have(&t.notes, "will not trust"));
	teardown_conf(&t);
}

/* A certificate main.cf names that loads is kept: nothing is set. */
static void
tls_main_cf_kept(void **state)
{
	struct w	 t;
	char		*main_cf;

	(void)state;
	main_cf = xstrdup("myhostname = mail.example\n"
	    "smtpd_tls_cert_file = /etc/postfix/c.pem\n"
	    "smtpd_tls_key_file = /etc/postfix/k.pem\n");
	setup_conf(&t, main_cf);
	mkdirs(t.root, "/etc/postfix");
	mkcert(t.root, "/etc/postfix/c.pem", "/etc/postfix/k.pem",
	    "mail.example", 30);
	t.w.sasl = "none";
	assert_int_equal(wire_plan(&t.c, submission(&t.c), &t.w, &t.notes,
	    &t.d), 0);
	assert_int_equal(t.w.n, 0);
	assert_true(notes_have(&t.notes, "kept"));
	teardown_conf(&t);
	free(main_cf);
}

/*
 * smtpd_tls_chain_files with the key and its certificate in two files,
 * one after the other, is one chain, as Postfix reads it: kept.
 */
static void
tls_chain_in_two_files_kept(void **state)
{
	struct w	 t;

	(void)state;
	setup_conf(&t, "myhostname = mail.example\n"
	    "smtpd_tls_chain_files = /etc/postfix/k.pem, /etc/postfix/c.pem\n");
	mkdirs(t.root, "/etc/postfix");
	mkcert(t.root, "/etc/postfix/c.pem", "/etc/postfix/k.pem",
	    "mail.example", 30);
	t.w.sasl = "none";
	assert_int_equal(wire_plan(&t.c, submission(&t.c), &t.w, &t.notes,
	    &t.d), 0);
	assert_int_equal(t.w.n, 0);
	assert_true(notes_have(&t.notes, "kept"));
	teardown_conf(&t);
}

/* --cert and --key: checked first, refused when they do not match. */
static void
tls_given(void **state)
{
	struct w	 t;

	(void)state;
	setup_conf(&t, "myhostname = mail.example\n");
	mkdirs(t.root, "/srv/a");
	mkdirs(t.root, "/srv/b");
	mkcert(t.root, "/srv/a/c.pem", "/srv/a/k.pem", "mail.example", 30);
	mkcert(t.root, "/srv/b/c.pem", "/srv/b/k.pem", "mail.example", 30);
	t.w.sasl = "none";
	t.w.cert = "/srv/a/c.pem";
	t.w.key = "/srv/b/k.pem";
	assert_int_equal(wire_plan(&t.c, submission(&t.c), &t.w, &t.notes,
	    &t.d), -1);
	assert_int_equal(t.d.nerr, 1);
	assert_int_equal(t.w.n, 0);
	wire_free(&t.w);
	diag_free(&t.d);
	t.w.key = "/srv/a/k.pem";
	assert_int_equal(wire_plan(&t.c, submission(&t.c), &t.w, &t.notes,
	    &t.d), 0);
	assert_string_equal(value(&t.w, "smtpd_tls_chain_files"),
	    "/srv/a/k.pem,/srv/a/c.pem");
	teardown_conf(&t);
}

/* No back end, Dovecot installed without a listener: the block. */
static void
sasl_dovecot_block(void **state)
{
	struct w	 t;
	char		*p;

	(void)state;
	setup_conf(&t, "myhostname = mail.example\n"
	    "queue_directory = /var/spool/postfix\n"
	    "smtpd_sasl_type = dovecot\n"
	    "smtpd_sasl_path = private/auth\n"
	    "smtpd_tls_security_level = none\n");
	mkdirs(t.root, "/usr/bin");
	p = xprintf("%s%s", t.root, PATH_DOVECONF);
	t_write(t.root, "usr/bin/doveconf", "", 0);
	assert_int_equal(chmod(p, 0755), 0);
	free(p);
	assert_int_equal(wire_plan(&t.c, submission(&t.c), &t.w, &t.notes,
	    &t.d), 0);
	assert_null(value(&t.w, "smtpd_sasl_type"));
	assert_non_null(t.w.dovecot_block);
	assert_non_null(strstr(t.w.dovecot_block,
	    "unix_listener /var/spool/postfix/private/auth {"));
	assert_true(notes_have(&t.notes, "doveadm reload"));
	teardown_conf(&t);
}

/* No Dovecot at all: what to install; --sasl cyrus sets the type. */
static void
sasl_none_found(void **state)
{
	struct w	 t;

	(void)state;
	setup_conf(&t, "myhostname = mail.example\n"
	    "smtpd_sasl_type = dovecot\n"
	    "smtpd_tls_security_level = none\n");
	assert_int_equal(wire_plan(&t.c, submission(&t.c), &t.w, &t.notes,
	    &t.d), 0);
	assert_int_equal(t.w.n, 0);
	assert_true(notes_have(&t.notes, "apt-get install dovecot-core"));
	wire_free(&t.w);
	t.w.sasl = "cyrus";
	assert_int_equal(wire_plan(&t.c, submission(&t.c), &t.w, &t.notes,
	    &t.d), 0);
	assert_string_equal(value(&t.w, "smtpd_sasl_type"), "cyrus");
	wire_free(&t.w);
	t.w.sasl = "dovecot";
	assert_int_equal(wire_plan(&t.c, submission(&t.c), &t.w, &t.notes,
	    &t.d), -1);
	assert_int_equal(t.d.nerr, 1);
	teardown_conf(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(doveconf_listeners),
		cmocka_unit_test(tls_from_certbot),
		cmocka_unit_test(tls_snakeoil_fallback),
		cmocka_unit_test(tls_main_cf_kept),
		cmocka_unit_test(tls_chain_in_two_files_kept),
		cmocka_unit_test(tls_given),
		cmocka_unit_test(sasl_dovecot_block),
		cmocka_unit_test(sasl_none_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
