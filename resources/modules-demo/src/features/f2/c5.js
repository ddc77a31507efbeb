// level 2: a component
import { util63 } from 'app/util/u63.js';
import { util6 } from 'app/util/u6.js';
import { util38 } from 'app/util/u38.js';
import { template } from './c5.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f2/c5');
export const component5 = () => template(util63(21) + util6(21) + util38(21));
