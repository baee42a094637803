#!/usr/bin/python
# -*- coding: utf-8 -*-
#
# Copyright (c) 2026 The pfsubmit authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.

# The pfsubmit Ansible module: drives the pfsubmit binary through its
# JSON output (-j) and exit status (--detailed-exitcode), never through
# its human text.  One task is a sequence of pfsubmit edits, each its own
# transaction, in a fixed order; the first that fails ends the task.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: pfsubmit
short_description: Enable and edit Postfix's submission service with pfsubmit
description:
  - Makes Postfix's submission services live (port 587 with STARTTLS, port
    465 with implicit TLS, both with SASL authentication), sets their
    restriction lists and other C(-o) overrides, edits C(main.cf)
    parameters and a relay host with SASL credentials, through the
    C(pfsubmit) command, which edits C(master.cf) and C(main.cf) without
    touching the lines it does not concern.
  - Every change is a C(pfsubmit) transaction; the files are locked,
    backed up, replaced atomically, checked with C(postfix check), put back
    byte for byte when the check fails, and Postfix is reloaded.
  - The module runs C(pfsubmit -j --detailed-exitcode) and reads only its
    JSON document and exit status.
  - "One task may ask for several changes. They run as a sequence of
    C(pfsubmit) commands, always in this order: I(submission), I(params)
    (one C(param set) or C(param unset) for each name, in the order
    given), I(overrides) (one C(set) or C(unset) each), I(restrictions)
    (one C(set-restriction) or C(unset) each), I(sender_domains),
    I(relayhost). Each command is a transaction of its own with its own
    backup set. The task is changed when any of them changed something,
    and it stops at the first that fails, naming it in I(failed_step);
    the changes made before it stay."
  - In check mode every command runs with C(-n) (C(--dry-run)), and
    I(changed) says whether it would change something; nothing is locked,
    written, checked or reloaded. The commands run on a private copy of
    the regular files of the configuration directory (removed at the
    end), and a command that would change something is also run for
    real on the copy, without check or reload, when another follows it.
    Each command is thus computed against the files as the ones before
    it would leave them, so that, for example, restrictions on a service
    that the same task enables are predicted rather than refused. The
    directory's name in C(main.cf) and C(master.cf) is the copy's while
    the commands run, and the copy's name is the directory's again in
    what is returned.
    Across tasks this cannot be done; put changes that depend on each
    other into one task. A I(sender_domains) step is not made on the
    copy (its table may lie outside the directory), so the I(relayhost)
    step after it is computed without it.
  - In diff mode the unified diffs that C(pfsubmit) prints are returned
    as Ansible's diff, one after the other in the order of the sequence,
    with C(a/FILE) and C(b/FILE) names relative to the configuration
    directory.
  - Secrets stay out of argv, results and logs. The relay host password
    is given to C(pfsubmit) on standard input (C(--password-file -)),
    never as an argument, and is removed from everything the module
    returns.
version_added: "0.1.0"
author:
  - The pfsubmit authors
requirements:
  - pfsubmit on the managed host (C(/usr/sbin/pfsubmit) from the package)
  - Postfix on the managed host
  - root on the managed host (C(become)), except with I(check=false) and
    I(reload=false), or in check mode
