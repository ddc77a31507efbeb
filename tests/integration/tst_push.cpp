// Server push and 103 Early Hints with real clients: nghttp takes the pushes,
// Node accepts one and cancels another, curl (push disabled) gets none, and
// headless Chromium (push disabled) gets a 103 and then asks for the assets.
// What became of every promise is read back from the server's own capture.

#include "serverprocess.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace h2scope::testing;

namespace {

const QString kDemo = QStringLiteral(H2SCOPE_SOURCE_DIR "/resources/demo");

QString sha256Of(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex());
}

// Every event of the capture file, in order.
QList<QJsonObject> readCapture(const QString &path)
{
    QList<QJsonObject> events;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return events;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        if (!line.isEmpty())
            events.push_back(QJsonDocument::fromJson(line).object());
    }
    return events;
}

QList<QJsonObject> ofKind(const QList<QJsonObject> &events, const QString &kind)
{
    QList<QJsonObject> out;
    for (const QJsonObject &e : events)
        if (e.value("kind").toString() == kind)
            out.push_back(e);
    return out;
}

} // namespace

class TestPush : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_caroot;

    bool startServer(ServerProcess &server, const QString &capture, const QStringList &extra = {})
    {
        qputenv("H2SCOPE_CAROOT", m_caroot.toLocal8Bit());
        QStringList args{"--capture", capture, "--no-live-reload"};
        args += extra;
        const bool ok = server.start(kDemo, args);
        if (!ok)
            qWarning() << server.errorString();
        return ok;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_caroot = m_tmp.filePath("ca");
    }

    void nghttpReceivesThePageAssets()
    {
        H2SCOPE_REQUIRE_CLIENT("nghttp");
        ServerProcess server;
        const QString capture = m_tmp.filePath("nghttp.jsonl");
        QVERIFY(startServer(server, capture));
        const ClientResult r = runClient("nghttp", {"-nv", server.url().toString()}, 30000);
        QVERIFY2(r.ok(), qPrintable(r.describe()));
        const QByteArray out = r.out;
        QVERIFY(out.contains("recv PUSH_PROMISE frame"));
        QVERIFY(out.contains(":path: /css/site.css"));
        QVERIFY(out.contains(":path: /js/app.js"));
        QVERIFY(server.stop());

        // The pushed bodies are the files: the server sent exactly their sizes
        // and says every promise completed.
        const QList<QJsonObject> events = readCapture(capture);
        QMap<QString, QJsonObject> outcomes;
        for (const QJsonObject &o : ofKind(events, "push-outcome"))
            outcomes.insert(o.value("path").toString(), o);
        QVERIFY2(outcomes.contains("/css/site.css") && outcomes.contains("/js/app.js"),
                 qPrintable(QStringList(outcomes.keys()).join(',')));
        for (const QString &path : {QStringLiteral("/css/site.css"), QStringLiteral("/js/app.js")}) {
            QCOMPARE(outcomes[path].value("outcome").toString(), QStringLiteral("completed"));
            QCOMPARE(qint64(outcomes[path].value("bodyBytes").toDouble()), QFileInfo(kDemo + path).size());
        }
    }

    void nghttpReceivesTheWholeModuleGraph_data()
    {
        QTest::addColumn<bool>("graph");
        QTest::newRow("module graph") << true;
        QTest::newRow("--no-module-graph") << false;
    }

    void nghttpReceivesTheWholeModuleGraph()
    {
        // A page with one module script and three levels of imports below it:
        // every module is promised, breadth first; what only a comment, a
        // string or nobody names is not.
        QFETCH(bool, graph);
        H2SCOPE_REQUIRE_CLIENT("nghttp");
        const QString site = m_tmp.filePath(graph ? "modules" : "modules-off");
        const auto write = [&](const QString &name, const QByteArray &text) {
            QDir().mkpath(QFileInfo(site + "/" + name).absolutePath());
            QFile f(site + "/" + name);
            return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
        };
        QVERIFY(write("index.html", "<!doctype html><title>m</title><script type=module src=/js/main.js></script>"));
        QVERIFY(write("js/main.js", "import { a } from './a.js';\nimport './b.js';\n// import './fake.js';\n"));
        QVERIFY(write("js/a.js", "export { c as a } from './deep/c.js';\nconst s = \"import './orphan.js'\";\n"));
        QVERIFY(write("js/b.js", "export default 1;\n"));
        QVERIFY(write("js/deep/c.js", "import d from '../d.js';\nexport const c = d;\n"));
        QVERIFY(write("js/d.js", "export default 'd';\n"));
        QVERIFY(write("js/fake.js", "export {};\n"));
        QVERIFY(write("js/orphan.js", "export {};\n"));
        qputenv("H2SCOPE_CAROOT", m_caroot.toLocal8Bit());
        ServerProcess server;
        QStringList args{"--no-live-reload"};
        if (!graph)
            args << "--no-module-graph";
        QVERIFY2(server.start(site, args), qPrintable(server.errorString()));
        const ClientResult r = runClient("nghttp", {"-nv", server.url().toString()}, 30000);
        QVERIFY2(r.ok(), qPrintable(r.describe()));
        // nghttp -v prints each promise's fields as "recv (stream_id=13) :path: /js/a.js".
        QStringList promised;
        const QRegularExpression promise(QStringLiteral("recv \\(stream_id=\\d+\\) :path: (\\S+)"));
        for (auto m = promise.globalMatch(QString::fromUtf8(r.out)); m.hasNext();)
            promised << m.next().captured(1);
        const QStringList expected =
            graph ? QStringList{"/js/main.js", "/js/a.js", "/js/b.js", "/js/deep/c.js", "/js/d.js"}
                  : QStringList{"/js/main.js"};
        QCOMPARE(promised, expected); // breadth first, each once
        QVERIFY(server.stop());
    }

    void nodeAcceptsOnePushAndCancelsAnother()
    {
        H2SCOPE_REQUIRE_CLIENT("node");
        // A script larger than Node's 64 KiB stream window: the server cannot
        // finish it before the client's CANCEL, so the outcome is certain.
        const QString site = m_tmp.filePath("site");
        QVERIFY(QDir().mkpath(site));
        QFile html(site + "/index.html");
        QVERIFY(html.open(QIODevice::WriteOnly));
        html.write("<!doctype html><link rel=stylesheet href=/a.css><script src=/big.js defer></script><p>hi");
        html.close();
        QFile css(site + "/a.css");
        QVERIFY(css.open(QIODevice::WriteOnly));
        css.write("body { color: teal }\n");
        css.close();
        QFile js(site + "/big.js");
        QVERIFY(js.open(QIODevice::WriteOnly));
        js.write(QByteArray(1 << 20, 'x'));
        js.close();

        ServerProcess server;
        const QString capture = m_tmp.filePath("node.jsonl");
        qputenv("H2SCOPE_CAROOT", m_caroot.toLocal8Bit());
        QVERIFY2(server.start(site, {"--capture", capture, "--no-live-reload"}), qPrintable(server.errorString()));
        const ClientResult r = runClient(
            "node",
            {QStringLiteral(H2SCOPE_SOURCE_DIR "/tests/integration/node/pushes.mjs"), server.origin(), "/", "/a.css"},
            30000);
        QVERIFY2(r.ok(), qPrintable(r.describe()));
        const QJsonObject result = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(result.value("status").toInt(), 200);
        bool gotCss = false, refusedJs = false;
        for (const QJsonValue &v : result.value("pushes").toArray()) {
            const QJsonObject p = v.toObject();
            if (p.value("path").toString() == "/a.css") {
                gotCss = true;
                QCOMPARE(p.value("sha256").toString(), sha256Of(site + "/a.css"));
            }
            refusedJs |= p.value("path").toString() == "/big.js" && !p.value("accepted").toBool();
        }
        QVERIFY(gotCss);
        QVERIFY(refusedJs);
        QVERIFY(server.stop());

        QMap<QString, QJsonObject> outcomes;
        for (const QJsonObject &o : ofKind(readCapture(capture), "push-outcome"))
            outcomes.insert(o.value("path").toString(), o);
        QCOMPARE(outcomes.value("/a.css").value("outcome").toString(), QStringLiteral("completed"));
        QCOMPARE(outcomes.value("/big.js").value("outcome").toString(), QStringLiteral("cancelled"));
        QVERIFY(outcomes.value("/big.js").value("resetAtNs").toDouble() > 0);
        QVERIFY(outcomes.value("/big.js").value("bodyBytes").toDouble() < (1 << 20));
    }

    void curlDisablesPushAndGetsNone()
    {
        H2SCOPE_REQUIRE_CLIENT("curl");
        ServerProcess server;
        const QString capture = m_tmp.filePath("curl.jsonl");
        QVERIFY(startServer(server, capture));
        const ClientResult r = runClient(
            "curl", {"-sk", "--http2", "-o", "/dev/null", "-w", "%{http_code}", server.url().toString()}, 30000);
        QVERIFY2(r.ok(), qPrintable(r.describe()));
        QCOMPARE(r.out, QByteArray("200"));
        QVERIFY(server.stop());
        const QList<QJsonObject> events = readCapture(capture);
        for (const QJsonObject &f : ofKind(events, "frame"))
            QVERIFY(f.value("typeName").toString() != "PUSH_PROMISE");
        bool skipped = false;
        for (const QJsonObject &n : ofKind(events, "notice"))
            skipped |=
                n.value("code").toString() == "push-skipped" && n.value("text").toString().contains("ENABLE_PUSH=0");
        QVERIFY(skipped);
    }

    void chromiumGetsEarlyHintsAndFetchesTheAssets()
    {
        H2SCOPE_REQUIRE_CLIENT("chromium");
        ServerProcess server;
        const QString capture = m_tmp.filePath("chromium.jsonl");
        QVERIFY(startServer(server, capture));
        const ClientResult r =
            runClient("chromium",
                      {"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                       "--disable-component-update", "--no-first-run", "--disable-sync", "--ignore-certificate-errors",
                       "--user-data-dir=" + m_tmp.filePath("chromium-profile"), "--dump-dom", server.url().toString()},
                      90000);
        QVERIFY2(r.finished, qPrintable(r.describe()));
        QVERIFY2(r.out.contains("</html>"), r.out.left(300).constData());
        QVERIFY(server.stop());

        const QList<QJsonObject> events = readCapture(capture);
        bool pushDisabled = false, hintsSent = false, h2 = false;
        for (const QJsonObject &c : ofKind(events, "connection-opened"))
            h2 |= c.value("alpn").toString() == "h2";
        QStringList requested;
        for (const QJsonObject &f : ofKind(events, "frame")) {
            const QJsonArray headers = f.value("headers").toArray();
            if (f.value("dir").toString() == "in" && f.value("typeName").toString() == "SETTINGS")
                for (const QJsonValue &s : f.value("settings").toArray())
                    pushDisabled |= s.toObject().value("id").toInt() == 2 && s.toObject().value("value").toInt() == 0;
            if (f.value("dir").toString() == "out" && f.value("typeName").toString() == "HEADERS" && !headers.isEmpty()
                && headers.at(0).toArray().at(1).toString() == "103") {
                for (const QJsonValue &h : headers)
                    hintsSent |= h.toArray().at(0).toString() == "link"
                                 && h.toArray().at(1).toString().contains("/css/site.css");
            }
        }
        for (const QJsonObject &s : ofKind(events, "stream-opened"))
            if (!s.value("pushed").toBool())
                requested << s.value("path").toString();
        QVERIFY(h2);
        QVERIFY2(pushDisabled, "Chromium's SETTINGS_ENABLE_PUSH=0 is not in the capture");
        QVERIFY2(hintsSent, "no 103 with a Link to the stylesheet was sent");
        QVERIFY2(requested.contains("/css/site.css") && requested.contains("/js/app.js"),
                 qPrintable(requested.join(' ')));
        for (const QJsonObject &f : ofKind(events, "frame"))
            QVERIFY(f.value("typeName").toString() != "PUSH_PROMISE");
    }
};

QTEST_GUILESS_MAIN(TestPush)
#include "tst_push.moc"
