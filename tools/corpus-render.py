#!/usr/bin/env python3
"""Render fixtures/corpus/ from the public projects it names.

  python3 tools/corpus-render.py [--mirrors DIR] [--only NAME ...]

Each corpus directory holds a master.cf (and a main.cf when the project
has one) as that project's installer leaves them on a host: copied as
they are, or, for templates, with their placeholders replaced the way
the installer replaces them, by plausible values (example.org names,
documentation addresses).  The upstream files are read with `git show
COMMIT:PATH` from local clones under the directory given with
--mirrors, named OWNER+NAME/repo; nothing is downloaded here.  Where an installer edits
with postconf(1), the installed postconf does the same edit on a scratch
copy (postconf -c DIR), so that the result is what it writes.  Where an
installer edits with a script of its own, that script is run from the
clone on a scratch copy (Mail-in-a-Box's tools/editconf.py); it is not
copied into this tree.

fixtures/corpus/SOURCES is written too: one entry per file, with the
repository, path, commit, licence and how the file was rendered.

Only configuration files are taken from the projects, never code.  The
output is committed; this tool is only needed to render it again.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fixtures", "corpus")
POSTCONF = shutil.which("postconf") or "/usr/sbin/postconf"
ENV = dict(os.environ, LC_ALL="C", LANG="C")
ENV.pop("MAIL_CONFIG", None)

MIRRORS = None

# Debian 12's installed files (Postfix 3.7.11), already fixtures of this
# tree: the base that iRedMail and Mail-in-a-Box edit on Debian/Ubuntu.
DEBIAN_MASTER = os.path.join(ROOT, "fixtures", "master", "debian-3.7.cf")
DEBIAN_MAIN = os.path.join(ROOT, "fixtures", "main", "debian.cf")
DEBIAN_NOTE = ("fixtures/master/debian-3.7.cf (Debian 12's installed "
               "/etc/postfix/master.cf, Postfix 3.7.11)")
DEBIAN_MAIN_NOTE = ("fixtures/main/debian.cf (the main.cf that Debian's "
                    "postfix package writes when installed)")


def die(msg):
    sys.exit("corpus-render: " + msg)


def mirror(repo):
    d = os.path.join(MIRRORS, repo.replace("/", "+"), "repo")
    if not os.path.isdir(d):
        die("no clone of %s at %s" % (repo, d))
    return d


def rev(repo, ref):
    return subprocess.run(["git", "-C", mirror(repo), "rev-parse",
                           ref + "^{commit}"], check=True,
                          stdout=subprocess.PIPE).stdout.decode().strip()


def show(repo, commit, path):
    return subprocess.run(["git", "-C", mirror(repo), "show",
                           "%s:%s" % (commit, path)], check=True,
                          stdout=subprocess.PIPE).stdout


def read(path):
    with open(path, "rb") as f:
        return f.read()


def postconf(d, *args):
    p = subprocess.run([POSTCONF, "-c", d] + list(args), env=ENV,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        die("postconf -c %s %s: %s" % (d, " ".join(args),
                                       p.stderr.decode()))
    return p.stdout.decode()


def subst(data, table):
    """Replace each placeholder (longest first, so that PH_SYS_USER_VMAIL
    does not eat PH_SYS_USER_VMAIL_UID) by its value."""
    text = data.decode("utf-8", "surrogateescape")
    for k in sorted(table, key=len, reverse=True):
        text = text.replace(k, table[k])
    return text.encode("utf-8", "surrogateescape")


class Scratch:
    """A scratch configuration directory for postconf edits."""

    def __init__(self, master, main):
        self.tmp = tempfile.TemporaryDirectory(prefix="corpus-render-")
        self.d = self.tmp.name
        self.put("master.cf", master)
        self.put("main.cf", main)

    def put(self, name, data):
        with open(os.path.join(self.d, name), "wb") as f:
            f.write(data)

    def get(self, name):
        return read(os.path.join(self.d, name))

    def close(self):
        self.tmp.cleanup()


# --------------------------------------------------------------------------
# the recipes: each returns [(file name, bytes, source entry dict)]

def src(repo, commit, path, licence, rendering):
    return {"repository": "https://github.com/" + repo, "path": path,
            "commit": commit, "licence": licence, "rendering": rendering}


def postfix_licence(repo, c):
    """As postfix/LICENSE at that commit states it."""
    text = show(repo, c, "postfix/LICENSE").decode("latin-1")
    if "dual-licensed" in text:
        return ("Eclipse Public License 2.0 or IBM Public License 1.0 "
                "(dual; postfix/LICENSE)")
    return "IBM Public License 1.0 (postfix/LICENSE)"
APPLE_LICENCE = ("IBM Public License 1.0 (postfix/LICENSE; "
                 "Postfix.OpenSourceInfo names it for the whole project)")


def apple(tag, master_path, main_path):
    """Apple's tags are commit subjects ("postfix-129") in its mirror."""
    repo = "apple-oss-distributions/postfix"
    c = subprocess.run(["git", "-C", mirror(repo), "log", "--all",
                        "--format=%H", "--grep=^%s$" % re.escape(tag)],
                       check=True, stdout=subprocess.PIPE
                       ).stdout.decode().split()[0]
    out = [("master.cf", show(repo, c, master_path),
            src(repo, c, master_path, APPLE_LICENCE, "copied as it is"))]
    if main_path:
        out.append(("main.cf", show(repo, c, main_path),
                    src(repo, c, main_path, APPLE_LICENCE,
                        "copied as it is")))
    return out


# postfix-install's install-time parameters, as it sets them with
# `postconf -c CONFIG_DIRECTORY -e name=value` on the installed main.cf
# (values of a Linux install from source with the defaults).
POSTFIX_INSTALL = [
    ("sendmail_path", "/usr/sbin/sendmail"),
    ("newaliases_path", "/usr/bin/newaliases"),
    ("mailq_path", "/usr/bin/mailq"),
    ("setgid_group", "postdrop"),
    ("html_directory", "no"),
    ("manpage_directory", "/usr/local/man"),
    ("sample_directory", "/etc/postfix"),
    ("readme_directory", "no"),
    ("shlib_directory", "no"),
]


