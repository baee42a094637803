#!/usr/bin/env python3
#
# More end-to-end tests of the pfsubmit command line: what
# tests/cli_test.py does not reach.
#
#   Verify        `pfsubmit verify` against a scripted SMTP server started by
#                 each test on 127.0.0.1 (a free port, Python's socket and
#                 ssl, a certificate made with openssl in the test's own
#                 directory): every item's pass, fail, warn and skip path,
#                 what the server receives for AUTH PLAIN, where the password
#                 comes from and that it is never printed, argument errors.
#   Relayhost     argument handling, main.cf and the password table
#                 afterwards, --remove.
#   Surface       -h, -V, help, usage errors, --lock-wait, write errors.
#   Defaults      service-derived defaults, and myhostname/mydomain worked
#                 out from the host's name (root: a private UTS namespace),
#                 against postconf.
#   Paths         relative and trailing-slash -c, param show, show, backups
#                 and rollback refusals.
#   Reload        (root) exit 3 when `postfix reload` fails, and the reload
#                 and "not running" paths, with a stand-in for master(8).
#
# Same approach as cli_test.py, whose helpers (Conf, Base, run, ...) are
# imported from it: every test makes its own scratch directory under
# $TMPDIR and removes it; /etc/postfix is never read or written (every
# command gets -c DIR, or is one that reads no configuration).
#
#       python3 tests/cli_more_test.py [-v] [substring ...]
#
# runs every test (or those whose name contains a substring), prints one
# line per test and a summary, and exits 1 when a test failed.  Python 3
# standard library only; openssl(1) for the certificates, unshare(1) for
# the host name tests.

import base64
import json
import os
import re
import shutil
import signal
import socket
import ssl
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no tests/__pycache__ from the import
import cli_test as ct  # noqa: E402
from cli_test import (FAST, IS_ROOT, PFSUBMIT, POSTCONF,  # noqa: E402
                      POSTFIX, Base, Run, control_bytes, lines_of,
                      requires_postfix, requires_root)

OPENSSL = shutil.which("openssl")
UNSHARE = shutil.which("unshare")
POSTMAP = "/usr/sbin/postmap"

DEBIAN_MASTER = ct.DEBIAN_MASTER
DEBIAN_MAIN = ct.DEBIAN_MAIN


def requires_openssl(fn):
    return unittest.skipUnless(OPENSSL, "openssl(1) is not installed")(fn)


def clean_env(extra=None):
    """The environment for pfsubmit: C locale, no MAIL_CONFIG, and no
    OpenSSL trust-store variables unless a test sets them."""
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    for k in ("MAIL_CONFIG", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        env.pop(k, None)
    if extra:
        env.update(extra)
    return env


def run(argv, input=b"", env=None, cwd=None, timeout=120, stdout=None):
    """Like cli_test.run, with an environment and, optionally, a file
    for standard output (then Run.out is empty)."""
    t0 = time.monotonic()
    p = subprocess.run(list(argv), input=input,
                       stdout=stdout if stdout is not None else
                       subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env if env is not None else clean_env(),
                       cwd=cwd, timeout=timeout)
    return Run(list(argv), p.returncode, p.stdout or b"", p.stderr,
               time.monotonic() - t0)


class Tmp:
    """A scratch directory of a test, removed by its cleanup."""

    def __init__(self, prefix="pfsubmit-more."):
        self.dir = tempfile.mkdtemp(prefix=prefix)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def write(self, name, data, mode=0o600):
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, mode)
        return p

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


# --------------------------------------------------------------------------
# Certificates

def _openssl(args, cwd):
    p = subprocess.run([OPENSSL] + args, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=clean_env())
    if p.returncode != 0:
        raise RuntimeError("openssl %s: %s" % (" ".join(args),
                                               p.stderr.decode()))


def make_cert(tmp, name="cert", cn="test.example", days=365):
    """A self-signed certificate and its key (EC P-256: quick to make),
    valid from now for days; returns (certfile, keyfile)."""
    cert, key = tmp.path(name + ".pem"), tmp.path(name + "-key.pem")
    _openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt",
              "ec_paramgen_curve:prime256v1", "-nodes", "-days", str(days),
              "-subj", "/CN=" + cn, "-keyout", key, "-out", cert], tmp.dir)
    return cert, key


def make_expired_cert(tmp, cn="expired.example"):
    """A self-signed certificate that expired on 1 February 2020.
    OpenSSL 3.0's req and x509 take no start date (-not_before is 3.4),
    but `openssl ca -selfsign` takes -startdate and -enddate."""
    d = tmp.path("ca")
    os.mkdir(d)
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write("[ ca ]\ndefault_ca = dflt\n[ dflt ]\ndir = .\n"
                "database = index.txt\nnew_certs_dir = .\nserial = serial\n"
                "default_md = sha256\npolicy = any\nunique_subject = no\n"
                "[ any ]\ncommonName = supplied\n")
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "serial"), "w") as f:
        f.write("01\n")
    key, csr, cert = (os.path.join(d, n) for n in
                      ("key.pem", "req.csr", "cert.pem"))
    _openssl(["req", "-new", "-newkey", "ec", "-pkeyopt",
              "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=" + cn,
              "-keyout", key, "-out", csr], d)
    _openssl(["ca", "-batch", "-config", "ca.cnf", "-selfsign", "-notext",
              "-keyfile", key, "-in", csr, "-out", cert,
              "-startdate", "20200101000000Z", "-enddate",
              "20200201000000Z"], d)
    return cert, key


# --------------------------------------------------------------------------
# A scripted SMTP server

EHLO_PLAIN = (b"250-test.example\r\n250-PIPELINING\r\n250-STARTTLS\r\n"
              b"250 8BITMIME\r\n")
EHLO_TLS = (b"250-test.example\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n"
            b"250 8BITMIME\r\n")


