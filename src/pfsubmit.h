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
 * The one shared header: types, limits, exit statuses and the interface
 * of every module.  Modules: buf/x* (memory), diag (messages), cf (the
 * physical-line layer shared by both files), mc (master.cf), mp (main.cf),
 * exp ($name expansion), conf (a loaded configuration directory), sf (safe
 * file operations), run (child processes), txn (the edit transaction),
 * json, diff, lint, and the cmd_* handlers.
 */

#ifndef PFSUBMIT_H
#define PFSUBMIT_H

#include "../compat/compat.h"	/* what the platform lacks: first */

#include <sys/types.h>
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

/* The Makefile passes its VERSION. */
#ifndef PFSUBMIT_VERSION
#define PFSUBMIT_VERSION	"unknown"
#endif

/* Compiled-in paths: no environment variable changes which binary runs. */
#ifndef PATH_POSTFIX
#define PATH_POSTFIX		"/usr/sbin/postfix"
#endif
#ifndef PATH_POSTCONF
#define PATH_POSTCONF		"/usr/sbin/postconf"
#endif
#ifndef PATH_POSTMAP
#define PATH_POSTMAP		"/usr/sbin/postmap"
#endif
#define DEFAULT_CONFIG_DIR	"/etc/postfix"

/* Input bounds: Postfix has none, a root tool reading files must. */
#define PF_MAX_LINE		(1024 * 1024)		/* one physical line */
#define PF_MAX_ENTRY		(1024 * 1024)		/* one logical line */
#define PF_MAX_FILE		(64 * 1024 * 1024)	/* a whole file */
#define PF_MAX_NESTING		100	/* $name nesting, as Postfix */
#define PF_MAX_EXP_STEPS	100000	/* $name lookups and literals, in all */
#define PF_MAX_EXP_TEXT		(16 * 1024 * 1024)	/* one expansion */
#define PF_BACKUP_KEEP		20	/* backup sets kept */
#define PF_LOCK_WAIT		10	/* default seconds to wait for a lock */

/* Exit statuses: each names the state the files are left in. */
#define EX_PF_OK		0	/* done, or nothing to do */
#define EX_PF_FAIL		1	/* failed before anything changed */
#define EX_PF_CHECK		2	/* check failed, originals restored */
#define EX_PF_RELOAD		3	/* installed, checked; reload failed */
#define EX_PF_RESTORE		4	/* restore failed: inconsistent */
#define EX_PF_CHANGED		5	/* --detailed-exitcode: changed */
#define EX_PF_VERIFY		6	/* edited and reloaded; verify failed */

/*
 * buf.c: a growable byte string, always NUL-terminated.
 */
struct buf {
	char	*p;		/* owned */
	size_t	 len;
	size_t	 cap;
};

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
void	*xgrowarray(void *, size_t *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xprintf(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_addc(struct buf *, int);
void	 buf_adds(struct buf *, const char *);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3)));
char	*buf_take(struct buf *);

/*
 * strmap (buf.c): a string-keyed hash table of borrowed values.
 */
struct strmap_ent {
	char		*key;	/* owned */
	void		*val;	/* borrowed */
};
struct strmap {
	struct strmap_ent *ent;	/* owned array */
	size_t		 cap;	/* power of two */
	size_t		 n;
};
void	 strmap_init(struct strmap *);
void	 strmap_free(struct strmap *);
void	*strmap_get(const struct strmap *, const char *);
void	 strmap_put(struct strmap *, const char *, void *);

/*
 * diag.c: diagnostics.  Library code never prints or exits; it adds a
 * message to a struct diag, and the command layer prints them.
 */
