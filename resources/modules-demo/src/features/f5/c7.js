// level 2: a component
import { util41 } from 'app/util/u41.js';
import { util36 } from 'app/util/u36.js';
import { util24 } from 'app/util/u24.js';
import { template } from './c7.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f5/c7');
export const component7 = () => template(util41(47) + util36(47) + util24(47));
