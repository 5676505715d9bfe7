'use strict';
// Loading (docs/loading.md): a library opened by path binds its own
// references inside itself and the dependencies it brings, never to the copies of zlib,
// OpenSSL, libuv, … that the node executable bundles and exports.
//
// - Fixtures of our own (fixture/loading/*.c) show which copy a reference is bound to:
//   libffast_collide.so defines uv_version (node exports libuv's) and calls it through its PLT;
//   its result says which copy ran. Before this change (a plain RTLD_LOCAL dlopen) the call
//   reached node's libuv on every Node line.
// - Debian's real libz.so.1 and libcrypto.so.3 with default options: 1 MB streamed through
//   deflate/inflate with a z_stream declared with struct(), and EVP SHA-256 equal to
//   node:crypto, cold and hot. Before: zlib crashed on Node 20 and 22 and produced a broken
//   stream on 24 and 26 (deflate looped without finishing); EVP_DigestInit_ex crashed on Node
//   22, 24 and 26.
// - The `deep` option both ways, what RTLD_DEEPBIND breaks (a library reading `environ`), and
//   an already-loaded library (the first dlopen decides its bindings).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const nodeZlib = require('node:zlib');
const { execFileSync } = require('node:child_process');
const h = require('./_helpers');
const { ffast, N, slowCalls, WARMUP_CALLS } = h;
const { dlopen, struct, ptr } = ffast;
const I = ffast.__internal;

// ------------------------------------------------------------------ fixtures
const SRC = path.join(__dirname, 'fixture', 'loading');
const DIR = path.join(h.REPO, 'target', 'fixture', process.arch, 'loading');
const CC = process.env.FFAST_TEST_CC || 'gcc';

function build(name, src, extra = []) {
  const out = path.join(DIR, name);
  const source = path.join(SRC, src);
  try {
    if (fs.statSync(out).mtimeMs >= fs.statSync(source).mtimeMs) return out;
  } catch {}
  fs.mkdirSync(DIR, { recursive: true });
  const tmp = path.join(DIR, `.${name}.${process.pid}.${Date.now()}`);
  execFileSync(CC, ['-O2', '-fPIC', '-shared', `-Wl,-soname,${name}`, '-o', tmp, source, ...extra], { stdio: ['ignore', 'inherit', 'inherit'] });
  fs.renameSync(tmp, out);
  return out;
}
const COLLIDE = build('libffast_collide.so', 'collide.c');
build('libffast_collide_dep.so', 'collide.c');
const USER = build('libffast_collide_user.so', 'collide_user.c', ['-L', DIR, '-l:libffast_collide_dep.so', '-Wl,-rpath,$ORIGIN', '-Wl,--enable-new-dtags']);
const PLAIN = build('libffast_plain.so', 'plain.c');

/** A private copy of a fixture (another inode: the loader sees another object). */
function copyOf(file, tag) {
  const to = path.join(DIR, `${path.basename(file, '.so')}.${tag}.${process.pid}.so`);
  fs.copyFileSync(file, to);
  process.on('exit', () => fs.rmSync(to, { force: true }));
  return to;
}

const COLLIDE_MARK = 0xf0f0f;
// What node's own uv_version() returns: libuv's version number.
const NODE_UV = (([a, b, c]) => (a << 16) | (b << 8) | c)(process.versions.uv.split('.').map(Number));

const COLLIDE_DEFS = {
  collide_probe: { parameters: [], result: 'u32' },
  collide_bound_address: { parameters: [], result: 'pointer' },
  uv_version: { parameters: [], result: 'u32' },
};

function openCollide(file, options) {
  const lib = dlopen(file, COLLIDE_DEFS, options);
  h.register(lib, COLLIDE_DEFS);
  return lib;
}

// ------------------------------------------------------------------ fixtures: which copy binds
test('a library defining a symbol node exports calls its own copy by default (cold and hot)', () => {
  assert.notEqual(NODE_UV, COLLIDE_MARK);
  const lib = openCollide(COLLIDE);
  try {
    // dlsym on the handle always finds the library's own definition...
    h.coldHot(lib.symbols.uv_version, [], COLLIDE_MARK);
    // ...and with default options so does the library's own call through its PLT (a plain
    // RTLD_LOCAL dlopen bound it to node's libuv: NODE_UV).
    h.coldHot(lib.symbols.collide_probe, [], COLLIDE_MARK);
  } finally {
    lib.close();
  }
  const check = I.loadCheck(COLLIDE);
  assert.equal(check.loaded, false, 'close() unloaded the fixture');
  assert.equal(check.deep, true);
  assert.deepEqual(check.collisions, ['uv_version']);
  assert.equal(check.collisionCount, 1);
});

