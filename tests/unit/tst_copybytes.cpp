// copyBytes() and appendBytes(): the same bytes as memcpy() and append(),
// at every distance between source and destination (the slow case among
// them is copied in pieces), and which distances count as slow.

#include "copybytes.h"

#include <QTest>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace h2scope;

class TestCopyBytes : public QObject {
    Q_OBJECT

private slots:
    void slowDistancesAreOneTo63BytesPastTheSourceModulo4KiB()
    {
        alignas(4096) static char block[3 * 4096];
        const char *src = block + 4096;
        QVERIFY(!copyIsSlow(src, src));
        QVERIFY(copyIsSlow(src + 1, src));
        QVERIFY(copyIsSlow(src + 9, src));
        QVERIFY(copyIsSlow(src + 63, src));
        QVERIFY(!copyIsSlow(src + 64, src));
        QVERIFY(!copyIsSlow(src - 5, src)); // behind the source
        QVERIFY(copyIsSlow(src + 4096 + 5, src));
        QVERIFY(!copyIsSlow(src + 4096, src));
    }

    void copiesEveryByteAtEveryDistance()
    {
        std::vector<char> source(40000);
        for (std::size_t i = 0; i < source.size(); ++i)
            source[i] = static_cast<char>((i * 7 + i / 251) % 253);
        std::vector<char> target(source.size() + 8192);
        for (std::size_t gap : {0, 1, 5, 9, 13, 63, 64, 100, 4095}) {
            for (std::size_t n : {0, 1, 2047, 2048, 2049, 16384, 16384 + 9, 39000}) {
                std::fill(target.begin(), target.end(), '\x7f');
                // The destination `gap` bytes past the source, modulo 4 KiB.
                const auto base = reinterpret_cast<std::uintptr_t>(source.data()) & 4095u;
                const std::size_t at =
                    (base + gap + 4096 - (reinterpret_cast<std::uintptr_t>(target.data()) & 4095u)) % 4096;
                copyBytes(target.data() + at, source.data(), n);
                QVERIFY(std::equal(source.begin(), source.begin() + static_cast<std::ptrdiff_t>(n),
                                   target.begin() + static_cast<std::ptrdiff_t>(at)));
                QCOMPARE(target[at + n], '\x7f'); // nothing past the end
                if (at > 0)
                    QCOMPARE(target[at - 1], '\x7f');
            }
        }
    }

    void appendBytesIsAppend()
    {
        std::string src(30000, '\0');
        for (std::size_t i = 0; i < src.size(); ++i)
            src[i] = static_cast<char>(i % 241);
        for (std::size_t gap : {0, 5, 9, 13, 64}) {
            // The appended bytes land `gap` bytes past the source modulo 4
            // KiB: the slow case is taken for 5, 9 and 13.
            std::string out;
            out.reserve(4096 + src.size() + 64); // no reallocation below: the address holds
            const auto at = reinterpret_cast<std::uintptr_t>(out.data());
            const std::size_t prefix = (reinterpret_cast<std::uintptr_t>(src.data()) + gap - at) & 4095u;
            out.assign(prefix, 'h');
            QCOMPARE(copyIsSlow(out.data() + prefix, src.data()), gap > 0 && gap < 64);
            appendBytes(out, src.data(), src.size());
            std::string expected(prefix, 'h');
            expected += src;
            QVERIFY(out == expected);
            std::string small = "ab";
            appendBytes(small, src.data(), 3); // no room to spare: plain append
            QCOMPARE(small, std::string("ab") + src.substr(0, 3));
        }
    }
};

QTEST_APPLESS_MAIN(TestCopyBytes)
#include "tst_copybytes.moc"
