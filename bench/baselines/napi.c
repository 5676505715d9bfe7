/* Plain N-API addon calling benchlib's C functions: the "ordinary addon" baseline.
 * One build for all Node lines:
 *   gcc -O2 -fPIC -shared -DNAPI_VERSION=8 -I/usr/include/node bench/baselines/napi.c \
 *       -Ltarget/bench -lbenchlib -Wl,-rpath,'$ORIGIN' -o target/bench/napi.node
 * Representations match fastapi.cc: pointer args as Numbers, pointer/u64 results as doubles,
 * strings copied as UTF-8 into a NUL-terminated stack buffer, Uint8Array via napi_get_typedarray_info.
 * The whole-task rows' libraries (sqlite3, zlib, libcrypto) are opened at run time: syslibs.h. */
#include <errno.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../native/benchlib.h"
#include "syslibs.h"

#define ARGS(n)                                                      \
  size_t argc = (n);                                                 \
  napi_value argv[(n) > 0 ? (n) : 1];                                \
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) \
    return NULL;                                                     \
  if (argc < (n)) {                                                  \
    napi_throw_type_error(env, NULL, "wrong argument count");        \
    return NULL;                                                     \
  }

static int32_t I32(napi_env env, napi_value v) {
  int32_t r = 0;
  if (napi_get_value_int32(env, v, &r) != napi_ok) napi_throw_type_error(env, NULL, "expected a number");
  return r;
}
static double F64(napi_env env, napi_value v) {
  double r = 0;
  if (napi_get_value_double(env, v, &r) != napi_ok) napi_throw_type_error(env, NULL, "expected a number");
  return r;
}
static uint64_t U64(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_bigint) {
    uint64_t r = 0;
    bool lossless;
    napi_get_value_bigint_uint64(env, v, &r, &lossless);
    return r;
  }
  int64_t r = 0;
  if (napi_get_value_int64(env, v, &r) != napi_ok) napi_throw_type_error(env, NULL, "expected a number");
  return (uint64_t)r;
}
static napi_value RI32(napi_env env, int32_t x) {
  napi_value r;
  napi_create_int32(env, x, &r);
  return r;
}
static napi_value RU32(napi_env env, uint32_t x) {
  napi_value r;
  napi_create_uint32(env, x, &r);
  return r;
}
static napi_value RF64(napi_env env, double x) {
  napi_value r;
  napi_create_double(env, x, &r);
  return r;
}

