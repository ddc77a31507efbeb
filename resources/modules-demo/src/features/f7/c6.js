// level 2: a component
import { util86 } from 'app/util/u86.js';
import { util11 } from 'app/util/u11.js';
import { util89 } from 'app/util/u89.js';
import { template } from './c6.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f7/c6');
export const component6 = () => template(util86(62) + util11(62) + util89(62));
