// PushPolicy on a real folder: modes, source order, file checks, caches.

#include "site/pushpolicy.h"
#include "sitefiles.h"

#include <QTemporaryDir>
#include <QtTest>

#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace h2scope;
using namespace h2scope::site;
using namespace h2scope::testing;

namespace {

QStringList paths(const std::vector<PreloadLink> &links)
{
    QStringList out;
    for (const PreloadLink &l : links)
        out << QString::fromStdString(l.path);
    return out;
}

} // namespace

class TestPushPolicy : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void parseModes();
    void autoModeOrdersSources();
    void rulesModeSkipsDiscovery();
    void offModeHasNoPreloads();
    void onlyServableFilesInsideTheFolder();
    void discoveryCacheFollowsTheFile();
    void rulesFilesAreReloaded();
    void rulesFilesAreNotRestattedWithinTheInterval();
    void brokenRuleFilesWarn();
    void concurrentCallers();

private:
    PushPolicy makePolicy(PushMode mode, std::chrono::milliseconds recheck = std::chrono::milliseconds(0)) const;
    std::string file(const std::string &relative) const { return m_root + relative; }

    QTemporaryDir m_tmp;
    std::string m_base;
    std::string m_root;
};

PushPolicy TestPushPolicy::makePolicy(PushMode mode, std::chrono::milliseconds recheck) const
{
    PushPolicy::Options options;
    options.mode = mode;
    options.recheckInterval = recheck;
    return PushPolicy(PathResolver(m_root, {}), options);
}

void TestPushPolicy::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    char buf[PATH_MAX];
    QVERIFY(::realpath(m_tmp.path().toStdString().c_str(), buf));
    m_base = buf;
    m_root = m_base + "/site";
    for (const char *d : {"/site", "/site/css", "/site/js", "/site/fonts", "/site/docs", "/outside"})
        QCOMPARE(::mkdir((m_base + d).c_str(), 0755), 0);
    for (const char *f : {"/css/site.css", "/css/docs.css", "/js/app.js", "/js/vendor.js", "/js/manifest.js",
                          "/fonts/a.woff2", "/docs/local.css", "/.env"})
        writeFile(file(f), "x");
    writeFile(m_base + "/outside/secret.css", "secret");
    QCOMPARE(::symlink((m_base + "/outside/secret.css").c_str(), file("/css/leak.css").c_str()), 0);
    writeFile(file("/_headers"), "/*\n  X-Frame-Options: DENY\n"
                                 "  Link: </css/site.css>; rel=preload; as=style\n"
                                 "/docs/*\n  Link: </fonts/a.woff2>; rel=preload; as=font; nopush\n");
    writeFile(file("/push_manifest.json"),
              R"({"/docs/.*": {"js/vendor.js": {"type": "script", "weight": 1},
                               "js/manifest.js": {"type": "script", "weight": 9},
                               "missing.js": {"type": "script"}}})");
    writeFile(file("/docs/index.html"), "<link rel=stylesheet href=/css/site.css><link rel=stylesheet href=local.css>"
                                        "<script src=../js/app.js></script><link rel=stylesheet href=nope.css>");
    writeFile(file("/index.html"), "<script src=/js/app.js></script>");
}

void TestPushPolicy::parseModes()
{
    QCOMPARE(parsePushMode("off"), std::optional(PushMode::Off));
    QCOMPARE(parsePushMode("Rules"), std::optional(PushMode::Rules));
    QCOMPARE(parsePushMode("AUTO"), std::optional(PushMode::Auto));
    QVERIFY(!parsePushMode("on"));
    QVERIFY(!parsePushMode(""));
    QCOMPARE(std::string(pushModeName(PushMode::Rules)), std::string("rules"));
    QCOMPARE(PushPolicy::Options{}.mode, PushMode::Auto);
}

