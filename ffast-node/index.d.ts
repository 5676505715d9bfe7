// TypeScript declarations for ffast. Definitions written `as const` get precise function types:
//   const lib = dlopen('libm.so.6', { cos: { parameters: ['f64'], result: 'f64' } } as const)
//   lib.symbols.cos(0) // (a0: number) => number

/** Integer types up to 32 bits, C spellings included. */
export type Int32TypeName =
  | 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32'
  | 'int8_t' | 'uint8_t' | 'int16_t' | 'uint16_t' | 'int32_t' | 'uint32_t'
  | 'char' | 'signed char' | 'unsigned char' | 'short' | 'unsigned short' | 'int' | 'unsigned int' | 'unsigned'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32'
  | 'uchar' | 'short int' | 'signed short' | 'unsigned short int' | 'ushort' | 'signed' | 'signed int' | 'uint';
/** 64-bit integer types (Number when safe, BigInt otherwise). */
export type Int64TypeName =
  | 'i64' | 'u64' | 'isize' | 'usize' | 'int64_t' | 'uint64_t' | 'int64' | 'uint64'
  | 'long' | 'unsigned long' | 'long long' | 'unsigned long long' | 'size_t' | 'ssize_t' | 'intptr_t' | 'uintptr_t' | 'ptrdiff_t' | 'off_t'
  | 'long int' | 'signed long' | 'long long int' | 'signed long long' | 'unsigned long int' | 'ulong' | 'unsigned long long int'
  | 'isz' | 'usz';
export type FloatTypeName = 'f32' | 'f64' | 'float' | 'double' | 'float32' | 'float64';
export type BoolTypeName = 'bool' | '_Bool' | 'boolean';
export type PointerTypeName = 'pointer' | 'ptr' | 'void*' | 'void *' | 'const void*' | 'const void *';
export type StringTypeName = 'string' | 'char*' | 'char *' | 'const char*' | 'const char *' | 'cstring' | 'str';
export type BufferTypeName = 'buffer';
/** A C function pointer: takes a `Callback`, an address, or null. */
export type FunctionTypeName = 'function';
/**
 * A C function pointer whose C signature is known (docs/callbacks.md §1.2): as a parameter it
 * also takes a plain JS function, which becomes a callback for that call only (what it throws
 * is thrown by the call); a `Callback` must have the same signature. As a result, or inside a
 * callback's definition, it is an address, as `'function'` is.
 */
export interface FunctionType {
  readonly function: {
    readonly parameters?: readonly CallbackParameterType[];
    readonly result: CallbackResultType;
  };
}
export type VoidTypeName = 'void';
/** Wide strings (docs/pointers.md §7): UTF-16, UTF-32, wchar_t (UTF-32 on Linux and macOS). */
export type WideStringTypeName = 'u16string' | 'u32string' | 'wstring';
/**
 * C pointer spellings (docs/pointers.md §3): `T*` for a known scalar T is a typed pointer
 * (`const T*` in, `T*` inout), `T**`/`void**` a pointer to pointers, any other identifier `T*`
 * an untyped pointer; `char*` is a string, `wchar_t*`/`char16_t*`/`char32_t*` wide strings.
 */
export type CPointerSpelling = `${string}*` | `${string}* const` | `${string}*const`;
/** (type-level) The text without white space around it. */
type TrimText<S extends string> = S extends ` ${infer R}` ? TrimText<R> : S extends `${infer R} ` ? TrimText<R> : S;
type Qualifier = 'const' | 'volatile' | 'restrict' | '__restrict';
/** (type-level) The text without qualifiers at either end (`const int ` → `int`, `int* const` → `int*`). */
type Unqualified<S extends string> =
  TrimText<S> extends `${Qualifier} ${infer R}` ? Unqualified<R> :
  TrimText<S> extends `${infer R} ${Qualifier}` ? Unqualified<R> :
  TrimText<S> extends `${infer R}*${Qualifier}` ? Unqualified<`${R}*`> :
  TrimText<S>;
/** (type-level) The base name of a pointer spelling: every star and qualifier removed. */
type SpellingBase<S extends string> = Unqualified<S> extends `${infer X}*` ? SpellingBase<X> : Unqualified<S>;
/**
 * (type-level) What a C pointer spelling is, as docs/pointers.md §3 reads it: 'string' (char*),
 * 'wide' (wchar_t*, char16_t*, char32_t*), 'untyped' (void*, any unknown T*), 'pointers' (T**,
 * pointer*), 'strings' (char**, wchar_t**, string*), or the typed pointer's element name.
 */
