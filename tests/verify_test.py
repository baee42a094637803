#!/usr/bin/env python3
#
# `pfsubmit verify` against hostile and broken SMTP servers: small Python
# servers on loopback (the scripted server of cli_more_test.py), each
# started by its test on a free port.
#
#   Replies       a connection dropped during AUTH, 451 to MAIL and RCPT,
#                 a 4xx to the relay test: the server's own reply, in
#                 full, in the failing item.
#   Deadlines     one byte a second in plain text, and during the TLS
#                 handshake (STARTTLS and TLS first); a server slow on
#                 every reply runs into the session's deadline.
#   Password      a self-signed certificate for another name never gets
#                 AUTH unless --insecure, or --cafile with the right name;
#                 PLAIN and LOGIN; an IP --host checked against the
#                 certificate's IP address.
#   Config        the host where the service listens (its host part,
#                 inet_interfaces), the banner against myhostname, verify
#                 all, --send-to, the mail log of a failing session.
#   OpenSSL       OPENSSL_CONF naming a provider module: never loaded.
#
#       python3 tests/verify_test.py [-v] [substring ...]
#
# Python 3 standard library, openssl(1), cc for the OPENSSL_CONF module.

import os
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import cli_more_test as cm  # noqa: E402
from cli_test import PFSUBMIT, control_bytes  # noqa: E402

CC = shutil.which("cc")


class Base(unittest.TestCase):
    maxDiff = 8000

    def setUp(self):
        if cm.OPENSSL is None:
            self.skipTest("openssl(1) is not installed")
        self.tmp = cm.Tmp(prefix="pfsubmit-verify.")
        self.addCleanup(self.tmp.cleanup)
        self.etc = self.tmp.path("etc")
        os.mkdir(self.etc)
        self.pw = self.tmp.write("pw", b"hunter2\n")
        self._cert = None

    def cert(self):
        if self._cert is None:
            self._cert = cm.make_cert(self.tmp)
        return self._cert

    def server(self, cert=None, **kw):
        srv = cm.SmtpServer(cert=cert or self.cert(), **kw)
        self.addCleanup(srv.join, 5)
        return srv

    def write_conf(self, main, master):
        with open(os.path.join(self.etc, "main.cf"), "w") as f:
            f.write(main)
        with open(os.path.join(self.etc, "master.cf"), "w") as f:
            f.write(master)

    def verify(self, *args, env=None, timeout=90):
        r = cm.run([PFSUBMIT, "-c", self.etc, "verify"] + list(args),
                   env=env, timeout=timeout)
        self.assertEqual(control_bytes(r.out), [], r)
        self.assertEqual(control_bytes(r.err), [], r)
        self.assertNotIn(b"hunter2", r.out + r.err)
        return r

    def vj(self, srv, *args, rc=None, **kw):
        """verify -j --host 127.0.0.1 --port srv.port ARGS; the document"""
        r = self.verify("-j", "--host", "127.0.0.1", "--port",
                        str(srv.port), *args, **kw)
        srv.join(30)
        d = r.json()
        if rc is not None:
            self.assertEqual(r.rc, rc, r)
        bad = any(it["status"] == "fail" for it in d["items"])
        self.assertEqual(r.rc, 1 if bad else 0, r)
        return d, r

    @staticmethod
    def items(d):
        return [(it["name"], it["status"]) for it in d["items"]]

    @staticmethod
    def detail(d, name, nth=0):
        return [it["detail"] for it in d["items"] if it["name"] == name][nth]

    def creds(self, *more):
        return ("--user", "alice@test.example", "--password-file",
                self.pw) + more


