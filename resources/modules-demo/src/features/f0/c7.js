// level 2: a component
import { util21 } from 'app/util/u21.js';
import { util36 } from 'app/util/u36.js';
import { util84 } from 'app/util/u84.js';
import { template } from './c7.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f0/c7');
export const component7 = () => template(util21(7) + util36(7) + util84(7));
