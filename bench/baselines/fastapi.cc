// Hand-written V8 fast-API addon: the speed floor for calling benchlib's C functions from Node.
//
// Node ships no v8-fast-api-calls.h, so CTypeInfo / CFunctionInfo / CFunction are declared here with
// the per-line layouts of /work/shared/docs/v8-fast-api.md:
//   * CTypeInfo: {type, sequence_type, flags} (3 bytes) on V8 11-13, {type, flags} (2 bytes) on 14.
//   * CFunctionInfo ctor: 3 params on V8 11 (Node 20), 4 params (+Int64Representation) on 12+.
// Every function gets a FunctionTemplate with a fast C++ target that calls the C function directly and a
// correct slow callback (which also bumps a counter, exposed as slowCalls(), to prove the fast path).
//
// Build (once per Node line):
//   g++ -std=gnu++20 -O2 -fPIC -shared -I<node>/include/node bench/baselines/fastapi.cc \
//       -Ltarget/bench -lbenchlib -Wl,-rpath,'$ORIGIN' -o target/bench/fastapi-node<major>.node
#include <node.h>
#include <v8.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "../native/benchlib.h"
#include "syslibs.h"

// Phase sweep only (bench/node/phase.sh): -DFASTAPI_NOPS=k puts k one-byte NOPs at the start of
// every fast target, shifting the instruction count of the loop iteration without changing what
// runs. The normal build defines nothing and is unchanged.
#if defined(FASTAPI_NOPS) && FASTAPI_NOPS > 0
#define FASTAPI_STR2(x) #x
#define FASTAPI_STR(x) FASTAPI_STR2(x)
#define PAD() __asm__ volatile(".rept " FASTAPI_STR(FASTAPI_NOPS) "\n nop\n .endr")
#else
#define PAD() ((void)0)
#endif

// ---------------------------------------------------------------------------------------------------
// Hand declarations of the fast-API classes (layouts per Node line).
namespace v8 {

class CTypeInfo {
 public:
  enum class Type : uint8_t {
    kVoid, kBool, kUint8, kInt32, kUint32, kInt64, kUint64, kFloat32, kFloat64, kPointer,
    kV8Value, kSeqOneByteString, kApiObject, kAny,
  };
  // Numbering of V8 <= 13.0 (Node 20/22). kIsTypedArray is only used on V8 < 13.
  enum class SequenceType : uint8_t { kScalar = 0, kIsSequence = 1, kIsTypedArray = 2 };
  enum class Flags : uint8_t { kNone = 0 };
  static constexpr uint8_t kCallbackOptionsType = 255;

  constexpr explicit CTypeInfo(Type type, SequenceType seq = SequenceType::kScalar,
                               Flags flags = Flags::kNone)
      : type_(type),
#if V8_MAJOR_VERSION < 14
        sequence_type_(seq),
#endif
        flags_(flags) {
    (void)seq;
  }

 private:
  Type type_;
#if V8_MAJOR_VERSION < 14
  SequenceType sequence_type_;
#endif
  Flags flags_;
};

class V8_EXPORT CFunctionInfo {
 public:
#if V8_MAJOR_VERSION >= 12
  enum class Int64Representation : uint8_t { kNumber = 0, kBigInt = 1 };
  CFunctionInfo(const CTypeInfo& return_info, unsigned int arg_count, const CTypeInfo* arg_info,
                Int64Representation repr);
#else
  CFunctionInfo(const CTypeInfo& return_info, unsigned int arg_count, const CTypeInfo* arg_info);
#endif

 private:
  const CTypeInfo return_info_;
#if V8_MAJOR_VERSION >= 12
  const Int64Representation repr_;
#endif
  const unsigned int arg_count_;
  const CTypeInfo* arg_info_;
};

class V8_EXPORT CFunction {
 public:
  CFunction(const void* address, const CFunctionInfo* type_info);

 private:
  const void* address_;
  const CFunctionInfo* type_info_;
};

}  // namespace v8

