// level 2: a component
import { util87 } from 'app/util/u87.js';
import { util46 } from 'app/util/u46.js';
import { util26 } from 'app/util/u26.js';
import { template } from './c5.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f3/c5');
export const component5 = () => template(util87(29) + util46(29) + util26(29));
