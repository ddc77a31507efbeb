// level 2: a component
import { util20 } from 'app/util/u20.js';
import { util1 } from 'app/util/u1.js';
import { util47 } from 'app/util/u47.js';
import { template } from './c0.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f5/c0');
export const component0 = () => template(util20(40) + util1(40) + util47(40));