class SmtpServer(threading.Thread):
    """One SMTP session on 127.0.0.1 (a free port), every reply from the
    script given as keywords (bytes, sent as they are):

      banner    the greeting; None: say nothing and wait for the client
      ehlo      the EHLO reply before TLS; ehlo_tls: after it (and for
                implicit TLS)
      starttls  the STARTTLS reply; the handshake follows when it begins
                with 220, unless handshake=False: then plain text follows
      mail, rcpt, rset, auth, quit
                the replies to those commands; mail_auth and rcpt_auth
                after a successful AUTH (235)
      data, data_end
                the replies to DATA and to the message's final dot
      reset_on  a verb: when it comes, reset the connection (RST) instead
                of answering; close_on: close it (FIN)
      delay     seconds to wait before each reply
      trickle   send every reply one byte at a time, this many seconds
                apart
      tls_trickle
                instead of a TLS handshake (implicit, or after STARTTLS),
                send the start of a TLS record one byte a second, for
                ever

    implicit: TLS from the first byte; addr: the address to listen on;
    on_connect(server, conn): called when the client is in; on_close(server,
    conn) when the session ends.  Records every command line it
    reads (received), each AUTH PLAIN payload decoded (auth_payloads),
    each AUTH LOGIN user and password (login_payloads), the message
    (message) and an exception that ended the session (error)."""

    DEFAULTS = dict(banner=b"220 test.example ESMTP scripted\r\n",
                    ehlo=EHLO_PLAIN, ehlo_tls=EHLO_TLS,
                    starttls=b"220 2.0.0 Ready to start TLS\r\n",
                    handshake=True,
                    mail=b"250 2.1.0 Ok\r\n",
                    rcpt=b"554 5.7.1 <pfsubmit-verify@example.net>: "
                         b"Relay access denied\r\n",
                    mail_auth=b"250 2.1.0 Ok\r\n",
                    rcpt_auth=b"250 2.1.5 Ok\r\n",
                    data=b"354 End data with <CR><LF>.<CR><LF>\r\n",
                    data_end=b"250 2.0.0 Ok: queued as 4Xyz1234AB\r\n",
                    rset=b"250 2.0.0 Ok\r\n",
                    auth=b"235 2.7.0 Authentication successful\r\n",
                    quit=b"221 2.0.0 Bye\r\n", reset_on=None,
                    close_on=None, delay=0, trickle=0, tls_trickle=False)

    def __init__(self, cert=None, implicit=False, addr="127.0.0.1",
                 on_connect=None, on_close=None, **script):
        super().__init__(daemon=True)
        unknown = set(script) - set(self.DEFAULTS)
        if unknown:
            raise TypeError("unknown script keys %s" % sorted(unknown))
        self.script = dict(self.DEFAULTS, **script)
        self.implicit = implicit
        self.on_connect = on_connect
        self.on_close = on_close
        self.ctx = None
        if cert is not None:
            self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ctx.load_cert_chain(*cert)
        self.received = []
        self.auth_payloads = []
        self.login_payloads = []
        self.message = None
        self.error = None
        self.tls_done = False
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((addr, 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.start()

    def run(self):
        conn = peer = None
        try:
            self.sock.settimeout(60)
            conn, _ = self.sock.accept()
            conn.settimeout(30)
            if self.on_connect is not None:
                self.on_connect(self, conn)
            peer = conn.getpeername()
            conn = self.session(conn)
        except Exception as e:  # reported through self.error
            self.error = e
        finally:
            if conn is not None:
                try:
                    conn.close()
                except OSError:
                    pass
                if self.on_close is not None and peer is not None:
                    self.on_close(self, peer)
            self.sock.close()

    def send(self, conn, data):
        s = self.script
        if s["delay"]:
            time.sleep(s["delay"])
        if not s["trickle"]:
            conn.sendall(data)
            return
        for i in range(len(data)):
            conn.sendall(data[i:i + 1])
            time.sleep(s["trickle"])

    def trickle_tls(self, conn):
        """A TLS record header that announces 16 KB, then a byte a
        second until the client goes (at most 120 s)."""
        conn.sendall(b"\x16\x03\x03\x40\x00")
        for _ in range(120):
            time.sleep(1)
            try:
                conn.sendall(b"\x02")
            except OSError:
                return

    def session(self, conn):
        s = self.script
        if self.implicit:
            if s["tls_trickle"]:
                self.trickle_tls(conn)
                return conn
            conn = self.ctx.wrap_socket(conn, server_side=True)
            self.tls_done = True
        tls = self.implicit
        authed = False
        if s["banner"] is None:
            while conn.recv(4096):      # until the client gives up
                pass
            return conn
        self.send(conn, s["banner"])
        buf = b""

        def readline():
            nonlocal buf
            while b"\n" not in buf:
                data = conn.recv(4096)
                if not data:
                    return None
                buf += data
            line, buf = buf.split(b"\n", 1)
            return line.rstrip(b"\r")

        while True:
            line = readline()
            if line is None:
                return conn
            self.received.append(line)
            verb = line.split(b" ", 1)[0].upper()
            if verb == s["reset_on"]:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                struct.pack("ii", 1, 0))
                return conn
            if verb == s["close_on"]:
                return conn
            if verb in (b"EHLO", b"HELO"):
                self.send(conn, s["ehlo_tls"] if tls else s["ehlo"])
            elif verb == b"STARTTLS":
                self.send(conn, s["starttls"])
                if not s["starttls"].startswith(b"220"):
                    continue
                if s["tls_trickle"]:
                    self.trickle_tls(conn)
                    return conn
                if not s["handshake"]:
                    conn.sendall(b"this is not a TLS handshake\r\n")
                    continue
                conn = self.ctx.wrap_socket(conn, server_side=True)
                self.tls_done = True
                tls = True
                buf = b""
            elif verb == b"AUTH":
                words = line.split()
                if len(words) >= 3 and words[1].upper() == b"PLAIN":
                    self.auth_payloads.append(base64.b64decode(words[2]))
                elif len(words) == 2 and words[1].upper() == b"LOGIN":
                    self.send(conn, b"334 VXNlcm5hbWU6\r\n")
                    u = readline()
                    if u is None:
                        return conn
                    self.send(conn, b"334 UGFzc3dvcmQ6\r\n")
                    p = readline()
                    if p is None:
                        return conn
                    self.login_payloads.append((base64.b64decode(u),
                                                base64.b64decode(p)))
                authed = s["auth"].startswith(b"235")
                self.send(conn, s["auth"])
            elif verb == b"MAIL":
                self.send(conn, s["mail_auth"] if authed else s["mail"])
            elif verb == b"RCPT":
                self.send(conn, s["rcpt_auth"] if authed else s["rcpt"])
            elif verb == b"DATA":
                self.send(conn, s["data"])
                if not s["data"].startswith(b"354"):
                    continue
                msg = []
                while True:
                    l = readline()
                    if l is None:
                        return conn
                    if l == b".":
                        break
                    msg.append(l)
                self.message = b"\r\n".join(msg)
                self.send(conn, s["data_end"])
            elif verb == b"RSET":
                self.send(conn, s["rset"])
            elif verb == b"QUIT":
                self.send(conn, s["quit"])
                return conn
            else:
                self.send(conn, b"502 5.5.2 Error: command not "
                          b"recognized\r\n")


def free_port():
    """A port on 127.0.0.1 where nobody listens (bound, then closed)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


ITEM_RE = re.compile(r"^(pass|fail|warn|skip)  (\S+) +(.*)$")

# The items of a clean STARTTLS dialogue, in order.
GOOD_STARTTLS = [("connect", "pass"), ("banner", "pass"), ("ehlo", "pass"),
                 ("starttls", "pass"), ("no-auth-before-tls", "pass"),
                 ("tls", "pass"), ("certificate", "pass"),
                 ("certificate-trust", "warn"), ("certificate-name", "warn"),
                 ("auth-offered", "pass"), ("relay-refused", "pass")]

# What follows a successful login: the authenticated MAIL and RCPT.
GOOD_AUTH = [("auth", "pass"), ("mail-from", "pass"), ("rcpt-to", "pass")]


class Verify(unittest.TestCase):
    maxDiff = 6000

    def setUp(self):
        self.tmp = Tmp()
        self.addCleanup(self.tmp.cleanup)
        self._cert = None
        # An empty configuration directory: /etc/postfix is never read.
        self.etc = self.tmp.path("etc")
        os.mkdir(self.etc)

    def cert(self):
        if OPENSSL is None:
            self.skipTest("openssl(1) is not installed")
        if self._cert is None:
            self._cert = make_cert(self.tmp)
        return self._cert

    def server(self, tls=True, **kw):
        srv = SmtpServer(cert=self.cert() if tls else None, **kw)
        self.addCleanup(srv.join, 5)
        return srv

    def verify(self, *args, input=b"", env=None, timeout=60):
        r = run([PFSUBMIT, "-c", self.etc, "verify"] + list(args),
                input=input, env=env, timeout=timeout)
        self.assertEqual(control_bytes(r.err), [], r)
        self.assertEqual(control_bytes(r.out), [], r)
        return r

    def verify_json(self, srv, *args, rc=None, **kw):
        """verify -j against srv (STARTTLS unless args say otherwise);
        returns (document, Run) after checking its shape."""
        r = self.verify("-j", *args, "--host", "127.0.0.1", "--port",
                        str(srv.port), **kw)
        srv.join(30)
        self.assertFalse(srv.is_alive(), "the server is still talking")
        try:
            d = r.json()
        except ValueError:
            self.fail("verify -j printed no JSON:%s" % r)
        self.assertEqual(set(d), {"service", "host", "port", "implicit_tls",
                                  "tls_name", "items", "queue_id",
                                  "log_file", "log", "ok"}, r)
        self.assertEqual((d["host"], d["port"]), ("127.0.0.1", srv.port))
        for it in d["items"]:
            self.assertEqual(set(it), {"name", "status", "detail"}, it)
        bad = any(it["status"] == "fail" for it in d["items"])
        self.assertEqual(d["ok"], not bad, r)
        self.assertEqual(r.rc, 1 if bad else 0, r)
        if rc is not None:
            self.assertEqual(r.rc, rc, r)
        return d, r

    @staticmethod
    def items(d):
        return [(it["name"], it["status"]) for it in d["items"]]

    @staticmethod
    def detail(d, name, nth=0):
        return [it["detail"] for it in d["items"] if it["name"] == name][nth]

    # --- connect ----------------------------------------------------------

    def test_connect_refused(self):
        port = free_port()
        r = self.verify("--host", "127.0.0.1", "--port", str(port))
        self.assertEqual(r.rc, 1, r)
        lines = r.text().splitlines()
        self.assertEqual(len(lines), 2, r)
        self.assertEqual(ITEM_RE.match(lines[0]).groups(),
                         ("fail", "connect", "127.0.0.1 port %d: "
                          "Connection refused" % port))
        self.assertEqual(lines[1], "submission: FAILED")
        self.assertEqual(r.err, b"", r)

    def test_connect_unknown_host(self):
        """A name that does not resolve (.invalid, RFC 6761) fails the
        connect item; nothing else is tried."""
        r = self.verify("-j", "--host", "nonexistent.invalid", "--port",
                        "2525")
        self.assertEqual(r.rc, 1, r)
        d = r.json()
        self.assertEqual(self.items(d), [("connect", "fail")])
        self.assertTrue(self.detail(d, "connect").startswith(
            "nonexistent.invalid port 2525: "), d)

    def test_host_and_port_from_service_name(self):
        """verify 127.0.0.1:PORT: the host and port come from the name."""
        srv = self.server(rcpt=b"554 5.7.1 no\r\n")
        r = self.verify("-j", "127.0.0.1:%d" % srv.port)
        srv.join(30)
        d = r.json()
        self.assertEqual((d["service"], d["host"], d["port"],
                          d["implicit_tls"]),
                         ("127.0.0.1:%d" % srv.port, "127.0.0.1", srv.port,
                          False))
        # The host is not --host: the banner is compared with myhostname
        # (this machine's, worked out: not test.example).
        self.assertEqual(self.items(d), GOOD_STARTTLS[:2] +
                         [("banner-name", "warn")] + GOOD_STARTTLS[2:] +
                         [("auth", "skip")])
        self.assertIn(", but myhostname is ", self.detail(d, "banner-name"))
        self.assertTrue(self.detail(d, "banner-name").endswith(
            ": is this the right server?"), d)
        self.assertEqual(r.rc, 0, r)

    # --- the whole dialogue -----------------------------------------------

    def test_starttls_all_pass_text(self):
        srv = self.server()
        r = self.verify("--host", "127.0.0.1", "--port", str(srv.port))
        srv.join(30)
        self.assertIsNone(srv.error)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.err, b"", r)
        lines = r.text().splitlines()
        got = [ITEM_RE.match(l) for l in lines[:-1]]
        self.assertTrue(all(got), r)
        self.assertEqual([(m.group(2), m.group(1)) for m in got],
                         GOOD_STARTTLS + [("auth", "skip")])
        self.assertEqual(lines[-1], "submission: ok")
        det = {m.group(2): m.group(3) for m in got}
        self.assertEqual(det["connect"], "127.0.0.1 port %d" % srv.port)
        self.assertEqual(det["banner"], "test.example ESMTP scripted")
        self.assertEqual(det["starttls"], "EHLO offers STARTTLS")
        self.assertRegex(det["tls"], r"^TLSv1\.[23], \S+$")
        self.assertRegex(det["certificate"],
                         r"^/CN=test\.example: expires in 36[45] days$")
        self.assertRegex(det["certificate-trust"], "^not trusted by this "
                         "host's CA store: .*; clients may warn$")
        self.assertEqual(det["auth-offered"], "AUTH PLAIN LOGIN")
        self.assertEqual(det["relay-refused"], "without AUTH, RCPT to an "
                         "outside address: 554 5.7.1 <pfsubmit-verify@"
                         "example.net>: Relay access denied")
        self.assertEqual(det["auth"], "no --user given")
        # What the server saw: no message, the relay test reset.
        self.assertEqual(srv.received, [
            b"EHLO pfsubmit.invalid", b"STARTTLS", b"EHLO pfsubmit.invalid",
            b"MAIL FROM:<pfsubmit-verify@example.com>",
            b"RCPT TO:<pfsubmit-verify@example.net>", b"RSET", b"QUIT"])

    def test_implicit_tls_all_pass(self):
        """verify submissions --port N: the name picks TLS first."""
        srv = self.server(implicit=True)
        pw = self.tmp.write("pw", b"secret\n")
        d, r = self.verify_json(srv, "submissions", "--user", "alice",
                                "--password-file", pw, "--insecure", rc=0)
        self.assertEqual(d["implicit_tls"], True)
        self.assertEqual(d["service"], "submissions")
        self.assertEqual(self.items(d), [
            ("connect", "pass"), ("tls", "pass"), ("banner", "pass"),
            ("ehlo", "pass"), ("certificate", "pass"),
            ("certificate-trust", "warn"), ("certificate-name", "warn"),
            ("auth-offered", "pass"), ("relay-refused", "pass")] +
            GOOD_AUTH)
        self.assertRegex(self.detail(d, "tls"), r"^TLS first: TLSv1\.[23], ")
        self.assertEqual(srv.received[0], b"EHLO pfsubmit.invalid")
        self.assertNotIn(b"STARTTLS", srv.received)
        self.assertEqual(srv.auth_payloads, [b"\0alice\0secret"])

    def test_implicit_tls_against_plain_server(self):
        """A port that does not speak TLS first, given as submissions."""
        srv = self.server(tls=False)
        d, r = self.verify_json(srv, "submissions", rc=1)
        self.assertEqual(self.items(d), [("connect", "pass"),
                                         ("tls", "fail")])
        self.assertTrue(self.detail(d, "tls").startswith(
            "no TLS handshake on connect (port %d should speak TLS "
            "first): TLS handshake failed: " % srv.port), d)

    # --- the banner and the reply syntax -----------------------------------

    def banner_fails(self, banner, detail="expected 220, got no valid reply",
                     timeout=60, args=()):
        # With a certificate: a banner wrongly accepted goes on to TLS.
        srv = self.server(banner=banner)
        d, r = self.verify_json(srv, *args, rc=1, timeout=timeout)
        self.assertEqual(self.items(d), [("connect", "pass"),
                                         ("banner", "fail")], r)
        if detail is not None:
            self.assertTrue(self.detail(d, "banner").startswith(detail),
                            d)
        return d, r

    def test_banner_not_220(self):
        d, r = self.banner_fails(b"554 5.3.2 go away\r\n", detail=None)
        det = self.detail(d, "banner")
        self.assertTrue(det.startswith("expected 220, got "), det)
        self.assertIn("go away", det)

    def test_banner_not_220_names_code(self):
        """The detail says what came instead of 220: the code and the
        text, on one line (found: it gives the text without the code,
        and ends it with a quoted newline, '\\n')."""
        d, r = self.banner_fails(b"554 5.3.2 go away\r\n", detail=None)
        self.assertEqual(self.detail(d, "banner"),
                         "expected 220, got 554 5.3.2 go away")

    def test_banner_malformed_lines(self):
        for banner in (b"22x not a code\r\n", b"2200 four digits\r\n",
                       b"220_underscore\r\n", b"hello\r\n", b"22\r\n",
                       b"620 out of range\r\n",
                       b"220-first line\r\n250 second code\r\n"):
            with self.subTest(banner=banner):
                self.banner_fails(banner)

    def test_banner_bare_code_and_lf_only(self):
        """'220' alone and LF line ends are still replies."""
        srv = self.server(banner=b"220\n")
        d, r = self.verify_json(srv, rc=0)
        self.assertEqual(self.items(d)[:2], [("connect", "pass"),
                                             ("banner", "pass")])
        self.assertEqual(self.detail(d, "banner"), "")

    def test_reply_of_100_lines_is_accepted(self):
        srv = self.server(banner=b"220-x\r\n" * 99 + b"220 last\r\n")
        d, r = self.verify_json(srv, rc=0)
        self.assertEqual(self.items(d)[1], ("banner", "pass"))
        self.assertEqual(self.detail(d, "banner"), "x")

    def test_reply_of_101_lines_fails(self):
        d, r = self.banner_fails(b"220-x\r\n" * 100 + b"220 last\r\n")
        self.assertEqual(self.detail(d, "banner"), "expected 220, got no "
                         "valid reply (a reply of more than 100 lines)")

    def test_line_of_1000_bytes_is_accepted(self):
        """1000 bytes with the CRLF: RFC 5321's limit for a text line."""
        text = b"a" * (1000 - 6)
        srv = self.server(banner=b"220 " + text + b"\r\n")
        d, r = self.verify_json(srv, rc=0)
        self.assertEqual(self.items(d)[1], ("banner", "pass"))

    def test_line_over_1000_bytes_fails(self):
        self.banner_fails(b"220 " + b"x" * 2000 + b"\r\n",
                          "expected 220, got no reply (a reply line longer "
                          "than 1000 bytes)")

    def test_line_of_1001_bytes_before_crlf_fails(self):
        """The manual: "at most 100 lines of at most 1000 bytes".  Found:
        a line of 1001 bytes (1003 with the CRLF) is accepted; the buffer
        is VF_MAXLINE + 3 and only n >= size is refused."""
        self.banner_fails(b"220 " + b"x" * 997 + b"\r\n",
                          "expected 220, got no reply (a reply line longer "
                          "than 1000 bytes)")

    def test_no_reply_times_out(self):
        """The one slow case: a server that never greets.  Every reply
        has a 10 second deadline."""
        t0 = time.monotonic()
        d, r = self.banner_fails(None, "expected 220, got no reply (no "
                                 "answer within 10 seconds)", timeout=40)
        secs = time.monotonic() - t0
        self.assertGreaterEqual(secs, 9, "gave up too early")
        self.assertLess(secs, 25, "the deadline is 10 seconds")

    # --- EHLO and STARTTLS -----------------------------------------------

    def test_ehlo_refused(self):
        srv = self.server(tls=False, ehlo=b"502 5.5.2 no EHLO here\r\n")
        d, r = self.verify_json(srv, rc=1)
        self.assertEqual(self.items(d), [("connect", "pass"),
                                         ("banner", "pass"),
                                         ("ehlo", "fail")])
        self.assertEqual(self.detail(d, "ehlo"), "EHLO refused: 502 5.5.2 "
                         "no EHLO here")

    def test_no_starttls_offered(self):
        srv = self.server(tls=False, ehlo=b"250-test.example\r\n"
                          b"250 8BITMIME\r\n")
        d, r = self.verify_json(srv, rc=1)
        self.assertEqual(self.items(d), [("connect", "pass"),
                                         ("banner", "pass"),
                                         ("ehlo", "pass"),
                                         ("starttls", "fail")])
        self.assertEqual(self.detail(d, "starttls"),
                         "EHLO does not offer STARTTLS: 250-test.example"
                         "\\n250 8BITMIME")

    def test_auth_before_tls(self):
        srv = self.server(ehlo=b"250-test.example\r\n250-AUTH PLAIN\r\n"
                          b"250 STARTTLS\r\n")
        d, r = self.verify_json(srv, rc=1)
        got = self.items(d)
        self.assertEqual(got[:5], [("connect", "pass"), ("banner", "pass"),
                                   ("ehlo", "pass"), ("starttls", "pass"),
                                   ("no-auth-before-tls", "fail")])
        # The rest of the dialogue still runs.
        self.assertEqual(got[5:], GOOD_STARTTLS[5:] + [("auth", "skip")])
        self.assertEqual(self.detail(d, "no-auth-before-tls"),
                         "AUTH is offered before TLS: passwords could be "
                         "sent in clear text; EHLO said: 250-test.example"
                         "\\n250-AUTH PLAIN\\n250 STARTTLS")

    def test_starttls_refused(self):
        srv = self.server(starttls=b"454 4.7.0 TLS not available\r\n")
        d, r = self.verify_json(srv, rc=1)
        self.assertEqual(self.items(d), GOOD_STARTTLS[:5] +
                         [("tls", "fail")])
        # The server's reason, not just "failed".
        self.assertEqual(self.detail(d, "tls"), "STARTTLS refused: 454 "
                         "4.7.0 TLS not available")

    def test_starttls_handshake_fails(self):
        srv = self.server(handshake=False)
        d, r = self.verify_json(srv, rc=1)
        self.assertEqual(self.items(d), GOOD_STARTTLS[:5] +
                         [("tls", "fail")])
        self.assertTrue(self.detail(d, "tls").startswith(
            "TLS handshake failed: "), d)

    def test_ehlo_after_tls_refused(self):
        srv = self.server(ehlo_tls=b"421 4.7.0 closing\r\n")
        d, r = self.verify_json(srv, rc=1)
        self.assertEqual(self.items(d), GOOD_STARTTLS[:6] +
                         [("ehlo", "fail")])
        self.assertEqual(self.detail(d, "ehlo", 1), "EHLO after TLS refused: "
                         "421 4.7.0 closing")

    def test_auth_not_offered_after_tls(self):
        pw = self.tmp.write("pw", b"secret\n")
        srv = self.server(ehlo_tls=b"250-test.example\r\n250 8BITMIME\r\n")
        d, r = self.verify_json(srv, "--user", "alice", "--password-file",
                                pw, "--insecure", rc=1)
        self.assertEqual(self.items(d), GOOD_STARTTLS[:9] +
                         [("auth-offered", "fail"), ("relay-refused", "pass"),
                          ("auth", "fail")])
        self.assertEqual(self.detail(d, "auth-offered"), "AUTH is not "
                         "offered after TLS: clients cannot log in; EHLO "
                         "said: 250-test.example\\n250 8BITMIME")
        self.assertEqual(self.detail(d, "auth"),
                         "AUTH PLAIN or LOGIN is not offered")
        self.assertEqual(srv.auth_payloads, [])

    def test_auth_plain_not_among_mechanisms(self):
        pw = self.tmp.write("pw", b"secret\n")
        srv = self.server(ehlo_tls=b"250-test.example\r\n"
                          b"250 AUTH=LOGIN CRAM-MD5\r\n")
        d, r = self.verify_json(srv, "--user", "alice", "--password-file",
                                pw, "--insecure", "--mech", "plain", rc=1)
        self.assertEqual(self.detail(d, "auth-offered"),
                         "AUTH=LOGIN CRAM-MD5")
        self.assertEqual(self.items(d)[-1], ("auth", "fail"))
        self.assertEqual(self.detail(d, "auth"), "AUTH PLAIN is not offered; "
                         "the server offers LOGIN CRAM-MD5")
        self.assertFalse(any(l.startswith(b"AUTH") for l in srv.received))

    # --- the certificate ----------------------------------------------------

    @requires_openssl
    def test_certificate_expired(self):
        self._cert = make_expired_cert(self.tmp)
        srv = self.server()
        d, r = self.verify_json(srv, rc=1)
        self.assertEqual(self.items(d), [
            (n, "fail" if n == "certificate" else s)
            for n, s in GOOD_STARTTLS] + [("auth", "skip")])
        self.assertRegex(self.detail(d, "certificate"),
                         r"^/CN=expired\.example: expired \d+ days ago$")
        days = int(re.search(r"expired (\d+)",
                             self.detail(d, "certificate")).group(1))
        self.assertGreater(days, 365)

    @requires_openssl
    def test_certificate_expires_within_14_days(self):
        self._cert = make_cert(self.tmp, days=1)
        srv = self.server()
        d, r = self.verify_json(srv, rc=0)
        self.assertEqual(self.items(d), [
            (n, "warn" if n == "certificate" else s)
            for n, s in GOOD_STARTTLS] + [("auth", "skip")])
        # 0 days and some hours, or 1 day when run within the second.
        self.assertRegex(self.detail(d, "certificate"),
                         r"^/CN=test\.example: expires in [01] days$")

    @requires_openssl
    def test_certificate_15_days_passes(self):
        self._cert = make_cert(self.tmp, days=15)
        srv = self.server()
        d, r = self.verify_json(srv, rc=0)
        self.assertEqual(self.items(d)[6], ("certificate", "pass"))
        self.assertRegex(self.detail(d, "certificate"),
                         r"^/CN=test\.example: expires in 1[45] days$")

    def test_certificate_trusted(self):
        """Trusted by the CA store.  OpenSSL's default verify paths honour
        SSL_CERT_FILE, so the test's own certificate can be the store."""
        cert = self.cert()
        srv = self.server()
        d, r = self.verify_json(srv, env=clean_env({"SSL_CERT_FILE":
                                                    cert[0]}), rc=0)
        self.assertEqual(self.items(d)[7], ("certificate-trust", "pass"))
        # Trusted, and still not for the address connected to.
        self.assertEqual(self.items(d)[8], ("certificate-name", "warn"))
        self.assertEqual(self.detail(d, "certificate-trust"),
                         "trusted by this host's CA store")

    def test_certificate_trusted_but_not_for_host(self):
        """--host localhost: trusted, but issued for test.example."""
        cert = self.cert()
        srv = self.server()
        r = self.verify("-j", "--host", "localhost", "--port",
                        str(srv.port), env=clean_env({"SSL_CERT_FILE":
                                                      cert[0]}))
        srv.join(30)
        d = r.json()
        self.assertEqual(d["host"], "localhost")
        self.assertEqual(self.items(d)[7], ("certificate-trust", "pass"))
        self.assertEqual(self.items(d)[8], ("certificate-name", "warn"))
        self.assertEqual(self.detail(d, "certificate-name"),
                         "the certificate is not for localhost")
        self.assertEqual(r.rc, 0, r)

    # --- relaying -----------------------------------------------------------

    def test_open_relay_fails(self):
        srv = self.server(rcpt=b"250 2.1.5 Ok\r\n")
        d, r = self.verify_json(srv, rc=1)
        self.assertEqual(self.items(d)[10], ("relay-refused", "fail"))
        self.assertIn("open relay", self.detail(d, "relay-refused"))
        self.assertIn(b"RSET", srv.received)

    def test_server_closing_early_does_not_kill_verify(self):
        """A server that resets the connection when RSET comes: the
        QUIT that follows goes to a reset socket.  verify must still
        print its report.  Found: that write raises SIGPIPE, whose
        handler (sf_install_handlers) re-raises it: pfsubmit dies by the
        signal (status 141 in a shell) and prints nothing, not even with
        -j.  (A server that merely closes after its RCPT reply makes it
        happen too, depending on timing.)"""
        srv = self.server(reset_on=b"RSET")
        r = self.verify("-j", "--host", "127.0.0.1", "--port",
                        str(srv.port))
        srv.join(30)
        self.assertNotEqual(r.rc, -signal.SIGPIPE, "killed by SIGPIPE:%s" % r)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.items(r.json()), GOOD_STARTTLS +
                         [("auth", "skip")])

    def test_mail_from_refused_is_relay_refused(self):
        """A 5xx already at MAIL FROM refuses relaying too."""
        srv = self.server(mail=b"530 5.7.0 Authentication required\r\n")
        d, r = self.verify_json(srv, rc=0)
        self.assertEqual(self.items(d)[10], ("relay-refused", "pass"))
        self.assertEqual(self.detail(d, "relay-refused"),
                         "without AUTH, MAIL FROM is refused: 530 5.7.0 "
                         "Authentication required")
        self.assertFalse(any(l.startswith(b"RCPT") for l in srv.received))

    # --- AUTH PLAIN and the password -----------------------------------------

    def check_secret_hidden(self, r, secret):
        for stream in (r.out, r.err):
            self.assertNotIn(secret, stream, r)
            self.assertNotIn(base64.b64encode(secret), stream, r)

    def test_auth_plain_accepted(self):
        secret = b"correct horse battery staple"
        pw = self.tmp.write("pw", secret + b"\nsecond line\n")
        srv = self.server()
        # The certificate trusted (--cafile) and for the name checked.
        trust = ("--cafile", self.cert()[0], "--tls-name", "test.example")
        d, r = self.verify_json(srv, "--user", "alice@test.example",
                                "--password-file", pw, *trust, rc=0)
        self.assertEqual(self.items(d), [
            (n, "pass") for n, _ in GOOD_STARTTLS] + GOOD_AUTH)
        self.assertEqual(d["tls_name"], "test.example")
        self.assertEqual(self.detail(d, "auth"),
                         "AUTH PLAIN as alice@test.example: 235 2.7.0 "
                         "Authentication successful")
        # The login is an address: it is the sender.
        self.assertEqual(self.detail(d, "mail-from"),
                         "MAIL FROM:<alice@test.example> after AUTH: 250 "
                         "2.1.0 Ok")
        self.assertEqual(self.detail(d, "rcpt-to"),
                         "RCPT TO:<pfsubmit-verify@example.net> after AUTH: "
                         "250 2.1.5 Ok")
        self.assertEqual(srv.auth_payloads,
                         [b"\0alice@test.example\0" + secret])
        self.assertEqual(srv.received[-4:], [
            b"MAIL FROM:<alice@test.example>",
            b"RCPT TO:<pfsubmit-verify@example.net>", b"RSET", b"QUIT"])
        self.assertIsNone(srv.message)
        self.check_secret_hidden(r, secret)
        # The text output too.
        srv = self.server()
        r = self.verify("--host", "127.0.0.1", "--port", str(srv.port),
                        "--user", "alice@test.example", "--password-file",
                        pw, *trust)
        srv.join(30)
        self.assertEqual(r.rc, 0, r)
        self.assertIn(b"pass  auth               AUTH PLAIN as "
                      b"alice@test.example: 235 2.7.0 Authentication "
                      b"successful\n", r.out)
        self.check_secret_hidden(r, secret)

    def test_auth_plain_refused(self):
        secret = b"wrong-password"
        pw = self.tmp.write("pw", secret + b"\r\n")
        srv = self.server(auth=b"535 5.7.8 Error: authentication failed: "
                          b"authentication failure\r\n")
        d, r = self.verify_json(srv, "--user", "alice", "--password-file",
                                pw, "--insecure", rc=1)
        self.assertEqual(self.items(d), GOOD_STARTTLS + [("auth", "fail")])
        self.assertEqual(self.detail(d, "auth"), "AUTH PLAIN as alice "
                         "refused: 535 5.7.8 Error: authentication failed: "
                         "authentication failure")
        self.assertEqual(srv.auth_payloads, [b"\0alice\0" + secret])
        self.check_secret_hidden(r, secret)

    def test_password_from_stdin(self):
        secret = b"from-standard-input"
        srv = self.server()
        d, r = self.verify_json(srv, "--user", "bob", "--password-file", "-",
                                "--insecure",
                                input=secret + b"\nignored\n", rc=0)
        self.assertEqual(srv.auth_payloads, [b"\0bob\0" + secret])
        self.check_secret_hidden(r, secret)

    def test_password_of_1020_bytes_sent_intact(self):
        """The first line of the file is the password, whatever its
        length up to the buffer (1023 bytes).  Found: with --host an IP
        address, inet_pton() is given the last 16 bytes of the password
        buffer as scratch space after the password was read, so a
        password of 1009 to 1023 bytes is sent corrupted: 127.0.0.1 is
        written over bytes 1008-1011 (0-based), which leaves 1008 bytes
        of the password and 0x7f."""
        secret = bytes((0x41 + i % 26) for i in range(1020))
        pw = self.tmp.write("pw", secret + b"\n")
        srv = self.server()
        d, r = self.verify_json(srv, "--user", "u", "--password-file", pw,
                                "--insecure")
        self.assertEqual(len(srv.auth_payloads), 1, r)
        got = srv.auth_payloads[0]
        self.assertEqual(got, b"\0u\0" + secret,
                         "password sent as %d bytes, differing from byte %d"
                         % (len(got) - 3, next(
                             (i for i, (a, b) in
                              enumerate(zip(got[3:], secret)) if a != b),
                             min(len(got) - 3, len(secret)))))

    def test_password_longer_than_buffer_not_sent_cut(self):
        """A first line longer than the 1023-byte buffer must be refused
        (or sent whole), not sent cut short.  Found: it is silently cut to
        its first 1023 bytes (and then corrupted as above, so 1008 bytes
        and 0x7f are sent)."""
        secret = b"p" * 1500
        pw = self.tmp.write("pw", secret + b"\n")
        srv = self.server()
        r = self.verify("-j", "--host", "127.0.0.1", "--port", str(srv.port),
                        "--user", "u", "--password-file", pw, "--insecure")
        srv.join(30)
        if r.rc == 1 and not srv.auth_payloads:
            return          # refused: fine
        self.assertEqual(srv.auth_payloads, [b"\0u\0" + secret],
                         "the password was sent cut to %d bytes" %
                         (len(srv.auth_payloads[0]) - 3
                          if srv.auth_payloads else -1))

    # --- argument errors --------------------------------------------------

    def refused(self, *args, msg=None, input=b""):
        r = self.verify(*args, input=input)
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.out, b"", r)
        self.assertEqual(r.err.count(b"\n"), 1, r)
        if msg is not None:
            self.assertEqual(r.text() + r.err.decode(), msg, r)
        return r

    def test_user_without_password_file(self):
        self.refused("--user", "alice", "--port", "1",
                     msg="pfsubmit: give --user and --password-file "
                         "together\n")

    def test_password_file_without_user(self):
        pw = self.tmp.write("pw", b"x\n")
        self.refused("--password-file", pw, "--port", "1",
                     msg="pfsubmit: give --user and --password-file "
                         "together\n")

    def test_bad_ports(self):
        for port, why in (("0", "too small"), ("70000", "too large"),
                          ("abc", "invalid"), ("-1", "too small"),
                          ("", "invalid")):
            with self.subTest(port=port):
                self.refused("--port", port,
                             msg="pfsubmit: --port %s: %s\n" % (port, why))

    def test_unreadable_or_empty_password_file(self):
        empty = self.tmp.write("empty", b"")
        blank = self.tmp.write("blank", b"\nsecond line\n")
        os.mkdir(self.tmp.path("dir"))
        os.symlink(self.tmp.write("target", b"secret\n"),
                   self.tmp.path("link"))
        for f, why in (
                (empty, "is empty; its first line must be the password"),
                (blank, "the first line is empty; it must be the password"),
                (self.tmp.path("missing"), "cannot open it: No such file "
                 "or directory; give a file whose first line is the "
                 "password"),
                (self.tmp.path("dir"), "not a regular file (a FIFO or a "
                 "device is refused); give a file, or - for standard "
                 "input"),
                (self.tmp.path("link"), "is a symbolic link; give the "
                 "file itself")):
            with self.subTest(file=os.path.basename(f)):
                self.refused("--user", "u", "--password-file", f,
                             "--port", "1",
                             msg="pfsubmit: %s: %s\n" % (f, why))
        self.refused("--user", "u", "--password-file", "-", "--port", "1",
                     msg="pfsubmit: standard input (--password-file -): is "
                         "empty; its first line must be the password\n")
        nul = self.tmp.write("nul", b"sec\0ret\n")
        self.refused("--user", "u", "--password-file", nul, "--port", "1",
                     msg="pfsubmit: %s: the password has a NUL byte\n" % nul)

    def test_service_without_port(self):
        self.refused("nosuchservice", msg="pfsubmit: no port for service "
                     "nosuchservice; give --port\n")

    def test_bad_service_host_user(self):
        self.refused("a b")
        self.refused("x=y")
        self.refused("--host", "a\x01b", "--port", "1")
        self.refused("--user", "a\nb", "--password-file", "-", "--port", "1")

    def test_usage_errors(self):
        r = self.refused("a", "b")
        self.assertTrue(r.err.startswith(b"usage: pfsubmit verify "), r)
        r = self.refused("--bogus")
        self.assertEqual(r.err, b"pfsubmit: unknown option --bogus; see "
                         b"pfsubmit help verify\n")
        r = self.refused("--port")
        self.assertEqual(r.err, b"pfsubmit: missing value after --port; see "
                         b"pfsubmit help verify\n")


