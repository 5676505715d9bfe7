// ESM entry: the same module as index.js.
import { createRequire } from 'node:module';

const ffast = createRequire(import.meta.url)('./index.js');

export const {
  dlopen, bind, callback, Callback, ptr, cstring, toArrayBuffer, struct, union, array, pointer, out, inout, read, write, suffix, FfastError, __internal,
} = ffast;
export default ffast;
