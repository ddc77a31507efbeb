// Prepared answers (StaticSite's fast path for plain GET/HEAD of files): the
// same status, fields, bytes and preloads as the general code, and every
// change on disk seen as promptly as the general code sees it. Also the
// shortcuts beside it: parseTarget()'s plain-target path and the Host
// allow-list's memory of accepted authorities.

#include "site/hostallowlist.h"
#include "site/httpdate.h"
#include "site/pathresolver.h"
#include "site/staticsite.h"
#include "sitefiles.h"

#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <climits>
#include <cstdio>
#include <random>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace h2scope;
using namespace h2scope::site;
using namespace h2scope::testing;

namespace {

// Every field as sent: the prepared ones, then the per-response ones.
HeaderList sentHeaders(const Response &r)
{
    HeaderList out;
    if (r.fixedHeaders)
        out = r.fixedHeaders->list;
    out.insert(out.end(), r.headers.begin(), r.headers.end());
    return out;
}

std::string describe(const HeaderList &headers)
{
    std::string out;
    for (const Header &h : headers)
        out += h.name + ": " + h.value + "\n";
    return out;
}

Request makeRequest(const std::string &target, HeaderList headers = {}, const std::string &method = "GET",
                    Freshness freshness = {})
{
    Request request;
    request.method = method;
    request.scheme = "https";
    request.authority = "localhost:8443";
    request.target = target;
    request.headers = std::move(headers);
    request.freshness = freshness;
    return request;
}

// `request` as one of a batch of requests read together.
Request inBatch(Request request, Freshness batch)
{
    request.freshness = batch;
    return request;
}

constexpr std::time_t kPast = 1'600'000'000; // settled files: snapshots and injection caches apply

} // namespace

class TestPreparedFiles : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void parseTargetShortcutMatchesGeneral();
    void hostAllowListMemoryIsPerList();

    void preparedMatchesGeneral_data();
    void preparedMatchesGeneral();
    void editInPlaceSeen_data() { resolvedByName_data(); }
    void editInPlaceSeen();
    void saveAndRenameSeen_data() { resolvedByName_data(); }
    void saveAndRenameSeen();
    void deletionSeen_data() { resolvedByName_data(); }
    void deletionSeen();
    void siblingDeletedSeen();
    void siblingCreatedSeen();
    void headersRulesEditSeen();
    void injectedPageEditSeen();
    void conditionalsAndRangesAfterPreparing();
    void preparedAcrossResolverLifetimes();

private:
    // `byName`: symlinks out of the folder allowed, which resolves by realpath()
    // instead of openat2 (as on a kernel or in a sandbox without it).
    std::unique_ptr<StaticSite> makeSite(bool liveReload, const std::string &root = {}, bool byName = false);
    void resolvedByName_data();
    // A folder of its own for the tests that change files.
    std::string scratchFolder(const char *name);

    QTemporaryDir m_tmp;
    std::string m_root;
};

void TestPreparedFiles::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    char buf[PATH_MAX];
    QVERIFY(::realpath(m_tmp.path().toStdString().c_str(), buf));
    m_root = std::string(buf) + "/site";
    for (const char *d : {"", "/css", "/docs"})
        QCOMPARE(::mkdir((m_root + d).c_str(), 0755), 0);
    const std::vector<std::pair<std::string, std::string>> files = {
        {"/small.txt", std::string(1024, 'x')},
        {"/index.html", "<html><head><link rel=stylesheet href=/css/site.css><script src=/app.js></script>"
                        "</head><body><h1>home</h1></body></html>\n"},
        {"/docs/page.html", "<p>no body tag</p>\n"},
        {"/app.js", "console.log('identity');\n"},
        {"/app.js.br", "BROTLI-BYTES"},
        {"/app.js.gz", "GZIP-BYTES-LONGER"},
        {"/css/site.css", "body{}\n"},
        {"/css/site.css.gz", "GZ-CSS"},
        {"/data.json", "{\"a\":1}\n"},
        {"/image.bin", std::string(StaticSite::kMaxSnapshotFile + 1, 'b')}, // over the snapshot size: streamed
        {"/font.woff2", "FONT"},
        {"/_headers", "/*\n  X-Frame-Options: DENY\n"
                      "  Link: </font.woff2>; rel=preload; as=font; nopush\n"
                      "/css/*\n  Cache-Control: max-age=60\n  Vary: Origin\n  Content-Type: text/x-custom\n"
                      "/data.json\n  X-Content-Type-Options: none\n"},
    };
    for (const auto &[path, content] : files) {
        writeFile(m_root + path, content);
        setMtime(m_root + path, kPast);
    }
}

