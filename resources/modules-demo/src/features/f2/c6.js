// level 2: a component
import { util66 } from 'app/util/u66.js';
import { util11 } from 'app/util/u11.js';
import { util49 } from 'app/util/u49.js';
import { template } from './c6.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f2/c6');
export const component6 = () => template(util66(22) + util11(22) + util49(22));
