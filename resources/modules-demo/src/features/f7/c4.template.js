// level 3: a component's template
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f7/c4.template');
export const template = (value) => `<li>feature 7, component 4: ${value}</li>`;
