// level 3: a utility, imported by its bare name through the import map
import { core10 } from '../core/c10.js';
import { core1 } from '../core/c1.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('util/u94');
export const util94 = (x) => core10(x) + core1(x);
