// PathResolver: target syntax, policy and symlink containment.

#include "site/pathresolver.h"
#include "sitefiles.h"
#include "text.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace h2scope::site;
using namespace h2scope::testing;

namespace {

std::string realPathOf(const QString &path)
{
    char buf[PATH_MAX];
    return ::realpath(path.toStdString().c_str(), buf) ? std::string(buf) : std::string();
}

} // namespace

class TestPathResolver : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void percentDecodingIsOnePassAndStrict();

    void normalizes_data();
    void normalizes();
    void rejectsBadTargets_data();
    void rejectsBadTargets();
    void limits();
    void splitsQuery();

    void resolvesFilesAndFolders();
    void refusesByPolicy_data();
    void refusesByPolicy();
    void optionsRelaxPolicy();
    void symlinks();
    void isWithinComparesComponents();
    void encodesPaths();
    void cachedLookupsSeeChanges();
    void servedFolderDeletedAndMadeAgain();
    void servedFolderItselfAfterARebuild();
    void servedFolderSwappedForANewOne();
    void freshnessChecksOncePerBatch();
    void snapshotsFollowTheFileVersion();

private:
    QTemporaryDir m_tmp;
    std::string m_root; // real path of <tmp>/site
};

void TestPathResolver::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    const std::string base = realPathOf(m_tmp.path());
    m_root = base + "/site";
    QCOMPARE(::mkdir(m_root.c_str(), 0755), 0);
    QCOMPARE(::mkdir((m_root + "/sub").c_str(), 0755), 0);
    QCOMPARE(::mkdir((m_root + "/.git").c_str(), 0755), 0);
    QCOMPARE(::mkdir((m_root + "/.well-known").c_str(), 0755), 0);
    QCOMPARE(::mkdir((base + "/site2").c_str(), 0755), 0);
    QCOMPARE(::mkdir((base + "/outside").c_str(), 0755), 0);
    writeFile(m_root + "/hello.txt", "hello");
    writeFile(m_root + "/sub/page.html", "page");
    writeFile(m_root + "/.env", "SECRET=1");
    writeFile(m_root + "/.git/config", "[core]");
    writeFile(m_root + "/.well-known/security.txt", "contact");
    writeFile(m_root + "/.well-known/.hidden", "x");
    writeFile(m_root + "/server.key", "KEY");
    writeFile(m_root + "/cert.PEM", "PEM");
    writeFile(m_root + "/id_rsa", "RSA");
    writeFile(m_root + "/id_ed25519.pub", "PUB");
    writeFile(m_root + "/bundle.p12", "P12");
    writeFile(base + "/site2/secret.txt", "SITE2 SECRET");
    writeFile(base + "/outside/secret.txt", "OUTSIDE SECRET");
    QCOMPARE(::symlink((base + "/outside/secret.txt").c_str(), (m_root + "/out-link").c_str()), 0);
    QCOMPARE(::symlink("../site2/secret.txt", (m_root + "/prefix-link").c_str()), 0);
    QCOMPARE(::symlink((base + "/outside").c_str(), (m_root + "/out-dir").c_str()), 0);
    QCOMPARE(::symlink("hello.txt", (m_root + "/in-link").c_str()), 0);
    QCOMPARE(::symlink("sub", (m_root + "/in-dir").c_str()), 0);
    QCOMPARE(::symlink(".env", (m_root + "/env-link.txt").c_str()), 0);
    QCOMPARE(::symlink("server.key", (m_root + "/key-link.txt").c_str()), 0);
    QCOMPARE(::symlink("missing", (m_root + "/dangling").c_str()), 0);
    QCOMPARE(::mkfifo((m_root + "/fifo").c_str(), 0644), 0);
}

