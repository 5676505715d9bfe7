/* The Debian libraries of the whole-task benchmark rows (sqlite3, zlib, libcrypto), as the
 * hand-written addons (napi.c, fastapi.cc) use them.
 *
 * Opened at run time with dlopen, prototypes declared here: the addons link against none of them
 * and need no -dev headers, so a machine without a library still loads the addons and the row says
 * "library missing" instead of the whole benchmark failing to start.
 *
 * RTLD_DEEPBIND: every Node binary exports the zlib and OpenSSL it bundles (`nm -D node`: crc32,
 * EVP_Digest*). A library opened without it resolves its own internal calls to its exported
 * functions through the global scope, where node comes first, so libcrypto's EVP_DigestInit_ex ends
 * up running node's OpenSSL internals on libcrypto's objects (a crash on Node 22/24/26; ffast issue
 * 14 item 1). DEEPBIND makes the library's own definitions win; it is what makes the baseline
 * correct, not faster. (dlsym on the handle already returns the library's own entry point.) */
#ifndef FFAST_BENCH_SYSLIBS_H
#define FFAST_BENCH_SYSLIBS_H
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>

/* The sonames (as bench/tasks.cjs SYSLIBS); -D overrides them (e.g. to check the "library missing" path). */
#ifndef SYSLIB_SQLITE
#define SYSLIB_SQLITE "libsqlite3.so.0"
#endif
#ifndef SYSLIB_ZLIB
#define SYSLIB_ZLIB "libz.so.1"
#endif
#ifndef SYSLIB_CRYPTO
#define SYSLIB_CRYPTO "libcrypto.so.3"
#endif

typedef struct {
  const char *error; /* NULL once loaded; else why not (dlerror text) */
  int loaded;
  int (*open)(const char *, void **);
  int (*close)(void *);
  int (*exec)(void *, const char *, void *, void *, char **);
  int (*prepare_v2)(void *, const char *, int, void **, const char **);
  int (*bind_int)(void *, int, int);
  int (*bind_text)(void *, int, const char *, int, void (*)(void *));
  int (*step)(void *);
  int (*reset)(void *);
  int (*column_int)(void *, int);
  const unsigned char *(*column_text)(void *, int);
  int (*finalize)(void *);
} SqliteApi;

typedef struct {
  const char *error;
  int loaded;
  unsigned long (*crc32)(unsigned long, const unsigned char *, unsigned int);
} ZlibApi;

typedef struct {
  const char *error;
  int loaded;
  void *(*md_ctx_new)(void);
  void (*md_ctx_free)(void *);
  const void *(*sha256)(void);
  int (*digest_init_ex)(void *, const void *, void *);
  int (*digest_update)(void *, const void *, size_t);
  int (*digest_final_ex)(void *, unsigned char *, unsigned int *);
  const void *md; /* EVP_sha256(), fetched once at load (a static object), as the JS rows do */
} CryptoApi;

static SqliteApi g_sqlite;
static ZlibApi g_zlib;
static CryptoApi g_crypto;

/* syslib_sym(handle, &err, name, &fnptr): looks a symbol up; the first failure is kept in *err. */
static void syslib_sym(void *h, const char **err, const char *name, void *slot) {
  void *p = dlsym(h, name);
  if (!p && !*err) *err = "symbol missing";
  *(void **)slot = p;
}
static void *syslib_open(const char *soname, const char **err) {
  void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  if (!h) *err = dlerror();
  return h;
}

/* Each loader runs once; afterwards `.error` says whether the API is usable. */
static SqliteApi *sqlite_api(void) {
  SqliteApi *a = &g_sqlite;
  if (a->loaded) return a;
  a->loaded = 1;
  void *h = syslib_open(SYSLIB_SQLITE, &a->error);
  if (!h) return a;
  syslib_sym(h, &a->error, "sqlite3_open", &a->open);
  syslib_sym(h, &a->error, "sqlite3_close", &a->close);
  syslib_sym(h, &a->error, "sqlite3_exec", &a->exec);
  syslib_sym(h, &a->error, "sqlite3_prepare_v2", &a->prepare_v2);
  syslib_sym(h, &a->error, "sqlite3_bind_int", &a->bind_int);
  syslib_sym(h, &a->error, "sqlite3_bind_text", &a->bind_text);
  syslib_sym(h, &a->error, "sqlite3_step", &a->step);
  syslib_sym(h, &a->error, "sqlite3_reset", &a->reset);
  syslib_sym(h, &a->error, "sqlite3_column_int", &a->column_int);
  syslib_sym(h, &a->error, "sqlite3_column_text", &a->column_text);
  syslib_sym(h, &a->error, "sqlite3_finalize", &a->finalize);
  return a;
}
static ZlibApi *zlib_api(void) {
  ZlibApi *a = &g_zlib;
  if (a->loaded) return a;
  a->loaded = 1;
  void *h = syslib_open(SYSLIB_ZLIB, &a->error);
  if (h) syslib_sym(h, &a->error, "crc32", &a->crc32);
  return a;
}
static CryptoApi *crypto_api(void) {
  CryptoApi *a = &g_crypto;
  if (a->loaded) return a;
  a->loaded = 1;
  void *h = syslib_open(SYSLIB_CRYPTO, &a->error);
  if (!h) return a;
  syslib_sym(h, &a->error, "EVP_MD_CTX_new", &a->md_ctx_new);
  syslib_sym(h, &a->error, "EVP_MD_CTX_free", &a->md_ctx_free);
  syslib_sym(h, &a->error, "EVP_sha256", &a->sha256);
  syslib_sym(h, &a->error, "EVP_DigestInit_ex", &a->digest_init_ex);
  syslib_sym(h, &a->error, "EVP_DigestUpdate", &a->digest_update);
  syslib_sym(h, &a->error, "EVP_DigestFinal_ex", &a->digest_final_ex);
  if (!a->error) a->md = a->sha256();
  return a;
}

/* SHA-256 of one message the way the row's C sequence does it (new, init, update, final, free);
 * 1 on success. Both addons call this, so they run the same C as ffast's five calls. */
static int syslib_sha256(CryptoApi *a, const void *msg, size_t len, unsigned char out[32]) {
  void *ctx = a->md_ctx_new();
  if (!ctx) return 0;
  unsigned int n = 0;
  int ok = a->digest_init_ex(ctx, a->md, NULL) == 1 && a->digest_update(ctx, msg, len) == 1 &&
           a->digest_final_ex(ctx, out, &n) == 1 && n == 32;
  a->md_ctx_free(ctx);
  return ok;
}
#endif