enum diag_sev {
	DIAG_NOTE,
	DIAG_WARN,
	DIAG_ERR
};
struct diag_msg {
	enum diag_sev	 sev;
	char		*file;	/* owned, may be NULL */
	size_t		 line;	/* 0: no line */
	char		*text;	/* owned, already quoted for a terminal */
	char		*rule;	/* owned, may be NULL: lint rule name */
};
struct diag {
	struct diag_msg	*m;	/* owned array */
	size_t		 n;
	size_t		 cap;
	size_t		 nerr;
	size_t		 nwarn;
};
void	 diag_init(struct diag *);
void	 diag_free(struct diag *);
void	 diag_add(struct diag *, enum diag_sev, const char *, size_t,
	    const char *, ...) __attribute__((__format__(__printf__, 5, 6)));
void	 diag_addr(struct diag *, enum diag_sev, const char *, size_t,
	    const char *, const char *, ...)
	    __attribute__((__format__(__printf__, 6, 7)));
void	 diag_print(const struct diag *, FILE *, enum diag_sev);
void	 diag_move(struct diag *, struct diag *);
void	 diag_place(struct diag *, const char *);
char	*vquote(const char *, size_t, size_t);
const char *diag_sevname(enum diag_sev);

/*
 * cffile.c: the physical-line layer shared by main.cf and master.cf.
 * Physical lines are the truth; entries are a view of them, rebuilt by
 * cf_group() after every edit.
 */
enum cfl_kind {
	CFL_BLANK,		/* empty or white space only */
	CFL_COMMENT,		/* first non-space byte is '#' */
	CFL_START,		/* starts a logical line */
	CFL_CONT		/* starts with white space: continues one */
};
struct cf_line {
	const char	*p;	/* bytes, including the '\n' if any */
	size_t		 len;
	unsigned char	 kind;	/* enum cfl_kind */
	unsigned char	 owned;	/* p is malloc'd, not a view of data */
};
enum cfe_kind {
	CFE_TRIVIA,		/* comment and blank lines between entries */
	CFE_ORPHAN,		/* continuation with nothing to continue */
	CFE_LOGICAL		/* a start line and its continuations */
};
struct cf_entry {
	enum cfe_kind	 kind;
	size_t		 first;	/* index of the first physical line */
	size_t		 last;	/* index of the last physical line */
};
/* A piece of a logical line: bytes [off, off+len) of physical line. */
struct cf_piece {
	size_t		 line;
	size_t		 off;
	size_t		 len;
	size_t		 loff;	/* where the piece starts in the logical line */
};
struct cf_file {
	char		*path;	/* owned: for messages */
	char		*data;	/* owned: the bytes read */
	size_t		 size;
	struct cf_line	*lines;	/* owned array */
	size_t		 nlines;
	size_t		 capl;
	struct cf_entry	*ents;	/* owned array */
	size_t		 nents;
	size_t		 cape;
	int		 crlf;	/* most lines end in "\r\n" */
	int		 exists; /* the file was there to read */
	struct stat	 st;	/* of the file as read */
};

void	 cf_init(struct cf_file *, const char *);
void	 cf_free(struct cf_file *);
int	 cf_load(struct cf_file *, const char *, size_t, struct diag *);
void	 cf_group(struct cf_file *);
int	 cf_set_content(struct cf_file *, const char *, size_t,
	    struct diag *);
void	 cf_serialize(const struct cf_file *, struct buf *);
int	 cf_classify(const char *, size_t);
size_t	 cf_content_len(const struct cf_line *);
const char *cf_eol(const struct cf_file *);
int	 cf_has_eol(const struct cf_line *);
void	 cf_line_replace(struct cf_file *, size_t, const char *, size_t);
void	 cf_line_insert(struct cf_file *, size_t, const char *, size_t);
void	 cf_line_delete(struct cf_file *, size_t);
void	 cf_ensure_eol(struct cf_file *, size_t);
size_t	 cf_entry_at(const struct cf_file *, size_t);
char	*cf_join(const struct cf_piece *, size_t, const struct cf_file *,
	    size_t *);
size_t	 cf_entry_pieces(const struct cf_file *, const struct cf_entry *,
	    struct cf_piece **);
size_t	 cf_map(const struct cf_piece *, size_t, size_t, size_t *);
int	 cf_isspace(int);
int	 cf_issep(int);
int	 cf_split_nameval(const char *, size_t, char **, char **);
int	 cf_check_limits(const struct cf_file *, struct diag *);