class Replies(Base):

    def test_dropped_during_auth(self):
        """The server closes the connection on AUTH: the item says so
        (found: "refused: -1")."""
        srv = self.server(close_on=b"AUTH")
        d, r = self.vj(srv, *self.creds("--insecure"), rc=1)
        self.assertEqual(self.items(d)[-1], ("auth", "fail"))
        self.assertEqual(self.detail(d, "auth"), "AUTH PLAIN as "
                         "alice@test.example refused: no reply (the server "
                         "closed the connection)")
        self.assertNotIn("-1", self.detail(d, "auth"))

    def test_reset_during_auth_login(self):
        srv = self.server(ehlo_tls=b"250-test.example\r\n250 AUTH LOGIN\r\n",
                          reset_on=b"AUTH")
        d, r = self.vj(srv, *self.creds("--insecure"), rc=1)
        self.assertTrue(self.detail(d, "auth").startswith(
            "AUTH LOGIN as alice@test.example refused: no reply ("), d)

    def test_451_to_mail_after_auth(self):
        reply = (b"451-4.3.0 <alice@test.example>: Temporary lookup "
                 b"failure\r\n451 4.3.0 second line\r\n")
        srv = self.server(mail_auth=reply)
        d, r = self.vj(srv, *self.creds("--insecure"), rc=1)
        self.assertEqual(self.items(d)[-2:], [("auth", "pass"),
                                              ("mail-from", "fail")])
        # The reply in full, both lines, quoted.
        self.assertEqual(self.detail(d, "mail-from"),
                         "MAIL FROM:<alice@test.example> after AUTH "
                         "refused: 451-4.3.0 <alice@test.example>: "
                         "Temporary lookup failure\\n451 4.3.0 second line")
        self.assertNotIn(b"RCPT TO:<pfsubmit-verify@example.net>",
                         srv.received[-3:])

    def test_451_to_rcpt_after_auth(self):
        srv = self.server(rcpt_auth=b"451 4.3.0 <pfsubmit-verify@example."
                          b"net>: Temporary lookup failure\r\n")
        d, r = self.vj(srv, *self.creds("--insecure"), rc=1)
        self.assertEqual(self.items(d)[-3:], [("auth", "pass"),
                                              ("mail-from", "pass"),
                                              ("rcpt-to", "fail")])
        self.assertEqual(self.detail(d, "rcpt-to"),
                         "RCPT TO:<pfsubmit-verify@example.net> after AUTH "
                         "refused: 451 4.3.0 <pfsubmit-verify@example.net>: "
                         "Temporary lookup failure")
        # Then RSET: no message.
        self.assertEqual(srv.received[-2:], [b"RSET", b"QUIT"])
        self.assertIsNone(srv.message)

    def test_from_and_to_options(self):
        srv = self.server()
        d, r = self.vj(srv, "--user", "alice", "--password-file", self.pw,
                       "--insecure", "--from", "me@test.example", "--to",
                       "x@elsewhere.example", rc=0)
        self.assertIn(b"MAIL FROM:<me@test.example>", srv.received)
        self.assertEqual(srv.received.count(b"RCPT TO:<x@elsewhere."
                                            b"example>"), 2)

    def test_from_default_postmaster_at_myorigin(self):
        """A login that is no address: postmaster@$myorigin."""
        self.write_conf("myhostname = mx.test.example\n"
                        "myorigin = test.example\n", "")
        srv = self.server()
        d, r = self.vj(srv, "--user", "alice", "--password-file", self.pw,
                       "--insecure", rc=0)
        self.assertIn(b"MAIL FROM:<postmaster@test.example>", srv.received)

    def test_to_default_outside_mydestination(self):
        self.write_conf("mydestination = example.net, localhost\n", "")
        srv = self.server()
        d, r = self.vj(srv, *self.creds("--insecure"))
        self.assertIn(b"RCPT TO:<pfsubmit-verify@example.org>", srv.received)
        self.assertNotIn(b"RCPT TO:<pfsubmit-verify@example.net>",
                         srv.received)

    def test_relay_test_4xx_fails(self):
        """A temporary failure is a broken server, not a strict one."""
        srv = self.server(rcpt=b"451 4.3.0 Temporary lookup failure\r\n")
        d, r = self.vj(srv, rc=1)
        self.assertEqual(self.items(d)[-2], ("relay-refused", "fail"))
        self.assertEqual(self.detail(d, "relay-refused"),
                         "without AUTH, RCPT to an outside address: 451 "
                         "4.3.0 Temporary lookup failure (a temporary "
                         "failure: the server is broken, not strict)")

    def test_relay_test_5xx_passes(self):
        srv = self.server(rcpt=b"550 5.7.1 no\r\n")
        d, r = self.vj(srv, rc=0)
        self.assertEqual(self.items(d)[-2], ("relay-refused", "pass"))

    def test_text_output_quotes_the_reply(self):
        srv = self.server(starttls=b"454 4.7.0 TLS not \x1b[2Javailable\r\n")
        r = self.verify("--host", "127.0.0.1", "--port", str(srv.port))
        srv.join(30)
        self.assertEqual(r.rc, 1, r)
        self.assertIn(b"fail  tls                STARTTLS refused: 454 4.7.0 "
                      b"TLS not \\033[2Javailable\n", r.out)

    def test_no_valid_banner_shows_why(self):
        srv = self.server(banner=b"hello there\r\n")
        d, r = self.vj(srv, rc=1)
        self.assertEqual(self.detail(d, "banner"), "expected 220, got no "
                         "valid reply (not an SMTP reply line: \"hello "
                         "there\")")


