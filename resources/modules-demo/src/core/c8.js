// level 4: a core module
globalThis.__modules = (globalThis.__modules || new Set()).add('core/c8');
export const core8 = (x) => x * 9 + 8;
