// FolderWatcher: recursive inotify watching, debounced batches, ignored
// paths. Real files in a temporary folder; every wait is bounded.

#include "site/folderwatcher.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <unistd.h>

using namespace h2scope;
using namespace h2scope::site;
using namespace std::chrono_literals;

namespace {

void writeFile(const std::string &path, const std::string &content)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

// Collects the watcher's batches (watcher thread) for the test thread.
class Batches {
public:
    void add(std::vector<std::string> batch)
    {
        std::lock_guard lock(m_mutex);
        m_batches.push_back(std::move(batch));
        m_cv.notify_all();
    }

    // Waits (at most `timeout`) until some batch received since the last
    // take() contains `path`; returns every path received meanwhile.
    std::vector<std::string> waitFor(const std::string &path, std::chrono::milliseconds timeout = 3s)
    {
        std::unique_lock lock(m_mutex);
        m_cv.wait_for(lock, timeout, [&] { return containsLocked(path); });
        return takeLocked();
    }

    // Everything received within `window` (used to show nothing arrives).
    std::vector<std::string> collect(std::chrono::milliseconds window)
    {
        std::this_thread::sleep_for(window);
        std::lock_guard lock(m_mutex);
        return takeLocked();
    }

    std::size_t batchCount()
    {
        std::lock_guard lock(m_mutex);
        return m_batches.size() + m_taken;
    }

private:
    bool containsLocked(const std::string &path) const
    {
        for (const auto &b : m_batches)
            if (std::find(b.begin(), b.end(), path) != b.end())
                return true;
        return false;
    }

    std::vector<std::string> takeLocked()
    {
        std::vector<std::string> all;
        for (auto &b : m_batches)
            all.insert(all.end(), b.begin(), b.end());
        m_taken += m_batches.size();
        m_batches.clear();
        return all;
    }

    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<std::vector<std::string>> m_batches;
    std::size_t m_taken = 0;
};

bool has(const std::vector<std::string> &paths, const std::string &path)
{
    return std::find(paths.begin(), paths.end(), path) != paths.end();
}

QString joined(const std::vector<std::string> &paths)
{
    QStringList out;
    for (const auto &p : paths)
        out << QString::fromStdString(p);
    return out.join(u' ');
}

} // namespace

class TestFolderWatcher : public QObject {
    Q_OBJECT

private slots:
    void ignoredNames_data();
    void ignoredNames();
    void createModifyRenameDeleteNested();
    void newSubfoldersAreWatched();
    void servedFolderDeletedAndMadeAgain();
    void ignoredPathsStayQuiet();
    void debounceMakesOneBatch();
    void temporaryFilesOfAnAtomicSaveAreLeftOut_data();
    void temporaryFilesOfAnAtomicSaveAreLeftOut();
    void startStop();
};

void TestFolderWatcher::ignoredNames_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("ignored");
    QTest::newRow("plain") << "css/site.css" << false;
    QTest::newRow("root file") << "index.html" << false;
    QTest::newRow("git") << ".git/HEAD" << true;
    QTest::newRow("git folder") << ".git" << true;
    QTest::newRow("nested node_modules") << "app/node_modules/x/index.js" << true;
    QTest::newRow("vim swap") << "css/.site.css.swp" << true;
    QTest::newRow("vim probe") << "4913" << true;
    QTest::newRow("backup") << "index.html~" << true;
    QTest::newRow("emacs lock") << ".#index.html" << true;
    QTest::newRow("emacs autosave") << "#index.html#" << true;
    QTest::newRow("kate") << ".index.html.kate-swp" << true;
    QTest::newRow("tmp") << "upload.tmp" << true;
    QTest::newRow("jetbrains") << "index.html___jb_tmp___" << true;
    QTest::newRow("gio") << ".goutputstream-ABC123" << true;
    QTest::newRow("like but not") << "gitlog/node_modules.txt" << false;
    QTest::newRow("number") << "49130" << false;
}

void TestFolderWatcher::ignoredNames()
{
    QFETCH(QString, path);
    QFETCH(bool, ignored);
    QCOMPARE(FolderWatcher::isIgnored(path.toStdString()), ignored);
}