static napi_value N_noop(napi_env env, napi_callback_info info) {
  noop();
  return NULL;
}
static napi_value N_i32_0(napi_env env, napi_callback_info info) { return RI32(env, i32_0()); }
static napi_value N_i32_1(napi_env env, napi_callback_info info) {
  ARGS(1);
  return RI32(env, i32_1(I32(env, argv[0])));
}
static napi_value N_i32_2(napi_env env, napi_callback_info info) {
  ARGS(2);
  return RI32(env, i32_2(I32(env, argv[0]), I32(env, argv[1])));
}
static napi_value N_i32_3(napi_env env, napi_callback_info info) {
  ARGS(3);
  return RI32(env, i32_3(I32(env, argv[0]), I32(env, argv[1]), I32(env, argv[2])));
}
static napi_value N_i32_6(napi_env env, napi_callback_info info) {
  ARGS(6);
  return RI32(env, i32_6(I32(env, argv[0]), I32(env, argv[1]), I32(env, argv[2]), I32(env, argv[3]),
                         I32(env, argv[4]), I32(env, argv[5])));
}
static napi_value N_i32_8(napi_env env, napi_callback_info info) {
  ARGS(8);
  return RI32(env, i32_8(I32(env, argv[0]), I32(env, argv[1]), I32(env, argv[2]), I32(env, argv[3]),
                         I32(env, argv[4]), I32(env, argv[5]), I32(env, argv[6]), I32(env, argv[7])));
}
static napi_value N_f64_2(napi_env env, napi_callback_info info) {
  ARGS(2);
  return RF64(env, f64_2(F64(env, argv[0]), F64(env, argv[1])));
}
static napi_value N_f32_2(napi_env env, napi_callback_info info) {
  ARGS(2);
  return RF64(env, (double)f32_2((float)F64(env, argv[0]), (float)F64(env, argv[1])));
}
static napi_value N_mixed(napi_env env, napi_callback_info info) {
  ARGS(4);
  return RF64(env, mixed(I32(env, argv[0]), F64(env, argv[1]), I32(env, argv[2]), F64(env, argv[3])));
}
static napi_value N_ptr_arg(napi_env env, napi_callback_info info) {
  ARGS(1);
  return RU32(env, ptr_arg((const void *)(uintptr_t)U64(env, argv[0])));
}
static napi_value N_ptr_ret(napi_env env, napi_callback_info info) {
  return RF64(env, (double)(uintptr_t)ptr_ret());
}
static napi_value N_u64_ret(napi_env env, napi_callback_info info) {
  return RF64(env, (double)u64_ret());
}
static napi_value N_strlen(napi_env env, napi_callback_info info) {
  ARGS(1);
  char stack[256];
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[0], stack, sizeof(stack), &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a string");
    return NULL;
  }
  if (len < sizeof(stack) - 1) return RU32(env, (uint32_t)c_strlen(stack));
  /* long string: measure, then copy into a heap buffer */
  napi_get_value_string_utf8(env, argv[0], NULL, 0, &len);
  char *buf = malloc(len + 1);
  napi_get_value_string_utf8(env, argv[0], buf, len + 1, &len);
  uint32_t r = (uint32_t)c_strlen(buf);
  free(buf);
  return RU32(env, r);
}
static const uint8_t *ViewData(napi_env env, napi_value v) {
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  if (!is_ta) {
    napi_throw_type_error(env, NULL, "expected a TypedArray");
    return NULL;
  }
  void *data = NULL;
  napi_get_typedarray_info(env, v, NULL, NULL, &data, NULL, NULL);
  return (const uint8_t *)data;
}
static napi_value N_sum64(napi_env env, napi_callback_info info) {
  ARGS(1);
  napi_typedarray_type type;
  size_t length;
  void *data = NULL;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a Uint8Array");
    return NULL;
  }
  return RU32(env, sum64((const uint8_t *)data));
}
static napi_value N_ptrOf(napi_env env, napi_callback_info info) {
  ARGS(1);
  const uint8_t *p = ViewData(env, argv[0]);
  return p ? RF64(env, (double)(uintptr_t)p) : NULL;
}

/* i32_1 on the libuv pool: the "async round trip" baseline (what an addon author writes with
 * napi_async_work): convert on the JS thread, call on a pool thread, settle a Promise. */
typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  int32_t a, r;
} I32Job;
static void I32JobRun(napi_env env, void *data) {
  I32Job *j = data;
  j->r = i32_1(j->a);
}
static void I32JobDone(napi_env env, napi_status status, void *data) {
  I32Job *j = data;
  napi_value v;
  if (status == napi_ok) {
    napi_create_int32(env, j->r, &v);
    napi_resolve_deferred(env, j->deferred, v);
  } else {
    napi_value msg;
    napi_create_string_utf8(env, "cancelled", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &v);
    napi_reject_deferred(env, j->deferred, v);
  }
  napi_delete_async_work(env, j->work);
  free(j);
}
static napi_value N_i32_1_async(napi_env env, napi_callback_info info) {
  ARGS(1);
  I32Job *j = malloc(sizeof *j);
  if (!j) return NULL;
  j->a = I32(env, argv[0]);
  napi_value promise, name;
  napi_create_promise(env, &j->deferred, &promise);
  napi_create_string_utf8(env, "i32_1_async", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, I32JobRun, I32JobDone, j, &j->work);
  napi_queue_async_work(env, j->work);
  return promise;
}

/* Callback rows: the JS function is called from C with napi_call_function, one handle scope per
 * call (what a hand-written addon does; without it 10^6 calls would pile up handles). The env and
 * function are valid for the duration of the outer call. */
