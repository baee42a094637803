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
 * What a platform lacks of the OpenBSD interfaces that src/ uses.
 * src/pfsubmit.h includes this header first.
 *
 * compat/probe.sh decides, before anything compiles, which of the
 * NEED_* macros below the build defines; with none of them defined this
 * header only supplies SOCK_CLOEXEC where the system has none.  Each
 * missing function comes from a file of its own, compat/<name>.c, under
 * a compat_ name, and NEED_<NAME> makes the OpenBSD name a macro for
 * it.  So a declaration the platform has anyway (glibc's closefrom
 * returns void, OpenBSD's int) never clashes, and the unit tests call
 * every compat function on every platform.
 */

#ifndef COMPAT_H
#define COMPAT_H

/* The headers whose declarations the macros below must come after. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void		*compat_reallocarray(void *, size_t, size_t);
int		 compat_closefrom(int);
void		 compat_explicit_bzero(void *, size_t);
int		 compat_pipe2(int [2], int);
long long	 compat_strtonum(const char *, long long, long long,
		    const char **);
size_t		 compat_strlcpy(char *, const char *, size_t);
size_t		 compat_strlcat(char *, const char *, size_t);
void		 compat_setprogname(const char *);
const char	*compat_getprogname(void);
int		 compat_strvis(char *, const char *, int);

/*
 * The vis(3) flags compat_strvis knows, with NetBSD's values.  The
 * encoding is OpenBSD's, which never depends on the locale: VIS_NOLOCALE
 * is accepted and changes nothing.
 */
#define COMPAT_VIS_OCTAL	0x0001	/* \ddd */
#define COMPAT_VIS_CSTYLE	0x0002	/* \n, \t, \0 and the like */
#define COMPAT_VIS_SP		0x0004	/* encode space */
#define COMPAT_VIS_TAB		0x0008	/* encode tab */
#define COMPAT_VIS_NL		0x0010	/* encode newline */
#define COMPAT_VIS_SAFE		0x0020	/* leave \b, \a and \r alone */
#define COMPAT_VIS_NOSLASH	0x0040	/* no backslash before a form */
#define COMPAT_VIS_GLOB		0x1000	/* encode *, ?, [ and # */
#define COMPAT_VIS_NOLOCALE	0x4000	/* always so */
#define COMPAT_VIS_DQ		0x8000	/* backslash before " */

#ifdef NEED_REALLOCARRAY
#define reallocarray		compat_reallocarray
#endif
#ifdef NEED_CLOSEFROM
#define closefrom		compat_closefrom
#endif
#ifdef NEED_EXPLICIT_BZERO
#define explicit_bzero		compat_explicit_bzero
#endif
#ifdef NEED_PIPE2
#define pipe2			compat_pipe2
#endif
#ifdef NEED_STRTONUM
#define strtonum		compat_strtonum
#endif
#ifdef NEED_STRLCPY
#define strlcpy			compat_strlcpy
#endif
#ifdef NEED_STRLCAT
#define strlcat			compat_strlcat
#endif
#ifdef NEED_PROGNAME
#define setprogname		compat_setprogname
#define getprogname		compat_getprogname
#endif

/*
 * No strvis, or one without VIS_NOLOCALE (macOS, OpenBSD): compat's,
 * with its own flag values, which replace any <vis.h> gave.
 */
#ifdef NEED_STRVIS
#undef VIS_OCTAL
#undef VIS_CSTYLE
#undef VIS_SP
#undef VIS_TAB
#undef VIS_NL
#undef VIS_WHITE
#undef VIS_SAFE
#undef VIS_NOSLASH
#undef VIS_GLOB
#undef VIS_NOLOCALE
#undef VIS_DQ
#define VIS_OCTAL		COMPAT_VIS_OCTAL
#define VIS_CSTYLE		COMPAT_VIS_CSTYLE
#define VIS_SP			COMPAT_VIS_SP
#define VIS_TAB			COMPAT_VIS_TAB
#define VIS_NL			COMPAT_VIS_NL
#define VIS_WHITE		(VIS_SP | VIS_TAB | VIS_NL)
#define VIS_SAFE		COMPAT_VIS_SAFE
#define VIS_NOSLASH		COMPAT_VIS_NOSLASH
#define VIS_GLOB		COMPAT_VIS_GLOB
#define VIS_NOLOCALE		COMPAT_VIS_NOLOCALE
#define VIS_DQ			COMPAT_VIS_DQ
#define strvis			compat_strvis
#endif

/*
 * macOS names the modification time st_mtimespec; the member is the
 * same struct timespec.
 */
#ifdef NEED_ST_MTIMESPEC
#define st_mtim			st_mtimespec
#endif

/*
 * No SOCK_CLOEXEC (macOS): the one socket pfsubmit opens (verify.c)
 * stays inheritable, which is harmless: run_cmd closes every descriptor
 * above standard error in the child before it runs anything.
 */
#if defined(NEED_SOCK_CLOEXEC) || !defined(SOCK_CLOEXEC)
#undef SOCK_CLOEXEC
#define SOCK_CLOEXEC		0
#endif

#endif /* !COMPAT_H */
