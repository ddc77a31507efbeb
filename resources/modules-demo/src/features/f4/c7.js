// level 2: a component
import { util17 } from 'app/util/u17.js';
import { util96 } from 'app/util/u96.js';
import { util36 } from 'app/util/u36.js';
import { template } from './c7.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f4/c7');
export const component7 = () => template(util17(39) + util96(39) + util36(39));