export type CPointerKind<T extends string> =
  Unqualified<T> extends `${infer B}*`
    ? Unqualified<B> extends `${infer X}*`
      ? X extends `${string}*${string}` ? 'pointers'
      : SpellingBase<X> extends 'char' | 'wchar_t' | 'char16_t' | 'char32_t' ? 'strings'
      : 'pointers'
    : Unqualified<B> extends 'char' ? 'string'
    : Unqualified<B> extends 'wchar_t' | 'char16_t' | 'char32_t' ? 'wide'
    : Unqualified<B> extends 'string' | 'str' | 'cstring' ? 'strings'
    : Unqualified<B> extends 'pointer' | 'ptr' | 'function' ? 'pointers'
    : Unqualified<B> extends Int32TypeName | Int64TypeName | FloatTypeName | BoolTypeName ? Unqualified<B>
    : 'untyped'
  : never;
/** (type-level) The JS value a C pointer spelling takes as a parameter. */
type CPointerArg<K> =
  K extends 'string' | 'wide' ? string | null | undefined :
  K extends 'untyped' ? Pointer | Callback | null | undefined :
  K extends 'pointers' ? (Pointer | null | undefined)[] | BufferSource | Pointer | Callback | null | undefined :
  K extends 'strings' ? (string | Pointer | null | undefined)[] | BufferSource | Pointer | Callback | null | undefined :
  ElementValue<K>[] | BufferSource | Pointer | Callback | null | undefined;
/** (type-level) The JS value a C pointer spelling gives as a result, variable or callback parameter. */
type CPointerResult<K> = K extends 'string' | 'wide' ? string | null : Pointer | null;

/** Scalars a typed pointer (pointer('i32'), 'int*') can point to. */
export type ScalarPointeeName = Int32TypeName | Int64TypeName | FloatTypeName | BoolTypeName | PointerTypeName | StringTypeName;

/** Scalar type names: what a variadic argument may be (after `'...'`). */
export type ScalarTypeName =
  | Int32TypeName | Int64TypeName | FloatTypeName | BoolTypeName | PointerTypeName | StringTypeName | BufferTypeName
  | FunctionTypeName;
/** Ends a variadic function's parameters (C's ellipsis): README "Variadic functions". */
export type VariadicMarker = '...';

export type ParameterType =
  | Int32TypeName | Int64TypeName | FloatTypeName | BoolTypeName | PointerTypeName | StringTypeName | BufferTypeName
  | AggregateType | PointerType | FunctionTypeName | FunctionType | WideStringTypeName | CPointerSpelling | TypedPointerType;
export type ResultType =
  | VoidTypeName | Int32TypeName | Int64TypeName | FloatTypeName | BoolTypeName | PointerTypeName | StringTypeName
  | AggregateType | PointerType<CType, 'in'> | FunctionTypeName | FunctionType | WideStringTypeName | CPointerSpelling | TypedPointerType<ScalarPointeeName, 'in'>
  | ResultDescriptor;
/**
 * A string result C allocated (docs/pointers.md §8.2): decoded, then `free` (a C function named
 * as in the library, else the process, e.g. 'free') is called with C's pointer.
 */
export interface ResultDescriptor {
  readonly type: StringTypeName | WideStringTypeName | CPointerSpelling;
  readonly free?: string;
}

// ------------------------------------------------------------------ structs, unions, arrays
/**
 * Scalar names a struct/union/array member may have. A string (char*) member is a UTF-8 copy
 * valid for the call when passed to C, decoded on the way out; a union cannot hold one, and
 * T.encode / view setters take only null for it (docs/struct-strings.md).
 */
export type FieldTypeName =
  | Int32TypeName | Int64TypeName | FloatTypeName | BoolTypeName | PointerTypeName | StringTypeName
  // (a wide string member follows the string member rules, in its encoding: docs/pointers.md §7;
  // every other C pointer spelling is an address member)
  | WideStringTypeName | CPointerSpelling;
/** A member's type: a scalar name or a type object. */
export type FieldType = FieldTypeName | CType;
/** A member: its type, or `{ type, align }` (like `__attribute__((aligned(align)))`). */
export type FieldSpec = FieldType | { readonly type: FieldType; readonly align?: number };
export type Fields = { readonly [name: string]: FieldSpec };

/** JS value a decoded member has (64-bit integers: Number when safe, else BigInt). */
export type FieldValue<F> =
  F extends CType<infer O, any> ? O :
  F extends { readonly type: infer T } ? FieldValue<T> :
  F extends Int32TypeName | FloatTypeName ? number :
  F extends Int64TypeName ? number | bigint :
  F extends BoolTypeName ? boolean :
  F extends PointerTypeName ? Pointer | null :
  F extends StringTypeName ? string | null :
  F extends WideStringTypeName ? string | null :
  F extends CPointerSpelling ? CPointerResult<CPointerKind<F>> :
  never;
