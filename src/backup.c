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
 * run.  A set is never overwritten.
 *
 * The info file is "key: value" lines, each value encoded with vis(3)
 * (C-style escapes for a newline, a control byte, a backslash), so that
 * no argument of the command line can add a line of its own; it begins
 * with "version: 2" and "seq: N".  The sets are ordered by that number,
 * one more than the highest of the sets there, not by their names: a
 * clock that steps back must not make a new set look old.  Sets made
 * before the numbers were kept (no seq) are older than every numbered
 * one, and ordered among themselves by name.  The set made when there
 * was none ("first: yes": the configuration before pfsubmit's first
 * edit) is never pruned; of the others the newest are kept, as many as
 * pfsubmit-backups/keep says (PF_BACKUP_KEEP without it).
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
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

/* set_cmp_newest - by sequence number, then (unnumbered sets) by id */
static int
set_cmp_newest(const void *a, const void *b)
{
	const struct bk_set *sa = a, *sb = b;

	if (sa->seq != sb->seq)
		return sa->seq < sb->seq ? 1 : -1;
	return id_cmp(sb->id, sa->id);
}

/*
 * bk_encode - a value for the info file, on one line; allocated.  A
 * control byte, DEL and the backslash become a backslash and three
 * octal digits (as vis(3) writes them), so no argument can end its line
 * and add a field; every other byte stays as it is.
 */
char *
bk_encode(const char *s)
{
	struct buf	 b;
	unsigned char	 c;

	buf_init(&b);
	buf_adds(&b, "");
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || c == '\\')
			buf_printf(&b, "\\%03o", c);
		else
			buf_addc(&b, c);
	}
	return buf_take(&b);
}

