// level 3: a utility, imported by its bare name through the import map
import { core1 } from '../core/c1.js';
import { core10 } from '../core/c10.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('util/u13');
export const util13 = (x) => core1(x) + core10(x);
