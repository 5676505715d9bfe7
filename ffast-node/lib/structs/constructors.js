'use strict';
// struct(), union(), array(), pointer(T) and out/inout: checking what the user gives, the
// layout from the native engine, and the frozen type objects.

const { fail, describe, show, keyName } = require('../errors.js');
const { native } = require('../native.js');
const { ownKeys, ownValue, readOwn, guarded } = require('../user-objects.js');
const { scalarPointee } = require('../types.js');
const { typeObjects, pointerTypes, internals, MAX_NESTING, INLINE_MAX, scalarName, nameTok, sizeOf, publicText, label, SCALARS, textOf } = require('./model.js');
const { compile } = require('./codegen.js');

// --------------------------------------------------------------------------- constructors
const POW2 = (n) => Number.isInteger(n) && n >= 1 && n <= 1 << 28 && (n & (n - 1)) === 0;
/** An array index: JS orders such own keys first, whatever order they were written in. */
const isIndex = (k) => {
  const n = Number(k) >>> 0;
  return String(n) === k && n !== 4294967295;
};

/**
 * One field type: a scalar name, or a type object. A `{ type, align }` descriptor is unwrapped
 * by the caller, once: its `type` must itself be a name or a type object, so nothing here
 * recurses into user objects (a getter or a placeholder that refers back to the struct being
 * defined can only produce `undefined` or a plain object, both refused).
 */
function fieldType(t, where) {
  if (typeof t === 'string') return scalarName(t, where);
  if (t !== null && typeof t === 'object' && typeObjects.has(t)) return t;
  if (t !== null && typeof t === 'object' && pointerTypes.has(t)) {
    fail('ERR_FFAST_TYPE', `${where}: pointer(T) describes a parameter; a member holding an address is 'pointer'`);
  }
  return fail(
    'ERR_FFAST_TYPE',
    `${where}: expected a type name or a type made by ffast.struct/union/array, got ${describe(t)}` +
      (t === undefined ? " (a struct cannot contain itself; use a 'pointer' field for links)" : ''),
  );
}

function readOpts(opts, kind) {
  if (opts === undefined) return { pack: undefined };
  if (opts === null || typeof opts !== 'object') fail('ERR_FFAST_DEFINITION', `${kind}: options must be an object, got ${describe(opts)}`);
  const { pack } = readOwn(opts, ['pack'], kind, 'option');
  if (pack !== undefined && ![1, 2, 4, 8, 16].includes(pack)) {
    fail('ERR_FFAST_DEFINITION', `${kind}: pack must be 1, 2, 4, 8 or 16 (as #pragma pack), got ${show(pack)}`);
  }
  return { pack };
}

/** Whether a member type is or holds a string member (at any depth). */
const stringsIn = (t) => (typeof t === 'string' ? SCALARS[t].wide === 'string' : internals.get(t).hasStrings);

/** Nesting depth of a member type (scalars: 0). */
const depthOf = (t) => (typeof t === 'string' ? 0 : internals.get(t).depth);
/** What a member adds to its parent's code: its own weight when inlined, 1 for a call. */
const weightOf = (t) => (typeof t === 'string' ? 1 : internals.get(t).weight <= INLINE_MAX ? internals.get(t).weight : 1);

/** How many nodes the whole tree of a member type has (shared parts counted each time; capped). */
const nodesOf = (t) => (typeof t === 'string' ? 1 : internals.get(t).nodes);

/** `#i` for a type object (its handle joins `deps`), the canonical name for a scalar. */
const typeTok = (t, deps) => (typeof t === 'string' ? textOf(t) : `#${deps.push(internals.get(t).handle) - 1}`);

function checkDepth(depth, kind) {
  if (depth > MAX_NESTING) fail('ERR_FFAST_DEFINITION', `${kind}: types nest more than ${MAX_NESTING} levels deep`);
}

