// level 2: a component
import { util8 } from 'app/util/u8.js';
import { util81 } from 'app/util/u81.js';
import { util3 } from 'app/util/u3.js';
import { template } from './c4.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f4/c4');
export const component4 = () => template(util8(36) + util81(36) + util3(36));
