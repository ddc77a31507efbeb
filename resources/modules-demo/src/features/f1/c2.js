// level 2: a component
import { util30 } from 'app/util/u30.js';
import { util51 } from 'app/util/u51.js';
import { util17 } from 'app/util/u17.js';
import { template } from './c2.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f1/c2');
export const component2 = () => template(util30(10) + util51(10) + util17(10));