/*
 * expand.c: $name expansion as Postfix's mac_expand does it.
 */
struct exp_ctx;
typedef const char *(*exp_lookup_fn)(const char *, void *);
struct exp_result {
	char		*text;	/* owned: the expansion */
	char		*error;	/* owned, or NULL: the first syntax error */
	char		*undef;	/* owned, NULL if none: first undefined name */
	int		 depth;	/* runaway: nesting or budget exceeded */
};
void	 exp_expand(const char *, exp_lookup_fn, void *, struct exp_result *);
void	 exp_result_free(struct exp_result *);
int	 exp_syntax(const char *, char **);
void	 exp_names(const char *, void (*)(const char *, size_t, void *),
	    void *);
int	 exp_is_raw(const char *);

/*
 * mastercf.c: master.cf services, live and commented out.
 */
#define MC_NFIELDS	8
enum mc_field {
	MCF_SERVICE, MCF_TYPE, MCF_PRIVATE, MCF_UNPRIV, MCF_CHROOT,
	MCF_WAKEUP, MCF_MAXPROC, MCF_COMMAND
};
struct mc_token {
	size_t		 off;	/* raw bytes in the logical line */
	size_t		 len;
	char		*text;	/* owned: unwrapped, as the daemon sees it */
	int		 braced; /* started with '{' and was unwrapped */
	int		 err;	/* 1: missing '}', 2: text after '}',
				   3: a '{' inside that never closes */
};
struct mc_override {
	char		*name;	/* owned */
	char		*value;	/* owned */
	size_t		 opt;	/* token holding the "-o" */
	size_t		 val;	/* token holding name=value (may be opt) */
	size_t		 line;	/* physical line index of the value */
};
struct mc_service {
	int		 enabled; /* 0: stands commented out */
	size_t		 first;	/* first physical line index */
	size_t		 last;	/* last physical line index of its text */
	size_t		 scan_last; /* commented out: the end of its block */
	char		*field[MC_NFIELDS]; /* owned */
	struct mc_token	*tok;	/* owned: every token of the entry */
	size_t		 ntok;
	size_t		 pos;	/* first positional argument token */
	size_t		 optend; /* end of option tokens (== pos, or "--") */
	struct mc_override *ov;	/* owned */
	size_t		 nov;
	size_t		 capov;
	struct strmap	 ovmap;	/* name -> index + 1 of the last override
				   of that name; built past a few */
	struct cf_piece	*pc;	/* owned: where the text comes from */
	size_t		 npc;
	char		*logical; /* owned */
	size_t		 loglen;
	size_t		 nfields; /* fields found (< 8 is an error) */
	const char	*opterr; /* static: a malformed option, or NULL */
};
struct mc_file {
	struct cf_file	 cf;
	struct mc_service *svc;	/* owned: in file order */
	size_t		 nsvc;
	size_t		 capsvc;
};

int	 mc_is_option_comment(const char *, size_t);
extern const char *const mc_field_names[MC_NFIELDS];

void	 mc_init(struct mc_file *, const char *);
void	 mc_free(struct mc_file *);
int	 mc_parse(struct mc_file *, struct diag *);
int	 mc_valid_type(const char *);
int	 mc_tokenize(const char *, size_t, struct mc_token **, size_t *);
void	 mc_tokens_free(struct mc_token *, size_t);
const struct mc_override *mc_find_override(const struct mc_service *,
	    const char *);
int	 mc_port_of(const char *, char **, char **);
int	 mc_header_fields(const char *, size_t);
int	 mc_is_submission(const struct mc_service *);

/*
 * maincf.c: main.cf parameters.
 */