#if V8_MAJOR_VERSION < 14
static_assert(sizeof(v8::CTypeInfo) == 3, "CTypeInfo must be 3 bytes on V8 < 14");
#else
static_assert(sizeof(v8::CTypeInfo) == 2, "CTypeInfo must be 2 bytes on V8 14");
#endif
static_assert(sizeof(v8::CFunctionInfo) == 16, "CFunctionInfo size");
static_assert(sizeof(v8::CFunction) == 16, "CFunction size");

// Argument structs passed by reference (pointer) to the fast target.
struct FastOneByteString {  // kSeqOneByteString; data is NOT NUL-terminated
  const char* data;
  uint32_t length;
};
#if V8_MAJOR_VERSION < 13
struct FastTypedArrayU8 {  // FastApiTypedArray<uint8_t>: {size_t length_; T* data_;}
  size_t length;
  uint8_t* data;
};
struct FastTypedArrayU64 {  // FastApiTypedArray<uint64_t>
  size_t length;
  uint64_t* data;
};
#endif

using namespace v8;
using T = CTypeInfo::Type;

// ---------------------------------------------------------------------------------------------------
static uint64_t g_slow_calls = 0;  // bumped by every slow callback (never by fast targets)

static inline int32_t ArgI32(const FunctionCallbackInfo<Value>& info, int i) {
  Local<Value> v = info[i];
  if (v->IsInt32()) return v.As<Int32>()->Value();
  return v->Int32Value(info.GetIsolate()->GetCurrentContext()).FromMaybe(0);
}
static inline double ArgF64(const FunctionCallbackInfo<Value>& info, int i) {
  Local<Value> v = info[i];
  if (v->IsNumber()) return v.As<Number>()->Value();
  return v->NumberValue(info.GetIsolate()->GetCurrentContext()).FromMaybe(NAN);
}
static inline uint64_t ArgU64(const FunctionCallbackInfo<Value>& info, int i) {
  Local<Value> v = info[i];
  if (v->IsBigInt()) return v.As<BigInt>()->Uint64Value();
  double d = ArgF64(info, i);
  if (!(d == d)) return 0;
  return d < 0 ? (uint64_t)(int64_t)d : (uint64_t)d;
}

