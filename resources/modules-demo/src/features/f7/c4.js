// level 2: a component
import { util80 } from 'app/util/u80.js';
import { util1 } from 'app/util/u1.js';
import { util67 } from 'app/util/u67.js';
import { template } from './c4.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f7/c4');
export const component4 = () => template(util80(60) + util1(60) + util67(60));
