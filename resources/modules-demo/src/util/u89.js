// level 3: a utility, imported by its bare name through the import map
import { core5 } from '../core/c5.js';
import { core2 } from '../core/c2.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('util/u89');
export const util89 = (x) => core5(x) + core2(x);