/** JS value a member accepts when encoding. */
export type FieldInput<F> =
  F extends CType<any, infer I> ? I :
  F extends { readonly type: infer T } ? FieldInput<T> :
  F extends Int32TypeName | FloatTypeName ? number :
  F extends Int64TypeName ? number | bigint :
  F extends BoolTypeName ? boolean :
  F extends PointerTypeName ? Pointer | null :
  F extends StringTypeName ? string | null :
  F extends WideStringTypeName ? string | null :
  F extends CPointerSpelling ? CPointerResult<CPointerKind<F>> :
  never;
export type StructValue<F extends Fields> = { -readonly [K in keyof F]: FieldValue<F[K]> };
export type StructInput<F extends Fields> = { readonly [K in keyof F]: FieldInput<F[K]> };
/** A union is encoded from exactly one member. */
export type UnionInput<F extends Fields> = {
  [K in keyof F]: { readonly [P in K]: FieldInput<F[K]> } & { readonly [P in Exclude<keyof F, K>]?: undefined };
}[keyof F];

/** Zero-copy accessors over memory: members read and written in place. */
export type TypeView<T> = T extends readonly (infer E)[]
  ? ArrayView<E>
  : { -readonly [K in keyof T]: T[K] extends object ? TypeView<T[K]> : T[K] } & { toJSON(): T };
export interface ArrayView<E> extends Iterable<E extends object ? TypeView<E> : E> {
  readonly length: number;
  get(i: number): E extends object ? TypeView<E> : E;
  set(i: number, value: unknown): void;
  toJSON(): E[];
}

/** Where memory is read or written: a buffer/view, or a native address. */
export type MemorySource = BufferSource | Pointer;

/** A C aggregate type made by struct(), union() or array(); immutable. */
export interface CType<Out = unknown, In = Out> {
  readonly kind: 'struct' | 'union' | 'array';
  /** Canonical text of the type (what the native layout engine parses). */
  readonly type: string;
  /** sizeof, in bytes. */
  readonly size: number;
  /** _Alignof, in bytes. */
  readonly align: number;
  /**
   * Byte offset of a member: `'x'`, nested `'inner.y'`, array elements `'arr[2]'`; or as a list
   * of member names and indices, for any names: `['my field', 2, 'y']`.
   */
  offsetof(path: string | readonly (string | number)[]): number;
  /** Encode into a new Uint8Array of `size` bytes. */
  encode(value: In): Uint8Array;
  /** Encode into `target` at `offset` (default 0); returns `target`. */
  encode<B extends MemorySource>(value: In, target: B, offset?: number): B;
  decode(source: MemorySource, offset?: number): Out;
  view(source: MemorySource, offset?: number): TypeView<Out>;
  toString(): string;
}
export interface FieldInfo {
  readonly name: string;
  readonly type: FieldTypeName | CType;
  readonly offset: number;
  readonly align?: number;
}
export interface StructType<F extends Fields = Fields> extends CType<StructValue<F>, StructInput<F>> {
  readonly kind: 'struct';
  readonly fields: readonly FieldInfo[];
  readonly pack?: 1 | 2 | 4 | 8 | 16;
}
export interface UnionType<F extends Fields = Fields> extends CType<StructValue<F>, UnionInput<F>> {
  readonly kind: 'union';
  readonly fields: readonly FieldInfo[];
  readonly pack?: 1 | 2 | 4 | 8 | 16;
}
export interface ArrayType<E extends FieldType = FieldType> extends CType<FieldValue<E>[], ArrayLike<FieldInput<E>>> {
  readonly kind: 'array';
  readonly element: E;
  readonly length: number;
}
/** Structs and unions travel by value; arrays do not (C passes them as pointers). */
export type AggregateType = StructType<any> | UnionType<any>;

export interface LayoutOptions {
  /** Like `#pragma pack(n)` around the declaration. */
  readonly pack?: 1 | 2 | 4 | 8 | 16;
}
/**
 * A C struct; member order is the key order. A member name is any string but an array index
 * (JS lists those first) — `constructor`, `__proto__`, spaces, quotes and unicode included.
 */
export function struct<const F extends Fields>(fields: F, options?: LayoutOptions): StructType<F>;
/** A C union: encoded from exactly one member, decoded with every member. */
export function union<const F extends Fields>(fields: F, options?: LayoutOptions): UnionType<F>;
/** A fixed-length array, for members (`T name[length]`). */
export function array<const E extends FieldType>(element: E, length: number): ArrayType<E>;