void TestPathResolver::normalizes_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("path");
    QTest::newRow("root") << "/"
                          << "/";
    QTest::newRow("file") << "/a/b.txt"
                          << "/a/b.txt";
    QTest::newRow("dir slash kept") << "/a/b/"
                                    << "/a/b/";
    QTest::newRow("repeated slashes") << "//a///b//"
                                      << "/a/b/";
    QTest::newRow("protocol-relative look") << "//evil.com"
                                            << "/evil.com";
    QTest::newRow("dot segments") << "/a/./b/../c"
                                  << "/a/c";
    QTest::newRow("dotdot at end is a folder") << "/a/b/.."
                                               << "/a/";
    QTest::newRow("dot at end is a folder") << "/a/."
                                            << "/a/";
    QTest::newRow("climb") << "/../etc/passwd"
                           << "/etc/passwd";
    QTest::newRow("climb many") << "/../../../../../etc/passwd"
                                << "/etc/passwd";
    QTest::newRow("encoded dots") << "/%2e%2e/%2e%2e/etc/passwd"
                                  << "/etc/passwd";
    QTest::newRow("encoded dots upper") << "/%2E%2E/x"
                                        << "/x";
    QTest::newRow("double encoded stays literal") << "/%252e%252e/"
                                                  << "/%2e%2e/";
    QTest::newRow("encoded slash separates") << "/..%2f..%2fetc/passwd"
                                             << "/etc/passwd";
    QTest::newRow("encoded slash inside") << "/a%2Fb"
                                          << "/a/b";
    QTest::newRow("utf8") << "/caf%C3%A9.txt"
                          << "/caf\u00e9.txt";
    QTest::newRow("space") << "/a%20b"
                           << "/a b";
    QTest::newRow("plus is plus") << "/a+b"
                                  << "/a+b";
    QTest::newRow("only dots") << "/.."
                               << "/";
    QTest::newRow("triple dot is a name") << "/.../x"
                                          << "/.../x";
}

void TestPathResolver::normalizes()
{
    QFETCH(QString, target);
    QFETCH(QString, path);
    const PathResolver resolver(m_root, {});
    const TargetPath t = resolver.parseTarget(target.toStdString());
    QVERIFY2(t.ok(), t.note.c_str());
    QCOMPARE(QString::fromStdString(t.path), path);
}

void TestPathResolver::rejectsBadTargets_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<int>("status");
    QTest::newRow("empty") << "" << 400;
    QTest::newRow("relative") << "a/b" << 400;
    QTest::newRow("asterisk") << "*" << 400;
    QTest::newRow("absolute form") << "http://evil.com/" << 400;
    QTest::newRow("query only") << "?x" << 400;
    QTest::newRow("lone percent") << "/%" << 400;
    QTest::newRow("short escape") << "/%4" << 400;
    QTest::newRow("bad hex") << "/%zz" << 400;
    QTest::newRow("encoded NUL") << "/%00" << 400;
    QTest::newRow("encoded NUL mid") << "/index.html%00.txt" << 400;
    QTest::newRow("backslash") << "/a/..\\..\\x" << 400;
    QTest::newRow("backslash first") << "/\\evil" << 400;
    QTest::newRow("encoded backslash") << "/%5c..%5cx" << 400;
    QTest::newRow("encoded newline") << "/a%0d%0aSet-Cookie:x" << 400;
    QTest::newRow("raw tab") << "/a\tb" << 400;
    QTest::newRow("raw space") << "/a b" << 400;
    QTest::newRow("DEL") << "/a%7f" << 400;
}

void TestPathResolver::rejectsBadTargets()
{
    QFETCH(QString, target);
    QFETCH(int, status);
    const PathResolver resolver(m_root, {});
    const TargetPath t = resolver.parseTarget(target.toStdString());
    QCOMPARE(t.status, status);
    QVERIFY(!t.note.empty());
}

void TestPathResolver::limits()
{
    const PathResolver resolver(m_root, {});
    QCOMPARE(resolver.parseTarget("/" + std::string(9000, 'a')).status, 414);
    QCOMPARE(resolver.parseTarget("/" + std::string(8000, 'a')).status, 200);
    std::string many;
    for (int i = 0; i < 300; ++i)
        many += "/a";
    QCOMPARE(resolver.parseTarget(many).status, 414);
    // Long but sane: a very long file name is simply not found.
    const TargetPath longName = resolver.parseTarget("/" + std::string(5000, 'b'));
    QVERIFY(longName.ok());
    QCOMPARE(resolver.resolve(longName.path).status, 404);
}

