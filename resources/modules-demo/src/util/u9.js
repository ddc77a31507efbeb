// level 3: a utility, imported by its bare name through the import map
import { core9 } from '../core/c9.js';
import { core6 } from '../core/c6.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('util/u9');
export const util9 = (x) => core9(x) + core6(x);