def postfix_release(tag):
    repo = "vdukhovni/postfix"
    c = rev(repo, tag)
    master = show(repo, c, "postfix/conf/master.cf")
    main = show(repo, c, "postfix/conf/main.cf")
    present = set(re.findall(r"^([a-z_]+)[ \t]*=", main.decode("latin-1"),
                             re.M))
    sets = ["%s=%s" % (n, v) for n, v in POSTFIX_INSTALL if n in present]
    s = Scratch(master, main)
    postconf(s.d, "-e", *sets)
    main = s.get("main.cf")
    s.close()
    lic = postfix_licence(repo, c)
    return [("master.cf", master,
             src(repo, c, "postfix/conf/master.cf", lic,
                 "copied as it is (postfix-install installs it as it is)")),
            ("main.cf", main,
             src(repo, c, "postfix/conf/main.cf", lic,
                 "the install-time parameters that postfix-install sets "
                 "set the same way, `postconf -c DIR -e`: " +
                 ", ".join(sets)))]


# iRedMail's settings (conf/global, conf/postfix, conf/amavisd, ...) for a
# Debian 12 host with the MariaDB back end and the defaults of its
# installer; the host is mail.example.org.
IREDMAIL_PH = {
    "PH_QUEUE_DIRECTORY": "/var/spool/postfix",
    "PH_COMMAND_DIRECTORY": "/usr/sbin",
    "PH_DAEMON_DIRECTORY": "/usr/lib/postfix/sbin",
    "PH_DATA_DIRECTORY": "/var/lib/postfix",
    "PH_SENDMAIL_PATH": "/usr/sbin/sendmail",
    "PH_NEWALIASES_PATH": "/usr/bin/newaliases",
    "PH_MAILQ_PATH": "/usr/bin/mailq",
    "PH_MAIL_OWNER": "postfix",
    "PH_SETGID_GROUP": "postdrop",
    "PH_POSTFIX_DEFAULT_DB_TYPE": "hash",
    "PH_HOSTNAME": "mail.example.org",
    "PH_MESSAGE_SIZE_LIMIT_BYTES": "15728640",
    "PH_STORAGE_BASE_DIR": "/var/vmail",
    "PH_SYS_USER_VMAIL_UID": "2000",
    "PH_SYS_GROUP_VMAIL_GID": "2000",
    "PH_SSL_DH512_PARAM_FILE": "/etc/ssl/dh512_param.pem",
    "PH_SSL_DH1024_PARAM_FILE": "/etc/ssl/dh2048_param.pem",
    "PH_SSL_CERT_FILE": "/etc/ssl/certs/iRedMail.crt",
    "PH_SSL_KEY_FILE": "/etc/ssl/private/iRedMail.key",
    "PH_SSL_CERT_DIR": "/etc/ssl/certs",
    "PH_SSL_CA_FILE": "/etc/ssl/certs/iRedMail.crt",
    "PH_POSTFIX_FILE_ALIASES": "/etc/postfix/aliases",
    "PH_POSTFIX_FILE_HELO_ACCESS": "/etc/postfix/helo_access.pcre",
    "PH_POSTFIX_FILE_HEADER_CHECKS": "/etc/postfix/header_checks",
    "PH_POSTFIX_FILE_BODY_CHECKS": "/etc/postfix/body_checks.pcre",
    "PH_POSTFIX_FILE_SENDER_ACCESS": "/etc/postfix/sender_access.pcre",
    "PH_POSTFIX_FILE_SMTPD_COMMAND_FILTER":
        "/etc/postfix/command_filter.pcre",
    "PH_IREDAPD_SERVER_ADDRESS": "127.0.0.1",
    "PH_IREDAPD_LISTEN_PORT": "7777",
    "PH_IREDAPD_SRS_FORWARD_PORT": "7778",
    "PH_IREDAPD_SRS_REVERSE_PORT": "7779",
    "PH_DOVECOT_SERVICE_QUOTA_STATUS_PORT": "12340",
    "PH_POSTFIX_LOOKUP_DIR": "/etc/postfix/mysql",
    "PH_DOVECOT_SASL_AUTH_SOCKET": "private/dovecot-auth",
    "PH_TRANSPORT": "dovecot",
    # master.cf
    "PH_SMTP_SERVER": "127.0.0.1",
    "PH_AMAVISD_CONTENT_FILTER_ORIGINATING": "smtp-amavis:[127.0.0.1]:10026",
    "PH_SYS_USER_VMAIL": "vmail",
    "PH_SYS_GROUP_VMAIL": "vmail",
    "PH_LOCAL_ADDRESS": "127.0.0.1",
    "PH_AMAVISD_MAX_SERVERS": "2",
    "PH_AMAVISD_MYNETWORKS": "127.0.0.0/8",
    "PH_POSTFIX_MAIL_REINJECT_PORT": "10025",
    "PH_AMAVISD_ORIGINATING_PORT": "10026",
    "PH_POSTFIX_MLMMJ_REINJECT_PORT": "10028",
    "PH_DOVECOT_DELIVER_BIN": "/usr/lib/dovecot/deliver",
    "PH_SYS_USER_MLMMJ": "mlmmj",
    "PH_SYS_GROUP_MLMMJ": "mlmmj",
    "PH_CMD_MLMMJ_AMIME_RECEIVE": "/usr/bin/mlmmj-amime-receive",
    "PH_MLMMJ_SPOOL_DIR": "/var/vmail/mlmmj",
}


