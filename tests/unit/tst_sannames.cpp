// Names a leaf certificate can hold: punycode, IP canonical forms, and the
// errors for forms clients reject (wildcards more than one label deep, URLs...).

#include "sannames.h"

#include <QtTest>

using namespace h2scope;
using namespace h2scope::certs;

class TestSanNames final : public QObject {
    Q_OBJECT

private slots:
    void dnsNames_data();
    void dnsNames();
    void ipAddresses_data();
    void ipAddresses();
    void duplicatesDropped();
    void rejected_data();
    void rejected();
    void defaultsCoverLoopback();
};

void TestSanNames::dnsNames_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << "localhost"
                           << "localhost";
    QTest::newRow("upper case") << "Dev.Example.TEST"
                                << "dev.example.test";
    QTest::newRow("trailing dot") << "example.test."
                                  << "example.test";
    QTest::newRow("wildcard") << "*.dev.example"
                              << "*.dev.example";
    QTest::newRow("idn label") << QString::fromUtf8("bücher.test") << "xn--bcher-kva.test";
    QTest::newRow("idn upper") << QString::fromUtf8("MÜNCHEN.test") << "xn--mnchen-3ya.test";
    QTest::newRow("idn japanese") << QString::fromUtf8("例え.テスト") << "xn--r8jz45g.xn--zckzah";
    QTest::newRow("wildcard over idn") << QString::fromUtf8("*.bücher.test") << "*.xn--bcher-kva.test";
    QTest::newRow("63-byte label") << QString(63, u'a') + ".test" << QString(63, u'a') + ".test";
    // UTS #46 as browsers apply it (libidn2): non-transitional, so ß stays ß;
    // NFC first; width and script-specific dots mapped.
    QTest::newRow("sharp s kept") << QString::fromUtf8("straße.test") << "xn--strae-oqa.test";
    QTest::newRow("decomposed u umlaut") << QString::fromUtf8("bu\u0308cher.test") << "xn--bcher-kva.test";
    QTest::newRow("fullwidth letters") << QString::fromUtf8("ｂüｃｈｅｒ.test") << "xn--bcher-kva.test";
    QTest::newRow("ideographic full stop") << QString::fromUtf8("bücher。test") << "xn--bcher-kva.test";
    QTest::newRow("greek capitals") << QString::fromUtf8("ΑΘΉΝΑ.test") << "xn--jxafb0a0a.test";
}

void TestSanNames::dnsNames()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    auto names = parseSanNames({input.toStdString()});
    QVERIFY2(names.ok(), names.ok() ? "" : names.error().message.c_str());
    QCOMPARE(names->dns.size(), std::size_t(1));
    QVERIFY(names->ips.empty());
    QCOMPARE(QString::fromStdString(names->dns.front()), expected);
}

void TestSanNames::ipAddresses_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("v4") << "127.0.0.1"
                        << "127.0.0.1";
    QTest::newRow("v6 loopback") << "::1"
                                 << "::1";
    QTest::newRow("v6 long form") << "0:0:0:0:0:0:0:1"
                                  << "::1";
    QTest::newRow("v6 bracketed") << "[::1]"
                                  << "::1";
    QTest::newRow("v6 upper") << "FE80::AB"
                              << "fe80::ab";
}

void TestSanNames::ipAddresses()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    auto names = parseSanNames({input.toStdString()});
    QVERIFY2(names.ok(), names.ok() ? "" : names.error().message.c_str());
    QVERIFY(names->dns.empty()); // an IP is never a DNS entry
    QCOMPARE(names->ips.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(names->ips.front()), expected);
}

void TestSanNames::duplicatesDropped()
{
    auto names = parseSanNames({"localhost", "LOCALHOST", "::1", "[::1]", "127.0.0.1"});
    QVERIFY(names.ok());
    QCOMPARE(names->dns, std::vector<std::string>{"localhost"});
    QCOMPARE(names->ips, (std::vector<std::string>{"::1", "127.0.0.1"}));
    auto other = parseSanNames({"127.0.0.1", "localhost", "::1"});
    QVERIFY(other.ok());
    QVERIFY(names->sameSetAs(*other));
    auto more = parseSanNames({"127.0.0.1", "localhost", "::1", "a.test"});
    QVERIFY(more.ok());
    QVERIFY(!names->sameSetAs(*more));
}

void TestSanNames::rejected_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("why"); // a word the message must contain
    QTest::newRow("wildcard over a TLD") << "*.com"
                                         << "two labels";
    QTest::newRow("bare wildcard") << "*"
                                   << "two labels";
    QTest::newRow("two wildcard labels") << "*.*.example.test"
                                         << "one label deep";
    QTest::newRow("wildcard in the middle") << "a.*.example.test"
                                            << "one label deep";
    QTest::newRow("partial wildcard") << "f*o.example.test"
                                      << "partial-label";
    QTest::newRow("prefix wildcard") << "*foo.example.test"
                                     << "partial-label";
    QTest::newRow("url") << "https://example.test/"
                         << "URL";
    QTest::newRow("port") << "example.test:8443"
                          << "port";
    QTest::newRow("zone id") << "fe80::1%eth0"
                             << "zone";
    QTest::newRow("underscore") << "my_host.test"
                                << "underscores";
    QTest::newRow("leading hyphen") << "-a.test"
                                    << "hyphen";
    QTest::newRow("empty label") << "a..test"
                                 << "empty label";
    QTest::newRow("empty") << ""
                           << "empty";
    QTest::newRow("bad ip") << "1.2.3"
                            << "IP address";
    QTest::newRow("space") << "a b.test"
                           << "not allowed";
    QTest::newRow("long label") << QString(64, u'a') + ".test"
                                << "63 bytes";
    QTest::newRow("long name") << (QString(60, u'a') + ".").repeated(5) + "test"
                               << "253 bytes";
    QTest::newRow("bad utf-8") << QString::fromLatin1("\xff") << "UTF-8";
    // What UTS #46 / IDNA2008 refuse, with libidn2's reason.
    QTest::newRow("joiner out of context") << QString::fromUtf8("a\u200db.test") << "internationalised";
    QTest::newRow("combining mark first") << QString::fromUtf8("\u0308a.test") << "internationalised";
}

void TestSanNames::rejected()
{
    QFETCH(QString, input);
    QFETCH(QString, why);
    // Latin-1 for the bad UTF-8 row, so the 0xff byte reaches the parser as is.
    const std::string raw =
        QTest::currentDataTag() == QLatin1String("bad utf-8") ? std::string("\xff") : input.toStdString();
    auto names = parseSanNames({"localhost", raw});
    QVERIFY(!names.ok());
    QCOMPARE(names.error().code, Errc::InvalidArgument);
    const QString message = QString::fromStdString(names.error().message);
    QVERIFY2(message.contains(why), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("cannot be in a certificate")), qPrintable(message));
}

void TestSanNames::defaultsCoverLoopback()
{
    const std::vector<std::string> d = defaultLeafNames();
    QVERIFY(d.size() >= 3);
    QCOMPARE(d[0], std::string("localhost"));
    QCOMPARE(d[1], std::string("127.0.0.1"));
    QCOMPARE(d[2], std::string("::1"));
    QVERIFY(parseSanNames(d).ok());
}

QTEST_APPLESS_MAIN(TestSanNames)
#include "tst_sannames.moc"
