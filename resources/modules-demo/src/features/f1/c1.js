// level 2: a component
import { util27 } from 'app/util/u27.js';
import { util46 } from 'app/util/u46.js';
import { util6 } from 'app/util/u6.js';
import { template } from './c1.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f1/c1');
export const component1 = () => template(util27(9) + util46(9) + util6(9));