function composite(kind, fieldsIn, opts) {
  if (
    fieldsIn === null ||
    typeof fieldsIn !== 'object' ||
    typeObjects.has(fieldsIn) ||
    pointerTypes.has(fieldsIn) ||
    guarded(kind, 'whether its fields are an array', () => Array.isArray(fieldsIn))
  ) {
    fail('ERR_FFAST_DEFINITION', `${kind}: fields must be an object { name: type, … }, got ${describe(fieldsIn)}`);
  }
  const { pack } = readOpts(opts, kind);
  const where0 = `${kind} fields`;
  const names = ownKeys(fieldsIn, where0);
  if (names.length === 0) fail('ERR_FFAST_DEFINITION', `${kind}: a ${kind} needs at least one field (C has no empty ${kind}s)`);
  const fields = [];
  for (const name of names) {
    if (typeof name !== 'string') fail('ERR_FFAST_DEFINITION', `${kind}: a symbol key (${keyName(name)}) cannot name a member`);
    if (isIndex(name)) {
      fail('ERR_FFAST_DEFINITION', `${kind}: member name ${keyName(name)} is an array index (JS lists such keys first, not in the order written); use another name`);
    }
    if (!name.isWellFormed()) fail('ERR_FFAST_DEFINITION', `${kind}: member name ${keyName(name)} has a lone surrogate`);
  }
  for (const name of names) {
    const where = `${kind} field ${keyName(name)}`;
    const spec = ownValue(fieldsIn, name, where0); // read once: a getter cannot answer differently later
    let t = spec;
    let align;
    if (spec !== null && typeof spec === 'object' && !typeObjects.has(spec) && !pointerTypes.has(spec)) {
      const o = readOwn(spec, ['type', 'align'], where);
      if (o.type === undefined) {
        fail('ERR_FFAST_TYPE', `${where}: expected a type name, a type object or { type, align }, got ${describe(spec)} without an own 'type'`);
      }
      t = o.type;
      align = o.align;
      if (align !== undefined && !POW2(align)) {
        fail('ERR_FFAST_DEFINITION', `${where}: align must be a power of two, got ${show(align)}`);
      }
    }
    fields.push({ name, type: fieldType(t, where), align });
  }
  // A union is decoded with every member read: a string member would follow the bytes of
  // whichever member C stored as a pointer (docs/struct-strings.md §1). Refused where a
  // union is built, which every path making a union type goes through.
  const withStrings = fields.find((f) => stringsIn(f.type));
  if (kind === 'union' && withStrings !== undefined) {
    fail(
      'ERR_FFAST_TYPE',
      `union field ${keyName(withStrings.name)}: a union cannot hold a string member (decoding reads every member); use a 'pointer' member and cstring()`,
    );
  }
  let depth = 1;
  let weight = 1;
  let nodes = 1;
  const deps = [];
  let text = `${kind}${pack !== undefined ? `<${pack}>` : ''}{`;
  fields.forEach((f, i) => {
    depth = Math.max(depth, 1 + depthOf(f.type));
    weight += weightOf(f.type);
    nodes = Math.min(nodes + nodesOf(f.type), 1e9);
    text += `${i ? ',' : ''}${nameTok(f.name)}:${typeTok(f.type, deps)}${f.align !== undefined ? `@${f.align}` : ''}`;
  });
  checkDepth(depth, kind);
  const l = layoutOf(`${text}}`, kind, deps);
  fields.forEach((f, i) => {
    f.offset = l.offsets[i];
  });
  return makeType(kind, l, fields, { pack, depth, weight, nodes, element: undefined, length: undefined, hasStrings: withStrings !== undefined });
}

function layoutOf(text, kind, deps) {
  try {
    return native.layout(text, deps);
  } catch (e) {
    // The engine's messages name the field path; keep its code (ERR_FFAST_TYPE/DEFINITION).
    if (e && typeof e.code === 'string') fail(e.code, `${kind}: ${e.message}`);
    throw e;
  }
}

function struct(fields, opts) {
  return composite('struct', fields, opts);
}
function union(fields, opts) {
  return composite('union', fields, opts);
}
function array(type, length) {
  const elem = fieldType(type, 'array element');
  if (!(Number.isSafeInteger(length) && length >= 1)) {
    fail('ERR_FFAST_DEFINITION', `array: length must be a positive integer, got ${show(length)}`);
  }
  const depth = 1 + depthOf(elem);
  checkDepth(depth, 'array');
  const deps = [];
  const l = layoutOf(`[${typeTok(elem, deps)};${length}]`, 'array', deps);
  return makeType('array', l, null, {
    element: elem, length, depth, weight: 1 + weightOf(elem), nodes: 1 + nodesOf(elem), pack: undefined, hasStrings: stringsIn(elem),
  });
}

function makeType(kind, l, fields, extra) {
  const T = Object.create(null);
  const info = {
    kind, size: l.size, align: l.align, fields, element: extra.element, length: extra.length, pack: extra.pack,
    depth: extra.depth, weight: extra.weight, nodes: extra.nodes, handle: l.handle, text: undefined, hasStrings: extra.hasStrings,
  };
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
    size: l.size,
    align: l.align,
    ...(fields ? { fields: pub } : { element: extra.element, length: extra.length }),
    ...(extra.pack !== undefined ? { pack: extra.pack } : {}),
  };
  Object.defineProperty(T, 'kind', { __proto__: null, value: kind, enumerable: true });
  Object.defineProperty(T, 'type', { __proto__: null, get: () => publicText(info), enumerable: true });
  for (const [k, v] of Object.entries(props)) if (k !== 'kind') Object.defineProperty(T, k, { __proto__: null, value: v, enumerable: true });
  const code = compile(info);
  info.code = code;
  Object.defineProperty(T, 'offsetof', { __proto__: null, value: (p) => offsetOf(T, p) });
  Object.defineProperty(T, 'encode', { __proto__: null, value: code.encode });
  Object.defineProperty(T, 'decode', { __proto__: null, value: code.decode });
  Object.defineProperty(T, 'view', { __proto__: null, value: code.view });
  Object.defineProperty(T, 'toString', { __proto__: null, value: () => publicText(info) });
  typeObjects.add(T);
  return Object.freeze(T);
}