std::unique_ptr<StaticSite> TestPreparedFiles::makeSite(bool liveReload, const std::string &root, bool byName)
{
    SiteOptions options;
    options.root = root.empty() ? m_root : root;
    options.liveReload = liveReload;
    options.followSymlinksOutside = byName;
    auto site = StaticSite::create(options);
    return site ? std::move(*site) : nullptr;
}

void TestPreparedFiles::resolvedByName_data()
{
    QTest::addColumn<bool>("byName");
    QTest::newRow("openat2") << false;
    QTest::newRow("realpath") << true;
}

std::string TestPreparedFiles::scratchFolder(const char *name)
{
    const std::string root = m_tmp.path().toStdString() + "/" + name;
    ::mkdir(root.c_str(), 0755);
    return root;
}

void TestPreparedFiles::parseTargetShortcutMatchesGeneral()
{
    const PathResolver defaults("/srv", {});
    PathResolver::Options tight;
    tight.maxSegments = 3;
    tight.maxTargetLength = 24;
    const PathResolver limited("/srv", tight);

    std::vector<std::string> targets = {
        "/",
        "/a/b.txt",
        "/a/b/",
        "//a///b//",
        "//evil.com",
        "/a/./b/../c",
        "/a/b/..",
        "/a/.",
        "/../etc/passwd",
        "/../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/x",
        "/%252e%252e/",
        "/..%2f..%2fetc/passwd",
        "/a%2Fb",
        "/caf%C3%A9.txt",
        "/a%20b",
        "/a+b",
        "/..",
        "/.../x",
        "",
        "a/b",
        "*",
        "http://evil.com/",
        "?x",
        "/%",
        "/%4",
        "/%zz",
        "/%00",
        "/index.html%00.txt",
        "/a/..\\..\\x",
        "/\\evil",
        "/%5c..%5cx",
        "/a%0d%0aSet-Cookie:x",
        "/a\tb",
        "/a b",
        "/a%7f",
        "/a?",
        "/a?b=c",
        "/a?b c",
        "/a?b#c",
        "/a#frag",
        "/a/?q",
        "/.",
        "/./",
        "/x/..",
        "/a/b/c/d",
        "/a/b/c",
        "/a/b/c/",
        "/.well-known/x",
        "/.env",
        "/~user/-_.txt",
        "/a?\x01",
        "/a\x7f",
        "/" + std::string(30, 'a'),
        "/" + std::string(9000, 'a'),
        "/a?" + std::string(9000, 'q'),
        "/" + std::string(300, '/'),
    };
    std::string many;
    for (int i = 0; i < 300; ++i)
        many += "/s";
    targets.push_back(many);
    // And many made of the bytes that matter to either parser.
    std::mt19937 random(42);
    const std::string alphabet = "/./../a.b~-_%2e%2F%00?#\\ \tZz9+:@";
    for (int i = 0; i < 30000; ++i) {
        std::string target = random() % 8 ? "/" : "";
        const int length = static_cast<int>(random() % 14);
        for (int j = 0; j < length; ++j)
            target += alphabet[random() % alphabet.size()];
        targets.push_back(std::move(target));
    }

    int shortcuts = 0;
    for (const PathResolver *resolver : {&defaults, &limited}) {
        for (const std::string &target : targets) {
            const TargetPath fast = resolver->parseTarget(target);
            const TargetPath general = resolver->parseTargetGeneral(target);
            const QByteArray what = QByteArray::fromStdString(target).toPercentEncoding("/");
            QVERIFY2(fast.status == general.status, what);
            QVERIFY2(fast.note == general.note, what);
            QVERIFY2(fast.path == general.path, what);
            QVERIFY2(fast.query == general.query, what);
            QVERIFY2(fast.hasQuery == general.hasQuery, what);
            shortcuts += fast.ok() && target.find_first_of("%#\\") == std::string::npos;
        }
    }
    QVERIFY(shortcuts > 1000); // the comparison covered plain targets too
}

