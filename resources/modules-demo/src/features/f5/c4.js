// level 2: a component
import { util32 } from 'app/util/u32.js';
import { util21 } from 'app/util/u21.js';
import { util91 } from 'app/util/u91.js';
import { template } from './c4.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f5/c4');
export const component4 = () => template(util32(44) + util21(44) + util91(44));