def iredmail():
    repo = "iredmail/iRedMail"
    c = rev(repo, "HEAD")
    lic = "GPL-3.0 (LICENSE)"
    s_master = show(repo, c, "samples/postfix/master.cf")
    s_main = show(repo, c, "samples/postfix/main.cf")
    s_mysql = show(repo, c, "samples/postfix/main.cf.mysql")
    s_dovecot = show(repo, c, "samples/postfix/main.cf.dovecot")
    # functions/postfix.sh: cp main.cf; cat master.cf >> master.cf; the
    # PH_* substitutions; IPv4 only (inet_protocols); compatibility level
    main = s_main
    if not main.endswith(b"\n"):
        main += b"\n"
    main += s_mysql                     # main.cf.${POSTFIX_LOOKUP_DB}
    main += s_dovecot                   # functions/dovecot.sh
    master = read(DEBIAN_MASTER) + s_master
    master = subst(master, IREDMAIL_PH)
    main = subst(main, IREDMAIL_PH)
    main = re.sub(rb"(?m)^(inet_protocols.*=).*", rb"\1 ipv4", main)
    # smtp inet ... n ... n ... smtpd: the chroot column to '-'
    master = re.sub(rb"(?m)^(smtp.*inet)(.*)(n)(.*)(n)(.*smtpd)$",
                    rb"\1\2\3\4-\6", master)
    s = Scratch(master, main)
    postconf(s.d, "-e", "compatibility_level=3.6")
    # content_filter on pickup
    line = [l for l in postconf(s.d, "-M").split("\n")
            if l.startswith("pickup")][0]
    postconf(s.d, "-M", "pickup/unix=" + " ".join(line.split()))
    postconf(s.d, "-P",
             "pickup/unix/content_filter=smtp-amavis:[127.0.0.1]:10026")
    # Postfix 3: chroot=n on every entry
    for l in postconf(s.d, "-Mf").split("\n"):
        if re.match(r"[0-9a-zA-Z]", l):
            f = l.split()
            postconf(s.d, "-F", "%s/%s/chroot=n" % (f[0], f[1]))
    master, main = s.get("master.cf"), s.get("main.cf")
    s.close()
    how = ("the steps of functions/postfix.sh and functions/dovecot.sh for "
           "a Debian 12 host with MariaDB: ")
    return [("master.cf", master,
             src(repo, c, "samples/postfix/master.cf", lic, how +
                 "appended to " + DEBIAN_NOTE + "; PH_* placeholders "
                 "replaced (tools/corpus-render.py IREDMAIL_PH); the smtp "
                 "inet chroot column set to '-' (its perl edit); `postconf "
                 "-M pickup/unix=...` and `postconf -P "
                 "pickup/unix/content_filter=smtp-amavis:[127.0.0.1]:10026`; "
                 "`postconf -F NAME/TYPE/chroot=n` for every entry")),
            ("main.cf", main,
             src(repo, c, "samples/postfix/main.cf + main.cf.mysql + "
                 "main.cf.dovecot", lic, how + "the three samples "
                 "concatenated; PH_* placeholders replaced; inet_protocols "
                 "= ipv4; `postconf -e compatibility_level=3.6`"))]


# Mail-in-a-Box: the tools/editconf.py calls on /etc/postfix of
# setup/mail-postfix.sh, mail-users.sh and dkim.sh, in the order start.sh
# runs them, for box.example.com.
MIAB_VARS = {"PRIVATE_IP": "192.0.2.10", "PRIVATE_IPV6": "2001:db8::10",
             "PRIMARY_HOSTNAME": "box.example.com",
             "STORAGE_ROOT": "/home/user-data"}


def miab_calls(script_text):
    """The editconf.py calls on /etc/postfix files in a setup script, as
    argument lists, with the shell's quoting and the variables above."""
    import shlex
    calls = []
    lines = script_text.split("\n")
    i = 0
    while i < len(lines):
        if re.match(r"\s*tools/editconf.py /etc/postfix/", lines[i]):
            cmd = lines[i]
            while True:
                if cmd.rstrip().endswith("\\"):
                    i += 1                      # backslash-newline
                    cmd = cmd.rstrip()[:-1] + lines[i]
                elif len(re.findall(r'(?<!\\)"', cmd)) % 2:
                    i += 1                      # inside "...": newline kept
                    cmd += "\n" + lines[i]
                else:
                    break
            for k, v in sorted(MIAB_VARS.items(), key=lambda kv:
                               -len(kv[0])):      # PRIVATE_IPV6 first
                cmd = cmd.replace('"$%s"' % k, v).replace("$" + k, v)
            cmd = cmd.replace("\\$", "$")       # bash: \$ is $ in "..."
            calls.append(shlex.split(cmd)[1:])
        i += 1
    return calls


def mailinabox():
    repo = "mail-in-a-box/mailinabox"
    c = rev(repo, "HEAD")
    lic = "CC0 1.0 (LICENSE)"
    s = Scratch(read(DEBIAN_MASTER), read(DEBIAN_MAIN))
    tool = os.path.join(s.d, "editconf.py")
    s.put("editconf.py", show(repo, c, "tools/editconf.py"))
    n = 0
    for script in ("setup/mail-postfix.sh", "setup/mail-users.sh",
                   "setup/dkim.sh"):
        for args in miab_calls(show(repo, c, script).decode()):
            path = args[0].replace("/etc/postfix", s.d)
            subprocess.run([sys.executable, tool, path] + args[1:],
                           check=True, env=ENV)
            n += 1
    master, main = s.get("master.cf"), s.get("main.cf")
    s.close()
    how = ("%d `tools/editconf.py /etc/postfix/...` calls of "
           "setup/mail-postfix.sh, mail-users.sh and dkim.sh run (the "
           "project's editconf.py, from the same commit, on a scratch copy) "
           "with PRIMARY_HOSTNAME=box.example.com, PRIVATE_IP=192.0.2.10, "
           "PRIVATE_IPV6=2001:db8::10, STORAGE_ROOT=/home/user-data, on " % n)
    return [("master.cf", master,
             src(repo, c, "setup/mail-postfix.sh", lic, how + DEBIAN_NOTE)),
            ("main.cf", main,
             src(repo, c, "setup/mail-postfix.sh, setup/mail-users.sh, "
                 "setup/dkim.sh", lic, how + DEBIAN_MAIN_NOTE))]


def plain(repo, ref, master_path, main_path, lic, how="copied as it is"):
    c = rev(repo, ref)
    out = [("master.cf", show(repo, c, master_path),
            src(repo, c, master_path, lic, how))]
    if main_path:
        out.append(("main.cf", show(repo, c, main_path),
                    src(repo, c, main_path, lic, how)))
    return out


# Mailu's core/postfix/start.py renders its conf/*.cf with Jinja2 from
# the environment of the container (mailu.env of its setup utility).
MAILU_ENV = {
    "DOMAIN": "mailu.example.org",
    "HOSTNAMES": "mail.mailu.example.org,mx.mailu.example.org",
    "MESSAGE_SIZE_LIMIT": "50000000",
    "SUBNET": "192.168.203.0/24",
    "RELAYHOST": "",
    "RECIPIENT_DELIMITER": "+",
    "FRONT_ADDRESS": "192.168.203.6",
    "ANTISPAM_ADDRESS": "192.168.203.8",
    "OUTBOUND_TLS_LEVEL": "",
}