/** A pointer-to-T parameter: an object is encoded into a temporary for the call (out/inout:
 * decoded back into it afterwards), a buffer or view is copied in (and back); an address is
 * passed as is, null is NULL. As a result type: a plain address (decode it with T.decode). */
export interface PointerType<T extends CType = CType, D extends 'in' | 'out' | 'inout' = 'in' | 'out' | 'inout'> {
  readonly kind: 'pointer';
  readonly to: T;
  readonly direction: D;
  readonly type: 'pointer';
}
export function pointer<T extends CType>(type: T): PointerType<T, 'in'>;
export function pointer<const E extends ScalarPointeeName>(type: E): TypedPointerType<E, 'in'>;
export function out<T extends CType>(p: PointerType<T>): PointerType<T, 'out'>;
export function out<E extends ScalarPointeeName>(p: TypedPointerType<E>): TypedPointerType<E, 'out'>;
export function inout<T extends CType>(p: PointerType<T>): PointerType<T, 'inout'>;
export function inout<E extends ScalarPointeeName>(p: TypedPointerType<E>): TypedPointerType<E, 'inout'>;
/**
 * A typed pointer (docs/pointers.md §2, §4): a JS array is a temporary C array of its elements
 * plus a zeroed one (out/inout: C's values are written back, so `[null]` receives one), memory
 * is passed by address, a Number/BigInt is an address, null is NULL.
 */
export interface TypedPointerType<E extends ScalarPointeeName = ScalarPointeeName, D extends 'in' | 'out' | 'inout' = 'in' | 'out' | 'inout'> {
  readonly kind: 'pointer';
  readonly to: string;
  readonly direction: D;
  readonly type: 'pointer';
  /** (type-level only) */
  readonly __element?: E;
}
/** An element of a typed pointer's array, by its scalar name. */
export type ElementValue<E> =
  E extends Int32TypeName | FloatTypeName ? number :
  E extends Int64TypeName ? number | bigint :
  E extends BoolTypeName ? boolean :
  E extends StringTypeName ? string | Pointer | null | undefined :
  E extends PointerTypeName ? Pointer | null | undefined :
  never;

/** An address: a Number (a BigInt only above 2^53). */
export type Pointer = number | bigint;
export type BufferSource = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

/** JS type accepted for a parameter type. */
export type ArgValue<T> =
  T extends PointerType<CType<infer O, infer I>, infer D>
    ? (D extends 'in' ? I : D extends 'out' ? Partial<O> : I) | BufferSource | TypeView<O> | Pointer | null | undefined :
  T extends CType<infer O, infer I> ? I | BufferSource | TypeView<O> :
  T extends FunctionType
    ? Callback | Pointer | null | undefined | ((...args: CallbackArgs<ParamsOf<T['function']>>) => CallbackReturnValue<T['function']['result']>) :
  T extends TypedPointerType<infer E, infer D>
    ? (D extends 'out' ? unknown[] : ElementValue<E>[]) | BufferSource | Pointer | Callback | null | undefined :
  T extends Int32TypeName | FloatTypeName ? number :
  T extends Int64TypeName ? number | bigint :
  T extends BoolTypeName ? boolean :
  T extends PointerTypeName | FunctionTypeName ? Pointer | Callback | null | undefined :
  T extends StringTypeName ? string | null | undefined :
  T extends BufferTypeName ? BufferSource | null | undefined :
  T extends WideStringTypeName ? string | null | undefined :
  T extends CPointerSpelling ? CPointerArg<CPointerKind<T>> :
  never;

/** JS type returned for a result type. */
export type ResultValue<T> =
  T extends PointerType ? Pointer | null :
  T extends FunctionType ? Pointer | null :
  T extends CType<infer O, any> ? O :
  T extends VoidTypeName ? undefined :
  T extends Int32TypeName | FloatTypeName ? number :
  T extends Int64TypeName ? number | bigint :
  T extends BoolTypeName ? boolean :
  T extends PointerTypeName | FunctionTypeName ? Pointer | null :
  T extends StringTypeName ? string | null :
  T extends ResultDescriptor ? string | null :
  T extends WideStringTypeName ? string | null :
  T extends CPointerSpelling ? CPointerResult<CPointerKind<T>> :
  T extends TypedPointerType ? Pointer | null :
  never;

/**
 * A function's definition, read through its own properties only (inherited ones are not seen);
 * any other own key is an ERR_FFAST_DEFINITION naming the nearest valid one.
 */