void TestPathResolver::splitsQuery()
{
    const PathResolver resolver(m_root, {});
    TargetPath t = resolver.parseTarget("/a%20b?x=%2e%2e&y=1#frag");
    QVERIFY(t.ok());
    QCOMPARE(QString::fromStdString(t.path), QString("/a b"));
    QVERIFY(t.hasQuery);
    QCOMPARE(QString::fromStdString(t.query), QString("x=%2e%2e&y=1"));
    t = resolver.parseTarget("/x?");
    QVERIFY(t.hasQuery);
    QVERIFY(t.query.empty());
    t = resolver.parseTarget("/x#?notquery");
    QVERIFY(!t.hasQuery);
    QCOMPARE(QString::fromStdString(t.path), QString("/x"));
    // A '?' after decoding is part of the name, not a query.
    t = resolver.parseTarget("/a%3Fb");
    QVERIFY(!t.hasQuery);
    QCOMPARE(QString::fromStdString(t.path), QString("/a?b"));
}

void TestPathResolver::resolvesFilesAndFolders()
{
    const PathResolver resolver(m_root + "/", {}); // a trailing slash on the root must not matter
    QCOMPARE(QString::fromStdString(resolver.root()), QString::fromStdString(m_root));

    ResolvedPath r = resolver.resolve("/hello.txt");
    QVERIFY2(r.ok(), r.note.c_str());
    QCOMPARE(int(r.kind), int(ResolvedPath::Kind::File));
    QCOMPARE(QString::fromStdString(r.realPath), QString::fromStdString(m_root + "/hello.txt"));

    r = resolver.resolve("/");
    QVERIFY(r.ok());
    QCOMPARE(int(r.kind), int(ResolvedPath::Kind::Directory));
    r = resolver.resolve("/sub");
    QVERIFY(r.ok());
    QCOMPARE(int(r.kind), int(ResolvedPath::Kind::Directory));

    r = resolver.resolve("/missing.txt");
    QCOMPARE(r.status, 404);
    QCOMPARE(QString::fromStdString(r.note), QString("not found"));
    r = resolver.resolve("/hello.txt/"); // a file named as a folder
    QCOMPARE(r.status, 404);
    r = resolver.resolve("/dangling");
    QCOMPARE(r.status, 404);
    r = resolver.resolve("/fifo");
    QCOMPARE(r.status, 404);
    QVERIFY(r.note.starts_with("refused"));
    r = resolver.resolve("/.well-known/security.txt");
    QVERIFY2(r.ok(), r.note.c_str());
}

void TestPathResolver::refusesByPolicy_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("note");
    QTest::newRow(".env") << "/.env"
                          << "refused: dotfile";
    QTest::newRow(".git/config") << "/.git/config"
                                 << "refused: dotfile";
    QTest::newRow(".git/") << "/.git/"
                           << "refused: dotfile";
    QTest::newRow("missing .htpasswd") << "/.htpasswd"
                                       << "refused: dotfile";
    QTest::newRow("dotfile inside .well-known") << "/.well-known/.hidden"
                                                << "refused: dotfile";
    QTest::newRow("nested .well-known is not special") << "/sub/.well-known/x"
                                                       << "refused: dotfile";
    QTest::newRow("key") << "/server.key"
                         << "refused: private key file";
    QTest::newRow("pem any case") << "/cert.PEM"
                                  << "refused: private key file";
    QTest::newRow("p12") << "/bundle.p12"
                         << "refused: private key file";
    QTest::newRow("pfx") << "/x.pfx"
                         << "refused: private key file";
    QTest::newRow("id_rsa") << "/id_rsa"
                            << "refused: private key file";
    QTest::newRow("id_ed25519.pub") << "/id_ed25519.pub"
                                    << "refused: private key file";
    QTest::newRow("symlink outside") << "/out-link"
                                     << "refused: resolves outside the served folder via symlink";
    QTest::newRow("symlinked folder outside") << "/out-dir/secret.txt"
                                              << "refused: resolves outside the served folder via symlink";
    QTest::newRow("string-prefix sibling") << "/prefix-link"
                                           << "refused: resolves outside the served folder via symlink";
    QTest::newRow("symlink onto dotfile") << "/env-link.txt"
                                          << "refused: resolves to a dotfile via symlink";
    QTest::newRow("symlink onto key") << "/key-link.txt"
                                      << "refused: resolves to a private key file via symlink";
}

