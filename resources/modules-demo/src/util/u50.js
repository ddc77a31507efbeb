// level 3: a utility, imported by its bare name through the import map
import { core2 } from '../core/c2.js';
import { core5 } from '../core/c5.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('util/u50');
export const util50 = (x) => core2(x) + core5(x);
