/*
 * Helpers for the unit tests.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

char *
t_read(const char *path, size_t *lenp)
{
	struct buf	 b;
	char		 tmp[8192];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		fail_msg("open %s", path);
	buf_init(&b);
	buf_adds(&b, "");
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(&b, tmp, (size_t)n);
	close(fd);
	if (lenp != NULL)
		*lenp = b.len;
	return buf_take(&b);
}

char *
t_fixture(const char *name)
{
	return xprintf("%s/%s", FIXTURES_DIR, name);
}

char *
t_tmpdir(void)
{
	char	 tmpl[] = "/tmp/pfsubmit-test.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		fail_msg("mkdtemp");
	return xstrdup(tmpl);
}

void
t_rmdir(const char *dir)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*dp;
	char		*p;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		p = xprintf("%s/%s", dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			t_rmdir(p);
		else
			unlink(p);
		free(p);
	}
	closedir(dp);
	rmdir(dir);
}

void
t_write(const char *dir, const char *name, const char *data, size_t len)
{
	char	*p;
	int	 fd;

	p = xprintf("%s/%s", dir, name);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		fail_msg("create %s", p);
	if (write(fd, data, len) != (ssize_t)len)
		fail_msg("write %s", p);
	close(fd);
	free(p);
}

char *
t_serialize(const struct cf_file *f)
{
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "");
	cf_serialize(f, &b);
	return buf_take(&b);
}

char *
t_roundtrip_master(const char *text, size_t len, size_t *outlen)
{
	struct mc_file	 m;
	struct diag	 d;
	struct buf	 b;

	diag_init(&d);
	mc_init(&m, "master.cf");
	(void)cf_load(&m.cf, text, len, &d);
	(void)mc_parse(&m, &d);
	buf_init(&b);
	buf_adds(&b, "");
	cf_serialize(&m.cf, &b);
	mc_free(&m);
	diag_free(&d);
	*outlen = b.len;
	return buf_take(&b);
}

char *
t_roundtrip_main(const char *text, size_t len, size_t *outlen)
{
	struct mp_file	 m;
	struct diag	 d;
	struct buf	 b;

	diag_init(&d);
	mp_init(&m, "main.cf");
	(void)cf_load(&m.cf, text, len, &d);
	(void)mp_parse(&m, &d);
	buf_init(&b);
	buf_adds(&b, "");
	cf_serialize(&m.cf, &b);
	mp_free(&m);
	diag_free(&d);
	*outlen = b.len;
	return buf_take(&b);
}

void
t_master(struct mc_file *m, const char *text)
{
	struct diag	 d;

	diag_init(&d);
	mc_init(m, "master.cf");
	assert_int_equal(cf_load(&m->cf, text, strlen(text), &d), 0);
	assert_int_equal(mc_parse(m, &d), 0);
	diag_free(&d);
}

void
t_main(struct mp_file *m, const char *text)
{
	struct diag	 d;

	diag_init(&d);
	mp_init(m, "main.cf");
	assert_int_equal(cf_load(&m->cf, text, strlen(text), &d), 0);
	assert_int_equal(mp_parse(m, &d), 0);
	diag_free(&d);
}