def mailu():
    import jinja2
    repo = "Mailu/Mailu"
    c = rev(repo, "HEAD")
    lic = "MIT (LICENSE.md)"
    env = jinja2.Environment()
    out = []
    for name in ("master.cf", "main.cf"):
        path = "core/postfix/conf/" + name
        t = env.from_string(show(repo, c, path).decode())
        data = t.render(**MAILU_ENV).encode()
        out.append((name, data, src(
            repo, c, path, lic, "rendered with Jinja2 as core/postfix/"
            "start.py does, from DOMAIN=mailu.example.org, HOSTNAMES="
            "mail.mailu.example.org,mx.mailu.example.org, "
            "MESSAGE_SIZE_LIMIT=50000000, SUBNET=192.168.203.0/24, "
            "FRONT_ADDRESS=192.168.203.6, ANTISPAM_ADDRESS=192.168.203.8, "
            "RECIPIENT_DELIMITER=+, RELAYHOST empty, the rest unset")))
    return out


# Proxmox Mail Gateway writes main.cf and master.cf from
# src/templates/*.in with Perl's Template Toolkit (PMG::Config,
# rewrite_config_file); the same module renders them here
# (apt-get install libtemplate-perl), from the defaults of PMG::Config's
# mail section with TLS on, for pmg.example.org on 192.0.2.20.
PMG_VARS = {
    "pmg": {"mail": {
        "int_port": 26, "ext_port": 25, "relayprotocol": "smtp",
        "relayport": 25, "relaynomx": 0, "smarthostport": 25,
        "banner": "ESMTP Proxmox", "max_filters": 15, "max_policy": 5,
        "max_smtpd_in": 100, "max_smtpd_out": 100, "conn_count_limit": 50,
        "conn_rate_limit": 0, "message_rate_limit": 0, "hide_received": 0,
        "maxsize": 10485760, "dwarning": 4, "tls": 1, "tlslog": 0,
        "tlsheader": 0, "spf": 1, "greylist": 1, "helotests": 0,
        "rejectunknown": 0, "rejectunknownsender": 0,
        "dnsbl_threshold": 1, "before_queue_filtering": 0,
        "ndr_on_block": 0, "smtputf8": 1, "filter-timeout": 600}},
    "postfix": {"mynetworks": "127.0.0.0/8 192.0.2.0/24",
                "transportnets": "", "dnsbl_sites": "",
                "dnsbl_threshold": 1, "usepolicy": 1,
                "int_ip": "192.0.2.20"},
    "dns": {"hostname": "pmg", "domain": "example.org"},
}

TT_RENDER = r"""
use strict; use Template; use JSON::PP;
local $/; my $in = decode_json(<STDIN>);
my $tt = Template->new({});
my $out = '';
$tt->process(\$in->{template}, $in->{vars}, \$out) or die $tt->error();
print $out;
"""


def proxmox():
    import json
    repo = "proxmox/pmg-api"
    c = rev(repo, "HEAD")
    lic = "AGPL-3.0-or-later (debian/copyright)"
    out = []
    for name in ("master.cf", "main.cf"):
        path = "src/templates/%s.in" % name
        doc = json.dumps({"template": show(repo, c, path).decode(),
                          "vars": PMG_VARS})
        p = subprocess.run(["perl", "-e", TT_RENDER], input=doc.encode(),
                           stdout=subprocess.PIPE, check=True)
        out.append((name, p.stdout, src(
            repo, c, path, lic, "rendered with Perl's Template Toolkit as "
            "PMG::Config does, from the defaults of its mail section "
            "(int_port 26, ext_port 25, max_filters 15, max_smtpd_in/out "
            "100, maxsize 10485760, before_queue_filtering 0) with tls = "
            "1, for pmg.example.org, int_ip 192.0.2.20, mynetworks "
            "127.0.0.0/8 192.0.2.0/24 (tools/corpus-render.py PMG_VARS)")))
    return out


# Modoboa's installer (modoboa_installer/scripts/postfix.py) fills its
# templates with string.Template, '%' as the delimiter, and writes a
# first line "# This file was automatically installed on <time>".  Its
# defaults: antispam amavis (so rspamd off), dovecot and opendkim on,
# PostgreSQL, dhe_group 4096; the host is mail.example.org.
MODOBOA_CTX = {
    "amavis_enabled": "", "rspamd_enabled": "#", "rspamd_disabled": "",
    "dovecot_enabled": "", "opendkim_enabled": "", "opendkim_port": "12345",
    "db_driver": "pgsql", "dhe_group": "4096",
    "hostname": "mail.example.org", "message_size_limit": "11534336",
    "tls_cert_file": "/etc/ssl/certs/mail.example.org.cert",
    "tls_key_file": "/etc/ssl/private/mail.example.org.key",
    "dovecot_mailboxes_owner": "vmail",
}


def modoboa():
    import string

    class Tpl(string.Template):
        delimiter = "%"
    repo = "modoboa/modoboa-installer"
    c = rev(repo, "HEAD")
    lic = "MIT (LICENSE)"
    out = []
    for name in ("master.cf", "main.cf"):
        path = "modoboa_installer/scripts/files/postfix/%s.tpl" % name
        text = Tpl(show(repo, c, path).decode()).substitute(MODOBOA_CTX)
        text = ("# This file was automatically installed on "
                "2026-05-04T10:00:00.000000\n" + text)
        out.append((name, text.encode(), src(
            repo, c, path, lic, "filled as modoboa_installer/utils.py "
            "copy_from_template does (string.Template, delimiter '%', a "
            "first line with the time), with the installer's defaults: "
            "amavis on, rspamd off, dovecot and opendkim on (port 12345), "
            "db_driver pgsql, dhe_group 4096, hostname mail.example.org, "
            "message_size_limit 11534336 (tools/corpus-render.py "
            "MODOBOA_CTX)")))
    return out


