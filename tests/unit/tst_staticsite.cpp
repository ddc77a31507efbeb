// StaticSite end to end: handle() on a real folder, including hostile targets.

#include "site/httpdate.h"
#include "site/staticsite.h"
#include "sitefiles.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace h2scope;
using namespace h2scope::site;
using namespace h2scope::testing;

namespace {

QString header(const Response &r, const char *name)
{
    const std::string *v = r.header(name);
    return v ? QString::fromStdString(*v) : QString();
}

std::string bigContent()
{
    std::string s;
    s.reserve(300000);
    for (int i = 0; s.size() < 300000; ++i)
        s += std::to_string(i) + ',';
    s.resize(300000);
    return s;
}

} // namespace

class TestStaticSite : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void createFailures();

    void getFile();
    void earlyHintedFetchIsFreshBriefly();
    void headMatchesGet();
    void methodNotAllowed();
    void indexAndRedirect();
    void redirectIsNeverOpen_data();
    void redirectIsNeverOpen();
    void folderWithoutIndex();
    void servedFolderGone();
    void servedFolderRebuilt();
    void listingEscapes();
    void precompressed();
    void conditionals();
    void ranges();
    void ifRange();
    void settledFilesServeFromSnapshots();
    void snapshotsStopAtTheirSizeLimit();
    void hostileTargets_data();
    void hostileTargets();
    void refusalsExplainInNoteOnly();
    void symlinkInsideServes();
    void errorsHaveBodies();
    void pushPreloadsOnGet200();
    void pushHeadersOnEveryMatchingResponse();
    void pushModeOff();
    void answersNowOnlyWhatItHoldsInMemory();

private:
    std::unique_ptr<StaticSite> makePushSite(PushMode mode);
    Response get(const std::string &target, HeaderList headers = {}, const std::string &method = "GET",
                 StaticSite *site = nullptr);

    QTemporaryDir m_tmp;
    std::string m_base;
    std::string m_root;
    std::unique_ptr<StaticSite> m_site;
    const std::string m_hello = "hello, world\n";
    const std::string m_big = bigContent();
};

Response TestStaticSite::get(const std::string &target, HeaderList headers, const std::string &method, StaticSite *site)
{
    Request request;
    request.method = method;
    request.scheme = "https";
    request.authority = "localhost";
    request.target = target;
    request.headers = std::move(headers);
    return (site ? site : m_site.get())->handle(request);
}

void TestStaticSite::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    char buf[PATH_MAX];
    QVERIFY(::realpath(m_tmp.path().toStdString().c_str(), buf));
    m_base = buf;
    m_root = m_base + "/site";
    for (const char *d : {"/site", "/site/sub", "/site/empty", "/site/.git", "/site/evil.com", "/site/.well-known",
                          "/outside", "/site2"})
        QCOMPARE(::mkdir((m_base + d).c_str(), 0755), 0);
    writeFile(m_root + "/index.html", "<h1>home</h1>\n");
    writeFile(m_root + "/hello.txt", m_hello);
    writeFile(m_root + "/big.bin", m_big);
    writeFile(m_root + "/app.js", "console.log('identity');\n");
    writeFile(m_root + "/app.js.br", "BROTLI-BYTES");
    writeFile(m_root + "/app.js.gz", "GZIP-BYTES-LONGER");
    writeFile(m_root + "/style.css", "body{}\n");
    writeFile(m_root + "/style.css.gz", "GZ-CSS");
    writeFile(m_root + "/sub/index.html", "sub index\n");
    writeFile(m_root + "/empty/a&b<c>.txt", "x");
    writeFile(m_root + "/empty/javascript:alert(1)", "x");
    writeFile(m_root + "/empty/\"quoted\" 'name'.txt", "x");
    writeFile(m_root + "/empty/.hidden", "x");
    writeFile(m_root + "/.env", "SECRET_TOKEN=1\n");
    writeFile(m_root + "/.git/config", "[core] SECRET\n");
    writeFile(m_root + "/.well-known/security.txt", "Contact: me\n");
    writeFile(m_root + "/server.key", "-----BEGIN PRIVATE KEY----- SECRET\n");
    writeFile(m_root + "/evil.com/index.html", "evil dir\n");
    writeFile(m_base + "/outside/secret.txt", "OUTSIDE SECRET\n");
    writeFile(m_base + "/site2/secret.txt", "SITE2 SECRET\n");
    QCOMPARE(::symlink((m_base + "/outside/secret.txt").c_str(), (m_root + "/leak.txt").c_str()), 0);
    QCOMPARE(::symlink("../site2", (m_root + "/site2link").c_str()), 0);
    QCOMPARE(::symlink("/etc", (m_root + "/etc").c_str()), 0);
    QCOMPARE(::symlink("hello.txt", (m_root + "/alias.txt").c_str()), 0);

    SiteOptions options;
    options.root = m_root;
    auto site = StaticSite::create(options);
    QVERIFY2(site.ok(), site ? "" : site.error().message.c_str());
    m_site = std::move(site.value());
    QCOMPARE(QString::fromStdString(m_site->root()), QString::fromStdString(m_root));
}

void TestStaticSite::createFailures()
{
    SiteOptions options;
    options.root = m_base + "/does-not-exist";
    auto missing = StaticSite::create(options);
    QVERIFY(!missing.ok());
    QCOMPARE(int(missing.error().code), int(Errc::NotFound));
    QVERIFY(missing.error().message.find("does not exist") != std::string::npos);

    options.root = m_root + "/hello.txt";
    auto notFolder = StaticSite::create(options);
    QVERIFY(!notFolder.ok());
    QCOMPARE(int(notFolder.error().code), int(Errc::InvalidArgument));
    QVERIFY(notFolder.error().message.find("is not a folder") != std::string::npos);

    options.root.clear();
    QVERIFY(!StaticSite::create(options).ok());

    if (::geteuid() != 0) { // root ignores permissions
        const std::string locked = m_base + "/locked";
        QCOMPARE(::mkdir(locked.c_str(), 0), 0);
        options.root = locked;
        auto denied = StaticSite::create(options);
        QVERIFY(!denied.ok());
        QCOMPARE(int(denied.error().code), int(Errc::PermissionDenied));
        ::rmdir(locked.c_str());
    }
}

