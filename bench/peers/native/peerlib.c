/* Extra C functions for the peer benchmark (bench/peers), linked together with bench/native/benchlib.c
 * into target/bench/libpeerbench.so:
 *   gcc -O2 -fPIC -shared -o target/bench/libpeerbench.so bench/native/benchlib.c bench/peers/native/peerlib.c */
#include <stdint.h>

#define EXPORT __attribute__((visibility("default"), noinline))

typedef struct { double x, y; } Pt;

/* struct by value in: {f64,f64} in xmm0/xmm1 on SysV x64 */
EXPORT double pt_sum(Pt p) { return p.x + p.y; }
/* struct by value out */
EXPORT Pt pt_make(double x, double y) { Pt p = {x, y}; return p; }
/* C -> JS callback, invoked synchronously from C on the calling thread */
typedef int32_t (*cb_i32)(int32_t);
EXPORT int32_t call_cb(cb_i32 cb, int32_t x) { return cb(x); }
