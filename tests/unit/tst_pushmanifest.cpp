// push_manifest.json in the Polymer format: page patterns, types, weights.

#include "site/pushmanifest.h"

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

PushManifest parseOk(std::string_view text)
{
    auto manifest = PushManifest::parse(text);
    if (!manifest)
        qFatal("parse failed: %s", manifest.error().message.c_str());
    return std::move(manifest).value();
}

} // namespace

class TestPushManifest : public QObject {
    Q_OBJECT

private slots:
    void polymerManifest();
    void weightsOrderAssets();
    void patterns_data();
    void patterns();
    void typesMapToAs();
    void badEntriesAreSkipped();
    void notAManifest_data();
    void notAManifest();
    void unicodeEscapesNameTheSameFile();
};

void TestPushManifest::polymerManifest()
{
    // As polymer-build writes it: asset paths relative to the root.
    const PushManifest manifest = parseOk(R"({
      "/": {
        "src/my-app.js": {"type": "script", "weight": 1},
        "styles/app.css": {"type": "style", "weight": 1}
      },
      "/view1": {
        "src/my-view1.js": {"type": "script", "weight": 1}
      }
    })");
    QVERIFY(manifest.warnings().empty());
    QCOMPARE(manifest.pageCount(), std::size_t(2));
    const auto home = manifest.assetsFor("/");
    QCOMPARE(paths(home), QStringList({"/src/my-app.js", "/styles/app.css"}));
    QCOMPARE(home[0].as, std::string("script"));
    QCOMPARE(home[1].as, std::string("style"));
    QCOMPARE(paths(manifest.assetsFor("/view1")), QStringList({"/src/my-view1.js"}));
    QVERIFY(manifest.assetsFor("/view2").empty());
    QVERIFY(manifest.assetsFor("/view1/").empty());
}

void TestPushManifest::weightsOrderAssets()
{
    const PushManifest manifest = parseOk(R"({
      "/": {"/a.js": {"type": "script"}, "/b.css": {"type": "style", "weight": 5},
            "/c.png": {"type": "image", "weight": 0.5}, "/d.js": {"type": "script", "weight": 5}},
      "/.*": {"/e.css": {"type": "style", "weight": 10}, "/b.css": {"type": "style", "weight": 1}}
    })");
    // Highest weight first; ties (and missing weights, 0) keep file order; no duplicates.
    QCOMPARE(paths(manifest.assetsFor("/")), QStringList({"/e.css", "/b.css", "/d.js", "/c.png", "/a.js"}));
    QCOMPARE(paths(manifest.assetsFor("/other")), QStringList({"/e.css", "/b.css"}));
}

void TestPushManifest::patterns_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("matches");
    QTest::newRow("literal") << "/about.html"
                             << "/about.html" << true;
    QTest::newRow("literal dot is literal") << "/about.html"
                                            << "/aboutxhtml" << false;
    QTest::newRow("regex below") << "/shop/.*"
                                 << "/shop/item/1" << true;
    QTest::newRow("regex anchored start") << "/shop/.*"
                                          << "/x/shop/item" << false;
    QTest::newRow("regex anchored end") << "/shop/[0-9]+"
                                        << "/shop/12/more" << false;
    QTest::newRow("regex digits") << "/shop/[0-9]+"
                                  << "/shop/12" << true;
    QTest::newRow("alternation whole") << "/(a|b)"
                                       << "/b" << true;
    QTest::newRow("explicit anchors") << "^/x$"
                                      << "/x" << true;
}

void TestPushManifest::patterns()
{
    QFETCH(QString, key);
    QFETCH(QString, path);
    QFETCH(bool, matches);
    const std::string json = "{\"" + key.toStdString() + "\": {\"/asset.js\": {\"type\": \"script\"}}}";
    const PushManifest manifest = parseOk(json);
    QVERIFY(manifest.warnings().empty());
    QCOMPARE(!manifest.assetsFor(path.toStdString()).empty(), matches);
}

