// h1::H1Session through memory: bytes in, bytes out, events published.
// A fake handler stands in for the site; a real temporary file provides a
// streamed body larger than any single read.

#include "collectingpublisher.h"
#include "slowsite.h"

#include "clock.h"
#include "h1/h1session.h"
#include "inspect/event.h"
#include "net/testclient.h"
#include "site/body.h"
#include "site/filepool.h"
#include "site/response.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <unistd.h>

#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

using namespace h2scope;
using h2scope::h1::H1Session;

namespace {

class FakeHandler final : public site::Handler {
public:
    site::Response handle(const site::Request &request) override
    {
        requests.push_back(request);
        site::Response r;
        if (fixedDate)
            r.headers.push_back({"date", "Tue, 01 Jan 2030 00:00:00 GMT"});
        const bool get = request.method == "GET";
        if (!get && request.method != "HEAD") {
            r.status = 405;
            r.headers.push_back({"allow", "GET, HEAD"});
            r.body = site::Body::fromString("method not allowed\n");
            return r;
        }
        if (request.target == "/nocontent") {
            r.status = 204;
            r.body = site::Body::fromString("must not be sent");
            return r;
        }
        if (request.target == "/notmodified") {
            r.status = 304;
            r.headers.push_back({"content-length", "11"});
            return r;
        }
        if (request.target == "/big" && bigFile) {
            r.headers.push_back({"content-type", "application/octet-stream"});
            r.headers.push_back({"content-length", std::to_string(bigSize)});
            if (get || headWithBody)
                r.body = site::Body::fromFile(bigFile, 0, bigSize);
            return r;
        }
        const std::string text = "hello " + request.target;
        r.headers.push_back({"content-type", "text/plain"});
        r.headers.push_back({"content-length", std::to_string(text.size())});
        r.headers.push_back({"connection", "keep-alive"}); // must not leak: the session owns it
        if (get || headWithBody)
            r.body = site::Body::fromString(text);
        return r;
    }

    std::vector<site::Request> requests;
    bool fixedDate = false;
    bool headWithBody = false;
    std::shared_ptr<const site::FileHandle> bigFile;
    std::uint64_t bigSize = 0;
};

using Collector = h2scope::testing::CollectingPublisher;

struct Reply {
    int status = 0;
    HeaderList headers;
    std::string body;
    const std::string *header(std::string_view name) const { return findHeader(headers, name); }
};

// Splits a response stream. `headRequests` marks replies to HEAD (no body).
// Returns false when the stream is not a sequence of complete responses.
bool parseReplies(std::string_view stream, std::vector<Reply> &replies, const std::vector<bool> &headRequests = {})
{
    while (!stream.empty()) {
        const std::size_t end = stream.find("\r\n\r\n");
        if (end == std::string_view::npos || !stream.starts_with("HTTP/1.1 "))
            return false;
        Reply r;
        std::string_view head = stream.substr(0, end + 2);
        const std::size_t lineEnd = head.find("\r\n");
        r.status = std::stoi(std::string(head.substr(9, 3)));
        head.remove_prefix(lineEnd + 2);
        while (!head.empty()) {
            const std::size_t eol = head.find("\r\n");
            const std::string_view line = head.substr(0, eol);
            const std::size_t colon = line.find(": ");
            if (colon == std::string_view::npos)
                return false;
            r.headers.push_back({std::string(line.substr(0, colon)), std::string(line.substr(colon + 2))});
            head.remove_prefix(eol + 2);
        }
        stream.remove_prefix(end + 4);
        const bool isHead = replies.size() < headRequests.size() && headRequests[replies.size()];
        const bool bodyless = isHead || r.status < 200 || r.status == 204 || r.status == 304;
        if (!bodyless) {
            const std::string *len = r.header("content-length");
            if (!len)
                return false;
            const std::size_t n = std::stoull(*len);
            if (stream.size() < n)
                return false;
            r.body = std::string(stream.substr(0, n));
            stream.remove_prefix(n);
        }
        replies.push_back(std::move(r));
    }
    return true;
}

// Produces until the session has nothing more; false if a call overran its budget.
bool drain(H1Session &session, std::string &out, std::size_t budget = 1 << 20)
{
    while (true) {
        const std::size_t before = out.size();
        const std::size_t n = session.produce(out, budget);
        if (n > budget || out.size() - before != n)
            return false;
        if (n == 0)
            return true;
    }
}

Result<void> send(H1Session &session, std::string_view bytes)
{
    return session.receive(reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
}

// Feeds one byte at a time, producing after each; returns every byte produced.
std::string feedByteByByte(H1Session &session, std::string_view bytes, bool *sawError = nullptr)
{
    std::string out;
    for (const char c : bytes) {
        if (!send(session, std::string_view(&c, 1)).ok() && sawError)
            *sawError = true;
        drain(session, out);
    }
    return out;
}

const std::string kGetA = "GET /a HTTP/1.1\r\nHost: example.test\r\n\r\n";
const std::string kGetB = "GET /b HTTP/1.1\r\nHost: example.test\r\n\r\n";
const std::string kGetC = "GET /c HTTP/1.1\r\nHost: example.test\r\n\r\n";

} // namespace

class TestH1Session : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_bigContent;
    QString m_bigPath;

