// level 2: a component
import { util99 } from 'app/util/u99.js';
import { util66 } from 'app/util/u66.js';
import { util70 } from 'app/util/u70.js';
import { template } from './c1.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f4/c1');
export const component1 = () => template(util99(33) + util66(33) + util70(33));