void TestPreparedFiles::hostAllowListMemoryIsPerList()
{
    const HostAllowList extra({"dev.example.test"});
    const HostAllowList plain;
    for (int round = 0; round < 3; ++round) {
        QVERIFY(extra.allows("dev.example.test:8443"));
        QVERIFY(!plain.allows("dev.example.test:8443")); // not remembered across lists
        QVERIFY(plain.allows("127.0.0.1:8443"));
        QVERIFY(plain.allows("LOCALHOST"));
        QVERIFY(!plain.allows("evil.example"));
        QVERIFY(!plain.allows(":8443"));
    }
    // A list made where another one lived must not inherit its memory.
    for (int i = 0; i < 4; ++i) {
        auto allowing = std::make_unique<HostAllowList>(std::vector<std::string>{"a.test"});
        QVERIFY(allowing->allows("a.test"));
        allowing.reset();
        auto refusing = std::make_unique<HostAllowList>();
        QVERIFY(!refusing->allows("a.test"));
    }
}

void TestPreparedFiles::preparedMatchesGeneral_data()
{
    QTest::addColumn<bool>("liveReload");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("acceptEncoding"); // "-": none sent
    QTest::addColumn<QString>("method");
    const QStringList targets = {"/small.txt",  "/index.html",   "/docs/page.html", "/app.js",
                                 "/app.js?v=3", "/css/site.css", "/data.json",      "/image.bin"};
    const QStringList encodings = {"-", "gzip, deflate, br", "gzip", "br;q=0.5, gzip;q=0.9", "identity", "*", "br;q=0"};
    for (bool liveReload : {false, true})
        for (const QString &target : targets)
            for (const QString &encoding : encodings)
                for (const char *method : {"GET", "HEAD"})
                    QTest::addRow("%s %s %s %s", liveReload ? "lr" : "plain", qPrintable(target), qPrintable(encoding),
                                  method)
                        << liveReload << target << encoding << QString(method);
}

void TestPreparedFiles::preparedMatchesGeneral()
{
    QFETCH(bool, liveReload);
    QFETCH(QString, target);
    QFETCH(QString, acceptEncoding);
    QFETCH(QString, method);
    HeaderList headers = {{"accept", "*/*"}};
    if (acceptEncoding != "-")
        headers.push_back({"accept-encoding", acceptEncoding.toStdString()});
    const Request request = makeRequest(target.toStdString(), headers, method.toStdString());

    // A fresh site answers the first request the general way...
    auto fresh = makeSite(liveReload);
    QVERIFY(fresh);
    Response general = fresh->handle(request);
    QVERIFY(!general.fixedHeaders);
    QCOMPARE(general.status, 200);

    // ...and a site that has answered it before, from its prepared fields.
    auto warm = makeSite(liveReload);
    QVERIFY(warm);
    warm->handle(request);
    Response prepared = warm->handle(request);
    QVERIFY2(prepared.fixedHeaders, "the second plain fetch should be prepared");
    QVERIFY(prepared.fixedHeaders->block == prepared.fixedHeaders->list);

    QCOMPARE(prepared.status, general.status);
    QCOMPARE(describe(sentHeaders(prepared)), describe(sentHeaders(general)));
    QCOMPARE(prepared.note, general.note);
    QCOMPARE(prepared.body.has_value(), general.body.has_value());
    QCOMPARE(bool(prepared.live), bool(general.live));
    QCOMPARE(readBody(prepared), readBody(general));
    // Both say how large an encoded body is decoded (the identity file's size).
    QCOMPARE(prepared.decodedLength, general.decodedLength);
    if (prepared.header("content-encoding"))
        QCOMPARE(general.decodedLength,
                 std::uint64_t(QFileInfo(QString::fromStdString(m_root) + target.section(u'?', 0, 0)).size()));
    else
        QCOMPARE(general.decodedLength, std::uint64_t(0));
    QVERIFY(prepared.preloads == general.preloads);
    QVERIFY(prepared.pushPromises == general.pushPromises);
    for (const char *name : {"content-type", "etag", "content-length", "x-content-type-options", "vary"}) {
        const std::string *a = prepared.header(name);
        const std::string *b = general.header(name);
        QCOMPARE(bool(a), bool(b));
        if (a)
            QCOMPARE(*a, *b);
    }
}

