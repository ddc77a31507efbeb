// level 3: a utility, imported by its bare name through the import map
import { core11 } from '../core/c11.js';
import { core8 } from '../core/c8.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('util/u71');
export const util71 = (x) => core11(x) + core8(x);