test("deep: false keeps the plain RTLD_LOCAL binding (the library's call reaches node's copy)", () => {
  const lib = openCollide(copyOf(COLLIDE, 'off'), { deep: false });
  try {
    h.coldHot(lib.symbols.uv_version, [], COLLIDE_MARK);
    h.coldHot(lib.symbols.collide_probe, [], NODE_UV);
  } finally {
    lib.close();
  }
});

test('deep: true binds inside the library', () => {
  const lib = openCollide(copyOf(COLLIDE, 'on'), { deep: true });
  try {
    h.coldHot(lib.symbols.collide_probe, [], COLLIDE_MARK);
  } finally {
    lib.close();
  }
});

test('a dependency the library brings counts: its definitions are what the library binds to', () => {
  const defs = { user_probe: { parameters: [], result: 'u32' } };
  let lib = dlopen(USER, defs);
  h.register(lib, defs);
  try {
    h.coldHot(lib.symbols.user_probe, [], COLLIDE_MARK);
  } finally {
    lib.close();
  }
  const check = I.loadCheck(USER);
  assert.equal(check.objects, 2, 'the library and libffast_collide_dep.so were read');
  assert.equal(check.deep, true);
  assert.deepEqual(check.collisions, ['uv_version']);
  // The same library with deep: false: its reference goes to node's libuv.
  lib = dlopen(USER, defs, { deep: false });
  h.register(lib, defs);
  try {
    h.coldHot(lib.symbols.user_probe, [], NODE_UV);
  } finally {
    lib.close();
  }
});

test('a library that collides with nothing is opened exactly as before (no RTLD_DEEPBIND)', () => {
  const check = I.loadCheck(PLAIN);
  assert.equal(check.deep, false);
  assert.equal(check.collisionCount, 0);
  const defs = {
    plain_env_get: { parameters: ['string'], result: 'string' },
    plain_probe: { parameters: ['int'], result: 'int' },
  };
  const key = `FFAST_LOADING_${process.pid}`;
  process.env[key] = 'set from JS';
  try {
    for (const options of [undefined, { deep: false }]) {
      const lib = dlopen(PLAIN, defs, options);
      h.register(lib, defs);
      try {
        h.coldHot(lib.symbols.plain_probe, [20], 41);
        // `environ` is the executable's live copy: setenv() from JS is seen.
        h.coldHot(lib.symbols.plain_env_get, [key], 'set from JS', { fast: false });
      } finally {
        lib.close();
      }
    }
    // What RTLD_DEEPBIND costs such a library: its reference to `environ` binds to libc's own
    // copy, which the process never updates (node copy-relocates it; docs/loading.md §3).
    // The check names that hazard; where it finds none, deep: true reads the live copy too.
    const hazard = I.loadCheck(PLAIN).hazards.includes('environ');
    const lib = dlopen(copyOf(PLAIN, 'deep'), defs, { deep: true });
    h.register(lib, defs);
    try {
      h.coldHot(lib.symbols.plain_probe, [20], 41);
      const seen = lib.symbols.plain_env_get(key);
      if (hazard) assert.notEqual(seen, 'set from JS', 'deep: true read the live environ although the check named it a hazard');
      else assert.equal(seen, 'set from JS');
    } finally {
      lib.close();
    }
  } finally {
    delete process.env[key];
  }
});

test('an already-loaded library keeps the bindings of its first dlopen; the loader ignores later flags', () => {
  const file = copyOf(COLLIDE, 'twice');
  const first = openCollide(file, { deep: false });
  try {
    assert.equal(I.loadCheck(file).loaded, true);
    for (const options of [undefined, { deep: true }]) {
      const again = openCollide(file, options);
      try {
        // The same object (dlopen returned the loaded one): its call still reaches node's copy.
        assert.equal(again.symbols.collide_bound_address(), first.symbols.collide_bound_address());
        h.coldHot(again.symbols.collide_probe, [], NODE_UV);
      } finally {
        again.close();
      }
    }
  } finally {
    first.close();
  }
  // Once every handle is closed the object is unloaded, and a new dlopen decides afresh.
  assert.equal(I.loadCheck(file).loaded, false);
  const lib = openCollide(file);
  try {
    h.coldHot(lib.symbols.collide_probe, [], COLLIDE_MARK);
  } finally {
    lib.close();
  }
});

