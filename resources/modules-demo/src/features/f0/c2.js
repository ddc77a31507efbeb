// level 2: a component
import { util6 } from 'app/util/u6.js';
import { util11 } from 'app/util/u11.js';
import { util29 } from 'app/util/u29.js';
import { template } from './c2.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f0/c2');
export const component2 = () => template(util6(2) + util11(2) + util29(2));