# --------------------------------------------------------------------------
# relayhost

PLAIN_MAIN = b"compatibility_level = 3.6\n"


class Relayhost(Base):

    def setUp(self):
        self.tmp = Tmp()
        self.addCleanup(self.tmp.cleanup)

    def pwfile(self, data=b"s3cret-Pa55\n"):
        return self.tmp.write("pw", data)

    def relay(self, c, *args, rc=None, input=b""):
        r = run([PFSUBMIT, "-c", c.dir, *FAST, "relayhost", *args],
                input=input)
        self.assertEqual(c.leftovers(), [], r)
        self.assertEqual(control_bytes(r.err), [], r)
        if rc is not None:
            self.assertEqual(r.rc, rc, r)
        return r

    def expected_main(self, c, relay, base=PLAIN_MAIN):
        return base + ("relayhost = %s\n"
                       "smtp_sasl_auth_enable = yes\n"
                       "smtp_sasl_password_maps = hash:%s/sasl_passwd\n"
                       "smtp_sasl_security_options = noanonymous\n"
                       "smtp_tls_security_level = encrypt\n" %
                       (relay, c.dir)).encode()

    def assert_no_secret(self, c, r, secret):
        for stream in (r.out, r.err):
            self.assertNotIn(secret, stream, r)
        for dirpath, _, files in os.walk(c.path("pfsubmit-backups")):
            for n in files:
                with open(os.path.join(dirpath, n), "rb") as f:
                    self.assertNotIn(secret, f.read(),
                                     "password in backup file %s" % n)
        self.assertNotIn(secret, c.read("main.cf"))

    def assert_table(self, c, content):
        st = os.lstat(c.path("sasl_passwd"))
        self.assertTrue(stat.S_ISREG(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(st.st_uid, os.geteuid())
        self.assertEqual(c.read("sasl_passwd"), content)
        st = os.lstat(c.path("sasl_passwd.db"))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        key, _, value = content.rstrip(b"\n").partition(b" ")
        # postmap waits a second or two for a main.cf younger than that.
        t = time.time() - 60
        os.utime(c.path("main.cf"), (t, t))
        q = run([POSTMAP, "-c", c.dir, "-q", key.decode(),
                 "hash:" + c.path("sasl_passwd")])
        self.assertEqual((q.rc, q.out), (0, value + b"\n"), q)

    def test_accepted_forms(self):
        secret = b"s3cret-Pa55"
        for arg, relay in (("mx.example", "[mx.example]:587"),
                           ("mx.example:2525", "[mx.example]:2525"),
                           ("[mx.example]", "[mx.example]:587"),
                           ("[mx.example]:465", "[mx.example]:465"),
                           ("[2001:db8::1]:587", "[2001:db8::1]:587"),
                           ("[2001:db8::1]", "[2001:db8::1]:587"),
                           ("192.0.2.7:65535", "[192.0.2.7]:65535"),
                           ("Smtp-1.Example.NET:1", "[Smtp-1.Example.NET]:1")):
            with self.subTest(arg=arg):
                c = self.conf(main=PLAIN_MAIN)
                r = self.relay(c, arg, "--user", "alice@example.org",
                               "--password-file", self.pwfile(), rc=0)
                self.assertEqual(c.read("main.cf"),
                                 self.expected_main(c, relay))
                self.assertEqual(c.read("master.cf"), DEBIAN_MASTER)
                self.assert_table(c, ("%s alice@example.org:" % relay)
                                  .encode() + secret + b"\n")
                self.assert_no_secret(c, r, secret)
                self.assertEqual(len(c.backup_ids()), 1)

    def test_debian_main_rewritten_in_place(self):
        """Debian's main.cf has relayhost = and smtp_tls_security_level=may:
        both are rewritten where they stand, the other three appended."""
        c = self.conf()
        self.relay(c, "mx.example", "--user", "u", "--password-file",
                   self.pwfile(), rc=0)
        want = DEBIAN_MAIN.replace(b"\nrelayhost = \n",
                                   b"\nrelayhost = [mx.example]:587\n")
        want = want.replace(b"\nsmtp_tls_security_level=may\n",
                            b"\nsmtp_tls_security_level=encrypt\n")
        want += ("smtp_sasl_auth_enable = yes\n"
                 "smtp_sasl_password_maps = hash:%s/sasl_passwd\n"
                 "smtp_sasl_security_options = noanonymous\n" %
                 c.dir).encode()
        self.assertEqual(c.read("main.cf"), want)

    def test_refused_hosts(self):
        pw = self.pwfile()
        for arg in ("a:b:c", "host:0", "host:99999", "host:", "host:x",
                    "[x", "[]", "[]:25", "", "[h]x", "[h]:", "h_x", "h/x",
                    "h x"):
            with self.subTest(arg=arg):
                c = self.conf(main=PLAIN_MAIN)
                before = c.snapshot()
                r = self.relay(c, arg, "--user", "u", "--password-file", pw)
                self.assertOneLineRefusal(r, before, c)
                self.assertEqual(r.text() + r.err.decode(), 'pfsubmit: relay '
                                 'host "%s": give host, host:port or '
                                 '[host]:port (IPv6 in brackets)\n' % arg)
        c = self.conf(main=PLAIN_MAIN)
        before = c.snapshot()
        r = self.relay(c, "#mx", "--user", "u", "--password-file", pw)
        self.assertOneLineRefusal(r, before, c)

    def test_refused_users(self):
        pw = self.pwfile()
        for user in ("a b", "a:b", "a\tb", ""):
            with self.subTest(user=user):
                c = self.conf(main=PLAIN_MAIN)
                before = c.snapshot()
                r = self.relay(c, "mx", "--user", user, "--password-file", pw)
                self.assertOneLineRefusal(r, before, c)
                self.assertEqual(r.err, b"pfsubmit: --user: give a login "
                                 b"name without ':' or white space\n")

    def test_refused_password_files(self):
        c = self.conf(main=PLAIN_MAIN)
        before = c.snapshot()
        for name, data, why in (
                ("empty", b"", "is empty; its first line must be the "
                 "password"),
                ("blank", b"\nZq9-second\n", "the first line is empty; it "
                 "must be the password"),
                ("crlf-blank", b"\r\nZq9-second\n", "the first line is "
                 "empty; it must be the password"),
                # A CR inside is refused, not taken as the line's end.
                ("cr", b"Zq9\rsecret\n", "the password has a carriage "
                 "return (CR); refused rather than cut short"),
                ("cr-at-end", b"Zq9secret\r", "the password has a carriage "
                 "return (CR); refused rather than cut short"),
                ("ctl", b"Zq9\x01secret\n", "the password has a control "
                 "character, which the table cannot hold"),
                ("del", b"Zq9\x7fsecret\n", "the password has a control "
                 "character, which the table cannot hold"),
                ("tab", b"Zq9\tsecret\n", "the password has a control "
                 "character, which the table cannot hold"),
                # postmap drops trailing blanks; a NUL cut it short.
                ("space", b"Zq9 secret \n", "the password ends in a space, "
                 "which the table cannot hold"),
                ("nul", b"Zq9\0secret\n", "the password has a NUL byte"),
                ("missing", None, "cannot open it: No such file or "
                 "directory; give a file whose first line is the "
                 "password")):
            with self.subTest(name=name):
                f = self.tmp.path(name)
                if data is not None:
                    self.tmp.write(name, data)
                r = self.relay(c, "mx", "--user", "u", "--password-file", f)
                self.assertOneLineRefusal(r, before, c)
                self.assertEqual(r.err.decode(), "pfsubmit: %s: %s\n" %
                                 (f, why))
                for secret in (b"Zq9",):
                    self.assertNotIn(secret, r.err)

    def test_password_from_stdin(self):
        c = self.conf(main=PLAIN_MAIN)
        r = self.relay(c, "mx", "--user", "u", "--password-file", "-",
                       input=b"piped-secret\r\nnext\n", rc=0)
        self.assert_table(c, b"[mx]:587 u:piped-secret\n")
        self.assert_no_secret(c, r, b"piped-secret")

    def test_usage_errors(self):
        pw = self.pwfile()
        for args in (("mx", "--user", "u"), ("mx", "--password-file", pw),
                     ("--user", "u", "--password-file", pw),
                     ("a", "b", "--user", "u", "--password-file", pw),
                     ("--remove", "x"), ("--remove", "--user", "u"),
                     ("--remove", "--password-file", pw)):
            with self.subTest(args=args):
                c = self.conf(main=PLAIN_MAIN)
                before = c.snapshot()
                r = self.relay(c, *args)
                self.assertOneLineRefusal(r, before, c)
                self.assertTrue(r.err.startswith(b"usage: pfsubmit "
                                                 b"relayhost "), r)

    def test_remove(self):
        c = self.conf(main=PLAIN_MAIN)
        self.relay(c, "mx.example", "--user", "u", "--password-file",
                   self.pwfile(), rc=0)
        r = self.relay(c, "--remove", rc=0)
        self.assertEqual(c.read("main.cf"), PLAIN_MAIN)
        self.assertFalse(os.path.exists(c.path("sasl_passwd")))
        self.assertFalse(os.path.exists(c.path("sasl_passwd.db")))
        self.assertIn(b"main.cf changed; backup ", r.err)
        # Again: nothing to change.
        r = run([PFSUBMIT, "-c", c.dir, *FAST, "--detailed-exitcode",
                 "relayhost", "--remove"])
        self.assertEqual(r.rc, 0, r)
        self.assertIn(b"nothing to change", r.err)

    def test_replaced_values_are_named(self):
        """Debian's main.cf has smtp_tls_security_level = may and an
        empty relayhost; relayhost replaces them and --remove removes
        them, so each replaced value is named in a note."""
        main = PLAIN_MAIN + b"relayhost =\nsmtp_tls_security_level = may\n"
        c = self.conf(main=main)
        r = self.relay(c, "mx.example", "--user", "u", "--password-file",
                       self.pwfile(), rc=0)
        err = r.err.decode().splitlines()
        self.assertIn('pfsubmit: relayhost was ""; now [mx.example]:587 '
                      '(relayhost --remove removes it)', err)
        self.assertIn('pfsubmit: smtp_tls_security_level was "may"; now '
                      'encrypt (relayhost --remove removes it)', err)
        self.assertEqual(sum("--remove removes it" in l for l in err), 2,
                         err)

    def test_remove_keeps_a_table_of_ones_own(self):
        main = PLAIN_MAIN + (b"relayhost = [mx]:587\nsmtp_sasl_auth_enable = "
                             b"yes\nsmtp_sasl_password_maps = hash:/etc/"
                             b"postfix/other_passwd\n")
        c = self.conf(main=main)
        c.write("sasl_passwd", b"[mx]:587 u:p\n", mode=0o600)
        r = self.relay(c, "--remove", rc=0)
        self.assertIn(b"smtp_sasl_password_maps named a table of your own; "
                      b"it is left in place", r.err)
        self.assertEqual(c.read("main.cf"), PLAIN_MAIN)
        self.assertTrue(os.path.exists(c.path("sasl_passwd")))

    def test_remove_dry_run_and_json(self):
        c = self.conf(main=PLAIN_MAIN)
        self.relay(c, "mx", "--user", "u", "--password-file", self.pwfile(),
                   rc=0)
        before = c.snapshot()
        r = run([PFSUBMIT, "-c", c.dir, "-n", "-j", "--detailed-exitcode",
                 "relayhost", "--remove"])
        self.assertEqual(r.rc, 5, r)
        d = r.json()
        self.assertEqual(d["dry_run"], True)
        self.assertIn("-relayhost = [mx]:587\n", d["diff"])
        self.assertEqual(c.snapshot(), before)

    def test_dry_run_writes_nothing(self):
        c = self.conf(main=PLAIN_MAIN)
        before = c.snapshot()
        r = self.relay(c, "-n", "mx:2525", "--user", "u", "--password-file",
                       self.pwfile(), rc=0)
        self.assertEqual(c.snapshot(), before)
        self.assertIn(b"+relayhost = [mx]:2525\n", r.out)
        self.assertIn(("pfsubmit: %s/sasl_passwd would be written (mode "
                       "0600) and indexed with postmap\n" % c.dir).encode(),
                      r.err)
        self.assertNotIn(b"s3cret", r.out + r.err)

    def test_new_password_only_changes_the_table(self):
        c = self.conf(main=PLAIN_MAIN)
        self.relay(c, "mx", "--user", "u", "--password-file", self.pwfile(),
                   rc=0)
        main1 = c.read("main.cf")
        nb = len(c.backup_ids())
        pw2 = self.tmp.write("pw2", b"another-one\n")
        r = run([PFSUBMIT, "-c", c.dir, *FAST, "--detailed-exitcode",
                 "relayhost", "mx", "--user", "u", "--password-file", pw2])
        self.assertEqual(r.rc, 5, r)
        self.assertIn(b"nothing but the table changed", r.err)
        self.assertEqual(c.read("main.cf"), main1)
        # The table as it was is in a new set, root-only: rollback's.
        self.assertEqual(len(c.backup_ids()), nb + 1)
        copy = os.path.join(c.path("pfsubmit-backups"), c.backup_ids()[-1],
                            "sasl_passwd")
        self.assertEqual(stat.S_IMODE(os.stat(copy).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(copy))
                                      .st_mode), 0o700)
        self.assert_table(c, b"[mx]:587 u:another-one\n")
        # The same again: nothing at all changes.
        r = run([PFSUBMIT, "-c", c.dir, *FAST, "--detailed-exitcode",
                 "relayhost", "mx", "--user", "u", "--password-file", pw2])
        self.assertEqual(r.rc, 0, r)
        # A table that others could read is rewritten 0600.
        os.chmod(c.path("sasl_passwd"), 0o644)
        r = run([PFSUBMIT, "-c", c.dir, *FAST, "--detailed-exitcode",
                 "relayhost", "mx", "--user", "u", "--password-file", pw2])
        self.assertEqual(r.rc, 5, r)
        self.assert_table(c, b"[mx]:587 u:another-one\n")

    def test_dry_run_new_password_detailed_exitcode(self):
        """--detailed-exitcode with -n: 5 when the edit would change a
        file.  A new password changes the table (the real run exits 5,
        above).  Found: the dry run exits 0 and says both "sasl_passwd
        would be written" and "nothing to change"; -j says changed:
        false."""
        c = self.conf(main=PLAIN_MAIN)
        self.relay(c, "mx", "--user", "u", "--password-file", self.pwfile(),
                   rc=0)
        before = c.snapshot()
        pw2 = self.tmp.write("pw2", b"another-one\n")
        r = run([PFSUBMIT, "-c", c.dir, *FAST, "-n", "--detailed-exitcode",
                 "relayhost", "mx", "--user", "u", "--password-file", pw2])
        self.assertEqual(c.snapshot(), before)
        self.assertEqual(r.rc, 5, "a dry run that would rewrite the "
                         "password table exits 0:%s" % r)

    def test_trailing_slash_config_dir(self):
        """-c DIR/ names the same table as -c DIR.  Found: the map
        becomes hash:DIR//sasl_passwd, and a later `relayhost --remove`
        with -c DIR takes it for a table of the user's own and leaves the
        password file behind."""
        c = self.conf(main=PLAIN_MAIN)
        r = run([PFSUBMIT, "-c", c.dir + "/", *FAST, "relayhost", "mx",
                 "--user", "u", "--password-file", self.pwfile()])
        self.assertEqual(r.rc, 0, r)
        self.assertIn(("smtp_sasl_password_maps = hash:%s/sasl_passwd\n" %
                       c.dir).encode(), c.read("main.cf"))
        r = self.relay(c, "--remove", rc=0)
        self.assertFalse(os.path.exists(c.path("sasl_passwd")),
                         "the password table was left behind:%s" % r)

    def test_relative_config_dir_gives_absolute_map(self):
        c = self.conf(main=PLAIN_MAIN)
        r = run([PFSUBMIT, "-c", "postfix", *FAST, "relayhost", "mx",
                 "--user", "u", "--password-file", self.pwfile()],
                cwd=c.top)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(c.read("main.cf"), self.expected_main(c, "[mx]:587"))
        self.assert_table(c, b"[mx]:587 u:s3cret-Pa55\n")

    def test_json(self):
        c = self.conf(main=PLAIN_MAIN)
        r = self.relay(c, "-j", "mx", "--user", "u", "--password-file",
                       self.pwfile(), rc=0)
        d = r.json()
        self.assertEqual(d["changed"], True)
        self.assertEqual(d["backup"], c.backup_ids()[0])
        self.assertNotIn("s3cret", r.text())

    def test_other_maps_replaced_with_note(self):
        main = PLAIN_MAIN + b"smtp_sasl_password_maps = hash:/x/other\n"
        c = self.conf(main=main)
        r = self.relay(c, "mx", "--user", "u", "--password-file",
                       self.pwfile(), rc=0)
        self.assertIn(("pfsubmit: smtp_sasl_password_maps was "
                       "\"hash:/x/other\"; now hash:%s/sasl_passwd "
                       "(relayhost --remove removes it)\n" % c.dir).encode(),
                      r.err)

    def test_default_database_type(self):
        """The map type is $default_database_type."""
        main = PLAIN_MAIN + b"default_database_type = btree\n"
        c = self.conf(main=main)
        self.relay(c, "mx", "--user", "u", "--password-file", self.pwfile(),
                   rc=0)
        self.assertIn(("smtp_sasl_password_maps = btree:%s/sasl_passwd\n" %
                       c.dir).encode(), c.read("main.cf"))
        self.relay(c, "--remove", rc=0)
        self.assertEqual(c.read("main.cf"), main)
        self.assertFalse(os.path.exists(c.path("sasl_passwd")))

    OTHERS = (b"# credentials of other relays, by hand\n"
              b"[other.example]:587 bob:b0b-secret\n"
              b"\n"
              b"[third.example]:25 carol:\n"
              b"   continued-value\n")

    def test_existing_table_edited_in_place(self):
        """Issue 12 item 3: other credentials and comments stay, byte for
        byte; only the relay host's entry is added or replaced; rollback
        brings the table back as it was."""
        c = self.conf(main=PLAIN_MAIN)
        c.write("sasl_passwd", self.OTHERS, mode=0o600)
        self.relay(c, "mx", "--user", "u", "--password-file", self.pwfile(),
                   rc=0)
        self.assertEqual(c.read("sasl_passwd"),
                         self.OTHERS + b"[mx]:587 u:s3cret-Pa55\n")
        # Replaced where it stands, case folded as postmap folds keys.
        c.write("sasl_passwd", b"[MX]:587 old:x\n" + self.OTHERS, mode=0o600)
        pw2 = self.tmp.write("pw2", b"another-one\n")
        r = self.relay(c, "mx", "--user", "u", "--password-file", pw2, rc=0)
        self.assertEqual(c.read("sasl_passwd"),
                         b"[mx]:587 u:another-one\n" + self.OTHERS)
        self.assertIn(b"the entry for [mx]:587 is replaced; the others "
                      b"stay", r.err)
        self.assertNotIn(b"b0b-secret", r.err + r.out)
        self.assertNotIn(b"another-one", r.err + r.out)
        # rollback puts the table of before back, and its index.  (The
        # set is named: rollback without an id skips a set whose main.cf
        # and master.cf equal the files now.)
        r = run([PFSUBMIT, "-c", c.dir, *FAST, "rollback",
                 c.backup_ids()[-1]])
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(c.read("sasl_passwd"), b"[MX]:587 old:x\n" +
                         self.OTHERS)
        self.assertEqual(stat.S_IMODE(os.stat(c.path("sasl_passwd"))
                                      .st_mode), 0o600)
        self.assertNotIn(b"old:x", r.err + r.out)
        t = time.time() - 60
        os.utime(c.path("main.cf"), (t, t))
        q = run([POSTMAP, "-c", c.dir, "-q", "[mx]:587",
                 "hash:" + c.path("sasl_passwd")])
        self.assertEqual((q.rc, q.out), (0, b"old:x\n"), q)

    def test_remove_takes_only_its_entry(self):
        c = self.conf(main=PLAIN_MAIN)
        c.write("sasl_passwd", self.OTHERS, mode=0o600)
        self.relay(c, "mx", "--user", "u", "--password-file", self.pwfile(),
                   rc=0)
        r = self.relay(c, "--remove", rc=0)
        self.assertEqual(c.read("main.cf"), PLAIN_MAIN)
        self.assertEqual(c.read("sasl_passwd"), self.OTHERS)
        self.assertIn(b"removed the entry for [mx]:587; the others stay",
                      r.err)
        # rollback of the removal brings the entry back.
        r = run([PFSUBMIT, "-c", c.dir, *FAST, "rollback"])
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(c.read("sasl_passwd"),
                         self.OTHERS + b"[mx]:587 u:s3cret-Pa55\n")

    def test_rollback_removes_a_table_the_edit_made(self):
        """The set of an edit that made the table says there was none:
        rollback removes it, and its index."""
        c = self.conf(main=PLAIN_MAIN)
        self.relay(c, "mx", "--user", "u", "--password-file", self.pwfile(),
                   rc=0)
        ids = c.backup_ids()
        marker = os.path.join(c.path("pfsubmit-backups"), ids[-1],
                              "sasl_passwd.pfsubmit-absent")
        self.assertEqual(os.path.getsize(marker), 0)
        r = run([PFSUBMIT, "-c", c.dir, *FAST, "rollback"])
        self.assertEqual(r.rc, 0, r)
        self.assertIn(b"the table sasl_passwd goes: there was none then",
                      r.err)
        self.assertNotIn(b"s3cret", r.err + r.out)
        self.assertEqual(c.read("main.cf"), PLAIN_MAIN)
        self.assertFalse(os.path.exists(c.path("sasl_passwd")))
        self.assertFalse(os.path.exists(c.path("sasl_passwd.db")))

    def test_secret_table_not_in_diff(self):
        c = self.conf(main=PLAIN_MAIN)
        c.write("sasl_passwd", self.OTHERS, mode=0o600)
        r = self.relay(c, "-n", "-j", "mx", "--user", "u", "--password-file",
                       self.pwfile(), rc=0)
        d = r.json()
        self.assertIn("Files a/sasl_passwd and b/sasl_passwd differ (a "
                      "secret table: its contents are not shown)\n",
                      d["diff"])
        self.assertNotIn("s3cret", r.text())
        self.assertNotIn("b0b", r.text())

    def test_config_dir_written_into_main_cf_is_checked(self):
        """Issue 12 item 7: the -c path goes into main.cf as part of the
        map name; a newline in a parent directory's name would add a
        line of its own.  Refused, nothing written."""
        for bad in ("a\nmynetworks = 0.0.0.0", "a b", "a,b", "a$b"):
            with self.subTest(bad=bad):
                c = self.conf(main=PLAIN_MAIN)
                top = os.path.join(c.top, bad)
                os.mkdir(top)
                d = os.path.join(top, "postfix")
                os.rename(c.dir, d)
                r = run([PFSUBMIT, "-c", d, *FAST, "relayhost", "mx",
                         "--user", "u", "--password-file", self.pwfile()])
                self.assertEqual(r.rc, 1, r)
                with open(os.path.join(d, "main.cf"), "rb") as f:
                    self.assertEqual(f.read(), PLAIN_MAIN)
                self.assertFalse(os.path.exists(os.path.join(
                    d, "sasl_passwd")))
                self.assertEqual(len(r.err.splitlines()), 1, r)
                self.assertIn(b"-c ", r.err)

    def test_password_file_kinds(self):
        """Issue 12 item 15: a FIFO is refused at once (no wait), a file
        others may read is a warning."""
        c = self.conf(main=PLAIN_MAIN)
        before = c.snapshot()
        fifo = self.tmp.path("fifo")
        os.mkfifo(fifo)
        t0 = time.time()
        r = self.relay(c, "mx", "--user", "u", "--password-file", fifo)
        self.assertLess(time.time() - t0, 10)
        self.assertOneLineRefusal(r, before, c)
        self.assertIn(b"not a regular file (a FIFO or a device is refused)",
                      r.err)
        r = self.relay(c, "mx", "--user", "u", "--password-file",
                       "/dev/zero")
        self.assertOneLineRefusal(r, before, c)
        pw = self.pwfile()
        os.chmod(pw, 0o644)
        r = self.relay(c, "mx", "--user", "u", "--password-file", pw, rc=0)
        self.assertIn(("pfsubmit: warning: %s: readable by everyone; chmod "
                       "600 it\n" % pw).encode(), r.err)
        os.chmod(pw, 0o640)
        r = self.relay(c, "--remove", rc=0)
        r = self.relay(c, "mx", "--user", "u", "--password-file", pw, rc=0)
        self.assertIn(b"readable by its group", r.err)
        os.chmod(pw, 0o600)
        r = self.relay(c, "mx", "--user", "u", "--password-file", pw, rc=0)
        self.assertNotIn(b"readable", r.err)

    @requires_root
    @requires_postfix
    def test_failed_check_puts_table_back(self):
        """A transaction that postfix check refuses (exit 2): main.cf is
        put back, and so is the table: removed when there was none,
        rewritten as it was when there was one."""
        # maillog_file without a postlog service: postfix check fails,
        # postmap (which reads main.cf only) does not.
        master = b"".join(l for l in lines_of(DEBIAN_MASTER)
                          if not l.startswith(b"postlog "))
        c = self.conf(master=master,
                      main=DEBIAN_MAIN + b"maillog_file = /dev/stdout\n")
        before = c.files()
        r = run([PFSUBMIT, "-c", c.dir, "--no-reload", "relayhost", "mx",
                 "--user", "u", "--password-file", self.pwfile()])
        self.assertEqual(r.rc, 2, r)
        self.assertIn(b"postfix check failed", r.err)
        self.assertEqual(c.files(), before)
        self.assertEqual(c.backup_ids(), [])
        self.assertFalse(os.path.exists(c.path("sasl_passwd")))
        self.assertFalse(os.path.exists(c.path("sasl_passwd.db")))
        # A table that was there is put back as it was.
        c.write("sasl_passwd", b"[old]:587 old:pass\n", mode=0o600)
        r = run([PFSUBMIT, "-c", c.dir, "--no-reload", "relayhost", "mx",
                 "--user", "u", "--password-file", self.pwfile()])
        self.assertEqual(r.rc, 2, r)
        self.assertEqual(c.files(), before)
        self.assertEqual(c.read("sasl_passwd"), b"[old]:587 old:pass\n")
        self.assertEqual(stat.S_IMODE(os.stat(c.path("sasl_passwd")).st_mode),
                         0o600)


# --------------------------------------------------------------------------
# The command line surface

class Surface(Base):

    USAGE_HEAD = (b"usage: pfsubmit [-hjnqV] [-c dir] [--no-check] "
                  b"[--no-reload]\n")

    def pfx(self, *args, **kw):
        return run([PFSUBMIT] + list(args), **kw)

    def test_help_and_version(self):
        for args in (("-h",), ("--help",), ("help",)):
            with self.subTest(args=args):
                r = self.pfx(*args)
                self.assertEqual((r.rc, r.err), (0, b""), r)
                self.assertTrue(r.out.startswith(self.USAGE_HEAD), r)
                lines = r.text().splitlines()
                self.assertEqual(lines[2:4], ["", "commands:"])
                self.assertEqual([l.split()[0] for l in lines[4:]], [
                    "show", "enable", "disable", "set-restriction", "set",
                    "unset", "sender-domains", "param", "check", "verify",
                    "relayhost", "backups", "rollback", "help"])
        a, b = self.pfx("-h"), self.pfx("help")
        self.assertEqual(a.out, b.out)
        for args in (("-V",), ("--version",)):
            r = self.pfx(*args)
            self.assertEqual((r.rc, r.err), (0, b""), r)
            self.assertRegex(r.text(), r"^pfsubmit \d+\.\d+\.\d+\n$")

    def test_help_command(self):
        r = self.pfx("help", "enable")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.out, b"usage: pfsubmit enable [submission | "
                         b"submissions] [--listen addr] [--line n] "
                         b"[--profile modern | classic] "
                         b"[--sasl dovecot | cyrus | none] "
                         b"[--cert file --key file | --chain-file file] "
                         b"[--no-verify] [--user user --password-file file]"
                         b"\n    make the submission service live "
                         b"with SASL authentication\n")
        r = self.pfx("help", "disable")
        self.assertTrue(r.out.startswith(
            b"usage: pfsubmit disable [submission | submissions | "
            b"service[/type]]\n"), r)
        r = self.pfx("help", "nosuch")
        self.assertEqual((r.rc, r.out), (1, b""), r)
        self.assertEqual(r.err, b"pfsubmit: no command nosuch; try pfsubmit "
                         b"--help\n")

    def test_help_quotes_the_name(self):
        """Text from the user is quoted (bad_option and unknown commands
        do it).  Found: `help NAME` prints NAME raw, escapes and all."""
        r = self.pfx("help", "x\x1b[2Jy")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(control_bytes(r.err), [], r)

    def test_help_extra_argument(self):
        """help takes at most one command name, as its usage says; every
        other command refuses extra arguments with its usage (exit 1).
        Found: `help enable extra` ignores "extra" and exits 0."""
        r = self.pfx("help", "enable", "extra")
        self.assertEqual(r.rc, 1, r)

    def test_command_help_option(self):
        for cmd, usage in (("show", b"show [service[/type] | all]"),
                           ("backups", b"backups [show id | diff id]"),
                           ("rollback", b"rollback [--force] [id]"),
                           ("verify", b"verify [service | all] [--host "
                            b"host] [--port port] [--tls-name name] "
                            b"[--cafile file] [--insecure] [--user user "
                            b"--password-file file] [--mech plain | login] "
                            b"[--from address] [--to address] [--send-to "
                            b"address] [--timeout seconds]")):
            with self.subTest(cmd=cmd):
                r = self.pfx(cmd, "-h")
                self.assertEqual((r.rc, r.err), (0, b""), r)
                self.assertEqual(r.out, b"usage: pfsubmit " + usage + b"\n")
        r = self.pfx("show", "--help")
        self.assertEqual(r.rc, 0, r)

    def test_param_takes_common_options_before_its_sub_command(self):
        """The manual: common options before or after the command name;
        param's own words come after its sub-command."""
        r = self.pfx("param", "--help")
        self.assertEqual((r.rc, r.err), (0, b""), r)
        self.assertTrue(r.out.startswith(b"usage: pfsubmit param set "), r)
        c = self.conf()
        for args in (("param", "-j", "show", "myhostname"),
                     ("param", "show", "-j", "myhostname"),
                     ("-j", "param", "show", "myhostname")):
            with self.subTest(args=args):
                r = self.pfx("-c", c.dir, *args)
                self.assertEqual(r.rc, 0, r)
                self.assertEqual(
                    [p["name"] for p in json.loads(r.out)["parameters"]],
                    ["myhostname"])
        before = c.snapshot()
        r = self.pfx("-c", c.dir, "param", "-n", "set", "biff=yes")
        self.assertEqual(r.rc, 0, r)
        self.assertIn(b"+biff = yes", r.out)
        self.assertEqual(c.snapshot(), before)
        r = self.pfx("-c", c.dir, "param", "-x", "show")
        self.assertEqual((r.rc, r.out), (1, b""), r)
        self.assertIn(b"unknown option -x", r.err)

    def test_no_command(self):
        for args in ((), ("-q",), ("-n", "-j")):
            with self.subTest(args=args):
                r = self.pfx(*args)
                self.assertEqual((r.rc, r.out), (1, b""), r)
                self.assertTrue(r.err.startswith(self.USAGE_HEAD), r)

    def test_unknown_command_and_options(self):
        r = self.pfx("frobnicate")
        self.assertEqual((r.rc, r.err), (1, b"pfsubmit: unknown command "
                                         b"frobnicate; pfsubmit --help lists "
                                         b"them\n"), r)
        r = self.pfx("--bogus", "show")
        self.assertEqual((r.rc, r.err), (1, b"pfsubmit: unknown option "
                                         b"--bogus; see pfsubmit --help\n"))
        r = self.pfx("-c")
        self.assertEqual((r.rc, r.err), (1, b"pfsubmit: missing value after "
                                         b"-c; see pfsubmit --help\n"))
        r = self.pfx("show", "-V")
        self.assertEqual((r.rc, r.err), (1, b"pfsubmit: unknown option -V; "
                                         b"see pfsubmit help show\n"))

    def test_lock_wait(self):
        c = self.conf()
        for v in ("5", "0", "3600"):
            with self.subTest(v=v):
                r = self.pfx("--lock-wait", v, "-c", c.dir, "backups")
                self.assertEqual(r.rc, 0, r)
        r = self.pfx("-c", c.dir, *FAST, "param", "set", "a=b",
                     "--lock-wait=5")
        self.assertEqual(r.rc, 0, r)
        for v, why in (("abc", "invalid"), ("4000", "too large"),
                       ("-1", "too small"), ("", "invalid")):
            with self.subTest(v=v):
                before = c.snapshot()
                r = self.pfx("--lock-wait", v, "-c", c.dir, *FAST, "param",
                             "set", "c=d")
                self.assertEqual((r.rc, r.out), (1, b""), r)
                self.assertEqual(r.err.decode(), "pfsubmit: --lock-wait %s: "
                                 "%s (0 to 3600 seconds)\n" % (v, why))
                self.assertEqual(c.snapshot(), before)

    def test_wrong_argument_counts(self):
        c = self.conf()
        cases = [("show", "a", "b"), ("enable", "a", "b"),
                 ("disable", "a", "b"), ("set-restriction", "a", "b"),
                 ("set-restriction", "a", "b", "c", "d"), ("set", "a"),
                 ("set", "a", "b=c", "d"), ("unset", "a"),
                 ("unset", "a", "b", "c"), ("param",),
                 ("param", "set"), ("param", "set", "a=b", "c=d"),
                 ("param", "unset"), ("param", "unset", "a", "b"),
                 ("check", "x"), ("verify", "a", "b"),
                 ("relayhost",), ("relayhost", "--remove", "x"),
                 ("backups", "x"), ("rollback", "a", "b")]
        for args in cases:
            with self.subTest(args=args):
                before = c.snapshot()
                r = self.pfx("-c", c.dir, *FAST, *args)
                self.assertEqual((r.rc, r.out), (1, b""), r)
                self.assertEqual(r.err.count(b"\n"), 1, r)
                self.assertTrue(r.err.startswith(b"usage: pfsubmit %s " %
                                                 args[0].encode()) or
                                r.err == b"usage: pfsubmit %s\n" %
                                args[0].encode(), r)
                self.assertEqual(c.snapshot(), before)
        r = self.pfx("-c", c.dir, "param", "bogus")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.err, b"pfsubmit: unknown command param bogus; "
                         b"use param set, param unset or param show\n")

    def test_write_error_on_stdout(self):
        c = self.conf()
        with open("/dev/full", "wb") as full:
            for args in (("-V",), ("-h",), ("help",), ("help", "show"),
                         ("show", "-h"), ("-c", c.dir, "show"),
                         ("-c", c.dir, "param", "show")):
                with self.subTest(args=args):
                    r = self.pfx(*args, stdout=full)
                    self.assertEqual(r.rc, 1, r)
                    self.assertEqual(r.err, b"pfsubmit: standard output: "
                                     b"No space left on device\n")


