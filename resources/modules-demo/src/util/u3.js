// level 3: a utility, imported by its bare name through the import map
import { core3 } from '../core/c3.js';
import { core0 } from '../core/c0.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('util/u3');
export const util3 = (x) => core3(x) + core0(x);
