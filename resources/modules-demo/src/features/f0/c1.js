// level 2: a component
import { util3 } from 'app/util/u3.js';
import { util6 } from 'app/util/u6.js';
import { util18 } from 'app/util/u18.js';
import { template } from './c1.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f0/c1');
export const component1 = () => template(util3(1) + util6(1) + util18(1));