# Virtualmin (Virtualmin-Config's lib/Virtualmin/Config/Plugin/Postfix.pm)
# on Debian 12: main.cf through Webmin's postfix module, whose
# set_current_value runs `postconf -c DIR -e name="value"` (a value equal
# to Postfix's default is not written unless forced); master.cf through
# the same module: modify_master replaces the live smtp inet entry by one
# line, its fields and command joined by tabs, with " -o
# smtpd_sasl_auth_enable=yes -o smtpd_tls_security_level=may" added to the
# command, and create_master appends such lines for a submission entry
# and an smtps entry (with -o smtpd_tls_wrappermode=yes) at the end.
VIRTUALMIN_MAIN = [
    # (name, value, forced)
    ("virtual_alias_maps", "hash:/etc/postfix/virtual", True),
    ("sender_bcc_maps", "hash:/etc/postfix/bcc", False),
    ("sender_dependent_default_transport_maps",
     "hash:/etc/postfix/dependent", False),
    ("mailbox_command",
     "/usr/bin/procmail-wrapper -o -a $DOMAIN -d $LOGNAME", True),
    ("home_mailbox", "Maildir/", True),
    ("inet_interfaces", "all", True),
    ("smtpd_sasl_auth_enable", "yes", True),
    ("smtpd_tls_security_level", "may", True),
    ("smtpd_sasl_security_options", "noanonymous", True),
    ("broken_sasl_auth_clients", "yes", True),
    ("smtpd_recipient_restrictions",
     "permit_mynetworks permit_sasl_authenticated reject_unauth_destination",
     True),
    ("smtp_tls_security_level", "dane", True),
    ("smtp_dns_support_level", "dnssec", True),
    ("smtp_host_lookup", "dns", True),
    ("mailbox_size_limit", "0", False),
    ("allow_percent_hack", "no", False),
    ("resolve_dequoted_address", "no", True),
]


def virtualmin():
    repo = "virtualmin/Virtualmin-Config"
    c = rev(repo, "HEAD")
    lic = "GPL-3.0 (LICENSE)"
    s = Scratch(read(DEBIAN_MASTER), read(DEBIAN_MAIN))
    for name, value, forced in VIRTUALMIN_MAIN:
        if not forced and postconf(s.d, "-dh", name).strip() == value:
            continue
        postconf(s.d, "-e", "%s=%s" % (name, value))
    lines = s.get("master.cf").decode().split("\n")
    tail = lines.pop() if lines[-1] == "" else None
    k = [i for i, l in enumerate(lines)
         if re.match(r"smtp\s+inet\s", l)][0]
    f = lines[k].split(None, 7)
    cmd = f[7] + " -o smtpd_sasl_auth_enable=yes -o " \
        "smtpd_tls_security_level=may"
    lines[k] = "\t".join(f[:7] + [cmd])
    lines.append("\t".join(["submission"] + f[1:7] + [cmd]))
    lines.append("\t".join(["smtps"] + f[1:7] +
                           [cmd + " -o smtpd_tls_wrappermode=yes"]))
    if tail is not None:
        lines.append(tail)
    master = "\n".join(lines).encode()
    main = s.get("main.cf")
    s.close()
    how = ("Plugin/Postfix.pm's steps through Webmin's postfix module "
           "(postfix/postfix-lib.pl of https://github.com/webmin/webmin, "
           "as read at commit 02129563360788f1e5a47a7731095df3b0b1419c: "
           "set_current_value, modify_master, create_master, master_line) "
           "on ")
    return [("master.cf", master,
             src(repo, c, "lib/Virtualmin/Config/Plugin/Postfix.pm", lic,
                 how + DEBIAN_NOTE + ": the smtp inet line rewritten with "
                 "two -o added, submission and smtps appended (tab-joined "
                 "lines)")),
            ("main.cf", main,
             src(repo, c, "lib/Virtualmin/Config/Plugin/Postfix.pm", lic,
                 how + DEBIAN_MAIN_NOTE + ": `postconf -c DIR -e` for each "
                 "value it sets (tools/corpus-render.py VIRTUALMIN_MAIN)"))]


# Zimbra's zmconfigd writes master.cf from conf/postfix/master.cf.in:
# "%%uncomment COND%%" becomes "" when COND holds and "#" otherwise,
# "%%attribute%%" its value.  A single-server install with the defaults:
# opendkim and antispam on, postjournal and policyd off, no separate
# submission certificate; main.cf is installed as it is (zmconfigd then
# sets values with postconf -e at run time).
ZIMBRA_COND = {"SERVICE:opendkim": True, "SERVICE:antispam": True,
               "SERVICE:!antispam": False, "LOCAL:postjournal_enabled": False,
               "VAR:zimbraMtaEnableSmtpdPolicyd": False,
               "LOCAL:postfix_submission_smtpd_tls_key_file": False,
               "LOCAL:postfix_submission_smtpd_tls_cert_file": False}
ZIMBRA_VAR = {"zimbraLocalBindAddress": "127.0.0.1",
              "zimbraMtaTlsSecurityLevel": "may",
              "zimbraMtaSaslAuthEnable": "yes",
              "zimbraAmavisMaxServers": "10"}
ZIMBRA_LOCAL = {
    "postfix_submission_smtpd_tls_key_file": "/opt/zimbra/conf/smtpd.key",
    "postfix_submission_smtpd_tls_cert_file": "/opt/zimbra/conf/smtpd.crt"}


def zimbra():
    repo = "Zimbra/zm-postfix"
    c = rev(repo, "HEAD")
    lic = "not stated in the repository"
    text = show(repo, c, "conf/postfix/master.cf.in").decode()

    def cond(m):
        if m.group(1) not in ZIMBRA_COND:
            die("zimbra: unknown condition " + m.group(1))
        return "" if ZIMBRA_COND[m.group(1)] else "#"
    text = re.sub(r"%%uncomment ([^%]+)%%", cond, text)
    text = re.sub(r"%%([A-Za-z]+)%%", lambda m: ZIMBRA_VAR[m.group(1)], text)
    text = re.sub(r"@@([a-z_]+)@@", lambda m: ZIMBRA_LOCAL[m.group(1)], text)
    how = ("filled as zmconfigd fills it: %%uncomment COND%% made '' or "
           "'#', %%attribute%% replaced (tools/corpus-render.py ZIMBRA_*: "
           "opendkim and antispam on, postjournal and policyd off, "
           "zimbraMtaTlsSecurityLevel may, zimbraLocalBindAddress "
           "127.0.0.1)")
    return [("master.cf", text.encode(),
             src(repo, c, "conf/postfix/master.cf.in", lic, how)),
            ("main.cf", show(repo, c, "conf/postfix/main.cf"),
             src(repo, c, "conf/postfix/main.cf", lic, "copied as it is"))]


# Puppet's template() and Chef's template resource render ERB with
# trim mode '-'; Ruby's own ERB does the same here (apt-get install ruby).
ERB_RENDER = r"""
require 'erb'; require 'json'
input = JSON.parse(STDIN.read)
obj = Object.new
input['vars'].each { |k, v| obj.instance_variable_set('@' + k, v) }
b = obj.instance_eval { binding }
print ERB.new(input['template'], trim_mode: '-').result(b)
"""


