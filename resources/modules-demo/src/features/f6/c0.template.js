// level 3: a component's template
globalThis.__modules = (globalThis.__modules || new Set()).add('features/f6/c0.template');
export const template = (value) => `<li>feature 6, component 0: ${value}</li>`;