void TestFolderWatcher::createModifyRenameDeleteNested()
{
    if (!FolderWatcher::supported())
        QSKIP("watching is not supported on this platform");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string root = dir.path().toStdString();
    std::filesystem::create_directories(root + "/a/b");
    writeFile(root + "/a/b/old.css", "p{}");

    Batches batches;
    FolderWatcher watcher(root, [&](std::vector<std::string> b) { batches.add(std::move(b)); });
    const Result<void> started = watcher.start();
    QVERIFY2(started.ok(), started.ok() ? "" : started.error().message.c_str());
    QCOMPARE(watcher.watchCount(), std::size_t(3)); // root, a, a/b

    writeFile(root + "/a/b/new.html", "<p>new</p>");
    auto got = batches.waitFor("/a/b/new.html");
    QVERIFY2(has(got, "/a/b/new.html"), qPrintable(joined(got)));

    writeFile(root + "/a/b/old.css", "p{color:red}");
    got = batches.waitFor("/a/b/old.css");
    QVERIFY2(has(got, "/a/b/old.css"), qPrintable(joined(got)));

    std::filesystem::rename(root + "/a/b/old.css", root + "/a/renamed.css");
    got = batches.waitFor("/a/renamed.css");
    QVERIFY2(has(got, "/a/renamed.css"), qPrintable(joined(got)));
    QVERIFY2(has(got, "/a/b/old.css"), qPrintable(joined(got)));

    std::filesystem::remove(root + "/a/b/new.html");
    got = batches.waitFor("/a/b/new.html");
    QVERIFY2(has(got, "/a/b/new.html"), qPrintable(joined(got)));

    // A folder moved elsewhere in the tree keeps being watched under its new name.
    std::filesystem::rename(root + "/a/b", root + "/moved");
    got = batches.waitFor("/moved/");
    QVERIFY2(has(got, "/moved/") && has(got, "/a/b/"), qPrintable(joined(got)));
    writeFile(root + "/moved/after.js", "1");
    got = batches.waitFor("/moved/after.js");
    QVERIFY2(has(got, "/moved/after.js"), qPrintable(joined(got)));
    QVERIFY(!has(got, "/a/b/after.js"));
    watcher.stop();
    QVERIFY(!watcher.running());
}

void TestFolderWatcher::newSubfoldersAreWatched()
{
    if (!FolderWatcher::supported())
        QSKIP("watching is not supported on this platform");
    QTemporaryDir dir;
    const std::string root = dir.path().toStdString();
    Batches batches;
    FolderWatcher watcher(root, [&](std::vector<std::string> b) { batches.add(std::move(b)); });
    QVERIFY(watcher.start().ok());

    std::filesystem::create_directories(root + "/c/d");
    writeFile(root + "/c/d/page.html", "x");
    auto got = batches.waitFor("/c/d/page.html");
    QVERIFY2(has(got, "/c/d/page.html"), qPrintable(joined(got)));
    // The new folder has its own watch now: a later change inside it is seen.
    for (int i = 0; i < 100 && watcher.watchCount() != 3; ++i)
        std::this_thread::sleep_for(20ms);
    QCOMPARE(watcher.watchCount(), std::size_t(3));
    batches.collect(300ms);
    writeFile(root + "/c/d/page.html", "y");
    got = batches.waitFor("/c/d/page.html");
    QVERIFY2(has(got, "/c/d/page.html"), qPrintable(joined(got)));
}

void TestFolderWatcher::servedFolderDeletedAndMadeAgain()
{
    // `rm -rf dist && build`: the folder goes, a new one takes its path; the
    // new folder and what is written into it are watched.
    if (!FolderWatcher::supported())
        QSKIP("watching is not supported on this platform");
    QTemporaryDir dir;
    const std::string root = dir.path().toStdString() + "/dist";
    std::filesystem::create_directories(root + "/css");
    writeFile(root + "/index.html", "a");
    Batches batches;
    FolderWatcher watcher(root, [&](std::vector<std::string> b) { batches.add(std::move(b)); });
    QVERIFY(watcher.start().ok());

    // Held open, as the server holds the folder it serves: the kernel then
    // reports no IN_DELETE_SELF for it until the descriptor is closed.
    const int held = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    QVERIFY(held >= 0);
    std::filesystem::remove_all(root);
    auto got = batches.waitFor("/");
    QVERIFY2(has(got, "/"), qPrintable(joined(got)));
    batches.collect(300ms);

    std::filesystem::create_directories(root + "/css");
    got = batches.waitFor("/");
    QVERIFY2(has(got, "/"), qPrintable(joined(got)));
    for (int i = 0; i < 100 && watcher.watchCount() != 2; ++i)
        std::this_thread::sleep_for(20ms);
    QCOMPARE(watcher.watchCount(), std::size_t(2));
    batches.collect(300ms);
    writeFile(root + "/css/site.css", "b");
    got = batches.waitFor("/css/site.css");
    QVERIFY2(has(got, "/css/site.css"), qPrintable(joined(got)));
    writeFile(root + "/index.html", "c");
    got = batches.waitFor("/index.html");
    QVERIFY2(has(got, "/index.html"), qPrintable(joined(got)));
    ::close(held);
}