void TestPathResolver::refusesByPolicy()
{
    QFETCH(QString, path);
    QFETCH(QString, note);
    const PathResolver resolver(m_root, {});
    const ResolvedPath r = resolver.resolve(path.toStdString());
    QCOMPARE(r.status, 404);
    QCOMPARE(QString::fromStdString(r.note), note);
    QVERIFY(r.realPath.empty());
}

void TestPathResolver::optionsRelaxPolicy()
{
    PathResolver::Options options;
    options.allowDotfiles = true;
    options.allowPrivateKeyFiles = true;
    const PathResolver relaxed(m_root, options);
    QVERIFY(relaxed.resolve("/.env").ok());
    QVERIFY(relaxed.resolve("/.git/config").ok());
    QVERIFY(relaxed.resolve("/server.key").ok());
    QVERIFY(relaxed.resolve("/env-link.txt").ok());
    QCOMPARE(relaxed.resolve("/out-link").status, 404); // still inside-only

    PathResolver::Options follow;
    follow.followSymlinksOutside = true;
    const PathResolver following(m_root, follow);
    const ResolvedPath r = following.resolve("/out-link");
    QVERIFY2(r.ok(), r.note.c_str());
    QVERIFY(r.realPath.ends_with("/outside/secret.txt"));
    QCOMPARE(following.resolve("/.env").status, 404); // dotfiles still refused
}

void TestPathResolver::symlinks()
{
    const PathResolver resolver(m_root, {});
    ResolvedPath r = resolver.resolve("/in-link");
    QVERIFY2(r.ok(), r.note.c_str());
    QCOMPARE(QString::fromStdString(r.realPath), QString::fromStdString(m_root + "/hello.txt"));
    r = resolver.resolve("/in-dir/page.html");
    QVERIFY2(r.ok(), r.note.c_str());
    QCOMPARE(QString::fromStdString(r.realPath), QString::fromStdString(m_root + "/sub/page.html"));
}

void TestPathResolver::isWithinComparesComponents()
{
    QVERIFY(PathResolver::isWithin("/srv/site", "/srv/site"));
    QVERIFY(PathResolver::isWithin("/srv/site/a", "/srv/site"));
    QVERIFY(PathResolver::isWithin("/srv/site/a", "/srv/site/"));
    QVERIFY(!PathResolver::isWithin("/srv/site2", "/srv/site"));
    QVERIFY(!PathResolver::isWithin("/srv/site2/a", "/srv/site"));
    QVERIFY(!PathResolver::isWithin("/srv", "/srv/site"));
    QVERIFY(PathResolver::isWithin("/anything", "/"));
}

void TestPathResolver::encodesPaths()
{
    QCOMPARE(QString::fromStdString(PathResolver::encodePath("/a b/c%d?e#f")), QString("/a%20b/c%25d%3Fe%23f"));
    QCOMPARE(QString::fromStdString(PathResolver::encodePath("/caf\xc3\xa9/")), QString("/caf%C3%A9/"));
    QCOMPARE(QString::fromStdString(PathResolver::encodePath("/a-b_c.d~e:f@g")), QString("/a-b_c.d~e:f@g"));
    QCOMPARE(QString::fromStdString(PathResolver::encodePath("/<x>\"")), QString("/%3Cx%3E%22"));
}