void TestPushManifest::typesMapToAs()
{
    const PushManifest manifest = parseOk(R"({"/": {
      "/1": {"type": "style"}, "/2": {"type": "script"}, "/3": {"type": "font"},
      "/4": {"type": "image"}, "/5": {"type": "document"}, "/6": {"type": "fetch"}, "/7": {}
    }})");
    const auto links = manifest.assetsFor("/");
    QCOMPARE(links.size(), std::size_t(7));
    const char *expected[] = {"style", "script", "font", "image", "document", "fetch", ""};
    for (std::size_t i = 0; i < links.size(); ++i)
        QCOMPARE(links[i].as, std::string(expected[i]));
    QVERIFY(links[2].crossorigin); // fonts are CORS fetches
    QVERIFY(!links[0].crossorigin);
}

void TestPushManifest::badEntriesAreSkipped()
{
    const PushManifest manifest = parseOk(R"({
      "/": {"/ok.css": {"type": "style"}, "//cdn.example/x.js": {"type": "script"},
            "https://other/x.js": {"type": "script"}, "/weird": {"type": "banana"},
            "/w": {"type": "style", "weight": "heavy"}, "/n": 3},
      "/bad(": {"/x.js": {"type": "script"}},
      "/list": ["/x.js"]
    })");
    QCOMPARE(paths(manifest.assetsFor("/")), QStringList({"/ok.css", "/weird", "/w"}));
    QCOMPARE(manifest.assetsFor("/")[1].as, std::string()); // unknown type: no `as`
    const auto &w = manifest.warnings();
    QCOMPARE(w.size(), std::size_t(7));
    QVERIFY(w[0].find("//cdn.example/x.js") != std::string::npos);
    QVERIFY(w[4].find("\"/n\"") != std::string::npos);
    QVERIFY(w[5].find("regular expression") != std::string::npos);
    QVERIFY(w[6].find("/list") != std::string::npos);
}

void TestPushManifest::notAManifest_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not json") << "{\"/\": {"
                              << "not valid JSON";
    QTest::newRow("array") << "[1, 2]"
                           << "must be an object";
    QTest::newRow("trailing") << "{} x"
                              << "not valid JSON";
    QTest::newRow("number out of range") << R"({"/": {"/a.css": {"weight": 1e400}}})"
                                         << "not valid JSON";
}

void TestPushManifest::notAManifest()
{
    QFETCH(QString, text);
    QFETCH(QString, mentions);
    const auto manifest = PushManifest::parse(text.toStdString());
    QVERIFY(!manifest);
    QCOMPARE(manifest.error().code, Errc::InvalidArgument);
    QVERIFY2(manifest.error().message.find(mentions.toStdString()) != std::string::npos,
             manifest.error().message.c_str());
    QVERIFY(!PushManifest::parse(std::string(PushManifest::kMaxTextBytes + 1, ' ')));
}

// A standard JSON escape is the character it stands for: "/caf\u00e9.css"
// in a manifest written by another tool names café.css, the same asset as
// the UTF-8 spelling.
void TestPushManifest::unicodeEscapesNameTheSameFile()
{
    const PushManifest escaped = parseOk(R"({"/": {"/caf\u00e9.css": {"type": "style"}}})");
    const PushManifest literal = parseOk("{\"/\": {\"/caf\xc3\xa9.css\": {\"type\": \"style\"}}}");
    QCOMPARE(escaped.assetsFor("/").size(), std::size_t(1));
    QCOMPARE(paths(escaped.assetsFor("/")), paths(literal.assetsFor("/")));
    const PushManifest page = parseOk(R"({"/caf\u00e9.html": {"/a.css": {}}})");
    QCOMPARE(page.assetsFor("/caf\xc3\xa9.html").size(), std::size_t(1));
}

QTEST_APPLESS_MAIN(TestPushManifest)
#include "tst_pushmanifest.moc"
