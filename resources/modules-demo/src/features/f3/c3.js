// level 2: a component
import { util81 } from 'app/util/u81.js';
import { util36 } from 'app/util/u36.js';
import { util4 } from 'app/util/u4.js';
import { template } from './c3.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f3/c3');
export const component3 = () => template(util81(27) + util36(27) + util4(27));