export interface Definition {
  /**
   * Default: none (a call with arguments then fails with ERR_FFAST_ARG_COUNT). Ending with
   * `'...'` declares a variadic function (README "Variadic functions").
   */
  readonly parameters?: readonly (ParameterType | VariadicMarker)[];
  /** Required: `'void'` for a function that returns nothing. */
  readonly result: ResultType;
  /** The C symbol, when it differs from the key. */
  readonly name?: string;
  /** Give `null` instead of throwing ERR_FFAST_SYMBOL_NOT_FOUND when the symbol is missing. */
  readonly optional?: boolean;
  /**
   * Run the C function off the JS thread (the thread's dedicated lane thread, or the libuv
   * thread pool while the lane is busy): the function returns a Promise of its result.
   * Argument errors still throw synchronously; buffers passed must not be detached or
   * transferred until the Promise settles.
   */
  readonly nonblocking?: boolean;
  /**
   * The function may call a callback synchronously (implied by a `function` parameter): it
   * runs on the slow path and lets callbacks run JS during the call (README "Callbacks").
   */
  readonly callbacks?: boolean;
  /**
   * Exchange C's errno with this JS thread's saved value around each call: `errno()` then
   * returns what the call left; a nonblocking call resolves to `{ value, errno }`.
   */
  readonly errno?: boolean;
  /**
   * Let this function's calls run their C code on a side stack once they make many callbacks
   * each (Linux x64 and arm64; needs a `function` parameter or `callbacks: true`, and a
   * synchronous function): each callback then costs ~0.65× its default route. Only for C code
   * that does not depend on which stack it runs on (README "Callbacks").
   */
  readonly fiber?: boolean;
}

/** The JS argument list of a parameter list (a mapped tuple keeps arity and positions). */
type Args<P extends readonly unknown[]> = { -readonly [K in keyof P]: ArgValue<P[K]> };
/** A definition's parameter list (none when it has no `parameters`). */
type ParamsOf<D> = D extends { readonly parameters: infer P extends readonly unknown[] } ? P : [];

/**
 * The function of a definition: sync, or returning a Promise when `nonblocking: true`. An
 * aggregate result may instead be written into one extra trailing buffer (or object), which is
 * returned.
 */
export type ForeignFunction<D extends Definition> = ParamsOf<D> extends readonly [...infer F, VariadicMarker]
  ? VariadicFunction<F, D>
  : D['nonblocking'] extends true
  ? (...args: Args<ParamsOf<D>>) => Promise<AsyncResult<D>>
  : D['result'] extends CType<infer O, any>
  ? {
      (...args: Args<ParamsOf<D>>): O;
      <B extends BufferSource | Partial<O>>(...args: [...Args<ParamsOf<D>>, B]): B;
    }
  : (...args: Args<ParamsOf<D>>) => ResultValue<D['result']>;

/** What a nonblocking call's Promise settles to (`{ value, errno }` with `errno: true`). */
export type AsyncResult<D extends Definition> = D['errno'] extends true
  ? { value: ResultValue<D['result']>; errno: number }
  : ResultValue<D['result']>;
/** A call's result: the value, or a Promise of it for a nonblocking function. */
type CallResult<D extends Definition> = D['nonblocking'] extends true ? Promise<AsyncResult<D>> : ResultValue<D['result']>;

/**
 * A variadic function (parameters ending in `'...'`, fixed part `F`): called with the fixed
 * arguments then type/value pairs, or through `variadic(...types)`, the cached function of one
 * shape (a V8 fast call where its types allow).
 */
export interface VariadicFunction<F extends readonly unknown[], D extends Definition> {
  (...args: [...Args<F>, ...unknown[]]): CallResult<D>;
  variadic<const T extends readonly ScalarTypeName[]>(...types: T): (...args: [...Args<F>, ...Args<T>]) => CallResult<D>;
}

export type Symbols<S extends Record<string, Definition | VariableDefinition>> = {
  -readonly [K in keyof S as S[K] extends VariableDefinition ? K : never]: S[K] extends VariableDefinition ? VariableValue<S[K]['variable']> : never;
} & {
  readonly [K in keyof S as S[K] extends VariableDefinition ? never : K]: S[K] extends Definition
    ? S[K]['optional'] extends true ? ForeignFunction<S[K]> | null : ForeignFunction<S[K]>
    : never;
};

/**
 * An exported variable (docs/pointers.md §9): `lib.symbols.<key>` reads C's current value and
 * assignments store into it (member rules). A struct/union/array type gives a live view.
 */
