// level 2: a component
import { util36 } from 'app/util/u36.js';
import { util61 } from 'app/util/u61.js';
import { util39 } from 'app/util/u39.js';
import { template } from './c4.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f1/c4');
export const component4 = () => template(util36(12) + util61(12) + util39(12));
