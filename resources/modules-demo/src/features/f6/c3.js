// level 2: a component
import { util53 } from 'app/util/u53.js';
import { util56 } from 'app/util/u56.js';
import { util68 } from 'app/util/u68.js';
import { template } from './c3.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f6/c3');
export const component3 = () => template(util53(51) + util56(51) + util68(51));