class Deadlines(Base):

    def timed(self, srv, *args, limit):
        t0 = time.monotonic()
        d, r = self.vj(srv, "--timeout", "2", *args, rc=1)
        secs = time.monotonic() - t0
        self.assertLess(secs, limit, "verify was held %.1f s" % secs)
        return d, secs

    def test_plain_one_byte_a_second(self):
        srv = self.server(trickle=1)
        d, secs = self.timed(srv, limit=8)
        self.assertEqual(self.items(d), [("connect", "pass"),
                                         ("banner", "fail")])
        self.assertEqual(self.detail(d, "banner"), "expected 220, got no "
                         "reply (no answer within 2 seconds)")
        self.assertGreaterEqual(secs, 1.9)

    def test_plain_multiline_reply_one_line_a_second(self):
        """Each line in time, the reply as a whole not."""
        srv = self.server(banner=b"220-x\r\n" * 50 + b"220 x\r\n",
                          trickle=0.1)
        d, secs = self.timed(srv, limit=8)
        self.assertEqual(self.items(d)[-1], ("banner", "fail"))

    def test_starttls_handshake_one_byte_a_second(self):
        srv = self.server(tls_trickle=True)
        d, secs = self.timed(srv, limit=8)
        self.assertEqual(self.items(d)[-1], ("tls", "fail"))
        self.assertEqual(self.detail(d, "tls"), "TLS handshake failed: no "
                         "answer within 2 seconds")

    def test_implicit_tls_handshake_one_byte_a_second(self):
        srv = self.server(implicit=True, tls_trickle=True)
        d, secs = self.timed(srv, "submissions", limit=8)
        self.assertEqual(self.items(d), [("connect", "pass"),
                                         ("tls", "fail")])
        self.assertTrue(self.detail(d, "tls").endswith(
            "TLS handshake failed: no answer within 2 seconds"), d)

    def test_session_deadline(self):
        """Every reply within its 2 seconds, the session not within 12."""
        srv = self.server(delay=1.3)
        d, secs = self.timed(srv, *self.creds("--insecure"), limit=16)
        self.assertIn("the session took more than its 12 seconds",
                      d["items"][-1]["detail"])
        self.assertEqual(d["items"][-1]["status"], "fail")

    def test_timeout_bounds(self):
        for bad in ("0", "301", "x"):
            r = self.verify("--timeout", bad, "--port", "1")
            self.assertEqual(r.rc, 1, r)
            self.assertEqual(r.err.count(b"\n"), 1, r)
            self.assertTrue(r.err.startswith(b"pfsubmit: --timeout "), r)