// ---- noop ----
static void S_noop(const FunctionCallbackInfo<Value>& info) { g_slow_calls++; noop(); }
static void F_noop(Local<Value>) { PAD(); noop(); }
// ---- i32_N ----
static void S_i32_0(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  info.GetReturnValue().Set(i32_0());
}
static int32_t F_i32_0(Local<Value>) { PAD(); return i32_0(); }
static void S_i32_1(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  info.GetReturnValue().Set(i32_1(ArgI32(info, 0)));
}
static int32_t F_i32_1(Local<Value>, int32_t a) { PAD(); return i32_1(a); }
static void S_i32_2(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  info.GetReturnValue().Set(i32_2(ArgI32(info, 0), ArgI32(info, 1)));
}
static int32_t F_i32_2(Local<Value>, int32_t a, int32_t b) { PAD(); return i32_2(a, b); }
static void S_i32_3(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  info.GetReturnValue().Set(i32_3(ArgI32(info, 0), ArgI32(info, 1), ArgI32(info, 2)));
}
static int32_t F_i32_3(Local<Value>, int32_t a, int32_t b, int32_t c) { PAD(); return i32_3(a, b, c); }
static void S_i32_6(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  info.GetReturnValue().Set(i32_6(ArgI32(info, 0), ArgI32(info, 1), ArgI32(info, 2), ArgI32(info, 3),
                                  ArgI32(info, 4), ArgI32(info, 5)));
}
static int32_t F_i32_6(Local<Value>, int32_t a, int32_t b, int32_t c, int32_t d, int32_t e,
                       int32_t f) {
  PAD();
  return i32_6(a, b, c, d, e, f);
}
static void S_i32_8(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  info.GetReturnValue().Set(i32_8(ArgI32(info, 0), ArgI32(info, 1), ArgI32(info, 2), ArgI32(info, 3),
                                  ArgI32(info, 4), ArgI32(info, 5), ArgI32(info, 6),
                                  ArgI32(info, 7)));
}
static int32_t F_i32_8(Local<Value>, int32_t a, int32_t b, int32_t c, int32_t d, int32_t e,
                       int32_t f, int32_t g, int32_t h) {
  PAD();
  return i32_8(a, b, c, d, e, f, g, h);
}
// ---- floating point ----
static void S_f64_2(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  info.GetReturnValue().Set(f64_2(ArgF64(info, 0), ArgF64(info, 1)));
}
static double F_f64_2(Local<Value>, double a, double b) { PAD(); return f64_2(a, b); }
static void S_f32_2(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  info.GetReturnValue().Set((double)f32_2((float)ArgF64(info, 0), (float)ArgF64(info, 1)));
}
static float F_f32_2(Local<Value>, float a, float b) { PAD(); return f32_2(a, b); }
static void S_mixed(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  info.GetReturnValue().Set(mixed(ArgI32(info, 0), ArgF64(info, 1), ArgI32(info, 2), ArgF64(info, 3)));
}
static double F_mixed(Local<Value>, int32_t a, double b, int32_t c, double d) {
  PAD();
  return mixed(a, b, c, d);
}
// ---- pointers / 64-bit: pointer args are uint64 Numbers, 64-bit results returned as double ----
static void S_ptr_arg(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  info.GetReturnValue().Set(ptr_arg((const void*)(uintptr_t)ArgU64(info, 0)));
}
static uint32_t F_ptr_arg(Local<Value>, uint64_t p) { PAD(); return ptr_arg((const void*)(uintptr_t)p); }
static void S_ptr_ret(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  info.GetReturnValue().Set((double)(uintptr_t)ptr_ret());
}
static double F_ptr_ret(Local<Value>) { PAD(); return (double)(uintptr_t)ptr_ret(); }
static void S_u64_ret(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  info.GetReturnValue().Set((double)u64_ret());
}
static double F_u64_ret(Local<Value>) { PAD(); return (double)u64_ret(); }
// ---- strings: copy into a NUL-terminated stack buffer ----
static uint32_t StrlenCopy(const char* data, size_t len) {
  char stack[256];
  char* buf = len < sizeof(stack) ? stack : (char*)malloc(len + 1);
  memcpy(buf, data, len);
  buf[len] = 0;
  uint32_t r = (uint32_t)c_strlen(buf);
  if (buf != stack) free(buf);
  return r;
}
static void S_strlen(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  Isolate* isolate = info.GetIsolate();
  String::Utf8Value s(isolate, info[0]);
  info.GetReturnValue().Set(*s ? StrlenCopy(*s, s.length()) : 0u);
}
static uint32_t F_strlen(Local<Value>, const FastOneByteString& s) {
  PAD();
  return StrlenCopy(s.data, s.length);
}
// ---- typed arrays ----
static const uint8_t* ViewData(Local<Value> v) {
  Local<ArrayBufferView> view = v.As<ArrayBufferView>();
  return (const uint8_t*)view->Buffer()->Data() + view->ByteOffset();
}
static void S_sum64(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  if (!info[0]->IsArrayBufferView()) {
    info.GetIsolate()->ThrowException(Exception::TypeError(
        String::NewFromUtf8Literal(info.GetIsolate(), "sum64: expected a Uint8Array")));
    return;
  }
  info.GetReturnValue().Set(sum64(ViewData(info[0])));
}
#if V8_MAJOR_VERSION < 13
static uint32_t F_sum64(Local<Value>, const FastTypedArrayU8& a) { PAD(); return sum64(a.data); }
#else
static uint32_t F_sum64(Local<Value>, Local<Value> v) {
  PAD();
  HandleScope scope(Isolate::GetCurrent());
  return sum64(ViewData(v));
}
// Alternative (not used by the benchmark rows; exported as sum64_getcontents for comparison):
// ArrayBufferView::GetContents needs no handle, hence no HandleScope/isolate lookup.
static uint32_t F_sum64_gc(Local<Value>, Local<Value> v) {
  PAD();
  uint8_t storage[64];
  MemorySpan<uint8_t> span = v.As<ArrayBufferView>()->GetContents(MemorySpan<uint8_t>(storage, 64));
  return sum64(span.data());
}
#endif

