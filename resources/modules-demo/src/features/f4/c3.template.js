// level 3: a component's template
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f4/c3.template');
export const template = (value) => `<li>feature 4, component 3: ${value}</li>`;