# --------------------------------------------------------------------------
# Defaults that Postfix works out

class Defaults(Base):

    def compare_x(self, c, *names, runner=None):
        """param show -x NAMES against postconf -x NAMES (name = value
        lines), run through runner (a function of argv) when given."""
        runner = runner or (lambda argv: run(argv))
        pf = runner([PFSUBMIT, "-c", c.dir, "param", "show", "-x",
                     *names])
        pc = runner([POSTCONF, "-c", c.dir, "-x", *names])
        self.assertEqual(pc.rc, 0, pc)
        self.assertEqual(pf.rc, 0, pf)
        self.assertEqual(pf.text().splitlines(), pc.text().splitlines(),
                         "pfsubmit:%s\npostconf:%s" % (pf, pc))
        return pf

    def test_service_derived_defaults(self):
        master = (b"mailman unix - n n - - pipe\n"
                  b"  flags=FR user=list argv=/bin/true ${nexthop}\n"
                  b"relay unix - - n - - smtp\n"
                  b"spawner unix - n n - - spawn\n"
                  b"  user=nobody argv=/bin/true\n"
                  b"#commented unix - n n - - pipe\n")
        main = (b"smtpd_restriction_classes = x\n"
                b"x = $mailman_time_limit $relay_destination_concurrency_limit"
                b"\n")
        c = self.conf(master=master, main=main)
        pf = run([PFSUBMIT, "-c", c.dir, "param", "show", "-x", "x"])
        pc = run([POSTCONF, "-c", c.dir, "-xh", "x"])
        self.assertEqual((pf.rc, pc.rc), (0, 0), (pf, pc))
        self.assertEqual(pf.out, b"x = " + pc.out)
        self.assertEqual(pc.out, b"1000s 20\n")
        # Each kind of agent gets its own names, and no others.
        c.write("main.cf", main + (
            b"y = $spawner_time_limit|$relay_time_limit|"
            b"$mailman_destination_rate_delay|"
            b"$spawner_destination_concurrency_limit|"
            b"$commented_time_limit|$relay_initial_destination_concurrency\n"
            b"smtpd_restriction_classes = x, y\n"))
        self.compare_x(c, "x", "y", "mailman_time_limit",
                       "relay_destination_concurrency_limit",
                       "mailman_destination_rate_delay")

    @requires_root
    def test_myhostname_mydomain_from_host_name(self):
        if UNSHARE is None:
            self.skipTest("unshare(1) is not installed")
        probe = run([UNSHARE, "-u", "sh", "-c", "hostname x.example && "
                     "hostname"])
        if probe.rc != 0 or probe.out != b"x.example\n":
            self.skipTest("no private UTS namespace here: %s" % probe)
        host_before = socket.gethostname()
        mains = {"none": b"compatibility_level = 3.6\n",
                 "mydomain": b"mydomain = corp.example\n",
                 "myhostname": b"myhostname = relay.sub.example.org\n",
                 "expanded": b"mydomain = $d\nd = via.example\n"}
        for host in ("mail.example.com", "a.b.c.example", "plainhost"):
            for kind, main in mains.items():
                with self.subTest(host=host, main=kind):
                    c = self.conf(main=main)

                    def runner(argv, host=host):
                        return run([UNSHARE, "-u", "sh", "-c",
                                    'hostname "$0" && exec "$@"', host] +
                                   argv)
                    pf = self.compare_x(c, "mydomain", "myhostname",
                                        runner=runner)
                    if kind == "none" and host == "mail.example.com":
                        self.assertEqual(pf.out, b"mydomain = example.com\n"
                                         b"myhostname = mail.example.com\n")
        self.assertEqual(socket.gethostname(), host_before,
                         "the host's own name changed")

    def test_expanded_defaults_depend_on_main_cf(self):
        """$myhostname in another value follows main.cf's mydomain."""
        c = self.conf(main=b"myhostname = mx.example.net\n"
                      b"smtpd_banner = $myhostname at $mydomain\n")
        self.compare_x(c, "smtpd_banner", "mydomain")