// A request for a path the connection just listed in a 103 (the browser's
// preload) is fresh for two seconds, so that the page's own request uses it;
// every other request, and a cache-control from `_headers`, stays as it is.
void TestStaticSite::earlyHintedFetchIsFreshBriefly()
{
    const auto hinted = [&](const std::string &target, HeaderList headers = {}, StaticSite *site = nullptr) {
        Request request;
        request.method = "GET";
        request.scheme = "https";
        request.authority = "localhost";
        request.target = target;
        request.headers = std::move(headers);
        request.earlyHinted = true;
        return (site ? site : m_site.get())->handle(request);
    };
    QCOMPARE(header(get("/hello.txt"), "cache-control"), QString("no-cache"));
    const Response first = hinted("/hello.txt");
    QCOMPARE(first.status, 200);
    QCOMPARE(header(first, "cache-control"), QString(SiteOptions::kHintedCacheControl));
    // A warm cache's preload revalidates: the 304 makes the entry fresh as well.
    const Response again = hinted("/hello.txt", {{"if-none-match", header(first, "etag").toStdString()}});
    QCOMPARE(again.status, 304);
    QCOMPARE(header(again, "cache-control"), QString(SiteOptions::kHintedCacheControl));
    // The prepared answer of the next plain fetch is not changed by it.
    QCOMPARE(header(get("/hello.txt"), "cache-control"), QString("no-cache"));
    QCOMPARE(header(get("/hello.txt"), "cache-control"), QString("no-cache"));
    auto site = makePushSite(PushMode::Auto);
    QVERIFY(site);
    QCOMPARE(header(hinted("/css/site.css", {}, site.get()), "cache-control"), QString("max-age=60"));
}

void TestStaticSite::getFile()
{
    Response r = get("/hello.txt");
    QCOMPARE(r.status, 200);
    QCOMPARE(header(r, "content-type"), QString("text/plain; charset=utf-8"));
    QCOMPARE(header(r, "content-length"), QString::number(m_hello.size()));
    QCOMPARE(header(r, "x-content-type-options"), QString("nosniff"));
    QCOMPARE(header(r, "cache-control"), QString("no-cache"));
    QCOMPARE(header(r, "accept-ranges"), QString("bytes"));
    QVERIFY(header(r, "etag").startsWith('"'));
    QVERIFY(header(r, "vary").isEmpty()); // no precompressed siblings
    struct stat st {};
    QCOMPARE(::stat((m_root + "/hello.txt").c_str(), &st), 0);
    QCOMPARE(header(r, "last-modified"), QString::fromStdString(formatHttpDate(st.st_mtim.tv_sec)));
    QCOMPARE(readBody(r), m_hello);

    Response big = get("/big.bin");
    QCOMPARE(big.status, 200);
    QCOMPARE(header(big, "content-type"), QString("application/octet-stream"));
    QCOMPARE(big.body->size(), std::uint64_t(m_big.size()));
    QCOMPARE(header(big, "content-length"), QString::number(m_big.size()));
    QVERIFY(readBody(big) == m_big);

    // Query strings do not change which file is served.
    Response q = get("/hello.txt?v=123");
    QCOMPARE(q.status, 200);
    QCOMPARE(readBody(q), m_hello);

    SiteOptions options;
    options.root = m_root;
    options.cacheControl = "public, max-age=60";
    auto custom = StaticSite::create(options);
    QVERIFY(custom.ok());
    QCOMPARE(header(get("/hello.txt", {}, "GET", custom->get()), "cache-control"), QString("public, max-age=60"));
}

void TestStaticSite::headMatchesGet()
{
    Response getResponse = get("/big.bin");
    Response head = get("/big.bin", {}, "HEAD");
    QCOMPARE(head.status, 200);
    QVERIFY(!head.body.has_value());
    QCOMPARE(header(head, "content-length"), QString::number(m_big.size()));
    QCOMPARE(header(head, "etag"), header(getResponse, "etag"));
    QCOMPARE(header(head, "content-type"), header(getResponse, "content-type"));

    Response missing = get("/nope", {}, "HEAD");
    QCOMPARE(missing.status, 404);
    QVERIFY(!missing.body.has_value());
    QVERIFY(header(missing, "content-length").toInt() > 0); // the length GET's error page has
    QCOMPARE(header(missing, "content-length").toULongLong(), get("/nope").body->size());
}

void TestStaticSite::methodNotAllowed()
{
    for (const char *method : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get"}) {
        Response r = get("/hello.txt", {}, method);
        QCOMPARE(r.status, 405);
        QCOMPARE(header(r, "allow"), QString("GET, HEAD"));
        QCOMPARE(header(r, "content-type"), QString("text/html; charset=utf-8"));
        QVERIFY(readBody(r).find("405") != std::string::npos);
    }
}

void TestStaticSite::indexAndRedirect()
{
    Response root = get("/");
    QCOMPARE(root.status, 200);
    QCOMPARE(header(root, "content-type"), QString("text/html; charset=utf-8"));
    QCOMPARE(readBody(root), std::string("<h1>home</h1>\n"));

    Response sub = get("/sub/");
    QCOMPARE(sub.status, 200);
    QCOMPARE(readBody(sub), std::string("sub index\n"));

    Response redirect = get("/sub");
    QCOMPARE(redirect.status, 301);
    QCOMPARE(header(redirect, "location"), QString("/sub/"));
    QVERIFY(header(redirect, "content-length").toInt() > 0);

    Response withQuery = get("/sub?a=1&b=%20");
    QCOMPARE(withQuery.status, 301);
    QCOMPARE(header(withQuery, "location"), QString("/sub/?a=1&b=%20"));

    Response normalized = get("/x/../sub/./../sub");
    QCOMPARE(normalized.status, 301);
    QCOMPARE(header(normalized, "location"), QString("/sub/"));

    QCOMPARE(get("/hello.txt/").status, 404); // a file is not a folder
}