// Lookups are cached for a second; every change a user makes while serving
// must still show on the next request.
void TestPathResolver::cachedLookupsSeeChanges()
{
    const PathResolver resolver(m_root, {});
    const std::string file = m_root + "/cached.txt";
    writeFile(file, "one");
    ResolvedPath r = resolver.resolve("/cached.txt");
    QVERIFY(r.ok());
    QCOMPARE(qint64(r.stat.st_size), qint64(3));

    // Edited in place: the cached descriptor shows the new size.
    writeFile(file, "three");
    r = resolver.resolve("/cached.txt");
    QVERIFY(r.ok());
    QCOMPARE(qint64(r.stat.st_size), qint64(5));

    // Saved the way editors do (write elsewhere, rename over): the new file.
    writeFile(m_root + "/cached.tmp", "replaced!");
    QCOMPARE(::rename((m_root + "/cached.tmp").c_str(), file.c_str()), 0);
    r = resolver.resolve("/cached.txt");
    QVERIFY(r.ok());
    QCOMPARE(qint64(r.stat.st_size), qint64(9));
    char buf[16] = {};
    QCOMPARE(::pread(r.file->fd(), buf, sizeof buf, 0), ssize_t(9));
    QCOMPARE(QByteArray(buf), QByteArray("replaced!"));

    // Deleted: not found at once.
    QCOMPARE(::unlink(file.c_str()), 0);
    QVERIFY(!resolver.resolve("/cached.txt").ok());

    // A page created after a miss is found at once (misses are not cached
    // unless asked for, as the precompressed-sibling lookups do).
    QVERIFY(!resolver.resolve("/new.txt").ok());
    writeFile(m_root + "/new.txt", "new");
    QVERIFY(resolver.resolve("/new.txt").ok());
    QCOMPARE(::unlink((m_root + "/new.txt").c_str()), 0);
}

void TestPathResolver::servedFolderDeletedAndMadeAgain()
{
    // `rm -rf dist && build` while serving dist: the new folder at the same
    // path is served, and while there is none the note says why.
    QTemporaryDir tmp;
    const std::string root = realPathOf(tmp.path()) + "/dist";
    QCOMPARE(::mkdir(root.c_str(), 0755), 0);
    QCOMPARE(::mkdir((root + "/css").c_str(), 0755), 0);
    writeFile(root + "/css/site.css", "old");
    const PathResolver resolver(root, {});
    const PathResolver copy = resolver; // copies (one per worker) share what they learn
    QVERIFY(resolver.resolve("/css/site.css").ok());

    QVERIFY(QDir(QString::fromStdString(root)).removeRecursively());
    ResolvedPath r = copy.resolve("/css/site.css");
    QCOMPARE(r.status, 404);
    QVERIFY2(r.note.find("the served folder is gone") != std::string::npos, r.note.c_str());

    QCOMPARE(::mkdir(root.c_str(), 0755), 0);
    QCOMPARE(::mkdir((root + "/css").c_str(), 0755), 0);
    writeFile(root + "/css/site.css", "new!");
    for (const PathResolver *which : {&copy, &resolver}) {
        r = which->resolve("/css/site.css");
        QVERIFY2(r.ok(), r.note.c_str());
        QCOMPARE(QString::fromStdString(r.realPath), QString::fromStdString(root + "/css/site.css"));
        char buf[16] = {};
        if (r.file)
            QCOMPARE(::pread(r.file->fd(), buf, sizeof buf, 0), ssize_t(4));
    }
    // A name that the new folder lacks is simply not found.
    r = resolver.resolve("/missing.css");
    QCOMPARE(r.status, 404);
    QCOMPARE(QString::fromStdString(r.note), QString("not found"));
}