export interface VariableDefinition {
  readonly variable: Int32TypeName | Int64TypeName | FloatTypeName | BoolTypeName | PointerTypeName | StringTypeName | WideStringTypeName | CPointerSpelling | CType;
  readonly name?: string;
  readonly optional?: boolean;
  /** (a variable is no function: runtime ERR_FFAST_DEFINITION) */
  readonly parameters?: never;
  readonly result?: never;
}
/** A variable's JS value by its type (a string variable is assigned an address or null). */
export type VariableValue<T> =
  // (toJSON optional: a plain value may be assigned to a struct variable; a read gives the view)
  T extends CType<infer O, any> ? (O extends readonly unknown[] ? TypeView<O> : { -readonly [K in keyof O]: O[K] extends object ? TypeView<O[K]> : O[K] } & { toJSON?(): O }) :
  T extends StringTypeName | WideStringTypeName ? string | null :
  T extends CPointerSpelling ? CPointerResult<CPointerKind<T>> :
  T extends Int32TypeName | FloatTypeName ? number :
  T extends Int64TypeName ? number | bigint :
  T extends BoolTypeName ? boolean :
  T extends PointerTypeName | CPointerSpelling ? Pointer | null :
  never;

/** dlopen's options; any other key is an ERR_FFAST_DEFINITION naming the nearest valid one. */
export interface DlopenOptions {
  /** RTLD_LAZY instead of RTLD_NOW. */
  lazy?: boolean;
  /** RTLD_GLOBAL instead of RTLD_LOCAL. */
  global?: boolean;
  /**
   * Whether the library's own references bind inside itself and its dependencies first
   * (glibc's RTLD_DEEPBIND). Omitted: only when the library (or a dependency it brings) defines
   * a symbol that the process already has, such as the zlib or OpenSSL that node bundles.
   * `true`: always; `false`: never. Ignored for `null` and on macOS/Windows (which always bind
   * that way); `true` is ERR_FFAST_UNSUPPORTED where RTLD_DEEPBIND does not exist (musl).
   * See docs/loading.md.
   */
  deep?: boolean;
  /**
   * `'eager'` (the default): dlopen checks every definition, looks up every symbol and makes
   * every function. `'lazy'`: dlopen opens the library and reads the symbols object only; each
   * function is made on the first read of its property (then a read-only data property holding
   * the same kind of function eager binding gives). A bad definition or a missing symbol throws
   * eager's error from that first read. See docs/definitions-and-memory.md, "Lazy binding".
   */
  bind?: 'eager' | 'lazy';
}

export interface Library<S extends Record<string, Definition | VariableDefinition>> {
  readonly path: string | null;
  readonly symbols: Symbols<S>;
  /**
   * Unload the library and free its trampolines; later calls throw ERR_FFAST_CLOSED. Nonblocking
   * calls already started complete normally; the library is unloaded after the last one.
   */
  close(): void;
  [Symbol.dispose](): void;
  /** The address of any symbol of the library (ERR_FFAST_SYMBOL_NOT_FOUND, or null when optional). */
  address(name: string): Pointer;
  address(name: string, options: { optional: true }): Pointer | null;
  address(name: string, options?: { optional?: boolean }): Pointer | null;
}

/** Open a shared library (`null`: the process itself) and bind `symbols`. */
/** A file: URL (structurally, so no DOM or Node type package is needed). */
export interface FileURLLike {
  readonly href: string;
  readonly protocol: string;
}

export function dlopen<const S extends Record<string, Definition | VariableDefinition>>(
  path: string | FileURLLike | null,
  symbols: S,
  options?: DlopenOptions,
): Library<S>;

/**
 * The errno saved by the last `errno: true` call on this JS thread (0 before any); with a value
 * (a C int), set it: the next `errno: true` call starts C with it.
 */
export function errno(): number;
export function errno(value: number): void;

/** Call a raw C function pointer. */
export function bind<const D extends Definition>(address: Pointer, definition: D): ForeignFunction<D>;

/**
 * Address of the first byte of a buffer or view (byteOffset applied); an empty buffer's is a valid
 * non-NULL address with nothing behind it. A detached buffer throws ERR_FFAST_ARG_TYPE. (A BigInt
 * only for a toArrayBuffer() buffer over memory above 2^53, which JS never allocates.)
 */