void TestStaticSite::redirectIsNeverOpen_data()
{
    QTest::addColumn<QString>("target");
    QTest::newRow("//evil.com") << "//evil.com";
    QTest::newRow("///evil.com") << "///evil.com";
    QTest::newRow("/%2F/evil.com") << "/%2F/evil.com";
    QTest::newRow("/%2f%2fevil.com") << "/%2f%2fevil.com";
    QTest::newRow("/./evil.com") << "/./evil.com";
    QTest::newRow("/../evil.com") << "/..//evil.com";
    QTest::newRow("/\\evil") << "/\\evil";
    QTest::newRow("/%5C%5Cevil.com") << "/%5C%5Cevil.com";
}

void TestStaticSite::redirectIsNeverOpen()
{
    QFETCH(QString, target);
    Response r = get(target.toStdString());
    const QString location = header(r, "location");
    QVERIFY2(!location.startsWith("//") && !location.startsWith("/\\") && !location.contains("://"),
             qPrintable(location));
    if (r.status == 301)
        QCOMPARE(location, QString("/evil.com/"));
    else
        QCOMPARE(r.status, 400);
}

void TestStaticSite::folderWithoutIndex()
{
    Response r = get("/empty/");
    QCOMPARE(r.status, 404);
    QCOMPARE(header(r, "content-type"), QString("text/html; charset=utf-8"));
    QVERIFY(readBody(r).find("404 Not Found") != std::string::npos);
}

namespace {

// A "dist" folder holding `page` as its index.html, in `tmp`; its real path.
std::string makeDist(const QTemporaryDir &tmp, const std::string &page)
{
    char buf[PATH_MAX];
    if (!::realpath(tmp.path().toStdString().c_str(), buf))
        return {};
    const std::string root = std::string(buf) + "/dist";
    if (::mkdir(root.c_str(), 0755) != 0)
        return {};
    writeFile(root + "/index.html", page);
    return root;
}

std::unique_ptr<StaticSite> siteFor(const std::string &root, bool listing = false)
{
    SiteOptions options;
    options.root = root;
    options.listing = listing;
    auto site = StaticSite::create(options);
    return site ? std::move(site.value()) : nullptr;
}

} // namespace

void TestStaticSite::servedFolderGone()
{
    // `rm -rf dist` while dist is served: the page itself says why, as every
    // other path does, rather than blaming a missing index.html.
    for (const bool listing : {false, true}) {
        QTemporaryDir tmp;
        const std::string root = makeDist(tmp, "<h1>built</h1>\n");
        QVERIFY(!root.empty());
        const std::unique_ptr<StaticSite> site = siteFor(root, listing);
        QVERIFY(site);
        QCOMPARE(get("/", {}, "GET", site.get()).status, 200);
        QVERIFY(QDir(QString::fromStdString(root)).removeRecursively());
        for (const std::string target : {"/", "/index.html"}) {
            Response r = get(target, {}, "GET", site.get());
            QCOMPARE(r.status, 404);
            QVERIFY2(r.note.find("the served folder is gone") != std::string::npos, r.note.c_str());
        }
    }
}

void TestStaticSite::servedFolderRebuilt()
{
    // `rm -rf dist && build`, then the browser reloads "/": the new page.
    QTemporaryDir tmp;
    const std::string root = makeDist(tmp, "<h1>old</h1>\n");
    QVERIFY(!root.empty());
    const std::unique_ptr<StaticSite> site = siteFor(root);
    QVERIFY(site);
    QCOMPARE(get("/index.html", {}, "GET", site.get()).status, 200);

    QVERIFY(QDir(QString::fromStdString(root)).removeRecursively());
    QCOMPARE(::mkdir(root.c_str(), 0755), 0);
    writeFile(root + "/index.html", "<h1>new</h1>\n");
    Response r = get("/", {}, "GET", site.get());
    QVERIFY2(r.status == 200, r.note.c_str());
    QCOMPARE(readBody(r), std::string("<h1>new</h1>\n"));
}

void TestStaticSite::listingEscapes()
{
    SiteOptions options;
    options.root = m_root;
    options.listing = true;
    auto listing = StaticSite::create(options);
    QVERIFY(listing.ok());
    Response r = get("/empty/", {}, "GET", listing->get());
    QCOMPARE(r.status, 200);
    QCOMPARE(header(r, "content-type"), QString("text/html; charset=utf-8"));
    const std::string html = readBody(r);
    QCOMPARE(header(r, "content-length"), QString::number(html.size()));
    QVERIFY(html.find("a&amp;b&lt;c&gt;.txt") != std::string::npos);
    QVERIFY(html.find("<c>") == std::string::npos);
    QVERIFY(html.find("href=\"./a&amp;b%3Cc%3E.txt\"") != std::string::npos);
    QVERIFY(html.find("href=\"./javascript:alert(1)\"") != std::string::npos); // never a bare scheme
    QVERIFY(html.find("href=\"javascript") == std::string::npos);
    QVERIFY(html.find("&quot;quoted&quot; &#39;name&#39;.txt") != std::string::npos);
    QVERIFY(html.find("%22quoted%22%20&#39;name&#39;.txt") != std::string::npos);
    QVERIFY(html.find(".hidden") == std::string::npos);

    Response rootListing = get("/", {}, "GET", listing->get()); // index.html wins over listing
    QCOMPARE(readBody(rootListing), std::string("<h1>home</h1>\n"));

    Response head = get("/empty/", {}, "HEAD", listing->get());
    QCOMPARE(head.status, 200);
    QVERIFY(!head.body);
    QCOMPARE(header(head, "content-length"), QString::number(html.size()));
}

