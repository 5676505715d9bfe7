// TypeScript declarations for ffast. Definitions written `as const` get precise function types:
//   const lib = dlopen('libm.so.6', { cos: { parameters: ['f64'], result: 'f64' } } as const)
//   lib.symbols.cos(0) // (a0: number) => number

/** Integer types up to 32 bits, C spellings included. */
export type Int32TypeName =
  | 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32'
  | 'int8_t' | 'uint8_t' | 'int16_t' | 'uint16_t' | 'int32_t' | 'uint32_t'
  | 'char' | 'signed char' | 'unsigned char' | 'short' | 'unsigned short' | 'int' | 'unsigned int' | 'unsigned'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32';
/** 64-bit integer types (Number when safe, BigInt otherwise). */
export type Int64TypeName =
  | 'i64' | 'u64' | 'isize' | 'usize' | 'int64_t' | 'uint64_t' | 'int64' | 'uint64'
  | 'long' | 'unsigned long' | 'long long' | 'unsigned long long' | 'size_t' | 'ssize_t' | 'intptr_t' | 'uintptr_t' | 'ptrdiff_t' | 'off_t';
export type FloatTypeName = 'f32' | 'f64' | 'float' | 'double' | 'float32' | 'float64';
export type BoolTypeName = 'bool' | '_Bool';
export type PointerTypeName = 'pointer' | 'ptr' | 'void*' | 'void *' | 'const void*' | 'const void *';
export type StringTypeName = 'string' | 'char*' | 'char *' | 'const char*' | 'const char *' | 'cstring';
export type BufferTypeName = 'buffer';
/** A C function pointer: takes a `Callback`, an address, or null. */
export type FunctionTypeName = 'function';
export type VoidTypeName = 'void';

export type ParameterType =
  | Int32TypeName | Int64TypeName | FloatTypeName | BoolTypeName | PointerTypeName | StringTypeName | BufferTypeName
  | FunctionTypeName;
export type ResultType =
  | VoidTypeName | Int32TypeName | Int64TypeName | FloatTypeName | BoolTypeName | PointerTypeName | StringTypeName
  | FunctionTypeName;

/** An address: a Number (a BigInt only above 2^53). */
export type Pointer = number | bigint;
export type BufferSource = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

/** JS type accepted for a parameter type. */
export type ArgValue<T> =
  T extends Int32TypeName | FloatTypeName ? number :
  T extends Int64TypeName ? number | bigint :
  T extends BoolTypeName ? boolean :
  T extends PointerTypeName | FunctionTypeName ? Pointer | Callback | null | undefined :
  T extends StringTypeName ? string | null | undefined :
  T extends BufferTypeName ? BufferSource | null | undefined :
  never;

/** JS type returned for a result type. */
export type ResultValue<T> =
  T extends VoidTypeName ? undefined :
  T extends Int32TypeName | FloatTypeName ? number :
  T extends Int64TypeName ? number | bigint :
  T extends BoolTypeName ? boolean :
  T extends PointerTypeName | FunctionTypeName ? Pointer | null :
  T extends StringTypeName ? string | null :
  never;

export interface Definition {
  readonly parameters: readonly ParameterType[];
  readonly result: ResultType;
  /** The C symbol, when it differs from the key. */
  readonly name?: string;
  /** Give `null` instead of throwing ERR_FFAST_SYMBOL_NOT_FOUND when the symbol is missing. */
  readonly optional?: boolean;
  /**
   * The function may call a callback synchronously (implied by a `function` parameter): it
   * runs on the slow path and lets callbacks run JS during the call (README "Callbacks").
   */
  readonly callbacks?: boolean;
}

/** The JS argument list of a parameter list (a mapped tuple keeps arity and positions). */
type Args<P extends readonly unknown[]> = { -readonly [K in keyof P]: ArgValue<P[K]> };

export type ForeignFunction<D extends Definition> = (...args: Args<D['parameters']>) => ResultValue<D['result']>;

export type Symbols<S extends Record<string, Definition>> = {
  readonly [K in keyof S]: S[K]['optional'] extends true ? ForeignFunction<S[K]> | null : ForeignFunction<S[K]>;
};

export interface DlopenOptions {
  /** RTLD_LAZY instead of RTLD_NOW. */
  lazy?: boolean;
  /** RTLD_GLOBAL instead of RTLD_LOCAL. */
  global?: boolean;
}

export interface Library<S extends Record<string, Definition>> {
  readonly path: string | null;
  readonly symbols: Symbols<S>;
  /** Unload the library and free its trampolines; later calls throw ERR_FFAST_CLOSED. */
  close(): void;
  [Symbol.dispose](): void;
}

/** Open a shared library (`null`: the process itself) and bind `symbols`. */
/** A file: URL (structurally, so no DOM or Node type package is needed). */
export interface FileURLLike {
  readonly href: string;
  readonly protocol: string;
}

export function dlopen<const S extends Record<string, Definition>>(
  path: string | FileURLLike | null,
  symbols: S,
  options?: DlopenOptions,
): Library<S>;

/** Call a raw C function pointer. */
export function bind<const D extends Definition>(address: Pointer, definition: D): ForeignFunction<D>;

