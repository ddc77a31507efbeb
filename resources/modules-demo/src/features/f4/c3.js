// level 2: a component
import { util5 } from 'app/util/u5.js';
import { util76 } from 'app/util/u76.js';
import { util92 } from 'app/util/u92.js';
import { template } from './c3.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f4/c3');
export const component3 = () => template(util5(35) + util76(35) + util92(35));