struct mp_param {
	char		*name;	/* owned */
	char		*value;	/* owned: trimmed, as Postfix stores it */
	size_t		 entry;	/* index into cf.ents */
	size_t		 line;	/* physical line index of its start */
	int		 shadowed; /* a later definition wins */
};
struct mp_file {
	struct cf_file	 cf;
	struct mp_param	*par;	/* owned */
	size_t		 npar;
	size_t		 cappar;
	struct strmap	 map;	/* name -> last definition */
};
void	 mp_init(struct mp_file *, const char *);
void	 mp_free(struct mp_file *);
int	 mp_parse(struct mp_file *, struct diag *);
const struct mp_param *mp_get(const struct mp_file *, const char *);

/*
 * conf.c: a configuration directory, both files and Postfix's defaults.
 */
struct conf {
	char		*dir;	/* owned: as given or found */
	char		*absdir; /* owned: dir as an absolute path */
	int		 is_default; /* dir is Postfix's default; -1: ask */
	int		 dirfd;
	struct mp_file	 main;
	struct mc_file	 master;
	struct strmap	 defaults; /* name -> owned value */
	int		 defaults_loaded;
	int		 defaults_ok;
	int		 deriving;	/* working out myhostname/mydomain */
	int		 netbusy;	/* working out mynetworks */
	int		 netsfull;	/* postconf asked as often as it may */
	struct strmap	 nets;		/* scratch main.cf -> mynetworks */
	struct strmap	 services;	/* live delivery services: kind */
	int		 services_indexed;
	char		**kept;		/* owned: derived values handed out */
	size_t		 nkept;
	size_t		 capkept;
	struct diag	 d;	/* what loading found */
};
int	 conf_open_dir(struct conf *, const char *, int, struct diag *);
int	 conf_load(struct conf *, struct diag *);
int	 conf_reparse(struct conf *, struct diag *);
void	 conf_free(struct conf *);
int	 conf_is_default(struct conf *);
int	 conf_own_instance(struct conf *);
const char *conf_default(struct conf *, const char *);
int	 conf_is_builtin(struct conf *, const char *);
int	 conf_postfix_version(struct conf *, int *, int *);
void	 conf_expand_main(struct conf *, const char *, struct exp_result *);
void	 conf_expand_service(struct conf *, const struct mc_service *,
	    const char *, struct exp_result *);
char	*conf_config_directory(void);

/*
 * safefile.c: every open, write, rename and unlink on real paths.
 */
#define SF_NAMELEN	64
struct sf_lock {
	int		 fd;	/* -1: not held */
	char		 name[SF_NAMELEN]; /* "main.cf.tmp" */
	struct stat	 st;	/* of the locked file */
	int		 used;
};
int	 sf_open_dir(const char *, int, struct diag *);
int	 sf_same_dir(int, const char *, struct diag *);
int	 sf_path_text(const char *, struct diag *);
int	 sf_fsync(int);
int	 sf_read(int, const char *, const char *, char **, size_t *,
	    struct stat *, int *, struct diag *);
int	 sf_check_secure(const struct stat *, const char *, int,
	    struct diag *);
int	 sf_lock(int, const char *, int, struct sf_lock *, struct diag *);
void	 sf_unlock(int, struct sf_lock *);
#define SF_NEW		".pfsubmit-new"	/* staged new contents */
#define SF_OLD		".pfsubmit-old"	/* the original, kept for revert */
int	 sf_stage(int, const char *, const char *, size_t,
	    const struct stat *, struct diag *);
int	 sf_install(int, const char *, const struct stat *, struct diag *);
int	 sf_revert(int, const char *, struct diag *);
int	 sf_discard(int, const char *, struct diag *);
int	 sf_replace(int, const char *, const char *, size_t,
	    const struct stat *, const struct stat *, struct diag *);
int	 sf_write_new(int, const char *, const char *, size_t, mode_t,
	    uid_t, gid_t, struct diag *);
int	 sf_fsync_dir(int);
void	 sf_cleanup_register(int, const char *);
void	 sf_cleanup_unregister(int, const char *);
void	 sf_cleanup_run(void);
void	 sf_signals_block(int);
void	 sf_install_handlers(void);

