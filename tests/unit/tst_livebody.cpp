// Live bodies (server-sent events): streamed over HTTP/2 and HTTP/1.1 as
// data arrives from another thread, ended by close() or by shutdown.

#include "net/connection.h"
#include "net/testclient.h"
#include "site/livebody.h"

#include <QtTest>

#include <atomic>
#include <thread>

using namespace h2scope;

namespace {

class EventsSite final : public site::Handler {
public:
    std::shared_ptr<site::LiveBody> last;

    site::Response handle(const site::Request &) override
    {
        site::Response r;
        r.headers = {{"content-type", "text/event-stream"}, {"cache-control", "no-cache"}};
        r.live = std::make_shared<site::LiveBody>();
        last = r.live;
        return r;
    }
};

} // namespace

class TestLiveBody : public QObject {
    Q_OBJECT

private slots:
    void readsWhatWasPushedInOrder()
    {
        site::LiveBody body;
        std::atomic<int> wakes{0};
        body.setWaker([&] { ++wakes; });
        body.push("ab");
        body.push("cde");
        std::uint8_t buf[4];
        bool ended = true;
        QCOMPARE(body.read(buf, 4, ended), std::size_t(4));
        QVERIFY(!ended);
        QCOMPARE(std::string(reinterpret_cast<char *>(buf), 4), std::string("abcd"));
        QCOMPARE(body.read(buf, 4, ended), std::size_t(1));
        QVERIFY(!ended);
        QCOMPARE(body.read(buf, 4, ended), std::size_t(0));
        QVERIFY(!ended);
        body.close();
        body.push("late"); // ignored after close
        QCOMPARE(body.read(buf, 4, ended), std::size_t(0));
        QVERIFY(ended);
        QCOMPARE(wakes.load(), 3);
    }

    void pushFromAnotherThread()
    {
        site::LiveBody body;
        std::thread writer([&] {
            for (int i = 0; i < 1000; ++i)
                body.push(std::to_string(i % 10));
            body.close();
        });
        std::string got;
        bool ended = false;
        for (int spins = 0; !ended && spins < 10'000'000; ++spins) {
            std::uint8_t buf[64];
            got.append(reinterpret_cast<char *>(buf), body.read(buf, sizeof buf, ended));
        }
        writer.join();
        QVERIFY(ended);
        QCOMPARE(got.size(), std::size_t(1000));
        QCOMPARE(got.substr(0, 12), std::string("012345678901"));
    }

    void streamsOverHttp2()
    {
        EventsSite site;
        std::atomic<int> wakes{0};
        net::ConnectionConfig config;
        config.wake = [&] { ++wakes; };
        net::Connection conn(config, site, nullptr);
        net::TestClient client(conn);
        const net::TestResponse first = client.get("/__h2scope/livereload");
        QCOMPARE(first.status, 200);
        QVERIFY(!first.complete); // the stream stays open
        QVERIFY(!first.header("content-length"));
        QVERIFY(site.last);

        site.last->push("event: css\ndata: /css/site.css\n\n");
        QVERIFY(wakes.load() >= 1);
        conn.resumeLive();
        client.settle();
        QCOMPARE(client.current(first.streamId).body, std::string("event: css\ndata: /css/site.css\n\n"));

        // Shutdown ends live streams so that the GOAWAY can complete.
        conn.shutdown();
        client.settle();
        QVERIFY(client.current(first.streamId).complete);
        QVERIFY(conn.wantsClose());
    }

    void streamsOverHttp1()
    {
        EventsSite site;
        net::ConnectionConfig config;
        config.wake = [] {};
        net::Connection conn(config, site, nullptr);
        const std::string req = "GET /__h2scope/livereload HTTP/1.1\r\nHost: localhost\r\n\r\n";
        conn.receive(reinterpret_cast<const std::uint8_t *>(req.data()), req.size());
        std::string out;
        conn.produce(out, 1 << 16);
        QVERIFY(out.rfind("HTTP/1.1 200", 0) == 0);
        QVERIFY(out.find("content-length") == std::string::npos);
        QVERIFY(out.find("connection: close") != std::string::npos);
        QVERIFY(!conn.wantsClose());
        out.clear();
        site.last->push("event: reload\ndata: /index.html\n\n");
        conn.produce(out, 1 << 16);
        QCOMPARE(out, std::string("event: reload\ndata: /index.html\n\n"));
        site.last->close();
        out.clear();
        conn.produce(out, 1 << 16);
        QVERIFY(conn.wantsClose());
    }
};

QTEST_APPLESS_MAIN(TestLiveBody)
#include "tst_livebody.moc"
