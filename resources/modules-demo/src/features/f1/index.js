// level 1: a feature
import { component0 } from './c0.js';
import { component1 } from './c1.js';
import { component2 } from './c2.js';
import { component3 } from './c3.js';
import { component4 } from './c4.js';
import { component5 } from './c5.js';
import { component6 } from './c6.js';
import { component7 } from './c7.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f1');
export const feature1 = () => [component0(), component1(), component2(), component3(), component4(), component5(), component6(), component7()].join('');
