// level 3: a component's template
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f2/c3.template');
export const template = (value) => `<li>feature 2, component 3: ${value}</li>`;