/* bk_decode - bk_encode undone (what does not decode is kept); alloc. */
char *
bk_decode(const char *s)
{
	struct buf	 b;
	int		 v;

	buf_init(&b);
	buf_adds(&b, "");
	while (*s != '\0') {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7' &&
		    (v = (s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0')) !=
		    0) {
			buf_addc(&b, v);
			s += 4;
		} else
			buf_addc(&b, *s++);
	}
	return buf_take(&b);
}

/*
 * bk_info_field - the value of "key: value" in a set's info, decoded
 * when the info is encoded; the first line with the key counts, so a
 * header line cannot be overridden by a later one.  "" when absent.
 */
char *
bk_info_field(const char *info, const char *key)
{
	const char	*p = info, *nl;
	char		*raw, *v;
	size_t		 klen = strlen(key);
	int		 enc;

	enc = strncmp(info, "version: 2\n", 11) == 0;
	while (*p != '\0') {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if ((size_t)(nl - p) >= klen + 2 &&
		    strncmp(p, key, klen) == 0 && p[klen] == ':' &&
		    p[klen + 1] == ' ') {
			raw = xstrndup(p + klen + 2,
			    (size_t)(nl - p) - klen - 2);
			if (!enc)
				return raw;
			v = bk_decode(raw);
			free(raw);
			return v;
		}
		p = *nl == '\0' ? nl : nl + 1;
	}
	return xstrdup("");
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
		if (errno == EACCES && geteuid() != 0)
			diag_add(d, DIAG_ERR, BK_DIR, 0, "only root may read "
			    "the backup sets; run pfsubmit as root");
		else
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
	struct bk_set	*sets;
	time_t		 now;
	size_t		 i, nsets;
	long long	 seq = 0;
	char		*head;
	int		 bfd, sfd = -1, n, first = 0;

	if ((bfd = open_bkdir(dirfd, 1, d)) < 0)
		return -1;
	diag_init(&sub);
	remove_partial(bfd);
	/*
	 * The new set comes after every set there, whatever the clock; a
	 * set that cannot be read might have the highest number.
	 */
	if (bk_list(dirfd, &sets, &nsets, NULL) == 0 && nsets == 0)
		first = 1;
	for (i = 0; i < nsets; i++) {
		if (sets[i].unread) {
			diag_add(d, DIAG_ERR, BK_DIR, 0, "%s cannot be read, "
			    "so the new set cannot be numbered after it",
			    sets[i].id);
			bk_list_free(sets, nsets);
			close(bfd);
			return -1;
		}
		if (sets[i].seq > seq)
			seq = sets[i].seq;
	}
	bk_list_free(sets, nsets);
	head = xprintf("version: 2\nseq: %lld\n%s%s", seq + 1,
	    first ? "first: yes\n" : "", info);
	now = time(NULL);
	if ((tm = gmtime(&now)) == NULL ||
	    strftime(base, sizeof(base), "%Y%m%dT%H%M%SZ", tm) == 0) {
		close(bfd);
		free(head);
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
			free(head);
			return -1;
		}
	}
	if (n == 1000) {
		diag_add(d, DIAG_ERR, BK_DIR, 0, "cannot name a backup set");
		close(bfd);
		free(head);
		return -1;
	}
	if ((sfd = openat(bfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		diag_add(d, DIAG_ERR, BK_DIR, 0, "open %s: %s", tmp,
		    strerror(errno));
		(void)unlinkat(bfd, tmp, AT_REMOVEDIR);
		close(bfd);
		free(head);
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
	if (sf_write_new(sfd, "info", head, strlen(head), 0600, geteuid(),
	    getegid(), &sub) == -1)
		goto fail;
	if (sf_fsync(sfd) == -1 || renameat(bfd, tmp, bfd, id) == -1) {
		diag_add(d, DIAG_ERR, BK_DIR, 0, "cannot complete backup set "
		    "%s: %s", id, strerror(errno));
		goto fail;
	}
	/* The set is complete under its name; only durability is in doubt. */
	if (sf_fsync(bfd) == -1)
		diag_add(d, DIAG_WARN, BK_DIR, 0, "fsync: %s", strerror(errno));
	close(sfd);
	close(bfd);
	diag_free(&sub);
	free(head);
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
	free(head);
	return -1;
}

/* info_parse - what the list needs of a set's info */
static void
info_parse(struct bk_set *s)
{
	const char	*err;
	char		*v;

	v = bk_info_field(s->info, "rollback");
	s->by_rollback = strcmp(v, "yes") == 0;
	free(v);
	v = bk_info_field(s->info, "restored");
	if (valid_id(v))
		(void)strlcpy(s->restored, v, sizeof(s->restored));
	free(v);
	v = bk_info_field(s->info, "seq");
	s->seq = strtonum(v, 1, LLONG_MAX / 2, &err);
	if (err != NULL)
		s->seq = 0;
	free(v);
	v = bk_info_field(s->info, "first");
	s->first = strcmp(v, "yes") == 0;
	free(v);
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
	char		*data;
	size_t		 n = 0, len, i;
	int		 bfd, fd, exists, bad = 0, r;

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
		    O_NOFOLLOW | O_CLOEXEC)) == -1) {
			/* Neither its number nor its origin is known. */
			diag_add(d, DIAG_ERR, BK_DIR, 0, "%s: cannot open it: "
			    "%s", de->d_name, strerror(errno));
			s[n].unread = 1;
			bad = 1;
		} else {
			s[n].has_main = fstatat(fd, "main.cf", &st,
			    AT_SYMLINK_NOFOLLOW) == 0;
			s[n].has_master = fstatat(fd, "master.cf", &st,
			    AT_SYMLINK_NOFOLLOW) == 0;
			if ((r = sf_read(fd, "info", "info", &data, &len, &st,
			    &exists, NULL)) == 0 && exists) {
				s[n].info = data;
				info_parse(&s[n]);
			} else {
				/* No info (a set made by hand): unnumbered. */
				s[n].unread = r == -1;
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
	/* Sets from before "first" was marked: the oldest stands for it. */
	for (i = 0; i < n && !s[i].first; i++)
		;
	if (n > 0 && i == n)
		s[n - 1].first = 1;
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

/* bk_prune - keep the newest keep sets, and the first for ever */
void
bk_prune(int dirfd, int keep)
{
	struct bk_set	*s;
	size_t		 n, i, kept = 0;
	int		 bfd;

	/* Pruning needs to know every set: not when one is unreadable. */
	if (bk_list(dirfd, &s, &n, NULL) == -1) {
		bk_list_free(s, n);
		return;
	}
	if ((bfd = open_bkdir(dirfd, 0, NULL)) >= 0) {
		for (i = 0; i < n; i++) {
			if (s[i].first)
				continue;
			if (kept++ >= (size_t)keep)
				remove_set(bfd, s[i].id);
		}
		close(bfd);
	}
	bk_list_free(s, n);
}

/*
 * bk_keep - how many sets to keep besides the first: the number in
 * pfsubmit-backups/keep (1 to 100000), else PF_BACKUP_KEEP.
 */
int
bk_keep(int dirfd)
{
	struct stat	 st;
	const char	*err;
	char		*data;
	size_t		 len;
	long long	 n;
	int		 bfd, exists;

	if ((bfd = open_bkdir(dirfd, 0, NULL)) < 0)
		return PF_BACKUP_KEEP;
	if (sf_read(bfd, BK_KEEP, BK_KEEP, &data, &len, &st, &exists,
	    NULL) == -1 || !exists) {
		close(bfd);
		return PF_BACKUP_KEEP;
	}
	close(bfd);
	data[strcspn(data, " \t\r\n")] = '\0';
	n = strtonum(data, 1, 100000, &err);
	free(data);
	if (err != NULL) {
		fprintf(stderr, "pfsubmit: warning: %s/%s: not a number from 1 "
		    "to 100000; keeping %d sets\n", BK_DIR, BK_KEEP,
		    PF_BACKUP_KEEP);
		return PF_BACKUP_KEEP;
	}
	return (int)n;
}

/* bk_set_dir - a descriptor on set id's directory, or -1 after why */
int
bk_set_dir(int dirfd, const char *id, struct diag *d)
{
	int	 bfd, sfd;

	if (!valid_id(id) || (bfd = open_bkdir(dirfd, 0, d)) < 0) {
		if (d == NULL || d->nerr == 0)
			diag_add(d, DIAG_ERR, NULL, 0, "no backup set %s; "
			    "pfsubmit backups lists them", id);
		return -1;
	}
	sfd = openat(bfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	close(bfd);
	if (sfd == -1)
		diag_add(d, DIAG_ERR, NULL, 0, "no backup set %s; pfsubmit "
		    "backups lists them", id);
	return sfd;
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
	(void)sf_fsync(bfd);
	close(bfd);
}
