// level 2: a component
import { util0 } from 'app/util/u0.js';
import { util1 } from 'app/util/u1.js';
import { util7 } from 'app/util/u7.js';
import { template } from './c0.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f0/c0');
export const component0 = () => template(util0(0) + util1(0) + util7(0));
