// level 2: a component
import { util9 } from 'app/util/u9.js';
import { util16 } from 'app/util/u16.js';
import { util40 } from 'app/util/u40.js';
import { template } from './c3.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f0/c3');
export const component3 = () => template(util9(3) + util16(3) + util40(3));