static napi_env cb_env;
static napi_value cb_fn;
static int32_t call_i32(int32_t x) {
  napi_handle_scope scope;
  napi_open_handle_scope(cb_env, &scope);
  napi_value arg, undef, r;
  int32_t v = 0;
  napi_create_int32(cb_env, x, &arg);
  napi_get_undefined(cb_env, &undef);
  if (napi_call_function(cb_env, undef, cb_fn, 1, &arg, &r) == napi_ok) napi_get_value_int32(cb_env, r, &v);
  napi_close_handle_scope(cb_env, scope);
  return v;
}
static napi_value N_cb_sum(napi_env env, napi_callback_info info) {
  ARGS(2);
  napi_env saved_env = cb_env;
  napi_value saved_fn = cb_fn;
  cb_env = env;
  cb_fn = argv[0];
  int32_t r = cb_sum(call_i32, I32(env, argv[1]));
  cb_env = saved_env;
  cb_fn = saved_fn;
  return RI32(env, r);
}
/* The comparator gets the two int32 values (a hand-written addon knows the element type). */
static int compare_js(const void *a, const void *b) {
  napi_handle_scope scope;
  napi_open_handle_scope(cb_env, &scope);
  napi_value args[2], undef, r;
  int32_t v = 0;
  napi_create_int32(cb_env, *(const int32_t *)a, &args[0]);
  napi_create_int32(cb_env, *(const int32_t *)b, &args[1]);
  napi_get_undefined(cb_env, &undef);
  if (napi_call_function(cb_env, undef, cb_fn, 2, args, &r) == napi_ok) napi_get_value_int32(cb_env, r, &v);
  napi_close_handle_scope(cb_env, scope);
  return v;
}
static napi_value N_qsort_i32(napi_env env, napi_callback_info info) {
  ARGS(2);
  napi_typedarray_type type;
  size_t length;
  void *data = NULL;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_int32_array) {
    napi_throw_type_error(env, NULL, "expected an Int32Array");
    return NULL;
  }
  napi_env saved_env = cb_env;
  napi_value saved_fn = cb_fn;
  cb_env = env;
  cb_fn = argv[1];
  qsort_i32((int32_t *)data, length, compare_js);
  cb_env = saved_env;
  cb_fn = saved_fn;
  return NULL;
}

/* ---- Rows of the "slow corners" (issue 13 scope 6) ------------------------------------------------ */
/* A typed array's data pointer into *data (NULL for an empty one); false after throwing when v is
 * not a typed array. */
static bool TypedData(napi_env env, napi_value v, void *data) {
  if (napi_get_typedarray_info(env, v, NULL, NULL, (void **)data, NULL, NULL) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a TypedArray");
    return false;
  }
  return true;
}
/* A JS string as NUL-terminated UTF-8: into `stack` when it fits, else into a malloc'd buffer
 * (*heap, freed by the caller). NULL after throwing. */
