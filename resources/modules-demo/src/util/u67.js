// level 3: a utility, imported by its bare name through the import map
import { core7 } from '../core/c7.js';
import { core4 } from '../core/c4.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('util/u67');
export const util67 = (x) => core7(x) + core4(x);