// ---------------------------------------------------------------------------------------------------
// Rows of the "slow corners" (issue 13 scope 6).
//
// Typed-array arguments: FastApiTypedArray<T> on V8 < 13 (Node 20/22), a Local<Value> read with
// ViewData on V8 >= 13 (as sum64 above). TA(T) is the argument's C++ type, TA_DATA(a) its data.
#if V8_MAJOR_VERSION < 13
#define TA_U8 const FastTypedArrayU8&
#define TA_U64 const FastTypedArrayU64&
#define TA_DATA(a) ((void*)(a).data)
#define TA_SCOPE() ((void)0)
#else
#define TA_U8 Local<Value>
#define TA_U64 Local<Value>
#define TA_DATA(a) ((void*)ViewData(a))
#define TA_SCOPE() HandleScope scope(Isolate::GetCurrent())
#endif
// A fast one-byte string as a NUL-terminated C string in `stack` (or a malloc'd copy, freed by the
// caller through *heap when it does not fit).
static const char* CStr(const FastOneByteString& s, char* stack, size_t cap, char** heap) {
  char* buf = s.length < cap ? stack : (char*)malloc(s.length + 1);
  *heap = buf == stack ? nullptr : buf;
  memcpy(buf, s.data, s.length);
  buf[s.length] = 0;
  return buf;
}

