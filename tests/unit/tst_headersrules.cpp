// `_headers` rules: the Netlify / Cloudflare Pages format, pattern matching,
// Link preloads and how bad lines are reported and skipped.

#include "site/headersrules.h"

#include <QtTest>

using namespace h2scope;
using namespace h2scope::site;

namespace {

QString value(const HeaderList &headers, const char *name)
{
    const std::string *v = findHeader(headers, name);
    return v ? QString::fromStdString(*v) : QStringLiteral("<absent>");
}

QStringList paths(const std::vector<PreloadLink> &links)
{
    QStringList out;
    for (const PreloadLink &l : links)
        out << QString::fromStdString(l.path);
    return out;
}

HeadersRules parseOk(std::string_view text)
{
    auto rules = HeadersRules::parse(text);
    if (!rules)
        qFatal("parse failed: %s", rules.error().message.c_str());
    return std::move(rules).value();
}

} // namespace

class TestHeadersRules : public QObject {
    Q_OBJECT

private slots:
    void plainRules();
    void splatAndPlaceholders_data();
    void splatAndPlaceholders();
    void substitution();
    void adjacentPlaceholdersStayFast();
    void commentsBlankLinesAndCrlf();
    void repeatedHeadersAreJoined();
    void linkPreloads();
    void linkHeaderParsing();
    void badLinesAreSkippedWithLineNumbers();
    void unusableFiles();
    void linkHeaderValueFormat();
};

void TestHeadersRules::plainRules()
{
    const HeadersRules rules = parseOk("/*\n  X-Frame-Options: DENY\n/secure/page.html\n  Cache-Control: no-store\n");
    QCOMPARE(rules.ruleCount(), std::size_t(2));
    QVERIFY(rules.warnings().empty());
    QCOMPARE(value(rules.headersFor("/"), "x-frame-options"), QString("DENY"));
    QCOMPARE(value(rules.headersFor("/secure/page.html"), "cache-control"), QString("no-store"));
    QCOMPARE(value(rules.headersFor("/secure/page.html"), "x-frame-options"), QString("DENY"));
    QCOMPARE(value(rules.headersFor("/secure/page.htm"), "cache-control"), QString("<absent>"));
    QCOMPARE(value(rules.headersFor("/secure/page.html/x"), "cache-control"), QString("<absent>"));
}

void TestHeadersRules::splatAndPlaceholders_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("matches");
    QTest::newRow("splat below") << "/assets/*"
                                 << "/assets/a/b/c.css" << true;
    QTest::newRow("splat empty") << "/assets/*"
                                 << "/assets/" << true;
    QTest::newRow("splat needs the slash") << "/assets/*"
                                           << "/assets" << false;
    QTest::newRow("splat other folder") << "/assets/*"
                                        << "/assetsx/a" << false;
    QTest::newRow("root splat") << "/*"
                                << "/" << true;
    QTest::newRow("splat in middle") << "/*.css"
                                     << "/deep/dir/site.css" << true;
    QTest::newRow("splat in middle, wrong end") << "/*.css"
                                                << "/site.css.map" << false;
    QTest::newRow("placeholder") << "/u/:id"
                                 << "/u/42" << true;
    QTest::newRow("placeholder not empty") << "/u/:id"
                                           << "/u/" << false;
    QTest::newRow("placeholder one segment") << "/u/:id"
                                             << "/u/42/x" << false;
    QTest::newRow("placeholders and splat") << "/blog/:year/:month/*"
                                            << "/blog/2024/05/post/x" << true;
    QTest::newRow("placeholders too few") << "/blog/:year/:month/*"
                                          << "/blog/2024/" << false;
    QTest::newRow("placeholder in segment") << "/img-:size.png"
                                            << "/img-large.png" << true;
    QTest::newRow("literal colon digit") << "/a:1"
                                         << "/a:1" << true;
    QTest::newRow("exact") << "/index.html"
                           << "/index.html" << true;
    QTest::newRow("exact is whole") << "/index.html"
                                    << "/index.html.bak" << false;
}

void TestHeadersRules::splatAndPlaceholders()
{
    QFETCH(QString, pattern);
    QFETCH(QString, path);
    QFETCH(bool, matches);
    const HeadersRules rules = parseOk(pattern.toStdString() + "\n  X-Hit: yes\n");
    QVERIFY(rules.warnings().empty());
    QCOMPARE(value(rules.headersFor(path.toStdString()), "x-hit") == "yes", matches);
}

