// level 3: a component's template
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f2/c7.template');
export const template = (value) => `<li>feature 2, component 7: ${value}</li>`;
