// Validators, HTTP dates and the RFC 9110 §13.2.2 evaluation order.

#include "site/conditional.h"
#include "site/httpdate.h"

#include <QtTest>

using namespace h2scope;
using namespace h2scope::site;

namespace {

constexpr std::int64_t kSun06Nov1994 = 784111777; // Sun, 06 Nov 1994 08:49:37 GMT

} // namespace

class TestConditional : public QObject {
    Q_OBJECT

private slots:
    void formatsImfFixdate();
    void parsesAllThreeForms();
    void rejectsInvalidDates_data();
    void rejectsInvalidDates();
    void roundTrips();
    void etagsAreStrongAndDistinct();
    void etagComparison();
    void etagLists();
    void evaluation_data();
    void evaluation();
    void ifRange();
};

void TestConditional::formatsImfFixdate()
{
    QCOMPARE(QString::fromStdString(formatHttpDate(kSun06Nov1994)), QString("Sun, 06 Nov 1994 08:49:37 GMT"));
    QCOMPARE(QString::fromStdString(formatHttpDate(0)), QString("Thu, 01 Jan 1970 00:00:00 GMT"));
    QCOMPARE(QString::fromStdString(formatHttpDate(1709208000)), QString("Thu, 29 Feb 2024 12:00:00 GMT"));
    QCOMPARE(QString::fromStdString(formatHttpDate(4102444799)), QString("Thu, 31 Dec 2099 23:59:59 GMT"));
}

void TestConditional::parsesAllThreeForms()
{
    QCOMPARE(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), std::optional<std::int64_t>(kSun06Nov1994));
    QCOMPARE(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), std::optional<std::int64_t>(kSun06Nov1994));
    QCOMPARE(parseHttpDate("Sun Nov  6 08:49:37 1994"), std::optional<std::int64_t>(kSun06Nov1994));
    QCOMPARE(parseHttpDate("Sun Nov 16 08:49:37 1994"), std::optional<std::int64_t>(kSun06Nov1994 + 10 * 86400));
    QCOMPARE(parseHttpDate("  Sun, 06 Nov 1994 08:49:37 GMT "), std::optional<std::int64_t>(kSun06Nov1994));
    QCOMPARE(parseHttpDate("Thursday, 01-Jan-15 00:00:00 GMT"), std::optional<std::int64_t>(1420070400));
}

void TestConditional::rejectsInvalidDates_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << "";
    QTest::newRow("garbage") << "yesterday";
    QTest::newRow("feb 30") << "Sun, 30 Feb 1994 08:49:37 GMT";
    QTest::newRow("feb 29 non-leap") << "Tue, 29 Feb 2023 08:49:37 GMT";
    QTest::newRow("hour 24") << "Sun, 06 Nov 1994 24:00:00 GMT";
    QTest::newRow("minute 60") << "Sun, 06 Nov 1994 08:60:00 GMT";
    QTest::newRow("not GMT") << "Sun, 06 Nov 1994 08:49:37 UTC";
    QTest::newRow("trailing") << "Sun, 06 Nov 1994 08:49:37 GMTx";
    QTest::newRow("lowercase month") << "Sun, 06 nov 1994 08:49:37 GMT";
    QTest::newRow("bad day name") << "Xyz, 06 Nov 1994 08:49:37 GMT";
    QTest::newRow("one digit day imf") << "Sun, 6 Nov 1994 08:49:37 GMT";
    QTest::newRow("month 13") << "Sun, 06 Foo 1994 08:49:37 GMT";
    QTest::newRow("asctime junk") << "Sun Nov  6 08:49:37 1994 GMT";
    QTest::newRow("number") << "784111777";
}

void TestConditional::rejectsInvalidDates()
{
    QFETCH(QString, text);
    QVERIFY(!parseHttpDate(text.toStdString()).has_value());
}