// ---- str_ret: the baseline is a regular V8 callback (a fast call cannot return a string): the
// C string becomes a JS string with String::NewFromUtf8. Not counted in slowCalls (no fast path).
static void S_str_ret(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  info.GetReturnValue().Set(String::NewFromUtf8(isolate, str_ret(ArgI32(info, 0))).ToLocalChecked());
}
// ---- ptr_bigint: ptr_arg registered with Int64Representation::kBigInt (V8 >= 12), so a BigInt
// argument takes the fast path; V8 11 (Node 20) has no BigInt representation: its fast path
// takes Numbers only and a BigInt goes to the slow callback (which reads BigInts).
// ---- ptr_null: (pointer, int32) with the pointer given as 0 (a fast uint64 parameter takes no null).
static void S_ptr_null(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  info.GetReturnValue().Set(ptr_null((const void*)(uintptr_t)ArgU64(info, 0), ArgI32(info, 1)));
}
static int32_t F_ptr_null(Local<Value>, uint64_t p, int32_t v) { PAD(); return ptr_null((const void*)(uintptr_t)p, v); }
// ---- out_ptr: open_thing(name, BigUint64Array(1)) as a fast call.
static void S_open_thing(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  String::Utf8Value name(info.GetIsolate(), info[0]);
  if (!*name || !info[1]->IsBigUint64Array()) {
    info.GetIsolate()->ThrowException(Exception::TypeError(
        String::NewFromUtf8Literal(info.GetIsolate(), "open_thing: expected (string, BigUint64Array)")));
    return;
  }
  info.GetReturnValue().Set(open_thing(*name, (void**)ViewData(info[1])));
}
static int32_t F_open_thing(Local<Value>, const FastOneByteString& name, TA_U64 out) {
  PAD();
  TA_SCOPE();
  char stack[256], *heap;
  int32_t r = open_thing(CStr(name, stack, sizeof stack, &heap), (void**)TA_DATA(out));
  free(heap);
  return r;
}
// ---- errno: maybe_fail without capture; maybe_fail_errno saves errno right after the call into
// a thread-local (what ffast's errno: true does), get_errno reads it (both fast calls).
static thread_local int32_t g_errno;
static void S_maybe_fail(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  info.GetReturnValue().Set(maybe_fail(ArgI32(info, 0)));
}
static int32_t F_maybe_fail(Local<Value>, int32_t v) { PAD(); return maybe_fail(v); }
static void S_maybe_fail_errno(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  int32_t v = ArgI32(info, 0);
  int32_t r = maybe_fail(v);
  g_errno = errno;
  info.GetReturnValue().Set(r);
}
static int32_t F_maybe_fail_errno(Local<Value>, int32_t v) {
  PAD();
  int32_t r = maybe_fail(v);
  g_errno = errno;
  return r;
}
static void S_get_errno(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  info.GetReturnValue().Set(g_errno);
}
static int32_t F_get_errno(Local<Value>) { PAD(); return g_errno; }
// ---- variadic: bl_snprintf(buf, n, fmt, int, double, string), the compiler making the variadic
// call (it sets %al).
static void S_bl_snprintf(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  Isolate* isolate = info.GetIsolate();
  String::Utf8Value fmt(isolate, info[2]), s(isolate, info[5]);
  if (!info[0]->IsArrayBufferView() || !*fmt || !*s) {
    isolate->ThrowException(Exception::TypeError(
        String::NewFromUtf8Literal(isolate, "bl_snprintf: expected (Uint8Array, n, string, int, double, string)")));
    return;
  }
  info.GetReturnValue().Set(bl_snprintf((char*)ViewData(info[0]), (size_t)ArgU64(info, 1), *fmt,
                                        ArgI32(info, 3), ArgF64(info, 4), *s));
}
static int32_t F_bl_snprintf(Local<Value>, TA_U8 buf, uint32_t n, const FastOneByteString& fmt,
                             int32_t a, double d, const FastOneByteString& s) {
  PAD();
  TA_SCOPE();
  char fstack[64], sstack[256], *fheap, *sheap;
  const char* f = CStr(fmt, fstack, sizeof fstack, &fheap);
  const char* str = CStr(s, sstack, sizeof sstack, &sheap);
  int32_t r = bl_snprintf((char*)TA_DATA(buf), n, f, a, d, str);
  free(fheap);
  free(sheap);
  return r;
}
// ---- whole-task rows on Debian's libraries (syslibs.h). syslib(name): undefined when the library
// loaded, else why not; the harness checks it before using crc32/sha256_64.
static void SysLib(const FunctionCallbackInfo<Value>& info) {
  String::Utf8Value name(info.GetIsolate(), info[0]);
  const char* n = *name ? *name : "";
  const char* err = !strcmp(n, "sqlite") ? sqlite_api()->error
                    : !strcmp(n, "zlib") ? zlib_api()->error
                    : !strcmp(n, "crypto") ? crypto_api()->error
                                           : "unknown library";
  if (err) info.GetReturnValue().Set(String::NewFromUtf8(info.GetIsolate(), err).ToLocalChecked());
}
static void S_crc32(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  if (!info[1]->IsArrayBufferView()) {
    info.GetIsolate()->ThrowException(Exception::TypeError(
        String::NewFromUtf8Literal(info.GetIsolate(), "crc32: expected a Uint8Array")));
    return;
  }
  info.GetReturnValue().Set((uint32_t)zlib_api()->crc32((uint32_t)ArgU64(info, 0), ViewData(info[1]),
                                                        (uint32_t)ArgU64(info, 2)));
}
#if V8_MAJOR_VERSION < 13
static uint32_t F_crc32(Local<Value>, uint32_t crc, TA_U8 buf, uint32_t len) {
  PAD();
  return (uint32_t)g_zlib.crc32(crc, (const unsigned char*)TA_DATA(buf), len);
}
#else
// A read-only input: ArrayBufferView::GetContents needs no handle scope (the faster route on V8 13+,
// see sum64_getcontents); an on-heap view is copied into `storage` (at most its 64 bytes are read).
static uint32_t F_crc32(Local<Value>, uint32_t crc, Local<Value> v, uint32_t len) {
  PAD();
  uint8_t storage[64];
  MemorySpan<uint8_t> span = v.As<ArrayBufferView>()->GetContents(MemorySpan<uint8_t>(storage, 64));
  return (uint32_t)g_zlib.crc32(crc, span.data(), len <= span.size() ? len : (uint32_t)span.size());
}
#endif
static void S_sha256_64(const FunctionCallbackInfo<Value>& info) {
  g_slow_calls++;
  if (!info[0]->IsArrayBufferView() || !info[1]->IsArrayBufferView()) {
    info.GetIsolate()->ThrowException(Exception::TypeError(
        String::NewFromUtf8Literal(info.GetIsolate(), "sha256_64: expected (Uint8Array, Uint8Array)")));
    return;
  }
  info.GetReturnValue().Set(syslib_sha256(crypto_api(), ViewData(info[0]), 64, (unsigned char*)ViewData(info[1])));
}
static int32_t F_sha256_64(Local<Value>, TA_U8 msg, TA_U8 out) {
  PAD();
  TA_SCOPE();
  return syslib_sha256(&g_crypto, TA_DATA(msg), 64, (unsigned char*)TA_DATA(out));
}

