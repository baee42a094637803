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
 *   txn_begin: take Postfix's locks (main.cf.tmp, then master.cf.tmp)
 *   -> recover what a killed run left (the journal) -> read and parse
 *   both files; then the command edits them in memory; then txn_commit,
 *   one function per step, sharing struct commit:
 *
 *   step_compare	the new contents, the diff, what check would find
 *   step_backup	both originals into a new backup set
 *   step_stage		both new files beside the originals, the journal
 *   step_install	each new file renamed over its original
 *   step_read_back	each file reads back as written; postmap
 *   step_check		postfix check
 *   step_commit	the journal says "reload" or goes; prune the sets
 *   reload_step	postfix reload when Postfix runs
 *   report		what happened, in words or JSON
 *
 *   and on any failure after the backup, undo: both files byte for byte
 *   as they were, the set removed.  txn_end releases the locks.
 *
 * Every postfix command is given the directory that was checked (see
 * run_postfix).  Termination signals are held from the first install to
 * the report, so that an interrupt lands on a finished or an undone
 * edit.  The exit status says which state the files are in (pfsubmit.h).
 * With -n nothing is locked, written or run: the diff is printed.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

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
 * backup set's id and the size and SHA-256 of every file's new contents
 * and of its original, after both new files are staged and before the
 * first is installed ("state: installing"), rewritten once postfix check
 * has passed when a reload is to follow ("state: reload"), and removed
 * at the end: that removal is the commit.
 *
 * A journal found by the next run means a run was killed in between.
 * "installing": one file new and perhaps one old, or both new but not
 * checked; the kept originals (*.pfsubmit-old) are put back, so the pair
 * is the old pair again -- but only when every file is exactly what the
 * journal says the killed run left, so that nothing written since (a
 * postconf -e, an editor) is lost.  Otherwise nothing is touched, the
 * journal is kept aside under another name and the run stops, saying
 * which backup set holds the files before the killed run.  "reload": the
 * edit is final and checked, but Postfix was not reloaded; the next run
 * reloads it (or says why not).
 */
#define TXN_JOURNAL	"pfsubmit.journal"
#define TXN_JOURNAL_NEW	"pfsubmit.journal.new"
#define TXN_JOURNAL_V	"pfsubmit journal 2\n"
#define TXN_HASHLEN	(2 * 32 + 1)

/* The journal's record of one file: its new and its original contents. */
struct jfile {
	char	 name[SF_NAMELEN];
	char	 newh[TXN_HASHLEN];	/* "-": the file is removed */
	long long newlen;
	char	 oldh[TXN_HASHLEN];	/* "-": there was no original */
	long long oldlen;
};

/* sha256_hex - the SHA-256 of len bytes, as 64 hex digits */
static void
sha256_hex(const char *p, size_t len, char *out)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, i;

	if (EVP_Digest(p, len, md, &n, EVP_sha256(), NULL) != 1)
		n = 0;
	for (i = 0; i < n && i < 32; i++)
		(void)snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[2 * i] = '\0';
}

/*
 * file_hash - the size and SHA-256 of a file of the directory, "-" when
 * it is absent; -1 when it cannot be read.
 */
static int
file_hash(int dirfd, const char *name, char *hash, long long *lenp)
{
	struct stat	 st;
	char		*data;
	size_t		 len;
	int		 exists;

	if (sf_read(dirfd, name, name, &data, &len, &st, &exists, NULL) == -1)
		return -1;
	if (!exists) {
		(void)strlcpy(hash, "-", TXN_HASHLEN);
		*lenp = 0;
		return 0;
	}
	sha256_hex(data, len, hash);
	*lenp = (long long)len;
	free(data);
	return 0;
}

/*
 * journal_write - write the journal in one step: a new file, then a
 * rename over the old one, then the directory synced.
 */
