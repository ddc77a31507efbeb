// HeaderBlock: the shared, immutable header lists inspector events carry.

#include "headerblock.h"

#include <QtTest>

#include <thread>
#include <vector>

using namespace h2scope;

class TestHeaderBlock : public QObject {
    Q_OBJECT

private slots:
    void emptyBlock()
    {
        const HeaderBlock b;
        QVERIFY(b.empty());
        QCOMPARE(b.size(), std::size_t(0));
        QCOMPARE(b.heapBytes(), std::size_t(0));
        QVERIFY(!b.find("x"));
        QVERIFY(b.begin() == b.end());
        QVERIFY(b == HeaderList{});
        QVERIFY(b.withoutPseudo().empty());
        HeaderBlock::Builder builder;
        QVERIFY(builder.build().empty());
    }

    void buildsInOrderWithPseudoHeadersFirst()
    {
        HeaderBlock::Builder builder;
        builder.add("accept", "*/*");
        builder.add(":method", "GET");
        builder.add("x-long", std::string(300, 'v'));
        builder.add(":path", "/index.html");
        builder.add("", "");
        const HeaderBlock b = builder.build();
        QCOMPARE(builder.size(), std::size_t(0)); // ready for the next block
        QCOMPARE(b.size(), std::size_t(5));
        QCOMPARE(b[0], (HeaderView{":method", "GET"}));
        QCOMPARE(b[1], (HeaderView{":path", "/index.html"}));
        QCOMPARE(b[2], (HeaderView{"accept", "*/*"}));
        QCOMPARE(b[3].value.size(), std::size_t(300));
        QCOMPARE(b[4], (HeaderView{"", ""}));
        QCOMPARE(b.find(":path"), std::optional<std::string_view>("/index.html"));
        QVERIFY(!b.find("missing"));
        QVERIFY(b.heapBytes() >= 5 * 12 + 300);

        const HeaderBlock fields = b.withoutPseudo();
        QCOMPARE(fields.size(), std::size_t(3));
        QCOMPARE(fields[0], (HeaderView{"accept", "*/*"}));
        QVERIFY(!fields.find(":method"));
        QVERIFY(fields.sharesStorageWith(b));
        QVERIFY(fields.withoutPseudo() == fields);
        QCOMPARE(fields.toList(), (HeaderList{{"accept", "*/*"}, {"x-long", std::string(300, 'v')}, {"", ""}}));
    }

    void equalityIsByContent()
    {
        const HeaderBlock a{{"a", "1"}, {"b", "2"}};
        const HeaderBlock same{{"a", "1"}, {"b", "2"}};
        QVERIFY(a == same);
        QVERIFY(!a.sharesStorageWith(same));
        QVERIFY(!(a == HeaderBlock{{"a", "1"}}));
        QVERIFY(!(a == HeaderBlock{{"a", "1"}, {"b", "3"}}));
        QVERIFY(a == (HeaderList{{"a", "1"}, {"b", "2"}}));
        QVERIFY(!(a == HeaderList{{"b", "2"}, {"a", "1"}}));
        QVERIFY(HeaderBlock(HeaderList{{"a", "1"}, {"b", "2"}}) == a);
        // Built straight from a list: pseudo-headers first there too.
        const HeaderBlock fromList(HeaderList{{"x", "1"}, {":path", "/"}, {"y", ""}, {":method", "GET"}});
        QVERIFY(fromList == (HeaderList{{":path", "/"}, {":method", "GET"}, {"x", "1"}, {"y", ""}}));
        QVERIFY(fromList.withoutPseudo() == (HeaderList{{"x", "1"}, {"y", ""}}));
        QVERIFY(fromList.heapBytes() > 0);
    }

    void copiesShareAndOutliveTheOriginal()
    {
        HeaderBlock copy;
        {
            HeaderBlock::Builder builder;
            builder.add("content-type", "text/html; charset=utf-8");
            const HeaderBlock original = builder.build();
            copy = original;
            QVERIFY(copy.sharesStorageWith(original));
            HeaderBlock moved = std::move(copy);
            QVERIFY(copy.empty()); // NOLINT(bugprone-use-after-move): a moved-from block is empty
            copy = moved;
        }
        QCOMPARE(copy.find("content-type"), std::optional<std::string_view>("text/html; charset=utf-8"));
        copy = copy; // self-assignment keeps it
        QCOMPARE(copy.size(), std::size_t(1));
    }

    void copiesAcrossThreads()
    {
        // I/O threads build blocks, consumers drop them: the count must hold
        // (ASan/TSan runs see a double free or a race if it does not).
        const HeaderBlock shared{{":status", "200"}, {"etag", "\"abc\""}};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&shared] {
                for (int i = 0; i < 20000; ++i) {
                    HeaderBlock local = shared;
                    HeaderBlock other = local.withoutPseudo();
                    if (other.size() != 1)
                        std::abort();
                }
            });
        for (std::thread &t : threads)
            t.join();
        QCOMPARE(shared.size(), std::size_t(2));
        QCOMPARE(shared[1], (HeaderView{"etag", "\"abc\""}));
    }
};

QTEST_APPLESS_MAIN(TestHeaderBlock)
#include "tst_headerblock.moc"
