// level 2: a component
import { util69 } from 'app/util/u69.js';
import { util16 } from 'app/util/u16.js';
import { util60 } from 'app/util/u60.js';
import { template } from './c7.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f2/c7');
export const component7 = () => template(util69(23) + util16(23) + util60(23));