def erb(template, variables):
    import json
    doc = json.dumps({"template": template, "vars": variables})
    p = subprocess.run(["ruby", "-e", ERB_RENDER], input=doc.encode(),
                       stdout=subprocess.PIPE, check=True)
    return p.stdout


# voxpupuli/puppet-postfix on Debian with the class's defaults:
# master.cf = template('postfix/master.cf.debian.erb',
# 'postfix/master.cf.common.erb') (smtp_listen 127.0.0.1, chroot unset so
# jail 'n'); main.cf = files/main.cf, then postfix::config (Augeas's
# Postfix_Main lens, which appends "name = value") for alias_maps,
# inet_interfaces, inet_protocols and myorigin.
PUPPET_VARS = {"smtp_listen": "127.0.0.1", "jail": "n", "mail_user": "vmail",
               "master_bounce_command": "bounce",
               "master_defer_command": "bounce", "master_entries": [],
               "use_amavisd": False, "use_dovecot_lda": False,
               "use_schleuder": False, "use_sympa": False,
               "amavis_procs": 2}


def puppet():
    repo = "voxpupuli/puppet-postfix"
    c = rev(repo, "HEAD")
    lic = "Apache-2.0 (LICENSE)"
    master = b"".join(erb(show(repo, c, t).decode(), PUPPET_VARS) for t in (
        "templates/master.cf.debian.erb", "templates/master.cf.common.erb"))
    main = show(repo, c, "files/main.cf")
    main += (b"alias_maps = hash:/etc/aliases\ninet_interfaces = all\n"
             b"inet_protocols = all\nmyorigin = host.example.org\n")
    return [("master.cf", master, src(
                repo, c, "templates/master.cf.debian.erb + "
                "templates/master.cf.common.erb", lic, "rendered with Ruby's "
                "ERB (trim mode '-') as Puppet's template() does, with the "
                "class's defaults on Debian: smtp_listen 127.0.0.1, jail n, "
                "mail_user vmail, no amavisd/dovecot/schleuder/sympa "
                "(tools/corpus-render.py PUPPET_VARS)")),
            ("main.cf", main, src(
                repo, c, "files/main.cf", lic, "the file, then the four "
                "postfix::config resources of manifests/files.pp with their "
                "defaults (alias_maps, inet_interfaces, inet_protocols, "
                "myorigin = host.example.org), appended as Augeas writes "
                "them"))]


# sous-chefs/postfix with submission switched on (node['postfix']['master']
# ['submission']['active'] = true, as its README shows), on Debian, node
# node1.example.org; the settings are those of libraries/helpers.rb
# (postfix_default_main_settings, postfix_derived_main_settings and
# postfix_default_master_settings), written out here as data.
def chef_settings():
    main = {
        "biff": "no", "append_dot_mydomain": "no",
        "myhostname": "node1.example.org", "mydomain": "example.org",
        "myorigin": "$myhostname",
        "mydestination": ["node1.example.org", "node1",
                          "localhost.localdomain", "localhost"],
        "smtpd_use_tls": "yes", "smtp_use_tls": "yes",
        "smtpd_tls_mandatory_protocols": "!SSLv2,!SSLv3",
        "smtp_tls_mandatory_protocols": "!SSLv2,!SSLv3",
        "smtpd_tls_protocols": "!SSLv2,!SSLv3",
        "smtp_tls_protocols": "!SSLv2,!SSLv3",
        "smtp_sasl_auth_enable": "no", "mailbox_size_limit": 0,
        "mynetworks": None, "inet_interfaces": "loopback-only",
        "default_database_type": "hash",
        "alias_database": "hash:/etc/aliases",
        "alias_maps": "hash:/etc/aliases",
        "smtpd_tls_cert_file": "/etc/ssl/certs/ssl-cert-snakeoil.pem",
        "smtpd_tls_key_file": "/etc/ssl/private/ssl-cert-snakeoil.key",
        "smtpd_tls_CAfile": "/etc/ssl/certs/ca-certificates.crt",
        "smtpd_tls_session_cache_database":
            "btree:${data_directory}/smtpd_scache",
        "smtp_tls_CAfile": "/etc/ssl/certs/ca-certificates.crt",
        "smtp_tls_session_cache_database":
            "btree:${data_directory}/smtp_scache",
        "maildrop_destination_recipient_limit": 1,
        "cyrus_destination_recipient_limit": 1,
    }
    S = lambda **kw: kw                                       # noqa: E731
    master = {
        "smtp": S(active=True, order=10, type="inet", private=False,
                  chroot=False, command="smtpd", args=[]),
        "submission": S(active=True, order=20, type="inet", private=False,
                        chroot=False, command="smtpd", args=[
                            "-o smtpd_enforce_tls=yes",
                            " -o smtpd_sasl_auth_enable=yes",
                            "-o smtpd_client_restrictions="
                            "permit_sasl_authenticated,reject"]),
        "smtps": S(active=False, order=30, type="inet", private=False,
                   chroot=False, command="smtpd", args=[
                       "-o smtpd_tls_wrappermode=yes",
                       "-o smtpd_sasl_auth_enable=yes",
                       "-o smtpd_client_restrictions="
                       "permit_sasl_authenticated,reject"]),
        "628": S(active=False, order=40, type="inet", private=False,
                 chroot=False, command="qmqpdd", args=[]),
        "pickup": S(active=True, order=50, type="fifo", private=False,
                    chroot=False, wakeup="60", maxproc="1",
                    command="pickup", args=[]),
        "cleanup": S(active=True, order=60, type="unix", private=False,
                     chroot=False, maxproc="0", command="cleanup", args=[]),
        "qmgr": S(active=True, order=70, type="fifo", private=False,
                  chroot=False, wakeup="300", maxproc="1", command="qmgr",
                  args=[]),
        "tlsmgr": S(active=True, order=80, type="unix", chroot=False,
                    wakeup="1000?", maxproc="1", command="tlsmgr", args=[]),
        "rewrite": S(active=True, order=90, type="unix", chroot=False,
                     command="trivial-rewrite", args=[]),
        "bounce": S(active=True, order=100, type="unix", chroot=False,
                    maxproc="0", command="bounce", args=[]),
        "defer": S(active=True, order=110, type="unix", chroot=False,
                   maxproc="0", command="bounce", args=[]),
        "trace": S(active=True, order=120, type="unix", chroot=False,
                   maxproc="0", command="bounce", args=[]),
        "verify": S(active=True, order=130, type="unix", chroot=False,
                    maxproc="1", command="verify", args=[]),
        "flush": S(active=True, order=140, type="unix", private=False,
                   chroot=False, wakeup="1000?", maxproc="0",
                   command="flush", args=[]),
        "proxymap": S(active=True, order=150, type="unix", chroot=False,
                      command="proxymap", args=[]),
        "smtpunix": S(service="smtp", active=True, order=160, type="unix",
                      chroot=False, maxproc="500", command="smtp", args=[]),
        "relay": S(active=True, comment="When relaying mail as backup MX, "
                   "disable fallback_relay to avoid MX loops", order=170,
                   type="unix", chroot=False, command="smtp",
                   args=["-o smtp_fallback_relay="]),
        "showq": S(active=True, order=180, type="unix", private=False,
                   chroot=False, command="showq", args=[]),
        "error": S(active=True, order=190, type="unix", chroot=False,
                   command="error", args=[]),
        "discard": S(active=True, order=200, type="unix", chroot=False,
                     command="discard", args=[]),
        "local": S(active=True, order=210, type="unix", unpriv=False,
                   chroot=False, command="local", args=[]),
        "virtual": S(active=True, order=220, type="unix", unpriv=False,
                     chroot=False, command="virtual", args=[]),
        "lmtp": S(active=True, order=230, type="unix", chroot=False,
                  command="lmtp", args=[]),
        "anvil": S(active=True, order=240, type="unix", chroot=False,
                   maxproc="1", command="anvil", args=[]),
        "scache": S(active=True, order=250, type="unix", chroot=False,
                    maxproc="1", command="scache", args=[]),
        "maildrop": S(active=True, comment="See the Postfix MAILDROP_README "
                      "file for details. To main.cf will be added: "
                      "maildrop_destination_recipient_limit=1", order=510,
                      type="unix", unpriv=False, chroot=False,
                      command="pipe", args=[
                          "flags=DRhu user=vmail argv=/usr/local/bin/maildrop"
                          " -d ${recipient}"]),
        "cyrus": S(active=True, comment="Cyrus 2.1.5 (Amos Gouaux). To "
                   "main.cf will be added: cyrus_destination_recipient_limit"
                   "=1", order=530, type="unix", unpriv=False, chroot=False,
                   command="pipe", args=[
                       "user=cyrus argv=/usr/lib/cyrus-imapd/deliver -e -r "
                       "${sender} -m ${extension} ${user}"]),
        "uucp": S(active=True, comment="See the Postfix UUCP_README file for "
                  "configuration details.", order=540, type="unix",
                  unpriv=False, chroot=False, command="pipe", args=[
                      "flags=Fqhu user=uucp argv=uux -r -n -z -a$sender - "
                      "$nexthop!rmail ($recipient)"]),
        "bsmtp": S(active=True, order=560, type="unix", unpriv=False,
                   chroot=False, command="pipe", args=[
                       "flags=Fq. user=foo argv=/usr/local/sbin/bsmtp -f "
                       "$sender $nexthop $recipient"]),
    }
    return main, master


