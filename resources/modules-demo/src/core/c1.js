// level 4: a core module
globalThis.__modules = (globalThis.__modules || new Set()).add('core/c1');
export const core1 = (x) => x * 2 + 1;
