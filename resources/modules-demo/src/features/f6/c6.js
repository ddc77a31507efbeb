// level 2: a component
import { util62 } from 'app/util/u62.js';
import { util71 } from 'app/util/u71.js';
import { util1 } from 'app/util/u1.js';
import { template } from './c6.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f6/c6');
export const component6 = () => template(util62(54) + util71(54) + util1(54));
