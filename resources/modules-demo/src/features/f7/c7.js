// level 2: a component
import { util89 } from 'app/util/u89.js';
import { util16 } from 'app/util/u16.js';
import { util0 } from 'app/util/u0.js';
import { template } from './c7.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f7/c7');
export const component7 = () => template(util89(63) + util16(63) + util0(63));
