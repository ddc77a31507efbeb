// level 3: a component's template
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f3/c2.template');
export const template = (value) => `<li>feature 3, component 2: ${value}</li>`;