class Password(Base):
    """The password only to a server that proved who it
    is."""

    def other(self):
        return cm.make_cert(self.tmp, name="other", cn="other.example")

    def test_self_signed_other_name_gets_no_auth(self):
        srv = self.server(cert=self.other())
        d, r = self.vj(srv, *self.creds(), rc=1)
        self.assertFalse(any(l.upper().startswith(b"AUTH")
                             for l in srv.received), srv.received)
        self.assertEqual(srv.auth_payloads, [])
        self.assertEqual(self.items(d)[-1], ("auth", "fail"))
        det = self.detail(d, "auth")
        self.assertTrue(det.startswith("the password was not sent: the "
                                       "certificate is not trusted "
                                       "(self-signed certificate); give "
                                       "--cafile FILE"), det)
        self.assertIn("--insecure", det)
        # Self-signed, and still the name is checked.
        self.assertEqual(self.detail(d, "certificate-name"),
                         "the certificate is not for 127.0.0.1")

    def test_login_mechanism_gets_no_auth_either(self):
        srv = self.server(cert=self.other(), ehlo_tls=b"250-x\r\n"
                          b"250 AUTH LOGIN\r\n")
        d, r = self.vj(srv, *self.creds(), rc=1)
        self.assertEqual(srv.login_payloads, [])
        self.assertFalse(any(l.upper().startswith(b"AUTH")
                             for l in srv.received))

    def test_cafile_but_wrong_name_gets_no_auth(self):
        cert = self.other()
        srv = self.server(cert=cert)
        d, r = self.vj(srv, *self.creds("--cafile", cert[0], "--tls-name",
                                        "test.example"), rc=1)
        self.assertEqual(srv.auth_payloads, [])
        self.assertEqual(self.items(d)[7:9], [("certificate-trust", "pass"),
                                              ("certificate-name", "warn")])
        self.assertTrue(self.detail(d, "auth").startswith(
            "the password was not sent: the certificate is not for "
            "test.example; "), d)

    def test_cafile_and_name_send_auth(self):
        cert = self.other()
        srv = self.server(cert=cert)
        d, r = self.vj(srv, *self.creds("--cafile", cert[0], "--tls-name",
                                        "other.example"), rc=0)
        self.assertEqual(srv.auth_payloads,
                         [b"\0alice@test.example\0hunter2"])
        self.assertEqual(self.detail(d, "certificate-trust"),
                         "trusted by %s" % cert[0])

    def test_cafile_is_the_only_trust(self):
        """--cafile replaces the default store: SSL_CERT_FILE naming the
        server's certificate does not make it trusted then."""
        srv = self.server(cert=self.other())
        d, r = self.vj(srv, *self.creds("--cafile", self.cert()[0],
                                        "--tls-name", "other.example"),
                       env=cm.clean_env({"SSL_CERT_FILE": self.other()[0]}),
                       rc=1)
        self.assertEqual(srv.auth_payloads, [])

    def test_insecure_sends_auth(self):
        srv = self.server(cert=self.other())
        d, r = self.vj(srv, *self.creds("--insecure"), rc=0)
        self.assertEqual(srv.auth_payloads,
                         [b"\0alice@test.example\0hunter2"])

    def test_ip_host_checked_against_ip_address(self):
        cert, key = (self.tmp.path("ip.pem"), self.tmp.path("ip-key.pem"))
        cm._openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt",
                     "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30",
                     "-subj", "/CN=ip", "-addext",
                     "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out",
                     cert], self.tmp.dir)
        srv = self.server(cert=(cert, key))
        d, r = self.vj(srv, *self.creds("--cafile", cert), rc=0)
        self.assertEqual(d["tls_name"], "127.0.0.1")
        self.assertEqual(self.detail(d, "certificate-name"),
                         "issued for 127.0.0.1")
        self.assertEqual(len(srv.auth_payloads), 1)

    def test_bad_cafile(self):
        bad = self.tmp.write("bad.pem", b"not a certificate\n")
        r = self.verify("--cafile", bad, "--port", "1")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.out, b"")
        self.assertEqual(r.err, ("pfsubmit: --cafile %s: no certificate "
                                 "could be read from it; give a PEM file\n"
                                 % bad).encode())

    def test_login_offered_alone(self):
        srv = self.server(ehlo_tls=b"250-x\r\n250 AUTH LOGIN\r\n")
        d, r = self.vj(srv, *self.creds("--insecure"), rc=0)
        self.assertEqual(srv.login_payloads,
                         [(b"alice@test.example", b"hunter2")])
        self.assertTrue(self.detail(d, "auth").startswith(
            "AUTH LOGIN as alice@test.example: 235 "), d)

    def test_mech_login_chosen(self):
        srv = self.server()
        d, r = self.vj(srv, *self.creds("--insecure", "--mech", "login"),
                       rc=0)
        self.assertEqual(srv.auth_payloads, [])
        self.assertEqual(len(srv.login_payloads), 1)

    def test_mech_plain_preferred(self):
        srv = self.server()
        d, r = self.vj(srv, *self.creds("--insecure"), rc=0)
        self.assertEqual(len(srv.auth_payloads), 1)
        self.assertEqual(srv.login_payloads, [])

    def test_bad_mech(self):
        r = self.verify("--mech", "cram-md5", "--port", "1")
        self.assertEqual((r.rc, r.err), (1, b"pfsubmit: --mech cram-md5: "
                                         b"give plain or login\n"))


