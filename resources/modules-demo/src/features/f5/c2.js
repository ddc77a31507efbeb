// level 2: a component
import { util26 } from 'app/util/u26.js';
import { util11 } from 'app/util/u11.js';
import { util69 } from 'app/util/u69.js';
import { template } from './c2.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f5/c2');
export const component2 = () => template(util26(42) + util11(42) + util69(42));