void TestStaticSite::precompressed()
{
    Response br = get("/app.js", {{"accept-encoding", "gzip, deflate, br"}});
    QCOMPARE(br.status, 200);
    QCOMPARE(header(br, "content-encoding"), QString("br"));
    QCOMPARE(header(br, "content-type"), QString("text/javascript; charset=utf-8"));
    QCOMPARE(header(br, "vary"), QString("accept-encoding"));
    QCOMPARE(readBody(br), std::string("BROTLI-BYTES"));
    QCOMPARE(header(br, "content-length"), QString("12"));
    QCOMPARE(br.decodedLength, std::uint64_t(std::string("console.log('identity');\n").size())); // the identity file

    Response gz = get("/app.js", {{"accept-encoding", "gzip, br;q=0"}});
    QCOMPARE(header(gz, "content-encoding"), QString("gzip"));
    QCOMPARE(readBody(gz), std::string("GZIP-BYTES-LONGER"));

    Response preferGzip = get("/app.js", {{"accept-encoding", "br;q=0.5, gzip;q=0.8"}});
    QCOMPARE(header(preferGzip, "content-encoding"), QString("gzip"));

    Response identity = get("/app.js");
    QCOMPARE(header(identity, "content-encoding"), QString());
    QCOMPARE(header(identity, "vary"), QString("accept-encoding"));
    QCOMPARE(readBody(identity), std::string("console.log('identity');\n"));

    Response refused = get("/app.js", {{"accept-encoding", "br;q=0, gzip;q=0"}});
    QCOMPARE(header(refused, "content-encoding"), QString());

    Response wildcard = get("/app.js", {{"accept-encoding", "*"}});
    QCOMPARE(header(wildcard, "content-encoding"), QString("br"));

    // Distinct validators per representation.
    QVERIFY(header(br, "etag") != header(gz, "etag"));
    QVERIFY(header(br, "etag") != header(identity, "etag"));
    QVERIFY(header(gz, "etag") != header(identity, "etag"));

    Response cssBr = get("/style.css", {{"accept-encoding", "br"}});
    QCOMPARE(header(cssBr, "content-encoding"), QString());
    QCOMPARE(header(cssBr, "vary"), QString("accept-encoding"));
    Response cssGz = get("/style.css", {{"accept-encoding", "gzip"}});
    QCOMPARE(header(cssGz, "content-encoding"), QString("gzip"));
    QCOMPARE(header(cssGz, "content-type"), QString("text/css; charset=utf-8"));

    // 304 keeps Vary; the br ETag validates only the br representation.
    Response notModified =
        get("/app.js", {{"accept-encoding", "br"}, {"if-none-match", header(br, "etag").toStdString()}});
    QCOMPARE(notModified.status, 304);
    QCOMPARE(header(notModified, "vary"), QString("accept-encoding"));
    Response otherRepresentation = get("/app.js", {{"if-none-match", header(br, "etag").toStdString()}});
    QCOMPARE(otherRepresentation.status, 200);
}

void TestStaticSite::conditionals()
{
    Response first = get("/hello.txt");
    const std::string etag = header(first, "etag").toStdString();
    const std::string lastModified = header(first, "last-modified").toStdString();

    Response r = get("/hello.txt", {{"if-none-match", etag}});
    QCOMPARE(r.status, 304);
    QVERIFY(!r.body);
    QCOMPARE(header(r, "etag"), QString::fromStdString(etag));
    QCOMPARE(header(r, "last-modified"), QString::fromStdString(lastModified));
    QCOMPARE(header(r, "cache-control"), QString("no-cache"));
    QCOMPARE(header(r, "x-content-type-options"), QString("nosniff"));

    QCOMPARE(get("/hello.txt", {{"if-none-match", "W/" + etag}}).status, 304);
    QCOMPARE(get("/hello.txt", {{"if-none-match", "\"other\", " + etag}}).status, 304);
    QCOMPARE(get("/hello.txt", {{"if-none-match", "*"}}).status, 304);
    QCOMPARE(get("/hello.txt", {{"if-none-match", "\"other\""}}).status, 200);
    QCOMPARE(get("/hello.txt", {{"if-none-match", etag}}, "HEAD").status, 304);

    QCOMPARE(get("/hello.txt", {{"if-modified-since", lastModified}}).status, 304);
    QCOMPARE(get("/hello.txt", {{"if-modified-since", "Sun, 06 Nov 1994 08:49:37 GMT"}}).status, 200);
    QCOMPARE(get("/hello.txt", {{"if-modified-since", "not a date"}}).status, 200);
    // If-None-Match present: If-Modified-Since is not looked at.
    QCOMPARE(get("/hello.txt", {{"if-none-match", "\"other\""}, {"if-modified-since", lastModified}}).status, 200);

    Response failed = get("/hello.txt", {{"if-match", "\"other\""}});
    QCOMPARE(failed.status, 412);
    QVERIFY(header(failed, "content-length").toInt() > 0);
    QCOMPARE(get("/hello.txt", {{"if-match", etag}}).status, 200);
    QCOMPARE(get("/hello.txt", {{"if-match", "*"}}).status, 200);
    QCOMPARE(get("/hello.txt", {{"if-unmodified-since", "Sun, 06 Nov 1994 08:49:37 GMT"}}).status, 412);
    QCOMPARE(get("/hello.txt", {{"if-unmodified-since", lastModified}}).status, 200);
    QCOMPARE(get("/hello.txt", {{"if-match", etag}, {"if-unmodified-since", "Sun, 06 Nov 1994 08:49:37 GMT"}}).status,
             200);

    // Rewriting the file changes its ETag, even within the same second.
    writeFile(m_root + "/changing.txt", "one");
    const QString before = header(get("/changing.txt"), "etag");
    writeFile(m_root + "/changing.txt", "two!");
    QVERIFY(before != header(get("/changing.txt"), "etag"));
}