export function ptr(view: BufferSource): number;
/** UTF-8 string at `pointer` (up to NUL, or `byteLength` bytes); null for NULL (0, 0n, null, undefined). */
export function cstring(pointer: Pointer | null | undefined, byteLength?: number): string | null;
/** Zero-copy ArrayBuffer over native memory (the memory stays owned by C); NULL only with 0 bytes. */
export function toArrayBuffer(pointer: Pointer | null | undefined, byteLength: number): ArrayBuffer;
/** The strings of a `char**` at `pointer`: `count` entries (NULL ones null), or up to the first NULL. */
export function cstrings(pointer: Pointer | null | undefined): string[] | null;
export function cstrings(pointer: Pointer | null | undefined, count: number): (string | null)[] | null;
/** The UTF-16 string at `pointer` (`length` code units, or up to a 0 unit); null for NULL. */
export function u16string(pointer: Pointer | null | undefined, length?: number): string | null;
/** The UTF-32 string at `pointer` (`length` code units, or up to a 0 unit); null for NULL. */
export function u32string(pointer: Pointer | null | undefined, length?: number): string | null;
/** The wchar_t string at `pointer` (UTF-32 on Linux and macOS); null for NULL. */
export function wstring(pointer: Pointer | null | undefined, length?: number): string | null;
/** `count` elements of a type (or a byte count) on C's heap, zeroed, aligned to >= 16. */
export function alloc(typeOrSize: ScalarPointeeName | CPointerSpelling | CType | number, count?: number): number;
/** C's free(): what alloc() gave, or what C's malloc gave; NULL does nothing. */
export function free(pointer: Pointer | null | undefined): void;

/** A byte offset from an address (a BigInt for offsets beyond 2^53). */
export type Offset = number | bigint;

export interface Readers {
  bool(p: Pointer, offset?: Offset): boolean;
  i8(p: Pointer, offset?: Offset): number;
  u8(p: Pointer, offset?: Offset): number;
  i16(p: Pointer, offset?: Offset): number;
  u16(p: Pointer, offset?: Offset): number;
  i32(p: Pointer, offset?: Offset): number;
  u32(p: Pointer, offset?: Offset): number;
  i64(p: Pointer, offset?: Offset): number | bigint;
  u64(p: Pointer, offset?: Offset): number | bigint;
  isize(p: Pointer, offset?: Offset): number | bigint;
  usize(p: Pointer, offset?: Offset): number | bigint;
  f32(p: Pointer, offset?: Offset): number;
  f64(p: Pointer, offset?: Offset): number;
  pointer(p: Pointer, offset?: Offset): Pointer | null;
}
export interface Writers {
  bool(p: Pointer, offset: Offset, v: boolean): void;
  i8(p: Pointer, offset: Offset, v: number): void;
  u8(p: Pointer, offset: Offset, v: number): void;
  i16(p: Pointer, offset: Offset, v: number): void;
  u16(p: Pointer, offset: Offset, v: number): void;
  i32(p: Pointer, offset: Offset, v: number): void;
  u32(p: Pointer, offset: Offset, v: number): void;
  i64(p: Pointer, offset: Offset, v: number | bigint): void;
  u64(p: Pointer, offset: Offset, v: number | bigint): void;
  isize(p: Pointer, offset: Offset, v: number | bigint): void;
  usize(p: Pointer, offset: Offset, v: number | bigint): void;
  f32(p: Pointer, offset: Offset, v: number): void;
  f64(p: Pointer, offset: Offset, v: number): void;
  pointer(p: Pointer, offset: Offset, v: Pointer | null): void;
}
export const read: Readers;
export const write: Writers;

/** Shared-library file suffix of this platform: 'so' | 'dylib' | 'dll'. */
export const suffix: 'so' | 'dylib' | 'dll';

export type FfastErrorCode =
  | 'ERR_FFAST_LIBRARY_NOT_FOUND' | 'ERR_FFAST_SYMBOL_NOT_FOUND' | 'ERR_FFAST_TYPE' | 'ERR_FFAST_DEFINITION'
  | 'ERR_FFAST_ARG_COUNT' | 'ERR_FFAST_ARG_TYPE' | 'ERR_FFAST_ARG_RANGE' | 'ERR_FFAST_CLOSED'
  | 'ERR_FFAST_NULL_POINTER' | 'ERR_FFAST_JIT' | 'ERR_FFAST_UNSUPPORTED' | 'ERR_FFAST_INTERNAL'
  | 'ERR_FFAST_CANCELLED' | 'ERR_FFAST_CALLBACK_CONTEXT' | 'ERR_FFAST_CALLBACK_DEADLOCK';

/** Every error ffast throws. `cause`: what a getter or Proxy trap threw while ffast read a definition. */
export class FfastError extends Error {
  readonly code: FfastErrorCode;
  constructor(code: FfastErrorCode, message: string, options?: { cause?: unknown });
}

