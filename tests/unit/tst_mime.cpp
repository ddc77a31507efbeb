// The built-in MIME table and the charset rule.

#include "site/mime.h"

#include <QtTest>

using namespace h2scope::site;

class TestMime : public QObject {
    Q_OBJECT

private slots:
    void types_data();
    void types();
    void contentTypes_data();
    void contentTypes();
};

void TestMime::types_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("type");
    const std::pair<const char *, const char *> rows[] = {
        {"/app.js", "text/javascript"},
        {"/mod.mjs", "text/javascript"},
        {"/x.wasm", "application/wasm"},
        {"/img.avif", "image/avif"},
        {"/img.webp", "image/webp"},
        {"/photo.heic", "image/heic"},
        {"/photo.jxl", "image/jxl"},
        {"/clip.mov", "video/quicktime"},
        {"/voice.opus", "audio/ogg"},
        {"/config.toml", "application/toml"},
        {"/logo.svg", "image/svg+xml"},
        {"/f.woff2", "font/woff2"},
        {"/f.woff", "font/woff"},
        {"/f.ttf", "font/ttf"},
        {"/site.webmanifest", "application/manifest+json"},
        {"/data.json", "application/json"},
        {"/app.js.map", "application/json"},
        {"/s.css", "text/css"},
        {"/index.html", "text/html"},
        {"/index.htm", "text/html"},
        {"/notes.txt", "text/plain"},
        {"/README.md", "text/markdown"},
        {"/a.png", "image/png"},
        {"/a.jpg", "image/jpeg"},
        {"/a.jpeg", "image/jpeg"},
        {"/a.gif", "image/gif"},
        {"/favicon.ico", "image/x-icon"},
        {"/v.mp4", "video/mp4"},
        {"/v.webm", "video/webm"},
        {"/doc.pdf", "application/pdf"},
        {"/feed.xml", "application/xml"},
        {"/UPPER.PNG", "image/png"},
        {"/Mixed.Js", "text/javascript"},
        {"/archive.unknownext", "application/octet-stream"},
        {"/noextension", "application/octet-stream"},
        {"/.bashrc", "application/octet-stream"},
        {"/trailingdot.", "application/octet-stream"},
        {"/dir.js/file", "application/octet-stream"},
        {"", "application/octet-stream"},
        {"relative/name.css", "text/css"},
    };
    for (const auto &[path, type] : rows)
        QTest::newRow(path[0] ? path : "(empty)") << QString::fromUtf8(path) << QString::fromUtf8(type);
}

void TestMime::types()
{
    QFETCH(QString, path);
    QFETCH(QString, type);
    const std::string p = path.toStdString();
    QCOMPARE(QString::fromUtf8(std::string(mimeTypeFor(p)).c_str()), type);
}

void TestMime::contentTypes_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("contentType");
    QTest::newRow("js") << "/a.js"
                        << "text/javascript; charset=utf-8";
    QTest::newRow("html") << "/a.html"
                          << "text/html; charset=utf-8";
    QTest::newRow("css") << "/a.css"
                         << "text/css; charset=utf-8";
    QTest::newRow("json") << "/a.json"
                          << "application/json; charset=utf-8";
    QTest::newRow("manifest") << "/a.webmanifest"
                              << "application/manifest+json; charset=utf-8";
    QTest::newRow("svg") << "/a.svg"
                         << "image/svg+xml; charset=utf-8";
    QTest::newRow("xml") << "/a.xml"
                         << "application/xml; charset=utf-8";
    QTest::newRow("md") << "/a.md"
                        << "text/markdown; charset=utf-8";
    QTest::newRow("png") << "/a.png"
                         << "image/png";
    QTest::newRow("wasm") << "/a.wasm"
                          << "application/wasm";
    QTest::newRow("woff2") << "/a.woff2"
                           << "font/woff2";
    QTest::newRow("unknown") << "/a.bin"
                             << "application/octet-stream";
}

void TestMime::contentTypes()
{
    QFETCH(QString, path);
    QFETCH(QString, contentType);
    QCOMPARE(QString::fromStdString(contentTypeFor(path.toStdString())), contentType);
    QCOMPARE(isTextMimeType("text/anything"), true);
    QCOMPARE(isTextMimeType("image/png"), false);
}

QTEST_APPLESS_MAIN(TestMime)
#include "tst_mime.moc"