static int
journal_write(struct txn *t, const char *state, const char *backup,
    const struct jfile *jf, int njf, struct diag *d)
{
	struct buf	 b;
	char		*cmd;
	int		 i, r;

	buf_init(&b);
	buf_printf(&b, "%sstate: %s\nbackup: %s\n", TXN_JOURNAL_V, state,
	    backup);
	for (i = 0; i < njf; i++)
		buf_printf(&b, "file: %s %lld %s %lld %s\n", jf[i].name,
		    jf[i].newlen, jf[i].newh, jf[i].oldlen, jf[i].oldh);
	cmd = bk_encode(t->command);
	buf_printf(&b, "command: %s\n", cmd);
	free(cmd);
	(void)unlinkat(t->c.dirfd, TXN_JOURNAL_NEW, 0);
	r = sf_write_new(t->c.dirfd, TXN_JOURNAL_NEW, b.p, b.len, 0600,
	    geteuid(), getegid(), d);
	buf_free(&b);
	if (r == 0 && renameat(t->c.dirfd, TXN_JOURNAL_NEW, t->c.dirfd,
	    TXN_JOURNAL) == -1) {
		diag_add(d, DIAG_ERR, TXN_JOURNAL, 0, "rename: %s",
		    strerror(errno));
		(void)unlinkat(t->c.dirfd, TXN_JOURNAL_NEW, 0);
		r = -1;
	}
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

/* The journal as read back. */
struct journal {
	int		 reload;	/* state: reload */
	char		 backup[SF_NAMELEN];
	struct jfile	 f[2 + TXN_MAXTBL];
	int		 nf;
};

/* plain_name - a file name of the directory, safe in a message */
static int
plain_name(const char *s)
{
	return *s != '\0' && *s != '.' && s[strspn(s,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-")] == '\0';
}

/* journal_parse - 0, or -1 for a journal this version cannot trust */
static int
journal_parse(const char *text, struct journal *j)
{
	const char	*p, *nl, *err;
	char		 line[512], state[16], a[32], b[32];
	struct jfile	*f;

	memset(j, 0, sizeof(*j));
	if (strncmp(text, TXN_JOURNAL_V, strlen(TXN_JOURNAL_V)) != 0)
		return -1;
	state[0] = '\0';
	for (p = text + strlen(TXN_JOURNAL_V); *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL ||
		    (size_t)(nl - p) >= sizeof(line))
			return -1;
		memcpy(line, p, (size_t)(nl - p));
		line[nl - p] = '\0';
		if (strncmp(line, "command: ", 9) == 0)
			break;		/* the last line, free text */
		if (sscanf(line, "state: %15s", state) == 1)
			continue;
		if (sscanf(line, "backup: %63s", j->backup) == 1)
			continue;
		if (j->nf == (int)(sizeof(j->f) / sizeof(j->f[0])))
			return -1;
		f = &j->f[j->nf];
		if (sscanf(line, "file: %63s %31s %64s %31s %64s", f->name, a,
		    f->newh, b, f->oldh) != 5)
			return -1;
		f->newlen = strtonum(a, 0, PF_MAX_FILE, &err);
		if (err != NULL)
			return -1;
		f->oldlen = strtonum(b, 0, PF_MAX_FILE, &err);
		if (err != NULL || !plain_name(f->name))
			return -1;
		j->nf++;
	}
	if (j->backup[0] != '\0' && !plain_name(j->backup))
		return -1;
	if (strcmp(state, "reload") == 0)
		j->reload = 1;
	else if (strcmp(state, "installing") != 0)
		return -1;
	return 0;
}

/*
 * journal_keep - move a journal that recovery does not follow aside, so
 * that its data is kept and the next run does not meet it again.
 */
static const char *
journal_keep(struct txn *t, const struct journal *j)
{
	static char	 kept[SF_NAMELEN + 32];

	(void)snprintf(kept, sizeof(kept), "%s.%s", TXN_JOURNAL,
	    j->backup[0] != '\0' ? j->backup : "kept");
	if (renameat(t->c.dirfd, TXN_JOURNAL, t->c.dirfd, kept) == -1)
		return NULL;
	(void)sf_fsync_dir(t->c.dirfd);
	return kept;
}

/*
 * recover_check - is every file what the journal says the killed run
 * left?  Sets undo[k] for each file to put back, and *changed when an
 * edit waiting for its reload changed since.  Returns NULL, or why not
 * (*at: the file it is about).
 */
static const char *
recover_check(struct txn *t, const struct journal *j, int *undo,
    int *changed, int *at)
{
	const struct jfile *f;
	char		 cur[TXN_HASHLEN], kept[TXN_HASHLEN];
	char		 old[SF_NAMELEN + 16];
	long long	 curlen, keptlen;
	int		 k;

	for (k = 0; k < j->nf; k++) {
		f = &j->f[k];
		*at = k;
		undo[k] = 0;
		(void)snprintf(old, sizeof(old), "%s%s", f->name, SF_OLD);
		if (file_hash(t->c.dirfd, f->name, cur, &curlen) == -1 ||
		    file_hash(t->c.dirfd, old, kept, &keptlen) == -1)
			return "cannot be read to compare it with the journal "
			    "of a pfsubmit run that was interrupted";
		if (strcmp(cur, f->newh) == 0 && curlen == f->newlen) {
			undo[k] = !j->reload;
			/* Its original must be the one the journal names. */
			if (undo[k] && (strcmp(kept, f->oldh) != 0 ||
			    keptlen != f->oldlen))
				return "its kept original (.pfsubmit-old) is "
				    "not the one an interrupted pfsubmit run "
				    "kept";
		} else if (j->reload) {
			/* Final already; only the reload is in doubt. */
			*changed = 1;
		} else if (strcmp(cur, f->oldh) != 0 || curlen != f->oldlen)
			return "changed since a pfsubmit run was interrupted";
	}
	*at = -1;
	return NULL;
}

/* recover_undo - put back what recover_check said; -1 if that failed */
static int
recover_undo(struct txn *t, const struct journal *j, const int *undo,
    struct diag *d)
{
	int	 k, bad = 0, undone = 0;

	for (k = 0; k < j->nf; k++) {
		if (!undo[k])
			continue;
		if (strcmp(j->f[k].oldh, "-") == 0) {
			/* The killed run made the file: remove it again. */
			if (unlinkat(t->c.dirfd, j->f[k].name, 0) == -1) {
				diag_add(d, DIAG_ERR, j->f[k].name, 0,
				    "cannot remove it: %s", strerror(errno));
				bad = 1;
			} else
				undone++;
		} else if (sf_revert(t->c.dirfd, j->f[k].name, d) == -1)
			bad = 1;
		else
			undone++;
	}
	if (undone > 0)
		txn_note(t, "an edit that was interrupted before it was "
		    "checked has been undone (%d file%s put back)", undone,
		    undone == 1 ? "" : "s");
	return bad ? -1 : 0;
}

/*
 * recover - act on the journal of a killed run (see above).  Returns -1
 * after saying why when the run must stop because the files are not
 * what the killed run left (the journal is kept aside), -2 when a kept
 * original could not be put back (the journal stays).
 */
static int
recover(struct txn *t, struct diag *d)
{
	struct journal	 j;
	struct stat	 st;
	char		*text, *set = NULL;
	const char	*aside, *why = NULL;
	size_t		 len;
	int		 exists, undo[2 + TXN_MAXTBL], changed = 0, at = -1;

	if (sf_read(t->c.dirfd, TXN_JOURNAL, TXN_JOURNAL, &text, &len, &st,
	    &exists, d) == -1)
		return -2;
	if (!exists)
		return 0;
	if (journal_parse(text, &j) == -1) {
		why = "written by another version of pfsubmit, or damaged";
		/* Nothing of it is used but a plain backup id. */
		j.nf = 0;
		if (!plain_name(j.backup))
			j.backup[0] = '\0';
	}
	free(text);
	/* First make sure of every file; then act. */
	if (why == NULL)
		why = recover_check(t, &j, undo, &changed, &at);
	if (why != NULL) {
		aside = journal_keep(t, &j);
		if (j.backup[0] != '\0')
			set = xprintf("; the files before that run are backup "
			    "set %s (pfsubmit backups diff %s shows the "
			    "difference, pfsubmit rollback %s restores it)",
			    j.backup, j.backup, j.backup);
		diag_add(d, DIAG_ERR, at >= 0 ? j.f[at].name : TXN_JOURNAL, 0,
		    "%s; not undoing that run, so as not to lose what "
		    "changed; its journal is kept as %s%s; then run pfsubmit "
		    "again", why, aside != NULL ? aside : TXN_JOURNAL,
		    set != NULL ? set : "");
		free(set);
		return -1;
	}
	if (recover_undo(t, &j, undo, d) == -1)
		return -2;
	journal_remove(t, d);
	if (j.reload)
		t->reload_pending = changed ? 2 : 1;
	return 0;
}

/*
 * Parameters that postfix reload does not apply: master(8) binds the
 * listening sockets and takes its pid lock once, at start.  postconf(5)
 * says to stop and start Postfix after inet_interfaces or inet_protocols
 * change; a new queue_directory or process_id_directory moves the pid
 * file that postfix reload looks for, so reload would not reach the
 * running master either.
 */
static const char *const restart_params[TXN_NRESTART] = {
	"inet_interfaces", "inet_protocols", "queue_directory",
	"process_id_directory"
};

/* shell_command - the whole command line, quoted as a shell needs it */
static char *
shell_command(void)
{
	struct buf	 cmd;
	const char	*p;
	int		 k;

	buf_init(&cmd);
	buf_adds(&cmd, "pfsubmit");
	for (k = 1; k < opt.argc; k++) {
		buf_addc(&cmd, ' ');
		if (opt.argv[k][strspn(opt.argv[k], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_-./:=,@+%")] ==
		    '\0' && opt.argv[k][0] != '\0') {
			buf_adds(&cmd, opt.argv[k]);
			continue;
		}
		buf_addc(&cmd, '\'');
		for (p = opt.argv[k]; *p != '\0'; p++)
			if (*p == '\'')
				buf_adds(&cmd, "'\\''");
			else
				buf_addc(&cmd, *p);
		buf_addc(&cmd, '\'');
	}
	return buf_take(&cmd);
}

/*
 * load_raw - for a rollback over files that do not parse: the bytes and
 * status of each file as they are, which is all a backup set needs.
 */
static int
load_raw(struct txn *t, struct diag *d)
{
	struct cf_file	*f;
	size_t		 len;
	char		*data;
	int		 k;

	for (k = 0; k < 2; k++) {
		f = txn_file(t, k);
		if (sf_read(t->c.dirfd, names[k], f->path, &data, &len, &f->st,
		    &f->exists, d) == -1)
			return -1;
		t->orig[k] = data != NULL ? data : xstrdup("");
		t->origlen[k] = len;
	}
	return 0;
}

static void	 pending_reload(struct txn *);

/*
 * parse_errors_only - were all of d's errors about the files' contents
 * (each has a line)?  A file that could not be read is another matter.
 */
static int
parse_errors_only(const struct diag *d)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		if (d->m[i].sev == DIAG_ERR && d->m[i].line == 0)
			return 0;
	return d->nerr > 0;
}

/*
 * txn_parse_hint - a file that does not parse stops every command but
 * rollback: its last parse error (one with a line) says so, on the same
 * line.  For every command that loads the files.
 */
void
txn_parse_hint(struct diag *d)
{
	struct diag_msg	*m;
	char		*text;
	size_t		 i;

	for (i = d->n; i > 0; i--) {
		m = &d->m[i - 1];
		if (m->sev != DIAG_ERR || m->line == 0)
			continue;
		text = xprintf("%s (fix it, or pfsubmit rollback goes back to "
		    "the last backup set)", m->text);
		free(m->text);
		m->text = text;
		return;
	}
}

/*
 * begin_lock - open the directory, take both locks, and deal with what a
 * killed run left (we hold the locks).  -1 after adding why to d.
 */
static int
begin_lock(struct txn *t, struct diag *d)
{
	char	 tmp[SF_NAMELEN];
	int	 k, r;

	if (conf_open_dir(&t->c, opt.config_dir, !opt.dry_run, d) == -1)
		return -1;
	if (opt.dry_run)
		return 0;
	for (k = 0; k < 2; k++) {
		(void)snprintf(tmp, sizeof(tmp), "%s.tmp", names[k]);
		if (sf_lock(t->c.dirfd, tmp, opt.lock_wait, &t->lk[k],
		    d) == -1)
			return -1;
	}
	/*
	 * A journal not followed (-1): what a kept original held is in its
	 * backup set.  One that failed (-2): the originals stay.
	 */
	r = recover(t, d);
	for (k = r == -2 ? 2 : 0; k < 2; k++)
		(void)sf_discard(t->c.dirfd, names[k], d);
	/* A journal killed before its rename was never in force. */
	(void)unlinkat(t->c.dirfd, TXN_JOURNAL_NEW, 0);
	bk_cleanup(t->c.dirfd);
	return r < 0 ? -1 : 0;
}

/*
 * begin_load - read and parse both files (with TXN_UNPARSED, files that
 * do not parse as bytes) and check them.  -1 after adding why to d.
 */
static int
begin_load(struct txn *t, int flags, struct diag *d)
{
	int	 k;

	/* Each error says where and that the file is refused. */
	if (conf_load(&t->c, d) == -1) {
		if (!(flags & TXN_UNPARSED) || !parse_errors_only(d) ||
		    load_raw(t, d) == -1) {
			txn_parse_hint(d);
			return -1;
		}
		/* The parse errors were the files as they are: not shown. */
		diag_free(d);
		diag_init(d);
		t->unparsed = 1;
		txn_note(t, "the files as they are do not parse; restoring a "
		    "backup set does not need them to");
	}
	if (!t->c.main.cf.exists) {
		diag_add(d, DIAG_ERR, t->c.main.cf.path, 0, "no such file; "
		    "Postfix is not configured yet");
		return -1;
	}
	for (k = 0; k < 2 && !opt.dry_run; k++)
		if (txn_file(t, k)->exists &&
		    sf_check_secure(&txn_file(t, k)->st, txn_file(t, k)->path,
		    0, d) == -1)
			return -1;
	return 0;
}

/*
 * begin_snapshot - what the edit is measured against: the bytes, what
 * check finds (an edit must not add to it), and the parameters that a
 * reload does not apply.
 */
static void
begin_snapshot(struct txn *t)
{
	const struct mp_param *mp;
	struct buf	 b;
	int		 k;

	for (k = 0; k < 2; k++) {
		buf_init(&b);
		buf_adds(&b, "");
		cf_serialize(txn_file(t, k), &b);
		t->origlen[k] = b.len;
		t->orig[k] = buf_take(&b);
	}
	lint_errors(&t->c, &t->errors);
	for (k = 0; k < TXN_NRESTART; k++)
		if ((mp = mp_get(&t->c.main, restart_params[k])) != NULL)
			t->restart_was[k] = xstrdup(mp->value);
}

/*
 * txn_begin_flags - lock and load; with TXN_UNPARSED (rollback), files
 * that do not parse are loaded as bytes.  Returns 0, or an exit status
 * after saying why (nothing has been changed).
 */
int
txn_begin_flags(struct txn *t, int flags)
{
	struct diag	 d;
	int		 bad;

	memset(t, 0, sizeof(*t));
	t->c.dirfd = -1;
	strmap_init(&t->errors);
	t->lk[0].fd = t->lk[1].fd = -1;
	diag_init(&t->notes);
	diag_init(&d);
	t->command = shell_command();
	if (!opt.dry_run && (!opt.no_check || !opt.no_reload) &&
	    geteuid() != 0) {
		fprintf(stderr, "pfsubmit: postfix check and postfix reload "
		    "need root: run as root, or pass --no-check --no-reload "
		    "to edit a staging directory\n");
		return EX_PF_FAIL;
	}
	bad = begin_lock(t, &d) == -1 || begin_load(t, flags, &d) == -1;
	if (t->c.dir != NULL)
		diag_place(&d, t->c.dir);
	diag_print(&d, stderr, bad ? DIAG_ERR : DIAG_SHOWN(DIAG_WARN));
	diag_free(&d);
	if (bad) {
		txn_end(t);
		return EX_PF_FAIL;
	}
	if (!t->unparsed)
		begin_snapshot(t);
	if (t->reload_pending)
		pending_reload(t);
	return 0;
}

int
txn_begin(struct txn *t)
{
	return txn_begin_flags(t, 0);
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
	for (k = 0; k < TXN_NRESTART; k++) {
		free(t->restart_was[k]);
		t->restart_was[k] = NULL;
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
 * run_postfix - postfix [-c dir] verb, on the directory that was checked
 * and written: its path is walked and compared with the open descriptor
 * right before and right after (sf_same_dir).  Whatever went wrong
 * either time, the run counts as failed (status -1) and d says why.
 */
static int
run_postfix(struct txn *t, const char *verb, int flags, int secs,
    struct run_result *r, struct diag *d)
{
	const char	*argv[6];

	if (sf_same_dir(t->c.dirfd, t->c.absdir, d) == -1) {
		memset(r, 0, sizeof(*r));
		buf_init(&r->out);
		buf_adds(&r->out, "");
		r->status = -1;
		return -1;
	}
	postfix_argv(t, verb, argv);
	(void)run_cmd(argv, flags, secs, r);
	if (sf_same_dir(t->c.dirfd, t->c.absdir, d) == -1) {
		r->status = -1;
		return -1;
	}
	return r->status == 0 ? 0 : -1;
}

/*
 * txn_running - does a Postfix master run for this instance (postfix
 * status, on the directory that was checked)?  1 yes, 0 no or not known.
 */
int
txn_running(struct txn *t)
{
	struct run_result r;
	struct diag	 d;
	int		 up;

	diag_init(&d);
	up = run_postfix(t, "status", 0, TXN_STATUS_SECS, &r, &d) == 0;
	run_result_free(&r);
	diag_free(&d);
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
 * reload_step - postfix reload when Postfix runs.  Returns EX_PF_OK (and
 * *reloaded) or EX_PF_RELOAD after adding why to d; *ro gets reload's
 * own words when it failed.
 */
static int
reload_step(struct txn *t, struct diag *d, char **ro, int checked)
{
	struct run_result r;
	char		 how[64];
	int		 status = EX_PF_OK;

	if (!conf_own_instance(&t->c)) {
		txn_note(t, "not reloaded: %s shares the default instance's "
		    "queue_directory (a staging copy)", t->c.absdir);
		return EX_PF_OK;
	}
	/* postfix-script exits 1 when no master runs. */
	(void)run_postfix(t, "status", 0, TXN_STATUS_SECS, &r, d);
	if (r.status == 1) {
		txn_note(t, "Postfix is not running; not reloaded");
	} else if (r.status != 0) {
		diag_add(d, DIAG_ERR, NULL, 0, "postfix status %s, so whether "
		    "Postfix runs is not known; the new files are in place%s; "
		    "run postfix reload if it runs", run_failure(&r,
		    TXN_STATUS_SECS, how, sizeof(how)), checked ?
		    " and checked" : "");
		status = EX_PF_RELOAD;
	} else {
		run_result_free(&r);
		if (run_postfix(t, "reload", 0, TXN_RELOAD_SECS, &r, d) != 0) {
			*ro = check_output(&r.out);
			diag_add(d, DIAG_ERR, NULL, 0, "postfix reload %s; the "
			    "new files are in place%s; run postfix reload",
			    run_failure(&r, TXN_RELOAD_SECS, how, sizeof(how)),
			    checked ? " and checked" : "");
			status = EX_PF_RELOAD;
		} else
			t->reloaded = 1;
	}
	run_result_free(&r);
	return status;
}

/*
 * pending_reload - a killed run left its edit installed and checked but
 * Postfix not reloaded: reload now, or say why not.
 */
static void
pending_reload(struct txn *t)
{
	struct diag	 d;
	char		*ro = NULL;

	if (t->reload_pending == 2) {
		txn_note(t, "a pfsubmit run was interrupted before Postfix was "
		    "reloaded, and the files changed since; not reloading "
		    "them unchecked: run postfix check, then postfix reload");
		return;
	}
	if (opt.no_reload) {
		txn_note(t, "a pfsubmit run was interrupted before Postfix was "
		    "reloaded; not reloaded now either (--no-reload): run "
		    "postfix reload");
		return;
	}
	diag_init(&d);
	t->reloaded = 0;
	if (reload_step(t, &d, &ro, 1) == EX_PF_OK)
		txn_note(t, "a pfsubmit run was interrupted after its edit "
		    "was checked and before Postfix was reloaded: %s",
		    t->reloaded ? "Postfix reloaded now" : "nothing to reload");
	else
		txn_note(t, "a pfsubmit run was interrupted before Postfix "
		    "was reloaded, and reloading now failed: %s%s%s",
		    d.nerr > 0 ? d.m[d.n - 1].text : "", ro != NULL ? ": " :
		    "", ro != NULL ? ro : "");
	t->reloaded = 0;
	free(ro);
	diag_free(&d);
}

/*
 * The state that the steps of txn_commit share.
 */
struct commit {
	struct txn	*t;
	struct diag	 d;		/* errors and warnings to print */
	struct buf	 nb[2];		/* the new contents */
	struct buf	 diff;
	int		 changed[2];
	int		 installed[2];
	int		 installing;	/* step_install began: revert */
	int		 tch;		/* a table changes */
	struct jfile	 jf[2];		/* what the journal says of each */
	int		 njf;
	char		 backup[SF_NAMELEN];
	int		 checked;
	const char	*restart;	/* a changed parameter that reload
					   does not apply, or NULL */
	int		 status;
	char		*co;		/* postfix check's output */
	char		*ro;		/* postfix reload's, when it failed */
};

/*
 * revert - put back the originals of the files that were installed.
 * Returns -1 when that failed too.
 */
static int
revert(struct commit *cm)
{
	int	 k, bad = 0;

	for (k = 0; k < 2; k++)
		if (cm->installed[k] &&
		    sf_revert(cm->t->c.dirfd, names[k], &cm->d) == -1)
			bad = 1;
	if (tbl_revert(cm->t, &cm->d) == -1)
		bad = 1;
	return bad ? -1 : 0;
}

/*
 * txn_finding_key - a lint finding as lint_errors keys it (no line
 * numbers); allocated
 */
char *
txn_finding_key(const struct diag_msg *m)
{
	struct buf	 b;
	const char	*p;

	buf_init(&b);
	buf_printf(&b, "%c\t%s\t", m->sev == DIAG_ERR ? 'E' : 'W',
	    m->rule != NULL ? m->rule : "");
	for (p = m->text; *p != '\0'; p++) {
		buf_addc(&b, *p);
		if (strncmp(p, "line ", 5) == 0) {
			buf_adds(&b, "ine ");
			for (p += 5; *p >= '0' && *p <= '9'; p++)
				;
			p--;
		}
	}
	return buf_take(&b);
}

/*
 * txn_assume_tables - the tables this edit writes, and their indexes,
 * are there for check: postmap builds them before postfix check runs.
 */
void
txn_assume_tables(struct txn *t)
{
	static const char *const sx[] = { "", ".db", ".lmdb", ".cdb" };
	char	*p;
	size_t	 i, k;

	for (i = 0; i < t->ntbl; i++) {
		if (!tbl_changed(&t->tbl[i]) || t->tbl[i].data == NULL)
			continue;
		for (k = 0; k < sizeof(sx) / sizeof(sx[0]); k++) {
			p = xprintf("%s/%s%s", t->c.absdir, t->tbl[i].name,
			    sx[k]);
			probe_assume(p);
			free(p);
		}
	}
}

/*
 * step_compare - the new contents, the diff, and what check would find:
 * an edit that adds an error is refused (unless --force), one that adds
 * a warning says so.  The finding keeps its file and line.  Returns -1
 * when the edit is refused.
 */
static int
step_compare(struct commit *cm)
{
	struct txn	*t = cm->t;
	const struct mp_param *mp;
	struct diag	 ld;
	const struct diag_msg *m;
	char		*key;
	size_t		 i, bad = 0;
	int		 k;

	for (k = 0; k < 2; k++) {
		cf_serialize(txn_file(t, k), &cm->nb[k]);
		cm->changed[k] = cm->nb[k].len != t->origlen[k] ||
		    memcmp(cm->nb[k].p, t->orig[k], cm->nb[k].len) != 0;
		if (cm->changed[k])
			diff_unified(names[k], t->orig[k], t->origlen[k],
			    cm->nb[k].p, cm->nb[k].len, &cm->diff);
	}
	for (i = 0; i < t->ntbl; i++)
		if (tbl_changed(&t->tbl[i]))
			cm->tch = 1;
	tbl_diff(t, &cm->diff);
	if (!cm->changed[0] && !cm->changed[1])
		return 0;
	/* Files that did not parse before (a rollback): not known. */
	for (k = 0; k < TXN_NRESTART && !t->unparsed; k++) {
		mp = mp_get(&t->c.main, restart_params[k]);
		if (cm->restart == NULL && ((mp == NULL) !=
		    (t->restart_was[k] == NULL) || (mp != NULL &&
		    strcmp(mp->value, t->restart_was[k]) != 0)))
			cm->restart = restart_params[k];
	}
	txn_assume_tables(t);
	diag_init(&ld);
	lint_run(&t->c, &ld);
	for (i = 0; i < ld.n; i++) {
		m = &ld.m[i];
		if (m->sev != DIAG_ERR && m->sev != DIAG_WARN)
			continue;
		key = txn_finding_key(m);
		if (strmap_get(&t->errors, key) != NULL) {
			free(key);
			continue;
		}
		free(key);
		if (m->sev == DIAG_WARN)
			txn_note(t, "check will warn: %s", m->text);
		else if (opt.force)
			txn_note(t, "check will fail (--force): %s", m->text);
		else {
			diag_add(&cm->d, DIAG_ERR, m->file, m->line, "nothing "
			    "written: the result would have this error: %s "
			    "(--force writes it all the same)", m->text);
			bad++;
		}
	}
	diag_free(&ld);
	if (bad > 0) {
		cm->status = EX_PF_FAIL;
		return -1;
	}
	return 0;
}

/* step_backup - both originals (and the tables) into a new set */
static int
step_backup(struct commit *cm)
{
	struct txn	*t = cm->t;
	struct bk_file	 bf[2 + TXN_MAXTBL];
	char		*info, *cmd, *restored;
	size_t		 nbf;
	int		 k, r;

	cmd = bk_encode(t->command);
	restored = t->restored != NULL ? bk_encode(t->restored) : NULL;
	info = xprintf("time: %lld\nrollback: %s\n%s%s%scommand: %s\n",
	    (long long)time(NULL), t->rollback ? "yes" : "no",
	    restored != NULL ? "restored: " : "",
	    restored != NULL ? restored : "", restored != NULL ? "\n" : "",
	    cmd);
	free(cmd);
	free(restored);
	for (k = 0; k < 2; k++) {
		bf[k].name = names[k];
		bf[k].data = t->orig[k];
		bf[k].len = t->origlen[k];
		bf[k].st = &txn_file(t, k)->st;
		bf[k].exists = txn_file(t, k)->exists;
	}
	nbf = 2 + tbl_backup_files(t, bf + 2, TXN_MAXTBL);
	r = bk_create(t->c.dirfd, bf, nbf, info, cm->backup,
	    sizeof(cm->backup), &cm->d);
	free(info);
	if (r == -1) {
		cm->backup[0] = '\0';
		diag_add(&cm->d, DIAG_ERR, NULL, 0, "no backup could be made; "
		    "nothing changed");
		cm->status = EX_PF_FAIL;
		return -1;
	}
	return 0;
}

/*
 * step_stage - both new files (and the tables) written beside the
 * originals before either is installed; then the journal, which says
 * what each file will hold and held.
 */
static int
step_stage(struct commit *cm)
{
	struct txn	*t = cm->t;
	struct jfile	*f;
	int		 k;

	for (k = 0; k < 2; k++) {
		if (cm->changed[k] && sf_stage(t->c.dirfd, names[k],
		    cm->nb[k].p, cm->nb[k].len, &txn_file(t, k)->st,
		    &cm->d) == -1)
			goto fail;
	}
	if (tbl_stage(t, &cm->d) == -1)
		goto fail;
	for (k = 0; k < 2; k++) {
		if (!cm->changed[k])
			continue;
		f = &cm->jf[cm->njf++];
		(void)strlcpy(f->name, names[k], sizeof(f->name));
		sha256_hex(cm->nb[k].p, cm->nb[k].len, f->newh);
		f->newlen = (long long)cm->nb[k].len;
		if (txn_file(t, k)->exists)
			sha256_hex(t->orig[k], t->origlen[k], f->oldh);
		else
			(void)strlcpy(f->oldh, "-", sizeof(f->oldh));
		f->oldlen = txn_file(t, k)->exists ?
		    (long long)t->origlen[k] : 0;
	}
	if (journal_write(t, "installing", cm->backup, cm->jf, cm->njf,
	    &cm->d) == -1)
		goto fail;
	return 0;
fail:
	cm->status = EX_PF_FAIL;
	return -1;
}

/*
 * step_install - each staged file in place of its original, which is
 * kept as *.pfsubmit-old and from now on belongs to the journal: an exit
 * before the commit leaves it for the next run's recovery.
 */
static int
step_install(struct commit *cm)
{
	struct txn	*t = cm->t;
	char		 side[SF_NAMELEN];
	int		 k;

	cm->installing = 1;
	for (k = 0; k < 2; k++) {
		if (!cm->changed[k])
			continue;
		if (sf_install(t->c.dirfd, names[k], &txn_file(t, k)->st,
		    &cm->d) == -1) {
			cm->status = EX_PF_FAIL;
			return -1;
		}
		cm->installed[k] = 1;
		(void)snprintf(side, sizeof(side), "%s%s", names[k], SF_OLD);
		sf_cleanup_unregister(t->c.dirfd, side);
	}
	if (tbl_install(t, &cm->d) == -1) {
		cm->status = EX_PF_FAIL;
		return -1;
	}
	return 0;
}

/*
 * step_read_back - pfsubmit's own verification: each file reads back as
 * written; then the tables' indexes, before postfix check looks at them.
 */
static int
step_read_back(struct commit *cm)
{
	struct txn	*t = cm->t;
	struct stat	 st;
	char		*data;
	size_t		 len;
	int		 k, exists;

	for (k = 0; k < 2; k++) {
		if (!cm->changed[k])
			continue;
		if (sf_read(t->c.dirfd, names[k], txn_file(t, k)->path, &data,
		    &len, &st, &exists, &cm->d) == -1 || !exists ||
		    len != cm->nb[k].len ||
		    memcmp(data, cm->nb[k].p, len) != 0) {
			free(data);
			diag_add(&cm->d, DIAG_ERR, txn_file(t, k)->path, 0,
			    "does not read back as written; both files put "
			    "back as they were");
			cm->status = EX_PF_CHECK;
			return -1;
		}
		free(data);
	}
	if (tbl_postmap(t, &cm->d) == -1) {
		diag_add(&cm->d, DIAG_ERR, NULL, 0, "postmap failed; the files "
		    "and tables put back as they were");
		cm->status = EX_PF_CHECK;
		return -1;
	}
	return 0;
}

/*
 * step_check - postfix check on the directory as written.  What it says
 * when it passes (warnings) is passed on as notes.
 */
static int
step_check(struct commit *cm)
{
	struct txn	*t = cm->t;
	struct run_result r;
	char		 how[64], *line, *p;

	if (opt.no_check)
		return 0;
	(void)run_postfix(t, "check", RUN_PTY, TXN_CHECK_SECS, &r, &cm->d);
	cm->co = check_output(&r.out);
	if (r.status != 0) {
		diag_add(&cm->d, DIAG_ERR, NULL, 0, "postfix check %s; both "
		    "files put back as they were", run_failure(&r,
		    TXN_CHECK_SECS, how, sizeof(how)));
		run_result_free(&r);
		cm->status = EX_PF_CHECK;
		return -1;
	}
	run_result_free(&r);
	cm->checked = 1;
	p = cm->co;
	while ((line = strsep(&p, "\n")) != NULL) {
		if (*line != '\0')
			txn_note(t, "postfix check: %s", line);
		if (p != NULL)
			p[-1] = '\n';
	}
	return 0;
}

/*
 * step_commit - the new files are final: the journal says so (a reload
 * is still to come) or goes, the kept originals go, and old backup sets
 * are pruned (only now: an edit that fails must not cost the oldest).
 */
static void
step_commit(struct commit *cm, int reload)
{
	struct txn	*t = cm->t;
	int		 k;

	if (reload) {
		if (journal_write(t, "reload", cm->backup, cm->jf, cm->njf,
		    &cm->d) == -1)
			journal_remove(t, &cm->d);
	} else
		journal_remove(t, &cm->d);
	for (k = 0; k < 2; k++)
		(void)sf_discard(t->c.dirfd, names[k], &cm->d);
	tbl_discard(t, &cm->d);
	if (cm->backup[0] != '\0')
		bk_prune(t->c.dirfd, bk_keep(t->c.dirfd));
}

/* undo - an edit that failed after its backup: everything as it was */
static void
undo(struct commit *cm)
{
	struct txn	*t = cm->t;
	char		 side[SF_NAMELEN];
	int		 k;

	/* Nothing was installed before step_install: nothing to revert. */
	if (cm->installing && revert(cm) == -1) {
		/*
		 * Remove what was staged and not installed, but leave the
		 * kept originals (*.pfsubmit-old) for the administrator.
		 */
		for (k = 0; k < 2; k++) {
			(void)snprintf(side, sizeof(side), "%s%s", names[k],
			    SF_NEW);
			(void)unlinkat(t->c.dirfd, side, 0);
			sf_cleanup_unregister(t->c.dirfd, side);
			(void)snprintf(side, sizeof(side), "%s%s", names[k],
			    SF_OLD);
			sf_cleanup_unregister(t->c.dirfd, side);
		}
		diag_add(&cm->d, DIAG_ERR, NULL, 0, "RESTORING FAILED: main.cf "
		    "and master.cf may not match; the originals are in "
		    "%s/%s/%s", t->c.dir, BK_DIR, cm->backup);
		cm->status = EX_PF_RESTORE;
		return;
	}
	journal_remove(t, &cm->d);
	for (k = 0; k < 2; k++)
		(void)sf_discard(t->c.dirfd, names[k], &cm->d);
	tbl_discard(t, &cm->d);
	/* Nothing changed: the set holds what the files hold. */
	bk_remove(t->c.dirfd, cm->backup);
	cm->backup[0] = '\0';
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

/* restart_command - the command that applies what reload does not */
static char *
restart_command(struct txn *t)
{
	if (conf_is_default(&t->c))
		return xstrdup("postfix stop && postfix start");
	return xprintf("postfix -c %s stop && postfix -c %s start",
	    t->c.absdir, t->c.absdir);
}

/*
 * json_wiring - what enable found for SASL and TLS and set on the
 * service: "wiring": {"sasl": ..., "certificate": ..., "set": {...},
 * "dovecot_listener": ...}, each null when there is nothing to say
 */
static void
json_wiring(struct json *j, const struct wire *w)
{
	size_t	 i;

	json_key(j, "wiring");
	json_begin_obj(j);
	json_kstr(j, "sasl", w->sasl_found);
	json_kstr(j, "certificate", w->cert_found);
	json_key(j, "set");
	json_begin_obj(j);
	for (i = 0; i < w->n; i++)
		json_kstr(j, w->name[i], w->value[i]);
	json_end_obj(j);
	json_kstr(j, "dovecot_listener", w->dovecot_block);
	json_end_obj(j);
}

/*
 * print_json - the one document of an edit, whatever its end.  "changed"
 * says what the files hold now: false when the edit was refused or the
 * originals were put back (status 1 or 2), though "diff" still shows
 * what was tried; "diff_base64" is the same diff byte for byte.
 */
static void
print_json(struct commit *cm)
{
	struct txn	*t = cm->t;
	struct json	 j;
	const struct diag *d = &cm->d;
	size_t		 i;
	char		*b64;
	int		 k, kept;

	kept = cm->status != EX_PF_FAIL && cm->status != EX_PF_CHECK;
	json_init(&j, stdout);
	json_begin_obj(&j);
	json_kbool(&j, "changed", kept && (cm->changed[0] || cm->changed[1] ||
	    t->force || cm->tch));
	json_key(&j, "files");
	json_begin_arr(&j);
	for (k = 0; k < 2; k++) {
		json_begin_obj(&j);
		json_kstr(&j, "path", txn_file(t, k)->path);
		json_kbool(&j, "changed", kept && cm->changed[k]);
		json_end_obj(&j);
	}
	json_end_arr(&j);
	json_kint(&j, "status", cm->status);
	json_kstr(&j, "backup", cm->backup[0] != '\0' ? cm->backup : NULL);
	json_kbool(&j, "checked", cm->checked);
	json_kbool(&j, "reloaded", t->reloaded);
	json_kbool(&j, "needs_restart", kept && cm->restart != NULL);
	json_kbool(&j, "dry_run", opt.dry_run);
	json_kstr(&j, "diff", cm->diff.p);
	b64 = xmalloc(4 * ((cm->diff.len + 2) / 3) + 1);
	(void)EVP_EncodeBlock((unsigned char *)b64,
	    (const unsigned char *)cm->diff.p, (int)cm->diff.len);
	json_kstr(&j, "diff_base64", b64);
	free(b64);
	if (cm->co != NULL)
		json_kstr(&j, "check_output", cm->co);
	if (cm->ro != NULL)
		json_kstr(&j, "reload_output", cm->ro);
	if (t->wire != NULL)
		json_wiring(&j, t->wire);
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

/* report - what the edit did, in words or as one JSON document */
static void
report(struct commit *cm, int done)
{
	struct txn	*t = cm->t;
	char		*rc;
	int		 ok;

	ok = cm->status == EX_PF_OK || cm->status == EX_PF_CHANGED ||
	    cm->status == EX_PF_RELOAD;
	if (done && ok && cm->restart != NULL) {
		rc = restart_command(t);
		txn_note(t, "%s changed, which postfix reload does not apply: "
		    "run %s", cm->restart, rc);
		free(rc);
	}
	if (done && !opt.json) {
		print_notes(t);
		if (cm->status == EX_PF_CHECK && cm->co != NULL &&
		    *cm->co != '\0')
			fprintf(stderr, "%s\n", cm->co);
		if (cm->ro != NULL && *cm->ro != '\0')
			fprintf(stderr, "%s\n", cm->ro);
		if (ok)
			say("%s changed%s%s%s%s", cm->changed[0] &&
			    cm->changed[1] ? "main.cf and master.cf" :
			    cm->changed[0] ? "main.cf" : cm->changed[1] ?
			    "master.cf" : "nothing but the table",
			    cm->backup[0] != '\0' ? "; backup " : "",
			    cm->backup, cm->checked ?
			    "; postfix check passed" : "", t->reloaded ?
			    "; postfix reloaded" : "");
	}
	diag_place(&cm->d, t->c.dir);
	if (opt.json)
		print_json(cm);
	diag_print(&cm->d, stderr, DIAG_SHOWN(DIAG_WARN));
}

/*
 * interrupted - termination signals are held from the first install to
 * the end, so that an interrupt lands on a finished transaction (checked
 * and reloaded) or an undone one, never between; say which before the
 * signal is let through.
 */
static void
interrupted(struct commit *cm)
{
	sigset_t	 set;

	if (sigpending(&set) == -1 || !(sigismember(&set, SIGINT) ||
	    sigismember(&set, SIGTERM) || sigismember(&set, SIGHUP) ||
	    sigismember(&set, SIGQUIT)))
		return;
	fprintf(stderr, "pfsubmit: interrupted: the edit was %s first\n",
	    cm->status == EX_PF_OK || cm->status == EX_PF_CHANGED ?
	    "finished" : cm->status == EX_PF_RELOAD ? "installed and checked "
	    "(but not reloaded, see above)" : "undone");
	(void)fflush(stdout);
	(void)fflush(stderr);
}

/*
 * txn_commit - install what the command did to the files, step by step:
 * compare findings, back up, stage and journal, install, read back,
 * check, commit, reload.  Returns the exit status; everything the user
 * needs to know has been printed.
 */
int
txn_commit(struct txn *t)
{
	struct commit	 cm;
	int		 k, reload;

	memset(&cm, 0, sizeof(cm));
	cm.t = t;
	diag_init(&cm.d);
	buf_init(&cm.diff);
	buf_adds(&cm.diff, "");
	for (k = 0; k < 2; k++) {
		buf_init(&cm.nb[k]);
		buf_adds(&cm.nb[k], "");
	}
	cm.status = EX_PF_OK;
	if (step_compare(&cm) == -1) {
		/* What the edit found (enable's listener block) says why. */
		if (!opt.json)
			print_notes(t);
		report(&cm, 0);
		goto out;
	}
	if (!cm.changed[0] && !cm.changed[1] && !t->force && !cm.tch) {
		if (!opt.json) {
			print_notes(t);
			say("nothing to change: %s already says so", t->c.dir);
		}
		report(&cm, 0);
		goto out;
	}
	if (opt.dry_run) {
		if (!opt.json) {
			print_notes(t);
			fputs(cm.diff.p, stdout);
		}
		cm.status = opt.detailed ? EX_PF_CHANGED : EX_PF_OK;
		report(&cm, 0);
		goto out;
	}
	/* t->force with nothing else changed: only check and reload. */
	if (cm.changed[0] || cm.changed[1] || cm.tch) {
		if (step_backup(&cm) == -1) {
			report(&cm, 1);
			goto out;
		}
		if (step_stage(&cm) == -1) {
			undo(&cm);
			report(&cm, 1);
			goto out;
		}
	}
	sf_signals_block(1);
	if (step_install(&cm) == -1 || step_read_back(&cm) == -1 ||
	    step_check(&cm) == -1) {
		undo(&cm);
		report(&cm, 1);
		goto unblock;
	}
	reload = !opt.no_reload;
	step_commit(&cm, reload && cm.njf > 0);
	if (reload)
		cm.status = reload_step(t, &cm.d, &cm.ro, cm.checked);
	if (reload && cm.njf > 0)
		journal_remove(t, &cm.d);
	if (cm.status == EX_PF_OK && opt.detailed)
		cm.status = EX_PF_CHANGED;
	report(&cm, 1);
unblock:
	interrupted(&cm);
	sf_signals_block(0);
out:
	diag_free(&cm.d);
	free(cm.co);
	free(cm.ro);
	buf_free(&cm.diff);
	for (k = 0; k < 2; k++)
		buf_free(&cm.nb[k]);
	return cm.status;
}
