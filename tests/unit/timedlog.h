#pragma once
// Tests' capture logs with chosen times (the exporters' and the Requests
// view's tests build exact timings with it).

#include "inspect/capturelog.h"
#include "rawframes.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace h2scope::testing {

using inspect::CaptureHub;
using inspect::CaptureLog;
using inspect::LogAnnouncement;
using inspect::parseRecord;
using inspect::RecordKind;
using inspect::RecordView;

// A capture log written by CaptureLog whose records carry the times the test
// chooses: at(t) stamps everything written after it with t (the log's own
// Time records, read from the clock, are replaced when the records are taken).
class TimedLog {
public:
    explicit TimedLog(std::uint64_t id) : m_hub(1), m_log(std::make_unique<CaptureLog>(m_hub.sink(0), id)) {}

    CaptureLog &at(std::uint64_t ns)
    {
        m_marks.emplace_back(m_log->bytesWritten(), ns);
        return *m_log;
    }
    void frame(std::uint64_t ns, bool outbound, std::uint8_t type, std::uint8_t flags, std::uint32_t stream,
               const std::string &payload)
    {
        const std::array<std::uint8_t, 9> h = frameHeader(std::uint32_t(payload.size()), type, flags, stream);
        at(ns).frame(outbound, h.data(), {reinterpret_cast<const std::uint8_t *>(payload.data()), payload.size()});
    }
    void data(std::uint64_t ns, std::uint8_t flags, std::uint32_t stream, std::uint32_t length)
    {
        const std::array<std::uint8_t, 9> h = frameHeader(length, 0x00, flags, stream);
        at(ns).frame(true, h.data(), {}); // DATA payloads are not captured
    }

    // Ends the log; its records, re-timed.
    std::string records()
    {
        m_log.reset();
        std::vector<LogAnnouncement> chunks;
        m_hub.collect(chunks);
        std::string all;
        for (const LogAnnouncement &a : chunks)
            all.append(reinterpret_cast<const char *>(a.chunk->data()), a.chunk->committed());
        std::string out;
        std::size_t mark = 0;
        const auto *p = reinterpret_cast<const std::uint8_t *>(all.data());
        for (std::size_t at = 0; at < all.size();) {
            RecordView r;
            std::size_t size = 0;
            if (!parseRecord(p + at, all.size() - at, r, size))
                break;
            if (r.kind != RecordKind::Time) {
                bool stamp = false;
                std::uint64_t ns = 0;
                for (; mark < m_marks.size() && m_marks[mark].first <= at; ++mark) {
                    stamp = true;
                    ns = m_marks[mark].second;
                }
                if (stamp) {
                    out.push_back(char(RecordKind::Time));
                    out.append(std::string("\x08\x00\x00", 3)); // u24 body length 8
                    for (int i = 0; i < 8; ++i)
                        out.push_back(char(ns >> (8 * i)));
                }
                out.append(all, at, size);
            }
            at += size;
        }
        return out;
    }

private:
    CaptureHub m_hub;
    std::unique_ptr<CaptureLog> m_log;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> m_marks; // byte offset, time
};

} // namespace h2scope::testing