options:
  submission:
    description:
      - C(enabled) runs C(pfsubmit enable), which makes the service on
        I(port) live with SASL authentication and adds the overrides of
        I(profile) that it lacks, keeping those the administrator set.
      - C(disabled) runs C(pfsubmit disable), which comments out every
        live service on I(port).
      - Not given, the submission services are left as they are.
    type: str
    choices: [enabled, disabled]
  port:
    description:
      - The port of I(submission). C(587) is the C(submission) service
        (STARTTLS), C(465) the C(submissions) service (TLS from the first
        byte).
      - Needs I(submission). The default is C(587).
    type: int
    choices: [587, 465]
  profile:
    description:
      - The set of overrides that C(enabled) adds (C(--profile)).
        C(modern) is TLS and SASL for current Postfix; C(classic) the
        Postfix 2.x era set. See pfsubmit(1).
      - Only with I(submission=enabled). The default is pfsubmit's,
        C(modern).
    type: str
    choices: [modern, classic]
  listen:
    description:
      - The address the enabled service listens on (C(--listen)), such as
        C(127.0.0.1); written as C(127.0.0.1:submission).
      - Only with I(submission=enabled). Not given, the service listens on
        every address Postfix does.
    type: str
  service:
    description:
      - The C(master.cf) service that I(restrictions) and I(overrides)
        edit, as C(name) or C(name/type); it must be live.
    type: str
    default: submission
  restrictions:
    description:
      - Restriction lists of I(service), as a mapping of class to value;
        the class C(sender) sets C(-o smtpd_sender_restrictions=VALUE)
        with C(pfsubmit set-restriction).
      - The classes are C(client), C(helo), C(sender), C(relay),
        C(recipient), C(data), C(end_of_data) and C(etrn).
      - A list value is joined with commas; a null value removes the
        override (C(pfsubmit unset)).
      - A value with white space is written as C(-o { name = value }) on
        Postfix 3.0 and later, or through a C(main.cf) parameter on older
        versions; see pfsubmit(1).
    type: dict
  overrides:
    description:
      - C(-o) overrides of I(service), as a mapping of name to value, set
        with C(pfsubmit set); a null value removes the override
        (C(pfsubmit unset)).
      - A boolean is written as C(yes) or C(no), a list is joined with
        commas.
    type: dict
  params:
    description:
      - C(main.cf) parameters, as a mapping of name to value, set with
        C(pfsubmit param set); a null value removes every definition of
        the name (C(pfsubmit param unset)).
      - A boolean is written as C(yes) or C(no), a list is joined with
        C(", ").
    type: dict
  sender_domains:
    description:
      - The sender domains table, through C(pfsubmit sender-domains); the
        options are passed on as they are named. Needs a pfsubmit that
        has the C(sender-domains) command (C(pfsubmit help
        sender-domains)).
    type: dict
    suboptions:
      domains:
        description:
          - The domains, given as operands.
        type: list
        elements: str
        default: []
      service:
        description:
          - C(--service), the service whose sender restrictions use the
            table.
        type: str
      all:
        description:
          - C(--all), every submission service.
        type: bool
        default: false
      table:
        description:
          - C(--table), the table's file.
        type: path
      login_maps:
        description:
          - C(--login-maps).
        type: bool
        default: false
      state:
        description:
          - C(absent) passes C(--remove).
        type: str
        choices: [present, absent]
        default: present
  relayhost:
    description:
      - Send this host's own mail through a provider's submission port,
        logging in with SASL (C(pfsubmit relayhost)), or, with
        I(state=absent), stop doing so (C(pfsubmit relayhost --remove)).
      - Run as root, since C(pfsubmit) writes the password table with mode 0600
        and indexes it with postmap.
    type: dict
    suboptions:
      host:
        description:
          - C(host) or C(host:port); the port defaults to 587. Needed with
            I(state=present).
        type: str
      user:
        description:
          - The SASL user name. Needed with I(state=present).
        type: str
      password:
        description:
          - The password, without a line break. It is marked C(no_log);
            keep it in Ansible Vault.
          - One of I(password) and I(password_file) is needed with
            I(state=present).
        type: str
      password_file:
        description:
          - A file on the managed host whose first line is the password.
            The module reads it and hands it to C(pfsubmit) on standard
            input.
        type: path
      state:
        description:
          - C(present) configures the relay host; C(absent) removes its
            parameters and the table.
        type: str
        choices: [present, absent]
        default: present
  config_dir:
    description:
      - The Postfix configuration directory (C(-c)). Not given, pfsubmit's
        default, what C(postconf -dh config_directory) prints.
    type: path
  check:
    description:
      - Run C(postfix check) after each change and put the files back when
        it fails. C(false) passes C(--no-check).
    type: bool
    default: true
  reload:
    description:
      - Reload Postfix after each change, when it is running. C(false)
        passes C(--no-reload).
    type: bool
    default: true
  lock_wait:
    description:
      - Seconds to wait for each lock (C(--lock-wait)), 0 to 3600.
        pfsubmit's default is 10.
    type: int
  executable:
    description:
      - The pfsubmit binary. Not given, C(pfsubmit) is looked up in
        C(PATH), then in C(/sbin), C(/usr/sbin) and C(/usr/local/sbin).
    type: path
    aliases: [pfsubmit]