# --------------------------------------------------------------------------
# Paths and what read-only commands refuse

class Paths(Base):

    def test_relative_config_dir(self):
        c = self.conf()
        r = run([PFSUBMIT, "-c", "postfix", "show"], cwd=c.top)
        self.assertEqual(r.rc, 0, r)
        self.assertIn(b"submission/inet (commented out) postfix/master.cf:19"
                      b"\n", r.out)
        r = run([PFSUBMIT, "-c", "postfix", *FAST, "enable"], cwd=c.top)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(c.read("master.cf"), ct.DEBIAN_ENABLED_MASTER)
        self.assertEqual(len(c.backup_ids()), 1)
        r = run([PFSUBMIT, "-c", "postfix", "backups"], cwd=c.top)
        self.assertEqual(r.rc, 0, r)
        self.assertIn(b"enable", r.out)

    def test_trailing_slash_config_dir(self):
        c = self.conf()
        r = run([PFSUBMIT, "-c", c.dir + "/", "show", "submission"])
        self.assertEqual(r.rc, 0, r)
        self.assertIn(("submission/inet (commented out) %s/master.cf:19\n" %
                       c.dir).encode(), r.out)
        self.assertNotIn(b"//", r.out)
        r = run([PFSUBMIT, "-c", c.dir + "/", *FAST, "param", "set", "a=b"])
        self.assertEqual(r.rc, 0, r)
        self.assertNotIn(b"//", r.err)
        r = run([PFSUBMIT, "-c", c.dir + "/", "check"])
        self.assertEqual(r.rc, 0, r)
        self.assertNotIn(b"//", r.out + r.err)

    def test_missing_config_dir(self):
        r = run([PFSUBMIT, "-c", "/nonexistent/pfsubmit", "show"])
        self.assertEqual((r.rc, r.out), (1, b""), r)
        self.assertEqual(r.err.count(b"\n"), 1, r)
        r = run([PFSUBMIT, "-c", "/nonexistent/pfsubmit", "backups"])
        self.assertEqual((r.rc, r.out), (1, b""), r)

    def test_param_show_unknown_name(self):
        c = self.conf()
        r = self.pf(c, "param", "show", "no_such_parameter_here")
        self.assertEqual((r.rc, r.out), (1, b""), r)
        self.assertEqual(r.err.decode(), "pfsubmit: %s: no_such_parameter_"
                         "here is not set, and Postfix has no such parameter"
                         "\n" % c.path("main.cf"))
        # Known names are still shown, and the status is still 1.
        r = self.pf(c, "param", "show", "myhostname", "no_such_parameter",
                    "mail_owner")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.out, b"myhostname = mail.example.org\n"
                         b"mail_owner = postfix\n")

    def test_param_show_expansion_error(self):
        c = self.conf(main=DEBIAN_MAIN + b"bad1 = cost 5$\n"
                      b"bad2 = ${unclosed\nok = $myhostname\n")
        r = self.pf(c, "param", "show", "-x", "bad1", "ok", "bad2")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.out, b"bad1 = cost 5$\nok = mail.example.org\n"
                         b"bad2 = ${unclosed\n")
        err = r.err.decode().splitlines()
        self.assertEqual(len(err), 2, r)
        self.assertTrue(err[0].startswith("pfsubmit: %s: cannot expand "
                                          "bad1: " % c.path("main.cf")), r)
        self.assertTrue(err[1].startswith("pfsubmit: %s: cannot expand "
                                          "bad2: " % c.path("main.cf")), r)

    def test_param_show_expansion_error_json(self):
        """-j: the value as it stands and the reason in the document, and
        exit 1 as without -j (the manual: "the exit status is 1").
        Found: with -j the exit status is 0."""
        c = self.conf(main=DEBIAN_MAIN + b"bad1 = cost 5$\n")
        r = self.pf(c, "-j", "param", "show", "-x", "bad1")
        p = r.json()["parameters"]
        self.assertEqual([(x["name"], x["value"], x["expanded"]) for x in p],
                         [("bad1", "cost 5$", None)])
        self.assertIn("error", p[0])
        self.assertEqual(r.rc, 1, r)

    def test_show_unknown_service(self):
        c = self.conf()
        for args in (("nosuch",), ("nosuch/unix",), ("submission/unix",)):
            with self.subTest(args=args):
                r = self.pf(c, "show", *args)
                self.assertEqual((r.rc, r.out), (1, b""), r)
                self.assertEqual(r.err.count(b"\n"), 1, r)
                self.assertIn(b"no service ", r.err)
        r = self.pf(c, "-j", "show", "nosuch")
        self.assertEqual(r.rc, 1, r)

    def test_show_no_submission_service(self):
        c = self.conf(master=b"smtp inet n - y - - smtpd\n")
        r = self.pf(c, "show")
        self.assertEqual(r.rc, 0, r)
        r = self.pf(c, "-j", "show")
        self.assertEqual((r.rc, r.json()["services"]), (0, []))

    def test_backups_none(self):
        c = self.conf()
        r = self.pf(c, "backups")
        self.assertEqual((r.rc, r.out), (0, b""), r)
        self.assertEqual(r.err.decode(), "pfsubmit: no backups in %s/"
                         "pfsubmit-backups\n" % c.dir)
        r = self.pf(c, "-q", "backups")
        self.assertEqual((r.rc, r.out, r.err), (0, b"", b""), r)
        r = self.pf(c, "-j", "backups")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json(), {"config_directory": c.dir,
                                    "backups": []})

    def test_rollback_refusals(self):
        c = self.conf()
        before = c.snapshot()
        for arg, msg in (("a/b", 'pfsubmit: "a/b" is not a backup id; '
                          'pfsubmit backups lists them\n'),
                         ("", 'pfsubmit: "" is not a backup id; pfsubmit '
                          'backups lists them\n'),
                         ("../x", None), ("x\ny", None),
                         ("NOSUCHID", "pfsubmit: error: no backup set "
                          "NOSUCHID; pfsubmit backups lists them\n"),
                         ("20200101T000000Z", None), ("..", None)):
            with self.subTest(arg=arg):
                r = self.pf(c, *FAST, "rollback", arg)
                self.assertOneLineRefusal(r, before, c)
                if msg is not None:
                    self.assertEqual(r.err.decode(), msg)
        r = self.pf(c, *FAST, "rollback")
        self.assertOneLineRefusal(r, before, c)
        self.assertEqual(r.err, b"pfsubmit: error: no backup set to roll back "
                         b"to: none differs from the files now\n")

    def hand_made_set(self, c, sid, master, main=DEBIAN_MAIN,
                      info=b"time: 1577836800\ncommand: enable\n"
                      b"rollback: no\n"):
        bk = c.path("pfsubmit-backups")
        os.makedirs(os.path.join(bk, sid), mode=0o700, exist_ok=True)
        os.chmod(bk, 0o700)
        for name, data in (("main.cf", main), ("master.cf", master),
                           ("info", info)):
            if data is None:
                continue
            with open(os.path.join(bk, sid, name), "wb") as f:
                f.write(data)

    def test_rollback_to_a_set_with_errors(self):
        c = self.conf()
        self.hand_made_set(c, "20200101T000000Z", DEBIAN_MASTER +
                           b"foo       unix  -       -       y\n")
        r = self.pf(c, "backups")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.out, b"20200101T000000Z  2020-01-01 00:00:00 UTC"
                         b"  main.cf master.cf  (first, kept)  enable\n")
        before = c.snapshot()
        r = self.pf(c, *FAST, "rollback", "20200101T000000Z")
        self.assertEqual((r.rc, r.out), (1, b""), r)
        self.assertEqual(c.snapshot(), before)
        self.assertIn(b"backup set 20200101T000000Z has errors; not "
                      b"restoring it\n", r.err)
        self.assertIn(b"master.cf:", r.err)
        # Without an id it is the newest that differs: the same refusal.
        r = self.pf(c, *FAST, "rollback")
        self.assertEqual(r.rc, 1, r)
        self.assertIn(b"has errors", r.err)
        self.assertEqual(c.snapshot(), before)

    def test_rollback_to_a_hand_made_set(self):
        """A set with master.cf only (main.cf absent from it) and an info
        without a time: listed by its id, and restored."""
        c = self.conf(master=ct.DEBIAN_ENABLED_MASTER)
        self.hand_made_set(c, "20200101T000000Z-2", DEBIAN_MASTER, main=None,
                           info=b"command: by hand\n")
        r = self.pf(c, "backups")
        self.assertEqual(r.out, b"20200101T000000Z-2  20200101T000000Z-2  "
                         b"master.cf  (first, kept)  by hand\n")
        r = self.pf(c, "-j", "backups")
        self.assertEqual(r.json()["backups"], [{
            "id": "20200101T000000Z-2", "time": "20200101T000000Z-2",
            "files": ["master.cf"], "command": "by hand",
            "rollback": False, "first": True}])
        r = self.pf(c, *FAST, "rollback", "20200101T000000Z-2")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(c.read("master.cf"), DEBIAN_MASTER)
        self.assertEqual(c.read("main.cf"), DEBIAN_MAIN)

    def test_backups_set_without_info(self):
        c = self.conf()
        self.hand_made_set(c, "20200101T000000Z", DEBIAN_MASTER, info=None)
        self.hand_made_set(c, "not-a-set", DEBIAN_MASTER)
        r = self.pf(c, "backups")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.out, b"20200101T000000Z  20200101T000000Z  "
                         b"main.cf master.cf  (first, kept)  \n")
        self.assertIn(b"20200101T000000Z: cannot read its info", r.err)
        # Rolling back without an id needs every set's info.
        c.write("master.cf", ct.DEBIAN_ENABLED_MASTER)
        before = c.snapshot()
        r = self.pf(c, *FAST, "rollback")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(c.snapshot(), before)
        # With the id it is restored.
        r = self.pf(c, *FAST, "rollback", "20200101T000000Z")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(c.read("master.cf"), DEBIAN_MASTER)


