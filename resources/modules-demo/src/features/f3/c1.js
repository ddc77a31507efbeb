// level 2: a component
import { util75 } from 'app/util/u75.js';
import { util26 } from 'app/util/u26.js';
import { util82 } from 'app/util/u82.js';
import { template } from './c1.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f3/c1');
export const component1 = () => template(util75(25) + util26(25) + util82(25));
