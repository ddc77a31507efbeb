// Range parsing, the range policy and the multipart/byteranges body.

#include "site/ranges.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <unistd.h>

using namespace h2scope;
using namespace h2scope::site;

namespace {

using Kind = RangeRequest::Kind;

std::string readAll(Body &body)
{
    std::string out;
    std::uint8_t buf[7]; // odd chunk size: crosses segment borders
    while (!body.done()) {
        auto n = body.read(buf, sizeof buf);
        if (!n || *n == 0)
            return out + "<<read failed>>";
        out.append(reinterpret_cast<const char *>(buf), *n);
    }
    return out;
}

} // namespace

Q_DECLARE_METATYPE(std::vector<h2scope::site::ByteRange>)

class TestRanges : public QObject {
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void plan();
    void contentRange();
    void boundariesDiffer();
    void multipartIsByteExact();
};

void TestRanges::parse_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("kind");
    QTest::addColumn<std::vector<ByteRange>>("ranges");
    const int ignore = int(Kind::Ignore), unsat = int(Kind::Unsatisfiable), sat = int(Kind::Satisfiable);
    using V = std::vector<ByteRange>;

    // Representation length is 1000 in every row.
    QTest::newRow("a-b") << "bytes=0-99" << sat << V{{0, 99}};
    QTest::newRow("a-") << "bytes=900-" << sat << V{{900, 999}};
    QTest::newRow("suffix") << "bytes=-100" << sat << V{{900, 999}};
    QTest::newRow("suffix longer than file") << "bytes=-5000" << sat << V{{0, 999}};
    QTest::newRow("last clamped") << "bytes=990-5000" << sat << V{{990, 999}};
    QTest::newRow("unit case") << "Bytes=1-1" << sat << V{{1, 1}};
    QTest::newRow("spaces and empties") << "bytes= 0-0 , ,10-19 ," << sat << V{{0, 0}, {10, 19}};
    QTest::newRow("keeps order") << "bytes=500-599,0-9" << sat << V{{500, 599}, {0, 9}};
    QTest::newRow("drops unsatisfiable part") << "bytes=0-9,2000-3000" << sat << V{{0, 9}};
    QTest::newRow("huge number saturates") << "bytes=0-99999999999999999999999" << sat << V{{0, 999}};
    QTest::newRow("start past end") << "bytes=1000-" << unsat << V{};
    QTest::newRow("suffix zero") << "bytes=-0" << unsat << V{};
    QTest::newRow("all past end") << "bytes=1000-1001,5000-" << unsat << V{};
    QTest::newRow("b before a") << "bytes=10-5" << ignore << V{};
    QTest::newRow("other unit") << "items=0-5" << ignore << V{};
    QTest::newRow("no equals") << "bytes 0-5" << ignore << V{};
    QTest::newRow("no dash") << "bytes=5" << ignore << V{};
    QTest::newRow("letters") << "bytes=a-b" << ignore << V{};
    QTest::newRow("negative") << "bytes=--5" << ignore << V{};
    QTest::newRow("empty list") << "bytes=" << ignore << V{};
    QTest::newRow("only commas") << "bytes=,," << ignore << V{};
    QTest::newRow("one bad element spoils all") << "bytes=0-5,x" << ignore << V{};
    QTest::newRow("plus sign") << "bytes=+1-5" << ignore << V{};
}

void TestRanges::parse()
{
    QFETCH(QString, value);
    QFETCH(int, kind);
    QFETCH(std::vector<ByteRange>, ranges);
    const RangeRequest r = parseRangeHeader(value.toStdString(), 1000);
    QCOMPARE(int(r.kind), kind);
    QCOMPARE(r.ranges.size(), ranges.size());
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        QCOMPARE(r.ranges[i].first, ranges[i].first);
        QCOMPARE(r.ranges[i].last, ranges[i].last);
    }
}

void TestRanges::plan()
{
    using V = std::vector<ByteRange>;
    // Overlapping and adjacent ranges merge, sorted.
    QVERIFY((planRanges(V{{50, 59}, {0, 9}, {5, 20}, {21, 30}}, 1000) == V{{0, 30}, {50, 59}}));
    // Disjoint ones stay.
    QVERIFY((planRanges(V{{0, 0}, {2, 2}}, 1000) == V{{0, 0}, {2, 2}}));
    // A single full range stays a range (206 for bytes=0-).
    QVERIFY((planRanges(V{{0, 999}}, 1000) == V{{0, 999}}));
    // More than 16 ranges: whole file.
    V many;
    for (std::uint64_t i = 0; i < 17; ++i)
        many.push_back({i * 10, i * 10 + 1});
    QVERIFY(planRanges(many, 1000).empty());
    many.pop_back();
    QCOMPARE(planRanges(many, 1000).size(), std::size_t(16));
    // Overlapping ranges asking for more than twice the file: whole file.
    QVERIFY(planRanges(V{{0, 999}, {0, 999}, {0, 999}}, 1000).empty());
    QVERIFY(planRanges(V{}, 1000).empty());
}

void TestRanges::contentRange()
{
    QCOMPARE(QString::fromStdString(contentRangeValue({0, 99}, 1000)), QString("bytes 0-99/1000"));
    QCOMPARE(QString::fromStdString(contentRangeValue({5, 5}, 6)), QString("bytes 5-5/6"));
}

void TestRanges::boundariesDiffer()
{
    const std::string a = makeMultipartBoundary();
    const std::string b = makeMultipartBoundary();
    QVERIFY(a != b);
    QVERIFY(a.size() >= 16 && a.size() <= 70); // RFC 2046 limit
}

void TestRanges::multipartIsByteExact()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("data.txt").toStdString();
    const std::string content = "0123456789abcdefghijklmnopqrstuvwxyz";
    {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        QVERIFY(fd >= 0);
        QCOMPARE(::write(fd, content.data(), content.size()), ssize_t(content.size()));
        ::close(fd);
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    QVERIFY(fd >= 0);
    auto file = std::make_shared<const FileHandle>(fd);

    const std::vector<ByteRange> ranges = {{0, 3}, {10, 12}, {35, 35}};
    Body body = makeMultipartBody(file, ranges, content.size(), "text/plain; charset=utf-8", "BOUND");
    const std::string expected = "--BOUND\r\n"
                                 "Content-Type: text/plain; charset=utf-8\r\n"
                                 "Content-Range: bytes 0-3/36\r\n"
                                 "\r\n"
                                 "0123"
                                 "\r\n--BOUND\r\n"
                                 "Content-Type: text/plain; charset=utf-8\r\n"
                                 "Content-Range: bytes 10-12/36\r\n"
                                 "\r\n"
                                 "abc"
                                 "\r\n--BOUND\r\n"
                                 "Content-Type: text/plain; charset=utf-8\r\n"
                                 "Content-Range: bytes 35-35/36\r\n"
                                 "\r\n"
                                 "z"
                                 "\r\n--BOUND--\r\n";
    QCOMPARE(body.size(), std::uint64_t(expected.size()));
    QCOMPARE(QByteArray::fromStdString(readAll(body)), QByteArray::fromStdString(expected));
}

QTEST_APPLESS_MAIN(TestRanges)
#include "tst_ranges.moc"
