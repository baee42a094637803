/*
 * Tests of probe.c, pointed at a scratch root: files, certificates made
 * with openssl in the test, postconf's lists, Cyrus's smtpd.conf, and
 * Dovecot's auth socket on the real dovecot, started here with its
 * sockets in the scratch root (no address or port to share with anyone).
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

static char	*root;

/* sh - run a shell command line; fails the test unless it exits 0 */
static void __attribute__((__format__(__printf__, 1, 2)))
sh(const char *fmt, ...)
{
	va_list	 ap;
	char	*cmd;
	int	 n, st;

	va_start(ap, fmt);
	n = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	assert_true(n > 0);
	st = system(cmd);
	if (st != 0)
		fail_msg("%s: exit %d", cmd, st);
	free(cmd);
}

static int
setup(void **state)
{
	(void)state;
	root = t_tmpdir();
	probe_set_root(root);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	probe_set_root(NULL);
	probe_set_timeout(0);
	t_rmdir(root);
	free(root);
	return 0;
}

/* listener - a UNIX-domain socket listening at root + path; its fd */
static int
listener(const char *path)
{
	struct sockaddr_un sun;
	char	*p = probe_path(path);
	int	 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	assert_true(strlcpy(sun.sun_path, p, sizeof(sun.sun_path)) <
	    sizeof(sun.sun_path));
	free(p);
	assert_true((fd = socket(AF_UNIX, SOCK_STREAM, 0)) != -1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(fd, 5), 0);
	return fd;
}

static void
files_kinds_and_the_cache(void **state)
{
	const struct probe_file *f;
	int	 fd;

	(void)state;
	sh("mkdir -p %s/etc && echo x > %s/etc/a && chmod 600 %s/etc/a",
	    root, root, root);
	fd = listener("/sock");
	assert_int_equal(probe_file("/etc/a")->kind, PROBE_REG);
	assert_true(probe_file("/etc/a")->readable);
	assert_int_equal(probe_file("/etc")->kind, PROBE_DIR);
	assert_int_equal(probe_file("/sock")->kind, PROBE_SOCK);
	f = probe_file("/etc/none");
	assert_int_equal(f->kind, PROBE_NONE);
	assert_int_equal(f->err, ENOENT);
	/* Asked once per run: a file removed since is still there ... */
	sh("rm %s/etc/a", root);
	assert_int_equal(probe_file("/etc/a")->kind, PROBE_REG);
	/* ... until the answers are forgotten. */
	probe_reset();
	assert_int_equal(probe_file("/etc/a")->kind, PROBE_NONE);
	(void)close(fd);
}

/*
 * certs - in root/etc: good.pem/good.key for mail.example.org, other.key
 * (another key), chain.pem (key and certificate in one), soon.pem
 * (3 days), expired.pem (made by openssl ca with dates in 2020),
 * garbage.pem
 */
static void
certs(void)
{
	const char *req = "openssl req -x509 -newkey rsa:2048 -nodes "
	    "-subj /CN=mail.example.org";

	sh("mkdir -p %s/etc && cd %s/etc && "
	    "%s -days 365 -keyout good.key -out good.pem 2>/dev/null && "
	    "openssl genpkey -algorithm RSA -out other.key 2>/dev/null && "
	    "cat good.key good.pem > chain.pem && "
	    "%s -days 3 -keyout soon.key -out soon.pem 2>/dev/null && "
	    "echo not a certificate > garbage.pem && "
	    "mkdir ca && cd ca && touch index.txt && echo 01 > serial && "
	    "printf '[ca]\\ndefault_ca=d\\n[d]\\ndatabase=index.txt\\n"
	    "serial=serial\\nnew_certs_dir=.\\ndefault_md=sha256\\npolicy=p\\n"
	    "[p]\\ncommonName=supplied\\n' > ca.cnf && "
	    "openssl req -new -newkey rsa:2048 -nodes -keyout ../expired.key "
	    "-out r.csr -subj /CN=mail.example.org 2>/dev/null && "
	    "openssl ca -batch -config ca.cnf -selfsign -keyfile "
	    "../expired.key -in r.csr -out ../expired.pem -startdate "
	    "20200101000000Z -enddate 20200102000000Z >/dev/null 2>&1",
	    root, root, req, req);
}

