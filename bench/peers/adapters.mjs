// Per-peer adapters: how each FFI binds a row's C function. Each peer uses its own idiomatic and
// fastest documented API (e.g. Bun's u64_fast, koffi's registered callbacks, ffi-rs `define`).
//   load(ctx)            → state (the imported module, an opened library)
//   bind(state, row, ctx) → { f, p?, cb?, pt?, u8?, aux?, args?, conv?, note? }
//                           f: the JS function called in the loop (for row.loop === 'async': returns a Promise)
//                           args/conv: JS source overriding the row's call arguments / result conversion
//   declare(state, path, names) → { fns, call(fn, x), close() }  (bind 1,000 int32(int32) symbols)
//   unsupported: { row: reason } — cells shown as unsupported without running anything.
// `runtime`: node | deno | bun | c; `flags`: extra runtime flags; `node`: the Node line required.
import { createRequire } from 'node:module';
import { ROWS } from './rows.mjs';
import { CORNERS } from './corners.mjs';

const NO_BASELINE = 'n/a: no hand-written addon for this row';
const req = (ctx) => createRequire(`${ctx.cache}/node_modules/`);
const arity = (n) => Array.from({ length: n }, (_, k) => `a${k}`).join(', ');
const u64conv = (row) => (row.ret === 'u64' || row.ret === 'usize' ? 'Number(r)' : undefined);

// --------------------------------------------------------------------------------------------
const addon = (file) => ({
  runtime: 'node',
  flags: [],
  unsupported: { callback: NO_BASELINE, struct_in: NO_BASELINE, struct_out: NO_BASELINE, async: NO_BASELINE, declare: NO_BASELINE },
  load(ctx) {
    const major = process.versions.node.split('.')[0];
    return createRequire(import.meta.url)(`${ctx.root}/target/bench/${file.replace('<M>', major)}`);
  },
  bind(a, row, ctx) { return { f: a[row.sym], p: a.ptrOf(ctx.u8) }; },
});

const ffastPeer = (cold) => ({
  runtime: 'node',
  flags: cold ? ['--no-turbo-fast-api-calls'] : [],
  unsupported: {
    ...(cold ? { async: 'n/a: a nonblocking function is never a fast call (same code as the ffast column)' } : {}),
  },
  load(ctx) { return createRequire(import.meta.url)(process.env.FFAST_DIR || `${ctx.root}/ffast-node`); },
  bind(ffast, row, ctx) {
    const Pt = ffast.struct({ x: 'f64', y: 'f64' });
    const t = (x) => (x === 'callback' ? 'function' : x === 'Pt' ? Pt : x);
    const def = { parameters: row.params.map(t), result: t(row.ret), nonblocking: row.loop === 'async' };
    const lib = ffast.dlopen(ctx.lib, { [row.sym]: def });
    const o = { f: lib.symbols[row.sym], p: ffast.ptr(ctx.u8) };
    if (row.name === 'callback') o.cb = ffast.callback({ parameters: ['i32'], result: 'i32' }, ctx.jscb);
    if (row.name === 'struct_in') o.pt = { x: 1.5, y: 2.25 };
    return o;
  },
  declare(ffast, path, names) {
    const lib = ffast.dlopen(path, Object.fromEntries(names.map((n) => [n, { parameters: ['i32'], result: 'i32' }])));
    const fns = names.map((n) => lib.symbols[n]);
    return { fns, call: (f, x) => f(x), close: () => lib.close() };
  },
});

// --------------------------------------------------------------------------------------------
const KOFFI_T = { void: 'void', i32: 'int32_t', u32: 'uint32_t', f32: 'float', f64: 'double', u64: 'uint64_t', usize: 'size_t',
  pointer: 'void *', string: 'const char *', buffer: 'const uint8_t *' };
