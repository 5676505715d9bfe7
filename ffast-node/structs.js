'use strict';
// ffast: C aggregate types for JS — struct, union, array type objects, their JS ⇄ memory
// encoders/decoders, zero-copy views, and `pointer(T)` parameter types.
//
// There is one layout engine, ffast-core's (ffast-core/src/layout.rs, property-tested against
// gcc): a type object serialises itself to the text form of ffast_core::desc and asks the native
// `layout(text)` for its size, alignment and field offsets. This file only turns those numbers
// into code: per type, `new Function` generates a flat encoder, decoder and view class (nested
// fields and array loops inlined, DataView stores, little-endian), so a hot loop over a struct
// runs monomorphic, inlinable code without per-field dispatch.

module.exports = function makeStructs({ native, fail, describe, toArrayBuffer }) {
  /** Every type object made here (a look-alike object cannot pass for one). */
  const typeObjects = new WeakSet();
  /** pointer(T) parameter types. */
  const pointerTypes = new WeakSet();
  /** Per type object: its internals (compiled code, field table). */
  const internals = new WeakMap();

  // --------------------------------------------------------------------------- scalars
  // Scalars a field may have, by canonical name (what native layout() prints): byte size and
  // the DataView accessors. 'string' fields are refused: decoding a `char*` field would need an
  // owner for the bytes when encoding; a 'pointer' field and cstring() say so explicitly.
  const SCALARS = {
    bool: { size: 1 },
    i8: { size: 1, get: 'getInt8', set: 'setInt8', min: -128, max: 127 },
    u8: { size: 1, get: 'getUint8', set: 'setUint8', min: 0, max: 255 },
    i16: { size: 2, get: 'getInt16', set: 'setInt16', min: -32768, max: 32767 },
    u16: { size: 2, get: 'getUint16', set: 'setUint16', min: 0, max: 65535 },
    i32: { size: 4, get: 'getInt32', set: 'setInt32', min: -2147483648, max: 2147483647 },
    u32: { size: 4, get: 'getUint32', set: 'setUint32', min: 0, max: 4294967295 },
    i64: { size: 8, wide: 'signed' },
    isize: { size: 8, wide: 'signed' },
    u64: { size: 8, wide: 'unsigned' },
    usize: { size: 8, wide: 'unsigned' },
    pointer: { size: 8, wide: 'pointer' },
    f32: { size: 4, get: 'getFloat32', set: 'setFloat32', float: true },
    f64: { size: 8, get: 'getFloat64', set: 'setFloat64', float: true },
  };
  const scalarCache = new Map();

  /** Canonical scalar name of a field type spelling, or a typed error. */
  function scalarName(spelling, where) {
    const hit = scalarCache.get(spelling);
    if (hit) return hit;
    // The grammar's delimiters would let a "type name" smuggle a composite into the text.
    if (/[{}[\];<>@:,]/.test(spelling)) {
      fail('ERR_FFAST_TYPE', `${where}: '${spelling}' is not a scalar type name (use ffast.struct/union/array for composites)`);
    }
    let l;
    try {
      l = native.layout(spelling);
    } catch (e) {
      fail('ERR_FFAST_TYPE', `${where}: unknown type '${spelling}'`);
    }
    const name = l.type;
    if (name === 'string') {
      fail('ERR_FFAST_TYPE', `${where}: a string (char*) field needs an owner for its bytes; declare it 'pointer' and read it with cstring()`);
    }
    if (!SCALARS[name]) fail('ERR_FFAST_TYPE', `${where}: '${spelling}' cannot be a field type`);
    scalarCache.set(spelling, name);
    return name;
  }

  // --------------------------------------------------------------------------- constructors
  const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
  const POW2 = (n) => Number.isInteger(n) && n >= 1 && n <= 1 << 28 && (n & (n - 1)) === 0;

  /**
   * One field type: a scalar name, or a type object. A `{ type, align }` descriptor is unwrapped
   * by the caller, once: its `type` must itself be a name or a type object, so nothing here
   * recurses into user objects (a getter or a placeholder that refers back to the struct being
   * defined can only produce `undefined` or a plain object, both refused).
   */
  function fieldType(t, where) {
    if (typeof t === 'string') return scalarName(t, where);
    if (t !== null && typeof t === 'object' && typeObjects.has(t)) return t;
    fail(
      'ERR_FFAST_TYPE',
      `${where}: expected a type name or a type made by ffast.struct/union/array, got ${describe(t)}` +
        (t === undefined ? ' (a struct cannot contain itself; use a \'pointer\' field for links)' : ''),
    );
  }

  function readOpts(opts, kind) {
    if (opts === undefined) return {};
    if (opts === null || typeof opts !== 'object') fail('ERR_FFAST_DEFINITION', `${kind}: options must be an object, got ${describe(opts)}`);
    for (const k of Object.keys(opts)) {
      if (k !== 'pack') fail('ERR_FFAST_DEFINITION', `${kind}: unknown option '${k}'`);
    }
    const { pack } = opts;
    if (pack !== undefined && ![1, 2, 4, 8, 16].includes(pack)) {
      fail('ERR_FFAST_DEFINITION', `${kind}: pack must be 1, 2, 4, 8 or 16 (as #pragma pack), got ${String(pack)}`);
    }
    return { pack };
  }

  function composite(kind, fieldsIn, opts) {
    if (fieldsIn === null || typeof fieldsIn !== 'object' || Array.isArray(fieldsIn) || typeObjects.has(fieldsIn)) {
      fail('ERR_FFAST_DEFINITION', `${kind}: fields must be an object { name: type, … }, got ${describe(fieldsIn)}`);
    }
    const { pack } = readOpts(opts, kind);
    const names = Object.keys(fieldsIn);
    if (names.length === 0) fail('ERR_FFAST_DEFINITION', `${kind}: a ${kind} needs at least one field (C has no empty ${kind}s)`);
    const fields = [];
    for (const name of names) {
      const where = `${kind} field '${name}'`;
      if (!IDENT.test(name)) fail('ERR_FFAST_DEFINITION', `${kind}: field name '${name}' is not an identifier`);
      // '__proto__' as a key of a generated object literal would set the prototype instead.
      if (name === '__proto__') fail('ERR_FFAST_DEFINITION', `${kind}: '__proto__' cannot be a field name`);
      const spec = fieldsIn[name]; // read once: a getter cannot answer differently later
      let t = spec;
      let align;
      if (spec !== null && typeof spec === 'object' && !typeObjects.has(spec)) {
        for (const k of Object.keys(spec)) {
          if (k !== 'type' && k !== 'align') fail('ERR_FFAST_DEFINITION', `${where}: unknown key '${k}' (expected type, align)`);
        }
        if (!Object.prototype.hasOwnProperty.call(spec, 'type')) {
          fail('ERR_FFAST_TYPE', `${where}: expected a type name, a type object or { type, align }, got ${describe(spec)} without an own 'type'`);
        }
        t = spec.type;
        align = spec.align;
        if (align !== undefined && !POW2(align)) {
          fail('ERR_FFAST_DEFINITION', `${where}: align must be a power of two, got ${String(align)}`);
        }
      }
      fields.push({ name, type: fieldType(t, where), align });
    }
    const text =
      kind +
      (pack !== undefined ? `<${pack}>` : '') +
      '{' +
      fields.map((f) => `${f.name}:${textOf(f.type)}${f.align !== undefined ? `@${f.align}` : ''}`).join(',') +
      '}';
    const l = layoutOf(text, kind);
    fields.forEach((f, i) => {
      f.offset = l.offsets[i];
    });
    return makeType(kind, text, l, fields, { pack });
  }

  function layoutOf(text, kind) {
    try {
      return native.layout(text);
    } catch (e) {
      // The engine's messages name the field path; keep its code (ERR_FFAST_TYPE/DEFINITION).
      if (e && typeof e.code === 'string') fail(e.code, `${kind}: ${e.message}`);
      throw e;
    }
  }

  const textOf = (t) => (typeof t === 'string' ? t : t.type);
  const sizeOf = (t) => (typeof t === 'string' ? SCALARS[t].size : t.size);

  function struct(fields, opts) {
    return composite('struct', fields, opts);
  }
  function union(fields, opts) {
    return composite('union', fields, opts);
  }
  function array(type, length) {
    const elem = fieldType(type, 'array element');
    if (!(Number.isSafeInteger(length) && length >= 1)) {
      fail('ERR_FFAST_DEFINITION', `array: length must be a positive integer, got ${String(length)}`);
    }
    const text = `[${textOf(elem)};${length}]`;
    const l = layoutOf(text, 'array');
    return makeType('array', text, l, null, { element: elem, length });
  }

  function makeType(kind, text, l, fields, extra) {
    const T = Object.create(null);
    const info = { kind, text, size: l.size, fields, element: extra.element, length: extra.length };
    internals.set(T, info);
    const pub = fields
      ? Object.freeze(
          fields.map((f) =>
            Object.freeze({ name: f.name, type: f.type, offset: f.offset, ...(f.align !== undefined ? { align: f.align } : {}) }),
          ),
        )
      : undefined;
    const props = {
      kind,
      type: text,
      size: l.size,
      align: l.align,
      ...(fields ? { fields: pub } : { element: extra.element, length: extra.length }),
      ...(extra.pack !== undefined ? { pack: extra.pack } : {}),
    };
    for (const [k, v] of Object.entries(props)) Object.defineProperty(T, k, { value: v, enumerable: true });
    const code = compile(info);
    info.code = code;
    Object.defineProperty(T, 'offsetof', { value: (p) => offsetOf(T, p) });
    Object.defineProperty(T, 'encode', { value: code.encode });
    Object.defineProperty(T, 'decode', { value: code.decode });
    Object.defineProperty(T, 'view', { value: code.view });
    Object.defineProperty(T, 'toString', { value: () => text });
    typeObjects.add(T);
    return Object.freeze(T);
  }

  /** offsetof(T, 'a.b[2].c'): byte offset of a (nested) member. */
  function offsetOf(T, p) {
    if (typeof p !== 'string' || p === '') fail('ERR_FFAST_ARG_TYPE', `offsetof: expected a field path string, got ${describe(p)}`);
    let t = T;
    let off = 0;
    const re = /\.?([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]/y;
    let at = 0;
    while (at < p.length) {
      re.lastIndex = at;
      const m = re.exec(p);
      if (!m || (at === 0 && p[0] === '.')) fail('ERR_FFAST_ARG_TYPE', `offsetof: malformed field path '${p}'`);
      at = re.lastIndex;
      const info = typeof t === 'string' ? null : internals.get(t);
      if (m[1] !== undefined) {
        const f = info && info.fields && info.fields.find((x) => x.name === m[1]);
        if (!f) fail('ERR_FFAST_ARG_TYPE', `offsetof: no field '${m[1]}' in ${textOf(t)} (path '${p}')`);
        off += f.offset;
        t = f.type;
      } else {
        const i = Number(m[2]);
        if (!info || info.kind !== 'array') fail('ERR_FFAST_ARG_TYPE', `offsetof: ${textOf(t)} is not an array (path '${p}')`);
        if (i >= info.length) fail('ERR_FFAST_ARG_RANGE', `offsetof: index ${i} is out of range for ${info.text} (path '${p}')`);
        off += i * sizeOf(info.element);
        t = info.element;
      }
    }
    return off;
  }

  // --------------------------------------------------------------------------- errors (called from generated code)
  const at = (w, p) => (p === '' ? w : `${w}: field '${p}'`);
  function typeErr(w, p, want, v) {
    if (v === undefined) fail('ERR_FFAST_ARG_TYPE', `${at(w, p)}: missing (expected ${want})`);
    fail('ERR_FFAST_ARG_TYPE', `${at(w, p)}: expected ${want}, got ${describe(v)}`);
  }
  function rangeErr(w, p, want, v) {
    fail('ERR_FFAST_ARG_RANGE', `${at(w, p)}: ${typeof v === 'bigint' ? `${v}n` : String(v)} is out of range for ${want}`);
  }
  function unionErr(w, p, names, n) {
    fail('ERR_FFAST_ARG_TYPE', `${at(w, p)}: a union takes exactly one member (${names}), got ${n}`);
  }
  function lengthErr(w, p, want, v) {
    if (v === null || typeof v !== 'object' || typeof v.length !== 'number') typeErr(w, p, `an array of ${want}`, v);
    fail('ERR_FFAST_ARG_RANGE', `${at(w, p)}: expected ${want} elements, got ${v.length}`);
  }

  // 64-bit values. Numbers are split into 32-bit halves (no BigInt allocation on the hot path):
  // for an integer |v| < 2^64, floor(v / 2^32) and the remainder are exact in doubles.
  function w64n(dv, o, v) {
    v = Math.trunc(v);
    const hi = Math.floor(v / 4294967296);
    dv.setUint32(o, v - hi * 4294967296, true);
    dv.setUint32(o + 4, hi, true); // ToUint32 wraps a negative hi to its two's complement
  }
  // Reads: Number when |v| ≤ 2^53−1 (as results do), else BigInt. hi·2^32 is exact; adding lo
  // rounds only beyond 2^53, and rounding never brings an unsafe value back into the safe range.
  function r64(dv, o) {
    const v = dv.getInt32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
    return v >= -9007199254740991 && v <= 9007199254740991 ? v : dv.getBigInt64(o, true);
  }
  function ru64(dv, o) {
    const v = dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
    return v <= 9007199254740991 ? v : dv.getBigUint64(o, true);
  }
  function rptr(dv, o) {
    const v = dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
    return v === 0 ? null : v <= 9007199254740991 ? v : dv.getBigUint64(o, true);
  }
  const I64MIN = -(2n ** 63n);
  const I64MAX = 2n ** 63n - 1n;
  const U64MAX = 2n ** 64n - 1n;

  // --------------------------------------------------------------------------- code generation
  // Generated functions close over these (positional parameters of every `new Function`).
  const RT = { typeErr, rangeErr, unionErr, lengthErr, w64n, r64, ru64, rptr, I64MIN, I64MAX, U64MAX };
  const RT_NAMES = Object.keys(RT).map((k) => `$${k}`);
  const RT_VALUES = Object.values(RT);
  let serial = 0;

  /** Path expressions: a string literal while constant, a concatenation inside array loops. */
  const lit = (s) => JSON.stringify(s);
  const asLit = (p) => {
    try {
      return JSON.parse(p);
    } catch {
      return null;
    }
  };
  const joinField = (p, name) => {
    const s = asLit(p);
    if (s !== null) return lit(s === '' ? name : `${s}.${name}`);
    return `${p} + ${lit('.' + name)}`;
  };
  const joinIndex = (p, i) => `${p} + "[" + ${i} + "]"`;

  /**
   * Statements that store the JS value in variable `v` (of type `t`) at byte offset expression
   * `o` of DataView `dv`; `p` is the path expression for error messages, `w` the where-prefix.
   */
  function genEnc(t, v, o, p, ctx) {
    if (typeof t === 'string') return genEncScalar(t, v, o, p);
    const info = internals.get(t);
    const id = ++ctx.n;
    if (info.kind === 'array') {
      const i = `i${id}`;
      const e = `e${id}`;
      const es = sizeOf(info.element);
      return `if (${v} === null || typeof ${v} !== 'object' || ${v}.length !== ${info.length}) $lengthErr(w, ${p}, ${info.length}, ${v});
for (let ${i} = 0; ${i} < ${info.length}; ${i}++) { const ${e} = ${v}[${i}];
${genEnc(info.element, e, `${o} + ${i} * ${es}`, joinIndex(p, i), ctx)}
}`;
    }
    const check = `if (${v} === null || typeof ${v} !== 'object') $typeErr(w, ${p}, ${lit(info.kind + ' (object)')}, ${v});\n`;
    if (info.kind === 'struct') {
      return (
        check +
        info.fields
          .map((f, k) => {
            const x = `f${id}_${k}`;
            return `const ${x} = ${v}.${f.name};\n${genEnc(f.type, x, `${o} + ${f.offset}`, joinField(p, f.name), ctx)}`;
          })
          .join('\n')
      );
    }
    // union: exactly one member given; the other bytes are zeroed so a read through any
    // member sees the same bytes C would after storing only that one.
    const names = info.fields.map((f) => f.name);
    const n = `n${id}`;
    let s = check + `let ${n} = 0;\n`;
    s += info.fields.map((f) => `if (${v}.${f.name} !== undefined) ${n}++;`).join('\n');
    s += `\nif (${n} !== 1) $unionErr(w, ${p}, ${lit(names.join(', '))}, ${n});\n`;
    s += `for (let z = 0; z < ${info.size}; z++) dv.setUint8(${o} + z, 0);\n`;
    s += info.fields
      .map((f, k) => {
        const x = `f${id}_${k}`;
        return `${k ? 'else ' : ''}if (${v}.${f.name} !== undefined) { const ${x} = ${v}.${f.name};\n${genEnc(f.type, x, o, joinField(p, f.name), ctx)} }`;
      })
      .join('\n');
    return s;
  }

  function genEncScalar(t, v, o, p) {
    const s = SCALARS[t];
    const want = lit(`${t} (${t === 'bool' ? 'boolean' : s.wide ? `number or bigint${s.wide === 'pointer' ? ' or null' : ''}` : 'number'})`);
    if (t === 'bool') return `if (typeof ${v} !== 'boolean') $typeErr(w, ${p}, ${want}, ${v});\ndv.setUint8(${o}, ${v} ? 1 : 0);`;
    if (s.float) return `if (typeof ${v} !== 'number') $typeErr(w, ${p}, ${want}, ${v});\ndv.${s.set}(${o}, ${v}, true);`;
    if (!s.wide) {
      // Fractions truncate (as for ≤32-bit arguments); the truncated value must fit the type.
      return `if (typeof ${v} !== 'number') $typeErr(w, ${p}, ${want}, ${v});
if (!(${v} > ${s.min - 1} && ${v} < ${s.max + 1})) $rangeErr(w, ${p}, ${lit(t)}, ${v});
dv.${s.set}(${o}, ${v}, true);`;
    }
    const signed = s.wide === 'signed';
    const [nlo, nhi] = signed ? ['-9223372036854775808', '9223372036854775808'] : ['-1', '18446744073709551616'];
    const [blo, bhi] = signed ? ['$I64MIN', '$I64MAX'] : ['0n', '$U64MAX'];
    const nullCase = s.wide === 'pointer' ? `if (${v} === null) { dv.setUint32(${o}, 0, true); dv.setUint32(${o} + 4, 0, true); } else ` : '';
    // A signed minimum of exactly -2^63 is a double; `>=` keeps it, NaN fails both sides.
    const ncmp = signed ? `${v} >= ${nlo} && ${v} < ${nhi}` : `${v} > ${nlo} && ${v} < ${nhi}`;
    return `${nullCase}if (typeof ${v} === 'number') {
  if (!(${ncmp})) $rangeErr(w, ${p}, ${lit(t)}, ${v});
  $w64n(dv, ${o}, ${v});
} else if (typeof ${v} === 'bigint') {
  if (${v} < ${blo} || ${v} > ${bhi}) $rangeErr(w, ${p}, ${lit(t)}, ${v});
  dv.${signed ? 'setBigInt64' : 'setBigUint64'}(${o}, ${v}, true);
} else $typeErr(w, ${p}, ${want}, ${v});`;
  }

  /** { pre, expr }: statements, then an expression for the value of type t at offset o. */
  function genDec(t, o, ctx) {
    if (typeof t === 'string') return { pre: '', expr: genDecScalar(t, o) };
    const info = internals.get(t);
    const id = ++ctx.n;
    if (info.kind === 'array') {
      const a = `a${id}`;
      const i = `i${id}`;
      const e = genDec(info.element, `${o} + ${i} * ${sizeOf(info.element)}`, ctx);
      return {
        pre: `const ${a} = new Array(${info.length});\nfor (let ${i} = 0; ${i} < ${info.length}; ${i}++) { ${e.pre}\n${a}[${i}] = ${e.expr}; }\n`,
        expr: a,
      };
    }
    let pre = '';
    const parts = info.fields.map((f) => {
      const d = genDec(f.type, info.kind === 'union' ? o : `${o} + ${f.offset}`, ctx);
      pre += d.pre;
      return `${f.name}: ${d.expr}`;
    });
    return { pre, expr: `{ ${parts.join(', ')} }` };
  }

  function genDecScalar(t, o) {
    const s = SCALARS[t];
    if (t === 'bool') return `dv.getUint8(${o}) !== 0`;
    if (!s.wide) return `dv.${s.get}(${o}, true)`;
    return `${s.wide === 'signed' ? '$r64' : s.wide === 'unsigned' ? '$ru64' : '$rptr'}(dv, ${o})`;
  }

  function build(params, body, values, label) {
    const src = `"use strict"; // ffast ${label} #${++serial}\n${body}`;
    // eslint-disable-next-line no-new-func
    return new Function(...RT_NAMES, ...params, src)(...RT_VALUES, ...values);
  }

  const kDv = Symbol('ffast.view.dataView');
  const kOff = Symbol('ffast.view.offset');

  /**
   * Compile one type's code: `enc(dv, o, v, w)`, `dec(dv, o)`, `decInto(dv, o, target)`, the
   * view class, and the public encode/decode/view.
   */
  function compile(info) {
    const ctx = { n: 0 };
    const label = info.text.length > 60 ? info.text.slice(0, 60) + '…' : info.text;
    // A stand-in type node for the type being compiled (it is not registered yet).
    const node = Object.freeze({});
    internals.set(node, info);
    const enc = build([], `return function enc(dv, o, v, w) {\n${genEnc(node, 'v', 'o', '""', ctx)}\n};`, [], `encode ${label}`);
    const d = genDec(node, 'o', ctx);
    const dec = build([], `return function dec(dv, o) {\n${d.pre}return ${d.expr};\n};`, [], `decode ${label}`);
    let decInto;
    if (!info.fields) {
      // An array decodes into the given array-like, element by element (out(pointer(array))).
      const e = genDec(info.element, `o + i * ${sizeOf(info.element)}`, ctx);
      decInto = build(
        [],
        `return function decInto(dv, o, t) {\nfor (let i = 0; i < ${info.length}; i++) { ${e.pre}\nt[i] = ${e.expr}; }\n};`,
        [],
        `decodeInto ${label}`,
      );
    } else {
      let pre = '';
      const sets = info.fields.map((f) => {
        const x = genDec(f.type, info.kind === 'union' ? 'o' : `o + ${f.offset}`, ctx);
        pre += x.pre;
        return `t.${f.name} = ${x.expr};`;
      });
      decInto = build([], `return function decInto(dv, o, t) {\n${pre}${sets.join('\n')}\n};`, [], `decodeInto ${label}`);
    }
    const View = makeViewClass(info, label);
    const size = info.size;
    const what = info.kind;

    // One-entry cache: a hot loop encoding into the same buffer reuses its DataView.
    let lastTarget = null;
    let lastOffset = -1;
    let lastDv = null;
    function dvOf(target, offset, fn) {
      if (offset === undefined) offset = 0;
      else if (!(Number.isSafeInteger(offset) && offset >= 0)) {
        fail('ERR_FFAST_ARG_RANGE', `${what}.${fn}: offset must be a non-negative integer, got ${String(offset)}`);
      }
      if (target === lastTarget && offset === lastOffset && lastDv.byteLength === size) return lastDv;
      let dv;
      if (typeof target === 'number' || typeof target === 'bigint') {
        if (target === 0 || target === 0n) fail('ERR_FFAST_NULL_POINTER', `${what}.${fn}: pointer is NULL`);
        const base = typeof target === 'bigint' ? target : BigInt(target);
        dv = new DataView(toArrayBuffer(base + BigInt(offset), size));
        return dv;
      }
      let buf;
      let start;
      let len;
      if (target instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && target instanceof SharedArrayBuffer)) {
        buf = target;
        start = 0;
        len = target.byteLength;
      } else if (ArrayBuffer.isView(target)) {
        buf = target.buffer;
        start = target.byteOffset;
        len = target.byteLength;
      } else if (target === null || target === undefined) {
        fail('ERR_FFAST_NULL_POINTER', `${what}.${fn}: pointer is NULL`);
      } else {
        fail('ERR_FFAST_ARG_TYPE', `${what}.${fn}: expected a buffer, typed array, DataView or pointer, got ${describe(target)}`);
      }
      if (offset + size > len) {
        fail('ERR_FFAST_ARG_RANGE', `${what}.${fn}: ${size} bytes at offset ${offset} do not fit in ${len} bytes`);
      }
      dv = new DataView(buf, start + offset, size);
      lastTarget = target;
      lastOffset = offset;
      lastDv = dv;
      return dv;
    }
    return {
      enc,
      dec,
      decInto,
      View,
      encode(value, target, offset) {
        if (target === undefined) {
          const out = new Uint8Array(size);
          enc(new DataView(out.buffer), 0, value, `${what}.encode`);
          return out;
        }
        enc(dvOf(target, offset, 'encode'), 0, value, `${what}.encode`);
        return target;
      },
      decode(source, offset) {
        return dec(dvOf(source, offset, 'decode'), 0);
      },
      view(source, offset) {
        return new View(dvOf(source, offset, 'view'), 0);
      },
    };
  }

  /**
   * A view class: an accessor per field over (DataView, offset). Nested composites and arrays
   * give views of their own (zero-copy all the way down); assigning one encodes the whole value.
   */
  function makeViewClass(info, label) {
    const ctx = { n: 0 };
    const deps = [];
    const dep = (v) => {
      deps.push(v);
      return `$d${deps.length - 1}`;
    };
    const getter = (t, o) => {
      if (typeof t !== 'string') return `return new ${dep(internals.get(t).code.View)}(this[$kDv], ${o});`;
      return `const dv = this[$kDv]; return ${genDecScalar(t, o)};`;
    };
    const setter = (t, o, p) => `const dv = this[$kDv]; const w = 'view'; ${genEnc(t, 'v', o, lit(p), ctx)}`;
    let members = '';
    if (info.fields) {
      for (const f of info.fields) {
        const o = `this[$kOff] + ${info.kind === 'union' ? 0 : f.offset}`;
        members += `get ${f.name}() { ${getter(f.type, o)} }\nset ${f.name}(v) { ${setter(f.type, o, f.name)} }\n`;
      }
      members += `toJSON() { return ${dep(info)}.code.dec(this[$kDv], this[$kOff]); }\n`;
    } else {
      const es = sizeOf(info.element);
      const chk = `if (!(Number.isInteger(i) && i >= 0 && i < ${info.length})) $rangeErr('view', '', 'an index of ${info.text}', i);`;
      members += `get length() { return ${info.length}; }\n`;
      members += `get(i) { ${chk} ${getter(info.element, `this[$kOff] + i * ${es}`)} }\n`;
      members += `set(i, v) { ${chk} const dv = this[$kDv]; const w = 'view'; const o = this[$kOff] + i * ${es}; ${genEnc(info.element, 'v', 'o', '"[" + i + "]"', ctx)} }\n`;
      members += `*[Symbol.iterator]() { for (let i = 0; i < ${info.length}; i++) yield this.get(i); }\n`;
      members += `toJSON() { return ${dep(info)}.code.dec(this[$kDv], this[$kOff]); }\n`;
    }
    const names = deps.map((_, i) => `$d${i}`);
    const cls = build(
      ['$kDv', '$kOff', ...names],
      `return class ${info.kind}View {\nconstructor(dv, o) { this[$kDv] = dv; this[$kOff] = o; }\n${members}};`,
      [kDv, kOff, ...deps],
      `view ${label}`,
    );
    // (toJSON reads info.code at call time: it exists once compile() has returned.)
    return cls;
  }

  // --------------------------------------------------------------------------- pointer(T)
  function pointer(T) {
    if (!typeObjects.has(T)) fail('ERR_FFAST_TYPE', `pointer: expected a type made by ffast.struct/union/array, got ${describe(T)}`);
    return makePointerType(T, 'in');
  }
  function makePointerType(T, direction) {
    const P = Object.freeze(Object.assign(Object.create(null), { kind: 'pointer', to: T, direction, type: 'pointer' }));
    pointerTypes.add(P);
    return P;
  }
  const redirect = (direction) =>
    function (p) {
      if (!pointerTypes.has(p)) fail('ERR_FFAST_TYPE', `${direction}: expected a pointer(T) type, got ${describe(p)}`);
      return makePointerType(p.to, direction);
    };

  return {
    struct,
    union,
    array,
    pointer,
    out: redirect('out'),
    inout: redirect('inout'),
    isType: (t) => t !== null && typeof t === 'object' && typeObjects.has(t),
    isPointerType: (t) => t !== null && typeof t === 'object' && pointerTypes.has(t),
    codeOf: (t) => internals.get(t).code,
    kDv,
    kOff,
  };
};