void TestPathResolver::servedFolderItselfAfterARebuild()
{
    // The folder itself ("/", the page a browser reloads after a build): the
    // descriptor opened at start still answers ".", as "<root> (deleted)".
    QTemporaryDir tmp;
    const std::string root = realPathOf(tmp.path()) + "/dist";
    QCOMPARE(::mkdir(root.c_str(), 0755), 0);
    writeFile(root + "/index.html", "old");
    const PathResolver resolver(root, {});
    QVERIFY(resolver.resolve("/index.html").ok());

    QVERIFY(QDir(QString::fromStdString(root)).removeRecursively());
    ResolvedPath r = resolver.resolve("/");
    QCOMPARE(r.status, 404);
    QVERIFY(r.folderGone);
    QVERIFY2(r.note.find("the served folder is gone") != std::string::npos, r.note.c_str());

    QCOMPARE(::mkdir(root.c_str(), 0755), 0);
    writeFile(root + "/index.html", "new!");
    r = resolver.resolve("/");
    QVERIFY2(r.ok(), r.note.c_str());
    QCOMPARE(int(r.kind), int(ResolvedPath::Kind::Directory));
    QCOMPARE(QString::fromStdString(r.realPath), QString::fromStdString(root));
    r = resolver.resolve("/index.html");
    QVERIFY2(r.ok(), r.note.c_str());
    QCOMPARE(qint64(r.stat.st_size), qint64(4));

    // A file whose name merely ends like a deleted one is served as it is.
    writeFile(root + "/notes (deleted)", "kept");
    r = resolver.resolve("/notes (deleted)");
    QVERIFY2(r.ok(), r.note.c_str());
    QCOMPARE(qint64(r.stat.st_size), qint64(4));
}