void TestStaticSite::ranges()
{
    Response single = get("/big.bin", {{"range", "bytes=100-199"}});
    QCOMPARE(single.status, 206);
    QCOMPARE(header(single, "content-range"), QString("bytes 100-199/%1").arg(m_big.size()));
    QCOMPARE(header(single, "content-length"), QString("100"));
    QVERIFY(readBody(single) == m_big.substr(100, 100));

    Response suffix = get("/big.bin", {{"range", "bytes=-10"}});
    QCOMPARE(suffix.status, 206);
    QVERIFY(readBody(suffix) == m_big.substr(m_big.size() - 10));

    Response open = get("/hello.txt", {{"range", "bytes=7-"}});
    QCOMPARE(open.status, 206);
    QCOMPARE(readBody(open), m_hello.substr(7));

    Response multi = get("/hello.txt", {{"range", "bytes=0-4,7-11"}});
    QCOMPARE(multi.status, 206);
    const QString type = header(multi, "content-type");
    QVERIFY(type.startsWith("multipart/byteranges; boundary="));
    const std::string boundary = type.mid(int(strlen("multipart/byteranges; boundary="))).toStdString();
    const std::string len = std::to_string(m_hello.size());
    const std::string expected =
        "--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-4/" + len
        + "\r\n\r\nhello\r\n--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 7-11/"
        + len + "\r\n\r\nworld\r\n--" + boundary + "--\r\n";
    QCOMPARE(header(multi, "content-length"), QString::number(expected.size()));
    QCOMPARE(QByteArray::fromStdString(readBody(multi)), QByteArray::fromStdString(expected));

    // Overlapping ranges coalesce into one part.
    Response merged = get("/hello.txt", {{"range", "bytes=0-4,2-8"}});
    QCOMPARE(merged.status, 206);
    QCOMPARE(header(merged, "content-range"), QString("bytes 0-8/%1").arg(m_hello.size()));

    // Too many ranges: whole file.
    std::string many = "bytes=";
    for (int i = 0; i < 20; ++i)
        many += std::to_string(i * 1000) + "-" + std::to_string(i * 1000 + 1) + ",";
    Response capped = get("/big.bin", {{"range", many}});
    QCOMPARE(capped.status, 200);
    QCOMPARE(capped.body->size(), std::uint64_t(m_big.size()));

    Response unsatisfiable = get("/hello.txt", {{"range", "bytes=1000-2000"}});
    QCOMPARE(unsatisfiable.status, 416);
    QCOMPARE(header(unsatisfiable, "content-range"), QString("bytes */%1").arg(m_hello.size()));
    QVERIFY(header(unsatisfiable, "content-length").toInt() > 0);
    QVERIFY(readBody(unsatisfiable).find("hello") == std::string::npos);

    Response malformed = get("/hello.txt", {{"range", "bytes=abc"}});
    QCOMPARE(malformed.status, 200);
    QCOMPARE(readBody(malformed), m_hello);

    Response otherUnit = get("/hello.txt", {{"range", "lines=1-2"}});
    QCOMPARE(otherUnit.status, 200);

    Response head = get("/big.bin", {{"range", "bytes=0-9"}}, "HEAD");
    QCOMPARE(head.status, 200); // ranges only for GET
    QCOMPARE(header(head, "content-length"), QString::number(m_big.size()));
    QVERIFY(!head.body);

    // Ranges apply to the selected (compressed) representation.
    Response brRange = get("/app.js", {{"accept-encoding", "br"}, {"range", "bytes=0-5"}});
    QCOMPARE(brRange.status, 206);
    QCOMPARE(header(brRange, "content-encoding"), QString("br"));
    QCOMPARE(readBody(brRange), std::string("BROTLI"));
}

void TestStaticSite::settledFilesServeFromSnapshots()
{
    // A file saved a minute ago is sent from a shared snapshot; every answer
    // must still carry the bytes and length of the file as it is now.
    const std::string path = m_root + "/settled.txt";
    writeFile(path, "settled version one\n");
    setMtime(path, std::time(nullptr) - 60);
    for (int i = 0; i < 3; ++i) {
        Response r = get("/settled.txt");
        QCOMPARE(r.status, 200);
        QCOMPARE(header(r, "content-length"), QString("20"));
        QCOMPARE(readBody(r), std::string("settled version one\n"));
    }
    Response part = get("/settled.txt", {{"range", "bytes=8-14"}});
    QCOMPARE(part.status, 206);
    QCOMPARE(readBody(part), std::string("version"));

    // A body already handed out keeps its bytes when the file is rewritten in
    // place; the next request sees the new version, settled or not.
    Response before = get("/settled.txt");
    writeFile(path, "second, longer settled version\n");
    Response fresh = get("/settled.txt");
    QCOMPARE(readBody(fresh), std::string("second, longer settled version\n"));
    setMtime(path, std::time(nullptr) - 30);
    Response settledAgain = get("/settled.txt");
    QCOMPARE(header(settledAgain, "content-length"), QString("31"));
    QCOMPARE(readBody(settledAgain), std::string("second, longer settled version\n"));
    QCOMPARE(readBody(before), std::string("settled version one\n"));
    QCOMPARE(::unlink(path.c_str()), 0);
}

void TestStaticSite::snapshotsStopAtTheirSizeLimit()
{
    // A settled file up to kMaxSnapshotFile is answered from a snapshot: a
    // body handed out keeps the version it was made from. One byte more and
    // the body streams from the descriptor, so it reads the file as it is
    // when the bytes are sent (here: rewritten in place, same length).
    for (const std::size_t size : {StaticSite::kMaxSnapshotFile, StaticSite::kMaxSnapshotFile + 1}) {
        const std::string path = m_root + "/limit.bin";
        writeFile(path, std::string(size, 'a'));
        setMtime(path, std::time(nullptr) - 60);
        Response r = get("/limit.bin");
        QCOMPARE(r.status, 200);
        QCOMPARE(header(r, "content-length"), QString::number(size));
        writeFile(path, std::string(size, 'b'));
        const std::string body = readBody(r);
        QCOMPARE(body.size(), size);
        const char expected = size <= StaticSite::kMaxSnapshotFile ? 'a' : 'b';
        QVERIFY2(body.find_first_not_of(expected) == std::string::npos, qPrintable(QString::number(size)));
        QCOMPARE(::unlink(path.c_str()), 0);
    }
}

