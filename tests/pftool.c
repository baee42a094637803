/*
 * pftool - a test driver linked with pfsubmit's own modules, for the
 * Python tests and the fuzzers' reproducers.  Not installed.
 *
 *   pftool roundtrip master|main FILE	print serialize(parse(FILE))
 *   pftool parse master|main FILE	print the diagnostics; exit 1 on error
 *   pftool expand FILE TEXT		expand TEXT against main.cf FILE
 */

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pfsubmit.h"

static char *
slurp(const char *path, size_t *lenp)
{
	struct buf	 b;
	char		 tmp[65536];
	size_t		 n;
	FILE		*fp;

	if ((fp = fopen(path, "rb")) == NULL)
		err(2, "%s", path);
	buf_init(&b);
	buf_adds(&b, "");
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		buf_add(&b, tmp, n);
	fclose(fp);
	*lenp = b.len;
	return buf_take(&b);
}

static const char *
lookup(const char *name, void *arg)
{
	const struct mp_param *p = mp_get(arg, name);

	return p != NULL ? p->value : NULL;
}

int
main(int argc, char *argv[])
{
	struct mc_file		 mc;
	struct mp_file		 mp;
	struct cf_file		*cf;
	struct diag		 d;
	struct buf		 b;
	struct exp_result	 res;
	char			*data;
	size_t			 len;
	int			 master, r;

	if (argc == 4 && strcmp(argv[1], "expand") == 0) {
		diag_init(&d);
		data = slurp(argv[2], &len);
		mp_init(&mp, argv[2]);
		(void)cf_load(&mp.cf, data, len, &d);
		(void)mp_parse(&mp, &d);
		exp_expand(argv[3], lookup, &mp, &res);
		printf("%s\n", res.error != NULL ? res.error : res.text);
		r = res.error != NULL;
		exp_result_free(&res);
		mp_free(&mp);
		diag_free(&d);
		free(data);
		return r;
	}
	if (argc != 4 || (strcmp(argv[2], "master") != 0 &&
	    strcmp(argv[2], "main") != 0))
		errx(2, "usage: pftool roundtrip|parse master|main FILE");
	master = strcmp(argv[2], "master") == 0;
	data = slurp(argv[3], &len);
	diag_init(&d);
	mc_init(&mc, argv[3]);
	mp_init(&mp, argv[3]);
	cf = master ? &mc.cf : &mp.cf;
	r = cf_load(cf, data, len, &d);
	if (master)
		r |= mc_parse(&mc, &d);
	else
		r |= mp_parse(&mp, &d);
	if (strcmp(argv[1], "roundtrip") == 0) {
		buf_init(&b);
		buf_adds(&b, "");
		cf_serialize(cf, &b);
		fwrite(b.p, 1, b.len, stdout);
		buf_free(&b);
		r = 0;
	} else if (strcmp(argv[1], "parse") == 0) {
		diag_print(&d, stdout, DIAG_NOTE);
	} else
		errx(2, "unknown command %s", argv[1]);
	mc_free(&mc);
	mp_free(&mp);
	diag_free(&d);
	free(data);
	return r != 0;
}
