// level 2: a component
import { util71 } from 'app/util/u71.js';
import { util86 } from 'app/util/u86.js';
import { util34 } from 'app/util/u34.js';
import { template } from './c1.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f7/c1');
export const component1 = () => template(util71(57) + util86(57) + util34(57));
