// h1::RequestParser on its own: framing, one-byte feeding, what a request
// carries, and that failures stick.

#include "h1/requestparser.h"

#include <QTest>

#include <string>
#include <string_view>

using namespace h2scope;
using h2scope::h1::ParsedRequest;
using h2scope::h1::RequestParser;

namespace {

const std::uint8_t *bytes(std::string_view s)
{
    return reinterpret_cast<const std::uint8_t *>(s.data());
}

} // namespace

class TestRequestParser : public QObject {
    Q_OBJECT

private slots:
    void parsesRequestLineAndFields()
    {
        RequestParser parser;
        const std::string_view req =
            "GET /a/b?x=1 HTTP/1.1\r\nHost: example.test\r\nX-Mixed-Case:   padded value \t\r\n"
            "Accept: */*\r\n\r\n";
        auto used = parser.feed(bytes(req), req.size());
        QVERIFY(used.ok());
        QCOMPARE(*used, req.size());
        QVERIFY(parser.hasRequest());
        const ParsedRequest r = parser.takeRequest();
        QCOMPARE(r.method, std::string("GET"));
        QCOMPARE(r.target, std::string("/a/b?x=1"));
        QCOMPARE(r.versionMajor, 1u);
        QCOMPARE(r.versionMinor, 1u);
        QVERIFY(r.keepAlive);
        QCOMPARE(r.headers.size(), std::size_t(3));
        QCOMPARE(r.headers[0], (Header{"host", "example.test"}));
        QCOMPARE(r.headers[1], (Header{"x-mixed-case", "padded value"}));
        QCOMPARE(r.headers[2], (Header{"accept", "*/*"}));
        QVERIFY(!parser.hasRequest());
        QVERIFY(!parser.inMessage());
    }

    void oneByteAtATime()
    {
        RequestParser parser;
        const std::string_view req = "\r\nPOST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                                     "3;name=val\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: t\r\n\r\n";
        for (std::size_t i = 0; i < req.size(); ++i) {
            QVERIFY2(!parser.hasRequest(), qPrintable(QString("complete too early at byte %1").arg(i)));
            auto used = parser.feed(bytes(req.substr(i)), 1);
            QVERIFY2(used.ok(), used.ok() ? "" : used.error().message.c_str());
            QCOMPARE(*used, std::size_t(1));
            if (i < 2)
                QVERIFY(!parser.inMessage()); // leading empty line is not a request yet
        }
        QVERIFY(parser.hasRequest());
        const ParsedRequest r = parser.takeRequest();
        QCOMPARE(r.method, std::string("POST"));
        QCOMPARE(r.target, std::string("/upload"));
        QCOMPARE(r.bodyBytes, std::uint64_t(19));
        QVERIFY(findHeader(r.headers, "x-trailer") == nullptr); // trailers are discarded
        QCOMPARE(*findHeader(r.headers, "transfer-encoding"), std::string("chunked"));
    }

    void stopsAtTheEndOfEachRequest()
    {
        RequestParser parser;
        const std::string first = "GET /1 HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody";
        const std::string second = "GET /2 HTTP/1.1\r\nHost: h\r\n\r\n";
        const std::string both = first + second;
        auto used = parser.feed(bytes(both), both.size());
        QVERIFY(used.ok());
        QCOMPARE(*used, first.size());
        QVERIFY(parser.hasRequest());
        // Nothing more is taken until the request is collected.
        auto none = parser.feed(bytes(both) + *used, both.size() - *used);
        QVERIFY(none.ok());
        QCOMPARE(*none, std::size_t(0));
        QCOMPARE(parser.takeRequest().bodyBytes, std::uint64_t(4));
        used = parser.feed(bytes(second), second.size());
        QVERIFY(used.ok());
        QCOMPARE(*used, second.size());
        QCOMPARE(parser.takeRequest().target, std::string("/2"));
    }