/** Address of the first byte of a buffer or view (byteOffset applied). */
export function ptr(view: BufferSource): number;
/** UTF-8 string at `pointer` (up to NUL, or `byteLength` bytes); null for NULL. */
export function cstring(pointer: Pointer | null, byteLength?: number): string | null;
/** Zero-copy ArrayBuffer over native memory (the memory stays owned by C). */
export function toArrayBuffer(pointer: Pointer | null, byteLength: number): ArrayBuffer;

export interface Readers {
  bool(p: Pointer, offset?: number): boolean;
  i8(p: Pointer, offset?: number): number;
  u8(p: Pointer, offset?: number): number;
  i16(p: Pointer, offset?: number): number;
  u16(p: Pointer, offset?: number): number;
  i32(p: Pointer, offset?: number): number;
  u32(p: Pointer, offset?: number): number;
  i64(p: Pointer, offset?: number): number | bigint;
  u64(p: Pointer, offset?: number): number | bigint;
  isize(p: Pointer, offset?: number): number | bigint;
  usize(p: Pointer, offset?: number): number | bigint;
  f32(p: Pointer, offset?: number): number;
  f64(p: Pointer, offset?: number): number;
  pointer(p: Pointer, offset?: number): Pointer | null;
}
export interface Writers {
  bool(p: Pointer, offset: number, v: boolean): void;
  i8(p: Pointer, offset: number, v: number): void;
  u8(p: Pointer, offset: number, v: number): void;
  i16(p: Pointer, offset: number, v: number): void;
  u16(p: Pointer, offset: number, v: number): void;
  i32(p: Pointer, offset: number, v: number): void;
  u32(p: Pointer, offset: number, v: number): void;
  i64(p: Pointer, offset: number, v: number | bigint): void;
  u64(p: Pointer, offset: number, v: number | bigint): void;
  isize(p: Pointer, offset: number, v: number | bigint): void;
  usize(p: Pointer, offset: number, v: number | bigint): void;
  f32(p: Pointer, offset: number, v: number): void;
  f64(p: Pointer, offset: number, v: number): void;
  pointer(p: Pointer, offset: number, v: Pointer | null): void;
}
export const read: Readers;
export const write: Writers;

/** Shared-library file suffix of this platform: 'so' | 'dylib' | 'dll'. */
export const suffix: 'so' | 'dylib' | 'dll';

export type FfastErrorCode =
  | 'ERR_FFAST_LIBRARY_NOT_FOUND' | 'ERR_FFAST_SYMBOL_NOT_FOUND' | 'ERR_FFAST_TYPE' | 'ERR_FFAST_DEFINITION'
  | 'ERR_FFAST_ARG_COUNT' | 'ERR_FFAST_ARG_TYPE' | 'ERR_FFAST_ARG_RANGE' | 'ERR_FFAST_CLOSED'
  | 'ERR_FFAST_NULL_POINTER' | 'ERR_FFAST_JIT' | 'ERR_FFAST_UNSUPPORTED' | 'ERR_FFAST_INTERNAL'
  | 'ERR_FFAST_CALLBACK_CONTEXT' | 'ERR_FFAST_CALLBACK_DEADLOCK';

/** Every error ffast throws. */
export class FfastError extends Error {
  readonly code: FfastErrorCode;
  constructor(code: FfastErrorCode, message: string);
}

/** Diagnostics used by the tests. */
export const __internal: {
  /** How many calls on this thread took the slow path. */
  slowCalls(): number;
  /** Executable JIT pages held by this thread's libraries and bound functions. */
  jitPages(): number;
  /** Whether V8 fast calls are registered on this Node. */
  fastEnabled: boolean;
  fastReason: string | null;
  v8: string;
};

// ------------------------------------------------------------------ callbacks
export type CallbackParameterType = Exclude<ParameterType, BufferTypeName>;
export type CallbackResultType = Exclude<ResultType, StringTypeName>;

export interface CallbackDefinition {
  readonly parameters: readonly CallbackParameterType[];
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
  T extends PointerTypeName | FunctionTypeName ? Pointer | null :
  T extends StringTypeName ? string | null :
  never;

/** What the JS function may return for the C result. */
export type CallbackReturnValue<T> =
  T extends VoidTypeName ? unknown :
  T extends Int32TypeName | FloatTypeName ? number :
  T extends Int64TypeName ? number | bigint :
  T extends BoolTypeName ? unknown :
  T extends PointerTypeName | FunctionTypeName ? Pointer | null | undefined :
  never;

type CallbackArgs<P extends readonly unknown[]> = { -readonly [K in keyof P]: CallbackArgValue<P[K]> };

export type CallbackFunction<D extends CallbackDefinition> = (
  ...args: CallbackArgs<D['parameters']>
) => CallbackReturnValue<D['result']>;

export class Callback {
  private constructor();
  /** The C function pointer. */
  readonly pointer: number;
  readonly closed: boolean;
  readonly definition: Readonly<{ parameters: readonly string[]; result: string; threads: 'block' | 'queue' }>;
  close(): void;
  [Symbol.dispose](): void;
}

export function callback<const D extends CallbackDefinition>(definition: D, fn: CallbackFunction<D>): Callback;