notes:
  - Supports check mode and diff mode.
  - At least one of I(submission), I(params), I(overrides),
    I(restrictions), I(sender_domains) and I(relayhost) must be given.
  - After the sequence the module runs C(pfsubmit -j check) and returns
    its findings.
  - A failure is reported with pfsubmit's one-line reason and its exit
    status, which tells what state the files are in. Exit 1 changed
    nothing. Exit 2 is C(postfix check failed; files put back). Exit 3 is
    C(installed, not reloaded), and the task is then changed as well as
    failed. Exit 4 means the originals could not be restored; pfsubmit's
    message names the backup set. Exit 6 (enable only) is C(installed and
    reloaded, but verify found the service not working), with verify's
    failing items; the task is changed and failed.
  - The commands, their options and what they write are described in
    the manual of pfsubmit, C(man pfsubmit).
seealso:
  - name: Postfix SASL Howto
    description: How Postfix's SMTP server and client use SASL.
    link: https://www.postfix.org/SASL_README.html
'''

EXAMPLES = r'''
- name: Submission on port 587 with STARTTLS and SASL
  pfsubmit:
    submission: enabled

- name: Submissions on port 465, for loopback clients only
  pfsubmit:
    submission: enabled
    port: 465
    listen: 127.0.0.1

- name: Dovecot SASL, and who may send
  pfsubmit:
    params:
      smtpd_sasl_type: dovecot
      smtpd_sasl_path: private/auth
      obsolete_parameter: null          # removed from main.cf
    restrictions:
      client: permit_sasl_authenticated,reject
      relay: [permit_sasl_authenticated, reject]
    overrides:
      smtpd_tls_auth_only: true         # -o smtpd_tls_auth_only=yes

- name: Stage a copy of the configuration on a host without Postfix running
  pfsubmit:
    config_dir: /srv/staging/postfix
    check: false
    reload: false
    submission: enabled

- name: Relay outgoing mail through the provider, password from the vault
  pfsubmit:
    relayhost:
      host: smtp.provider.example:587
      user: me@provider.example
      password: "{{ vault_relay_password }}"

- name: The same, with the password in a root-only file on the host
  pfsubmit:
    relayhost:
      host: smtp.provider.example
      user: me@provider.example
      password_file: /root/relay-password

- name: Close port 465
  pfsubmit:
    submission: disabled
    port: 465
'''

RETURN = r'''
changed:
  description: Whether any step changed a file (in check mode, would).
  returned: always
  type: bool
steps:
  description: One entry for each pfsubmit command run, in order.
  returned: always
  type: list
  elements: dict
  contains:
    step:
      description: The step, such as C(submission) or
        C(params smtpd_sasl_type).
      type: str
      sample: params smtpd_sasl_type
    command:
      description: The argument vector, as run (in check mode, as with
        C(-n) on the configuration directory); it never holds a
        password.
      type: list
      elements: str
    status:
      description: pfsubmit's exit status (with C(--detailed-exitcode)).
      type: int
      sample: 5
    changed:
      description: Whether this command changed (would change) a file.
      type: bool
    backup:
      description: The id of the backup set made before the change, or null.
      type: str
      sample: 20261129T125737Z
    notes:
      description: pfsubmit's notes about this command.
      type: list
      elements: str
backups:
  description: The ids of the backup sets the steps made, in order; each
    can be restored with C(pfsubmit rollback ID).
  returned: always
  type: list
  elements: str
  sample: [20261129T125737Z, 20261129T125737Z-2]
notes:
  description: pfsubmit's notes, all steps together, in order.
  returned: always
  type: list
  elements: str
  sample:
    - "/etc/postfix/master.cf:19: uncommented submission/inet and its -o
      lines"
checked:
  description: Whether C(postfix check) passed after a step.
  returned: always
  type: bool