test('deep must be a boolean; dlopen(null) is unchanged by it', () => {
  for (const bad of ['yes', 1, 0, null, {}, 1n]) {
    assert.throws(
      () => dlopen(COLLIDE, COLLIDE_DEFS, { deep: bad }),
      (e) => e instanceof h.FfastError && e.code === 'ERR_FFAST_DEFINITION' && /deep/.test(e.message),
    );
  }
  const defs = { strlen: { parameters: ['string'], result: 'size_t' } };
  for (const options of [undefined, { deep: true }, { deep: false }]) {
    const self = dlopen(null, defs, options);
    h.register(self, defs);
    h.coldHot(self.symbols.strlen, ['héllo'], 6, { fast: false });
    self.close();
  }
});

test('the check reads ld.so.cache and the system directories like the loader (bare names)', () => {
  // libm is a dependency of node itself: already loaded, nothing to decide.
  const m = I.loadCheck('libm.so.6');
  assert.equal(m.loaded, true);
  assert.equal(m.deep, false);
  // A name that does not exist: no check, and dlopen's own error.
  const none = I.loadCheck('libffast_no_such_library.so.9');
  assert.equal(none.deep, false);
  assert.match(none.skipped, /not found/);
  assert.throws(() => dlopen('libffast_no_such_library.so.9', {}), (e) => e.code === 'ERR_FFAST_LIBRARY_NOT_FOUND');
});

// ------------------------------------------------------------------ Debian's libraries
// x64: .ci/run installs zlib1g and libssl3, so they must be there. arm64 runs under qemu with
// the cross toolchain's sysroot, which has neither unless scripts/arm64.sh installs the arm64
// packages: reported as a skip (with the reason), never passed silently.
function debianLibrary(name) {
  const found = !/not found/.test(I.loadCheck(name).skipped || '');
  if (!found && process.arch === 'x64') assert.fail(`${name} is not installed (Debian package: see .ci/run)`);
  return found ? {} : { skip: `${name} for ${process.arch} is not installed here` };
}

// ------------------------------------------------------------------ Debian's zlib
const ZStream = struct({
  next_in: 'pointer', avail_in: 'unsigned int', total_in: 'unsigned long',
  next_out: 'pointer', avail_out: 'unsigned int', total_out: 'unsigned long',
  msg: 'pointer', state: 'pointer', zalloc: 'pointer', zfree: 'pointer', opaque: 'pointer',
  data_type: 'int', adler: 'unsigned long', reserved: 'unsigned long',
});
const Z_NO_FLUSH = 0;
const Z_FINISH = 4;
const Z_OK = 0;
const Z_STREAM_END = 1;
const Z_BUF_ERROR = -5;
const ZLIB_DEFS = {
  zlibVersion: { parameters: [], result: 'const char*' },
  deflateInit_: { parameters: ['pointer', 'int', 'const char*', 'int'], result: 'int' },
  deflate: { parameters: ['pointer', 'int'], result: 'int' },
  deflateEnd: { parameters: ['pointer'], result: 'int' },
  inflateInit_: { parameters: ['pointer', 'const char*', 'int'], result: 'int' },
  inflate: { parameters: ['pointer', 'int'], result: 'int' },
  inflateEnd: { parameters: ['pointer'], result: 'int' },
};

/** Calls `f(...args)`: cold from a never-optimized caller, or hot from a TurboFan-optimized
 * one whose every call is checked to be a fast call. `warm(call)` runs the warm-up. */