// ---- callback rows (C -> JS): the floor of V8's public embedder entry. A fast call cannot call
// into JS, so cb_sum and qsort_i32 are regular V8 callbacks (not counted in slowCalls: no fast
// path). benchlib's C calls a static trampoline through a plain C function pointer; the trampoline
// calls the JS function the way a skilled addon author would: a HandleScope, a TryCatch and
// Function::Call per call, the result read as an int32 (Int32 directly, else Int32Value). The
// function, receiver and context live in statics for the duration of the outer call (saved and
// restored around it, so a nested call from inside the callback still works).
struct CbState {
  Isolate* isolate;
  Local<Context> ctx;
  Local<Function> fn;
  bool failed;  // an exception was caught: later calls return 0 and the outer call rethrows
  Global<Value>* exception;
};
static CbState* g_cb = nullptr;

static inline int32_t CallJsInt32(int argc, Local<Value>* argv) {
  CbState* st = g_cb;
  if (st->failed) return 0;
  HandleScope scope(st->isolate);
  TryCatch tc(st->isolate);
  Local<Value> r;
  if (!st->fn->Call(st->ctx, Undefined(st->isolate), argc, argv).ToLocal(&r)) {
    st->failed = true;
    if (tc.HasCaught() && tc.CanContinue()) st->exception->Reset(st->isolate, tc.Exception());
    return 0;
  }
  if (r->IsInt32()) return r.As<Int32>()->Value();
  Maybe<int32_t> m = r->Int32Value(st->ctx);
  if (m.IsNothing()) {
    st->failed = true;
    if (tc.HasCaught() && tc.CanContinue()) st->exception->Reset(st->isolate, tc.Exception());
    return 0;
  }
  return m.FromJust();
}
static int32_t CbSumTrampoline(int32_t x) {
  Local<Value> argv[1] = {Integer::New(g_cb->isolate, x)};
  return CallJsInt32(1, argv);
}
// The comparator gets the two int32 values (like the N-API addon's).
static int QsortTrampoline(const void* a, const void* b) {
  Local<Value> argv[2] = {Integer::New(g_cb->isolate, *(const int32_t*)a),
                          Integer::New(g_cb->isolate, *(const int32_t*)b)};
  return CallJsInt32(2, argv);
}
// Runs `body` with g_cb set for `fn`; rethrows what a callback threw.
template <typename F>
static void WithCallback(const FunctionCallbackInfo<Value>& info, Local<Value> fn, F body) {
  Isolate* isolate = info.GetIsolate();
  if (!fn->IsFunction()) {
    isolate->ThrowException(Exception::TypeError(String::NewFromUtf8Literal(isolate, "expected a function")));
    return;
  }
  Global<Value> exception;
  CbState st{isolate, isolate->GetCurrentContext(), fn.As<Function>(), false, &exception};
  CbState* saved = g_cb;
  g_cb = &st;
  body();
  g_cb = saved;
  if (!exception.IsEmpty()) isolate->ThrowException(exception.Get(isolate));
}
static void S_cb_sum(const FunctionCallbackInfo<Value>& info) {
  WithCallback(info, info[0], [&] { info.GetReturnValue().Set(cb_sum(CbSumTrampoline, ArgI32(info, 1))); });
}
static void S_qsort_i32(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (!info[0]->IsInt32Array()) {
    isolate->ThrowException(Exception::TypeError(String::NewFromUtf8Literal(isolate, "expected an Int32Array")));
    return;
  }
  Local<Int32Array> a = info[0].As<Int32Array>();
  int32_t* data = (int32_t*)ViewData(a);
  size_t n = a->Length();
  WithCallback(info, info[1], [&] { qsort_i32(data, n, QsortTrampoline); });
}

