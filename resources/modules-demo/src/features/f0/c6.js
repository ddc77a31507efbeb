// level 2: a component
import { util18 } from 'app/util/u18.js';
import { util31 } from 'app/util/u31.js';
import { util73 } from 'app/util/u73.js';
import { template } from './c6.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f0/c6');
export const component6 = () => template(util18(6) + util31(6) + util73(6));
