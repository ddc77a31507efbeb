// level 2: a component
import { util83 } from 'app/util/u83.js';
import { util6 } from 'app/util/u6.js';
import { util78 } from 'app/util/u78.js';
import { template } from './c5.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f7/c5');
export const component5 = () => template(util83(61) + util6(61) + util78(61));