/*
 * backup.c: backup sets, one directory each under pfsubmit-backups/.
 */
#define BK_DIR		"pfsubmit-backups"
#define BK_KEEP		"keep"	/* in BK_DIR: how many sets to keep */
struct bk_set {
	char		 id[SF_NAMELEN];
	char		*info;		/* owned: what made it */
	int		 has_main;
	int		 has_master;
	int		 by_rollback;
	char		 restored[SF_NAMELEN]; /* the set a rollback put back */
	long long	 seq;		/* its place among the sets; 0: made
					   before sets were numbered */
	int		 first;		/* taken before the first edit: kept */
	int		 unread;	/* could not be read: seq unknown */
};
struct bk_file {
	const char	*name;		/* "main.cf" */
	const char	*data;		/* borrowed */
	size_t		 len;
	const struct stat *st;		/* borrowed: owner and mode */
	int		 exists;
};
int	 bk_create(int, const struct bk_file *, size_t, const char *, char *,
	    size_t, struct diag *);
int	 bk_list(int, struct bk_set **, size_t *, struct diag *);
void	 bk_list_free(struct bk_set *, size_t);
int	 bk_read(int, const char *, const char *, char **, size_t *, int *,
	    struct diag *);
void	 bk_prune(int, int);
void	 bk_cleanup(int);
void	 bk_remove(int, const char *);
int	 bk_keep(int);
char	*bk_encode(const char *);
char	*bk_decode(const char *);
char	*bk_info_field(const char *, const char *);
int	 bk_set_dir(int, const char *, struct diag *);

/*
 * run.c: child processes, never through a shell.
 */
struct run_result {
	int		 status; /* exit status, or 128+signal, -1: not run */
	int		 timedout; /* killed, with its process group, at the
				    deadline (status -1) */
	struct buf	 out;	/* what it printed (stdout+stderr or pty) */
};
int	 run_cmd(const char *const *, int, int, struct run_result *);
void	 run_result_free(struct run_result *);
#define RUN_PTY		0x01	/* give the child a terminal */
#define RUN_STDOUT	0x02	/* capture stdout only */

/*
 * json.c: a small streaming JSON writer.
 */
struct json {
	FILE		*fp;
	int		 depth;
	int		 first[32];	/* first item at this depth */
	int		 key;		/* a key was just written */
};
void	 json_init(struct json *, FILE *);
void	 json_begin_obj(struct json *);
void	 json_end_obj(struct json *);
void	 json_begin_arr(struct json *);
void	 json_end_arr(struct json *);
void	 json_key(struct json *, const char *);
void	 json_str(struct json *, const char *);
void	 json_strn(struct json *, const char *, size_t);
void	 json_int(struct json *, long long);
void	 json_bool(struct json *, int);
void	 json_null(struct json *);
void	 json_kstr(struct json *, const char *, const char *);
void	 json_kint(struct json *, const char *, long long);
void	 json_kbool(struct json *, const char *, int);
void	 json_finish(struct json *);

/*
 * diff.c: unified diffs between two versions of a file.
 */
void	 diff_unified(const char *, const char *, size_t, const char *,
	    size_t, struct buf *);

/*
 * mcedit.c, mpedit.c: edits of the physical lines.
 */
int	 mce_set_override(struct mc_file *, size_t, const char *,
	    const char *);
int	 mce_remove_override(struct mc_file *, size_t, const char *);
void	 mce_add_overrides(struct mc_file *, size_t, char *const *, size_t);
void	 mce_comment_out(struct mc_file *, size_t);
void	 mce_uncomment(struct mc_file *, size_t);
char	*mce_format_header(const char *const *);
void	 mce_insert_lines(struct mc_file *, size_t, char *const *, size_t);
int	 mpe_set(struct mp_file *, const char *, const char *);
int	 mpe_unset(struct mp_file *, const char *);

