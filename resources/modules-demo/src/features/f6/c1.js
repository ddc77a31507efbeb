// level 2: a component
import { util47 } from 'app/util/u47.js';
import { util46 } from 'app/util/u46.js';
import { util46 } from 'app/util/u46.js';
import { template } from './c1.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f6/c1');
export const component1 = () => template(util47(49) + util46(49) + util46(49));
