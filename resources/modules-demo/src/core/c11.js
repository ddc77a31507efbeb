// level 4: a core module
globalThis.__modules = (globalThis.__modules || new Set()).add('core/c11');
export const core11 = (x) => x * 12 + 11;
