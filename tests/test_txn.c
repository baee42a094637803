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
 * Failure injection on the whole transaction.  A configuration directory
 * holds the Debian main.cf and master.cf; txn_begin, an edit of both
 * files in memory, then txn_commit with the nth call of one system call
 * failing, for every n that a clean run makes (linked with -Wl,--wrap,
 * see tests/faults.h).  After txn_end:
 *
 *  - the exit status is OK, FAIL, CHECK or RESTORE, and says what the
 *    files are: OK both new, FAIL and CHECK both original;
 *  - main.cf and master.cf are both the originals or both the new
 *    versions, never one of each, with their owner and mode;
 *  - no "*.pfsubmit-new" and no "*.tmp" is left in the directory;
 *  - every backup set there is complete (main.cf, master.cf, info, the
 *    originals with their owner and mode), and no "*.tmp" set is left.
 *
 * Each point is run twice: in a directory without backups, and in one
 * with PF_BACKUP_KEEP sets and a partial set left by a killed run, so
 * that listing, pruning and the removal of partial sets fail too.
 *
 * Then again with the nth and every later call failing (a full disk, a
 * dead device): restoring may fail as well, so a mix is allowed only
 * with EX_PF_RESTORE, and a partial set that could not be removed is
 * only a note.  Oddities that break no property (a backup set kept
 * after a failure, a leaked descriptor) are printed as notes.
 * Set TXN_VERBOSE=1 to print every point.  Run as root.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "faults.h"

/*
 * The configuration under test.
 */
enum scen {
	SCEN_FRESH,	/* no backups yet */
	SCEN_SETS,	/* PF_BACKUP_KEEP sets and a partial one */
	SCEN_N
};
static const char *const scen_name[SCEN_N] = { "fresh", "with-sets" };

#define STALE_SET	"20200102T000000Z.tmp"

static const char *const fname[2] = { "main.cf", "master.cf" };
static const char *const fixture[2] = { "main/debian.cf",
	"master/debian-3.7.cf" };
/* Not root's group, so that fchown is called for both files. */
static const gid_t fgid[2] = { 12345, 23456 };
static const mode_t fmode[2] = { 0640, 0644 };

static char	*orig[2];	/* owned: the fixtures' bytes */
static size_t	 origlen[2];
static char	*want[2];	/* owned: the files after the edit */
static size_t	 wantlen[2];

/*
 * For the summary, per call and mode (0: the nth call fails, 1: it and
 * every later one): points run, the statuses they gave, and how many
 * broke a property or gave a note.
 */
static const char *const mode_name[2] = { "nth call fails",
	"nth and every later call fail" };
static int	 points[2][SC_N][SCEN_N];
static int	 outcome[2][SC_N][EX_PF_CHANGED + 2];
static int	 nproblems[2][SC_N];
static int	 nnotes[2][SC_N];

/* slurp - a whole file, allocated; NULL if it cannot be opened */
static char *
slurp(const char *path, size_t *lenp)
{
	struct buf	 b;
	char		 tmp[8192];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW)) == -1)
		return NULL;
	buf_init(&b);
	buf_adds(&b, "");
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(&b, tmp, (size_t)n);
	(void)close(fd);
	*lenp = b.len;
	return buf_take(&b);
}

