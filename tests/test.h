/*
 * Shared by the unit tests: cmocka 1.1 wants these headers first.
 */

#ifndef PFSUBMIT_TEST_H
#define PFSUBMIT_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "pfsubmit.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "fixtures"
#endif

/* t_read - a whole file, allocated, NUL-terminated; fails the test */
char	*t_read(const char *, size_t *);
/* t_fixture - FIXTURES_DIR "/" name, allocated */
char	*t_fixture(const char *);
/* t_tmpdir - a new empty directory, allocated; t_rmdir removes it */
char	*t_tmpdir(void);
void	 t_rmdir(const char *);
/* t_write - write a file in dir */
void	 t_write(const char *, const char *, const char *, size_t);
/* t_roundtrip - parse text as the given kind and serialize it */
char	*t_roundtrip_master(const char *, size_t, size_t *);
char	*t_roundtrip_main(const char *, size_t, size_t *);
/* t_master / t_main - parse text into a file model (no errors allowed) */
void	 t_master(struct mc_file *, const char *);
void	 t_main(struct mp_file *, const char *);
/* t_serialize - the file's bytes, allocated */
char	*t_serialize(const struct cf_file *);

#endif