void TestPushPolicy::autoModeOrdersSources()
{
    const PushPolicy policy = makePolicy(PushMode::Auto);
    const auto links = policy.preloadsFor("/docs/", file("/docs/index.html"), true);
    // _headers in file order, then the manifest by weight, then the page.
    QCOMPARE(paths(links), QStringList({"/css/site.css", "/fonts/a.woff2", "/js/manifest.js", "/js/vendor.js",
                                        "/docs/local.css", "/js/app.js"}));
    QVERIFY(links[1].nopush);
    QVERIFY(links[1].crossorigin);
    QVERIFY(!links[0].nopush);
    QCOMPARE(links[4].as, std::string("style"));
    // Not an HTML page: no discovery, rules still apply.
    QCOMPARE(paths(policy.preloadsFor("/docs/index.html", file("/docs/index.html"), false)),
             QStringList({"/css/site.css", "/fonts/a.woff2", "/js/manifest.js", "/js/vendor.js"}));
    QCOMPARE(policy.extraHeadersFor("/docs/x"),
             (HeaderList{{"x-frame-options", "DENY"},
                         {"link", "</css/site.css>; rel=preload; as=style, </fonts/a.woff2>; rel=preload; as=font; "
                                  "nopush"}}));
    QVERIFY(policy.warnings().empty());
}

void TestPushPolicy::rulesModeSkipsDiscovery()
{
    const PushPolicy policy = makePolicy(PushMode::Rules);
    QCOMPARE(paths(policy.preloadsFor("/docs/", file("/docs/index.html"), true)),
             QStringList({"/css/site.css", "/fonts/a.woff2", "/js/manifest.js", "/js/vendor.js"}));
    QCOMPARE(paths(policy.preloadsFor("/", file("/index.html"), true)), QStringList({"/css/site.css"}));
}

void TestPushPolicy::offModeHasNoPreloads()
{
    const PushPolicy policy = makePolicy(PushMode::Off);
    QVERIFY(policy.preloadsFor("/docs/", file("/docs/index.html"), true).empty());
    QCOMPARE(policy.extraHeadersFor("/docs/x"), (HeaderList{{"x-frame-options", "DENY"}}));
}

void TestPushPolicy::onlyServableFilesInsideTheFolder()
{
    writeFile(file("/evil.html"), "<link rel=stylesheet href=../../../../etc/passwd>"
                                  "<link rel=stylesheet href=/../outside/secret.css>"
                                  "<link rel=stylesheet href=%2e%2e/outside/secret.css>"
                                  "<link rel=stylesheet href=css/leak.css>"
                                  "<link rel=stylesheet href=.env>"
                                  "<link rel=stylesheet href=evil.html>"
                                  "<link rel=stylesheet href=css/>"
                                  "<link rel=stylesheet href=css>"
                                  "<script src=js/app.js?v=1></script>");
    const PushPolicy policy = makePolicy(PushMode::Auto);
    // Page itself, dotfiles, symlinks out, directories, climbing: all dropped;
    // the query stays part of the pushed path.
    QCOMPARE(paths(policy.preloadsFor("/evil.html", file("/evil.html"), true)),
             QStringList({"/css/site.css", "/js/app.js?v=1"}));
    // The root page is also the page itself when reached as "/".
    writeFile(file("/self.html"), "<link rel=preload as=document href=/self.html>");
    QCOMPARE(paths(policy.preloadsFor("/self.html", file("/self.html"), true)), QStringList({"/css/site.css"}));
}

void TestPushPolicy::discoveryCacheFollowsTheFile()
{
    const PushPolicy policy = makePolicy(PushMode::Auto);
    const std::string page = file("/cached.html");
    writeFile(page, "<script src=/js/app.js></script>");
    setMtime(page, 1000000000);
    QCOMPARE(paths(policy.preloadsFor("/cached.html", page, true)), QStringList({"/css/site.css", "/js/app.js"}));
    QCOMPARE(paths(policy.preloadsFor("/cached.html", page, true)), QStringList({"/css/site.css", "/js/app.js"}));
    // Same size, new content and mtime: the cache must notice.
    writeFile(page, "<script src=/js/vendor.js></script>");
    setMtime(page, 1000000100);
    QCOMPARE(paths(policy.preloadsFor("/cached.html", page, true)), QStringList({"/css/site.css", "/js/vendor.js"}));
    // A file replaced by another one (new inode) with the same mtime and size.
    writeFile(page + ".new", "<script src=/js/app.js></script>\n");
    setMtime(page + ".new", 1000000100);
    QCOMPARE(::rename((page + ".new").c_str(), page.c_str()), 0);
    QCOMPARE(paths(policy.preloadsFor("/cached.html", page, true)), QStringList({"/css/site.css", "/js/app.js"}));
    // An asset that disappears is no longer pushed, though the page is cached.
    writeFile(file("/js/gone.js"), "x");
    writeFile(page, "<script src=/js/gone.js></script>");
    setMtime(page, 1000000200);
    QCOMPARE(paths(policy.preloadsFor("/cached.html", page, true)), QStringList({"/css/site.css", "/js/gone.js"}));
    QCOMPARE(::unlink(file("/js/gone.js").c_str()), 0);
    QCOMPARE(paths(policy.preloadsFor("/cached.html", page, true)), QStringList({"/css/site.css"}));
}

