// level 2: a component
import { util84 } from 'app/util/u84.js';
import { util41 } from 'app/util/u41.js';
import { util15 } from 'app/util/u15.js';
import { template } from './c4.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f3/c4');
export const component4 = () => template(util84(28) + util41(28) + util15(28));
