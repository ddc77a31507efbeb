// level 2: a component
import { util57 } from 'app/util/u57.js';
import { util96 } from 'app/util/u96.js';
import { util16 } from 'app/util/u16.js';
import { template } from './c3.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f2/c3');
export const component3 = () => template(util57(19) + util96(19) + util16(19));