class Config(Base):

    def test_host_from_inet_interfaces(self):
        """A service without a host part listens on inet_interfaces."""
        srv = self.server(addr="127.0.0.7")
        self.write_conf("inet_interfaces = 127.0.0.7\nmyhostname = "
                        "test.example\n", "%d inet n - n - - smtpd\n" %
                        srv.port)
        r = self.verify("-j", str(srv.port))
        srv.join(30)
        d = r.json()
        self.assertEqual((d["host"], d["port"]), ("127.0.0.7", srv.port))
        self.assertEqual(self.items(d)[:3], [("connect", "pass"),
                                             ("banner", "pass"),
                                             ("banner-name", "pass")])
        # The address came from the configuration: the name is myhostname.
        self.assertEqual(d["tls_name"], "test.example")
        self.assertEqual(self.detail(d, "certificate-name"),
                         "issued for test.example")

    def test_host_from_service_name(self):
        """verify PORT finds 127.0.0.8:PORT, as enable --listen writes
        it; the banner names another host than myhostname: a warning."""
        srv = self.server(addr="127.0.0.8")
        self.write_conf("myhostname = mail.test.example\n",
                        "127.0.0.8:%d inet n - n - - smtpd\n" % srv.port)
        r = self.verify("-j", str(srv.port))
        srv.join(30)
        d = r.json()
        self.assertEqual(d["host"], "127.0.0.8")
        self.assertEqual(self.detail(d, "banner-name"),
                         "the banner names test.example, but myhostname is "
                         "mail.test.example: is this the right server?")
        self.assertEqual(self.items(d)[2], ("banner-name", "warn"))

    def test_service_not_in_master_cf_noted(self):
        self.write_conf("", "smtp inet n - n - - smtpd\n")
        port = cm.free_port()
        r = self.verify("--port", str(port))
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.err, ("pfsubmit: note: %s/master.cf has no live "
                                 "inet service submission; trying where "
                                 "Postfix listens\n" % self.etc).encode())
        self.assertIn(b"127.0.0.1 port %d: Connection refused" % port,
                      r.out)

    def test_missing_config_dir_noted(self):
        port = cm.free_port()
        r = cm.run([PFSUBMIT, "-c", self.tmp.path("none"), "verify",
                    "--port", str(port)])
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.err.count(b"\n"), 1, r)
        self.assertTrue(r.err.endswith(b"; verifying without the "
                                       b"configuration\n"), r)

    def test_no_master_cf_with_host_and_port(self):
        srv = self.server()
        d, r = self.vj(srv, rc=0)
        self.assertEqual(d["service"], "submission")

    def all_servers(self):
        ok = self.server()
        tlsfirst = self.server(implicit=True)
        broken = self.server(rcpt=b"250 2.1.5 Ok\r\n")
        self.write_conf(
            "inet_interfaces = 127.0.0.1\n",
            "smtp inet n - n - - smtpd\n"
            "%d inet n - n - - smtpd\n  -o smtpd_sasl_auth_enable=yes\n"
            "%d inet n - n - - smtpd\n  -o smtpd_tls_wrappermode=yes\n"
            "  -o smtpd_sasl_auth_enable=yes\n"
            "%d inet n - n - - smtpd\n  -o smtpd_sasl_auth_enable=yes\n"
            "%d inet n - n - - smtpd\n"
            % (ok.port, tlsfirst.port, broken.port, cm.free_port()))
        return ok, tlsfirst, broken

    def test_all(self):
        """Every live smtpd with SASL (587 and 465 are tried in the live
        suite), one block each; the one that fails makes it exit 1."""
        ok, tlsfirst, broken = self.all_servers()
        r = self.verify("-j", "all")
        for s in (ok, tlsfirst, broken):
            s.join(30)
        self.assertEqual(r.rc, 1, r)
        d = r.json()
        self.assertEqual(set(d), {"services", "ok"})
        self.assertFalse(d["ok"])
        self.assertEqual([(s["port"], s["implicit_tls"], s["ok"])
                          for s in d["services"]],
                         [(ok.port, False, True), (tlsfirst.port, True, True),
                          (broken.port, False, False)])
        ok, tlsfirst, broken = self.all_servers()
        r = self.verify("all")
        for s in (ok, tlsfirst, broken):
            s.join(30)
        text = r.text()
        self.assertEqual(r.rc, 1, r)
        self.assertIn("%d: ok\n\n" % ok.port, text)
        self.assertTrue(text.endswith("%d: FAILED\n" % broken.port), text)

    def test_all_without_services(self):
        self.write_conf("", "smtp inet n - n - - smtpd\n")
        r = self.verify("all")
        self.assertEqual(r.rc, 1)
        self.assertEqual(r.out, b"")
        self.assertEqual(r.err, ("pfsubmit: verify all: no live submission "
                                 "service in %s/master.cf; enable one "
                                 "first\n" % self.etc).encode())
        r = self.verify("all", "--port", "25")
        self.assertEqual(r.err, b"pfsubmit: verify all takes each service's "
                         b"own port; leave out --port\n")

    def test_send_to_reports_queue_id(self):
        srv = self.server()
        d, r = self.vj(srv, *self.creds("--insecure", "--send-to",
                                        "bob@test.example"), rc=0)
        self.assertEqual(d["queue_id"], "4Xyz1234AB")
        self.assertEqual(self.items(d)[-1], ("send", "pass"))
        self.assertEqual(self.detail(d, "send"), "a test message to "
                         "<bob@test.example>: queued as 4Xyz1234AB (250 "
                         "2.0.0 Ok: queued as 4Xyz1234AB)")
        self.assertIn(b"Subject: pfsubmit verify test message",
                      srv.message)
        self.assertIn(b"To: <bob@test.example>", srv.message)
        i = srv.received.index(b"DATA")
        self.assertEqual(srv.received[i - 2:i], [
            b"MAIL FROM:<alice@test.example>", b"RCPT TO:<bob@test.example>"])

    def test_send_to_refused(self):
        srv = self.server(data_end=b"554 5.7.1 no thanks\r\n")
        d, r = self.vj(srv, *self.creds("--insecure", "--send-to",
                                        "bob@test.example"), rc=1)
        self.assertIsNone(d["queue_id"])
        self.assertEqual(self.detail(d, "send"), "the message to "
                         "<bob@test.example> was not taken: 554 5.7.1 no "
                         "thanks")

    def test_send_to_needs_login_and_addresses(self):
        r = self.verify("--send-to", "bob@test.example", "--port", "1")
        self.assertEqual(r.rc, 1)
        self.assertEqual(r.err, b"pfsubmit: --send-to sends as a logged-in "
                         b"client; give --user and --password-file too\n")
        for opt in ("--to", "--from", "--send-to"):
            for bad in ("bob", "a b@c", "<a@b>", "a@b\n"):
                r = self.verify(*self.creds(opt, bad), "--port", "1")
                self.assertEqual(r.rc, 1, r)
                self.assertEqual(r.out, b"")
                self.assertEqual(r.err.count(b"\n"), 1, r)

    def test_mail_log_of_the_failing_session(self):
        """The log lines of this session (matched by the client's
        port), not those of another; bounded."""
        log = self.tmp.path("maillog")
        open(log, "w").close()
        self.write_conf("maillog_file = %s\n" % log, "")

        def connected(srv, conn):
            ip, port = conn.getpeername()[:2]
            with open(log, "a") as f:
                f.write("Dec  3 12:00:00 h postfix/smtpd[111]: connect "
                        "from other[127.0.0.9]\n")
                f.write("Dec  3 12:00:00 h postfix/submission/smtpd[222]: "
                        "connect from localhost[%s]:%d\n" % (ip, port))
                f.write("Dec  3 12:00:01 h postfix/submission/smtpd[222]: "
                        "NOQUEUE: reject: RCPT from localhost[%s]:%d: 451 "
                        "4.3.0 <x>: Temporary lookup failure \x1b[2J\n"
                        % (ip, port))
                for i in range(100):
                    f.write("Dec  3 12:00:01 h postfix/submission/smtpd"
                            "[222]: warning: noise %d\n" % i)

        def closed(srv, peer):
            with open(log, "a") as f:
                f.write("Dec  3 12:00:02 h postfix/submission/smtpd[222]: "
                        "disconnect from localhost[%s]:%d\n" % peer[:2])

        srv = self.server(on_connect=connected, on_close=closed,
                          rcpt=b"451 4.3.0 <x>: Temporary lookup failure\r\n")
        d, r = self.vj(srv, rc=1)
        self.assertEqual(d["log_file"], log)
        self.assertEqual(len(d["log"]), 30)
        self.assertIn("smtpd[222]: connect from localhost[127.0.0.1]",
                      d["log"][0])
        self.assertIn("Temporary lookup failure \\033[2J", d["log"][1])
        self.assertFalse(any("smtpd[111]" in l for l in d["log"]))
        # And in the text output, after the items.
        srv = self.server(on_connect=connected, on_close=closed,
                          rcpt=b"451 4.3.0 <x>: Temporary lookup failure\r\n")
        r = self.verify("--host", "127.0.0.1", "--port", str(srv.port))
        srv.join(30)
        self.assertIn(("log   %s, this session:\n" % log).encode(), r.out)
        self.assertIn(b"\n    Dec  3 12:00:01 h postfix/submission/smtpd[222]"
                      b": NOQUEUE: reject: RCPT from localhost", r.out)

    def test_no_log_when_all_passes(self):
        log = self.tmp.path("maillog")
        with open(log, "w") as f:
            f.write("x\n")
        self.write_conf("maillog_file = %s\n" % log, "")
        srv = self.server()
        d, r = self.vj(srv, rc=0)
        self.assertEqual((d["log_file"], d["log"]), (None, []))