const koffiPeer = {
  runtime: 'node',
  flags: [],
  load(ctx) {
    const koffi = req(ctx)('koffi');
    return { koffi, lib: koffi.load(ctx.lib), Pt: koffi.struct('Pt', { x: 'double', y: 'double' }), CB: koffi.proto('int32_t cbproto(int32_t)') };
  },
  bind({ koffi, lib, Pt, CB }, row, ctx) {
    const t = (x) => (x === 'Pt' ? Pt : x === 'callback' ? koffi.pointer(CB) : KOFFI_T[x]);
    const fn = lib.func(row.sym, t(row.ret), row.params.map(t));
    const o = { f: fn, p: koffi.address(ctx.u8), conv: u64conv(row) };
    if (row.name === 'callback') o.cb = koffi.register(ctx.jscb, koffi.pointer(CB));
    if (row.name === 'struct_in') o.pt = { x: 1.5, y: 2.25 };
    if (row.loop === 'async') o.f = (a) => new Promise((res, rej) => fn.async(a, (e, r) => (e ? rej(e) : res(r))));
    return o;
  },
  declare({ koffi }, path, names) {
    const lib = koffi.load(path);
    const fns = names.map((n) => lib.func(n, 'int32_t', ['int32_t']));
    return { fns, call: (f, x) => f(x), close: () => lib.unload() };
  },
};

// --------------------------------------------------------------------------------------------
const NODEFFI_T = { void: 'void', i32: 'i32', u32: 'u32', f32: 'f32', f64: 'f64', u64: 'u64', usize: 'u64', pointer: 'pointer',
  string: 'string', buffer: 'buffer', callback: 'pointer' };
const nodeFfiPeer = {
  runtime: 'node',
  node: 26,
  flags: ['--experimental-ffi', '--no-warnings'],
  unsupported: {
    struct_in: 'unsupported: node:ffi has no struct types (26.10: "Return value type … must be a string")',
    struct_out: 'unsupported: node:ffi has no struct types (26.10: "Return value type … must be a string")',
    async: 'unsupported: node:ffi has no async/nonblocking calls (26.10)',
  },
  load(ctx) {
    const ffi = createRequire(import.meta.url)('node:ffi');
    return { ffi, lib: new ffi.DynamicLibrary(ctx.lib) };
  },
  bind({ ffi, lib }, row, ctx) {
    const f = lib.getFunction(row.sym, { arguments: row.params.map((x) => NODEFFI_T[x]), return: NODEFFI_T[row.ret] });
    const o = { f, p: ffi.getRawPointer(ctx.u8), conv: u64conv(row) };
    if (row.name === 'callback') o.cb = lib.registerCallback({ arguments: ['i32'], return: 'i32' }, ctx.jscb);
    return o;
  },
  declare({ ffi }, path, names) {
    const lib = new ffi.DynamicLibrary(path);
    const fns = names.map((n) => lib.getFunction(n, { arguments: ['i32'], return: 'i32' }));
    return { fns, call: (f, x) => f(x), close: () => lib.close() };
  },
};

// --------------------------------------------------------------------------------------------
let ffiRsLibs = 0;
const ffiRsPeer = {
  runtime: 'node',
  flags: [],
  unsupported: {
    f32_2: 'unsupported: no float (f32) return type (1.3.7: retType Float throws "JsNumber can only be double type"; Double reads garbage)',
    callback: 'unsupported: ffi-rs turns JS callbacks into threadsafe functions that run later on the event loop, so C gets no return value synchronously (README "Function")',
  },
  load(ctx) {
    const m = req(ctx)('ffi-rs');
    m.open({ library: 'pb', path: ctx.lib });
    return m;
  },
  bind(m, row, ctx) {
    const D = m.DataType;
    const T = { void: D.Void, i32: D.I32, u32: D.U32, f32: D.Float, f64: D.Double, u64: D.U64, usize: D.U64, pointer: D.External,
      string: D.String, buffer: D.U8Array, Pt: { x: D.Double, y: D.Double, ffiTypeTag: D.StackStruct } };
    const def = { library: 'pb', retType: T[row.ret], paramsType: row.params.map((x) => T[x]) };
    if (row.loop === 'async') def.runInNewThread = true;
    const g = m.define({ [row.sym]: def })[row.sym];
    // define() gives fn(paramsValue[]): wrap it with the C arity.
    const n = row.params.length;
    const f = new Function('g', `return function (${arity(n)}) { return g([${arity(n)}]); };`)(g);
    const o = { f, conv: u64conv(row), note: 'called through define(): fn([args])' };
    if (row.name === 'ptr_arg') o.p = m.unwrapPointer(m.createPointer({ paramsType: [D.U8Array], paramsValue: [ctx.u8] }))[0];
    if (row.name === 'struct_in') o.pt = { x: 1.5, y: 2.25 };
    return o;
  },
  declare(m, path, names) {
    const library = `decl${ffiRsLibs++}`;
    m.open({ library, path });
    const D = m.DataType;
    const defs = m.define(Object.fromEntries(names.map((n) => [n, { library, retType: D.I32, paramsType: [D.I32] }])));
    const fns = names.map((n) => defs[n]);
    return { fns, call: (f, x) => f([x]), close: () => m.close(library) };
  },
};

