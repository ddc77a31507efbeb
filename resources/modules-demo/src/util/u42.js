// level 3: a utility, imported by its bare name through the import map
import { core6 } from '../core/c6.js';
import { core9 } from '../core/c9.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('util/u42');
export const util42 = (x) => core6(x) + core9(x);
