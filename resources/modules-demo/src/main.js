// level 0: the page's module script
import { feature0 } from './features/f0/index.js';
import { feature1 } from './features/f1/index.js';
import { feature2 } from './features/f2/index.js';
import { feature3 } from './features/f3/index.js';
import { feature4 } from './features/f4/index.js';
import { feature5 } from './features/f5/index.js';
import { feature6 } from './features/f6/index.js';
import { feature7 } from './features/f7/index.js';
globalThis.__modules = (globalThis.__modules || new Set()).add('main');

const started = performance.now();
document.querySelector('#app').innerHTML = '<ul>' + [feature0(), feature1(), feature2(), feature3(), feature4(), feature5(), feature6(), feature7()].join('') + '</ul>';
document.querySelector('#count').textContent = `${globalThis.__modules.size} modules, all evaluated ${Math.round(started)} ms after navigation started`;