void TestPushPolicy::rulesFilesAreReloaded()
{
    const std::string headers = file("/_headers");
    const std::string original = "/*\n  X-Frame-Options: DENY\n  Link: </css/site.css>; rel=preload; as=style\n"
                                 "/docs/*\n  Link: </fonts/a.woff2>; rel=preload; as=font; nopush\n";
    const PushPolicy policy = makePolicy(PushMode::Rules);
    QCOMPARE(paths(policy.preloadsFor("/", file("/index.html"), true)), QStringList({"/css/site.css"}));
    writeFile(headers, "/*\n  X-Changed: 1\n  Link: </css/docs.css>; rel=preload; as=style\n");
    setMtime(headers, 1100000000);
    QCOMPARE(paths(policy.preloadsFor("/", file("/index.html"), true)), QStringList({"/css/docs.css"}));
    QCOMPARE(*findHeader(policy.extraHeadersFor("/"), "x-changed"), std::string("1"));
    // Removed: no rules at all.
    QCOMPARE(::unlink(headers.c_str()), 0);
    QVERIFY(policy.preloadsFor("/", file("/index.html"), true).empty());
    QVERIFY(policy.extraHeadersFor("/").empty());
    writeFile(headers, original);
    QCOMPARE(paths(policy.preloadsFor("/", file("/index.html"), true)), QStringList({"/css/site.css"}));
}

void TestPushPolicy::rulesFilesAreNotRestattedWithinTheInterval()
{
    const std::string manifest = file("/push_manifest.json");
    std::string original;
    {
        QFile f(QString::fromStdString(manifest));
        QVERIFY(f.open(QIODevice::ReadOnly));
        original = f.readAll().toStdString();
    }
    const PushPolicy policy = makePolicy(PushMode::Rules, std::chrono::hours(1));
    const QStringList before = paths(policy.preloadsFor("/docs/", file("/docs/index.html"), true));
    QVERIFY(before.contains("/js/vendor.js"));
    writeFile(manifest, "{}");
    setMtime(manifest, 1200000000);
    QCOMPARE(paths(policy.preloadsFor("/docs/", file("/docs/index.html"), true)), before);
    const PushPolicy fresh = makePolicy(PushMode::Rules, std::chrono::hours(1));
    QVERIFY(!paths(fresh.preloadsFor("/docs/", file("/docs/index.html"), true)).contains("/js/vendor.js"));
    writeFile(manifest, original);
}

void TestPushPolicy::brokenRuleFilesWarn()
{
    const std::string manifest = file("/push_manifest.json");
    const std::string headers = file("/_headers");
    const PushPolicy policy = makePolicy(PushMode::Rules);
    writeFile(manifest, "{\"/\": ");
    writeFile(headers, "/*\n  Link: </css/site.css>; rel=preload; as=style\n  nonsense\n");
    const auto warnings = policy.warnings();
    QCOMPARE(warnings.size(), std::size_t(2));
    QVERIFY(warnings[0].starts_with("_headers: line 3: "));
    QVERIFY(warnings[1].starts_with("push_manifest.json: ") && warnings[1].find("JSON") != std::string::npos);
    // The usable part of _headers still applies.
    QCOMPARE(paths(policy.preloadsFor("/", file("/index.html"), true)), QStringList({"/css/site.css"}));
}

void TestPushPolicy::concurrentCallers()
{
    const PushPolicy policy = makePolicy(PushMode::Auto);
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 200; ++i) {
                const auto links = policy.preloadsFor("/", file("/index.html"), true);
                if (links.empty() || links.back().path != "/js/app.js")
                    ++wrong;
                (void)policy.extraHeadersFor("/x");
            }
        });
    }
    for (auto &t : threads)
        t.join();
    QCOMPARE(wrong.load(), 0);
}

QTEST_APPLESS_MAIN(TestPushPolicy)
#include "tst_pushpolicy.moc"