void TestPathResolver::servedFolderSwappedForANewOne()
{
    // `mv dist dist.old && mv dist.new dist`: the old folder still exists
    // under another name; what is served is the one at the served path.
    QTemporaryDir tmp;
    const std::string base = realPathOf(tmp.path());
    const std::string root = base + "/dist";
    QCOMPARE(::mkdir(root.c_str(), 0755), 0);
    writeFile(root + "/app.js", "old");
    const PathResolver resolver(root, {});
    QVERIFY(resolver.resolve("/app.js").ok());

    QCOMPARE(::mkdir((base + "/dist.new").c_str(), 0755), 0);
    writeFile(base + "/dist.new/app.js", "new!");
    QCOMPARE(::rename(root.c_str(), (base + "/dist.old").c_str()), 0);
    QCOMPARE(::rename((base + "/dist.new").c_str(), root.c_str()), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // past the lookup's cached second
    for (const char *path : {"/app.js", "/"}) {
        const ResolvedPath r = resolver.resolve(path);
        QVERIFY2(r.ok(), r.note.c_str());
        QVERIFY2(PathResolver::isWithin(r.realPath, root), r.realPath.c_str());
    }
    QCOMPARE(qint64(resolver.resolve("/app.js").stat.st_size), qint64(4));
}

void TestPathResolver::freshnessChecksOncePerBatch()
{
    const PathResolver resolver(m_root, {});
    const std::string file = m_root + "/scoped.txt";
    writeFile(file, "one");
    const Freshness batch = Freshness::open();
    QVERIFY(batch != Freshness());
    QVERIFY(Freshness::open() != batch);
    QCOMPARE(qint64(resolver.resolve("/scoped.txt", batch).stat.st_size), qint64(3));
    // The requests of one batch see the folder in one state.
    writeFile(file, "three");
    QCOMPARE(qint64(resolver.resolve("/scoped.txt", batch).stat.st_size), qint64(3));
    // Another batch checks afresh, whatever thread it is on, and the first
    // one then trusts what it was last checked for: not itself any more.
    const Freshness other = Freshness::open();
    QCOMPARE(qint64(resolver.resolve("/scoped.txt", other).stat.st_size), qint64(5));
    writeFile(file, "seven!!");
    QCOMPARE(qint64(resolver.resolve("/scoped.txt", batch).stat.st_size), qint64(7));
    // A default Freshness checks every time.
    writeFile(file, "x");
    QCOMPARE(qint64(resolver.resolve("/scoped.txt").stat.st_size), qint64(1));
    writeFile(file, "xy");
    QCOMPARE(qint64(resolver.resolve("/scoped.txt").stat.st_size), qint64(2));
    // A file deleted in a batch that already checked it is still found
    // for it (the descriptor is open), and gone for the next one.
    const Freshness last = Freshness::open();
    QVERIFY(resolver.resolve("/scoped.txt", last).ok());
    QCOMPARE(::unlink(file.c_str()), 0);
    QVERIFY(resolver.resolve("/scoped.txt", last).ok());
    QVERIFY(!resolver.resolve("/scoped.txt", Freshness::open()).ok());
}

void TestPathResolver::snapshotsFollowTheFileVersion()
{
    const PathResolver resolver(m_root, {});
    const auto budget = std::make_shared<SnapshotBudget>();
    const std::string file = m_root + "/snap.txt";
    writeFile(file, "first version");
    ResolvedPath r = resolver.resolve("/snap.txt");
    QVERIFY(r.ok() && r.file);
    // Just written: no snapshot yet (it could change again within one tick
    // of the file clock and keep its size and time), until it has been left
    // alone for kSnapshotSettleSeconds by the clock the caller gives.
    const std::int64_t written = r.stat.st_mtim.tv_sec;
    QVERIFY(!r.file->snapshot(r.stat, 1024, written, budget));
    QVERIFY(!r.file->snapshot(r.stat, 1024, written + FileHandle::kSnapshotSettleSeconds - 1, budget));
    auto a = r.file->snapshot(r.stat, 1024, written + FileHandle::kSnapshotSettleSeconds, budget);
    QVERIFY(a);
    QCOMPARE(*a, std::string("first version"));
    const std::int64_t now = std::time(nullptr) + 60;
    // Same version: the same bytes, shared, not read again.
    QCOMPARE(r.file->snapshot(r.stat, 1024, now, budget).get(), a.get());
    // Over the size limit: none (the caller streams the file).
    QVERIFY(!r.file->snapshot(r.stat, 4, now, budget));

    // Edited in place (same descriptor): a new version, new bytes; the old
    // snapshot stays intact for a response still sending it.
    writeFile(file, "second, longer version");
    setMtime(file, std::time(nullptr) - 60);
    r = resolver.resolve("/snap.txt");
    const auto b = r.file->snapshot(r.stat, 1024, now, budget);
    QVERIFY(b && b.get() != a.get());
    QCOMPARE(*b, std::string("second, longer version"));
    QCOMPARE(*a, std::string("first version"));
    // Both versions are charged to the budget while something holds them.
    QCOMPARE(budget->used(), a->size() + b->size());

    // A budget too small for a version takes none of it; the bytes held go
    // back to their budget when the last holder lets go.
    const auto tight = std::make_shared<SnapshotBudget>(8);
    const FileHandle another(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    QVERIFY(another.fd() >= 0);
    QVERIFY(!another.snapshot(r.stat, 1024, now, tight));
    QCOMPARE(tight->used(), std::size_t(0));
    const std::weak_ptr<const std::string> first = a;
    a.reset();
    QVERIFY(first.expired());
    QCOMPARE(budget->used(), b->size());

    // The file shrank after the stat the caller holds: no snapshot, so the
    // response never claims bytes it cannot send.
    struct stat stale = r.stat;
    stale.st_mtim.tv_nsec += 1; // a version the descriptor no longer has
    writeFile(file, "tiny");
    QVERIFY(!r.file->snapshot(stale, 1024, now, budget));
    QCOMPARE(::unlink(file.c_str()), 0);
}

void TestPathResolver::percentDecodingIsOnePassAndStrict()
{
    QCOMPARE(h2scope::percentDecoded(""), std::optional<std::string>(""));
    QCOMPARE(h2scope::percentDecoded("/a%20b/%41%2f%2F"), std::optional<std::string>("/a b/A//"));
    // One pass: an escaped '%' stays the text it decodes to.
    QCOMPARE(h2scope::percentDecoded("%252e%252E"), std::optional<std::string>("%2e%2E"));
    QCOMPARE(h2scope::percentDecoded("%00"), std::optional<std::string>(std::string(1, '\0')));
    for (const char *bad : {"%", "a%", "%4", "%4g", "%zz", "/x/%G0/y"})
        QVERIFY2(!h2scope::percentDecoded(bad), bad);
}

QTEST_APPLESS_MAIN(TestPathResolver)
#include "tst_pathresolver.moc"