    // `handler` answers /big with `path`, written now with 100 KiB.
    static void serveFileOf100KiB(FakeHandler &handler, const QString &path)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.write(QByteArray(100 * 1024, 'z')) == 100 * 1024);
        f.close();
        const int fd = ::open(path.toLocal8Bit().constData(), O_RDONLY | O_CLOEXEC);
        QVERIFY(fd >= 0);
        handler.bigFile = std::make_shared<const site::FileHandle>(fd);
        handler.bigSize = 100 * 1024;
    }

    std::shared_ptr<const site::FileHandle> openBig()
    {
        const int fd = ::open(m_bigPath.toLocal8Bit().constData(), O_RDONLY | O_CLOEXEC);
        return fd < 0 ? nullptr : std::make_shared<const site::FileHandle>(fd);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bigContent.resize(150 * 1024 + 17);
        for (std::size_t i = 0; i < m_bigContent.size(); ++i)
            m_bigContent[i] = static_cast<char>((i * 7919 + i / 251) & 0xff);
        m_bigPath = m_dir.filePath("big.bin");
        QFile f(m_bigPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(m_bigContent.data(), qint64(m_bigContent.size())), qint64(m_bigContent.size()));
    }

    void simpleGet()
    {
        FakeHandler handler;
        H1Session session(handler, nullptr, "https");
        QVERIFY(send(session, kGetA).ok());
        std::string out;
        QVERIFY(drain(session, out));
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies));
        QCOMPARE(replies.size(), std::size_t(1));
        QVERIFY(out.starts_with("HTTP/1.1 200 OK\r\n"));
        const Reply &r = replies[0];
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, std::string("hello /a"));
        QCOMPARE(*r.header("content-length"), std::string("8"));
        QCOMPARE(*r.header("content-type"), std::string("text/plain"));
        QCOMPARE(*r.header("server"), std::string("h2scope"));
        QVERIFY(r.header("connection") == nullptr);
        QVERIFY(r.header("date"));
        static const QRegularExpression imfFixdate(
            "^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d\\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} "
            "\\d\\d:\\d\\d:\\d\\d GMT$");
        QVERIFY2(imfFixdate.match(QString::fromStdString(*r.header("date"))).hasMatch(), r.header("date")->c_str());

        QCOMPARE(handler.requests.size(), std::size_t(1));
        const site::Request &req = handler.requests[0];
        QCOMPARE(req.method, std::string("GET"));
        QCOMPARE(req.scheme, std::string("https"));
        QCOMPARE(req.authority, std::string("example.test"));
        QCOMPARE(req.target, std::string("/a"));
        QVERIFY(req.protocol == site::Protocol::Http1);
        QVERIFY(!session.wantsClose());
        QVERIFY(session.wantsInput());
        QCOMPARE(session.streamCount(), 1u);
        QCOMPARE(session.produce(out, 100), std::size_t(0));
    }

    void dateComesFromTheSessionsClock()
    {
        // The date field says the time of the clock the session was given.
        FakeHandler handler;
        ManualClock clock;
        clock.setUnixSeconds(1'700'000'000);
        H1Session session(handler, nullptr, "http", {}, false, &clock);
        QVERIFY(send(session, kGetA).ok());
        std::string out;
        QVERIFY(drain(session, out));
        clock.advance(std::chrono::seconds(86'400 + 61));
        QVERIFY(send(session, kGetA).ok());
        QVERIFY(drain(session, out));
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies));
        QCOMPARE(replies.size(), std::size_t(2));
        QCOMPARE(*replies[0].header("date"), std::string("Tue, 14 Nov 2023 22:13:20 GMT"));
        QCOMPARE(*replies[1].header("date"), std::string("Wed, 15 Nov 2023 22:14:21 GMT"));
    }

    void headHasNoBodyButTheLength_data()
    {
        QTest::addColumn<bool>("handlerGivesBody");
        QTest::newRow("handler omits body") << false;
        QTest::newRow("handler gives body") << true;
    }

    void headHasNoBodyButTheLength()
    {
        QFETCH(bool, handlerGivesBody);
        FakeHandler handler;
        handler.headWithBody = handlerGivesBody;
        handler.bigFile = openBig();
        handler.bigSize = m_bigContent.size();
        H1Session session(handler, nullptr, "http");
        QVERIFY(send(session, "HEAD /a HTTP/1.1\r\nHost: h\r\n\r\nHEAD /big HTTP/1.1\r\nHost: h\r\n\r\n" + kGetB).ok());
        std::string out;
        QVERIFY(drain(session, out));
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies, {true, true, false}));
        QCOMPARE(replies.size(), std::size_t(3));
        QCOMPARE(*replies[0].header("content-length"), std::string("8"));
        QCOMPARE(*replies[1].header("content-length"), std::to_string(m_bigContent.size()));
        QVERIFY(replies[0].body.empty());
        QCOMPARE(replies[2].body, std::string("hello /b"));
        QCOMPARE(handler.requests[0].method, std::string("HEAD"));
    }

    void bodylessStatuses()
    {
        FakeHandler handler;
        H1Session session(handler, nullptr, "http");
        QVERIFY(send(session,
                     "GET /nocontent HTTP/1.1\r\nHost: h\r\n\r\nGET /notmodified HTTP/1.1\r\nHost: h\r\n\r\n" + kGetA)
                    .ok());
        std::string out;
        QVERIFY(drain(session, out));
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies));
        QCOMPARE(replies.size(), std::size_t(3));
        QCOMPARE(replies[0].status, 204);
        QVERIFY(replies[0].header("content-length") == nullptr);
        QCOMPARE(replies[1].status, 304);
        QCOMPARE(*replies[1].header("content-length"), std::string("11"));
        QCOMPARE(replies[2].body, std::string("hello /a"));
    }

    void otherMethodsReachTheHandler()
    {
        FakeHandler handler;
        H1Session session(handler, nullptr, "http");
        QVERIFY(send(session, "DELETE /a HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n").ok());
        std::string out;
        QVERIFY(drain(session, out));
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies));
        QCOMPARE(replies.size(), std::size_t(1));
        QCOMPARE(replies[0].status, 405);
        QVERIFY(out.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
        QCOMPARE(*replies[0].header("allow"), std::string("GET, HEAD"));
    }

    void pipelinedInOrder()
    {
        FakeHandler handler;
        H1Session session(handler, nullptr, "http");
        QVERIFY(send(session, kGetA + kGetB + kGetC).ok());
        std::string out;
        QVERIFY(drain(session, out));
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies));
        QCOMPARE(replies.size(), std::size_t(3));
        QCOMPARE(replies[0].body, std::string("hello /a"));
        QCOMPARE(replies[1].body, std::string("hello /b"));
        QCOMPARE(replies[2].body, std::string("hello /c"));
        QCOMPARE(session.streamCount(), 3u);
        QVERIFY(!session.wantsClose());
    }

    void pipelinedOneByteAtATimeIsIdentical()
    {
        FakeHandler wholeHandler, byteHandler;
        wholeHandler.fixedDate = byteHandler.fixedDate = true;
        const std::string input =
            kGetA + "GET /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello" + kGetB
            + "GET /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n" + kGetC;
        H1Session whole(wholeHandler, nullptr, "http");
        QVERIFY(send(whole, input).ok());
        std::string expected;
        QVERIFY(drain(whole, expected));

        H1Session bytewise(byteHandler, nullptr, "http");
        const std::string got = feedByteByByte(bytewise, input);
        QCOMPARE(got, expected);
        std::vector<Reply> replies;
        QVERIFY(parseReplies(got, replies));
        QCOMPARE(replies.size(), std::size_t(5));
        QCOMPARE(replies[4].body, std::string("hello /c"));
        QCOMPARE(byteHandler.requests.size(), std::size_t(5));
    }

    void upgradeRequestsAreAnsweredAsHttp11()
    {
        // curl --http2 on plain http sends this; the server may ignore Upgrade.
        FakeHandler handler;
        H1Session session(handler, nullptr, "http");
        QVERIFY(send(session, "GET /a HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                              "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n"
                                  + kGetB)
                    .ok());
        std::string out;
        QVERIFY(drain(session, out));
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies));
        QCOMPARE(replies.size(), std::size_t(2));
        QCOMPARE(replies[0].status, 200);
        QVERIFY(replies[0].header("upgrade") == nullptr);
        QCOMPARE(replies[1].body, std::string("hello /b"));
    }

    void switchingProtocolsMakesATunnel()
    {
        // The site switches (101 with a live body that reads the client):
        // bytes right behind the request and every later byte go to the
        // body, whose output goes out as it is, until it ends.
        class Tunnel final : public site::Handler {
        public:
            site::Response handle(const site::Request &request) override
            {
                upgrade = request.upgrade;
                site::Response r;
                r.status = 101;
                if (request.target == "/no-body")
                    return r; // 101 and nothing to switch to: refused
                r.headers = {{"sec-websocket-accept", "x"}, {"connection", "keep-alive"}};
                r.live = std::make_shared<site::LiveBody>();
                r.live->setInbound([](site::LiveBody &body, std::string_view bytes) {
                    if (bytes.find('!') != std::string_view::npos)
                        body.close();
                    else
                        body.push("echo:" + std::string(bytes) + ";");
                });
                body = r.live;
                return r;
            }
            std::string upgrade;
            std::shared_ptr<site::LiveBody> body;
        } handler;
        H1Session session(handler, nullptr, "https");
        QVERIFY(send(session,
                     "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Upgrade\r\nUpgrade: WebSocket\r\n\r\n"
                     "GET /not-http HTTP/1.1\r\n\r\n")
                    .ok());
        std::string out;
        QVERIFY(drain(session, out));
        QCOMPARE(handler.upgrade, std::string("websocket"));
        const std::size_t headEnd = out.find("\r\n\r\n");
        QVERIFY(headEnd != std::string::npos);
        const std::string head = out.substr(0, headEnd + 2);
        QVERIFY2(head.starts_with("HTTP/1.1 101 Switching Protocols\r\n"), head.c_str());
        QVERIFY2(head.find("upgrade: websocket\r\n") != std::string::npos, head.c_str());
        QVERIFY2(head.find("connection: Upgrade\r\n") != std::string::npos, head.c_str());
        QVERIFY2(head.find("keep-alive") == std::string::npos && head.find("close") == std::string::npos, head.c_str());
        QVERIFY2(head.find("content-length") == std::string::npos, head.c_str());
        // What followed the request was never parsed as HTTP: it went to the body.
        QCOMPARE(out.substr(headEnd + 4), std::string("echo:GET /not-http HTTP/1.1\r\n\r\n;"));
        QVERIFY(session.wantsInput());
        QVERIFY(!session.wantsClose());
        out.clear();
        QVERIFY(send(session, "ping").ok());
        QVERIFY(drain(session, out));
        QCOMPARE(out, std::string("echo:ping;"));
        QVERIFY(send(session, "bye!").ok()); // the body ends: so does the connection
        out.clear();
        QVERIFY(drain(session, out));
        QVERIFY(out.empty());
        QVERIFY(session.wantsClose());

        H1Session refused(handler, nullptr, "https");
        QVERIFY(send(refused, "GET /no-body HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
                    .ok());
        out.clear();
        QVERIFY(drain(refused, out));
        QVERIFY2(out.starts_with("HTTP/1.1 500 "), out.c_str());
    }

    void overrunningInputCloses()
    {
        FakeHandler handler;
        Collector events;
        H1Session session(handler, events.log(1), "http");
        std::string input;
        for (std::size_t i = 0; i < H1Session::kMaxPendingRequests; ++i)
            input += kGetA;
        QVERIFY(send(session, input).ok());
        const std::string filler(64 * 1024, 'x'); // never parsed: the queue is full
        bool refused = false;
        for (int i = 0; i < 100 && !refused; ++i) {
            const Result<void> r = send(session, filler);
            refused = !r.ok() && r.error().code == Errc::Refused;
        }
        QVERIFY(refused);
        std::string out;
        QVERIFY(drain(session, out));
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies));
        QCOMPARE(replies.size(), H1Session::kMaxPendingRequests); // what was queued is still answered
        QCOMPARE(*replies.back().header("connection"), std::string("close"));
        QVERIFY(session.wantsClose());
        QCOMPARE(events.all<inspect::Notice>().at(0).code, std::string("input-overflow"));
    }

    void requestBodiesAreDiscarded()
    {
        FakeHandler handler;
        H1Session session(handler, nullptr, "http");
        QVERIFY(
            send(session, "GET /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\n"
                          "Host: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n"
                              + kGetC)
                .ok());
        std::string out;
        QVERIFY(drain(session, out));
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies));
        QCOMPARE(replies.size(), std::size_t(3));
        QCOMPARE(replies[0].body, std::string("hello /a"));
        QCOMPARE(replies[1].body, std::string("hello /b"));
        QCOMPARE(replies[2].body, std::string("hello /c"));
        QVERIFY(handler.requests[1].header("x-trailer") == nullptr);
    }

    void connectionCloseHonoured()
    {
        FakeHandler handler;
        H1Session session(handler, nullptr, "http");
        QVERIFY(send(session, "GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n" + kGetB).ok());
        QVERIFY(!session.wantsInput());
        std::string out;
        QVERIFY(drain(session, out));
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies));
        QCOMPARE(replies.size(), std::size_t(1));
        QCOMPARE(*replies[0].header("connection"), std::string("close"));
        QVERIFY(session.wantsClose());
        QCOMPARE(session.closeReason(), std::string("client asked to close"));
        QCOMPARE(handler.requests.size(), std::size_t(1));
        QCOMPARE(session.streamCount(), 1u);
    }

    void http10()
    {
        {
            FakeHandler handler;
            H1Session session(handler, nullptr, "http");
            QVERIFY(send(session, "GET /a HTTP/1.0\r\n\r\n").ok());
            std::string out;
            QVERIFY(drain(session, out));
            std::vector<Reply> replies;
            QVERIFY(parseReplies(out, replies));
            QCOMPARE(replies.size(), std::size_t(1));
            QCOMPARE(replies[0].body, std::string("hello /a"));
            QCOMPARE(*replies[0].header("connection"), std::string("close"));
            QVERIFY(session.wantsClose());
            QCOMPARE(session.closeReason(), std::string("HTTP/1.0 without keep-alive"));
            QVERIFY(handler.requests[0].authority.empty());
        }
        {
            FakeHandler handler;
            H1Session session(handler, nullptr, "http");
            QVERIFY(send(session, "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\n").ok());
            std::string out;
            QVERIFY(drain(session, out));
            std::vector<Reply> replies;
            QVERIFY(parseReplies(out, replies));
            QCOMPARE(replies.size(), std::size_t(2));
            QCOMPARE(*replies[0].header("connection"), std::string("keep-alive"));
            QCOMPARE(*replies[1].header("connection"), std::string("close"));
            QVERIFY(session.wantsClose());
        }
    }

    void badRequests_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("reason");
        const QByteArray get = "GET / HTTP/1.1\r\nHost: h\r\n";
        QTest::newRow("obs-fold") << QByteArray(get + "X-A: b\r\n c\r\n\r\n") << 400 << "obsolete line folding";
        QTest::newRow("CL+TE") << QByteArray(get + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc") << 400
                               << "both Transfer-Encoding and Content-Length";
        QTest::newRow("differing CL") << QByteArray(get + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") << 400
                                      << "Content-Length";
        QTest::newRow("differing CL list")
            << QByteArray(get + "Content-Length: 3, 4\r\n\r\nabcd") << 400 << "Content-Length";
        QTest::newRow("signed CL") << QByteArray(get + "Content-Length: +3\r\n\r\nabc") << 400 << "Content-Length";
        QTest::newRow("control char") << QByteArray(get
                                                    + "X-A: b\x01"
                                                      "c\r\n\r\n")
                                      << 400 << "x-a contains an invalid character (0x01)";
        QTest::newRow("NUL") << QByteArray(get + QByteArray("X-A: b\0c\r\n\r\n", 12)) << 400 << "invalid character";
        QTest::newRow("bare CR") << QByteArray(get + "X-A: b\rc\r\n\r\n") << 400 << "invalid character";
        QTest::newRow("bad name") << QByteArray(get + "X(A): b\r\n\r\n") << 400 << "header name";
        QTest::newRow("space before colon")
            << QByteArray("GET / HTTP/1.1\r\nHost : h\r\n\r\n") << 400 << "whitespace between";
        QTest::newRow("no colon") << QByteArray(get + "NoColon\r\n\r\n") << 400 << "without a colon";
        QTest::newRow("missing Host") << QByteArray("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n") << 400 << "missing Host";
        QTest::newRow("two Hosts") << QByteArray(get + "Host: other\r\n\r\n") << 400 << "more than one Host";
        QTest::newRow("TE gzip,chunked") << QByteArray(get + "Transfer-Encoding: gzip, chunked\r\n\r\n") << 501
                                         << "transfer coding gzip is not supported";
        QTest::newRow("TE not final chunked")
            << QByteArray(get + "Transfer-Encoding: chunked, gzip\r\n\r\n") << 400 << "does not end in chunked";
        QTest::newRow("TE twice chunked")
            << QByteArray(get + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n") << 400
            << "more than once";
        QTest::newRow("TE in 1.0") << QByteArray("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                                   << 400 << "HTTP/1.0";
        QTest::newRow("bad chunk") << QByteArray(get + "Transfer-Encoding: chunked\r\n\r\nzz\r\n") << 400
                                   << "malformed request body";
        QTest::newRow("malformed request line")
            << QByteArray("GET /\r\nHost: h\r\n\r\n") << 400 << "malformed request line";
        QTest::newRow("target with space")
            << QByteArray("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n") << 400 << "malformed request line";
        QTest::newRow("long target") << QByteArray("GET /" + QByteArray(9000, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n")
                                     << 414 << "longer than";
        QByteArray many = get;
        for (int i = 0; i < 101; ++i)
            many += "X-" + QByteArray::number(i) + ": v\r\n";
        QTest::newRow("too many fields") << QByteArray(many + "\r\n") << 431 << "header fields";
        QByteArray big = get;
        for (int i = 0; i < 10; ++i)
            big += "X-" + QByteArray::number(i) + ": " + QByteArray(7000, 'v') + "\r\n";
        QTest::newRow("header section too big") << QByteArray(big + "\r\n") << 431 << "header section";
        QTest::newRow("CL over limit") << QByteArray(get + "Content-Length: 1048577\r\n\r\n") << 413 << "limit";
        QTest::newRow("chunked over limit")
            << QByteArray(get + "Transfer-Encoding: chunked\r\n\r\n110000\r\n" + QByteArray(0x110000, 'x')) << 413
            << "limit";
        QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\nHost: h\r\n\r\n") << 505 << "not supported";
        QTest::newRow("unknown method") << QByteArray("BREW / HTTP/1.1\r\nHost: h\r\n\r\n") << 501
                                        << "method BREW is not supported";
    }

    void badRequests()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QString, reason);
        const std::string input = kGetA + request.toStdString() + kGetB; // kGetB is never answered
        for (const bool bytewise : {false, true}) {
            if (bytewise && request.size() > 200 * 1024)
                continue; // the megabyte body case is slow byte by byte and adds nothing
            FakeHandler handler;
            Collector events;
            H1Session session(handler, events.log(7), "http");
            std::string out;
            bool sawError = false;
            if (bytewise) {
                out = feedByteByByte(session, input, &sawError);
            } else {
                sawError = !send(session, input).ok();
                QVERIFY(drain(session, out));
            }
            QVERIFY(sawError);
            std::vector<Reply> replies;
            QVERIFY(parseReplies(out, replies));
            QCOMPARE(replies.size(), std::size_t(2));
            QCOMPARE(replies[0].status, 200);
            QCOMPARE(replies[1].status, status);
            QCOMPARE(*replies[1].header("connection"), std::string("close"));
            QVERIFY2(QString::fromStdString(replies[1].body).contains(reason), replies[1].body.c_str());
            QVERIFY(session.wantsClose());
            QVERIFY(!session.wantsInput());
            QVERIFY(session.closeReason().starts_with("bad request: "));
            QVERIFY2(QString::fromStdString(session.closeReason()).contains(reason), session.closeReason().c_str());
            QCOMPARE(handler.requests.size(), std::size_t(1));
            QCOMPARE(session.streamCount(), 2u);

            const auto notices = events.all<inspect::Notice>();
            QCOMPARE(notices.size(), std::size_t(1));
            QCOMPARE(notices[0].code, std::string("bad-request"));
            QVERIFY(QString::fromStdString(notices[0].text).contains(reason));
            const auto exchanges = events.all<inspect::Http1Exchange>();
            QCOMPARE(exchanges.size(), std::size_t(2));
            QCOMPARE(exchanges[1].status, status);
            QCOMPARE(exchanges[1].sequence, 2u);
            QVERIFY(QString::fromStdString(exchanges[1].note).contains(reason));
        }
    }

    void smallBudgetReassembles()
    {
        FakeHandler wholeHandler, smallHandler;
        wholeHandler.fixedDate = smallHandler.fixedDate = true;
        wholeHandler.bigFile = openBig();
        smallHandler.bigFile = openBig();
        wholeHandler.bigSize = smallHandler.bigSize = m_bigContent.size();
        const std::string input = kGetA + "GET /big HTTP/1.1\r\nHost: h\r\n\r\n" + kGetC;

        H1Session whole(wholeHandler, nullptr, "http");
        QVERIFY(send(whole, input).ok());
        std::string expected;
        QVERIFY(drain(whole, expected));

        H1Session small(smallHandler, nullptr, "http");
        QVERIFY(send(small, input).ok());
        std::string got;
        std::size_t calls = 0;
        while (true) {
            const std::size_t n = small.produce(got, 7);
            QVERIFY(n <= 7);
            if (n == 0)
                break;
            ++calls;
        }
        QCOMPARE(got.size(), expected.size());
        QVERIFY(got == expected);
        QVERIFY(calls >= expected.size() / 7);
        std::vector<Reply> replies;
        QVERIFY(parseReplies(got, replies));
        QCOMPARE(replies.size(), std::size_t(3));
        QVERIFY(replies[1].body == m_bigContent);
        QCOMPARE(replies[2].body, std::string("hello /c"));
    }

    void streamedFileBody()
    {
        FakeHandler handler;
        handler.bigFile = openBig();
        handler.bigSize = m_bigContent.size();
        H1Session session(handler, nullptr, "https");
        QVERIFY(send(session, "GET /big HTTP/1.1\r\nHost: h\r\n\r\n").ok());
        std::string out;
        // A budget far below the file size: each call returns a bounded slice.
        const std::size_t first = session.produce(out, 20000);
        QVERIFY(first > 0 && first <= 20000);
        QVERIFY(drain(session, out, 40000));
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies));
        QCOMPARE(replies.size(), std::size_t(1));
        QCOMPARE(*replies[0].header("content-length"), std::to_string(m_bigContent.size()));
        QVERIFY(replies[0].body == m_bigContent);
    }

    // With a file pool, a streamed body's bytes are read there: while the
    // read waits (behind a job that holds the pool's only thread, as a
    // stalled disk would), only the head goes out; the rest follows once
    // the read is back.
    void streamedFileBodyIsReadOnThePool()
    {
        FakeHandler handler;
        handler.bigFile = openBig();
        handler.bigSize = m_bigContent.size();
        site::FilePool pool(1);
        net::Doorbell bell;
        H1Session session(handler, nullptr, "https", bell.ring(), false, nullptr, &pool);
        std::promise<void> release;
        pool.post(&release, [stalled = release.get_future().share()] { stalled.wait_for(std::chrono::seconds(10)); });
        QVERIFY(send(session, "GET /big HTTP/1.1\r\nHost: h\r\n\r\n").ok());
        std::string out;
        session.produce(out, 1 << 20);
        QVERIFY(out.starts_with("HTTP/1.1 200"));
        QVERIFY(out.ends_with("\r\n\r\n")); // the head alone
        QCOMPARE(session.produce(out, 1 << 20), std::size_t(0));

        release.set_value();
        for (int i = 0; i < 100 && out.size() < m_bigContent.size(); ++i) {
            if (session.produce(out, 1 << 20) == 0) {
                QVERIFY2(bell.wait(std::chrono::seconds(10)), "a read made on the pool never came back");
                session.resumeLive();
            }
        }
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies));
        QCOMPARE(replies.size(), std::size_t(1));
        QVERIFY(replies[0].body == m_bigContent);
    }

    // A file that shrinks before the pool reads it: the connection closes
    // short of the announced length, and the inspector is told why.
    void bodyReadFailureOnThePoolCloses()
    {
        const QString path = m_dir.filePath("shrinks-later.bin");
        FakeHandler handler;
        serveFileOf100KiB(handler, path);
        if (QTest::currentTestFailed())
            return;
        Collector events;
        site::FilePool pool(1);
        net::Doorbell bell;
        H1Session session(handler, events.log(3), "http", bell.ring(), false, nullptr, &pool);
        QVERIFY(::truncate(path.toLocal8Bit().constData(), 50 * 1024) == 0);
        QVERIFY(send(session, "GET /big HTTP/1.1\r\nHost: h\r\n\r\n" + kGetB).ok());
        std::string out;
        for (int i = 0; i < 10 && !session.wantsClose(); ++i)
            if (session.produce(out, 1 << 20) == 0 && !session.wantsClose()) {
                QVERIFY(bell.wait(std::chrono::seconds(10)));
                session.resumeLive();
            }
        QVERIFY(session.wantsClose());
        QVERIFY2(session.closeReason().find("shorter") != std::string::npos, session.closeReason().c_str());
        QVERIFY(out.ends_with("\r\n\r\n")); // the head, and not a byte the length did not cover
        const auto notices = events.all<inspect::Notice>();
        QCOMPARE(notices.size(), std::size_t(1));
        QCOMPARE(notices[0].code, std::string("body-read-failed"));
    }

    void bodyReadFailureCloses()
    {
        const QString path = m_dir.filePath("shrinks.bin");
        FakeHandler handler;
        serveFileOf100KiB(handler, path);
        if (QTest::currentTestFailed())
            return;
        Collector events;
        H1Session session(handler, events.log(3), "http");
        QVERIFY(send(session, "GET /big HTTP/1.1\r\nHost: h\r\n\r\n" + kGetB).ok());
        std::string out;
        QVERIFY(session.produce(out, 1024) > 0); // the head and the first bytes go out
        QVERIFY(::truncate(path.toLocal8Bit().constData(), 50 * 1024) == 0);
        QVERIFY(drain(session, out));
        QVERIFY(session.wantsClose());
        QVERIFY2(session.closeReason().starts_with("response body failed: "), session.closeReason().c_str());
        // Short of the announced length (the client sees the close); the
        // chunk that hit the end of the file is not sent.
        const std::size_t sent = out.size() - (out.find("\r\n\r\n") + 4);
        QVERIFY2(sent < 50 * 1024 && sent + H1Session::kBodyChunk >= 50 * 1024, qPrintable(QString::number(sent)));
        QCOMPARE(handler.requests.size(), std::size_t(1)); // /b was never started
        const auto notices = events.all<inspect::Notice>();
        QCOMPARE(notices.size(), std::size_t(1));
        QCOMPARE(notices[0].code, std::string("body-read-failed"));
        const auto exchanges = events.all<inspect::Http1Exchange>();
        QCOMPARE(exchanges.size(), std::size_t(1));
        QCOMPARE(exchanges[0].bodyBytes, std::uint64_t(sent));
    }

    void eventsDescribeEachExchange()
    {
        FakeHandler handler;
        Collector events;
        H1Session session(handler, events.log(42), "https");
        QVERIFY(send(session, kGetA + "HEAD /b HTTP/1.1\r\nHost: example.test\r\nUser-Agent: t\r\n\r\n").ok());
        QVERIFY(events.events().empty()); // published when the response is produced, not before
        std::string out;
        QVERIFY(drain(session, out));
        QCOMPARE(events.events().size(), std::size_t(2));
        const auto exchanges = events.all<inspect::Http1Exchange>();
        QCOMPARE(exchanges.size(), std::size_t(2));
        for (std::size_t i = 0; i < 2; ++i) {
            const inspect::Event &e = events.events()[i];
            const inspect::Http1Exchange &x = exchanges[i];
            QCOMPARE(e.connectionId, std::uint64_t(42));
            QCOMPARE(x.sequence, std::uint32_t(i + 1));
            QCOMPARE(x.version, std::string("HTTP/1.1"));
            QCOMPARE(x.status, 200);
            QVERIFY(x.startNs > 0);
            QVERIFY(x.startNs <= e.timeNs);
            QCOMPARE(x.durationNs, e.timeNs - x.startNs);
            QCOMPARE(x.requestHeaders.find("host"), std::optional<std::string_view>("example.test"));
            QCOMPARE(x.responseHeaders.find("content-length"), std::optional<std::string_view>("8"));
            QCOMPARE(x.responseHeaders.find("server"), std::optional<std::string_view>("h2scope"));
            QVERIFY(x.responseHeaders.find("date"));
            QVERIFY(!x.responseHeaders.find("connection")); // the handler's keep-alive was dropped
        }
        QCOMPARE(exchanges[0].method, std::string("GET"));
        QCOMPARE(exchanges[0].target, std::string("/a"));
        QCOMPARE(exchanges[0].bodyBytes, std::uint64_t(8));
        QCOMPARE(exchanges[1].method, std::string("HEAD"));
        QCOMPARE(exchanges[1].target, std::string("/b"));
        QCOMPARE(exchanges[1].bodyBytes, std::uint64_t(0));
        QCOMPARE(exchanges[1].requestHeaders.find("user-agent"), std::optional<std::string_view>("t"));
    }

    // An exchange's start and duration are read from the session's clock,
    // not from a clock of its own: a clock the test moves gives exact times.
    void exchangeTimesComeFromTheSessionsClock()
    {
        FakeHandler handler;
        Collector events;
        ManualClock clock;
        H1Session session(handler, events.log(42), "https", {}, false, &clock);
        const std::uint64_t received = static_cast<std::uint64_t>(clock.nowNs());
        QVERIFY(send(session, kGetA).ok());
        clock.advance(std::chrono::milliseconds(7));
        std::string out;
        QVERIFY(drain(session, out));
        const auto exchanges = events.all<inspect::Http1Exchange>();
        QCOMPARE(exchanges.size(), std::size_t(1));
        QCOMPARE(exchanges[0].startNs, received);
        QCOMPARE(exchanges[0].durationNs, std::uint64_t(7'000'000));
        QCOMPARE(events.events()[0].timeNs, received + 7'000'000);
    }

    void shutdownFinishesTheResponseInFlight()
    {
        {
            FakeHandler handler;
            H1Session session(handler, nullptr, "http");
            session.shutdown();
            QVERIFY(session.wantsClose());
            QCOMPARE(session.closeReason(), std::string("server shutdown"));
        }
        FakeHandler handler;
        handler.bigFile = openBig();
        handler.bigSize = m_bigContent.size();
        H1Session session(handler, nullptr, "http");
        QVERIFY(send(session, "GET /big HTTP/1.1\r\nHost: h\r\n\r\n" + kGetB).ok());
        std::string out;
        QVERIFY(session.produce(out, 1000) == 1000);
        session.shutdown();
        QVERIFY(!session.wantsClose());
        QVERIFY(drain(session, out));
        QVERIFY(session.wantsClose());
        QCOMPARE(session.closeReason(), std::string("server shutdown"));
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies));
        QCOMPARE(replies.size(), std::size_t(1));
        QVERIFY(replies[0].body == m_bigContent);
        QCOMPARE(handler.requests.size(), std::size_t(1));
    }

    void shutdownBetweenResponsesAnswersTheNextOne()
    {
        FakeHandler handler;
        H1Session session(handler, nullptr, "http");
        QVERIFY(send(session, kGetA + kGetB + kGetC).ok());
        session.shutdown();
        std::string out;
        QVERIFY(drain(session, out));
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies));
        QCOMPARE(replies.size(), std::size_t(1));
        QCOMPARE(replies[0].body, std::string("hello /a"));
        QCOMPARE(*replies[0].header("connection"), std::string("close"));
        QVERIFY(session.wantsClose());
    }

    void peerClosedAnswersWhatArrived()
    {
        FakeHandler handler;
        H1Session session(handler, nullptr, "http");
        QVERIFY(send(session, kGetA + kGetB + "GET /partial HTTP/1.1\r\nHo").ok());
        session.peerClosed();
        QVERIFY(!session.wantsClose());
        std::string out;
        QVERIFY(drain(session, out));
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies));
        QCOMPARE(replies.size(), std::size_t(2));
        QCOMPARE(replies[1].body, std::string("hello /b"));
        QCOMPARE(*replies[1].header("connection"), std::string("close"));
        QVERIFY(session.wantsClose());
        QCOMPARE(session.closeReason(), std::string("peer closed"));
    }

    void pendingQueueIsBounded()
    {
        FakeHandler handler;
        H1Session session(handler, nullptr, "http");
        std::string input;
        const int count = int(H1Session::kMaxPendingRequests) + 8;
        for (int i = 0; i < count; ++i)
            input += "GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: h\r\n\r\n";
        QVERIFY(send(session, input).ok());
        QVERIFY(!session.wantsInput());    // the driver should pause reading now
        QVERIFY(handler.requests.empty()); // the handler runs only when a response's turn comes
        QCOMPARE(session.streamCount(), std::uint32_t(H1Session::kMaxPendingRequests));
        std::string out;
        QVERIFY(drain(session, out));
        QVERIFY(session.wantsInput());
        std::vector<Reply> replies;
        QVERIFY(parseReplies(out, replies));
        QCOMPARE(replies.size(), std::size_t(count));
        for (int i = 0; i < count; ++i)
            QCOMPARE(replies[std::size_t(i)].body, "hello /" + std::to_string(i));
        QVERIFY(!session.wantsClose());
    }

    // A request whose answer waits on a slow file system (made on the file
    // pool) keeps its place: nothing behind it is sent first, and both
    // answers come in order once it is ready.
    void aSlowAnswerKeepsThePipelineInOrder()
    {
        FakeHandler fake;
        testing::SlowSite slow(fake, "/slow");
        site::FilePool pool(2);
        net::Doorbell bell;
        H1Session session(slow, nullptr, "https", bell.ring(), false, nullptr, &pool);
        const std::string requests = "GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n";
        QVERIFY(session.receive(reinterpret_cast<const std::uint8_t *>(requests.data()), requests.size()).ok());
        std::string out;
        QCOMPARE(session.produce(out, 1 << 20), std::size_t(0));
        QVERIFY2(slow.waitUntilWaiting(1), "the slow request never reached the file system");
        QCOMPARE(session.produce(out, 1 << 20), std::size_t(0));
        QVERIFY(!session.wantsClose());
        QVERIFY2(session.answering(), "waiting on the file system, the connection would count as idle");

        slow.open();
        QVERIFY2(bell.wait(std::chrono::seconds(10)), "the answer made on the pool never came back");
        session.resumeLive();
        while (session.produce(out, 1 << 20) > 0) {
        }
        const std::size_t first = out.find("hello /slow"), second = out.find("hello /fast");
        QVERIFY2(first != std::string::npos && second != std::string::npos, out.c_str());
        QVERIFY(first < second);
        QCOMPARE(fake.requests.size(), std::size_t(2));
        QVERIFY(!session.answering());
    }
};

QTEST_APPLESS_MAIN(TestH1Session)
#include "tst_h1session.moc"
