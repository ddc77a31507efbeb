// level 2: a component
import { util56 } from 'app/util/u56.js';
import { util61 } from 'app/util/u61.js';
import { util79 } from 'app/util/u79.js';
import { template } from './c4.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f6/c4');
export const component4 = () => template(util56(52) + util61(52) + util79(52));