/** Diagnostics used by the tests. */
export const __internal: {
  /** How many calls on this thread took the slow path. */
  slowCalls(): number;
  /** Nonblocking calls of this thread that have not settled yet. */
  pendingCalls(): number;
  /** Nonblocking calls of this thread that ran on its lane (the rest ran on the libuv pool). */
  laneCalls(): number;
  /** Executable JIT pages held by this thread's libraries and bound functions. */
  jitPages(): number;
  /** Native type handles alive (one per struct/union/array type object not yet collected). */
  typeHandles(): number;
  /**
   * How buffer arguments reach C on the fast path: `raw` (Node 20/22: off-heap typed arrays read
   * directly), `fallback` (Node 20 without that read), `general` (V8's API) or `none`.
   */
  bufferRoute(): 'raw' | 'fallback' | 'general' | 'none';
  /** Whether V8 fast calls are registered on this Node. */
  fastEnabled: boolean;
  fastReason: string | null;
  v8: string;
  /** How C → JS callbacks call JS: through V8's API with an inline or exported HandleScope, or N-API. */
  callbackRoute: 'v8-inline-scope' | 'v8-scope' | 'napi';
  /** Whether the slow path reads and writes small integers as raw Smis (verified at load). */
  smi: boolean;
  /** How `string` results and cstring() become JS strings: ffast's own V8 function, or N-API. */
  stringRoute: 'v8' | 'napi';
};

// ------------------------------------------------------------------ callbacks
export type CallbackParameterType = Exclude<ParameterType, BufferTypeName>;
export type CallbackResultType = Exclude<ResultType, StringTypeName>;

/** A callback's definition: own properties only, as for Definition; `result` is required. */
export interface CallbackDefinition {
  readonly parameters?: readonly CallbackParameterType[];
  readonly result: CallbackResultType;
  /** Calls from other threads: wait for the JS result ('block', default) or just queue (void results only). */
  readonly threads?: 'block' | 'queue';
  /** Receives errors thrown by the function or found converting its result; default: uncaught exception. */
  readonly onError?: (error: unknown) => void;
  /** How long a blocked foreign thread tolerates its JS thread staying inside a synchronous callback-taking call (default 100). */
  readonly deadlockMs?: number;
}

/** What C passes, as JS values. */
export type CallbackArgValue<T> =
  T extends Int32TypeName | FloatTypeName ? number :
  T extends Int64TypeName ? number | bigint :
  T extends BoolTypeName ? boolean :
  T extends PointerTypeName | FunctionTypeName | FunctionType ? Pointer | null :
  T extends StringTypeName ? string | null :
  T extends ResultDescriptor ? string | null :
  T extends WideStringTypeName ? string | null :
  T extends CPointerSpelling ? CPointerResult<CPointerKind<T>> :
  T extends TypedPointerType ? Pointer | null :
  // A struct or union by value: a fresh plain object decoded from C's bytes (docs/callbacks.md §1.1).
  T extends AggregateType ? (T extends CType<infer O, any> ? O : never) :
  never;

/** What the JS function may return for the C result. */
export type CallbackReturnValue<T> =
  T extends VoidTypeName ? unknown :
  T extends Int32TypeName | FloatTypeName ? number :
  T extends Int64TypeName ? number | bigint :
  T extends BoolTypeName ? unknown :
  T extends PointerTypeName | FunctionTypeName | FunctionType ? Pointer | Callback | null | undefined :
  // A struct or union by value: an object to encode, or at least T.size bytes (no string members).
  T extends AggregateType ? (T extends CType<infer O, infer I> ? I | BufferSource | TypeView<O> : never) :
  never;

type CallbackArgs<P extends readonly unknown[]> = { -readonly [K in keyof P]: CallbackArgValue<P[K]> };

export type CallbackFunction<D extends CallbackDefinition> = (
  ...args: CallbackArgs<ParamsOf<D>>
) => CallbackReturnValue<D['result']>;

export class Callback {
  private constructor();
  /** The C function pointer. */
  readonly pointer: number;
  readonly closed: boolean;
  readonly definition: Readonly<{ parameters: readonly string[]; result: string; threads: 'block' | 'queue' }>;
  close(): void;
  [Symbol.dispose](): void;
  /** The address of any symbol of the library (ERR_FFAST_SYMBOL_NOT_FOUND, or null when optional). */
  address(name: string): Pointer;
  address(name: string, options: { optional: true }): Pointer | null;
  address(name: string, options?: { optional?: boolean }): Pointer | null;
}

export function callback<const D extends CallbackDefinition>(definition: D, fn: CallbackFunction<D>): Callback;