/*
 * table.c: lookup tables that an edit writes beside main.cf (the relay
 * host's sasl_passwd, the sender table).  A table is read under the
 * transaction's locks, and its new contents are installed with main.cf
 * and master.cf in the one transaction: backed up in the same set,
 * staged, installed, indexed with postmap before postfix check, put
 * back (and indexed again) when the transaction fails, and restored by
 * rollback.  The call sites are in txn.c and cmd_backup.c.
 */
#define TXN_MAXTBL	4
struct tbl {
	char		*name;	/* owned: file name in the directory */
	char		*type;	/* owned: map type for postmap, "hash" */
	int		 secret; /* its contents never go into a diff */
	char		*old;	/* owned: as read, NULL when absent */
	size_t		 oldlen;
	struct stat	 st;	/* of the file as read */
	char		*data;	/* owned: new contents; NULL: remove it */
	size_t		 len;
	mode_t		 mode;	/* of the new file */
	int		 set;	/* tbl_set or tbl_remove was called */
	int		 installed; /* the new file is in place */
	struct stat	 bkst;	/* st, root-only when secret: its copy in
				   the backup set */
	char		*bkname; /* owned: "<name>.pfsubmit-absent", the
				   set's note that there was no table */
};
struct txn;
struct wire;
struct tbl *txn_table(struct txn *, const char *, const char *, int,
	    struct diag *);
void	 tbl_set(struct tbl *, const char *, size_t, mode_t);
void	 tbl_remove(struct tbl *);
int	 tbl_changed(const struct tbl *);
void	 tbl_free(struct tbl *);
void	 tbl_diff(struct txn *, struct buf *);
size_t	 tbl_backup_files(struct txn *, struct bk_file *, size_t);
int	 tbl_stage(struct txn *, struct diag *);
int	 tbl_install(struct txn *, struct diag *);
int	 tbl_postmap(struct txn *, struct diag *);
int	 tbl_revert(struct txn *, struct diag *);
void	 tbl_discard(struct txn *, struct diag *);
int	 tbl_restore_set(struct txn *, const char *, struct diag *);

/*
 * txn.c: the transaction around every edit.
 */
struct txn {
	struct conf	 c;
	struct sf_lock	 lk[2];		/* main.cf.tmp, master.cf.tmp */
	char		*orig[2];	/* owned: the bytes as read */
	size_t		 origlen[2];
	struct diag	 notes;		/* what to tell the user */
	char		*command;	/* owned: for the backup's info */
	int		 rollback;	/* this edit is a rollback */
	const char	*restored;	/* of this set */
	struct strmap	 errors;	/* check errors before the edit */
	int		 force;		/* something besides the two files
					   changed: check and reload */
	struct tbl	 tbl[TXN_MAXTBL]; /* tables the edit writes */
	size_t		 ntbl;
	int		 unparsed;	/* TXN_UNPARSED: loaded as bytes */
	int		 reload_pending; /* a killed run's edit: 1 reload,
					   2 changed since, do not */
	int		 reloaded;	/* postfix reload ran and passed */
	const struct wire *wire;	/* borrowed: what enable wired, for -j */
#define TXN_NRESTART	4
	char		*restart_was[TXN_NRESTART]; /* owned: values of the
					   parameters reload does not apply */
};
#define TXN_UNPARSED	0x01	/* rollback: files that do not parse */
int	 txn_begin(struct txn *);
int	 txn_begin_flags(struct txn *, int);
int	 txn_commit(struct txn *);
void	 txn_end(struct txn *);
int	 txn_running(struct txn *);
char	*txn_finding_key(const struct diag_msg *);
void	 txn_assume_tables(struct txn *);
void	 txn_parse_hint(struct diag *);
void	 txn_note(struct txn *, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3)));

/*
 * verify.c: talk SMTP to a live service as a mail client does, and
 * report what it meets.  Other commands (enable) prove their work with
 * vf_verify().
 */
