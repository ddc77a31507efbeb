// level 2: a component
import { util68 } from 'app/util/u68.js';
import { util81 } from 'app/util/u81.js';
import { util23 } from 'app/util/u23.js';
import { template } from './c0.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f7/c0');
export const component0 = () => template(util68(56) + util81(56) + util23(56));
