// HTML discovery with a real HTML parser, and same-origin URL resolution.

#include "site/htmlassets.h"

#include <QtTest>

using namespace h2scope;
using namespace h2scope::site;

namespace {

QStringList paths(const std::vector<PreloadLink> &links)
{
    QStringList out;
    for (const PreloadLink &l : links)
        out << QString::fromStdString(l.path);
    return out;
}

const PreloadLink *find(const std::vector<PreloadLink> &links, std::string_view path)
{
    for (const PreloadLink &l : links)
        if (l.path == path)
            return &l;
    return nullptr;
}

} // namespace

class TestHtmlAssets : public QObject {
    Q_OBJECT

private slots:
    void resolve_data();
    void resolve();
    void realWorldPage();
    void imagesOnlyWhenAsked();
    void inertAndForeignElementsIgnored();
    void scriptTypes();
    void preloadAttributes();
    void baseHref();
    void limits();
    void malformedHtmlDoesNotMatter();
};

void TestHtmlAssets::resolve_data()
{
    QTest::addColumn<QString>("ref");
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("expected"); // "-" for nullopt
    QTest::newRow("relative") << "css/a.css"
                              << "/docs/page.html"
                              << "/docs/css/a.css";
    QTest::newRow("relative from folder") << "a.css"
                                          << "/docs/"
                                          << "/docs/a.css";
    QTest::newRow("dot") << "./a.css"
                         << "/docs/page.html"
                         << "/docs/a.css";
    QTest::newRow("parent") << "../a.css"
                            << "/docs/sub/page.html"
                            << "/docs/a.css";
    QTest::newRow("parent above root") << "../../../../etc/passwd"
                                       << "/docs/page.html"
                                       << "/etc/passwd";
    QTest::newRow("absolute") << "/x/y.js"
                              << "/docs/page.html"
                              << "/x/y.js";
    QTest::newRow("query kept") << "app.js?v=3"
                                << "/index.html"
                                << "/app.js?v=3";
    QTest::newRow("fragment dropped") << "s.svg#icon"
                                      << "/index.html"
                                      << "/s.svg";
    QTest::newRow("spaces trimmed") << "  \n a.css \t"
                                    << "/index.html"
                                    << "/a.css";
    QTest::newRow("space encoded") << "my file.css"
                                   << "/index.html"
                                   << "/my%20file.css";
    QTest::newRow("escape normalized") << "%7euser/a%2ecss"
                                       << "/index.html"
                                       << "/~user/a.css";
    QTest::newRow("encoded base") << "a.css"
                                  << "/my%20dir/page.html"
                                  << "/my%20dir/a.css";
    QTest::newRow("other origin") << "https://cdn.example/a.css"
                                  << "/index.html"
                                  << "-";
    QTest::newRow("scheme relative") << "//cdn.example/a.css"
                                     << "/index.html"
                                     << "-";
    QTest::newRow("data") << "data:text/css,body{}"
                          << "/index.html"
                          << "-";
    QTest::newRow("javascript") << "JavaScript:alert(1)"
                                << "/index.html"
                                << "-";
    QTest::newRow("backslash host") << "/\\evil.example/a.css"
                                    << "/index.html"
                                    << "-";
    QTest::newRow("empty") << "   "
                           << "/index.html"
                           << "-";
    QTest::newRow("fragment only") << "#top"
                                   << "/index.html"
                                   << "-";
    QTest::newRow("query only") << "?x=1"
                                << "/index.html"
                                << "-";
    QTest::newRow("bad escape") << "a%zz.css"
                                << "/index.html"
                                << "-";
    QTest::newRow("colon after slash is a path") << "./a:b.css"
                                                 << "/index.html"
                                                 << "/a:b.css";
}

void TestHtmlAssets::resolve()
{
    QFETCH(QString, ref);
    QFETCH(QString, base);
    QFETCH(QString, expected);
    const auto result = resolveSameOriginPath(ref.toStdString(), base.toStdString());
    QCOMPARE(result ? QString::fromStdString(*result) : QString("-"), expected);
}

