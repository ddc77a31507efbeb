// level 2: a component
import { util50 } from 'app/util/u50.js';
import { util51 } from 'app/util/u51.js';
import { util57 } from 'app/util/u57.js';
import { template } from './c2.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f6/c2');
export const component2 = () => template(util50(50) + util51(50) + util57(50));
