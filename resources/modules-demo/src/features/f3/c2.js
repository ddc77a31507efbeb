// level 2: a component
import { util78 } from 'app/util/u78.js';
import { util31 } from 'app/util/u31.js';
import { util93 } from 'app/util/u93.js';
import { template } from './c2.template.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f3/c2');
export const component2 = () => template(util78(26) + util31(26) + util93(26));
