// level 4: a core module
globalThis.__modules = (globalThis.__modules || new Set()).add('core/c3');
export const core3 = (x) => x * 4 + 3;
