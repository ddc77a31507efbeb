// level 2: a component
import { util12 } from 'app/util/u12.js';
import { util21 } from 'app/util/u21.js';
import { util51 } from 'app/util/u51.js';
import { template } from './c4.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f0/c4');
export const component4 = () => template(util12(4) + util21(4) + util51(4));
