// level 2: a component
import { util51 } from 'app/util/u51.js';
import { util86 } from 'app/util/u86.js';
import { util94 } from 'app/util/u94.js';
import { template } from './c1.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f2/c1');
export const component1 = () => template(util51(17) + util86(17) + util94(17));
