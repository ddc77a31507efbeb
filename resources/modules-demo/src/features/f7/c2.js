// level 2: a component
import { util74 } from 'app/util/u74.js';
import { util91 } from 'app/util/u91.js';
import { util45 } from 'app/util/u45.js';
import { template } from './c2.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f7/c2');
export const component2 = () => template(util74(58) + util91(58) + util45(58));
