#!/usr/bin/env python3
"""Writes the module demo: an unbundled ES-module app of a few hundred small
modules, five levels deep, the shape a page has under a module dev server.
The files are committed; run this again only to change the shape:
    python3 resources/modules-demo/generate.py
"""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "src")
FEATURES, COMPONENTS, UTILS, CORE = 8, 8, 100, 12


def write(path, text):
    full = os.path.join(SRC, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)


def register(name):
    return f"globalThis.__modules = (globalThis.__modules || new Set()).add('{name}');\n"


shutil.rmtree(SRC, ignore_errors=True)
for c in range(CORE):
    write(f"core/c{c}.js", f"// level 4: a core module\n{register(f'core/c{c}')}"
          f"export const core{c} = (x) => x * {c + 1} + {c};\n")
for u in range(UTILS):
    a, b = u % CORE, (u * 7 + 3) % CORE
    write(f"util/u{u}.js", f"// level 3: a utility, imported by its bare name through the import map\n"
          f"import {{ core{a} }} from '../core/c{a}.js';\nimport {{ core{b} }} from '../core/c{b}.js';\n"
          f"{register(f'util/u{u}')}export const util{u} = (x) => core{a}(x) + core{b}(x);\n")
for f in range(FEATURES):
    imports, calls = [], []
    for c in range(COMPONENTS):
        n = f * COMPONENTS + c
        u1, u2, u3 = (n * 3) % UTILS, (n * 5 + 1) % UTILS, (n * 11 + 7) % UTILS
        write(f"features/f{f}/c{c}.js",
              f"// level 2: a component\nimport {{ util{u1} }} from 'app/util/u{u1}.js';\n"
              f"import {{ util{u2} }} from 'app/util/u{u2}.js';\nimport {{ util{u3} }} from 'app/util/u{u3}.js';\n"
              f"import {{ template }} from './c{c}.template.js';\n{register(f'features/f{f}/c{c}')}"
              f"export const component{c} = () => template(util{u1}({n}) + util{u2}({n}) + util{u3}({n}));\n")
        write(f"features/f{f}/c{c}.template.js",
              f"// level 3: a component's template\n{register(f'features/f{f}/c{c}.template')}"
              f"export const template = (value) => `<li>feature {f}, component {c}: ${{value}}</li>`;\n")
        imports.append(f"import {{ component{c} }} from './c{c}.js';")
        calls.append(f"component{c}()")
    write(f"features/f{f}/index.js", "// level 1: a feature\n" + "\n".join(imports) + "\n" + register(f"features/f{f}")
          + f"export const feature{f} = () => [{', '.join(calls)}].join('');\n")
main = ["// level 0: the page's module script"]
main += [f"import {{ feature{f} }} from './features/f{f}/index.js';" for f in range(FEATURES)]
main += [register("main"),
         "const started = performance.now();",
         "document.querySelector('#app').innerHTML = '<ul>' + [" + ", ".join(f"feature{f}()" for f in range(FEATURES)) + "].join('') + '</ul>';",
         "document.querySelector('#count').textContent = `${globalThis.__modules.size} modules, all evaluated ${Math.round(started)} ms after navigation started`;",
         ""]
write("main.js", "\n".join(main))