static char *Utf8Arg(napi_env env, napi_value v, char *stack, size_t cap, char **heap) {
  size_t len = 0;
  *heap = NULL;
  if (napi_get_value_string_utf8(env, v, stack, cap, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a string");
    return NULL;
  }
  if (len < cap - 1) return stack;
  napi_get_value_string_utf8(env, v, NULL, 0, &len);
  *heap = malloc(len + 1);
  if (!*heap) return NULL;
  napi_get_value_string_utf8(env, v, *heap, len + 1, &len);
  return *heap;
}
/* str_ret: the C string becomes a JS string with napi_create_string_utf8. */
static napi_value N_str_ret(napi_env env, napi_callback_info info) {
  ARGS(1);
  napi_value r;
  napi_create_string_utf8(env, str_ret(I32(env, argv[0])), NAPI_AUTO_LENGTH, &r);
  return r;
}
/* ptr_null: the pointer argument as the addon's NULL, 0. */
static napi_value N_ptr_null(napi_env env, napi_callback_info info) {
  ARGS(2);
  return RI32(env, ptr_null((const void *)(uintptr_t)U64(env, argv[0]), I32(env, argv[1])));
}
/* out_ptr: open_thing(name, out) with `out` a BigUint64Array(1) that receives the handle. */
static napi_value N_open_thing(napi_env env, napi_callback_info info) {
  ARGS(2);
  char stack[256], *heap;
  const char *name = Utf8Arg(env, argv[0], stack, sizeof stack, &heap);
  void **out = NULL;
  if (!name || !TypedData(env, argv[1], &out)) { free(heap); return NULL; }
  int32_t r = open_thing(name, out);
  free(heap);
  return RI32(env, r);
}
/* errno: the call, then errno saved right after it (what ffast's errno: true does); get_errno
 * reads the saved value. maybe_fail: the same call without capture. */
static int g_errno;
static napi_value N_maybe_fail(napi_env env, napi_callback_info info) {
  ARGS(1);
  return RI32(env, maybe_fail(I32(env, argv[0])));
}
static napi_value N_maybe_fail_errno(napi_env env, napi_callback_info info) {
  ARGS(1);
  int32_t v = I32(env, argv[0]);
  int32_t r = maybe_fail(v);
  g_errno = errno;
  return RI32(env, r);
}
static napi_value N_get_errno(napi_env env, napi_callback_info info) { return RI32(env, g_errno); }
/* variadic: bl_snprintf(buf, n, fmt, int, double, string), the C compiler doing the variadic call. */
static napi_value N_bl_snprintf(napi_env env, napi_callback_info info) {
  ARGS(6);
  char fstack[64], sstack[256], *fheap, *sheap;
  char *buf = NULL;
  if (!TypedData(env, argv[0], &buf)) return NULL;
  uint32_t n = (uint32_t)I32(env, argv[1]);
  const char *fmt = Utf8Arg(env, argv[2], fstack, sizeof fstack, &fheap);
  int32_t a = I32(env, argv[3]);
  double d = F64(env, argv[4]);
  const char *str = Utf8Arg(env, argv[5], sstack, sizeof sstack, &sheap);
  int32_t r = fmt && str ? bl_snprintf(buf, n, fmt, a, d, str) : 0;
  free(fheap);
  free(sheap);
  return RI32(env, r);
}

/* Whole-task rows on Debian's libraries (syslibs.h). syslib(name): undefined when the library
 * loaded, else the reason (a string) — the harness checks it before using the functions below. */
static napi_value N_syslib(napi_env env, napi_callback_info info) {
  ARGS(1);
  char name[16];
  size_t len = 0;
  napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len);
  const char *err = !strcmp(name, "sqlite") ? sqlite_api()->error
                    : !strcmp(name, "zlib") ? zlib_api()->error
                    : !strcmp(name, "crypto") ? crypto_api()->error
                                              : "unknown library";
  if (!err) return NULL;
  napi_value r;
  napi_create_string_utf8(env, err, NAPI_AUTO_LENGTH, &r);
  return r;
}
/* crc32(crc, buf, len): zlib's crc32 over a typed array's bytes. */
static napi_value N_crc32(napi_env env, napi_callback_info info) {
  ARGS(3);
  uint32_t crc = (uint32_t)I32(env, argv[0]);
  const unsigned char *buf = NULL;
  if (!TypedData(env, argv[1], &buf)) return NULL;
  uint32_t len = (uint32_t)I32(env, argv[2]);
  return RU32(env, (uint32_t)zlib_api()->crc32(crc, buf, len));
}
/* sha256_64(msg, out): the row's whole C sequence (EVP_MD_CTX_new, DigestInit_ex, Update of 64
 * bytes, Final_ex, free) in one call; returns 1 on success. */
static napi_value N_sha256_64(napi_env env, napi_callback_info info) {
  ARGS(2);
  const void *msg = NULL;
  unsigned char *out = NULL;
  if (!TypedData(env, argv[0], &msg) || !TypedData(env, argv[1], &out)) return NULL;
  return RI32(env, syslib_sha256(crypto_api(), msg, 64, out));
}
/* sqlite3: one N-API function per C function the task calls, so the JS task code is the same as
 * ffast's (bench/node/corners.js). Handles are Numbers or BigInts in, out-parameters are
 * BigUint64Array(1), column_text returns a string (napi_create_string_utf8) or null. */
