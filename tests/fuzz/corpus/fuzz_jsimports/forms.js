import a from './a.js';
export * from "./b.js";
const t = `${import('./c.js')}`;
/import x from 'y'/;
