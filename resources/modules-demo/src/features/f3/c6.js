// level 2: a component
import { util90 } from 'app/util/u90.js';
import { util51 } from 'app/util/u51.js';
import { util37 } from 'app/util/u37.js';
import { template } from './c6.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f3/c6');
export const component6 = () => template(util90(30) + util51(30) + util37(30));
