// level 3: a utility, imported by its bare name through the import map
import { core9 } from '../core/c9.js';
import { core6 } from '../core/c6.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('util/u45');
export const util45 = (x) => core9(x) + core6(x);
