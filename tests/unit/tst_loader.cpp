// The lab loader's asset discovery: HTML (the push rules' discovery plus
// images), stylesheets (url(), @import) and Link preload headers.

#include "lab/pageassets.h"

#include <QtTest>

#include <fstream>
#include <sstream>

using namespace h2scope;
using namespace h2scope::lab;

namespace {

std::vector<std::string> paths(const std::vector<site::PreloadLink> &links)
{
    std::vector<std::string> out;
    for (const auto &l : links)
        out.push_back(l.path);
    return out;
}

QString join(const std::vector<std::string> &v)
{
    QStringList l;
    for (const auto &s : v)
        l << QString::fromStdString(s);
    return l.join(' ');
}

} // namespace

class TestLoader : public QObject {
    Q_OBJECT

private slots:
    void demoPage();
    void imagesLikeABrowser();
    void partialHtml();
    void relativeUrls();
    void pageInAFolderWithASpace();
    void cssReferences();
    void linkHeaders();
};

void TestLoader::demoPage()
{
    std::ifstream in(H2SCOPE_SOURCE_DIR "/resources/demo/index.html");
    std::stringstream html;
    html << in.rdbuf();
    const auto assets = discoverHtmlAssets(html.str(), "/");
    QCOMPARE(join(paths(assets)), QString("/css/site.css /js/app.js /img/icon.png /img/hero.svg"));
    QCOMPARE(QString::fromStdString(assets[0].as), QString("style"));
    QCOMPARE(QString::fromStdString(assets[1].as), QString("script"));
    QCOMPARE(QString::fromStdString(assets[2].as), QString("image"));
}

void TestLoader::imagesLikeABrowser()
{
    const std::string html = R"(<!doctype html><body>
      <img src="/a.png"><IMG SRC='/b.png'>
      <img src="/lazy.png" loading="lazy">
      <noscript><img src="/noscript.png"></noscript>
      <template><img src="/template.png"></template>
      <!-- <img src="/comment.png"> -->
      <img src="https://cdn.example/x.png"><img src="data:image/png;base64,AAAA">
      <img src="/a.png"><svg><image href="/svg.png"/></svg>
    </body>)";
    QCOMPARE(join(paths(discoverHtmlAssets(html, "/"))), QString("/a.png /b.png"));
}

void TestLoader::partialHtml()
{
    const std::string html = "<html><head><link rel=stylesheet href=/s.css><script src=/a.js></script><img src=/i";
    const auto assets = paths(discoverHtmlAssets(html, "/"));
    QVERIFY(!assets.empty());
    QCOMPARE(QString::fromStdString(assets.front()), QString("/s.css"));
}

void TestLoader::relativeUrls()
{
    const std::string html = R"(<link rel="stylesheet" href="../css/x.css"><img src="pic.png?v=2#frag">)";
    QCOMPARE(join(paths(discoverHtmlAssets(html, "/docs/page.html"))), QString("/css/x.css /docs/pic.png?v=2"));
}

void TestLoader::cssReferences()
{
    const std::string css = R"(
      @import "base.css";
      @import url(/theme/dark.css);
      /* url(/commented.png) */
      @font-face { src: url("/fonts/a.woff2") format("woff2"), url('../fonts/a.woff') format("woff"); }
      .hero { background: URL( ../img/bg.jpg ) no-repeat; }
      .dot { background: url(data:image/png;base64,AAA=); }
      .far { background: url(https://cdn.example/x.png); }
      .again { background: url(../img/bg.jpg); }
    )";
    const auto assets = discoverCssAssets(css, "/css/site.css");
    QCOMPARE(join(paths(assets)), QString("/css/base.css /theme/dark.css /fonts/a.woff2 /fonts/a.woff /img/bg.jpg"));
    QCOMPARE(QString::fromStdString(assets[0].as), QString("style"));
    QCOMPARE(QString::fromStdString(assets[1].as), QString("style"));
    QCOMPARE(QString::fromStdString(assets[2].as), QString("font"));
    QCOMPARE(QString::fromStdString(assets[4].as), QString("image"));
    QVERIFY(discoverCssAssets("url(", "/x.css").empty());
    QVERIFY(discoverCssAssets("@import '", "/x.css").empty());
}

void TestLoader::linkHeaders()
{
    const HeaderList headers{
        {"link", "</css/site.css>; rel=preload; as=style, </fonts/f.woff2>; rel=\"preload\"; as=font; crossorigin"},
        {"link", "<rel.js>; rel=preload; as=script; nopush"},
        {"link", "</next.html>; rel=prefetch"},
        {"link", "<https://cdn.example/a.css>; rel=preload; as=style"},
        {"x-other", "</not-a-link.css>; rel=preload"},
    };
    const auto links = preloadsFromLinkHeaders(headers, "/blog/");
    QCOMPARE(join(paths(links)), QString("/css/site.css /fonts/f.woff2 /blog/rel.js"));
    QCOMPARE(QString::fromStdString(links[1].as), QString("font"));
    QVERIFY(links[1].crossorigin);
    QVERIFY(links[2].nopush);
    // What the server sends round-trips through the parser.
    const HeaderList own{{"link", site::linkHeaderValue({"/x.css", "style", "", false, false})}};
    QCOMPARE(join(paths(preloadsFromLinkHeaders(own, "/"))), QString("/x.css"));
}

void TestLoader::pageInAFolderWithASpace()
{
    // The loader's one parse of a page takes its decoded path and encodes it
    // once: assets, images, the import map's base and inline modules' base.
    const std::string html = R"(<script type="importmap">{"imports":{"m":"./m.js"}}</script>
        <script type="module">import "m";</script><script src="x.js"></script><img src="i%20.png">)";
    const auto page = discoverHtmlPage(html, "/my dir/page.html");
    QCOMPARE(QString::fromStdString(page.baseUrlPath), QString("/my%20dir/page.html"));
    QCOMPARE(join(paths(assetsOf(page))), QString("/my%20dir/x.js /my%20dir/i%20.png"));
    QCOMPARE(page.inlineModules.size(), std::size_t(1));
    QVERIFY(!page.importMap.empty());
}

QTEST_APPLESS_MAIN(TestLoader)
#include "tst_loader.moc"
