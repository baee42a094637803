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
 * The transaction that every edit goes through:
 *
 *   take Postfix's locks (main.cf.tmp, then master.cf.tmp) -> read and
 *   parse both files -> the command edits them in memory -> back up both
 *   originals -> replace each changed file (temp file, owner and mode,
 *   fsync, rename, fsync the directory) -> read them back -> postfix
 *   check -> on any failure restore both byte for byte -> postfix reload
 *   when Postfix runs -> release the locks.
 *
 * The exit status says which state the files are in (see pfsubmit.h).
 * With -n nothing is locked, written or run: the diff is printed.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pfsubmit.h"

static const char *const names[2] = { "main.cf", "master.cf" };

static struct cf_file *
txn_file(struct txn *t, int k)
{
	return k == 0 ? &t->c.main.cf : &t->c.master.cf;
}

/* txn_note - something the user should hear about the edit */
void
txn_note(struct txn *t, const char *fmt, ...)
{
	va_list	 ap;
	char	*text, *q;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	text = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	(void)vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	q = vquote(text, strlen(text), 400);
	diag_add(&t->notes, DIAG_NOTE, NULL, 0, "%s", q);
	free(q);
	free(text);
}

/*
 * The journal makes the two renames one step.  It is written, with the
 * backup set's id, after both new files are staged and before the first
 * is installed, and removed once postfix check has passed: that removal
 * is the commit.  A journal found by the next run means a run was killed
 * in between, with one file new and perhaps one old, or both new but not
 * checked: the kept originals (*.pfsubmit-old) are put back, so the pair
 * is the old pair again.
 */
#define TXN_JOURNAL	"pfsubmit.journal"

static int
journal_write(struct txn *t, const char *backup, struct diag *d)
{
	char	*text;
	int	 r;

	(void)unlinkat(t->c.dirfd, TXN_JOURNAL, 0);
	text = xprintf("backup: %s\ncommand: %s\n", backup, t->command);
	r = sf_write_new(t->c.dirfd, TXN_JOURNAL, text, strlen(text), 0600,
	    geteuid(), getegid(), d);
	free(text);
	if (r == 0 && sf_fsync_dir(t->c.dirfd) == -1)
		diag_add(d, DIAG_WARN, TXN_JOURNAL, 0, "fsync of the "
		    "directory: %s", strerror(errno));
	return r;
}

static void
journal_remove(struct txn *t, struct diag *d)
{
	if (unlinkat(t->c.dirfd, TXN_JOURNAL, 0) == -1) {
		if (errno != ENOENT)
			diag_add(d, DIAG_WARN, TXN_JOURNAL, 0, "cannot remove "
			    "it: %s", strerror(errno));
		return;
	}
	if (sf_fsync_dir(t->c.dirfd) == -1)
		diag_add(d, DIAG_WARN, TXN_JOURNAL, 0, "fsync of the "
		    "directory after removing it: %s", strerror(errno));
}

/*
 * recover - undo what a killed run left half done (see the journal).
 * Returns -1 when a kept original could not be put back.
 */
