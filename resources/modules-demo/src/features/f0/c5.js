// level 2: a component
import { util15 } from 'app/util/u15.js';
import { util26 } from 'app/util/u26.js';
import { util62 } from 'app/util/u62.js';
import { template } from './c5.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f0/c5');
export const component5 = () => template(util15(5) + util26(5) + util62(5));
