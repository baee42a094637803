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
 * Backup sets.  Before an edit replaces anything, both files as they were
 * read go into a new directory pfsubmit-backups/ID/ of the configuration
 * directory, with their owner and mode, plus a file "info" that says what
 * made the set.  ID is the UTC time, 20261129T123456Z, with -2, -3, ...
 * added when two edits fall in one second.  The set is written as ID.tmp
 * and renamed when complete, so a set either exists whole or not at all;
 * a leftover ID.tmp (from a run that was killed) is removed by the next
 * run.  A set is never overwritten; the oldest are removed when there
 * are more than PF_BACKUP_KEEP.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pfsubmit.h"

/* valid_id - "YYYYmmddTHHMMSSZ" with an optional "-N"; 1 if so */
static int
valid_id(const char *s)
{
	size_t	 i;

	for (i = 0; i < 16; i++) {
		if (i == 8) {
			if (s[i] != 'T')
				return 0;
		} else if (i == 15) {
			if (s[i] != 'Z')
				return 0;
		} else if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	if (s[16] == '\0')
		return 1;
	if (s[16] != '-' || s[17] < '1' || s[17] > '9')
		return 0;
	for (i = 18; s[i] != '\0'; i++)
		if (s[i] < '0' || s[i] > '9' || i > 22)
			return 0;
	return 1;
}

/* id_cmp - order of two ids, oldest first */
static int
id_cmp(const char *a, const char *b)
{
	int	 r;
	long	 na, nb;

	if ((r = strncmp(a, b, 16)) != 0)
		return r;
	na = a[16] == '-' ? strtol(a + 17, NULL, 10) : 1;
	nb = b[16] == '-' ? strtol(b + 17, NULL, 10) : 1;
	return na < nb ? -1 : na > nb;
}

static int
set_cmp_newest(const void *a, const void *b)
{
	return id_cmp(((const struct bk_set *)b)->id,
	    ((const struct bk_set *)a)->id);
}

/* open_bkdir - the backup directory, made if create; -2 if absent */
static int
open_bkdir(int dirfd, int create, struct diag *d)
{
	struct stat	 st;
	int		 fd;

	if (create && mkdirat(dirfd, BK_DIR, 0700) == -1 && errno != EEXIST) {
		diag_add(d, DIAG_ERR, BK_DIR, 0, "mkdir: %s", strerror(errno));
		return -1;
	}
	if ((fd = openat(dirfd, BK_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		if (errno == ENOENT && !create)
			return -2;
		diag_add(d, DIAG_ERR, BK_DIR, 0, "open: %s",
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || sf_check_secure(&st, BK_DIR, 1, d) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * remove_set - remove a set directory and the files in it.  A complete
 * set is first renamed to ID.tmp, so that it is never seen incomplete
 * under its own name: an interrupted removal leaves a partial set that
 * the next edit removes (bk_cleanup).
 */
static void
remove_set(int bfd, const char *id)
{
	struct dirent	*de;
	DIR		*dp;
	char		 tmp[SF_NAMELEN + 8];
	size_t		 len = strlen(id);
	int		 fd;

	if (len < 4 || strcmp(id + len - 4, ".tmp") != 0) {
		(void)snprintf(tmp, sizeof(tmp), "%s.tmp", id);
		if (renameat(bfd, id, bfd, tmp) == -1)
			return;
		id = tmp;
	}
	if ((fd = openat(bfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return;
	if ((dp = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		(void)unlinkat(fd, de->d_name, 0);
	}
	closedir(dp);
	(void)unlinkat(bfd, id, AT_REMOVEDIR);
}

/* remove_partial - remove sets that a killed run left half written */
static void
remove_partial(int bfd)
{
	struct dirent	*de;
	DIR		*dp;
	size_t		 len;
	int		 fd;
	char		**names = NULL;
	size_t		 n = 0, i;

	if ((fd = dup(bfd)) == -1)
		return;
	if ((dp = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	rewinddir(dp);
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len > 4 && strcmp(de->d_name + len - 4, ".tmp") == 0) {
			names = xreallocarray(names, n + 1, sizeof(*names));
			names[n++] = xstrdup(de->d_name);
		}
	}
	closedir(dp);
	for (i = 0; i < n; i++) {
		remove_set(bfd, names[i]);
		free(names[i]);
	}
	free(names);
}

/*
 * bk_cleanup - remove what a killed run left half written or half
 * removed (ID.tmp), whether or not this run makes a set.
 */
void
bk_cleanup(int dirfd)
{
	int	 bfd;

	if ((bfd = open_bkdir(dirfd, 0, NULL)) < 0)
		return;
	remove_partial(bfd);
	close(bfd);
}

/*
 * bk_create - write a backup set of the files; its id goes to idout.
 */
int
bk_create(int dirfd, const struct bk_file *files, size_t nfiles,
    const char *info, char *idout, size_t idlen, struct diag *d)
{
	struct tm	*tm;
	struct stat	 st;
	char		 base[32], id[SF_NAMELEN], tmp[SF_NAMELEN + 8];
	struct diag	 sub;
	time_t		 now;
	size_t		 i;
	int		 bfd, sfd = -1, n;

	if ((bfd = open_bkdir(dirfd, 1, d)) < 0)
		return -1;
	diag_init(&sub);
	remove_partial(bfd);
	now = time(NULL);
	if ((tm = gmtime(&now)) == NULL ||
	    strftime(base, sizeof(base), "%Y%m%dT%H%M%SZ", tm) == 0) {
		close(bfd);
		return -1;
	}
	for (n = 1; n < 1000; n++) {
		if (n == 1)
			(void)strlcpy(id, base, sizeof(id));
		else
			(void)snprintf(id, sizeof(id), "%s-%d", base, n);
		(void)snprintf(tmp, sizeof(tmp), "%s.tmp", id);
		if (fstatat(bfd, id, &st, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		if (mkdirat(bfd, tmp, 0700) == 0)
			break;
		if (errno != EEXIST) {
			diag_add(d, DIAG_ERR, BK_DIR, 0, "mkdir: %s",
			    strerror(errno));
			close(bfd);
			return -1;
		}
	}
	if (n == 1000) {
		diag_add(d, DIAG_ERR, BK_DIR, 0, "cannot name a backup set");
		close(bfd);
		return -1;
	}
	if ((sfd = openat(bfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		diag_add(d, DIAG_ERR, BK_DIR, 0, "open %s: %s", tmp,
		    strerror(errno));
		(void)unlinkat(bfd, tmp, AT_REMOVEDIR);
		close(bfd);
		return -1;
	}
	for (i = 0; i < nfiles; i++) {
		if (!files[i].exists)
			continue;
		/*
		 * Root keeps owner and group; a user editing a staging
		 * directory of their own may not be in the file's group.
		 */
		if (sf_write_new(sfd, files[i].name, files[i].data,
		    files[i].len, files[i].st->st_mode, geteuid() == 0 ?
		    files[i].st->st_uid : geteuid(), geteuid() == 0 ?
		    files[i].st->st_gid : getegid(), &sub) == -1)
			goto fail;
	}
	if (sf_write_new(sfd, "info", info, strlen(info), 0600, geteuid(),
	    getegid(), &sub) == -1)
		goto fail;
	if (fsync(sfd) == -1 || renameat(bfd, tmp, bfd, id) == -1) {
		diag_add(d, DIAG_ERR, BK_DIR, 0, "cannot complete backup set "
		    "%s: %s", id, strerror(errno));
		goto fail;
	}
	/* The set is complete under its name; only durability is in doubt. */
	if (fsync(bfd) == -1)
		diag_add(d, DIAG_WARN, BK_DIR, 0, "fsync: %s", strerror(errno));
	close(sfd);
	close(bfd);
	diag_free(&sub);
	(void)strlcpy(idout, id, idlen);
	return 0;
fail:
	/* Name the files by their place in the backup directory. */
	for (i = 0; i < sub.n; i++)
		diag_add(d, sub.m[i].sev, BK_DIR, 0, "%s/%s: %s", tmp,
		    sub.m[i].file != NULL ? sub.m[i].file : "", sub.m[i].text);
	diag_free(&sub);
	if (sfd != -1)
		close(sfd);
	remove_set(bfd, tmp);
	close(bfd);
	return -1;
}

void
bk_list_free(struct bk_set *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(s[i].info);
	free(s);
}

/*
 * bk_list - the backup sets, newest first; *setsp is allocated.  No
 * backup directory means no sets.
 */
int
bk_list(int dirfd, struct bk_set **setsp, size_t *np, struct diag *d)
{
	struct bk_set	*s = NULL;
	struct dirent	*de;
	struct stat	 st;
	DIR		*dp;
	char		*data, *p;
	size_t		 n = 0, len;
	int		 bfd, fd, exists, bad = 0;

	*setsp = NULL;
	*np = 0;
	if ((bfd = open_bkdir(dirfd, 0, d)) < 0)
		return bfd == -2 ? 0 : -1;
	if ((fd = dup(bfd)) == -1 || (dp = fdopendir(fd)) == NULL) {
		close(bfd);
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (!valid_id(de->d_name))
			continue;
		s = xreallocarray(s, n + 1, sizeof(*s));
		memset(&s[n], 0, sizeof(s[n]));
		(void)strlcpy(s[n].id, de->d_name, sizeof(s[n].id));
		if ((fd = openat(bfd, de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) != -1) {
			s[n].has_main = fstatat(fd, "main.cf", &st,
			    AT_SYMLINK_NOFOLLOW) == 0;
			s[n].has_master = fstatat(fd, "master.cf", &st,
			    AT_SYMLINK_NOFOLLOW) == 0;
			if (sf_read(fd, "info", "info", &data, &len, &st,
			    &exists, NULL) == 0 && exists) {
				s[n].info = data;
				s[n].by_rollback =
				    strstr(data, "\nrollback: yes") != NULL;
				if ((p = strstr(data, "\nrestored: ")) !=
				    NULL && (len = strcspn(p + 11, "\n")) <
				    sizeof(s[n].restored)) {
					memcpy(s[n].restored, p + 11, len);
					s[n].restored[len] = '\0';
				}
			} else {
				/* Whether a rollback made it is unknown. */
				diag_add(d, DIAG_ERR, BK_DIR, 0, "%s: cannot "
				    "read its info", de->d_name);
				bad = 1;
			}
			close(fd);
		}
		if (s[n].info == NULL)
			s[n].info = xstrdup("");
		n++;
	}
	closedir(dp);
	close(bfd);
	if (n > 0)
		qsort(s, n, sizeof(*s), set_cmp_newest);
	*setsp = s;
	*np = n;
	return bad ? -1 : 0;
}

/* bk_read - one file of a set; a file the set lacks: *existsp is 0 */
int
bk_read(int dirfd, const char *id, const char *name, char **datap,
    size_t *lenp, int *existsp, struct diag *d)
{
	struct stat	 st;
	int		 bfd, sfd, r;

	*existsp = 0;
	if (!valid_id(id) || (bfd = open_bkdir(dirfd, 0, d)) < 0) {
		diag_add(d, DIAG_ERR, NULL, 0, "no backup set %s", id);
		return -1;
	}
	sfd = openat(bfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	close(bfd);
	if (sfd == -1) {
		diag_add(d, DIAG_ERR, NULL, 0, "no backup set %s", id);
		return -1;
	}
	r = sf_read(sfd, name, name, datap, lenp, &st, existsp, d);
	close(sfd);
	return r;
}

/* bk_prune - keep the newest keep sets */
void
bk_prune(int dirfd, int keep)
{
	struct bk_set	*s;
	size_t		 n, i;
	int		 bfd;

	/* Pruning needs to know every set: not when one is unreadable. */
	if (bk_list(dirfd, &s, &n, NULL) == -1) {
		bk_list_free(s, n);
		return;
	}
	if ((bfd = open_bkdir(dirfd, 0, NULL)) >= 0) {
		for (i = (size_t)keep; i < n; i++)
			remove_set(bfd, s[i].id);
		close(bfd);
	}
	bk_list_free(s, n);
}

/*
 * bk_remove - remove a set again, when the edit it was made for did not
 * happen (the files are as they were, so the set says nothing new).
 */
void
bk_remove(int dirfd, const char *id)
{
	int	 bfd;

	if (!valid_id(id) || (bfd = open_bkdir(dirfd, 0, NULL)) < 0)
		return;
	remove_set(bfd, id);
	(void)fsync(bfd);
	close(bfd);
}
