// level 3: a utility, imported by its bare name through the import map
import { core4 } from '../core/c4.js';
import { core7 } from '../core/c7.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('util/u40');
export const util40 = (x) => core4(x) + core7(x);