void TestStaticSite::ifRange()
{
    Response first = get("/hello.txt");
    const std::string etag = header(first, "etag").toStdString();

    Response match = get("/hello.txt", {{"range", "bytes=0-4"}, {"if-range", etag}});
    QCOMPARE(match.status, 206);
    QCOMPARE(readBody(match), std::string("hello"));

    // A date: strong (a range is sent) for a file saved a while ago, weak
    // (the whole file) for one saved within the response's second, which
    // may yet change again under the same date.
    writeFile(m_root + "/saved.txt", m_hello);
    setMtime(m_root + "/saved.txt", std::time(nullptr) - 60);
    const std::string savedDate = header(get("/saved.txt"), "last-modified").toStdString();
    Response dateMatch = get("/saved.txt", {{"range", "bytes=0-4"}, {"if-range", savedDate}});
    QCOMPARE(dateMatch.status, 206);
    QCOMPARE(readBody(dateMatch), std::string("hello"));
    for (int attempt = 0;; ++attempt) {
        writeFile(m_root + "/just-saved.txt", m_hello);
        const std::time_t second = std::time(nullptr);
        setMtime(m_root + "/just-saved.txt", second);
        const std::string date = header(get("/just-saved.txt"), "last-modified").toStdString();
        Response fresh = get("/just-saved.txt", {{"range", "bytes=0-4"}, {"if-range", date}});
        if (std::time(nullptr) != second) { // the second ended meanwhile: the date became strong
            QVERIFY(attempt < 5);
            continue;
        }
        QCOMPARE(fresh.status, 200);
        QCOMPARE(readBody(fresh), m_hello);
        QVERIFY2(fresh.note.find("not yet a strong validator") != std::string::npos, fresh.note.c_str());
        break;
    }

    Response mismatch = get("/hello.txt", {{"range", "bytes=0-4"}, {"if-range", "\"stale\""}});
    QCOMPARE(mismatch.status, 200);
    QCOMPARE(readBody(mismatch), m_hello);

    Response weak = get("/hello.txt", {{"range", "bytes=0-4"}, {"if-range", "W/" + etag}});
    QCOMPARE(weak.status, 200);

    Response oldDate = get("/hello.txt", {{"range", "bytes=0-4"}, {"if-range", "Sun, 06 Nov 1994 08:49:37 GMT"}});
    QCOMPARE(oldDate.status, 200);

    // A failed If-Range never yields 416: the full file is sent.
    Response noRange = get("/hello.txt", {{"range", "bytes=5000-"}, {"if-range", "\"stale\""}});
    QCOMPARE(noRange.status, 200);
}

void TestStaticSite::hostileTargets_data()
{
    QTest::addColumn<QString>("target");
    QTest::newRow("dotdot") << "/../etc/passwd";
    QTest::newRow("dotdot deep") << "/../../../../../../../../etc/passwd";
    QTest::newRow("encoded dotdot") << "/%2e%2e/%2e%2e/etc/passwd";
    QTest::newRow("double encoded") << "/%252e%252e/%252e%252e/etc/passwd";
    QTest::newRow("double encoded folder") << "/%252e%252e/";
    QTest::newRow("encoded slash") << "/..%2f..%2fetc/passwd";
    QTest::newRow("encoded both") << "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd";
    QTest::newRow("backslashes") << "/a/..\\..\\x";
    QTest::newRow("encoded backslashes") << "/..%5c..%5cetc%5cpasswd";
    QTest::newRow("NUL") << "/%00";
    QTest::newRow("NUL suffix") << "/hello.txt%00.html";
    QTest::newRow("overlong utf-8 dot") << "/%c0%ae%c0%ae/etc/passwd";
    QTest::newRow("symlink out") << "/leak.txt";
    QTest::newRow("symlink sibling folder") << "/site2link/secret.txt";
    QTest::newRow("symlink to /etc") << "/etc/passwd";
    QTest::newRow("climb into sibling") << "/../site2/secret.txt";
    QTest::newRow("climb into outside") << "/../outside/secret.txt";
    QTest::newRow(".env") << "/.env";
    QTest::newRow(".env encoded") << "/%2eenv";
    QTest::newRow(".git/config") << "/.git/config";
    QTest::newRow(".git encoded slash") << "/.git%2fconfig";
    QTest::newRow("dotdot into .git") << "/sub/../.git/config";
    QTest::newRow("private key") << "/server.key";
    QTest::newRow("overlong path") << "/" + QString(9000, 'a');
    QTest::newRow("too many segments") << QString("/a").repeated(400);
    QTest::newRow("absolute form") << "http://localhost/../../etc/passwd";
    QTest::newRow("bad escape") << "/%zz";
}

void TestStaticSite::hostileTargets()
{
    QFETCH(QString, target);
    for (const char *method : {"GET", "HEAD"}) {
        Response r = get(target.toStdString(), {}, method);
        QVERIFY2(r.status == 400 || r.status == 404 || r.status == 414, qPrintable(QString::number(r.status)));
        QVERIFY(!r.note.empty());
        QCOMPARE(header(r, "content-type"), QString("text/html; charset=utf-8"));
        QVERIFY(header(r, "location").isEmpty());
        if (std::string(method) == "HEAD") {
            QVERIFY(!r.body);
            continue;
        }
        const std::string body = readBody(r);
        QCOMPARE(header(r, "content-length"), QString::number(body.size()));
        QVERIFY(body.find("SECRET") == std::string::npos);
        QVERIFY(body.find("root:") == std::string::npos);
        QVERIFY(body.find("PRIVATE") == std::string::npos);
        QVERIFY(body.find("refused") == std::string::npos); // the reason stays in the note
    }
}