/* tls_has - a finding at sev whose text contains needle */
static int
tls_has(const struct probe_tls *t, enum diag_sev sev, const char *needle)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (t->sev[i] == sev && strstr(t->text[i], needle) != NULL)
			return 1;
	return 0;
}

static void
certificates_as_openssl_reads_them(void **state)
{
	const struct probe_tls *t;

	(void)state;
	certs();
	t = probe_tls("/etc/good.pem", "/etc/good.key", "mail.example.org");
	assert_int_equal(t->n, 0);
	t = probe_tls("/etc/chain.pem", "/etc/chain.pem", "mail.example.org");
	assert_int_equal(t->n, 0);
	/* The key defaults to the certificate file, which has none. */
	t = probe_tls("/etc/good.pem", "/etc/good.pem", "mail.example.org");
	assert_true(tls_has(t, DIAG_ERR, "holds no private key"));
	t = probe_tls("/etc/good.pem", "/etc/other.key", "mail.example.org");
	assert_true(tls_has(t, DIAG_ERR, "does not belong to the "
	    "certificate"));
	t = probe_tls("/etc/none.pem", "/etc/none.key", NULL);
	assert_true(tls_has(t, DIAG_ERR, "certificate file /etc/none.pem "
	    "does not exist"));
	assert_true(tls_has(t, DIAG_ERR, "key file /etc/none.key does not "
	    "exist"));
	t = probe_tls("/etc/garbage.pem", "/etc/good.key", NULL);
	assert_true(tls_has(t, DIAG_ERR, "holds no certificate"));
	t = probe_tls("/etc/expired.pem", "/etc/expired.key",
	    "mail.example.org");
	assert_true(tls_has(t, DIAG_ERR, "has expired"));
	assert_int_equal(t->n, 1);
	t = probe_tls("/etc/soon.pem", "/etc/soon.key", "mail.example.org");
	assert_true(tls_has(t, DIAG_WARN, "expires within 14 days"));
	assert_int_equal(t->n, 1);
	t = probe_tls("/etc/good.pem", "/etc/good.key", "smtp.example.net");
	assert_true(tls_has(t, DIAG_WARN, "is not for smtp.example.net"));
	assert_int_equal(t->n, 1);
}

static void
postconf_lists(void **state)
{
	(void)state;
	sh("touch %s/main.cf", root);
	assert_int_equal(probe_postconf_has(root, 'a', "dovecot"), 1);
	assert_int_equal(probe_postconf_has(root, 'a', "dovcot"), 0);
	assert_int_equal(probe_postconf_has(root, 'm', "hash"), 1);
	assert_int_equal(probe_postconf_has(root, 'm', "has"), 0);
	/* No main.cf: postconf -m fails, and that is not "no". */
	assert_int_equal(probe_postconf_has("/nonexistent", 'm', "hash"), -1);
}

static void
cyrus_config_found_where_libsasl_looks(void **state)
{
	const struct probe_cyrus *c;

	(void)state;
	sh("mkdir -p %s/etc/sasl2 %s/etc/postfix/sasl && printf "
	    "'pwcheck_method: saslauthd\\nsaslauthd_path: /run/mux\\n' > "
	    "%s/etc/sasl2/smtpd.conf", root, root, root);
	c = probe_cyrus("/etc/postfix/sasl:/etc/sasl2", "smtpd");
	assert_string_equal(c->file, "/etc/sasl2/smtpd.conf");
	assert_string_equal(c->pwcheck, "saslauthd");
	assert_string_equal(c->saslauthd, "/run/mux");
	c = probe_cyrus("/etc/postfix/sasl", "smtpd");
	assert_null(c->file);
}

/* A socket that takes the connection and never says a word. */
static void
a_hung_auth_service_costs_the_timeout_only(void **state)
{
	const struct probe_auth *a;
	struct timespec	 t0, t1;
	int		 fd;

	(void)state;
	fd = listener("/hung");
	probe_set_timeout(700);
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	a = probe_dovecot("/hung");
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(a->ok, 0);
	assert_non_null(strstr(a->why, "no answer within"));
	assert_true(t1.tv_sec - t0.tv_sec < 3);
	a = probe_dovecot("/nothing-here");
	assert_int_equal(a->ok, 0);
	assert_non_null(strstr(a->why, "cannot connect"));
	(void)close(fd);
}

