// level 2: a component
import { util54 } from 'app/util/u54.js';
import { util91 } from 'app/util/u91.js';
import { util5 } from 'app/util/u5.js';
import { template } from './c2.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f2/c2');
export const component2 = () => template(util54(18) + util91(18) + util5(18));