reloaded:
  description: Whether Postfix was reloaded after a step.
  returned: always
  type: bool
check_output:
  description: What C(postfix check) printed when it failed.
  returned: always (empty when it did not fail)
  type: str
  sample: "postfix: fatal: bad numerical configuration:
    default_process_limit = abc"
reload_output:
  description: What C(postfix reload) printed.
  returned: always (empty when it printed nothing)
  type: str
findings:
  description: The findings of C(pfsubmit -j check) on the files after
    the sequence (in check mode, as the sequence would leave them), each
    with
    C(file), C(line), C(severity), C(rule) and C(message).
  returned: when pfsubmit check could read the files
  type: list
  elements: dict
failed_step:
  description: The step that failed.
  returned: failure of a step
  type: str
  sample: restrictions sender
status:
  description: The exit status of the step that failed.
  returned: failure of a step
  type: int
  sample: 2
msg:
  description: What happened, one line; on failure the step, what the
    exit status means and pfsubmit's reason.
  returned: always
  type: str
  sample: "params default_process_limit: postfix check failed; files put
    back (exit 2): postfix: fatal: bad numerical configuration:
    default_process_limit = abc"
'''

import json
import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.six import binary_type, integer_types, string_types
from ansible.module_utils.common.text.converters import to_bytes, to_text

# The order of the sequence; the manual and DOCUMENTATION say the same.
STEP_ORDER = ('submission', 'params', 'overrides', 'restrictions',
              'sender_domains', 'relayhost')

RESTRICTION_CLASSES = ('client', 'helo', 'sender', 'relay', 'recipient',
                       'data', 'end_of_data', 'etrn')

# What each failing exit status says about the files.
STATUS_TEXT = {
    1: 'nothing changed',
    2: 'postfix check failed; files put back',
    3: 'installed, not reloaded',
    4: 'restoring the originals failed; the files may be inconsistent',
    6: 'installed and reloaded, but verify found the service not working',
}

SCRUBBED = '********'

ARGUMENT_SPEC = dict(
    submission=dict(type='str', choices=['enabled', 'disabled']),
    port=dict(type='int', choices=[587, 465]),
    profile=dict(type='str', choices=['modern', 'classic']),
    listen=dict(type='str'),
    service=dict(type='str', default='submission'),
    restrictions=dict(type='dict'),
    overrides=dict(type='dict'),
    params=dict(type='dict'),
    sender_domains=dict(
        type='dict',
        options=dict(
            domains=dict(type='list', elements='str', default=[]),
            service=dict(type='str'),
            all=dict(type='bool', default=False),
            table=dict(type='path'),
            login_maps=dict(type='bool', default=False),
            state=dict(type='str', choices=['present', 'absent'],
                       default='present'),
        ),
        mutually_exclusive=[('service', 'all')],
    ),
    relayhost=dict(
        type='dict',
        options=dict(
            host=dict(type='str'),
            user=dict(type='str'),
            password=dict(type='str', no_log=True),
            password_file=dict(type='path', no_log=False),
            state=dict(type='str', choices=['present', 'absent'],
                       default='present'),
        ),
        mutually_exclusive=[('password', 'password_file')],
        required_if=[
            ('state', 'present', ('host', 'user')),
            ('state', 'present', ('password', 'password_file'), True),
        ],
    ),
    config_dir=dict(type='path'),
    check=dict(type='bool', default=True),
    reload=dict(type='bool', default=True),
    lock_wait=dict(type='int'),
    executable=dict(type='path', aliases=['pfsubmit']),
)


class PlanError(Exception):
    """A parameter that no pfsubmit command can express."""


class Step(object):
    """One pfsubmit command: its label, its arguments after the common
    options, what goes to its standard input, and the secret to scrub."""

    def __init__(self, label, args, stdin=None, secret=None):
        self.label = label
        self.args = args
        self.stdin = stdin
        self.secret = secret


def value_text(what, name, value, sep):
    """The text of a value for pfsubmit: a boolean as yes or no, a
    number as itself, a list joined with sep."""
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    if isinstance(value, integer_types) or isinstance(value, float):
        return str(value)
    if isinstance(value, string_types):
        return to_text(value)
    if isinstance(value, list):
        return sep.join(value_text(what, name, v, sep) for v in value)
    raise PlanError('%s: %s: a value must be a string, number, boolean, '
                    'list or null, not %s' % (what, name,
                                              type(value).__name__))


def check_name(what, name):
    """A name that would change the meaning of pfsubmit's arguments
    (an empty one, or one with '=', white space or a control
    character) is refused."""
    if not isinstance(name, string_types):
        raise PlanError('%s: bad name %r: a name is text' % (what, name))
    if name == '':
        raise PlanError('%s: empty name' % what)
    for c in name:
        if c == '=' or c.isspace() or ord(c) < 0x20 or ord(c) == 0x7f:
            raise PlanError('%s: bad name %r: no "=", white space or '
                            'control characters' % (what, name))


def read_password_file(path):
    """The contents of a password file, as bytes, and its first line
    (what pfsubmit takes as the password) as text, to scrub."""
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except (IOError, OSError) as e:
        raise PlanError('relayhost: cannot read password_file %s: %s' %
                        (path, e.strerror or e))
    first = data.split(b'\n', 1)[0]
    return data, to_text(first.rstrip(b'\r'), errors='surrogate_or_strict')


def plan(params):
    """The steps for the module's parameters, in the documented order.
    Raises PlanError for parameters that cannot be expressed."""
    steps = []
    svc = params.get('service') or 'submission'

    sub = params.get('submission')
    port = params.get('port')
    if sub is None:
        for opt in ('port', 'profile', 'listen'):
            if params.get(opt) is not None:
                raise PlanError('%s needs submission' % opt)
    else:
        name = 'submissions' if port == 465 else 'submission'
        if sub == 'enabled':
            args = ['enable']
            if params.get('listen') is not None:
                args += ['--listen', params['listen']]
            if params.get('profile') is not None:
                args += ['--profile', params['profile']]
            args += ['--', name]
        else:
            for opt in ('profile', 'listen'):
                if params.get(opt) is not None:
                    raise PlanError('%s applies only to '
                                    'submission=enabled' % opt)
            args = ['disable', '--', name]
        steps.append(Step('submission', args))

    for name, value in (params.get('params') or {}).items():
        check_name('params', name)
        if value is None:
            args = ['param', 'unset', '--', name]
        else:
            args = ['param', 'set', '--',
                    '%s=%s' % (name, value_text('params', name, value,
                                                ', '))]
        steps.append(Step('params %s' % name, args))

    for name, value in (params.get('overrides') or {}).items():
        check_name('overrides', name)
        if value is None:
            args = ['unset', '--', svc, name]
        else:
            args = ['set', '--', svc,
                    '%s=%s' % (name, value_text('overrides', name, value,
                                                ','))]
        steps.append(Step('overrides %s' % name, args))

    for cls, value in (params.get('restrictions') or {}).items():
        if cls not in RESTRICTION_CLASSES:
            raise PlanError('restrictions: unknown class %r: use %s' %
                            (cls, ', '.join(RESTRICTION_CLASSES)))
        if value is None:
            args = ['unset', '--', svc, 'smtpd_%s_restrictions' % cls]
        else:
            args = ['set-restriction', '--', svc, cls,
                    value_text('restrictions', cls, value, ',')]
        steps.append(Step('restrictions %s' % cls, args))

    sd = params.get('sender_domains')
    if sd is not None:
        args = ['sender-domains']
        if sd.get('all'):
            args.append('--all')
        elif sd.get('service') is not None:
            args += ['--service', sd['service']]
        if sd.get('table') is not None:
            args += ['--table', sd['table']]
        if sd.get('login_maps'):
            args.append('--login-maps')
        if sd.get('state') == 'absent':
            args.append('--remove')
        args.append('--')
        args += list(sd.get('domains') or [])
        steps.append(Step('sender_domains', args))

    rh = params.get('relayhost')
    if rh is not None:
        if rh.get('state') == 'absent':
            steps.append(Step('relayhost', ['relayhost', '--remove']))
        else:
            if rh.get('password_file') is not None:
                data, secret = read_password_file(rh['password_file'])
            else:
                secret = to_text(rh.get('password') or '')
                if '\n' in secret or '\r' in secret:
                    raise PlanError('relayhost: the password has a line '
                                    'break; pfsubmit would take only the '
                                    'first line')
                data = to_bytes(secret, errors='surrogate_or_strict') + b'\n'
            args = ['relayhost', '--user', rh['user'],
                    '--password-file', '-', '--', rh['host']]
            steps.append(Step('relayhost', args, stdin=data,
                              secret=secret))
    return steps


def common_args(executable, params, config_dir, dry_run, check=True,
                reload=True):
    """The program and the options every step gets."""
    argv = [executable, '-j', '--detailed-exitcode']
    if config_dir is not None:
        argv += ['-c', config_dir]
    if dry_run:
        argv.append('-n')
    if not check:
        argv.append('--no-check')
    if not reload:
        argv.append('--no-reload')
    if params.get('lock_wait') is not None:
        argv += ['--lock-wait', str(params['lock_wait'])]
    return argv


def parse_doc(stdout):
    """pfsubmit's JSON document, or None when it printed none."""
    try:
        doc = json.loads(stdout)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def last_line(text):
    """The last line of text that is not blank, stripped, or ''."""
    for line in reversed(to_text(text or '').splitlines()):
        if line.strip():
            return line.strip()
    return ''


def reason(status, doc, stderr):
    """pfsubmit's one-line reason for a failure: the last line of what
    postfix check or reload said (statuses 2 and 3), else the messages
    of the JSON's errors, else the last line of standard error."""
    doc = doc or {}
    text = ''
    if status == 2:
        text = last_line(doc.get('check_output'))
    elif status == 3:
        text = last_line(doc.get('reload_output'))
    elif status == 6:
        # verify's failing items, which enable prints on standard error
        text = '; '.join(l.strip() for l in to_text(stderr).splitlines()
                         if l.startswith('fail '))
    if not text:
        msgs = [to_text(e.get('message')) for e in doc.get('errors') or []
                if isinstance(e, dict) and e.get('message')]
        text = '; '.join(m.strip() for m in msgs)
    if not text:
        text = last_line(stderr)
    return ' '.join(text.split()) or 'no reason given'


def interpret(label, status, doc, stderr):
    """Map a step's exit status to (failed, changed, msg).  0 and 5 are
    success (5: something changed); 3, 4 and 6 fail after the files were
    replaced, so they count as changed; any other status fails."""
    if status == 0:
        return False, False, None
    if status == 5:
        return False, True, None
    why = reason(status, doc, stderr)
    if status in STATUS_TEXT:
        return (True, status in (3, 4, 6),
                '%s: %s (exit %d): %s' % (label, STATUS_TEXT[status],
                                          status, why))
    if status < 0:
        return (True, False, '%s: pfsubmit was killed by signal %d: %s' %
                (label, -status, why))
    return (True, False, '%s: pfsubmit exited %d: %s' % (label, status,
                                                         why))


def scrub(value, secrets):
    """value with every secret replaced, in every string inside it."""
    secrets = [s for s in secrets if s]
    if not secrets:
        return value
    if isinstance(value, dict):
        return dict((k, scrub(v, secrets)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [scrub(v, secrets) for v in value]
    if isinstance(value, binary_type):
        value = to_text(value, errors='surrogate_or_strict')
    if isinstance(value, string_types):
        for s in sorted(secrets, key=len, reverse=True):
            value = value.replace(s, SCRUBBED)
    return value


def find_executable(module):
    exe = module.params.get('executable')
    if exe is not None:
        if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
            module.fail_json(msg='executable %s is not an executable file'
                             % exe)
        return exe
    # PATH first, then /sbin, /usr/sbin and /usr/local/sbin.
    return module.get_bin_path('pfsubmit', required=True)


def config_directory(module):
    """The configuration directory pfsubmit edits: config_dir, else what
    postconf -dh config_directory prints, else /etc/postfix (pfsubmit's
    own rule)."""
    if module.params.get('config_dir') is not None:
        return module.params['config_dir']
    postconf = module.get_bin_path('postconf')
    if postconf is not None:
        rc, out, err = module.run_command([postconf, '-dh',
                                           'config_directory'],
                                          check_rc=False)
        line = (out.splitlines() or [''])[0]
        if rc == 0 and line.startswith('/'):
            return line
    return '/etc/postfix'


def absolute(d):
    """The directory as pfsubmit writes it into main.cf: an absolute path
    as given, a relative one resolved, without a trailing slash."""
    if not d.startswith('/') and os.path.exists(d):
        d = os.path.realpath(d)
    while len(d) > 1 and d.endswith('/'):
        d = d[:-1]
    return d


def copy_config(src):
    """A private copy (mode 0700) of the regular files at the top of the
    configuration directory and of its sasl/ directory, for check mode
    (pfsubmit's check reads both).  main.cf and master.cf must
    be copied; another file that cannot be read is left out.  In those
    two, the directory's name becomes the copy's, so that what pfsubmit
    writes with its own directory in it (relayhost's table) compares
    equal; the copy's name is turned back in what pfsubmit prints."""
    tmp = tempfile.mkdtemp(prefix='pfsubmit-check.')
    real = to_bytes(absolute(src), errors='surrogate_or_strict')
    try:
        for name in sorted(os.listdir(src)):
            path = os.path.join(src, name)
            if not os.path.isfile(path):
                continue
            try:
                shutil.copy2(path, os.path.join(tmp, name))
            except (IOError, OSError):
                if name in ('main.cf', 'master.cf'):
                    raise
        # Cyrus SASL's smtpd.conf, which pfsubmit's check looks for there
        sasl = os.path.join(src, 'sasl')
        if os.path.isdir(sasl) and not os.path.islink(sasl):
            shutil.copytree(sasl, os.path.join(tmp, 'sasl'), symlinks=True)
        if len(real) > 1:
            for name in ('main.cf', 'master.cf'):
                path = os.path.join(tmp, name)
                if not os.path.exists(path):
                    continue
                with open(path, 'r+b') as f:
                    data = f.read()
                    if real in data:
                        f.seek(0)
                        f.write(data.replace(real, to_bytes(tmp)))
                        f.truncate()
    except (IOError, OSError) as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise PlanError('check mode: cannot copy %s: %s' %
                        (src, getattr(e, 'strerror', None) or e))
    return tmp


class Runner(object):
    """Runs the steps: on the configuration directory, or, in check
    mode, each with -n on a private copy of it that the steps before
    have brought to the state they would leave."""

    def __init__(self, module, executable):
        self.module = module
        self.executable = executable
        self.params = module.params
        self.config_dir = self.params.get('config_dir')
        self.copy = None
        self.real = None
        if module.check_mode:
            self.real = absolute(config_directory(module))
            self.copy = copy_config(self.real)

    def close(self):
        if self.copy is not None:
            shutil.rmtree(self.copy, ignore_errors=True)
            self.copy = None

    def shown(self, args):
        """The command as it runs (check mode: would run) on the
        configuration directory."""
        return common_args(self.executable, self.params, self.config_dir,
                           self.module.check_mode, self.params['check'],
                           self.params['reload']) + args

    def run(self, argv, stdin=None):
        rc, out, err = self.module.run_command(
            argv, data=stdin, binary_data=True,
            expand_user_and_vars=False, check_rc=False)
        if self.copy is not None:
            # The copy's name stands for the directory's.
            out = out.replace(self.copy, self.real)
            err = err.replace(self.copy, self.real)
        return rc, out, err

    def step(self, step, advance):
        """Run one step; returns (status, document, standard error).
        With advance, a change is made on the copy too, for the steps
        that follow."""
        if self.copy is None:
            return self.run(self.shown(step.args), step.stdin)
        base = common_args(self.executable, self.params, self.copy, True,
                           self.params['check'], self.params['reload'])
        rc, out, err = self.run(base + step.args, step.stdin)
        if rc == 5 and advance:
            base = common_args(self.executable, self.params, self.copy,
                               False, False, False)
            rc2, out2, err2 = self.run(base + step.args, step.stdin)
            if rc2 not in (0, 5):
                doc = parse_doc(out2) or {}
                return (rc2, dict(errors=[dict(message=(
                    'cannot bring a copy of the configuration to the '
                    'state this step leaves: %s' %
                    reason(rc2, doc, err2)))]), err2)
        return rc, out, err

    def findings(self):
        """The findings of pfsubmit check on the files (check mode: as
        the steps would leave them), or None."""
        argv = [self.executable, '-j']
        d = self.copy if self.copy is not None else self.config_dir
        if d is not None:
            argv += ['-c', d]
        argv.append('check')
        rc, out, err = self.run(argv)
        doc = parse_doc(out)
        if rc not in (0, 1) or doc is None:
            return None
        found = doc.get('findings')
        return found if isinstance(found, list) else None


def advances(steps, i):
    """Whether check mode makes step i's change on the copy: when a step
    follows it, and it is not sender_domains, whose table may lie
    outside the configuration directory."""
    return i + 1 < len(steps) and steps[i].label != 'sender_domains'


def run_steps(module, runner, steps):
    """Run the steps in order, stopping at the first that fails; returns
    the result (before the secrets are scrubbed) and the failure, or
    None."""
    result = dict(changed=False, steps=[], backups=[], notes=[],
                  checked=False, reloaded=False, check_output='',
                  reload_output='')
    diffs = []
    checks = []
    reloads = []
    failure = None
    for i, step in enumerate(steps):
        rc, out, err = runner.step(step, advances(steps, i))
        doc = out if isinstance(out, dict) else parse_doc(out)
        failed, changed, msg = interpret(step.label, rc, doc, err)
        d = doc or {}
        notes = [to_text(n) for n in d.get('notes') or []]
        entry = dict(step=step.label, command=runner.shown(step.args),
                     status=rc, changed=changed, backup=d.get('backup'),
                     notes=notes)
        result['steps'].append(entry)
        result['notes'] += notes
        if d.get('backup'):
            result['backups'].append(d['backup'])
        result['changed'] = result['changed'] or changed
        result['checked'] = result['checked'] or bool(d.get('checked'))
        result['reloaded'] = result['reloaded'] or bool(d.get('reloaded'))
        if d.get('check_output'):
            checks.append(to_text(d['check_output']).rstrip('\n'))
        if d.get('reload_output'):
            reloads.append(to_text(d['reload_output']).rstrip('\n'))
        # The diff of a change that was refused or put back is no change.
        if d.get('diff') and (not failed or changed):
            diffs.append(to_text(d['diff']))
        if failed:
            failure = dict(msg=msg, failed_step=step.label, status=rc)
            break
    result['check_output'] = '\n'.join(checks)
    result['reload_output'] = '\n'.join(reloads)
    if module._diff and diffs:
        result['diff'] = dict(prepared=''.join(diffs))
    return result, failure


def summary(result, check_mode):
    n = sum(1 for s in result['steps'] if s['changed'])
    total = len(result['steps'])
    if check_mode:
        return '%d of %d steps would change something' % (n, total)
    return '%d of %d steps changed something' % (n, total)


def main():
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        required_one_of=[list(STEP_ORDER)],
        required_by=dict(port='submission', profile='submission',
                         listen='submission'),
        supports_check_mode=True,
    )
    try:
        steps = plan(module.params)
    except PlanError as e:
        module.fail_json(msg=str(e))
    secrets = [s.secret for s in steps if s.secret]
    for s in secrets:
        module.no_log_values.add(s)

    executable = find_executable(module)
    try:
        runner = Runner(module, executable)
    except PlanError as e:
        module.fail_json(msg=str(e))
    try:
        result, failure = run_steps(module, runner, steps)
        found = runner.findings()
    finally:
        runner.close()
    if found is not None:
        result['findings'] = found
    if failure is not None:
        result.update(failure)
        module.fail_json(**scrub(result, secrets))
    result['msg'] = summary(result, module.check_mode)
    module.exit_json(**scrub(result, secrets))


if __name__ == '__main__':
    main()