/* count_fds - open descriptors of this process */
static int
count_fds(void)
{
	struct dirent	*de;
	DIR		*dp;
	int		 n = 0;

	if ((dp = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(dp);
	return n;
}

/* make_dir - a configuration directory for scenario scen; allocated */
static char *
make_dir(int scen)
{
	char	*dir, *p, *bk, *set;
	int	 k, i;

	dir = t_tmpdir();
	for (k = 0; k < 2; k++) {
		t_write(dir, fname[k], orig[k], origlen[k]);
		p = xprintf("%s/%s", dir, fname[k]);
		assert_int_equal(chown(p, 0, fgid[k]), 0);
		assert_int_equal(chmod(p, fmode[k]), 0);
		free(p);
	}
	if (scen == SCEN_FRESH)
		return dir;
	bk = xprintf("%s/%s", dir, BK_DIR);
	assert_int_equal(mkdir(bk, 0700), 0);
	for (i = 0; i < PF_BACKUP_KEEP; i++) {
		set = xprintf("%s/20200101T0000%02dZ", bk, i);
		assert_int_equal(mkdir(set, 0700), 0);
		t_write(set, "main.cf", "old main\n", 9);
		t_write(set, "master.cf", "old master\n", 11);
		t_write(set, "info", "time: 0\ncommand: old\nrollback: no\n",
		    34);
		free(set);
	}
	set = xprintf("%s/%s", bk, STALE_SET);
	assert_int_equal(mkdir(set, 0700), 0);
	t_write(set, "main.cf", "half", 4);
	free(set);
	free(bk);
	return dir;
}

static size_t
find_disabled(const struct mc_file *m, const char *name, const char *type)
{
	const struct mc_service *s;
	size_t	 i;

	for (i = 0; i < m->nsvc; i++) {
		s = &m->svc[i];
		if (!s->enabled && s->field[MCF_SERVICE] != NULL &&
		    s->field[MCF_TYPE] != NULL &&
		    strcmp(s->field[MCF_SERVICE], name) == 0 &&
		    strcmp(s->field[MCF_TYPE], type) == 0)
			return i;
	}
	return (size_t)-1;
}

/* edit - change both files in memory, as enable would; -1 if it fails */
static int
edit(struct txn *t)
{
	struct diag	 d;
	size_t		 i;
	int		 r = 0;

	diag_init(&d);
	if (mpe_set(&t->c.main, "x_test", "1") != 1)
		r = -1;
	else if ((i = find_disabled(&t->c.master, "submission", "inet")) ==
	    (size_t)-1)
		r = -1;
	else {
		mce_uncomment(&t->c.master, i);
		if (conf_reparse(&t->c, &d) == -1)
			r = -1;
	}
	diag_free(&d);
	return r;
}

static void
set_opts(const char *dir)
{
	memset(&opt, 0, sizeof(opt));
	opt.config_dir = dir;
	opt.no_check = 1;
	opt.no_reload = 1;
	opt.quiet = 1;
	opt.lock_wait = 1;
}

/*
 * run_once - the transaction in dir with the nth call of sc failing (sc
 * -1: none), and with sticky every later one too.  What pfsubmit printed
 * goes to *errp (allocated); *fdsp is how many descriptors the run
 * leaked.  Returns txn_commit's status.
 */
static int
run_once(const char *dir, int sc, int nth, int sticky, char **errp,
    int *fdsp)
{
	struct txn	 t;
	char		 tmpl[] = "/tmp/pfsubmit-txn-stderr.XXXXXX";
	struct buf	 b;
	char		 tmp[4096];
	ssize_t		 n;
	int		 status, saved, cap, r, k, fds;

	set_opts(dir);
	(void)fflush(stderr);
	if ((cap = mkstemp(tmpl)) == -1)
		fail_msg("mkstemp");
	(void)unlink(tmpl);
	saved = dup(2);
	(void)dup2(cap, 2);
	fds = count_fds();

	status = -1;
	if ((r = txn_begin(&t)) == 0) {
		if ((r = edit(&t)) == 0) {
			for (k = 0; k < 2 && want[k] == NULL; k++) {
				want[k] = t_serialize(k == 0 ?
				    &t.c.main.cf : &t.c.master.cf);
				wantlen[k] = strlen(want[k]);
			}
			inj_arm(sc, nth, sticky);
			status = txn_commit(&t);
			inj_disarm();
		}
		txn_end(&t);
	}

	*fdsp = count_fds() - fds;
	(void)fflush(stderr);
	(void)dup2(saved, 2);
	(void)close(saved);
	(void)lseek(cap, 0, SEEK_SET);
	buf_init(&b);
	buf_adds(&b, "");
	while ((n = read(cap, tmp, sizeof(tmp))) > 0)
		buf_add(&b, tmp, (size_t)n);
	*errp = buf_take(&b);
	(void)close(cap);
	if (r != 0)
		fail_msg("txn_begin or the edit failed in %s:\n%s", dir,
		    *errp);
	return status;
}

enum fstate {
	FS_MISSING,
	FS_ORIG,
	FS_NEW,
	FS_OTHER
};
static const char *const fs_name[] = {
	"missing", "the original", "the new version", "neither original nor new"
};

/* file_state - which version of file k dir holds; its status in *st */
static int
file_state(const char *dir, int k, struct stat *st)
{
	char	*p, *data;
	size_t	 len;
	int	 r = FS_OTHER;

	p = xprintf("%s/%s", dir, fname[k]);
	if (lstat(p, st) == -1 || (data = slurp(p, &len)) == NULL) {
		free(p);
		return FS_MISSING;
	}
	if (len == origlen[k] && memcmp(data, orig[k], len) == 0)
		r = FS_ORIG;
	else if (len == wantlen[k] && memcmp(data, want[k], len) == 0)
		r = FS_NEW;
	free(data);
	free(p);
	return r;
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t	 n = strlen(s), m = strlen(suf);

	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* check_set - one backup set; 1 if pfsubmit made it in this run */
static int
check_set(const char *bk, const char *id, struct buf *probs)
{
	struct stat	 st;
	char		*p, *data;
	size_t		 len;
	int		 k, mine;

	mine = strncmp(id, "2020", 4) != 0;
	for (k = 0; k < 3; k++) {
		p = xprintf("%s/%s/%s", bk, id, k < 2 ? fname[k] : "info");
		if (lstat(p, &st) == -1) {
			buf_printf(probs, "backup set %s is incomplete: it "
			    "lacks %s\n", id, k < 2 ? fname[k] : "info");
		} else if (mine && k < 2) {
			if ((data = slurp(p, &len)) == NULL ||
			    len != origlen[k] ||
			    memcmp(data, orig[k], len) != 0)
				buf_printf(probs, "backup set %s: %s is not "
				    "the original\n", id, fname[k]);
			free(data);
			if (st.st_uid != 0 || st.st_gid != fgid[k] ||
			    (st.st_mode & 07777) != fmode[k])
				buf_printf(probs, "backup set %s: %s has "
				    "owner %ju:%ju mode %04o\n", id, fname[k],
				    (uintmax_t)st.st_uid, (uintmax_t)st.st_gid,
				    (unsigned)(st.st_mode & 07777));
		}
		free(p);
	}
	return mine;
}

/*
 * verify - the state dir was left in after a transaction that returned
 * status.  Broken properties go to probs, oddities to notes.
 */
static void
verify(const char *dir, int scen, int status, int sticky, struct buf *probs,
    struct buf *notes)
{
	struct dirent	*de;
	struct stat	 st[2], sst;
	DIR		*dp;
	char		*bk, *p;
	int		 fs[2], k, newsets = 0;

	if (status != EX_PF_OK && status != EX_PF_FAIL &&
	    status != EX_PF_CHECK && status != EX_PF_RESTORE)
		buf_printf(probs, "exit status %d is not one of OK, FAIL, "
		    "CHECK, RESTORE\n", status);
	for (k = 0; k < 2; k++)
		fs[k] = file_state(dir, k, &st[k]);
	if (fs[0] != fs[1] || (fs[0] != FS_ORIG && fs[0] != FS_NEW))
		buf_printf(sticky && status == EX_PF_RESTORE ? notes : probs,
		    "MIX: main.cf is %s, master.cf is %s\n", fs_name[fs[0]],
		    fs_name[fs[1]]);
	else if (status == EX_PF_OK && fs[0] != FS_NEW)
		buf_printf(probs, "status 0 (OK) but both files are the "
		    "originals\n");
	else if ((status == EX_PF_FAIL || status == EX_PF_CHECK) &&
	    fs[0] != FS_ORIG)
		buf_printf(probs, "status %d says the originals are in place, "
		    "but both files are the new versions\n", status);
	for (k = 0; k < 2; k++) {
		if (fs[k] == FS_MISSING)
			continue;
		if (!S_ISREG(st[k].st_mode) || st[k].st_nlink != 1 ||
		    st[k].st_uid != 0 || st[k].st_gid != fgid[k] ||
		    (st[k].st_mode & 07777) != fmode[k])
			buf_printf(probs, "%s lost its owner or mode: now "
			    "%ju:%ju %04o, %ju links (was 0:%ju %04o)\n",
			    fname[k], (uintmax_t)st[k].st_uid,
			    (uintmax_t)st[k].st_gid,
			    (unsigned)(st[k].st_mode & 07777),
			    (uintmax_t)st[k].st_nlink, (uintmax_t)fgid[k],
			    (unsigned)fmode[k]);
	}

	if ((dp = opendir(dir)) == NULL)
		fail_msg("opendir %s", dir);
	while ((de = readdir(dp)) != NULL)
		if (has_suffix(de->d_name, ".pfsubmit-new") ||
		    has_suffix(de->d_name, ".tmp"))
			buf_printf(probs, "left behind: %s\n", de->d_name);
	closedir(dp);

	bk = xprintf("%s/%s", dir, BK_DIR);
	if ((dp = opendir(bk)) != NULL) {
		while ((de = readdir(dp)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			p = xprintf("%s/%s", bk, de->d_name);
			if (lstat(p, &sst) == -1 || !S_ISDIR(sst.st_mode))
				buf_printf(probs, "%s/%s is not a set\n",
				    BK_DIR, de->d_name);
			else if (has_suffix(de->d_name, ".tmp")) {
				if (scen == SCEN_SETS &&
				    strcmp(de->d_name, STALE_SET) == 0)
					buf_printf(notes, "the partial set %s "
					    "of an earlier run was not "
					    "removed\n", STALE_SET);
				else
					/*
					 * When every later openat fails too,
					 * removing it cannot work either; an
					 * old set whose pruning was cut short
					 * is left as ID.tmp, never incomplete
					 * under its own name, and the next
					 * run removes it.
					 */
					buf_printf(sticky || (scen ==
					    SCEN_SETS && strncmp(de->d_name,
					    "2020", 4) == 0) ? notes : probs,
					    "partial backup set left: %s/%s\n",
					    BK_DIR, de->d_name);
			} else
				newsets += check_set(bk, de->d_name, probs);
			free(p);
		}
		closedir(dp);
	}
	free(bk);
	if (status == EX_PF_OK && newsets != 1)
		buf_printf(probs, "status 0 (OK) but %d backup sets of the "
		    "originals\n", newsets);
	if ((status == EX_PF_FAIL || status == EX_PF_CHECK) && newsets > 0)
		buf_printf(notes, "status %d, files unchanged, but the new "
		    "backup set was kept\n", status);
}

/*
 * inject_all - every call of sc that a clean commit makes, made to fail
 * in turn (with sticky, together with every later call of sc), in both
 * scenarios.
 */
static void
inject_all(int sc, int sticky)
{
	static char	 label[INJ_MAXLOG][96];
	struct buf	 probs, notes;
	const char	*verbose = getenv("TXN_VERBOSE");
	char		*dir, *err;
	int		 scen, total, nth, status, leak, bad = 0;

	for (scen = 0; scen < SCEN_N; scen++) {
		buf_init(&probs);
		buf_init(&notes);
		buf_adds(&probs, "");
		buf_adds(&notes, "");

		/* Count the calls in a run that fails nothing. */
		dir = make_dir(scen);
		status = run_once(dir, -1, 0, 0, &err, &leak);
		verify(dir, scen, status, 0, &probs, &notes);
		if (status != EX_PF_OK || probs.len > 0)
			fail_msg("clean run (%s): status %d\n%s%s",
			    scen_name[scen], status, probs.p, err);
		total = inj.n[sc];
		memcpy(label, inj.what[sc], sizeof(label));
		t_rmdir(dir);
		free(dir);
		free(err);
		points[sticky][sc][scen] = total;

		for (nth = 1; nth <= total; nth++) {
			buf_reset(&probs);
			buf_reset(&notes);
			buf_adds(&probs, "");
			buf_adds(&notes, "");
			dir = make_dir(scen);
			status = run_once(dir, sc, nth, sticky, &err, &leak);
			if (!inj.fired)
				buf_printf(&notes, "call #%d did not happen "
				    "(the run went another way)\n", nth);
			verify(dir, scen, status, sticky, &probs, &notes);
			if (leak > 0)
				buf_printf(&notes, "%d descriptor(s) leaked\n",
				    leak);
			if (status >= 0 && status <= EX_PF_CHANGED)
				outcome[sticky][sc][status]++;
			else
				outcome[sticky][sc][EX_PF_CHANGED + 1]++;
			if (probs.len > 0 || notes.len > 0 ||
			    (verbose != NULL && *verbose == '1'))
				print_message("  %s %s #%d%s/%d (%s): "
				    "status %d\n%s%s%s%s", scen_name[scen],
				    sc_name[sc], nth, sticky ? "+" : "", total,
				    nth <= INJ_MAXLOG ? label[nth - 1] : "?",
				    status, probs.len > 0 ? "  PROBLEM: " : "",
				    probs.p, notes.len > 0 ? "  note: " : "",
				    notes.p);
			if (probs.len > 0) {
				print_message("  --- pfsubmit said:\n%s"
				    "  ---\n", err);
				bad++;
				nproblems[sticky][sc]++;
			}
			if (notes.len > 0)
				nnotes[sticky][sc]++;
			t_rmdir(dir);
			free(dir);
			free(err);
		}
		buf_free(&probs);
		buf_free(&notes);
	}
	assert_int_equal(bad, 0);
}

static void
txn_commit__nothing_fails__both_new_and_backed_up(void **state)
{
	struct buf	 probs, notes;
	char		*dir, *err;
	int		 scen, status, leak;

	for (scen = 0; scen < SCEN_N; scen++) {
		buf_init(&probs);
		buf_init(&notes);
		buf_adds(&probs, "");
		buf_adds(&notes, "");
		dir = make_dir(scen);
		status = run_once(dir, -1, 0, 0, &err, &leak);
		verify(dir, scen, status, 0, &probs, &notes);
		if (probs.len > 0 || notes.len > 0)
			print_message("%s%s%s", probs.p, notes.p, err);
		assert_int_equal(status, EX_PF_OK);
		assert_int_equal(probs.len, 0);
		assert_int_equal(notes.len, 0);
		assert_int_equal(leak, 0);
		t_rmdir(dir);
		free(dir);
		free(err);
		buf_free(&probs);
		buf_free(&notes);
	}
}

static void
txn_commit__openat_fails(void **state)
{
	inject_all(SC_OPENAT, 0);
}

static void
txn_commit__write_fails(void **state)
{
	inject_all(SC_WRITE, 0);
}

static void
txn_commit__fchown_fails(void **state)
{
	inject_all(SC_FCHOWN, 0);
}

static void
txn_commit__fchmod_fails(void **state)
{
	inject_all(SC_FCHMOD, 0);
}

static void
txn_commit__fsync_fails(void **state)
{
	inject_all(SC_FSYNC, 0);
}

static void
txn_commit__renameat_fails(void **state)
{
	inject_all(SC_RENAMEAT, 0);
}

static void
txn_commit__mkdirat_fails(void **state)
{
	inject_all(SC_MKDIRAT, 0);
}

static void
txn_commit__close_fails(void **state)
{
	inject_all(SC_CLOSE, 0);
}

/*
 * The same with the nth and every later call failing, as on a full disk:
 * now restoring can fail too, and then the files may be one new and one
 * old, which only EX_PF_RESTORE may leave.
 */
static void
txn_commit__openat_fails_from_n_on(void **state)
{
	inject_all(SC_OPENAT, 1);
}

static void
txn_commit__write_fails_from_n_on(void **state)
{
	inject_all(SC_WRITE, 1);
}

static void
txn_commit__fchown_fails_from_n_on(void **state)
{
	inject_all(SC_FCHOWN, 1);
}

static void
txn_commit__fchmod_fails_from_n_on(void **state)
{
	inject_all(SC_FCHMOD, 1);
}

static void
txn_commit__fsync_fails_from_n_on(void **state)
{
	inject_all(SC_FSYNC, 1);
}

static void
txn_commit__renameat_fails_from_n_on(void **state)
{
	inject_all(SC_RENAMEAT, 1);
}

static void
txn_commit__mkdirat_fails_from_n_on(void **state)
{
	inject_all(SC_MKDIRAT, 1);
}

static void
txn_commit__close_fails_from_n_on(void **state)
{
	inject_all(SC_CLOSE, 1);
}

static int
group_setup(void **state)
{
	char		*p, *dir, *err;
	int		 k, status, leak;

	for (k = 0; k < 2; k++) {
		p = t_fixture(fixture[k]);
		orig[k] = t_read(p, &origlen[k]);
		free(p);
	}
	/* The new versions come from the first run's edit. */
	dir = make_dir(SCEN_FRESH);
	status = run_once(dir, -1, 0, 0, &err, &leak);
	t_rmdir(dir);
	free(dir);
	if (status != EX_PF_OK || want[0] == NULL || want[1] == NULL) {
		fprintf(stderr, "the transaction does not work without "
		    "failures: status %d\n%s", status, err);
		free(err);
		return -1;
	}
	free(err);
	/* Both files really change. */
	for (k = 0; k < 2; k++)
		if (wantlen[k] == origlen[k] &&
		    memcmp(want[k], orig[k], wantlen[k]) == 0)
			return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	int	 k;

	inj_disarm();
	for (k = 0; k < 2; k++) {
		free(orig[k]);
		free(want[k]);
	}
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    txn_commit__nothing_fails__both_new_and_backed_up),
		cmocka_unit_test(txn_commit__openat_fails),
		cmocka_unit_test(txn_commit__write_fails),
		cmocka_unit_test(txn_commit__fchown_fails),
		cmocka_unit_test(txn_commit__fchmod_fails),
		cmocka_unit_test(txn_commit__fsync_fails),
		cmocka_unit_test(txn_commit__renameat_fails),
		cmocka_unit_test(txn_commit__mkdirat_fails),
		cmocka_unit_test(txn_commit__close_fails),
		cmocka_unit_test(txn_commit__openat_fails_from_n_on),
		cmocka_unit_test(txn_commit__write_fails_from_n_on),
		cmocka_unit_test(txn_commit__fchown_fails_from_n_on),
		cmocka_unit_test(txn_commit__fchmod_fails_from_n_on),
		cmocka_unit_test(txn_commit__fsync_fails_from_n_on),
		cmocka_unit_test(txn_commit__renameat_fails_from_n_on),
		cmocka_unit_test(txn_commit__mkdirat_fails_from_n_on),
		cmocka_unit_test(txn_commit__close_fails_from_n_on),
	};
	int	 r, m, sc, s, total;

	r = cmocka_run_group_tests(tests, group_setup, group_teardown);
	for (m = 0; m < 2; m++) {
		printf("test_txn: injection points exercised, %s (%s + %s "
		    "directory):\n", mode_name[m], scen_name[SCEN_FRESH],
		    scen_name[SCEN_SETS]);
		total = 0;
		for (sc = 0; sc < SC_N; sc++) {
			printf("  %-8s %3d + %3d   problems %d, notes %d, "
			    "statuses", sc_name[sc],
			    points[m][sc][SCEN_FRESH], points[m][sc][SCEN_SETS],
			    nproblems[m][sc], nnotes[m][sc]);
			for (s = 0; s <= EX_PF_CHANGED + 1; s++)
				if (outcome[m][sc][s] > 0)
					printf(" %s%d:%d", s <= EX_PF_CHANGED ?
					    "" : "other ", s,
					    outcome[m][sc][s]);
			printf("\n");
			total += points[m][sc][SCEN_FRESH] +
			    points[m][sc][SCEN_SETS];
		}
		printf("  total    %d\n", total);
	}
	return r;
}
