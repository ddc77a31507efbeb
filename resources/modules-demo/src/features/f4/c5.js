// level 2: a component
import { util11 } from 'app/util/u11.js';
import { util86 } from 'app/util/u86.js';
import { util14 } from 'app/util/u14.js';
import { template } from './c5.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f4/c5');
export const component5 = () => template(util11(37) + util86(37) + util14(37));
