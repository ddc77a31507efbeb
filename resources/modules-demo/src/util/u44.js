// level 3: a utility, imported by its bare name through the import map
import { core8 } from '../core/c8.js';
import { core11 } from '../core/c11.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('util/u44');
export const util44 = (x) => core8(x) + core11(x);