    void acceptsIdenticalContentLengthAndBareLf()
    {
        RequestParser parser;
        const std::string_view req = "PUT /x HTTP/1.1\nHost: h\nContent-Length: 3\nContent-Length: 3\n\nabc";
        auto used = parser.feed(bytes(req), req.size());
        QVERIFY2(used.ok(), used.ok() ? "" : used.error().message.c_str());
        QVERIFY(parser.hasRequest());
        const ParsedRequest r = parser.takeRequest();
        QCOMPARE(r.bodyBytes, std::uint64_t(3));
        int lengths = 0;
        for (const Header &h : r.headers)
            lengths += h.name == "content-length";
        QCOMPARE(lengths, 1);
    }

    void keepAliveDecision_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<bool>("keepAlive");
        QTest::newRow("1.1 default") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\n\r\n") << true;
        QTest::newRow("1.1 close") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n") << false;
        QTest::newRow("1.0 default") << QByteArray("GET / HTTP/1.0\r\n\r\n") << false;
        QTest::newRow("1.0 keep-alive") << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") << true;
    }

    void keepAliveDecision()
    {
        QFETCH(QByteArray, request);
        QFETCH(bool, keepAlive);
        RequestParser parser;
        auto used = parser.feed(reinterpret_cast<const std::uint8_t *>(request.constData()),
                                static_cast<std::size_t>(request.size()));
        QVERIFY(used.ok());
        QVERIFY(parser.hasRequest());
        QCOMPARE(parser.takeRequest().keepAlive, keepAlive);
    }

    void failureIsSticky()
    {
        RequestParser parser;
        const std::string_view bad = "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n";
        auto first = parser.feed(bytes(bad), bad.size());
        QVERIFY(!first.ok());
        QCOMPARE(first.error().code, Errc::Protocol);
        QCOMPARE(parser.failureStatus(), 400);
        QVERIFY(parser.failed());
        QCOMPARE(parser.partial().method, std::string("GET"));
        const std::string_view good = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        auto again = parser.feed(bytes(good), good.size());
        QVERIFY(!again.ok());
        QCOMPARE(again.error().message, first.error().message);
    }

    void limitsMapToStatuses_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("code");
        QTest::newRow("414") << QByteArray("GET /" + QByteArray(9000, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n") << 414
                             << int(Errc::Refused);
        QByteArray many = "GET / HTTP/1.1\r\nHost: h\r\n";
        for (int i = 0; i < 100; ++i)
            many += "X-" + QByteArray::number(i) + ": v\r\n";
        QTest::newRow("431 fields") << QByteArray(many + "\r\n") << 431 << int(Errc::Refused);
        QByteArray big = "GET / HTTP/1.1\r\nHost: h\r\n";
        for (int i = 0; i < 10; ++i)
            big += "X-" + QByteArray::number(i) + ": " + QByteArray(7000, 'v') + "\r\n";
        QTest::newRow("431 bytes") << QByteArray(big + "\r\n") << 431 << int(Errc::Refused);
        QTest::newRow("413") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048577\r\n\r\n") << 413
                             << int(Errc::Refused);
        QTest::newRow("501 method") << QByteArray("BREW / HTTP/1.1\r\nHost: h\r\n\r\n") << 501
                                    << int(Errc::Unsupported);
        QTest::newRow("505") << QByteArray("GET / HTTP/2.0\r\nHost: h\r\n\r\n") << 505 << int(Errc::Unsupported);
    }

    void limitsMapToStatuses()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(int, code);
        RequestParser parser;
        auto used = parser.feed(reinterpret_cast<const std::uint8_t *>(request.constData()),
                                static_cast<std::size_t>(request.size()));
        QVERIFY(!used.ok());
        QCOMPARE(parser.failureStatus(), status);
        QCOMPARE(int(used.error().code), code);
        QVERIFY(!used.error().message.empty());
    }
};

QTEST_APPLESS_MAIN(TestRequestParser)
#include "tst_requestparser.moc"