void TestHtmlAssets::realWorldPage()
{
    const std::string html = R"(<!DOCTYPE html>
<HTML lang=en>
<Head>
  <META charset=utf-8>
  <LINK REL="StyleSheet" HREF='css/site.css'>
  <link rel=stylesheet href=../shared/reset.css media=screen>
  <link rel="alternate stylesheet" href="css/dark.css" title="Dark">
  <link rel="stylesheet" href="https://fonts.example.com/css?family=Inter">
  <link rel="stylesheet" href="//cdn.example.com/lib.css">
  <link rel="icon" href="favicon.ico">
  <link rel="canonical" href="/docs/">
  <!-- <link rel="stylesheet" href="css/commented.css"> -->
  <link rel="modulepreload" href="/js/chunk.js">
  <link rel="preload" href="/fonts/inter.woff2" as="font" type="font/woff2" crossorigin>
  <link rel="preload" href="data:font/woff2;base64,AAAA" as="font">
  <script src="js/app.js?v=2#frag" defer></script>
  <script>var inline = '<link rel=stylesheet href=fake.css>';</script>
</Head>
<body>
  <p>text <script src=/js/late.js></script>
  <link rel=stylesheet href="css/site.css">
</body></HTML>)";
    const auto links = discoverAssets(html, "/docs/index.html");
    QCOMPARE(paths(links), QStringList({"/docs/css/site.css", "/shared/reset.css", "/js/chunk.js", "/fonts/inter.woff2",
                                        "/docs/js/app.js?v=2", "/js/late.js"}));
    QCOMPARE(find(links, "/docs/css/site.css")->as, std::string("style"));
    QVERIFY(!find(links, "/docs/css/site.css")->crossorigin);
    QCOMPARE(find(links, "/js/chunk.js")->as, std::string("script"));
    QVERIFY(find(links, "/js/chunk.js")->crossorigin);
    const PreloadLink *font = find(links, "/fonts/inter.woff2");
    QCOMPARE(font->as, std::string("font"));
    QCOMPARE(font->type, std::string("font/woff2"));
    QVERIFY(font->crossorigin);
    QCOMPARE(find(links, "/docs/js/app.js?v=2")->as, std::string("script"));
    for (const PreloadLink &l : links)
        QVERIFY(!l.nopush);
}

void TestHtmlAssets::inertAndForeignElementsIgnored()
{
    const std::string html = R"(<html><head>
<noscript><link rel=stylesheet href=noscript.css></noscript>
</head><body>
<template id=row><link rel=stylesheet href=template.css><script src=template.js></script></template>
<svg><script href=svg.js></script><script src=svg2.js></script></svg>
<math><script src=math.js></script></math>
<div><script src=real.js></script></div>
</body></html>)";
    QCOMPARE(paths(discoverAssets(html, "/")), QStringList({"/real.js"}));
}

void TestHtmlAssets::scriptTypes()
{
    const std::string html = R"(
<script type="text/template" src="tpl.js"></script>
<script type="application/ld+json" src="data.json"></script>
<script type=importmap src=map.json></script>
<script type=" MODULE " src=mod.js></script>
<script nomodule src=legacy.js></script>
<script type="text/javascript" src=classic.js crossorigin=anonymous></script>
<script type="" src=empty-type.js></script>
<script src="" ></script>
<script></script>)";
    const auto links = discoverAssets(html, "/index.html");
    QCOMPARE(paths(links), QStringList({"/mod.js", "/classic.js", "/empty-type.js"}));
    QVERIFY(links[0].crossorigin); // module scripts are CORS fetches
    QVERIFY(links[1].crossorigin); // the attribute says so
    QVERIFY(!links[2].crossorigin);
}

void TestHtmlAssets::preloadAttributes()
{
    const std::string html = R"(
<link rel=preload href=a.png as=IMAGE>
<link rel=preload href=b.json as=fetch crossorigin>
<link rel=preload href=c.bin>
<link rel=preload href=d.bin as=banana>
<link rel="PRELOAD stylesheet" href=e.css as=style>
<link rel=prefetch href=f.html>
<link rel=stylesheet href=g.css disabled>
<link href=h.css>)";
    const auto links = discoverAssets(html, "/p/");
    QCOMPARE(paths(links), QStringList({"/p/a.png", "/p/b.json", "/p/e.css"}));
    QCOMPARE(links[0].as, std::string("image"));
    QVERIFY(links[1].crossorigin);
    QCOMPARE(links[2].as, std::string("style"));
}