// --------------------------------------------------------------------------------------------
const FFINAPI_T = { void: 'void', i32: 'int32', u32: 'uint32', f32: 'float', f64: 'double', u64: 'uint64', usize: 'size_t', pointer: 'pointer',
  string: 'string', buffer: 'pointer', callback: 'pointer' };
const ffiNapiPeer = {
  runtime: 'node',
  flags: [],
  load(ctx) {
    const r = req(ctx);
    const ffi = r('ffi-napi');
    const ref = r('ref-napi');
    const Struct = r('ref-struct-di')(ref);
    return { ffi, ref, Pt: Struct({ x: 'double', y: 'double' }) };
  },
  bind({ ffi, Pt }, row, ctx) {
    const t = (x) => (x === 'Pt' ? Pt : FFINAPI_T[x]);
    const lib = ffi.Library(ctx.lib, { [row.sym]: [t(row.ret), row.params.map(t)] });
    const fn = lib[row.sym];
    const buf = Buffer.from(ctx.u8.buffer, ctx.u8.byteOffset, 64); // a Buffer over the same memory
    const o = { f: fn, p: buf, u8: buf, conv: u64conv(row) };
    if (row.name === 'ptr_ret') o.conv = '(r.isNull() ? 0 : 1)';
    if (row.name === 'callback') { o.cb = ffi.Callback('int32', ['int32'], ctx.jscb); globalThis.__keep = o.cb; }
    if (row.name === 'struct_in') o.pt = new Pt({ x: 1.5, y: 2.25 });
    if (row.name === 'struct_out') o.conv = 'r.y';
    if (row.loop === 'async') o.f = (a) => new Promise((res, rej) => fn.async(a, (e, r) => (e ? rej(e) : res(r))));
    return o;
  },
  declare({ ffi }, path, names) {
    const lib = ffi.Library(path, Object.fromEntries(names.map((n) => [n, ['int32', ['int32']]])));
    const fns = names.map((n) => lib[n]);
    return { fns, call: (f, x) => f(x) }; // ffi.Library has no close
  },
};

// --------------------------------------------------------------------------------------------
const DENO_T = { void: 'void', i32: 'i32', u32: 'u32', f32: 'f32', f64: 'f64', u64: 'u64', usize: 'usize', pointer: 'pointer',
  string: 'buffer', buffer: 'buffer', callback: 'function', Pt: { struct: ['f64', 'f64'] } };
const denoPeer = {
  runtime: 'deno',
  flags: [],
  load() { return {}; },
  bind(_, row, ctx) {
    const def = { parameters: row.params.map((x) => DENO_T[x]), result: DENO_T[row.ret] };
    if (row.loop === 'async') def.nonblocking = true;
    const lib = Deno.dlopen(ctx.lib, { [row.sym]: def });
    const o = { f: lib.symbols[row.sym], p: Deno.UnsafePointer.of(ctx.u8), conv: u64conv(row) };
    if (row.name === 'strlen') {
      // No string parameter type: encode the JS string (with its NUL) into a buffer on every call.
      o.aux = new TextEncoder();
      o.args = `aux.encode('${ctx.STR}\\0')`;
      o.note = 'no string type: TextEncoder.encode(str + NUL) per call';
    }
    if (row.name === 'callback') {
      const c = new Deno.UnsafeCallback({ parameters: ['i32'], result: 'i32' }, ctx.jscb);
      o.cb = c.pointer;
    }
    if (row.name === 'struct_in') o.pt = new Uint8Array(new Float64Array([1.5, 2.25]).buffer);
    if (row.name === 'struct_out') { o.aux = (r) => new Float64Array(r.buffer, r.byteOffset, 2)[1]; o.conv = 'aux(r)'; o.note = 'result is a Uint8Array(16); y read through a Float64Array view'; }
    return o;
  },
  declare(_, path, names) {
    const lib = Deno.dlopen(path, Object.fromEntries(names.map((n) => [n, { parameters: ['i32'], result: 'i32' }])));
    const fns = names.map((n) => lib.symbols[n]);
    return { fns, call: (f, x) => f(x), close: () => lib.close() };
  },
};

