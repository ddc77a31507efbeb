// level 2: a component
import { util59 } from 'app/util/u59.js';
import { util66 } from 'app/util/u66.js';
import { util90 } from 'app/util/u90.js';
import { template } from './c5.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f6/c5');
export const component5 = () => template(util59(53) + util66(53) + util90(53));
