// level 2: a component
import { util77 } from 'app/util/u77.js';
import { util96 } from 'app/util/u96.js';
import { util56 } from 'app/util/u56.js';
import { template } from './c3.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f7/c3');
export const component3 = () => template(util77(59) + util96(59) + util56(59));