// --------------------------------------------------------------------------------------------
const BUN_T = { void: 'void', i32: 'i32', u32: 'u32', f32: 'f32', f64: 'f64', u64: 'u64_fast', usize: 'u64_fast', pointer: 'ptr',
  string: 'ptr', buffer: 'ptr', callback: 'function' };
const bunPeer = {
  runtime: 'bun',
  flags: [],
  unsupported: {
    struct_in: 'unsupported: bun:ffi has no struct types; by-value structs are UB/segfault (oven-sh/bun#6139, #21441, #29464)',
    struct_out: 'unsupported: bun:ffi has no struct types; by-value structs are UB/segfault (oven-sh/bun#6139, #21441, #29464)',
    async: 'unsupported: bun:ffi has no async calls ("Async functions are not yet supported")',
  },
  async load() { return await import('bun:ffi'); },
  bind(bf, row, ctx) {
    const lib = bf.dlopen(ctx.lib, { [row.sym]: { args: row.params.map((x) => BUN_T[x]), returns: BUN_T[row.ret] } });
    const o = { f: lib.symbols[row.sym], p: bf.ptr(ctx.u8) };
    if (row.name === 'strlen') {
      o.aux = new TextEncoder();
      o.args = `aux.encode('${ctx.STR}\\0')`;
      o.note = 'no string argument type (cstring args are pointers): TextEncoder.encode(str + NUL) per call';
    }
    if (row.name === 'callback') { const c = new bf.JSCallback(ctx.jscb, { args: ['i32'], returns: 'i32' }); o.cb = c.ptr; globalThis.__keep = c; }
    if (row.name === 'u64_ret') o.note = 'u64_fast (Number when it fits)';
    return o;
  },
  declare(bf, path, names) {
    const lib = bf.dlopen(path, Object.fromEntries(names.map((n) => [n, { args: ['i32'], returns: 'i32' }])));
    const fns = names.map((n) => lib.symbols[n]);
    return { fns, call: (f, x) => f(x), close: () => lib.close() };
  },
};

// --------------------------------------------------------------------------------------------
const jsPeer = {
  runtime: 'node',
  flags: [],
  unsupported: { declare: 'n/a' },
  load() { return {}; },
  bind(_, row, ctx) {
    const P = 1;
    const f = new Function('u8', 'P', `return ${row.js};`)(ctx.u8, P);
    // u8: the Uint8Array itself, also on view rows (the JS function sums bytes).
    return { f, p: 0, u8: ctx.u8, cb: ctx.jscb, pt: { x: 1.5, y: 2.25 }, conv: row.refConv };
  },
};

const PEERS_ = {
  fastapi: { ...addon('fastapi-node<M>.node'), label: 'V8 fast-API addon', baseline: true },
  napi: { ...addon('napi.node'), label: 'N-API addon', baseline: true },
  ffast: { ...ffastPeer(false), label: 'ffast (hot)' },
  'ffast-cold': { ...ffastPeer(true), label: 'ffast (cold: slow path)' },
  koffi: { ...koffiPeer, label: 'koffi' },
  'node:ffi': { ...nodeFfiPeer, label: 'node:ffi' },
  'ffi-rs': { ...ffiRsPeer, label: 'ffi-rs' },
  'ffi-napi': { ...ffiNapiPeer, label: 'ffi-napi' },
  deno: { ...denoPeer, label: 'Deno FFI' },
  bun: { ...bunPeer, label: 'bun:ffi' },
  js: { ...jsPeer, label: 'plain JS function' },
  c: { runtime: 'c', flags: [], label: 'C via function pointer', unsupported: { async: 'n/a', sum64_i32: 'n/a: the same C call as sum64' } },
};

// The corner rows a peer has no binding for are unsupported (corners.mjs gives the reason).
for (const [name, p] of Object.entries(PEERS_)) {
  const c = CORNERS[name.replace(/-cold$/, '')];
  for (const row of ROWS.filter((r) => r.corner)) {
    if (!c) p.unsupported = { ...p.unsupported, [row.name]: 'unsupported: no binding' };
    else if (typeof c.unsupported === 'string') p.unsupported = { ...p.unsupported, [row.name]: c.unsupported };
    else if (c.unsupported && c.unsupported[row.name]) p.unsupported = { ...p.unsupported, [row.name]: c.unsupported[row.name] };
    else if (c.rows && !c.rows[row.name]) p.unsupported = { ...p.unsupported, [row.name]: 'unsupported: no binding' };
  }
}
export const PEERS = PEERS_;
