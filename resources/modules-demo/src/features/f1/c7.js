// level 2: a component
import { util45 } from 'app/util/u45.js';
import { util76 } from 'app/util/u76.js';
import { util72 } from 'app/util/u72.js';
import { template } from './c7.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f1/c7');
export const component7 = () => template(util45(15) + util76(15) + util72(15));