void TestHeadersRules::substitution()
{
    const HeadersRules rules = parseOk("/blog/:year/*\n"
                                       "  X-Year: year=:year\n"
                                       "  X-Rest: :splat|:unknown\n");
    const HeaderList headers = rules.headersFor("/blog/2023/a/b.html");
    QCOMPARE(value(headers, "x-year"), QString("year=2023"));
    QCOMPARE(value(headers, "x-rest"), QString("a/b.html|:unknown"));
}

void TestHeadersRules::adjacentPlaceholdersStayFast()
{
    // Placeholders with nothing between them can cut a segment in very many
    // ways; a failed cut is remembered, so a long path that does not match
    // answers at once (before: exponential; the fuzzer's case took > 10 s).
    const HeadersRules rules = parseOk("/:a:b:c:d:e:f:g:h.end\n  X-Hit: :a|:b|:h\n/:x:y\n  X-Two: :x|:y\n");
    const std::string longPath = "/" + std::string(400, 'q'); // no ".end": no match for the first rule
    QCOMPARE(value(rules.headersFor(longPath), "x-hit"), QString("<absent>"));
    QVERIFY(rules.preloadsFor(longPath).empty());
    // Matches still capture as before: the shortest first cuts.
    QCOMPARE(value(rules.headersFor("/abcdefghij.end"), "x-hit"), QString("a|b|hij"));
    QCOMPARE(value(rules.headersFor("/xyz"), "x-two"), QString("x|yz"));
}

void TestHeadersRules::commentsBlankLinesAndCrlf()
{
    const HeadersRules rules = parseOk("# a comment\r\n\r\n/*\r\n  # an indented comment\r\n"
                                       "  X-A: 1\r\n\r\n\t X-B :  two words  \r\n# end");
    QVERIFY2(rules.warnings().empty(), rules.warnings().empty() ? "" : rules.warnings().front().c_str());
    const HeaderList headers = rules.headersFor("/x");
    QCOMPARE(headers.size(), std::size_t(2));
    QCOMPARE(value(headers, "x-a"), QString("1"));
    QCOMPARE(value(headers, "x-b"), QString("two words"));
}

void TestHeadersRules::repeatedHeadersAreJoined()
{
    const HeadersRules rules = parseOk("/*\n  Cache-Control: public\n/app/*\n  Cache-Control: max-age=60\n"
                                       "  cache-control: immutable\n");
    QCOMPARE(value(rules.headersFor("/app/x.js"), "cache-control"), QString("public, max-age=60, immutable"));
    QCOMPARE(value(rules.headersFor("/other"), "cache-control"), QString("public"));
}

void TestHeadersRules::linkPreloads()
{
    const HeadersRules rules = parseOk(
        "/*\n"
        "  Link: </css/site.css>; rel=preload; as=style\n"
        "/docs/*\n"
        "  Link: <local.js>; rel=preload; as=script; nopush, <https://cdn.example/x.css>; rel=preload; as=style,"
        " </fonts/a.woff2>; rel=\"preload\"; as=font; type=\"font/woff2\"\n"
        "  Link: </css/site.css>; rel=preload; as=style\n"
        "  Link: </next.html>; rel=prefetch\n"
        "  Link: </mod.js>; rel=modulepreload\n");
    QVERIFY(rules.warnings().empty());
    const auto links = rules.preloadsFor("/docs/guide/intro.html");
    QCOMPARE(paths(links), QStringList({"/css/site.css", "/docs/guide/local.js", "/fonts/a.woff2", "/mod.js"}));
    QCOMPARE(links[0].as, std::string("style"));
    QVERIFY(!links[0].nopush);
    QVERIFY(links[1].nopush);
    QCOMPARE(links[1].as, std::string("script"));
    QCOMPARE(links[2].as, std::string("font"));
    QCOMPARE(links[2].type, std::string("font/woff2"));
    QVERIFY(links[2].crossorigin);
    QCOMPARE(links[3].as, std::string("script"));
    QVERIFY(links[3].crossorigin);
    // The Link headers also go out as headers, joined, as the hosts do.
    const QString link = value(rules.headersFor("/docs/a"), "link");
    QVERIFY(link.startsWith("</css/site.css>; rel=preload; as=style, <local.js>"));
    QVERIFY(link.contains("rel=prefetch"));
    QCOMPARE(paths(rules.preloadsFor("/other")), QStringList({"/css/site.css"}));
}