static int
recover(struct txn *t, struct diag *d)
{
	struct stat	 st;
	char		 old[SF_NAMELEN];
	int		 k, bad = 0, undone = 0;

	if (fstatat(t->c.dirfd, TXN_JOURNAL, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return 0;
	for (k = 0; k < 2; k++) {
		(void)snprintf(old, sizeof(old), "%s%s", names[k], SF_OLD);
		if (fstatat(t->c.dirfd, old, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (sf_revert(t->c.dirfd, names[k], d) == -1)
			bad = 1;
		else
			undone++;
	}
	if (bad)
		return -1;
	journal_remove(t, d);
	if (undone > 0)
		txn_note(t, "an edit that was interrupted before it was "
		    "checked has been undone (%d file%s put back)", undone,
		    undone == 1 ? "" : "s");
	return 0;
}

/*
 * txn_begin - lock and load.  Returns 0, or an exit status after saying
 * why (nothing has been changed).
 */
int
txn_begin(struct txn *t)
{
	struct diag	 d;
	struct buf	 cmd;
	char		 tmp[SF_NAMELEN];
	int		 k, bad = 0;

	memset(t, 0, sizeof(*t));
	t->c.dirfd = -1;
	strmap_init(&t->errors);
	t->lk[0].fd = t->lk[1].fd = -1;
	diag_init(&t->notes);
	diag_init(&d);
	/* The whole command line, quoted as a shell would need it. */
	buf_init(&cmd);
	buf_adds(&cmd, "pfsubmit");
	for (k = 1; k < opt.argc; k++) {
		buf_addc(&cmd, ' ');
		if (opt.argv[k][strspn(opt.argv[k], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_-./:=,@+%")] ==
		    '\0' && opt.argv[k][0] != '\0')
			buf_adds(&cmd, opt.argv[k]);
		else {
			const char *p;

			buf_addc(&cmd, '\'');
			for (p = opt.argv[k]; *p != '\0'; p++)
				if (*p == '\'')
					buf_adds(&cmd, "'\\''");
				else
					buf_addc(&cmd, *p);
			buf_addc(&cmd, '\'');
		}
	}
	t->command = buf_take(&cmd);

	if (!opt.dry_run && (!opt.no_check || !opt.no_reload) &&
	    geteuid() != 0) {
		fprintf(stderr, "pfsubmit: postfix check and postfix reload "
		    "need root: run as root, or pass --no-check --no-reload "
		    "to edit a staging directory\n");
		return EX_PF_FAIL;
	}
	if (conf_open_dir(&t->c, opt.config_dir, !opt.dry_run, &d) == -1)
		bad = 1;
	if (!bad && !opt.dry_run) {
		for (k = 0; k < 2 && !bad; k++) {
			(void)snprintf(tmp, sizeof(tmp), "%s.tmp", names[k]);
			if (sf_lock(t->c.dirfd, tmp, opt.lock_wait, &t->lk[k],
			    &d) == -1)
				bad = 1;
		}
	}
	/* Leftovers of a run that was killed; we hold the locks. */
	if (!bad && !opt.dry_run) {
		if (recover(t, &d) == -1)
			bad = 1;
		for (k = 0; k < 2; k++)
			(void)sf_discard(t->c.dirfd, names[k], &d);
		bk_cleanup(t->c.dirfd);
	}
	/* Each error says where and that the file is refused. */
	if (!bad && conf_load(&t->c, &d) == -1)
		bad = 1;
	if (!bad && !t->c.main.cf.exists) {
		diag_add(&d, DIAG_ERR, t->c.main.cf.path, 0, "no such file; "
		    "Postfix is not configured yet");
		bad = 1;
	}
	if (!bad && !opt.dry_run) {
		for (k = 0; k < 2 && !bad; k++)
			if (sf_check_secure(&txn_file(t, k)->st,
			    txn_file(t, k)->path, 0, &d) == -1)
				bad = 1;
	}
	if (t->c.dir != NULL)
		diag_place(&d, t->c.dir);
	diag_print(&d, stderr, bad ? DIAG_ERR : DIAG_SHOWN(DIAG_WARN));
	diag_free(&d);
	if (bad) {
		txn_end(t);
		return EX_PF_FAIL;
	}
	for (k = 0; k < 2; k++) {
		struct buf b;

		buf_init(&b);
		buf_adds(&b, "");
		cf_serialize(txn_file(t, k), &b);
		t->origlen[k] = b.len;
		t->orig[k] = buf_take(&b);
	}
	/* What check finds now: an edit must not add to it. */
	lint_errors(&t->c, &t->errors);
	return 0;
}

/* txn_end - release everything; safe to call twice */
void
txn_end(struct txn *t)
{
	int	 k;

	for (k = 0; k < 2; k++) {
		if (t->c.dirfd != -1 && t->lk[k].fd != -1)
			sf_unlock(t->c.dirfd, &t->lk[k]);
		free(t->orig[k]);
		t->orig[k] = NULL;
	}
	for (k = 0; k < (int)t->ntbl; k++)
		tbl_free(&t->tbl[k]);
	t->ntbl = 0;
	conf_free(&t->c);
	diag_free(&t->notes);
	lint_errors_free(&t->errors);
	free(t->command);
	t->command = NULL;
}

/* How long postfix check, status and reload may take. */
#define TXN_CHECK_SECS	300
#define TXN_STATUS_SECS	60
#define TXN_RELOAD_SECS	120

/* postfix_argv - postfix [-c dir] verb, -c only for another directory */
static void
postfix_argv(struct txn *t, const char *verb, const char **argv)
{
	int	 i = 0;

	argv[i++] = PATH_POSTFIX;
	if (!conf_is_default(&t->c)) {
		argv[i++] = "-c";
		argv[i++] = t->c.absdir;
	}
	argv[i++] = verb;
	argv[i] = NULL;
}

/*
 * txn_running - does a Postfix master run for this instance (postfix
 * status)?  1 yes, 0 no or not known.
 */
int
txn_running(struct txn *t)
{
	const char	*argv[6];
	struct run_result r;
	int		 up;

	postfix_argv(t, "status", argv);
	up = run_cmd(argv, 0, TXN_STATUS_SECS, &r) == 0;
	run_result_free(&r);
	return up;
}

/* run_failure - how a postfix command failed, for a message */
static const char *
run_failure(const struct run_result *r, int secs, char *how, size_t len)
{
	if (r->timedout)
		(void)snprintf(how, len, "did not finish within %d seconds",
		    secs);
	else if (r->status == -1 || r->status == 127)
		(void)snprintf(how, len, "could not be run");
	else
		(void)snprintf(how, len, "failed (status %d)", r->status);
	return how;
}

/* check_output - what postfix check said, one clean line per line */
static char *
check_output(const struct buf *out)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	buf_adds(&b, "");
	for (i = 0; i < out->len; i++)
		if (out->p[i] != '\r')
			buf_addc(&b, out->p[i]);
	while (b.len > 0 && b.p[b.len - 1] == '\n')
		b.p[--b.len] = '\0';
	return buf_take(&b);
}

/*
 * revert - put back the originals of the files that were installed.
 * Returns -1 when that failed too.
 */
static int
revert(struct txn *t, const int *installed, struct diag *d)
{
	int	 k, bad = 0;

	for (k = 0; k < 2; k++)
		if (installed[k] && sf_revert(t->c.dirfd, names[k], d) == -1)
			bad = 1;
	if (tbl_revert(t, d) == -1)
		bad = 1;
	return bad ? -1 : 0;
}

static void
print_notes(struct txn *t)
{
	size_t	 i;

	if (opt.quiet || opt.json)
		return;
	for (i = 0; i < t->notes.n; i++)
		fprintf(stderr, "pfsubmit: %s\n", t->notes.m[i].text);
}

/*
 * print_json - the one document of an edit, whatever its end.  "changed"
 * says what the files hold now: false when the edit was refused or the
 * originals were put back (status 1 or 2), though "diff" still shows
 * what was tried.
 */
static void
print_json(struct txn *t, int status, const int *changed, int tch,
    const char *diff,
    const char *backup, int checked, int reloaded, const char *checkout,
    const char *reloadout, const struct diag *d)
{
	struct json	 j;
	size_t		 i;
	int		 k, kept;

	kept = status != EX_PF_FAIL && status != EX_PF_CHECK;
	json_init(&j, stdout);
	json_begin_obj(&j);
	json_kbool(&j, "changed", kept &&
	    (changed[0] || changed[1] || t->force || tch));
	json_key(&j, "files");
	json_begin_arr(&j);
	for (k = 0; k < 2; k++) {
		json_begin_obj(&j);
		json_kstr(&j, "path", txn_file(t, k)->path);
		json_kbool(&j, "changed", kept && changed[k]);
		json_end_obj(&j);
	}
	json_end_arr(&j);
	json_kint(&j, "status", status);
	json_kstr(&j, "backup", backup);
	json_kbool(&j, "checked", checked);
	json_kbool(&j, "reloaded", reloaded);
	json_kbool(&j, "dry_run", opt.dry_run);
	json_kstr(&j, "diff", diff);
	if (checkout != NULL)
		json_kstr(&j, "check_output", checkout);
	if (reloadout != NULL)
		json_kstr(&j, "reload_output", reloadout);
	json_key(&j, "notes");
	json_begin_arr(&j);
	for (i = 0; i < t->notes.n; i++)
		json_str(&j, t->notes.m[i].text);
	json_end_arr(&j);
	json_key(&j, "errors");
	json_begin_arr(&j);
	for (i = 0; i < d->n; i++) {
		if (d->m[i].sev != DIAG_ERR)
			continue;
		json_begin_obj(&j);
		json_kstr(&j, "file", d->m[i].file);
		json_key(&j, "line");
		if (d->m[i].line > 0)
			json_int(&j, (long long)d->m[i].line);
		else
			json_null(&j);
		json_kstr(&j, "message", d->m[i].text);
		json_end_obj(&j);
	}
	json_end_arr(&j);
	json_end_obj(&j);
	json_finish(&j);
}

/*
 * txn_commit - install what the command did to the files.  Returns the
 * exit status; everything the user needs to know has been printed.
 */
int
txn_commit(struct txn *t)
{
	const char	*argv[6];
	struct run_result r;
	struct diag	 d;
	struct buf	 nb[2], diff;
	struct bk_file	 bf[2 + TXN_MAXTBL];
	char		 backup[SF_NAMELEN], *info, *data, *co = NULL;
	char		*ro = NULL, how[64], side[SF_NAMELEN];
	size_t		 len, nbf, i;
	int		 k, changed[2], installed[2] = { 0, 0 }, exists, tch = 0;
	int		 checked = 0, reloaded = 0, status = EX_PF_OK;
	struct stat	 st;

	diag_init(&d);
	buf_init(&diff);
	buf_adds(&diff, "");
	backup[0] = '\0';
	for (k = 0; k < 2; k++) {
		buf_init(&nb[k]);
		buf_adds(&nb[k], "");
		cf_serialize(txn_file(t, k), &nb[k]);
		changed[k] = nb[k].len != t->origlen[k] ||
		    memcmp(nb[k].p, t->orig[k], nb[k].len) != 0;
		if (changed[k])
			diff_unified(names[k], t->orig[k], t->origlen[k],
			    nb[k].p, nb[k].len, &diff);
	}
	for (i = 0; i < t->ntbl; i++)
		if (tbl_changed(&t->tbl[i]))
			tch = 1;
	tbl_diff(t, &diff);

	/*
	 * An edit that adds an error that check finds is refused; one that
	 * adds a warning (a $name that nothing defines, say) says so.
	 */
	if (changed[0] || changed[1]) {
		struct strmap	 after;
		size_t		 bad = 0;

		strmap_init(&after);
		lint_errors(&t->c, &after);
		for (i = 0; i < after.cap; i++) {
			if (after.ent[i].key == NULL ||
			    strmap_get(&t->errors, after.ent[i].key) != NULL)
				continue;
			if (after.ent[i].key[0] == 'W') {
				txn_note(t, "check will warn: %s",
				    (const char *)after.ent[i].val);
				continue;
			}
			if (opt.force) {
				txn_note(t, "check will fail (--force): %s",
				    (const char *)after.ent[i].val);
				continue;
			}
			diag_add(&d, DIAG_ERR, NULL, 0, "nothing written: the "
			    "result would have this error: %s (--force "
			    "writes it all the same)",
			    (const char *)after.ent[i].val);
			bad++;
		}
		lint_errors_free(&after);
		if (bad > 0) {
			status = EX_PF_FAIL;
			goto out;
		}
	}

	if (!changed[0] && !changed[1] && !t->force && !tch) {
		if (!opt.json) {
			print_notes(t);
			say("nothing to change: %s already says so", t->c.dir);
		}
		goto out;
	}
	if (opt.dry_run) {
		if (!opt.json) {
			print_notes(t);
			fputs(diff.p, stdout);
		}
		status = opt.detailed ? EX_PF_CHANGED : EX_PF_OK;
		goto out;
	}

	if (!changed[0] && !changed[1] && !tch)
		goto check;	/* t->force: only another file changed */

	/* Back up both originals, then replace. */
	info = xprintf("time: %lld\ncommand: %s\nrollback: %s\n%s%s%s",
	    (long long)time(NULL), t->command, t->rollback ? "yes" : "no",
	    t->restored != NULL ? "restored: " : "",
	    t->restored != NULL ? t->restored : "",
	    t->restored != NULL ? "\n" : "");
	for (k = 0; k < 2; k++) {
		bf[k].name = names[k];
		bf[k].data = t->orig[k];
		bf[k].len = t->origlen[k];
		bf[k].st = &txn_file(t, k)->st;
		bf[k].exists = txn_file(t, k)->exists;
	}
	nbf = 2 + tbl_backup_files(t, bf + 2, TXN_MAXTBL);
	if (bk_create(t->c.dirfd, bf, nbf, info, backup, sizeof(backup),
	    &d) == -1) {
		free(info);
		diag_add(&d, DIAG_ERR, NULL, 0, "no backup could be made; "
		    "nothing changed");
		status = EX_PF_FAIL;
		goto out;
	}
	free(info);

	/* Stage both new files before either is installed. */
	for (k = 0; k < 2; k++) {
		if (changed[k] && sf_stage(t->c.dirfd, names[k], nb[k].p,
		    nb[k].len, &txn_file(t, k)->st, &d) == -1) {
			status = EX_PF_FAIL;
			goto discard;
		}
	}
	if (tbl_stage(t, &d) == -1) {
		status = EX_PF_FAIL;
		goto discard;
	}
	if (journal_write(t, backup, &d) == -1) {
		status = EX_PF_FAIL;
		goto discard;
	}
	sf_signals_block(1);
	for (k = 0; k < 2; k++) {
		if (!changed[k])
			continue;
		if (sf_install(t->c.dirfd, names[k], &txn_file(t, k)->st,
		    &d) == -1) {
			if (revert(t, installed, &d) == -1)
				goto revert_failed;
			status = EX_PF_FAIL;
			goto unblock;
		}
		installed[k] = 1;
		/*
		 * The journal keeps the kept original now: an exit before
		 * the commit must leave it for the next run's recovery, not
		 * remove it on the way out.
		 */
		(void)snprintf(side, sizeof(side), "%s%s", names[k], SF_OLD);
		sf_cleanup_unregister(t->c.dirfd, side);
	}
	if (tbl_install(t, &d) == -1) {
		if (revert(t, installed, &d) == -1)
			goto revert_failed;
		status = EX_PF_FAIL;
		goto unblock;
	}
	/* Read back what was written: pfsubmit's own verification. */
	for (k = 0; k < 2; k++) {
		if (!changed[k])
			continue;
		if (sf_read(t->c.dirfd, names[k], txn_file(t, k)->path, &data,
		    &len, &st, &exists, &d) == -1 || !exists ||
		    len != nb[k].len || memcmp(data, nb[k].p, len) != 0) {
			free(data);
			diag_add(&d, DIAG_ERR, txn_file(t, k)->path, 0,
			    "does not read back as written; both files put "
			    "back as they were");
			if (revert(t, installed, &d) == -1)
				goto revert_failed;
			status = EX_PF_CHECK;
			goto unblock;
		}
		free(data);
	}
	/* The tables' indexes, before postfix check looks at them. */
	if (tbl_postmap(t, &d) == -1) {
		diag_add(&d, DIAG_ERR, NULL, 0, "postmap failed; the files "
		    "and tables put back as they were");
		if (revert(t, installed, &d) == -1)
			goto revert_failed;
		status = EX_PF_CHECK;
		goto unblock;
	}
check:
	if (!opt.no_check) {
		postfix_argv(t, "check", argv);
		(void)run_cmd(argv, RUN_PTY, TXN_CHECK_SECS, &r);
		co = check_output(&r.out);
		if (r.status != 0) {
			diag_add(&d, DIAG_ERR, NULL, 0, "postfix check %s; both "
			    "files put back as they were", run_failure(&r,
			    TXN_CHECK_SECS, how, sizeof(how)));
			run_result_free(&r);
			if (revert(t, installed, &d) == -1)
				goto revert_failed;
			status = EX_PF_CHECK;
			goto unblock;
		}
		run_result_free(&r);
		checked = 1;
	}
	/* The commit: then the new files are final, drop the originals. */
	journal_remove(t, &d);
	for (k = 0; k < 2; k++)
		(void)sf_discard(t->c.dirfd, names[k], &d);
	tbl_discard(t, &d);
	sf_signals_block(0);
	/* Only now: an edit that fails must not cost the oldest set. */
	if (backup[0] != '\0')
		bk_prune(t->c.dirfd, PF_BACKUP_KEEP);

	if (!opt.no_reload && !conf_own_instance(&t->c)) {
		txn_note(t, "not reloaded: %s shares the default instance's "
		    "queue_directory (a staging copy)", t->c.absdir);
	} else if (!opt.no_reload) {
		postfix_argv(t, "status", argv);
		/* postfix-script exits 1 when no master runs. */
		(void)run_cmd(argv, 0, TXN_STATUS_SECS, &r);
		if (r.status == 1) {
			txn_note(t, "Postfix is not running; not reloaded");
		} else if (r.status != 0) {
			diag_add(&d, DIAG_ERR, NULL, 0, "postfix status %s, so "
			    "whether Postfix runs is not known; the new files "
			    "are in place%s; run postfix reload if it runs",
			    run_failure(&r, TXN_STATUS_SECS, how, sizeof(how)),
			    checked ? " and checked" : "");
			status = EX_PF_RELOAD;
		} else {
			run_result_free(&r);
			postfix_argv(t, "reload", argv);
			if (run_cmd(argv, 0, TXN_RELOAD_SECS, &r) != 0) {
				ro = check_output(&r.out);
				diag_add(&d, DIAG_ERR, NULL, 0,
				    "postfix reload %s; the new files are in "
				    "place%s; run postfix reload", run_failure(&r,
				    TXN_RELOAD_SECS, how, sizeof(how)),
				    checked ? " and checked" : "");
				status = EX_PF_RELOAD;
			} else
				reloaded = 1;
		}
		run_result_free(&r);
	}
	if (status == EX_PF_OK && opt.detailed)
		status = EX_PF_CHANGED;
	goto report;

revert_failed:
	/*
	 * Remove what was staged and not installed, but leave the kept
	 * originals (*.pfsubmit-old) for the administrator.
	 */
	for (k = 0; k < 2; k++) {
		(void)snprintf(side, sizeof(side), "%s%s", names[k], SF_NEW);
		(void)unlinkat(t->c.dirfd, side, 0);
		sf_cleanup_unregister(t->c.dirfd, side);
		(void)snprintf(side, sizeof(side), "%s%s", names[k], SF_OLD);
		sf_cleanup_unregister(t->c.dirfd, side);
	}
	diag_add(&d, DIAG_ERR, NULL, 0, "RESTORING FAILED: main.cf and "
	    "master.cf may not match; the originals are in %s/%s/%s",
	    t->c.dir, BK_DIR, backup);
	status = EX_PF_RESTORE;
	sf_signals_block(0);
	goto report;
unblock:
	sf_signals_block(0);
discard:
	journal_remove(t, &d);
	for (k = 0; k < 2; k++)
		(void)sf_discard(t->c.dirfd, names[k], &d);
	tbl_discard(t, &d);
	/* Nothing changed: the set holds what the files hold. */
	bk_remove(t->c.dirfd, backup);
	backup[0] = '\0';
report:
	if (!opt.json) {
		print_notes(t);
		if (status == EX_PF_CHECK && co != NULL && *co != '\0')
			fprintf(stderr, "%s\n", co);
		if (ro != NULL && *ro != '\0')
			fprintf(stderr, "%s\n", ro);
		if (status == EX_PF_OK || status == EX_PF_CHANGED ||
		    status == EX_PF_RELOAD)
			say("%s changed%s%s%s%s", changed[0] && changed[1] ?
			    "main.cf and master.cf" : changed[0] ? "main.cf" :
			    changed[1] ? "master.cf" : "nothing but the table",
			    backup[0] != '\0' ? "; backup " : "", backup,
			    checked ? "; postfix check passed" : "",
			    reloaded ? "; postfix reloaded" : "");
	}
out:
	diag_place(&d, t->c.dir);
	if (opt.json)
		print_json(t, status, changed, tch, diff.p, backup[0] != '\0' ?
		    backup : NULL, checked, reloaded, status == EX_PF_CHECK ?
		    co : NULL, ro, &d);
	diag_print(&d, stderr, DIAG_SHOWN(DIAG_WARN));
	diag_free(&d);
	free(co);
	free(ro);
	buf_free(&diff);
	for (k = 0; k < 2; k++)
		buf_free(&nb[k]);
	return status;
}