#define H(v) ((void *)(uintptr_t)U64(env, (v)))
static napi_value N_sqlite3_open(napi_env env, napi_callback_info info) {
  ARGS(2);
  char stack[256], *heap;
  const char *name = Utf8Arg(env, argv[0], stack, sizeof stack, &heap);
  void **out = NULL;
  int32_t r = name && TypedData(env, argv[1], &out) ? sqlite_api()->open(name, out) : -1;
  free(heap);
  return RI32(env, r);
}
static napi_value N_sqlite3_close(napi_env env, napi_callback_info info) {
  ARGS(1);
  return RI32(env, sqlite_api()->close(H(argv[0])));
}
static napi_value N_sqlite3_exec(napi_env env, napi_callback_info info) {
  ARGS(2); /* (db, sql, null, null, null): no callback, no error message */
  char stack[256], *heap;
  const char *sql = Utf8Arg(env, argv[1], stack, sizeof stack, &heap);
  int32_t r = sql ? sqlite_api()->exec(H(argv[0]), sql, NULL, NULL, NULL) : -1;
  free(heap);
  return RI32(env, r);
}
static napi_value N_sqlite3_prepare_v2(napi_env env, napi_callback_info info) {
  ARGS(4); /* (db, sql, nbyte, out, null) */
  char stack[256], *heap;
  const char *sql = Utf8Arg(env, argv[1], stack, sizeof stack, &heap);
  void **out = NULL;
  int32_t r = sql && TypedData(env, argv[3], &out) ? sqlite_api()->prepare_v2(H(argv[0]), sql, I32(env, argv[2]), out, NULL) : -1;
  free(heap);
  return RI32(env, r);
}
static napi_value N_sqlite3_bind_int(napi_env env, napi_callback_info info) {
  ARGS(3);
  return RI32(env, sqlite_api()->bind_int(H(argv[0]), I32(env, argv[1]), I32(env, argv[2])));
}
static napi_value N_sqlite3_bind_text(napi_env env, napi_callback_info info) {
  ARGS(3); /* (stmt, i, text, -1, SQLITE_TRANSIENT): sqlite copies the text */
  char stack[256], *heap;
  const char *text = Utf8Arg(env, argv[2], stack, sizeof stack, &heap);
  int32_t r = text ? sqlite_api()->bind_text(H(argv[0]), I32(env, argv[1]), text, -1, (void (*)(void *))(intptr_t)-1) : -1;
  free(heap);
  return RI32(env, r);
}
static napi_value N_sqlite3_step(napi_env env, napi_callback_info info) {
  ARGS(1);
  return RI32(env, sqlite_api()->step(H(argv[0])));
}
static napi_value N_sqlite3_reset(napi_env env, napi_callback_info info) {
  ARGS(1);
  return RI32(env, sqlite_api()->reset(H(argv[0])));
}
static napi_value N_sqlite3_column_int(napi_env env, napi_callback_info info) {
  ARGS(2);
  return RI32(env, sqlite_api()->column_int(H(argv[0]), I32(env, argv[1])));
}
static napi_value N_sqlite3_column_text(napi_env env, napi_callback_info info) {
  ARGS(2);
  const unsigned char *t = sqlite_api()->column_text(H(argv[0]), I32(env, argv[1]));
  napi_value r;
  if (!t) napi_get_null(env, &r);
  else napi_create_string_utf8(env, (const char *)t, NAPI_AUTO_LENGTH, &r);
  return r;
}
static napi_value N_sqlite3_finalize(napi_env env, napi_callback_info info) {
  ARGS(1);
  return RI32(env, sqlite_api()->finalize(H(argv[0])));
}
#undef H

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor d[] = {
#define F(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_enumerable, NULL}
      F("noop", N_noop),   F("i32_0", N_i32_0),     F("i32_1", N_i32_1),     F("i32_2", N_i32_2),
      F("i32_3", N_i32_3), F("i32_6", N_i32_6),     F("i32_8", N_i32_8),     F("f64_2", N_f64_2),
      F("f32_2", N_f32_2), F("mixed", N_mixed),     F("ptr_arg", N_ptr_arg), F("ptr_ret", N_ptr_ret),
      F("u64_ret", N_u64_ret), F("c_strlen", N_strlen), F("sum64", N_sum64), F("ptrOf", N_ptrOf),
      F("i32_1_async", N_i32_1_async),
      F("cb_sum", N_cb_sum), F("qsort_i32", N_qsort_i32),
      F("str_ret", N_str_ret), F("ptr_null", N_ptr_null), F("open_thing", N_open_thing), F("maybe_fail", N_maybe_fail),
      F("maybe_fail_errno", N_maybe_fail_errno), F("get_errno", N_get_errno),
      F("bl_snprintf", N_bl_snprintf), F("syslib", N_syslib), F("crc32", N_crc32),
      F("sha256_64", N_sha256_64), F("sqlite3_open", N_sqlite3_open),
      F("sqlite3_close", N_sqlite3_close), F("sqlite3_exec", N_sqlite3_exec),
      F("sqlite3_prepare_v2", N_sqlite3_prepare_v2), F("sqlite3_bind_int", N_sqlite3_bind_int),
      F("sqlite3_bind_text", N_sqlite3_bind_text), F("sqlite3_step", N_sqlite3_step),
      F("sqlite3_reset", N_sqlite3_reset), F("sqlite3_column_int", N_sqlite3_column_int),
      F("sqlite3_column_text", N_sqlite3_column_text), F("sqlite3_finalize", N_sqlite3_finalize),
#undef F
  };
  napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d);
  return exports;
}