void TestPreparedFiles::editInPlaceSeen()
{
    QFETCH(bool, byName);
    const std::string root = scratchFolder(byName ? "edit-by-name" : "edit");
    writeFile(root + "/f.txt", "version one\n");
    setMtime(root + "/f.txt", kPast);
    auto site = makeSite(false, root, byName);
    QVERIFY(site);
    const Request request = makeRequest("/f.txt");
    site->handle(request);
    Response before = site->handle(request);
    QVERIFY(before.fixedHeaders);
    QCOMPARE(readBody(before), std::string("version one\n"));

    // Same size, same inode, another modification time: seen at once outside a scope.
    writeFile(root + "/f.txt", "version two\n");
    setMtime(root + "/f.txt", kPast + 10);
    Response after = site->handle(request);
    QCOMPARE(readBody(after), std::string("version two\n"));
    QVERIFY(*after.header("etag") != *before.header("etag"));
    QCOMPARE(*after.header("last-modified"), formatHttpDate(kPast + 10));
    QVERIFY(site->handle(request).fixedHeaders); // prepared again for the new version

    // In one batch: checked once, on its first lookup; the next batch sees the edit.
    {
        const Freshness batch = Freshness::open();
        Response first = site->handle(inBatch(request, batch));
        QCOMPARE(readBody(first), std::string("version two\n"));
        writeFile(root + "/f.txt", "version 3!!\n");
        setMtime(root + "/f.txt", kPast + 20);
        Response same = site->handle(inBatch(request, batch));
        QCOMPARE(*same.header("etag"), *first.header("etag")); // as PathResolver: trusted within the batch
        // A request of no batch checks.
        Response unbatched = site->handle(request);
        QCOMPARE(readBody(unbatched), std::string("version 3!!\n"));
    }
    {
        Response next = site->handle(inBatch(request, Freshness::open()));
        QCOMPARE(readBody(next), std::string("version 3!!\n"));
        QCOMPARE(*next.header("last-modified"), formatHttpDate(kPast + 20));
    }
}

void TestPreparedFiles::saveAndRenameSeen()
{
    QFETCH(bool, byName);
    const std::string root = scratchFolder(byName ? "rename-by-name" : "rename");
    writeFile(root + "/f.txt", "old bytes\n");
    setMtime(root + "/f.txt", kPast);
    auto site = makeSite(false, root, byName);
    QVERIFY(site);
    const Request request = makeRequest("/f.txt");
    site->handle(request);
    const Response before = site->handle(request);
    QVERIFY(before.fixedHeaders);

    // An editor's save: a new file renamed over the old one, same mtime even.
    writeFile(root + "/f.txt.tmp", "new bytes\n");
    setMtime(root + "/f.txt.tmp", kPast);
    QCOMPARE(std::rename((root + "/f.txt.tmp").c_str(), (root + "/f.txt").c_str()), 0);
    Response after = site->handle(request);
    QCOMPARE(readBody(after), std::string("new bytes\n"));
    QVERIFY(*after.header("etag") != *before.header("etag"));

    // And in the next batch, after one more save.
    writeFile(root + "/f.txt.tmp", "newer bytes\n");
    QCOMPARE(std::rename((root + "/f.txt.tmp").c_str(), (root + "/f.txt").c_str()), 0);
    Response inScope = site->handle(inBatch(request, Freshness::open()));
    QCOMPARE(readBody(inScope), std::string("newer bytes\n"));
}

