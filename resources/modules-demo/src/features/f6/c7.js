// level 2: a component
import { util65 } from 'app/util/u65.js';
import { util76 } from 'app/util/u76.js';
import { util12 } from 'app/util/u12.js';
import { template } from './c7.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f6/c7');
export const component7 = () => template(util65(55) + util76(55) + util12(55));