void TestConditional::roundTrips()
{
    for (std::int64_t t : {std::int64_t(0), std::int64_t(951782400) /* 2000-02-29 */, kSun06Nov1994,
                           std::int64_t(1700000000), std::int64_t(253402300799) /* 9999-12-31 */})
        QCOMPARE(parseHttpDate(formatHttpDate(t)), std::optional<std::int64_t>(t));
}

void TestConditional::etagsAreStrongAndDistinct()
{
    const std::string a = makeStrongEtag(1234, 100, 1700000000, 5);
    QVERIFY(a.size() > 2 && a.front() == '"' && a.back() == '"');
    QVERIFY(!a.starts_with("W/"));
    QVERIFY(a != makeStrongEtag(1234, 100, 1700000000, 6)); // nanoseconds count
    QVERIFY(a != makeStrongEtag(1235, 100, 1700000000, 5)); // inode counts
    QVERIFY(a != makeStrongEtag(1234, 101, 1700000000, 5)); // size counts
    QVERIFY(a != makeStrongEtag(1234, 100, 1700000000, 5, "br"));
    QCOMPARE(a, makeStrongEtag(1234, 100, 1700000000, 5));
}

void TestConditional::etagComparison()
{
    QVERIFY(etagStrongMatch("\"a\"", "\"a\""));
    QVERIFY(!etagStrongMatch("W/\"a\"", "\"a\""));
    QVERIFY(!etagStrongMatch("\"a\"", "\"b\""));
    QVERIFY(etagWeakMatch("W/\"a\"", "\"a\""));
    QVERIFY(etagWeakMatch("W/\"a\"", "W/\"a\""));
    QVERIFY(!etagWeakMatch("W/\"a\"", "W/\"b\""));
    QVERIFY(!etagWeakMatch("a", "a")); // unquoted is not an entity-tag
}

void TestConditional::etagLists()
{
    QVERIFY(etagListMatches("*", "\"x\"", true));
    QVERIFY(etagListMatches("\"a\", \"x\"", "\"x\"", true));
    QVERIFY(etagListMatches("\"a\",W/\"x\"", "\"x\"", false));
    QVERIFY(!etagListMatches("\"a\",W/\"x\"", "\"x\"", true));
    QVERIFY(etagListMatches(" , \"x\" ,", "\"x\"", true));
    QVERIFY(!etagListMatches("\"a\" \"x\"", "\"x\"", true)); // missing comma: malformed
    QVERIFY(!etagListMatches("x", "\"x\"", false));
    QVERIFY(!etagListMatches("", "\"x\"", false));
}

