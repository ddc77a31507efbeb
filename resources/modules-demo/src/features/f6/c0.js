// level 2: a component
import { util44 } from 'app/util/u44.js';
import { util41 } from 'app/util/u41.js';
import { util35 } from 'app/util/u35.js';
import { template } from './c0.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f6/c0');
export const component0 = () => template(util44(48) + util41(48) + util35(48));
