// level 2: a component
import { util93 } from 'app/util/u93.js';
import { util56 } from 'app/util/u56.js';
import { util48 } from 'app/util/u48.js';
import { template } from './c7.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f3/c7');
export const component7 = () => template(util93(31) + util56(31) + util48(31));
