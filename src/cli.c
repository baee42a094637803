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
 * The command line: the options every command takes, the command table
 * (the usage text is printed from it, so the two cannot disagree) and
 * the small helpers that commands share.
 */

#include <err.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfsubmit.h"

struct opts opt;

const struct cmd cmds[] = {
	{ "show", cmd_show, "show [service[/type] | all]",
	    "print the submission services (or one, or all) and their "
	    "overrides" },
	{ "enable", cmd_enable,
	    "enable [submission | submissions] [--listen addr] "
	    "[--line n] [--profile modern | classic] "
	    "[--sasl dovecot | cyrus | none] "
	    "[--cert file --key file | --chain-file file] [--no-verify] "
	    "[--user user --password-file file]",
	    "make the submission service live with SASL authentication" },
	{ "disable", cmd_disable,
	    "disable [submission | submissions | service[/type]]",
	    "comment the service out" },
	{ "set-restriction", cmd_set_restriction,
	    "set-restriction service | --all class value [--via-param name]",
	    "set smtpd_<class>_restrictions for a service" },
	{ "set", cmd_set,
	    "set service | --all name=value [--via-param name]",
	    "set an -o override of a service" },
	{ "unset", cmd_unset, "unset service | --all name",
	    "remove an -o override of a service" },
	{ "sender-domains", cmd_sender_domains,
	    "sender-domains [--all | --service service] [--table file] "
	    "[--login-maps] [--remove] [domain ...]",
	    "let the submission services accept only the own domains' "
	    "senders" },
	{ "param", cmd_param,
	    "param set name=value | param unset name | "
	    "param show [-x] [name ...]",
	    "edit or read main.cf parameters" },
	{ "check", cmd_check, "check",
	    "report everything wrong in main.cf and master.cf" },
	{ "verify", cmd_verify, "verify [service | all] [--host host] "
	    "[--port port] [--tls-name name] [--cafile file] [--insecure] "
	    "[--user user --password-file file] [--mech plain | login] "
	    "[--from address] [--to address] [--send-to address] "
	    "[--timeout seconds]",
	    "talk SMTP to the live service and report what a client meets" },
	{ "relayhost", cmd_relayhost, "relayhost host[:port] --user user "
	    "--password-file file | relayhost --remove",
	    "send outgoing mail through a provider's submission port" },
	{ "backups", cmd_backups, "backups [show id | diff id]",
	    "list backup sets, newest first; show one, or diff it against "
	    "the files now" },
	{ "rollback", cmd_rollback, "rollback [--force] [id]",
	    "restore a backup set" },
	{ "help", cmd_help, "help [command]", "print the usage of a command" },
	{ NULL, NULL, NULL, NULL }
};