/* One that hangs up at once: a finding, and no SIGPIPE. */
static void
an_auth_service_that_hangs_up(void **state)
{
	const struct probe_auth *a;
	pid_t	 pid;
	int	 fd, c, st;

	(void)state;
	fd = listener("/hangup");
	if ((pid = fork()) == 0) {
		if ((c = accept(fd, NULL, NULL)) != -1)
			(void)close(c);
		_exit(0);
	}
	a = probe_dovecot("/hangup");
	assert_int_equal(a->ok, 0);
	assert_true(strstr(a->why, "closed the connection") != NULL ||
	    strstr(a->why, "could not send") != NULL);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	(void)close(fd);
}

/* dovecot_start - the real Dovecot, sockets under root; 0 or -1 */
static int
dovecot_start(void)
{
	char	*path;
	int	 i;

	sh("mkdir -p %s/run %s/state %s/var/spool/postfix/private && "
	    "echo 'alice@test.example:{PLAIN}secret' > %s/passwd && "
	    "cat > %s/dovecot.conf <<EOF\n"
	    "base_dir = %s/run\nstate_dir = %s/state\n"
	    "log_path = %s/dovecot.log\nssl = no\nprotocols =\n"
	    "auth_mechanisms = plain login\n"
	    "passdb {\n driver = passwd-file\n"
	    " args = scheme=PLAIN %s/passwd\n}\n"
	    "userdb {\n driver = static\n args = uid=nobody gid=nogroup\n}\n"
	    "service auth {\n"
	    " unix_listener %s/var/spool/postfix/private/auth {\n"
	    "  mode = 0666\n }\n"
	    " unix_listener %s/auth-master {\n  mode = 0600\n }\n}\n"
	    "service anvil {\n chroot =\n}\nservice stats {\n chroot =\n}\n"
	    "EOF\n", root, root, root, root, root, root, root, root, root, root,
	    root);
	if (system("command -v dovecot >/dev/null") != 0)
		return -1;
	sh("dovecot -c %s/dovecot.conf", root);
	path = xprintf("%s/var/spool/postfix/private/auth", root);
	for (i = 0; i < 100 && access(path, F_OK) == -1; i++)
		usleep(100000);
	free(path);
	return 0;
}

static void
dovecot_stop(void)
{
	sh("p=$(cat %s/run/master.pid) && kill $p; i=0; while [ $i -lt 50 ] "
	    "&& kill -0 $p 2>/dev/null; do sleep 0.1; i=$((i+1)); done",
	    root);
}

static void
real_dovecot_answers_with_its_mechanisms(void **state)
{
	const struct probe_auth *a;

	(void)state;
	if (dovecot_start() == -1)
		skip();
	a = probe_dovecot("/var/spool/postfix/private/auth");
	assert_int_equal(a->ok, 1);
	assert_string_equal(a->mechs, "PLAIN LOGIN");
	/* The auth-master socket says VERSION and SPID, and no MECH. */
	a = probe_dovecot("unix:/auth-master");
	assert_int_equal(a->ok, 0);
	assert_non_null(strstr(a->why, "not the auth-client socket"));
	dovecot_stop();
	probe_reset();
	a = probe_dovecot("/var/spool/postfix/private/auth");
	assert_int_equal(a->ok, 0);
}

/* Not root: a key that is not ours to read is a warning, not an error. */
static void
not_root_cannot_examine_and_says_so(void **state)
{
	const struct probe_tls *t;
	pid_t	 pid;
	int	 st;

	(void)state;
	if (geteuid() != 0)
		skip();
	certs();
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(2);
		t = probe_tls("/etc/good.pem", "/etc/good.key", NULL);
		_exit(t->n > 0 && tls_has(t, DIAG_WARN, "run check as root") &&
		    !tls_has(t, DIAG_ERR, "") ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(files_kinds_and_the_cache,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    certificates_as_openssl_reads_them, setup, teardown),
		cmocka_unit_test_setup_teardown(postconf_lists, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    cyrus_config_found_where_libsasl_looks, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    a_hung_auth_service_costs_the_timeout_only, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(an_auth_service_that_hangs_up,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    real_dovecot_answers_with_its_mechanisms, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    not_root_cannot_examine_and_says_so, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
