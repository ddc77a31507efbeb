// level 2: a component
import { util72 } from 'app/util/u72.js';
import { util21 } from 'app/util/u21.js';
import { util71 } from 'app/util/u71.js';
import { template } from './c0.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f3/c0');
export const component0 = () => template(util72(24) + util21(24) + util71(24));