void TestPreparedFiles::deletionSeen()
{
    QFETCH(bool, byName);
    const std::string root = scratchFolder(byName ? "delete-by-name" : "delete");
    writeFile(root + "/f.txt", "here\n");
    writeFile(root + "/g.txt", "here too\n");
    auto site = makeSite(false, root, byName);
    QVERIFY(site);
    for (const char *path : {"/f.txt", "/g.txt"}) {
        site->handle(makeRequest(path));
        QVERIFY(site->handle(makeRequest(path)).fixedHeaders);
    }
    QCOMPARE(::unlink((root + "/f.txt").c_str()), 0);
    QCOMPARE(site->handle(makeRequest("/f.txt")).status, 404);
    QCOMPARE(site->handle(makeRequest("/f.txt", {}, "HEAD")).status, 404);
    QCOMPARE(site->handle(makeRequest("/g.txt", {}, "GET", Freshness::open())).status, 200);
    QCOMPARE(::unlink((root + "/g.txt").c_str()), 0);
    QCOMPARE(site->handle(makeRequest("/g.txt", {}, "GET", Freshness::open())).status, 404);
}

void TestPreparedFiles::siblingDeletedSeen()
{
    const std::string root = scratchFolder("sibling-deleted");
    writeFile(root + "/a.js", "identity\n");
    writeFile(root + "/a.js.gz", "GZ\n");
    writeFile(root + "/b.js", "identity\n");
    writeFile(root + "/b.js.br", "BR\n");
    auto site = makeSite(false, root);
    QVERIFY(site);
    const HeaderList gzip = {{"accept-encoding", "gzip, br"}};
    for (const char *path : {"/a.js", "/b.js"}) {
        site->handle(makeRequest(path, gzip));
        const Response prepared = site->handle(makeRequest(path, gzip));
        QVERIFY(prepared.fixedHeaders);
        QVERIFY(prepared.header("content-encoding"));
    }

    QCOMPARE(::unlink((root + "/a.js.gz").c_str()), 0);
    Response a = site->handle(makeRequest("/a.js", gzip));
    QCOMPARE(a.status, 200);
    QVERIFY(!a.header("content-encoding"));
    QVERIFY(!a.header("vary"));
    QCOMPARE(readBody(a), std::string("identity\n"));

    QVERIFY(site->handle(makeRequest("/b.js", gzip, "GET", Freshness::open())).header("content-encoding"));
    QCOMPARE(::unlink((root + "/b.js.br").c_str()), 0);
    Response b = site->handle(makeRequest("/b.js", gzip, "GET", Freshness::open()));
    QVERIFY(!b.header("content-encoding"));
    QCOMPARE(readBody(b), std::string("identity\n"));
}