/**
 * offsetof(T, 'a.b[2].c') — identifiers and indices — or offsetof(T, ['a b', 2, 'c']) for any
 * member names: byte offset of a (nested) member.
 */
function offsetOf(T, p) {
  let steps;
  let path;
  if (p !== null && typeof p === 'object' && guarded('offsetof', 'whether the path is an array', () => Array.isArray(p))) {
    const xs = guarded('offsetof', 'the path', () => Array.from({ length: Math.min(p.length, 1 << 16) }, (_, i) => (Object.hasOwn(p, i) ? p[i] : undefined)));
    steps = xs.map((x) => {
      if (typeof x === 'string') return { name: x };
      if (Number.isSafeInteger(x) && x >= 0) return { index: x };
      return fail('ERR_FFAST_ARG_TYPE', `offsetof: a path step must be a member name or an index, got ${show(x)}`);
    });
    if (steps.length === 0) fail('ERR_FFAST_ARG_TYPE', 'offsetof: the path is empty');
    path = xs.map((x) => (typeof x === 'string' ? x : `[${x}]`)).join('.');
  } else if (typeof p === 'string' && p !== '') {
    path = p;
    steps = [];
    const re = /\.?([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]/y;
    let at = 0;
    while (at < p.length) {
      re.lastIndex = at;
      const m = re.exec(p);
      if (!m || (at === 0 && p[0] === '.')) fail('ERR_FFAST_ARG_TYPE', `offsetof: malformed field path ${show(p)}`);
      at = re.lastIndex;
      steps.push(m[1] !== undefined ? { name: m[1] } : { index: Number(m[2]) });
    }
  } else {
    fail('ERR_FFAST_ARG_TYPE', `offsetof: expected a field path (a string, or an array of names and indices), got ${describe(p)}`);
  }
  let t = T;
  let off = 0;
  for (const st of steps) {
    const info = typeof t === 'string' ? null : internals.get(t);
    const what = typeof t === 'string' ? t : label(info);
    if (st.name !== undefined) {
      const f = info && info.fields && info.fields.find((x) => x.name === st.name);
      if (!f) fail('ERR_FFAST_ARG_TYPE', `offsetof: no field ${keyName(st.name)} in ${what} (path ${show(path)})`);
      off += f.offset;
      t = f.type;
    } else {
      if (!info || info.kind !== 'array') fail('ERR_FFAST_ARG_TYPE', `offsetof: ${what} is not an array (path ${show(path)})`);
      if (st.index >= info.length) fail('ERR_FFAST_ARG_RANGE', `offsetof: index ${st.index} is out of range for ${what} (path ${show(path)})`);
      off += st.index * sizeOf(info.element);
      t = info.element;
    }
  }
  return off;
}

// --------------------------------------------------------------------------- pointer(T)
function pointer(T) {
  // A scalar name: a typed pointer (docs/pointers.md §2), `to` its canonical name.
  if (typeof T === 'string') {
    const to = scalarPointee(T);
    if (to === undefined) fail('ERR_FFAST_TYPE', `pointer: ${show(T)} is not a scalar type a pointer can point to (i8…f64, bool, pointer, string)`);
    return makePointerType(to, 'in');
  }
  if (T !== null && typeof T === 'object' && pointerTypes.has(T)) {
    fail('ERR_FFAST_TYPE', "pointer: a pointer to a pointer is pointer('pointer') (its elements are addresses)");
  }
  if (T === null || typeof T !== 'object' || !typeObjects.has(T)) {
    fail('ERR_FFAST_TYPE', `pointer: expected a scalar type name or a type made by ffast.struct/union/array, got ${describe(T)}`);
  }
  return makePointerType(T, 'in');
}
function makePointerType(T, direction) {
  const P = Object.freeze(Object.assign(Object.create(null), { kind: 'pointer', to: T, direction, type: 'pointer' }));
  pointerTypes.add(P);
  return P;
}
const redirect = (direction) =>
  function (p) {
    if (p === null || typeof p !== 'object' || !pointerTypes.has(p)) fail('ERR_FFAST_TYPE', `${direction}: expected a pointer(T) type, got ${describe(p)}`);
    return makePointerType(p.to, direction);
  };

module.exports = { struct, union, array, pointer, redirect };