// ---- helpers (slow only) ----
static void SlowCalls(const FunctionCallbackInfo<Value>& info) {
  info.GetReturnValue().Set((double)g_slow_calls);
}
static void PtrOf(const FunctionCallbackInfo<Value>& info) {
  if (!info[0]->IsArrayBufferView()) return;
  info.GetReturnValue().Set((double)(uintptr_t)ViewData(info[0]));
}

// ---------------------------------------------------------------------------------------------------
static void Register(Local<Context> ctx, Local<Object> exports, const char* name, FunctionCallback slow,
                     const void* fast, CTypeInfo ret, std::initializer_list<CTypeInfo> args,
                     bool bigint64 = false) {
  Isolate* isolate = Isolate::GetCurrent();
  const CFunction* cf = nullptr;
  if (fast) {
    // V8 keeps raw pointers to these: allocate once, never free.
    size_t n = args.size() + 1;
    CTypeInfo* arg_info = (CTypeInfo*)malloc(sizeof(CTypeInfo) * n);
    arg_info[0] = CTypeInfo(T::kV8Value);  // receiver
    size_t i = 1;
    for (const CTypeInfo& a : args) arg_info[i++] = a;
    CTypeInfo* ret_info = new CTypeInfo(ret);
#if V8_MAJOR_VERSION >= 12
    CFunctionInfo* fi = new CFunctionInfo(*ret_info, (unsigned)n, arg_info,
                                          bigint64 ? CFunctionInfo::Int64Representation::kBigInt
                                                   : CFunctionInfo::Int64Representation::kNumber);
#else
    (void)bigint64;  // V8 11: 64-bit fast arguments are Numbers only
    CFunctionInfo* fi = new CFunctionInfo(*ret_info, (unsigned)n, arg_info);
#endif
    cf = new CFunction(fast, fi);
  }
  Local<FunctionTemplate> t =
      FunctionTemplate::New(isolate, slow, Local<Value>(), Local<Signature>(), (int)args.size(),
                            ConstructorBehavior::kThrow, SideEffectType::kHasSideEffect, cf);
  Local<Function> fn = t->GetFunction(ctx).ToLocalChecked();
  Local<String> key = String::NewFromUtf8(isolate, name).ToLocalChecked();
  fn->SetName(key);
  exports->Set(ctx, key, fn).Check();
}

#define FAST(f) reinterpret_cast<const void*>(&f)

