#pragma once
// The static imports of an ES module, found with a JavaScript tokenizer of
// our own (no maintained C/C++ library in Debian does only this; a whole
// engine would be the alternative): strings, comments, template literals
// (with their ${} expressions, nested), regular expression literals and
// punctuators are told apart the way a parser does, so an `import` inside a
// string, a comment, a template or a regex is never taken for a real one.
//
// Found, in source order:
//   import x from 'a'    import {x} from "a"    import * as x from 'a'
//   import 'a'           export * from 'a'      export {x} from 'a'
//   import('a')          (a dynamic import whose argument is one string literal)
// Not: import.meta, obj.import('a'), import(variable), require().
//
// The regex-or-division question is answered from the token before the
// '/', as most tools do: division after a name, a number, a string, `]`,
// `}` and a `)` (but a regex after the `)` of `if (…)`, `while (…)`,
// `for (…)` and `with (…)`, and after keywords such as `return`); a regex
// anywhere else. Code that depends on the rare other reading (a regex
// right after a block's `}`) can mislead it; the fuzzer holds it to
// never reporting a specifier that is not quoted in the source.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace h2scope::site {

struct ImportSpecifier {
    std::string specifier; // as written, escapes decoded
    bool dynamic = false;  // import('…')
    bool operator==(const ImportSpecifier &) const = default;
};

// At most `maxImports` of them. Pure; any thread.
std::vector<ImportSpecifier> scanImports(std::string_view source, std::size_t maxImports = 1024);

} // namespace h2scope::site