struct vf_opts {
	const char	*host;		/* NULL: where the service listens */
	int		 port;		/* 0: the service's */
	const char	*tls_name;	/* the certificate's name; NULL: found */
	const char	*cafile;	/* trust this PEM file, not the store */
	int		 insecure;	/* send the password to any certificate */
	const char	*user;		/* NULL: do not log in */
	const char	*pass;		/* borrowed: the caller wipes it */
	const char	*mech;		/* "plain", "login"; NULL: offered */
	const char	*from;		/* NULL: the login, or postmaster@ */
	const char	*to;		/* NULL: outside mydestination */
	const char	*send_to;	/* send a test message here, or NULL */
	int		 timeout;	/* seconds per reply; 0: 10 */
	int		 settle;	/* seconds to retry a refused connect */
};
int	 vf_tls_init(void);
int	 vf_verify(struct conf *, const char *, const struct vf_opts *, int,
	    FILE *);

/*
 * Options common to all commands (main.c).
 */
struct opts {
	const char	*config_dir;	/* -c */
	int		 dry_run;	/* -n */
	int		 json;		/* -j */
	int		 quiet;		/* -q */
	int		 no_check;	/* --no-check */
	int		 no_reload;	/* --no-reload */
	int		 detailed;	/* --detailed-exitcode */
	int		 lock_wait;	/* --lock-wait */
	int		 force;		/* --force: new check errors are
					   reported, not refused */
	int		 argc;		/* the whole command line, */
	char		**argv;		/* for the backup's info */
};
extern struct opts opt;

/* The least severity printed: -q leaves only errors. */
#define DIAG_SHOWN(sev)	(opt.quiet ? DIAG_ERR : (sev))

/* Long options shared by every command (main.c). */
#define OPT_NO_CHECK	256
#define OPT_NO_RELOAD	257
#define OPT_DETAILED	258
#define OPT_LOCK_WAIT	259
#define OPT_FORCE	260
#define COMMON_LONGOPTS \
	{ "config-dir", required_argument, NULL, 'c' }, \
	{ "dry-run", no_argument, NULL, 'n' }, \
	{ "json", no_argument, NULL, 'j' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "no-check", no_argument, NULL, OPT_NO_CHECK }, \
	{ "no-reload", no_argument, NULL, OPT_NO_RELOAD }, \
	{ "detailed-exitcode", no_argument, NULL, OPT_DETAILED }, \
	{ "lock-wait", required_argument, NULL, OPT_LOCK_WAIT }, \
	{ "force", no_argument, NULL, OPT_FORCE }, \
	{ "help", no_argument, NULL, 'h' }

/* A command handler gets its own argv (argv[0] is the command name). */
struct cmd {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*usage;
	const char	*help;
};
extern const struct cmd cmds[];
struct option;
void	 print_usage(FILE *);
void	 cmd_usage(const struct cmd *) __attribute__((__noreturn__));
int	 common_option(int, const char *);
void	 bad_option(const char *, int, const char *)
	    __attribute__((__noreturn__));
int	 cmd_getopt(int, char **, const struct cmd *, const char *,
	    const struct option *, void (*)(int, const char *));
const struct cmd *cmd_find(const char *);

int	 cmd_show(int, char **);
int	 cmd_param(int, char **);
int	 cmd_check(int, char **);
int	 cmd_enable(int, char **);
int	 cmd_disable(int, char **);
int	 cmd_set_restriction(int, char **);
int	 cmd_set(int, char **);
int	 cmd_unset(int, char **);
int	 cmd_backups(int, char **);
int	 cmd_rollback(int, char **);
int	 cmd_help(int, char **);
int	 cmd_verify(int, char **);
int	 cmd_relayhost(int, char **);
int	 cmd_sender_domains(int, char **);

const char *edit_q(const char *);
int	 edit_reparse(struct txn *);
int	 edit_services(struct txn *, const char *, size_t **, size_t *);
int	 edit_set_override(struct txn *, size_t, const char *, const char *,
	    const char *, const char *);
int	 open_conf(struct conf *, int);
char	*fold_ws(const char *);
int	 param_set(int, char **);
int	 param_unset(int, char **);

/*
 * valid.c: command-line arguments, checked before any file is touched.
 */
