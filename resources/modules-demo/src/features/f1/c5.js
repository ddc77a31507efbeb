// level 2: a component
import { util39 } from 'app/util/u39.js';
import { util66 } from 'app/util/u66.js';
import { util50 } from 'app/util/u50.js';
import { template } from './c5.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f1/c5');
export const component5 = () => template(util39(13) + util66(13) + util50(13));
