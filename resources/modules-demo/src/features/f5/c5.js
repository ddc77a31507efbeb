// level 2: a component
import { util35 } from 'app/util/u35.js';
import { util26 } from 'app/util/u26.js';
import { util2 } from 'app/util/u2.js';
import { template } from './c5.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f5/c5');
export const component5 = () => template(util35(45) + util26(45) + util2(45));