def chef():
    repo = "sous-chefs/postfix"
    c = rev(repo, "HEAD")
    lic = "Apache-2.0 (LICENSE)"
    main_s, master_s = chef_settings()
    how = ("rendered with Ruby's ERB (trim mode '-') as Chef's template "
           "resource does, with the settings of libraries/helpers.rb for "
           "a Debian node node1.example.org and submission switched on "
           "(tools/corpus-render.py chef_settings)")
    return [("master.cf", erb(show(repo, c, "templates/master.cf.erb")
                              .decode(), {"settings": master_s}),
             src(repo, c, "templates/master.cf.erb", lic, how)),
            ("main.cf", erb(show(repo, c, "templates/main.cf.erb").decode(),
                            {"settings": main_s, "mail_type": "client"}),
             src(repo, c, "templates/main.cf.erb", lic, how))]


# saltstack-formulas/postfix-formula with its pillar.example as the
# pillar, on Debian: Salt renders postfix/files/{main,master}.cf with
# Jinja2 (the "do" extension), salt['pillar.get'], the map (defaults.yaml
# and osfamilymap.yaml's Debian entry) as `postfix`, and services.yaml as
# postfix_master_services.
def salt():
    import jinja2
    import yaml
    repo = "saltstack-formulas/postfix-formula"
    c = rev(repo, "HEAD")
    lic = "Apache-2.0 (LICENSE)"
    # pillar.example ends with a second, alternative "postfix:" block (a
    # separate example); the pillar is the first one
    text = show(repo, c, "pillar.example").decode()
    second = [m.start() for m in re.finditer(r"(?m)^postfix:", text)][1:]
    pillar = yaml.safe_load(text[:second[0]] if second else text)
    # Two services of the example would make a master.cf that Postfix
    # refuses: submission's args hold "-o smtpd_client_restrictions:
    # permit_sasl_authenticated,reject" (':' for '='), and custom-mda has
    # no type.  They are left out; submission comes from the example's
    # other, backwards-compatible form (enable_submission and its
    # submission: options), which the template also supports.
    mc = pillar["postfix"]["master_config"]
    del mc["services"]["submission"], mc["services"]["custom-mda"]
    mc["enable_submission"] = True
    postfix = yaml.safe_load(show(repo, c, "postfix/defaults.yaml"))
    postfix = postfix["postfix"]
    postfix.update(yaml.safe_load(show(repo, c, "postfix/osfamilymap.yaml"))
                   ["Debian"])
    services = yaml.safe_load(show(repo, c, "postfix/services.yaml"))

    def pillar_get(key, default=""):
        cur = pillar
        for k in key.split(":"):
            if not isinstance(cur, dict) or k not in cur:
                return default
            cur = cur[k]
        return cur
    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    out = []
    for name in ("master.cf", "main.cf"):
        path = "postfix/files/" + name
        t = env.from_string(show(repo, c, path).decode())
        data = t.render(salt={"pillar.get": pillar_get}, postfix=postfix,
                        postfix_master_services=services,
                        grains={"fqdn": "mx1.example.org",
                                "domain": "example.org"}).encode()
        if not data.endswith(b"\n"):
            data += b"\n"          # Salt's file.managed adds it
        out.append((name, data, src(
            repo, c, path, lic, "rendered with Jinja2 as Salt's "
            "file.managed (template: jinja) does, with pillar.example as "
            "the pillar (its first postfix: block; the second is an "
            "alternative example), except that its services submission "
            "(an -o with ':' for '=') and custom-mda (no type) are left "
            "out and enable_submission is true, so that submission comes "
            "from the example's submission: options, the map for Debian "
            "(defaults.yaml, "
            "osfamilymap.yaml), services.yaml, and the grains fqdn "
            "mx1.example.org, domain example.org")))
    return out


