// level 2: a component
import { util42 } from 'app/util/u42.js';
import { util71 } from 'app/util/u71.js';
import { util61 } from 'app/util/u61.js';
import { template } from './c6.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f1/c6');
export const component6 = () => template(util42(14) + util71(14) + util61(14));