const struct cmd *
cmd_find(const char *name)
{
	const struct cmd *c;

	for (c = cmds; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void
print_usage(FILE *fp)
{
	const struct cmd *c;

	fprintf(fp, "usage: pfsubmit [-hjnqV] [-c dir] [--no-check] "
	    "[--no-reload]\n                [--detailed-exitcode] [--force] "
	    "[--lock-wait seconds] command [arguments]\n\ncommands:\n");
	for (c = cmds; c->name != NULL; c++)
		fprintf(fp, "    %s\n", c->usage);
}

/* cmd_usage - the usage of one command, then exit 1 */
void
cmd_usage(const struct cmd *c)
{
	fprintf(stderr, "usage: pfsubmit %s\n", c->usage);
	exit(EX_PF_FAIL);
}

/*
 * common_option - the options every command takes, before or after its
 * name.  Returns 1 when ch was one of them.
 */
int
common_option(int ch, const char *arg)
{
	const char	*errstr;

	switch (ch) {
	case 'c':
		opt.config_dir = arg;
		return 1;
	case 'n':
		opt.dry_run = 1;
		return 1;
	case 'j':
		opt.json = 1;
		return 1;
	case 'q':
		opt.quiet = 1;
		return 1;
	case OPT_NO_CHECK:
		opt.no_check = 1;
		return 1;
	case OPT_NO_RELOAD:
		opt.no_reload = 1;
		return 1;
	case OPT_DETAILED:
		opt.detailed = 1;
		return 1;
	case OPT_FORCE:
		opt.force = 1;
		return 1;
	case OPT_LOCK_WAIT:
		opt.lock_wait = (int)strtonum(arg, 0, 3600, &errstr);
		if (errstr != NULL)
			errx(EX_PF_FAIL, "--lock-wait %s: %s (0 to 3600 "
			    "seconds)", arg, errstr);
		return 1;
	}
	return 0;
}

/*
 * bad_option - one line for an option that is unknown or lacks its
 * value, then exit 1.  The text is the user's: quote it.
 */
void
bad_option(const char *arg, int noarg, const char *cmd)
{
	char	*q;

	q = vquote(arg, strlen(arg), 60);
	fprintf(stderr, "pfsubmit: %s %s; see pfsubmit %s%s\n", noarg ?
	    "missing value after" : "unknown option", q, *cmd != '\0' ?
	    "help " : "--help", cmd);
	free(q);
	exit(EX_PF_FAIL);
}

/*
 * cmd_getopt - parse a command's options: the common ones and those in
 * extra (a string of short options and a long option table, either may
 * be NULL).  Calls fn for each option of its own.  Returns optind.
 * shorts starting with '+' stops at the first operand, for a command
 * whose first operand names a sub-command with options of its own.
 */
int
cmd_getopt(int argc, char **argv, const struct cmd *c, const char *shorts,
    const struct option *extra, void (*fn)(int, const char *))
{
	static const struct option common[] = { COMMON_LONGOPTS };
	struct option	*lo;
	char		 so[64];
	size_t		 nc, ne = 0, i;
	int		 ch, inorder = 0;

	nc = sizeof(common) / sizeof(common[0]);
	if (extra != NULL)
		while (extra[ne].name != NULL)
			ne++;
	lo = xcalloc(nc + ne + 1, sizeof(*lo));
	for (i = 0; i < nc; i++)
		lo[i] = common[i];
	for (i = 0; i < ne; i++)
		lo[nc + i] = extra[i];
	if (shorts != NULL && shorts[0] == '+') {
		inorder = 1;
		shorts++;
	}
	(void)snprintf(so, sizeof(so), "%s:c:njqh%s", inorder ? "+" : "",
	    shorts != NULL ? shorts : "");
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (common_option(ch, optarg))
			continue;
		if (ch == 'h') {
			printf("usage: pfsubmit %s\n", c->usage);
			if (fflush(stdout) == EOF || ferror(stdout))
				err(EX_PF_FAIL, "standard output");
			exit(EX_PF_OK);
		}
		if (ch == '?' || ch == ':')
			bad_option(argv[optind - 1], ch == ':', c->name);
		if (fn == NULL)
			cmd_usage(c);
		fn(ch, optarg);
	}
	free(lo);
	return optind;
}

/* say - a note for the user on standard error, unless -q */
void
say(const char *fmt, ...)
{
	va_list	 ap;

	if (opt.quiet)
		return;
	va_start(ap, fmt);
	fputs("pfsubmit: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int
cmd_help(int argc, char **argv)
{
	const struct cmd *c;
	char		*q;

	if (argc < 2) {
		print_usage(stdout);
		return EX_PF_OK;
	}
	if (argc > 2)
		cmd_usage(cmd_find("help"));
	if ((c = cmd_find(argv[1])) == NULL) {
		q = vquote(argv[1], strlen(argv[1]), 60);
		fprintf(stderr, "pfsubmit: no command %s; try pfsubmit "
		    "--help\n", q);
		free(q);
		return EX_PF_FAIL;
	}
	printf("usage: pfsubmit %s\n    %s\n", c->usage, c->help);
	return EX_PF_OK;
}

