// level 2: a component
import { util48 } from 'app/util/u48.js';
import { util81 } from 'app/util/u81.js';
import { util83 } from 'app/util/u83.js';
import { template } from './c0.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f2/c0');
export const component0 = () => template(util48(16) + util81(16) + util83(16));