void TestStaticSite::refusalsExplainInNoteOnly()
{
    Response env = get("/.env");
    QCOMPARE(env.status, 404);
    QCOMPARE(QString::fromStdString(env.note), QString("refused: dotfile"));
    const std::string envBody = readBody(env);

    Response missing = get("/definitely-missing.txt");
    QCOMPARE(missing.status, 404);
    QCOMPARE(QString::fromStdString(missing.note), QString("not found"));
    QCOMPARE(readBody(missing), envBody); // the client cannot tell the two apart

    Response leak = get("/leak.txt");
    QCOMPARE(QString::fromStdString(leak.note), QString("refused: resolves outside the served folder via symlink"));
    Response key = get("/server.key");
    QCOMPARE(QString::fromStdString(key.note), QString("refused: private key file"));

    Response wellKnown = get("/.well-known/security.txt");
    QCOMPARE(wellKnown.status, 200);
    QCOMPARE(readBody(wellKnown), std::string("Contact: me\n"));

    SiteOptions options;
    options.root = m_root;
    options.allowDotfiles = true;
    options.followSymlinksOutside = true;
    auto relaxed = StaticSite::create(options);
    QVERIFY(relaxed.ok());
    Response allowedEnv = get("/.env", {}, "GET", relaxed->get());
    QCOMPARE(allowedEnv.status, 200);
    QCOMPARE(readBody(allowedEnv), std::string("SECRET_TOKEN=1\n"));
    Response followed = get("/leak.txt", {}, "GET", relaxed->get());
    QCOMPARE(followed.status, 200);
    QCOMPARE(readBody(followed), std::string("OUTSIDE SECRET\n"));
}

void TestStaticSite::symlinkInsideServes()
{
    Response r = get("/alias.txt");
    QCOMPARE(r.status, 200);
    QCOMPARE(readBody(r), m_hello);
}

void TestStaticSite::errorsHaveBodies()
{
    for (const auto &[target, status] : std::initializer_list<std::pair<std::string, int>>{
             {"/%zz", 400}, {"/missing", 404}, {"/" + std::string(9000, 'x'), 414}}) {
        Response r = get(target);
        QCOMPARE(r.status, status);
        const std::string body = readBody(r);
        QVERIFY(!body.empty());
        QVERIFY(body.find(std::to_string(status)) != std::string::npos);
        QCOMPARE(header(r, "content-length"), QString::number(body.size()));
        QCOMPARE(header(r, "x-content-type-options"), QString("nosniff"));
    }
}

std::unique_ptr<StaticSite> TestStaticSite::makePushSite(PushMode mode)
{
    const std::string root = m_base + "/pushsite";
    if (::mkdir(root.c_str(), 0755) == 0) {
        ::mkdir((root + "/css").c_str(), 0755);
        ::mkdir((root + "/docs").c_str(), 0755);
        writeFile(root + "/css/site.css", "body{}");
        writeFile(root + "/app.js", "1");
        writeFile(root + "/font.woff2", "F");
        writeFile(root + "/index.html", "<link rel=stylesheet href=css/site.css><script src=app.js></script>"
                                        "<script src=missing.js></script><link rel=preload as=document href=/>");
        writeFile(root + "/docs/index.html", "<script src=../app.js></script>");
        writeFile(root + "/_headers", "/*\n  X-Frame-Options: DENY\n"
                                      "  Link: </font.woff2>; rel=preload; as=font; nopush\n"
                                      "/css/*\n  Cache-Control: max-age=60\n  Vary: Origin\n"
                                      "  Content-Type: text/x-custom\n");
    }
    SiteOptions options;
    options.root = root;
    options.pushMode = mode;
    auto site = StaticSite::create(options);
    if (!site)
        return nullptr;
    return std::move(site).value();
}

void TestStaticSite::pushPreloadsOnGet200()
{
    QCOMPARE(SiteOptions{}.pushMode, PushMode::Auto);
    auto site = makePushSite(PushMode::Auto);
    QVERIFY(site);
    Response home = get("/", {}, "GET", site.get());
    QCOMPARE(home.status, 200);
    QCOMPARE(home.preloads.size(), std::size_t(3));
    QCOMPARE(home.preloads[0].path, std::string("/font.woff2"));
    QVERIFY(home.preloads[0].nopush);
    QCOMPARE(linkHeaderValue(home.preloads[0]),
             std::string("</font.woff2>; rel=preload; as=font; crossorigin; nopush"));
    QCOMPARE(home.preloads[1].path, std::string("/css/site.css"));
    QCOMPARE(home.preloads[1].as, std::string("style"));
    // Pushes are the preloads without nopush; never the page, never a missing file.
    QCOMPARE(home.pushPromises, (std::vector<std::string>{"/css/site.css", "/app.js"}));
    Response docs = get("/docs/", {}, "GET", site.get());
    QCOMPARE(docs.pushPromises, (std::vector<std::string>{"/app.js"}));

    // HEAD, 304 and 206 carry no pushes.
    Response head = get("/", {}, "HEAD", site.get());
    QCOMPARE(head.status, 200);
    QVERIFY(head.preloads.empty() && head.pushPromises.empty());
    Response notModified = get("/", {{"if-none-match", header(home, "etag").toStdString()}}, "GET", site.get());
    QCOMPARE(notModified.status, 304);
    QVERIFY(notModified.preloads.empty() && notModified.pushPromises.empty());
    Response partial = get("/", {{"range", "bytes=0-3"}}, "GET", site.get());
    QCOMPARE(partial.status, 206);
    QVERIFY(partial.preloads.empty() && partial.pushPromises.empty());
    // Non-HTML files get the `_headers` preloads only.
    Response css = get("/css/site.css", {}, "GET", site.get());
    QCOMPARE(css.preloads.size(), std::size_t(1));
    QVERIFY(css.pushPromises.empty());
    // Rules mode: no discovery.
    auto rules = makePushSite(PushMode::Rules);
    QVERIFY(rules);
    Response ruled = get("/", {}, "GET", rules.get());
    QCOMPARE(ruled.preloads.size(), std::size_t(1));
    QVERIFY(ruled.pushPromises.empty());
}