NODE_MODULE_INIT(/* exports, module, context */) {
  const CTypeInfo I32(T::kInt32), U32(T::kUint32), F64(T::kFloat64), F32(T::kFloat32),
      U64(T::kUint64), V(T::kVoid), STR(T::kSeqOneByteString), VAL(T::kV8Value);
  Local<Context> ctx = context;
  Register(ctx, exports, "noop", S_noop, FAST(F_noop), V, {});
  Register(ctx, exports, "i32_0", S_i32_0, FAST(F_i32_0), I32, {});
  Register(ctx, exports, "i32_1", S_i32_1, FAST(F_i32_1), I32, {I32});
  Register(ctx, exports, "i32_2", S_i32_2, FAST(F_i32_2), I32, {I32, I32});
  Register(ctx, exports, "i32_3", S_i32_3, FAST(F_i32_3), I32, {I32, I32, I32});
  Register(ctx, exports, "i32_6", S_i32_6, FAST(F_i32_6), I32, {I32, I32, I32, I32, I32, I32});
  Register(ctx, exports, "i32_8", S_i32_8, FAST(F_i32_8), I32,
           {I32, I32, I32, I32, I32, I32, I32, I32});
  Register(ctx, exports, "f64_2", S_f64_2, FAST(F_f64_2), F64, {F64, F64});
  Register(ctx, exports, "f32_2", S_f32_2, FAST(F_f32_2), F32, {F32, F32});
  Register(ctx, exports, "mixed", S_mixed, FAST(F_mixed), F64, {I32, F64, I32, F64});
  Register(ctx, exports, "ptr_arg", S_ptr_arg, FAST(F_ptr_arg), U32, {U64});
  Register(ctx, exports, "ptr_ret", S_ptr_ret, FAST(F_ptr_ret), F64, {});
  Register(ctx, exports, "u64_ret", S_u64_ret, FAST(F_u64_ret), F64, {});
  Register(ctx, exports, "c_strlen", S_strlen, FAST(F_strlen), U32, {STR});
#if V8_MAJOR_VERSION < 13
  Register(ctx, exports, "sum64", S_sum64, FAST(F_sum64), U32,
           {CTypeInfo(T::kUint8, CTypeInfo::SequenceType::kIsTypedArray)});
#else
  Register(ctx, exports, "sum64", S_sum64, FAST(F_sum64), U32, {VAL});
  Register(ctx, exports, "sum64_getcontents", S_sum64, FAST(F_sum64_gc), U32, {VAL});
#endif
  // Rows of the "slow corners" (issue 13 scope 6).
#if V8_MAJOR_VERSION < 13
  const CTypeInfo TAU8(T::kUint8, CTypeInfo::SequenceType::kIsTypedArray),
      TAU64(T::kUint64, CTypeInfo::SequenceType::kIsTypedArray);
#else
  const CTypeInfo TAU8 = VAL, TAU64 = VAL;
#endif
  Register(ctx, exports, "str_ret", S_str_ret, nullptr, V, {I32});
  Register(ctx, exports, "ptr_arg_bigint", S_ptr_arg, FAST(F_ptr_arg), U32, {U64}, true);
  Register(ctx, exports, "ptr_null", S_ptr_null, FAST(F_ptr_null), I32, {U64, I32});
  Register(ctx, exports, "open_thing", S_open_thing, FAST(F_open_thing), I32, {STR, TAU64});
  Register(ctx, exports, "maybe_fail", S_maybe_fail, FAST(F_maybe_fail), I32, {I32});
  Register(ctx, exports, "maybe_fail_errno", S_maybe_fail_errno, FAST(F_maybe_fail_errno), I32, {I32});
  Register(ctx, exports, "get_errno", S_get_errno, FAST(F_get_errno), I32, {});
  Register(ctx, exports, "bl_snprintf", S_bl_snprintf, FAST(F_bl_snprintf), I32,
           {TAU8, U32, STR, I32, F64, STR});
  Register(ctx, exports, "syslib", SysLib, nullptr, V, {VAL});
  Register(ctx, exports, "crc32", S_crc32, FAST(F_crc32), U32, {U32, TAU8, U32});
  Register(ctx, exports, "sha256_64", S_sha256_64, FAST(F_sha256_64), I32, {TAU8, TAU8});
  // Callback rows: regular V8 callbacks (a fast call cannot call into JS).
  Register(ctx, exports, "cb_sum", S_cb_sum, nullptr, V, {VAL, I32});
  Register(ctx, exports, "qsort_i32", S_qsort_i32, nullptr, V, {VAL, VAL});
  Register(ctx, exports, "slowCalls", SlowCalls, nullptr, V, {});
  Register(ctx, exports, "ptrOf", PtrOf, nullptr, V, {VAL});
  (void)VAL;
}