void TestFolderWatcher::ignoredPathsStayQuiet()
{
    if (!FolderWatcher::supported())
        QSKIP("watching is not supported on this platform");
    QTemporaryDir dir;
    const std::string root = dir.path().toStdString();
    std::filesystem::create_directories(root + "/.git/objects");
    std::filesystem::create_directories(root + "/node_modules/pkg");
    Batches batches;
    FolderWatcher watcher(root, [&](std::vector<std::string> b) { batches.add(std::move(b)); });
    QVERIFY(watcher.start().ok());
    QCOMPARE(watcher.watchCount(), std::size_t(1)); // .git and node_modules are not even watched

    writeFile(root + "/.git/objects/abc", "x");
    writeFile(root + "/node_modules/pkg/index.js", "x");
    writeFile(root + "/.index.html.swp", "x");
    writeFile(root + "/index.html~", "x");
    writeFile(root + "/4913", "x");
    writeFile(root + "/.#index.html", "x");
    writeFile(root + "/x.tmp", "x");
    std::filesystem::create_directories(root + "/sub/node_modules");
    writeFile(root + "/sub/node_modules/y.js", "x");
    auto got = batches.collect(500ms);
    // Creating "sub" is a real change; nothing else may show.
    for (const std::string &p : got)
        QVERIFY2(p == "/sub/", qPrintable(joined(got)));

    writeFile(root + "/index.html", "real");
    got = batches.waitFor("/index.html");
    QCOMPARE(got, std::vector<std::string>{"/index.html"});
}

void TestFolderWatcher::debounceMakesOneBatch()
{
    if (!FolderWatcher::supported())
        QSKIP("watching is not supported on this platform");
    QTemporaryDir dir;
    const std::string root = dir.path().toStdString();
    Batches batches;
    FolderWatcher::Options options;
    options.debounce = 150ms;
    FolderWatcher watcher(
        root, [&](std::vector<std::string> b) { batches.add(std::move(b)); }, options);
    QVERIFY(watcher.start().ok());

    for (int i = 0; i < 5; ++i)
        writeFile(root + "/f" + std::to_string(i) + ".css", std::string(100, 'x'));
    writeFile(root + "/f0.css", "again"); // the same file twice: listed once
    const auto got = batches.waitFor("/f4.css");
    QCOMPARE(got, (std::vector<std::string>{"/f0.css", "/f1.css", "/f2.css", "/f3.css", "/f4.css"}));
    QCOMPARE(batches.batchCount(), std::size_t(1));
    QVERIFY(batches.collect(400ms).empty());
}

// Editors and tools that save atomically write a temporary file next to the
// real one and rename it over it: the batch names the real file only, so
// live reload swaps a stylesheet instead of reloading the page for a file
// that no longer exists.
void TestFolderWatcher::temporaryFilesOfAnAtomicSaveAreLeftOut_data()
{
    QTest::addColumn<QString>("temporary");
    QTest::newRow("sed -i") << "sedAbC123";
    QTest::newRow("write-file-atomic") << "site.css.tmp.12345";
    QTest::newRow("hidden swap copy") << ".site.css.swp-tmp";
}

void TestFolderWatcher::temporaryFilesOfAnAtomicSaveAreLeftOut()
{
    if (!FolderWatcher::supported())
        QSKIP("watching is not supported on this platform");
    QFETCH(QString, temporary);
    QTemporaryDir dir;
    const std::string root = dir.path().toStdString();
    std::filesystem::create_directories(root + "/css");
    writeFile(root + "/css/site.css", "p{}");
    Batches batches;
    FolderWatcher watcher(root, [&](std::vector<std::string> b) { batches.add(std::move(b)); });
    QVERIFY(watcher.start().ok());

    const std::string tmp = root + "/css/" + temporary.toStdString();
    writeFile(tmp, "p{color:red}");
    std::filesystem::rename(tmp, root + "/css/site.css");
    auto got = batches.waitFor("/css/site.css");
    const auto later = batches.collect(300ms); // nothing more comes of the temporary file
    got.insert(got.end(), later.begin(), later.end());
    QCOMPARE(got, std::vector<std::string>{"/css/site.css"});

    // A file that existed and is deleted is still reported, even when it
    // came back and went again within the same batch.
    std::filesystem::remove(root + "/css/site.css");
    writeFile(root + "/css/site.css", "p{}");
    std::filesystem::remove(root + "/css/site.css");
    got = batches.waitFor("/css/site.css");
    QCOMPARE(got, std::vector<std::string>{"/css/site.css"});
}

void TestFolderWatcher::startStop()
{
    QTemporaryDir dir;
    FolderWatcher missing(dir.path().toStdString() + "/nope", [](std::vector<std::string>) {});
    const Result<void> r = missing.start();
    QVERIFY(!r.ok());
    if (!FolderWatcher::supported()) {
        QCOMPARE(r.error().code, Errc::Unsupported);
        return;
    }
    QCOMPARE(r.error().code, Errc::NotFound);

    FolderWatcher watcher(dir.path().toStdString(), [](std::vector<std::string>) {});
    QVERIFY(watcher.start().ok());
    QVERIFY(watcher.running());
    QVERIFY(!watcher.start().ok()); // already running
    watcher.stop();
    watcher.stop(); // idempotent
    QVERIFY(!watcher.running());
    QVERIFY(watcher.start().ok()); // and startable again
}

QTEST_APPLESS_MAIN(TestFolderWatcher)
#include "tst_folderwatcher.moc"