class OpenSSLConf(Base):
    """OPENSSL_CONF must not make verify load a shared
    object."""

    def test_openssl_conf_ignored(self):
        if CC is None:
            self.skipTest("no C compiler")
        marker = self.tmp.path("loaded")
        src = self.tmp.write("evil.c", (
            "#include <fcntl.h>\n#include <unistd.h>\n"
            "__attribute__((constructor)) static void\nevil(void)\n{\n"
            "\tint fd = open(\"%s\", O_WRONLY | O_CREAT, 0600);\n"
            "\tif (fd != -1)\n\t\tclose(fd);\n}\n" % marker).encode())
        so = self.tmp.path("evil.so")
        subprocess.run([CC, "-shared", "-fPIC", "-o", so, src], check=True)
        cnf = self.tmp.write("evil.cnf", (
            "openssl_conf = init\n[init]\nproviders = prov\n[prov]\n"
            "evil = evil_sect\n[evil_sect]\nmodule = %s\nactivate = 1\n"
            % so).encode())
        env = cm.clean_env({"OPENSSL_CONF": cnf})
        # The file does load a module, for a program that reads it.
        subprocess.run([cm.OPENSSL, "list", "-providers"], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.assertTrue(os.path.exists(marker), "the test's module did "
                        "not load in openssl(1)")
        os.unlink(marker)
        srv = self.server()
        d, r = self.vj(srv, *self.creds("--insecure"), env=env, rc=0)
        self.assertFalse(os.path.exists(marker),
                         "verify loaded the module OPENSSL_CONF names")
        self.assertEqual(r.err, b"")


CLASSES = (Replies, Deadlines, Password, Config, OpenSSLConf)


def main(argv):
    """The runner of cli_more_test.py: a line per test, a summary."""
    args = [a for a in argv if a != "-v"]
    cm.ct.VERBOSE = len(args) != len(argv)
    if not os.access(PFSUBMIT, os.X_OK):
        print("verify_test: %s is missing; run make first" % PFSUBMIT)
        return 1
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    for cls in CLASSES:
        for t in loader.loadTestsFromTestCase(cls):
            name = "%s.%s" % (cls.__name__, t._testMethodName)
            if not args or any(a in name for a in args):
                suite.addTest(t)
    t0 = time.monotonic()
    result = cm.ct.LineResult()
    suite.run(result)
    secs = time.monotonic() - t0
    for kind, items in (("FAIL", result.failures), ("ERROR", result.errors)):
        for test, tb in items:
            print("\n" + "=" * 70)
            print("%s: %s" % (kind, result.name(test)))
            if test._testMethodDoc:
                print(test._testMethodDoc.strip())
            print("-" * 70)
            print(tb.rstrip())
    nfail = len(result.failures) + len(result.errors)
    print("\nverify_test: %d tests, %d passed, %d failed, %d skipped in "
          "%.1f s" % (result.testsRun, result.passed, nfail,
                      len(result.skipped), secs))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
