/* Plain N-API addon calling benchlib's C functions: the "ordinary addon" baseline.
 * One build for all Node lines:
 *   gcc -O2 -fPIC -shared -DNAPI_VERSION=8 -I/usr/include/node bench/baselines/napi.c \
 *       -Ltarget/bench -lbenchlib -Wl,-rpath,'$ORIGIN' -o target/bench/napi.node
 * Representations match fastapi.cc: pointer args as Numbers, pointer/u64 results as doubles,
 * strings copied as UTF-8 into a NUL-terminated stack buffer, Uint8Array via napi_get_typedarray_info. */
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../native/benchlib.h"

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

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor d[] = {
#define F(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_enumerable, NULL}
      F("noop", N_noop),   F("i32_0", N_i32_0),     F("i32_1", N_i32_1),     F("i32_2", N_i32_2),
      F("i32_3", N_i32_3), F("i32_6", N_i32_6),     F("i32_8", N_i32_8),     F("f64_2", N_f64_2),
      F("f32_2", N_f32_2), F("mixed", N_mixed),     F("ptr_arg", N_ptr_arg), F("ptr_ret", N_ptr_ret),
      F("u64_ret", N_u64_ret), F("c_strlen", N_strlen), F("sum64", N_sum64), F("ptrOf", N_ptrOf),
      F("i32_1_async", N_i32_1_async),
      F("cb_sum", N_cb_sum), F("qsort_i32", N_qsort_i32),
#undef F
  };
  napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d);
  return exports;
}
