// level 4: a core module
globalThis.__modules = (globalThis.__modules || new Set()).add('core/c6');
export const core6 = (x) => x * 7 + 6;
