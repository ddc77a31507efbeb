// level 2: a component
import { util2 } from 'app/util/u2.js';
import { util71 } from 'app/util/u71.js';
import { util81 } from 'app/util/u81.js';
import { template } from './c2.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f4/c2');
export const component2 = () => template(util2(34) + util71(34) + util81(34));
