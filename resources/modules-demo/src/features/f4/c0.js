// level 2: a component
import { util96 } from 'app/util/u96.js';
import { util61 } from 'app/util/u61.js';
import { util59 } from 'app/util/u59.js';
import { template } from './c0.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f4/c0');
export const component0 = () => template(util96(32) + util61(32) + util59(32));