function caller(mode, label, f, nargs, warm) {
  if (mode === 'cold') {
    const c = new Function('f', 'args', 'return f(...args);');
    N.neverOptimize(c);
    return (...args) => {
      const s = slowCalls();
      const r = c(f, args);
      assert.equal(slowCalls() - s, 1, `cold ${label}: not one slow call`);
      return r;
    };
  }
  const c = h.makeCaller(nargs, label);
  N.prepare(c);
  for (let k = 0; k < WARMUP_CALLS; k++) warm((...args) => c(f, ...args));
  N.optimizeNext(c);
  warm((...args) => c(f, ...args));
  return (...args) => {
    assert.ok(N.isTurbofan(c), `hot ${label}: caller is not TurboFan`);
    const s = slowCalls();
    const r = c(f, ...args);
    assert.equal(slowCalls() - s, 0, `hot ${label}: the call took the slow path`);
    assert.ok(N.isTurbofan(c), `hot ${label}: caller deoptimized`);
    return r;
  };
}

/** A fresh z_stream in JS memory (its address must not change: zlib keeps it). */
function zstream() {
  const mem = Buffer.alloc(ZStream.size);
  return { mem, p: ptr(mem), v: ZStream.view(mem) };
}

/** Stream `input` through deflate in `chunk`-byte pieces with `chunk`-byte output windows. */
function deflateStream(z, call, input, chunk) {
  const s = zstream();
  assert.equal(z.deflateInit_(s.p, 6, z.zlibVersion(), ZStream.size), Z_OK);
  const out = Buffer.alloc(input.length + 4096);
  let o = 0;
  let rc = Z_OK;
  let calls = 0;
  for (let off = 0; rc !== Z_STREAM_END; off += chunk) {
    const n = Math.max(0, Math.min(chunk, input.length - off));
    const flush = off + n >= input.length ? Z_FINISH : Z_NO_FLUSH;
    s.v.next_in = ptr(input) + Math.min(off, input.length);
    s.v.avail_in = n;
    do {
      const room = Math.min(chunk, out.length - o);
      s.v.next_out = ptr(out) + o;
      s.v.avail_out = room;
      rc = call(s.p, flush);
      assert.ok(rc === Z_OK || rc === Z_STREAM_END || rc === Z_BUF_ERROR, `deflate returned ${rc}`);
      o += room - s.v.avail_out;
      assert.ok(++calls < 10000, 'deflate never finished the stream');
    } while (s.v.avail_out === 0);
    assert.equal(s.v.avail_in, 0, 'deflate left input unconsumed');
    if (flush === Z_FINISH) assert.equal(rc, Z_STREAM_END);
  }
  assert.equal(Number(s.v.total_in), input.length);
  assert.equal(Number(s.v.total_out), o);
  assert.equal(z.deflateEnd(s.p), Z_OK);
  return Buffer.from(out.subarray(0, o));
}

function inflateStream(z, call, data, size, chunk) {
  const s = zstream();
  assert.equal(z.inflateInit_(s.p, z.zlibVersion(), ZStream.size), Z_OK);
  const out = Buffer.alloc(size);
  let rc = Z_OK;
  let calls = 0;
  for (let off = 0; rc !== Z_STREAM_END; off += chunk) {
    assert.ok(off < data.length, 'inflate ran out of input before the end of the stream');
    s.v.next_in = ptr(data) + off;
    s.v.avail_in = Math.min(chunk, data.length - off);
    do {
      const o = Number(s.v.total_out);
      s.v.next_out = ptr(out) + o;
      s.v.avail_out = Math.min(chunk, out.length - o);
      rc = call(s.p, Z_NO_FLUSH);
      assert.ok(rc === Z_OK || rc === Z_STREAM_END || (rc === Z_BUF_ERROR && s.v.avail_in === 0), `inflate returned ${rc}`);
      assert.ok(++calls < 10000, 'inflate never finished the stream');
    } while (s.v.avail_out === 0 && rc !== Z_STREAM_END);
  }
  assert.equal(Number(s.v.total_out), size);
  assert.equal(z.inflateEnd(s.p), Z_OK);
  return out;
}

/** 1 MiB of runs from two small alphabets (compresses to ~40%, and never trivially). */
function sample() {
  const b = Buffer.alloc(1 << 20);
  let x = 0x12345678;
  for (let i = 0; i < b.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = (i >> 9) & 1 ? 97 + ((x >>> 16) % 7) : 48 + (x >>> 29);
  }
  return b;
}