void TestPreparedFiles::siblingCreatedSeen()
{
    // A missing sibling is remembered by PathResolver for its cache lifetime
    // (a second); the prepared answer must not outlive that.
    const std::string root = scratchFolder("sibling-created");
    writeFile(root + "/a.js", "identity\n");
    auto site = makeSite(false, root);
    QVERIFY(site);
    const HeaderList gzip = {{"accept-encoding", "gzip"}};
    site->handle(makeRequest("/a.js", gzip));
    const Response before = site->handle(makeRequest("/a.js", gzip));
    QVERIFY(before.fixedHeaders);
    QVERIFY(!before.header("content-encoding"));

    writeFile(root + "/a.js.gz", "GZ\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    Response after = site->handle(makeRequest("/a.js", gzip));
    QCOMPARE(after.header("content-encoding") ? *after.header("content-encoding") : std::string(), std::string("gzip"));
    QCOMPARE(*after.header("vary"), std::string("accept-encoding"));
    QCOMPARE(readBody(after), std::string("GZ\n"));

    // Same in a batch, with the other sibling.
    writeFile(root + "/a.js.br", "BR\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    Response br = site->handle(makeRequest("/a.js", {{"accept-encoding", "br, gzip"}}, "GET", Freshness::open()));
    QCOMPARE(readBody(br), std::string("BR\n"));
}

void TestPreparedFiles::headersRulesEditSeen()
{
    const std::string root = scratchFolder("rules");
    writeFile(root + "/f.txt", "text\n");
    writeFile(root + "/_headers", "/*\n  X-Rule: one\n");
    auto site = makeSite(false, root);
    QVERIFY(site);
    site->handle(makeRequest("/f.txt"));
    const Response before = site->handle(makeRequest("/f.txt"));
    QVERIFY(before.fixedHeaders);
    QCOMPARE(*before.header("x-rule"), std::string("one"));

    writeFile(root + "/_headers", "/*\n  X-Rule: two, longer\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // PushPolicy rechecks every second
    const Response after = site->handle(makeRequest("/f.txt"));
    QCOMPARE(*after.header("x-rule"), std::string("two, longer"));
}

void TestPreparedFiles::injectedPageEditSeen()
{
    const std::string root = scratchFolder("injected");
    writeFile(root + "/index.html", "<body>one</body>");
    setMtime(root + "/index.html", kPast);
    auto site = makeSite(true, root);
    QVERIFY(site);
    const Request request = makeRequest("/index.html");
    site->handle(request);
    Response before = site->handle(request);
    QVERIFY(before.fixedHeaders);
    QVERIFY(readBody(before).find(LiveReload::kScriptTag) != std::string::npos);

    writeFile(root + "/index.html", "<body>two</body>");
    setMtime(root + "/index.html", kPast + 5);
    Response after = site->handle(request);
    const std::string body = readBody(after);
    QVERIFY(body.starts_with("<body>two"));
    QVERIFY(body.find(LiveReload::kScriptTag) != std::string::npos);
    QCOMPARE(*after.header("content-length"), std::to_string(body.size()));
    QVERIFY(after.header("etag")->ends_with("-lr\""));

    // A page just written (not settled) is read and injected afresh each time.
    writeFile(root + "/index.html", "<body>three</body>");
    Response fresh = site->handle(request);
    QVERIFY(readBody(fresh).starts_with("<body>three"));
    QVERIFY(!site->handle(request).fixedHeaders);
}

void TestPreparedFiles::conditionalsAndRangesAfterPreparing()
{
    auto site = makeSite(false);
    QVERIFY(site);
    site->handle(makeRequest("/small.txt"));
    const Response full = site->handle(makeRequest("/small.txt"));
    QVERIFY(full.fixedHeaders);
    const std::string etag = *full.header("etag");

    const Response notModified = site->handle(makeRequest("/small.txt", {{"if-none-match", etag}}));
    QCOMPARE(notModified.status, 304);
    QVERIFY(!notModified.body);
    QCOMPARE(*notModified.header("etag"), etag);
    const Response failed = site->handle(makeRequest("/small.txt", {{"if-match", "\"other\""}}));
    QCOMPARE(failed.status, 412);
    Response partial = site->handle(makeRequest("/small.txt", {{"range", "bytes=0-9"}}));
    QCOMPARE(partial.status, 206);
    QCOMPARE(readBody(partial), std::string(10, 'x'));
    QCOMPARE(*partial.header("content-range"), std::string("bytes 0-9/1024"));
    const Response stale = site->handle(makeRequest("/small.txt", {{"range", "bytes=0-9"}, {"if-range", "\"x\""}}));
    QCOMPARE(stale.status, 200);
    QCOMPARE(site->handle(makeRequest("/small.txt", {}, "POST")).status, 405);
    QCOMPARE(site->handle(Request{"GET", "https", "evil.example", "/small.txt", {}, Protocol::Http2}).status, 421);
}

void TestPreparedFiles::preparedAcrossResolverLifetimes()
{
    // Entries expire with the resolver's lookups (a second) and are made
    // again from the next general answer: a steady stream of requests over
    // more than one lifetime is answered almost entirely from prepared fields.
    auto site = makeSite(false);
    QVERIFY(site);
    int general = 0;
    int total = 0;
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2300)) {
        const Freshness batch = Freshness::open();
        for (int i = 0; i < 32; ++i, ++total)
            general += !site->handle(makeRequest(i % 2 ? "/small.txt" : "/app.js", {{"accept-encoding", "gzip"}}, "GET",
                                                 batch))
                            .fixedHeaders;
    }
    QVERIFY2(general <= 24, qPrintable(QString("%1 of %2 answered the general way").arg(general).arg(total)));
}

QTEST_APPLESS_MAIN(TestPreparedFiles)
#include "tst_preparedfiles.moc"