# servisys/ispconfig_setup: distros/debian11/install_postfix.sh edits
# Debian's master.cf with sed.  There is no distros/debian12/ version of
# that script, and install.sh suggests setting DISTRO to a supported
# release: so these are its sed lines run by bash (from the clone, on a
# scratch copy) over Debian 12's master.cf, as on a Debian 12 host
# installed with DISTRO=debian11.  The #smtps line they look for is
# #submissions there, so the smtps -o lines are uncommented under a
# header that stays commented (the project's issue #337).
def ispconfig():
    repo = "servisys/ispconfig_setup"
    c = rev(repo, "HEAD")
    lic = "GPL-3.0 (LICENSE)"
    path = "distros/debian11/install_postfix.sh"
    script = show(repo, c, path).decode()
    seds = [l.strip() for l in script.split("\n")
            if re.match(r"\s*sed -i .* /etc/postfix/master\.cf$", l)]
    s = Scratch(read(DEBIAN_MASTER), read(DEBIAN_MAIN))
    for cmd in seds:
        cmd = cmd.replace("/etc/postfix/master.cf",
                          os.path.join(s.d, "master.cf"))
        subprocess.run(["bash", "-c", cmd], check=True, env=ENV)
    master = s.get("master.cf")
    s.close()
    return [("master.cf", master, src(
        repo, c, path, lic, "its %d `sed -i ... /etc/postfix/master.cf` "
        "lines run by bash over %s, as on a Debian 12 host installed with "
        "DISTRO=debian11 (there is no distros/debian12/install_postfix.sh)"
        % (len(seds), DEBIAN_NOTE))),
        ("main.cf", read(DEBIAN_MAIN), {
            "repository": "(none: Debian's postfix package)",
            "path": "fixtures/main/debian.cf", "commit": "-",
            "licence": "IBM Public License 1.0 / EPL-2.0 (Postfix)",
            "rendering": DEBIAN_MAIN_NOTE + ", which the script leaves "
            "alone"})]


RECIPES = {
    # Apple's project tags: postfix-129 (Postfix 2.0.10, 2003),
    # postfix-148 (2.1.5), postfix-174 (2.4.3), postfix-1636 (3.2.2, 2024)
    "apple-129-server": lambda: apple(
        "postfix-129", "master.cf.defaultserver", None),
    "apple-148-server": lambda: apple(
        "postfix-148", "master.cf.defaultserver", None),
    "apple-174-default": lambda: apple(
        "postfix-174", "Postfix.Config/master.cf.default",
        "Postfix.Config/main.cf.default"),
    "apple-1636-server": lambda: apple(
        "postfix-1636", "Postfix.Config/master.cf.defaultserver",
        "Postfix.Config/main.cf.default"),
    "apple-1636-default": lambda: apple(
        "postfix-1636", "Postfix.Config/master.cf.default",
        "Postfix.Config/main.cf.default"),
    "apple-1636-conf": lambda: apple(
        "postfix-1636", "postfix/conf/master.cf", "postfix/conf/main.cf"),
    "iredmail": iredmail,
    "mailinabox": mailinabox,
    "mailcow": lambda: plain(
        "mailcow/mailcow-dockerized", "HEAD", "data/conf/postfix/master.cf",
        "data/conf/postfix/main.cf", "GPL-3.0 (LICENSE)",
        "copied as it is (the container uses it as it is and adds "
        "extra.cf at run time)"),
    "docker-mailserver": lambda: plain(
        "docker-mailserver/docker-mailserver", "HEAD",
        "target/postfix/master.cf", "target/postfix/main.cf",
        "MIT (LICENSE)", "copied as it is (the image installs it as it "
        "is; its start-up scripts edit it later with postconf/sed "
        "according to the environment)"),
    "mailu": mailu,
    "proxmox": proxmox,
    "modoboa": modoboa,
    "virtualmin": virtualmin,
    "zimbra": zimbra,
    "puppet": puppet,
    "chef": chef,
    "salt": salt,
    "ispconfig-setup": ispconfig,
}
for _tag in ("v1.1.0", "v2.0.0", "v2.3.0", "v2.6.0", "v2.11.0", "v3.0.0",
             "v3.4.0", "v3.5.0", "v3.7.0", "v3.8.0", "v3.11.6"):
    RECIPES["postfix-" + _tag[1:]] = (lambda t: lambda: postfix_release(t))(
        _tag)


def write_sources(entries):
    lines = ["# Where each file of fixtures/corpus/ comes from.",
             "# Written by tools/corpus-render.py; one entry per file.", ""]
    for rel, e in sorted(entries.items()):
        lines.append(rel)
        for k in ("repository", "path", "commit", "licence", "rendering"):
            lines.append("    %s: %s" % (k, e[k]))
        lines.append("")
    with open(os.path.join(CORPUS, "SOURCES"), "w") as f:
        f.write("\n".join(lines))


def read_sources():
    """The entries already in SOURCES (kept for recipes not run now)."""
    out = {}
    p = os.path.join(CORPUS, "SOURCES")
    if not os.path.exists(p):
        return out
    cur = None
    for line in open(p):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        if not line.startswith(" "):
            cur = out.setdefault(line, {})
        else:
            k, _, v = line.strip().partition(": ")
            cur[k] = v
    return out


def main():
    global MIRRORS
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", required=True,
                    help="the directory of the local clones")
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    MIRRORS = a.mirrors
    entries = read_sources()
    for name, recipe in sorted(RECIPES.items()):
        if a.only and name not in a.only:
            continue
        d = os.path.join(CORPUS, name)
        os.makedirs(d, exist_ok=True)
        for fname, data, entry in recipe():
            with open(os.path.join(d, fname), "wb") as f:
                f.write(data)
            entries["%s/%s" % (name, fname)] = entry
        print("rendered", name)
    write_sources(entries)


if __name__ == "__main__":
    main()
