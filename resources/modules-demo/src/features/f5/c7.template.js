// level 3: a component's template
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f5/c7.template');
export const template = (value) => `<li>feature 5, component 7: ${value}</li>`;