void TestConditional::evaluation_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QStringList>("fields"); // name, value, name, value ...
    QTest::addColumn<int>("outcome");

    const int proceed = int(ConditionalOutcome::Proceed);
    const int notModified = int(ConditionalOutcome::NotModified);
    const int failed = int(ConditionalOutcome::PreconditionFailed);
    const QString before = "Sun, 06 Nov 1994 08:49:36 GMT";
    const QString same = "Sun, 06 Nov 1994 08:49:37 GMT";
    const QString after = "Sun, 06 Nov 1994 08:49:38 GMT";

    QTest::newRow("none") << "GET" << QStringList{} << proceed;
    QTest::newRow("if-match hit") << "GET" << QStringList{"if-match", "\"v1\""} << proceed;
    QTest::newRow("if-match star") << "GET" << QStringList{"if-match", "*"} << proceed;
    QTest::newRow("if-match miss") << "GET" << QStringList{"if-match", "\"v2\""} << failed;
    QTest::newRow("if-match weak is no strong match") << "GET" << QStringList{"if-match", "W/\"v1\""} << failed;
    QTest::newRow("ius older") << "GET" << QStringList{"if-unmodified-since", before} << failed;
    QTest::newRow("ius same") << "GET" << QStringList{"if-unmodified-since", same} << proceed;
    QTest::newRow("ius invalid ignored") << "GET" << QStringList{"if-unmodified-since", "nonsense"} << proceed;
    QTest::newRow("if-match wins over ius")
        << "GET" << QStringList{"if-match", "\"v1\"", "if-unmodified-since", before} << proceed;
    QTest::newRow("inm hit") << "GET" << QStringList{"if-none-match", "\"v1\""} << notModified;
    QTest::newRow("inm weak hit") << "HEAD" << QStringList{"if-none-match", "W/\"v1\""} << notModified;
    QTest::newRow("inm star") << "GET" << QStringList{"if-none-match", "*"} << notModified;
    QTest::newRow("inm miss") << "GET" << QStringList{"if-none-match", "\"v0\""} << proceed;
    QTest::newRow("inm hit non-GET") << "POST" << QStringList{"if-none-match", "\"v1\""} << failed;
    QTest::newRow("ims same") << "GET" << QStringList{"if-modified-since", same} << notModified;
    QTest::newRow("ims later") << "GET" << QStringList{"if-modified-since", after} << notModified;
    QTest::newRow("ims older") << "GET" << QStringList{"if-modified-since", before} << proceed;
    QTest::newRow("ims invalid") << "GET" << QStringList{"if-modified-since", "soon"} << proceed;
    QTest::newRow("ims rfc850") << "GET" << QStringList{"if-modified-since", "Sunday, 06-Nov-94 08:49:37 GMT"}
                                << notModified;
    QTest::newRow("ims ignored for POST") << "POST" << QStringList{"if-modified-since", same} << proceed;
    QTest::newRow("inm miss overrides ims")
        << "GET" << QStringList{"if-none-match", "\"v0\"", "if-modified-since", after} << proceed;
    QTest::newRow("if-match fails before inm")
        << "GET" << QStringList{"if-match", "\"v0\"", "if-none-match", "\"v1\""} << failed;
}

void TestConditional::evaluation()
{
    QFETCH(QString, method);
    QFETCH(QStringList, fields);
    QFETCH(int, outcome);
    HeaderList headers;
    for (qsizetype i = 0; i + 1 < fields.size(); i += 2)
        headers.push_back({fields[i].toStdString(), fields[i + 1].toStdString()});
    const Validators current{"\"v1\"", kSun06Nov1994};
    QCOMPARE(int(evaluateConditionals(method.toStdString(), headers, current)), outcome);
}

void TestConditional::ifRange()
{
    const Validators current{"\"v1\"", kSun06Nov1994};
    const std::int64_t later = kSun06Nov1994 + 3600;
    QCOMPARE(evaluateIfRange("\"v1\"", current, later), IfRangeOutcome::Matches);
    QCOMPARE(evaluateIfRange("W/\"v1\"", current, later), IfRangeOutcome::DoesNotMatch);
    QCOMPARE(evaluateIfRange("\"v2\"", current, later), IfRangeOutcome::DoesNotMatch);
    QCOMPARE(evaluateIfRange("Sun, 06 Nov 1994 08:49:37 GMT", current, later), IfRangeOutcome::Matches);
    QCOMPARE(evaluateIfRange("Sun, 06 Nov 1994 08:49:38 GMT", current, later), IfRangeOutcome::DoesNotMatch);
    QCOMPARE(evaluateIfRange("garbage", current, later), IfRangeOutcome::DoesNotMatch);
    // A date is a strong validator only once its second is over (RFC 9110
    // §8.8.2.2): within it, the file may change again under the same date.
    QCOMPARE(evaluateIfRange("Sun, 06 Nov 1994 08:49:37 GMT", current, kSun06Nov1994 + 1), IfRangeOutcome::Matches);
    QCOMPARE(evaluateIfRange("Sun, 06 Nov 1994 08:49:37 GMT", current, kSun06Nov1994),
             IfRangeOutcome::DateNotYetStrong);
    // An entity-tag changes with every write: strong even within the second.
    QCOMPARE(evaluateIfRange("\"v1\"", current, kSun06Nov1994), IfRangeOutcome::Matches);
}

QTEST_APPLESS_MAIN(TestConditional)
#include "tst_conditional.moc"
