// level 4: a core module
globalThis.__modules = (globalThis.__modules || new Set()).add('core/c4');
export const core4 = (x) => x * 5 + 4;