void TestStaticSite::pushHeadersOnEveryMatchingResponse()
{
    auto site = makePushSite(PushMode::Auto);
    QVERIFY(site);
    Response home = get("/", {}, "GET", site.get());
    QCOMPARE(header(home, "x-frame-options"), QString("DENY"));
    QCOMPARE(header(home, "link"), QString("</font.woff2>; rel=preload; as=font; nopush"));
    QCOMPARE(header(home, "content-type"), QString("text/html; charset=utf-8"));
    Response head = get("/", {}, "HEAD", site.get());
    QCOMPARE(header(head, "x-frame-options"), QString("DENY"));
    Response notModified = get("/", {{"if-none-match", header(home, "etag").toStdString()}}, "GET", site.get());
    QCOMPARE(notModified.status, 304);
    QCOMPARE(header(notModified, "x-frame-options"), QString("DENY"));
    Response missing = get("/nope", {}, "GET", site.get());
    QCOMPARE(missing.status, 404);
    QCOMPARE(header(missing, "x-frame-options"), QString("DENY"));

    // A header the site sets is replaced; Vary is merged; Content-Type only
    // replaces the file's own type.
    Response css = get("/css/site.css", {}, "GET", site.get());
    QCOMPARE(header(css, "cache-control"), QString("max-age=60"));
    QCOMPARE(std::count_if(css.headers.begin(), css.headers.end(),
                           [](const Header &h) { return h.name == "cache-control"; }),
             std::ptrdiff_t(1));
    QCOMPARE(header(css, "vary"), QString("Origin"));
    QCOMPARE(header(css, "content-type"), QString("text/x-custom"));
    Response cssMissing = get("/css/none.css", {}, "GET", site.get());
    QCOMPARE(cssMissing.status, 404);
    QVERIFY(header(cssMissing, "content-type").startsWith("text/html"));
}

void TestStaticSite::pushModeOff()
{
    auto site = makePushSite(PushMode::Off);
    QVERIFY(site);
    Response home = get("/", {}, "GET", site.get());
    QCOMPARE(home.status, 200);
    QVERIFY(home.preloads.empty());
    QVERIFY(home.pushPromises.empty());
    QCOMPARE(header(home, "x-frame-options"), QString("DENY"));
    QVERIFY(!home.header("link"));
}

// What an I/O thread may be answered with at once: the prepared answer of a
// plain fetch whose bytes are in memory, and nothing that would look up,
// open or read a file (that is made on the file pool by handle()).
void TestStaticSite::answersNowOnlyWhatItHoldsInMemory()
{
    const std::string root = m_base + "/memory";
    QCOMPARE(::mkdir(root.c_str(), 0755), 0);
    writeFile(root + "/hello.txt", m_hello);
    setMtime(root + "/hello.txt", std::time(nullptr) - 60); // settled: snapshots are taken
    writeFile(root + "/page.html", "<!doctype html><link rel=stylesheet href=style.css>");
    writeFile(root + "/style.css", "p{}");
    SiteOptions options;
    options.root = root;
    auto made = StaticSite::create(options);
    QVERIFY(made.ok());
    StaticSite &site = **made;
    Request request;
    request.method = "GET";
    request.authority = "localhost";
    request.target = "/hello.txt";

    const auto answeredNow = [&site](const Request &r) {
        Response out;
        return site.handleNow(r, out) ? std::optional<Response>(std::move(out)) : std::nullopt;
    };
    QVERIFY2(!answeredNow(request), "answered before anything was read");
    Response general = site.handle(request);
    QCOMPARE(general.status, 200);
    std::optional<Response> now = answeredNow(request);
    QVERIFY2(now, "the second fetch of a file read once still waits on the pool");
    QCOMPARE(now->status, 200);
    QCOMPARE(header(*now, "etag"), header(general, "etag"));
    QCOMPARE(header(*now, "content-type"), header(general, "content-type"));
    QCOMPARE(readBody(*now), m_hello);

    Request ranged = request;
    ranged.headers.push_back({"range", "bytes=0-3"});
    QVERIFY(!answeredNow(ranged));
    Request elsewhere = request;
    elsewhere.authority = "attacker.example";
    QVERIFY2(!answeredNow(elsewhere), "the host allow-list is the general code's to answer");

    // A page whose assets are found in it: the general code finds them (it
    // looks files up); later fetches reuse them while every asset is still
    // there and their lookups are fresh.
    Request page = request;
    page.target = "/page.html";
    QVERIFY2(!answeredNow(page), "answered before its assets were looked for");
    Response pageFirst = site.handle(page);
    QCOMPARE(pageFirst.preloads.size(), std::size_t(1));
    std::optional<Response> pageNow = answeredNow(page);
    QVERIFY2(pageNow, "the second fetch of a page still waits on the pool");
    QVERIFY(pageNow->preloads == pageFirst.preloads);
    QCOMPARE(pageNow->pushPromises, std::vector<std::string>{"/style.css"});
    QCOMPARE(readBody(*pageNow), readBody(pageFirst));
    Request pageHead = page;
    pageHead.method = "HEAD";
    QVERIFY(answeredNow(pageHead));
    // An asset deleted: the page is the general code's again, at once; an
    // asset missing is looked for on every fetch, so that it shows as soon
    // as it is made.
    QCOMPARE(::unlink((root + "/style.css").c_str()), 0);
    QVERIFY2(!answeredNow(page), "preloads of a deleted asset were reused");
    QVERIFY(site.handle(page).preloads.empty());
    QVERIFY(!answeredNow(page));
    writeFile(root + "/style.css", "p{}");
    QCOMPARE(site.handle(page).preloads.size(), std::size_t(1));
    QVERIFY(answeredNow(page));
    // A module graph is walked again on every load (an import edited in
    // any module shows in the next load): never from memory.
    writeFile(root + "/app.html", "<!doctype html><script type=module src=main.js></script>");
    writeFile(root + "/main.js", "import './dep.js';");
    writeFile(root + "/dep.js", "export const x = 1;");
    Request modules = request;
    modules.target = "/app.html";
    QCOMPARE(site.handle(modules).preloads.size(), std::size_t(2));
    QVERIFY(!answeredNow(modules));

    // A new version is not in memory until the general code reads it.
    writeFile(root + "/hello.txt", "changed\n");
    setMtime(root + "/hello.txt", std::time(nullptr) - 30);
    QVERIFY(!answeredNow(request));
    Response fresh = site.handle(request);
    QCOMPARE(readBody(fresh), std::string("changed\n"));
    now = answeredNow(request);
    QVERIFY(now);
    QCOMPARE(readBody(*now), std::string("changed\n"));
}

QTEST_APPLESS_MAIN(TestStaticSite)
#include "tst_staticsite.moc"
