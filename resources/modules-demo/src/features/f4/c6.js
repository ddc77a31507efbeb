// level 2: a component
import { util14 } from 'app/util/u14.js';
import { util91 } from 'app/util/u91.js';
import { util25 } from 'app/util/u25.js';
import { template } from './c6.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f4/c6');
export const component6 = () => template(util14(38) + util91(38) + util25(38));
