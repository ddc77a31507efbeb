// level 2: a component
import { util60 } from 'app/util/u60.js';
import { util1 } from 'app/util/u1.js';
import { util27 } from 'app/util/u27.js';
import { template } from './c4.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f2/c4');
export const component4 = () => template(util60(20) + util1(20) + util27(20));
