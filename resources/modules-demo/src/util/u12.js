// level 3: a utility, imported by its bare name through the import map
import { core0 } from '../core/c0.js';
import { core3 } from '../core/c3.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('util/u12');
export const util12 = (x) => core0(x) + core3(x);
