// level 2: a component
import { util24 } from 'app/util/u24.js';
import { util41 } from 'app/util/u41.js';
import { util95 } from 'app/util/u95.js';
import { template } from './c0.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f1/c0');
export const component0 = () => template(util24(8) + util41(8) + util95(8));
