// level 2: a component
import { util33 } from 'app/util/u33.js';
import { util56 } from 'app/util/u56.js';
import { util28 } from 'app/util/u28.js';
import { template } from './c3.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f1/c3');
export const component3 = () => template(util33(11) + util56(11) + util28(11));