int	 arg_check_text(const char *, const char *);
int	 arg_check_name(const char *, const char *);
int	 arg_check_service(const char *);
int	 arg_check_value(const char *, const char *, int);
int	 arg_has_space(const char *);
int	 arg_check_path(const char *, const char *);
int	 arg_read_secret(const char *, char *, size_t);

/*
 * probe.c: what check learns from the system (files, sockets,
 * certificates, postconf's lists), each answer kept for the run.
 */
#define PROBE_TIMEOUT_MS	5000	/* a socket, connect to last answer */
#define PROBE_EXPIRY_DAYS	14	/* a certificate expiring: warning */
#define PROBE_TLS_MAX		6
enum probe_kind {
	PROBE_NONE,		/* nothing there (err says why) */
	PROBE_REG,
	PROBE_SOCK,
	PROBE_DIR,
	PROBE_OTHER
};
struct probe_file {
	enum probe_kind	 kind;
	int		 err;	/* errno of stat, or of the open */
	int		 readable; /* a regular file root could open */
	struct timespec	 mtime;
	uid_t		 uid;
	gid_t		 gid;
	mode_t		 mode;
};
struct probe_auth {
	int		 ok;	/* 1: the handshake went through */
	char		*why;	/* owned: why not, or NULL */
	char		*mechs;	/* owned: the mechanisms offered */
};
struct probe_tls {
	size_t		 n;
	enum diag_sev	 sev[PROBE_TLS_MAX];
	char		*text[PROBE_TLS_MAX];	/* owned */
};
struct probe_cyrus {
	char		*file;	/* owned: the name.conf found, or NULL */
	int		 readable;
	char		*pwcheck; /* owned: pwcheck_method, or NULL */
	char		*saslauthd; /* owned: saslauthd_path, or NULL */
};
void	 probe_set_root(const char *);
void	 probe_set_timeout(int);
void	 probe_reset(void);
char	*probe_path(const char *);
const struct probe_file *probe_file(const char *);
void	 probe_assume(const char *);
const struct probe_auth *probe_dovecot(const char *);
const struct probe_tls *probe_tls(const char *, const char *, const char *);
int	 probe_pem_has(const char *, int);
size_t	 probe_chain_next(char *const *, size_t, size_t, const char **,
	    const char **);
const struct probe_cyrus *probe_cyrus(const char *, const char *);
int	 probe_postconf_has(const char *, int, const char *);

/*
 * wire.c: what enable sets on the service so that clients can log in.
 */
#ifndef PATH_DOVECONF
#define PATH_DOVECONF		"/usr/bin/doveconf"
#endif
#define WIRE_MAX	6
struct wire {
	const char	*sasl;	/* --sasl: dovecot, cyrus, none; NULL: find */
	const char	*cert;	/* --cert, or NULL */
	const char	*key;	/* --key, or NULL */
	const char	*chain;	/* --chain-file, or NULL */
	char		*name[WIRE_MAX];  /* owned: overrides to set */
	char		*value[WIRE_MAX]; /* owned */
	size_t		 n;
	char		*sasl_found;	/* owned: the back end, or NULL */
	char		*cert_found;	/* owned: the certificate, or NULL */
	char		*dovecot_block;	/* owned: a listener to add, or NULL */
};
int	 wire_plan(struct conf *, const struct mc_service *, struct wire *,
	    struct diag *, struct diag *);
struct vf_opts;
int	 wire_service(struct txn *, size_t, struct wire *);
int	 wire_prove(struct txn *, const char *, const struct vf_opts *);
void	 wire_prove_note(struct txn *, const char *);
void	 wire_free(struct wire *);
char	**wire_doveconf_listeners(const char *);

/*
 * lint.c: what check reports beyond the parse.
 */
void	 lint_run(struct conf *, struct diag *);
void	 lint_errors(struct conf *, struct strmap *);
void	 lint_errors_free(struct strmap *);

void	 say(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));

#endif /* PFSUBMIT_H */
