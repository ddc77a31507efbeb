// level 4: a core module
globalThis.__modules = (globalThis.__modules || new Set()).add('core/c7');
export const core7 = (x) => x * 8 + 7;