void TestHeadersRules::linkHeaderParsing()
{
    bool ok = false;
    auto links =
        preloadsInLinkHeader(" <a.css> ;REL=Preload;AS=Style , <b.js>;rel=\"preload x\";as=script;crossorigin", &ok);
    QVERIFY(ok);
    QCOMPARE(links.size(), std::size_t(2));
    QCOMPARE(links[0].path, std::string("a.css"));
    QCOMPARE(links[0].as, std::string("style"));
    QVERIFY(links[1].crossorigin);
    links = preloadsInLinkHeader("a.css; rel=preload, <b.css>; rel=preload; as=style", &ok);
    QVERIFY(!ok);
    QCOMPARE(links.size(), std::size_t(1));
    QCOMPARE(links[0].path, std::string("b.css"));
    links = preloadsInLinkHeader("<c.css; rel=preload", &ok);
    QVERIFY(!ok);
    QVERIFY(links.empty());
}

void TestHeadersRules::badLinesAreSkippedWithLineNumbers()
{
    const HeadersRules rules = parseOk("  X-Orphan: 1\n"         // 1
                                       "/ok\n"                   // 2
                                       "  X-Good: yes\n"         // 3
                                       "  no colon here\n"       // 4
                                       "  Bad Name: x\n"         // 5
                                       "  Content-Length: 5\n"   // 6
                                       "  Link: not-a-link\n"    // 7
                                       "https://example.com/*\n" // 8
                                       "  X-Skipped: 1\n"        // 9
                                       "relative/path\n"         // 10
                                       "/a/*/b/*\n"              // 11
                                       "/ok2\n"                  // 12
                                       "  ! X-Good\n"            // 13
                                       "  X-Also: fine\n");      // 14
    const auto &w = rules.warnings();
    QCOMPARE(w.size(), std::size_t(9));
    QVERIFY(w[0].starts_with("line 1: "));
    QVERIFY(w[1].starts_with("line 4: "));
    QVERIFY(w[2].starts_with("line 5: "));
    QVERIFY(w[3].starts_with("line 6: ") && w[3].find("content-length") != std::string::npos);
    QVERIFY(w[4].starts_with("line 7: ") && w[4].find("Link") != std::string::npos);
    QVERIFY(w[5].starts_with("line 8: ") && w[5].find("absolute") != std::string::npos);
    QVERIFY(w[6].starts_with("line 10: "));
    QVERIFY(w[7].starts_with("line 11: "));
    QVERIFY(w[8].starts_with("line 13: "));
    QCOMPARE(rules.headersFor("/ok"), (HeaderList{Header{"x-good", "yes"}}));
    QCOMPARE(rules.headersFor("/ok2"), (HeaderList{Header{"x-also", "fine"}}));
    QCOMPARE(rules.ruleCount(), std::size_t(2));
}

void TestHeadersRules::unusableFiles()
{
    auto nul = HeadersRules::parse(std::string_view("/*\n  X: 1\0\n", 11));
    QVERIFY(!nul);
    QCOMPARE(nul.error().code, Errc::InvalidArgument);
    QVERIFY(nul.error().message.find("NUL") != std::string::npos);
    auto huge = HeadersRules::parse(std::string(HeadersRules::kMaxTextBytes + 1, '#'));
    QVERIFY(!huge);
    auto empty = HeadersRules::parse("");
    QVERIFY(empty);
    QCOMPARE(empty->ruleCount(), std::size_t(0));
}

void TestHeadersRules::linkHeaderValueFormat()
{
    QCOMPARE(linkHeaderValue({"/css/site.css", "style", "", false, false}),
             std::string("</css/site.css>; rel=preload; as=style"));
    QCOMPARE(linkHeaderValue({"/f.woff2", "font", "font/woff2", false, false}),
             std::string("</f.woff2>; rel=preload; as=font; type=\"font/woff2\"; crossorigin"));
    QCOMPARE(linkHeaderValue({"/m.js", "script", "", true, true}),
             std::string("</m.js>; rel=preload; as=script; crossorigin; nopush"));
}

QTEST_APPLESS_MAIN(TestHeadersRules)
#include "tst_headersrules.moc"
