// level 2: a component
import { util23 } from 'app/util/u23.js';
import { util6 } from 'app/util/u6.js';
import { util58 } from 'app/util/u58.js';
import { template } from './c1.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f5/c1');
export const component1 = () => template(util23(41) + util6(41) + util58(41));