test("Debian's libz.so.1 with default options: 1 MiB through z_stream deflate/inflate, cold and hot", debianLibrary('libz.so.1'), () => {
  const lib = dlopen('libz.so.1', ZLIB_DEFS);
  h.register(lib, ZLIB_DEFS);
  const z = lib.symbols;
  try {
    const input = sample();
    const expect = nodeZlib.deflateSync(input, { level: 6 });
    for (const mode of ['cold', 'hot']) {
      // Warm-up of the hot caller: whole small streams of their own through the same function.
      const warmDeflate = (c) => deflateStream(z, c, input.subarray(0, 4096), 1024);
      const d = caller(mode, 'deflate', z.deflate, 2, warmDeflate);
      const packed = deflateStream(z, d, input, 16384);
      // node's own zlib reads it back, and our inflate reads node's stream.
      assert.ok(nodeZlib.inflateSync(packed).equals(input), `${mode}: node:zlib cannot inflate what libz deflated`);
      assert.ok(packed.length < input.length / 2, `${mode}: ${packed.length} bytes: barely compressed`);
      const small = deflateStream(z, (a, b) => z.deflate(a, b), input.subarray(0, 4096), 1024);
      const warmInflate = (c) => inflateStream(z, c, small, 4096, 512);
      const f = caller(mode, 'inflate', z.inflate, 2, warmInflate);
      assert.ok(inflateStream(z, f, packed, input.length, 16384).equals(input), `${mode}: inflate(deflate(x)) !== x`);
      assert.ok(inflateStream(z, f, expect, input.length, 16384).equals(input), `${mode}: inflate of node:zlib's stream`);
    }
  } finally {
    lib.close();
  }
});

// ------------------------------------------------------------------ Debian's libcrypto
const CRYPTO_DEFS = {
  OpenSSL_version: { parameters: ['int'], result: 'const char*' },
  EVP_get_digestbyname: { parameters: ['const char*'], result: 'pointer' },
  EVP_sha256: { parameters: [], result: 'pointer' },
  EVP_MD_CTX_new: { parameters: [], result: 'pointer' },
  EVP_MD_CTX_free: { parameters: ['pointer'], result: 'void' },
  EVP_DigestInit_ex: { parameters: ['pointer', 'pointer', 'pointer'], result: 'int' },
  EVP_DigestUpdate: { parameters: ['pointer', 'pointer', 'size_t'], result: 'int' },
  EVP_DigestFinal_ex: { parameters: ['pointer', 'pointer', 'pointer'], result: 'int' },
};

test("Debian's libcrypto.so.3 with default options: EVP digests equal node:crypto's, cold and hot", debianLibrary('libcrypto.so.3'), () => {
  const lib = dlopen('libcrypto.so.3', CRYPTO_DEFS);
  h.register(lib, CRYPTO_DEFS);
  const c = lib.symbols;
  try {
    assert.match(c.OpenSSL_version(0), /^OpenSSL 3\./);
    const data = sample();
    for (const [name, md] of [['sha256', c.EVP_sha256()], ['sha512', c.EVP_get_digestbyname('SHA512')], ['sha1', c.EVP_get_digestbyname('SHA1')]]) {
      assert.notEqual(md, null, name);
      const want = crypto.createHash(name).update(data).digest('hex');
      const ctx = c.EVP_MD_CTX_new();
      assert.notEqual(ctx, null);
      try {
        const out = Buffer.alloc(64);
        const len = Buffer.alloc(4);
        // EVP_DigestInit_ex crashed here on Node 22, 24 and 26 (it ran node's OpenSSL code
        // on Debian's structures).
        h.coldHot(c.EVP_DigestInit_ex, [ctx, md, null], 1);
        for (const mode of ['cold', 'hot']) {
          assert.equal(c.EVP_DigestInit_ex(ctx, md, null), 1);
          const at = ptr(data);
          const u = caller(mode, `EVP_DigestUpdate_${name}`, c.EVP_DigestUpdate, 3, (call) => call(ctx, at, 0));
          for (let off = 0; off < data.length; off += 65536) assert.equal(u(ctx, at + off, 65536), 1);
          assert.equal(c.EVP_DigestFinal_ex(ctx, ptr(out), ptr(len)), 1);
          assert.equal(out.subarray(0, len.readUInt32LE(0)).toString('hex'), want, `${mode} ${name}`);
        }
      } finally {
        c.EVP_MD_CTX_free(ctx);
      }
    }
  } finally {
    lib.close();
  }
});
