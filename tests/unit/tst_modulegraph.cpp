// The module graph: the import scanner on sources built to mislead it
// (imports in comments, strings, templates and regular expressions, dynamic
// imports with and without literals), specifier resolution with and
// without an import map, the breadth-first walk and its limits, and the
// push policy pushing and hinting a real folder's graph.

#include "site/earlyhints.h"
#include "site/jsimports.h"
#include "site/modulegraph.h"
#include "site/pathresolver.h"
#include "site/pushpolicy.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>

using namespace h2scope::site;

namespace {

std::vector<std::string> specifiers(std::string_view source)
{
    std::vector<std::string> out;
    for (const ImportSpecifier &s : scanImports(source))
        out.push_back(s.specifier + (s.dynamic ? " (dynamic)" : ""));
    return out;
}

using List = std::vector<std::string>;

void write(const QTemporaryDir &dir, const std::string &name, const std::string &text)
{
    const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    QDir().mkpath(QFileInfo(QString::fromStdString(path)).absolutePath());
    std::ofstream(path) << text;
}

std::string paths(const std::vector<PreloadLink> &links)
{
    std::string out;
    for (const PreloadLink &l : links)
        out += l.path + (l.module ? "@" + std::to_string(l.depth) : std::string()) + " ";
    return out;
}

} // namespace

