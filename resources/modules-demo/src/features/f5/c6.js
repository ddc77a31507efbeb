// level 2: a component
import { util38 } from 'app/util/u38.js';
import { util31 } from 'app/util/u31.js';
import { util13 } from 'app/util/u13.js';
import { template } from './c6.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f5/c6');
export const component6 = () => template(util38(46) + util31(46) + util13(46));
