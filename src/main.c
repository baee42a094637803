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
 * The process: descriptor and umask hygiene, the global options, the
 * dispatch to a command, and the exit.
 */

#include <sys/stat.h>

#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pfsubmit.h"

static void __attribute__((__noreturn__))
usage(void)
{
	print_usage(stderr);
	exit(EX_PF_FAIL);
}

/* hygiene - descriptors 0-2 open, nothing else inherited, a safe umask */
static void
hygiene(void)
{
	int	 fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
	closefrom(3);
	umask(077);
	if (getuid() != geteuid() || getgid() != getegid())
		errx(EX_PF_FAIL, "refusing to run set-user-id or "
		    "set-group-id");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd *c;
	char		*q;
	int		 ch, r;

	hygiene();
	setprogname("pfsubmit");
	/*
	 * Before anything touches OpenSSL (check reads certificates,
	 * verify talks TLS, an edit hashes its files): OPENSSL_CONF must
	 * not make root load a configuration file, and with it any shared
	 * object.  verify starts it again and says so if it fails.
	 */
	(void)vf_tls_init();
	opt.lock_wait = PF_LOCK_WAIT;
	opt.argc = argc;
	opt.argv = argv;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:c:njqhV", longopts, NULL))
	    != -1) {
		if (common_option(ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			print_usage(stdout);
			r = EX_PF_OK;
			goto out;
		case 'V':
			printf("pfsubmit %s\n", PFSUBMIT_VERSION);
			r = EX_PF_OK;
			goto out;
		default:
			bad_option(argv[optind - 1], ch == ':', "");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if ((c = cmd_find(argv[0])) == NULL) {
		q = vquote(argv[0], strlen(argv[0]), 60);
		fprintf(stderr, "pfsubmit: unknown command %s; pfsubmit --help "
		    "lists them\n", q);
		free(q);
		return EX_PF_FAIL;
	}
	sf_install_handlers();
	r = c->fn(argc, argv);
out:
	if (fflush(stdout) == EOF || ferror(stdout))
		err(r == EX_PF_OK || r == EX_PF_CHANGED ? EX_PF_FAIL : r,
		    "standard output");
	return r;
}