class TestModuleGraph : public QObject {
    Q_OBJECT

private slots:
    void scansEveryFormOfStaticImport()
    {
        const char *source = R"JS(
import def from './a.js';
import { x, y as z } from "./b.js"
import * as ns from '../c.js';
import def2, { w } from '/d.js';
import './side-effect.js';
export * from './e.js';
export * as nsE from './f.js';
export { g } from './g.js';
export { h };
export const from = 1;
import {from} from './h.js';
const lazy = import('./lazy.js');
const notLiteral = import(name);
const alsoNot = import(`./tpl-${name}.js`);
import.meta.url;
obj.import('./not-a-module.js');
)JS";
        QCOMPARE(specifiers(source), (List{"./a.js", "./b.js", "../c.js", "/d.js", "./side-effect.js", "./e.js",
                                           "./f.js", "./g.js", "./h.js", "./lazy.js (dynamic)"}));
    }

    void ignoresImportsThatAreNotCode()
    {
        const char *source = R"JS(
// import a from './comment-line.js';
/* import b from './comment-block.js';
   export * from './still-comment.js'; */
const s1 = "import c from './in-double.js'";
const s2 = 'import("./in-single.js")';
const t = `import d from './in-template.js' ${ `nested ${"import('./in-nested.js')"}` } import e from './still-template.js'`;
const re = /import f from '.\/in-regex.js'/g;
const re2 = x => /["']import/.test(x);
const div = a / b / c; import real from './real.js';
const cls = /[/]import g from '.\/class.js'/;
if (x) /import('.\/after-paren-is-division.js')/ ; 
import afterAll from "./after.js";
)JS";
        const List found = specifiers(source);
        QVERIFY2(std::find(found.begin(), found.end(), "./real.js") != found.end(),
                 qPrintable(QString::number(found.size())));
        QVERIFY(std::find(found.begin(), found.end(), "./after.js") != found.end());
        for (const std::string &f : found)
            QVERIFY2(f == "./real.js" || f == "./after.js", f.c_str());
    }

    void templatesNestAndEscapesDecode()
    {
        // The ${} of a template holds code: a real dynamic import in it is found.
        QCOMPARE(specifiers("const t = `a ${import('./inside.js')} b`; import x from './x.js';"),
                 (List{"./inside.js (dynamic)", "./x.js"}));
        QCOMPARE(specifiers(R"(import a from './caf\u00e9.js'; import b from "./\x41.js";)"),
                 (List{"./caf\xc3\xa9.js", "./A.js"}));
        // Unterminated things stop the scan rather than invent imports.
        QCOMPARE(specifiers("import a from './a.js'; const s = 'never closed\nimport b from './b.js';"),
                 (List{"./a.js"}));
        QCOMPARE(specifiers("`open template import x from './x.js'"), List{});
        QCOMPARE(specifiers(""), List{});
        QCOMPARE(scanImports("import a from './a.js'; import b from './b.js';", 1).size(), std::size_t(1));
    }

    void resolvesSpecifiers()
    {
        ImportMap map = parseImportMap(R"({"imports": {"lit": "/vendor/lit/index.js", "lodash/": "./vendor/lodash/",
                                                      "cdn": "https://cdn.example/x.js"}})",
                                       "/app/index.html");
        QVERIFY(map.error.empty());
        QCOMPARE(map.imports.size(), std::size_t(2)); // the other origin is not ours to push
        bool bare = false;
        QCOMPARE(resolveModuleSpecifier("./b.js", "/app/js/a.js", map).value_or("-"), std::string("/app/js/b.js"));
        QCOMPARE(resolveModuleSpecifier("../c.js", "/app/js/a.js", map).value_or("-"), std::string("/app/c.js"));
        QCOMPARE(resolveModuleSpecifier("/d.js", "/app/js/a.js", map).value_or("-"), std::string("/d.js"));
        QCOMPARE(resolveModuleSpecifier("lit", "/app/js/a.js", map).value_or("-"), std::string("/vendor/lit/index.js"));
        QCOMPARE(resolveModuleSpecifier("lodash/map.js", "/x.js", map).value_or("-"),
                 std::string("/app/vendor/lodash/map.js"));
        QVERIFY(!resolveModuleSpecifier("react", "/x.js", map, &bare));
        QVERIFY(bare);
        QVERIFY(!resolveModuleSpecifier("https://cdn.example/y.js", "/x.js", map, &bare));
        QVERIFY(!bare);
        QVERIFY(!resolveModuleSpecifier("node:fs", "/x.js", map, &bare));
        QVERIFY(!parseImportMap("{not json", "/").error.empty());
        QVERIFY(!parseImportMap(R"({"scopes": {}})", "/").error.empty());
    }

    void walksBreadthFirstWithinLimits()
    {
        // main -> a, b; a -> c, b (again); c -> main (a cycle), d (missing); b -> react (bare)
        std::map<std::string, std::vector<ImportSpecifier>> files = {
            {"/main.js", {{"./a.js", false}, {"./b.js", false}}},
            {"/a.js", {{"./c.js", false}, {"./b.js", false}}},
            {"/b.js", {{"react", false}}},
            {"/c.js", {{"./main.js", false}, {"./d.js", true}}},
        };
        const auto importsOf = [&](const std::string &p) -> std::optional<std::vector<ImportSpecifier>> {
            auto it = files.find(p);
            if (it == files.end())
                return std::nullopt;
            return it->second;
        };
        const ModuleGraph g = walkModuleGraph({"/main.js"}, {{"./inline.js", false}}, "/index.html", {}, importsOf);
        std::string order;
        for (const ModuleNode &n : g.modules)
            order += n.path + "@" + std::to_string(n.depth) + " ";
        // inline.js does not exist: left out.
        QCOMPARE(order, std::string("/main.js@0 /a.js@1 /b.js@1 /c.js@2 "));
        QCOMPARE(g.unresolved, (std::vector<std::string>{"react"}));
        QVERIFY(!g.truncated);
        QCOMPARE(g.modules[3].importer, std::string("/a.js"));

        ModuleGraphLimits shallow;
        shallow.maxDepth = 1;
        const ModuleGraph cut = walkModuleGraph({"/main.js"}, {}, "/", {}, importsOf, shallow);
        QCOMPARE(cut.modules.size(), std::size_t(3));
        QVERIFY(cut.truncated);
        ModuleGraphLimits few;
        few.maxModules = 2;
        QCOMPARE(walkModuleGraph({"/main.js"}, {}, "/", {}, importsOf, few).modules.size(), std::size_t(2));
    }

    void pushPolicyPushesAndHintsTheGraph()
    {
        QTemporaryDir dir;
        write(dir, "index.html",
              "<!doctype html><script type=importmap>{\"imports\":{\"util\":\"/lib/util.js\"}}</script>"
              "<link rel=stylesheet href=/site.css><script type=module src=/js/main.js></script>"
              "<script type=module>import '/js/inline.js';</script>");
        write(dir, "site.css", "p{}");
        write(dir, "js/main.js", "import { a } from './a.js';\nimport util from 'util';\nimport 'lit';\n");
        write(dir, "js/a.js", "export { b } from './deep/b.js';\nconst later = () => import('./lazy.js');\n");
        write(dir, "js/deep/b.js", "export const b = 1;\n");
        write(dir, "js/lazy.js", "export default 2;\n");
        write(dir, "js/inline.js", "export {};\n");
        write(dir, "lib/util.js", "export default {};\n");
        PathResolver resolver(QDir(dir.path()).canonicalPath().toStdString(), {});
        const std::string page = resolver.resolve("/index.html").realPath;
        {
            PushPolicy policy(resolver, {});
            const std::vector<PreloadLink> links = policy.preloadsFor("/index.html", page, true);
            QCOMPARE(paths(links), std::string("/site.css /js/main.js@0 /js/inline.js@0 /js/a.js@1 /lib/util.js@1 "
                                               "/js/deep/b.js@2 /js/lazy.js@2 "));
            for (const PreloadLink &l : links)
                if (l.module)
                    QCOMPARE(linkHeaderValue(l), "<" + l.path + ">; rel=modulepreload; as=script");
            bool said = false;
            for (const std::string &w : policy.warnings())
                said = said || w.find("bare specifier \"lit\"") != std::string::npos;
            QVERIFY(said);
            // An edit below the page shows in the next load.
            write(dir, "js/deep/b.js", "import '../extra.js';\n");
            write(dir, "js/extra.js", "export {};\n");
            const std::vector<PreloadLink> after = policy.preloadsFor("/index.html", page, true);
            QVERIFY2(paths(after).find("/js/extra.js@3") != std::string::npos, paths(after).c_str());
        }
        PushPolicy::Options off;
        off.moduleGraph = false;
        PushPolicy without(resolver, off);
        QCOMPARE(paths(without.preloadsFor("/index.html", page, true)), std::string("/site.css /js/main.js@0 "));
    }

    void earlyHintsKeepToTheFirstLevels()
    {
        Response response;
        PreloadLink css{"/site.css", "style", "", false, false, false, 0};
        response.preloads.push_back(css);
        for (unsigned depth = 0; depth <= 5; ++depth)
            response.preloads.push_back(
                PreloadLink{"/m" + std::to_string(depth) + ".js", "script", "", true, false, true, depth});
        const std::vector<std::string> links = earlyHintLinks(response);
        QCOMPARE(links.size(), std::size_t(1 + kMaxHintDepth + 1)); // depths 0..3
        QCOMPARE(links[1], std::string("</m0.js>; rel=modulepreload; as=script"));
        // A graph too wide for one 103 stops at the byte budget.
        Response wide;
        for (int i = 0; i < 2000; ++i)
            wide.preloads.push_back(PreloadLink{"/module-with-a-long-name-" + std::to_string(i) + ".js", "script", "",
                                                true, false, true, 1});
        std::size_t bytes = 0;
        for (const std::string &l : earlyHintLinks(wide))
            bytes += l.size();
        QVERIFY(bytes <= kMaxHintBytes);
        QVERIFY(bytes > kMaxHintBytes / 2);
    }
};

QTEST_APPLESS_MAIN(TestModuleGraph)
#include "tst_modulegraph.moc"
