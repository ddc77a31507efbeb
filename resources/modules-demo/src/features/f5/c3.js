// level 2: a component
import { util29 } from 'app/util/u29.js';
import { util16 } from 'app/util/u16.js';
import { util80 } from 'app/util/u80.js';
import { template } from './c3.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f5/c3');
export const component3 = () => template(util29(43) + util16(43) + util80(43));