void TestHtmlAssets::baseHref()
{
    QCOMPARE(paths(discoverAssets("<base href=/static/><link rel=stylesheet href=a.css><script src=/abs.js></script>",
                                  "/pages/x.html")),
             QStringList({"/static/a.css", "/abs.js"}));
    // A base on another origin makes every URL foreign, "/b.css" included.
    QCOMPARE(paths(discoverAssets("<base href=https://cdn.example/><link rel=stylesheet href=a.css>"
                                  "<link rel=stylesheet href=/b.css>",
                                  "/x.html")),
             QStringList());
    // A base that is only a fragment changes nothing.
    QCOMPARE(paths(discoverAssets("<base href=#top><link rel=stylesheet href=a.css>", "/d/x.html")),
             QStringList({"/d/a.css"}));
    // Only the first <base href> counts.
    QCOMPARE(paths(discoverAssets("<base href=/one/><base href=/two/><script src=s.js></script>", "/")),
             QStringList({"/one/s.js"}));
}

void TestHtmlAssets::limits()
{
    std::string html = "<html><head>";
    for (int i = 0; i < 200; ++i)
        html += "<script src=/s" + std::to_string(i) + ".js></script>";
    QCOMPARE(discoverAssets(html, "/").size(), std::size_t(64));
    QCOMPARE(discoverAssets(html, "/", {1024 * 1024, 3}).size(), std::size_t(3));
    // Duplicates count once.
    QCOMPARE(paths(discoverAssets("<script src=a.js></script><script src=./a.js></script>", "/")),
             QStringList({"/a.js"}));
    // Only the first maxHtmlBytes are parsed.
    const std::string padded =
        "<link rel=stylesheet href=early.css>" + std::string(5000, ' ') + "<link rel=stylesheet href=late.css>";
    QCOMPARE(paths(discoverAssets(padded, "/", {4096, 64})), QStringList({"/early.css"}));
    QCOMPARE(paths(discoverAssets(padded, "/")), QStringList({"/early.css", "/late.css"}));
}

void TestHtmlAssets::malformedHtmlDoesNotMatter()
{
    QVERIFY(discoverAssets("", "/").empty());
    QVERIFY(discoverAssets(std::string_view("\0\0<link", 7), "/").empty());
    std::string deep;
    for (int i = 0; i < 20000; ++i)
        deep += "<div>";
    deep += "<script src=deep.js></script>";
    QCOMPARE(paths(discoverAssets(deep, "/")), QStringList({"/deep.js"}));
    QCOMPARE(paths(discoverAssets("<link rel=stylesheet href='a.css", "/")), QStringList());
    QCOMPARE(paths(discoverAssets("<p><link rel=stylesheet href=\"b.css\"></b></i>", "/")), QStringList({"/b.css"}));
}

void TestHtmlAssets::imagesOnlyWhenAsked()
{
    // One scanner for the server and the lab: the lab's mode also finds the
    // images, against the same <base>, past the links' limit, apart from them.
    const std::string html = R"(<base href="/sub/"><link rel=stylesheet href=a.css><link rel=stylesheet href=b.css>
        <img src="x.png"><img src="/abs.png" loading=" LAZY "><img src="x.png"><img src="//cdn.example/y.png">
        <noscript><img src="n.png"></noscript><script src=c.js></script><img src="../up.png">)";
    h2scope::site::DiscoveryLimits limits;
    limits.maxAssets = 1;
    const auto plain = h2scope::site::discoverPage(html, "/page.html", limits);
    QCOMPARE(plain.links.size(), std::size_t(1));
    QCOMPARE(plain.links[0].path, std::string("/sub/a.css"));
    QVERIFY(plain.images.empty());

    limits.images = true;
    const auto withImages = h2scope::site::discoverPage(html, "/page.html", limits);
    QCOMPARE(withImages.links, plain.links);
    std::vector<std::string> images;
    for (const auto &l : withImages.images) {
        QCOMPARE(l.as, std::string("image"));
        images.push_back(l.path);
    }
    QCOMPARE(images, (std::vector<std::string>{"/sub/x.png", "/up.png"}));
    limits.maxImages = 1;
    QCOMPARE(h2scope::site::discoverPage(html, "/page.html", limits).images.size(), std::size_t(1));
}

QTEST_APPLESS_MAIN(TestHtmlAssets)
#include "tst_htmlassets.moc"