# --------------------------------------------------------------------------
# Reloading: exit 3, "postfix reloaded", "not running"

FAKE_MASTER = r"""
import fcntl, os, signal, sys, time
pidfile, log = sys.argv[1], sys.argv[2]
fd = os.open(pidfile, os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
os.ftruncate(fd, 0)
os.write(fd, b"%11d\n" % os.getpid())
def hup(sig, frame):
    with open(log, "a") as f:
        f.write("HUP\n")
signal.signal(signal.SIGHUP, hup)
signal.signal(signal.SIGTERM, lambda s, f: sys.exit(0))
sys.stdout.write("ready\n")
sys.stdout.flush()
while True:
    time.sleep(1)
"""


class Reload(Base):
    """postfix status and postfix reload for real, with a stand-in for
    master(8): `postfix status` and `postfix reload` ask `master -t`
    whether master.pid in the queue directory is locked, and reload
    then sends SIGHUP to the pid written in it.  A Python process that
    holds that lock and logs SIGHUP is such a master; nothing of the
    system's Postfix is involved (queue_directory and data_directory
    are in the test's directory)."""

    def instance(self):
        c = self.conf()
        spool = os.path.join(c.top, "spool")
        data = os.path.join(c.top, "data")
        os.mkdir(spool, 0o755)
        os.mkdir(data, 0o700)
        os.chmod(c.top, 0o755)
        shutil.chown(data, user="postfix")
        c.write("main.cf", DEBIAN_MAIN + ("queue_directory = %s\n"
                                          "data_directory = %s\n" %
                                          (spool, data)).encode())
        # postfix check makes the queue directories (pid/ among them).
        self.postfix_check(c)
        self.assertTrue(os.path.isdir(os.path.join(spool, "pid")))
        return c, spool

    def fake_master(self, c, spool):
        log = os.path.join(c.top, "hup.log")
        p = subprocess.Popen([sys.executable, "-c", FAKE_MASTER,
                              os.path.join(spool, "pid", "master.pid"), log],
                             stdout=subprocess.PIPE)

        def stop():
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.addCleanup(stop)
        self.assertEqual(p.stdout.readline(), b"ready\n")
        st = run([POSTFIX, "-c", c.dir, "status"])
        self.assertEqual(st.rc, 0, "the stand-in master is not seen as "
                         "running:%s" % st)
        return log

    def hups(self, log):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if os.path.exists(log):
                with open(log) as f:
                    return f.read().count("HUP")
            time.sleep(0.05)
        return 0

    @requires_root
    @requires_postfix
    def test_reloaded(self):
        c, spool = self.instance()
        log = self.fake_master(c, spool)
        # A stand-in master: no service to verify.
        r = self.pf(c, "--detailed-exitcode", "enable", "--no-verify")
        self.assertEqual(r.rc, 5, r)
        self.assertRegex(r.err.decode().splitlines()[-1],
                         r"^pfsubmit: master\.cf changed; backup \S+; "
                         r"postfix check passed; postfix reloaded$")
        self.assertEqual(self.hups(log), 1)
        r = self.pf(c, "-j", "disable")
        self.assertEqual(r.rc, 0, r)
        d = r.json()
        self.assertEqual((d["checked"], d["reloaded"]), (True, True))

    @requires_root
    @requires_postfix
    def test_reload_fails_exit_3(self):
        """postfix reload runs `postsuper active` first; without the
        active queue directory that fails, and so does the reload.
        (--no-check: postfix check would make the directory again.)"""
        c, spool = self.instance()
        log = self.fake_master(c, spool)
        os.rmdir(os.path.join(spool, "active"))
        r = self.pf(c, "--no-check", "enable")
        self.assertEqual(r.rc, 3, r)
        self.assertEqual(c.read("master.cf"), ct.DEBIAN_ENABLED_MASTER)
        self.assertEqual(len(c.backup_ids()), 1)
        err = r.err.decode().splitlines()
        self.assertIn("pfsubmit: error: postfix reload failed (status 1); "
                      "the new files are in place", err[-1])
        self.assertEqual(self.hups(log), 0)
        # -j: the edit is reported, reloaded false, still exit 3.
        r = self.pf(c, "--no-check", "--detailed-exitcode", "-j", "disable")
        self.assertEqual(r.rc, 3, r)
        d = r.json()
        self.assertEqual((d["changed"], d["reloaded"], d["checked"]),
                         (True, False, False))
        # Postfix's own reason is passed on, not only the status.
        self.assertIn("active", d["reload_output"])
        # (disable's mark for enable aside)
        self.assertEqual(b"".join(l for l in lines_of(c.read("master.cf"))
                                  if not l.startswith(b"#pfsubmit: ")),
                         DEBIAN_MASTER)

    @requires_root
    @requires_postfix
    def test_reload_failure_message_with_no_check(self):
        """With --no-check nothing was checked.  Found: the message says
        "the new files are in place and checked"."""
        c, spool = self.instance()
        self.fake_master(c, spool)
        os.rmdir(os.path.join(spool, "active"))
        r = self.pf(c, "--no-check", "enable")
        self.assertEqual(r.rc, 3, r)
        self.assertNotIn(b"checked", r.err.splitlines()[-1], r)

    @requires_root
    @requires_postfix
    def test_not_running(self):
        """An instance of its own whose master is not running: installed,
        checked, not reloaded, exit 0."""
        c, spool = self.instance()
        r = self.pf(c, "enable")
        self.assertEqual(r.rc, 0, r)
        err = r.err.decode().splitlines()
        self.assertIn("pfsubmit: Postfix is not running; not reloaded", err)
        # enable's proof cannot be made: what to run instead.
        self.assertIn("pfsubmit: not verified: Postfix is not running; "
                      "start it (postfix start), then run pfsubmit verify "
                      "submission", err)
        self.assertRegex(err[-1], r"^pfsubmit: master\.cf changed; backup "
                         r"\S+; postfix check passed$")
        self.assertEqual(c.read("master.cf"), ct.DEBIAN_ENABLED_MASTER)
        r = self.pf(c, "-j", "disable")
        self.assertEqual(r.rc, 0, r)
        d = r.json()
        self.assertEqual((d["checked"], d["reloaded"]), (True, False))
        self.assertIn("Postfix is not running; not reloaded", d["notes"])

    @requires_root
    @requires_postfix
    def test_copy_of_the_default_instance_is_not_reloaded(self):
        """Debian's main.cf in a scratch directory names the default
        instance's queue directory, where `postfix -c DIR status` would
        find the system's running master and reload would signal it.
        The edit is installed and checked; neither status nor reload
        runs."""
        c = self.conf()
        r = run(["/usr/sbin/postconf", "-dh", "queue_directory"])
        self.assertEqual(r.rc, 0, r)
        queue = r.out.decode().strip()
        for main in (DEBIAN_MAIN, DEBIAN_MAIN + b"queue_directory = " +
                     queue.encode() + b"/\n"):
            with self.subTest(main=main[-40:]):
                c.write("main.cf", main)
                c.write("master.cf", DEBIAN_MASTER)
                r = self.pf(c, "--detailed-exitcode", "enable")
                self.assertEqual(r.rc, 5, r)
                err = r.err.decode().splitlines()
                self.assertIn("pfsubmit: not reloaded: %s shares the "
                              "default instance's queue_directory (a "
                              "staging copy)" % os.path.realpath(c.dir),
                              err)
                self.assertNotIn("pfsubmit: Postfix is not running; not "
                                 "reloaded", err)
                self.assertRegex(err[-1], r"^pfsubmit: master\.cf changed; "
                                 r"backup \S+; postfix check passed$")


# --------------------------------------------------------------------------
# The runner, as in cli_test.py.

CLASSES = (Verify, Relayhost, Surface, Defaults, Paths, Reload)


def main(argv):
    args = [a for a in argv if a != "-v"]
    ct.VERBOSE = len(args) != len(argv)
    if not os.access(PFSUBMIT, os.X_OK):
        print("cli_more_test: %s is missing; run make first" % PFSUBMIT)
        return 1
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    for cls in CLASSES:
        for t in loader.loadTestsFromTestCase(cls):
            name = "%s.%s" % (cls.__name__, t._testMethodName)
            if not args or any(a in name for a in args):
                suite.addTest(t)
    if not IS_ROOT:
        print("cli_more_test: note: not root; the reload and host name "
              "tests are skipped")
    t0 = time.monotonic()
    result = ct.LineResult()
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
    print("\ncli_more_test: %d tests, %d passed, %d failed, %d skipped in "
          "%.1f s" % (result.testsRun, result.passed, nfail,
                      len(result.skipped), secs))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
