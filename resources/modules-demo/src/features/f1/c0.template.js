// level 3: a component's template
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f1/c0.template');
export const template = (value) => `<li>feature 1, component 0: ${value}</li>`;
