#include "detailspane.h"

#include "frametext.h"

#include <algorithm>

namespace h2scope::ui {

namespace {

QString esc(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())).toHtmlEscaped();
}

QString row(const QString &k, const QString &v)
{
    return QStringLiteral("<tr><td style='color:#555;padding-right:12px'>%1</td><td>%2</td></tr>").arg(k, v);
}

QString settingsTable(const std::vector<std::pair<std::uint16_t, std::uint32_t>> &values)
{
    if (values.empty())
        return QStringLiteral("<i>(no values: the defaults stand)</i>");
    QString h = QStringLiteral(
        "<table cellspacing=0 cellpadding=1><tr><th align=left>setting</th><th align=right>value</th></tr>");
    for (const auto &[id, value] : values)
        h += QStringLiteral("<tr><td>%1 (0x%2)</td><td align=right>%3</td></tr>")
                 .arg(QLatin1String(inspect::settingName(id)))
                 .arg(id, 2, 16, QLatin1Char('0'))
                 .arg(value);
    return h + QStringLiteral("</table>");
}

QString ackText(const inspect::SettingsExchange &x)
{
    return x.ackNs ? QObject::tr("acknowledged after %1").arg(durationText(x.ackNs - x.sentNs))
                   : QObject::tr("not acknowledged (yet)");
}

} // namespace

DetailsPane::DetailsPane(QWidget *parent) : QTextBrowser(parent)
{
    setOpenLinks(false);
    setPlaceholderText(tr("Select a frame or a connection to see its details."));
}

void DetailsPane::showFrame(const inspect::CaptureStore &store, const inspect::ConnectionIndex &connIndex,
                            std::size_t eventIndex)
{
    setHtml(frameHtml(store, connIndex, eventIndex));
}

void DetailsPane::showConnection(const inspect::CaptureStore &store, const inspect::ConnectionIndex &connIndex)
{
    setHtml(connectionHtml(store, connIndex));
}

QString DetailsPane::frameHtml(const inspect::CaptureStore &store, const inspect::ConnectionIndex &connIndex,
                               std::size_t eventIndex)
{
    const std::uint64_t conn = connIndex.connectionId();
    const inspect::Event *e = store.event(conn, eventIndex);
    const auto *f = e ? std::get_if<inspect::FrameEvent>(&e->data) : nullptr;
    if (!f && store.eventTrimmed(conn, eventIndex))
        return tr("<i>This frame's details are no longer kept for display (the window keeps the decoded frames of "
                  "one connection up to %1 MiB). The capture still has it: Save capture or an export writes it.</i>")
            .arg(store.dissectionLimit() >> 20);
    if (!f)
        return tr("<i>This frame is no longer in the capture (evicted to stay within the memory budget).</i>");
    const std::vector<std::size_t> &frames = connIndex.frames();
    const auto pos = std::lower_bound(frames.begin(), frames.end(), eventIndex);
    const auto number = static_cast<qulonglong>(pos - frames.begin()) + 1;

    QString h = QStringLiteral("<h3 style='margin:0'>#%1 %2 %3, stream %4</h3>")
                    .arg(number)
                    .arg(QLatin1String(inspect::frameTypeName(f->type)))
                    .arg(f->dir == inspect::Direction::In ? tr("received") : tr("sent"))
                    .arg(f->streamId);
    h += QStringLiteral("<p>%1</p>").arg(frameSummary(*f).toHtmlEscaped());
    if (f->notSent)
        h += tr("<p style='color:#b91c1c'><b>Not sent:</b> %1</p>").arg(esc(f->notSentReason));
    if (f->invalid)
        h += tr("<p style='color:#b91c1c'><b>Rejected as invalid:</b> %1</p>").arg(esc(f->invalidReason));
    h += QStringLiteral("<table cellspacing=0 cellpadding=1>");
    h += row(tr("time"), tr("+%1 from the connection's first event")
                             .arg(durationText(e->timeNs - std::min(e->timeNs, connIndex.firstNs()))));
    h += row(tr("flags"), QStringLiteral("0x%1 %2")
                              .arg(f->flags, 2, 16, QLatin1Char('0'))
                              .arg(QString::fromStdString(inspect::frameFlagsText(f->type, f->flags))));
    h += row(tr("length"),
             tr("%1 B payload%2").arg(f->length).arg(f->padding ? tr(", %1 B padding").arg(f->padding) : QString()));
    h += row(tr("frame header"), QStringLiteral("<code>%1</code>").arg(hexHeader(*f)));
    if (f->type == 0x3 || f->type == 0x7)
        h += row(tr("error code"), QStringLiteral("<b>%1</b> (0x%2)")
                                       .arg(QLatin1String(inspect::errorCodeName(f->errorCode)))
                                       .arg(f->errorCode, 0, 16));
    if (f->type == 0x7) {
        h += row(tr("last stream"), QString::number(f->lastStreamId));
        if (!f->debugData.empty())
            h += row(tr("debug data"), esc(f->debugData));
    }
    if (f->type == 0x8)
        h += row(tr("increment"), QString::number(f->windowIncrement));
    if (f->type == 0x5) {
        h += row(tr("promised stream"), QString::number(f->promisedStreamId));
        // What became of the promise, as the pushed stream ended.
        const inspect::StreamSummary *promised = connIndex.stream(f->promisedStreamId);
        h += row(
            tr("outcome"),
            promised && !promised->pushOutcome.empty()
                ? QStringLiteral("<b>%1</b>%2")
                      .arg(pushOutcomeText(promised->pushOutcome),
                           promised->pushDetail.empty() ? QString() : QStringLiteral(" — ") + esc(promised->pushDetail))
                : tr("not ended yet"));
    }
    if (f->priorityDependency >= 0)
        h += row(tr("priority"), tr("depends on stream %1%2, weight %3")
                                     .arg(f->priorityDependency)
                                     .arg(f->priorityExclusive ? tr(" (exclusive)") : QString())
                                     .arg(f->priorityWeight));
    h += row(tr("windows after"),
             tr("connection: local %1, remote %2").arg(f->connLocalWindow).arg(f->connRemoteWindow)
                 + (f->streamLocalWindow >= 0
                        ? tr("; stream: local %1, remote %2").arg(f->streamLocalWindow).arg(f->streamRemoteWindow)
                        : QString()));
    h += QStringLiteral("</table>");

    if (f->type == 0x1 || f->type == 0x5) {
        // The block may continue in CONTINUATION frames right after this one.
        std::uint64_t compressed = headerBlockFragmentSize(*f);
        int continuations = 0;
        bool ended = f->flags & 0x4;
        for (auto it = pos + 1; !ended && pos != frames.end() && it != frames.end(); ++it) {
            const inspect::Event *ce = store.event(conn, *it);
            const auto *cf = ce ? std::get_if<inspect::FrameEvent>(&ce->data) : nullptr;
            if (!cf || cf->type != 0x9 || cf->streamId != f->streamId)
                break;
            compressed += cf->length;
            ++continuations;
            ended = cf->flags & 0x4;
        }
        h += tr("<h4>Header block</h4><p>compressed %1 B%2 · decoded %3 B (RFC 7541 size) · %4 field(s)</p>")
                 .arg(compressed)
                 .arg(continuations ? tr(" in %1 + %2 CONTINUATION")
                                          .arg(f->type == 0x1 ? tr("HEADERS") : tr("PUSH_PROMISE"))
                                          .arg(continuations)
                                    : QString())
                 .arg(f->headerBlockDecodedSize)
                 .arg(f->headers.size());
        h += QStringLiteral("<table cellspacing=0 cellpadding=1>");
        for (const HeaderView hd : f->headers)
            h += QStringLiteral("<tr><td style='color:%1;padding-right:12px'><b>%2</b></td><td>%3</td></tr>")
                     .arg(hd.name.starts_with(':') ? QStringLiteral("#7c3aed") : QStringLiteral("#1e40af"),
                          esc(hd.name), esc(hd.value));
        h += QStringLiteral("</table>");
    }
    if (f->type == 0x4) {
        if (f->flags & 0x1) {
            for (const inspect::SettingsExchange &x : connIndex.settings())
                if (x.ackNs == e->timeNs && x.dir != f->dir)
                    h += tr("<p>Acknowledges the SETTINGS %1 at +%2, %3 earlier.</p>")
                             .arg(x.dir == inspect::Direction::In ? tr("received") : tr("sent"))
                             .arg(durationText(x.sentNs - connIndex.firstNs()))
                             .arg(durationText(x.ackNs - x.sentNs));
        } else {
            h += QStringLiteral("<h4>%1</h4>")
                     .arg(f->dir == inspect::Direction::Out ? tr("Our settings") : tr("The client's settings"));
            h += settingsTable(f->settings);
            for (const inspect::SettingsExchange &x : connIndex.settings())
                if (x.frameIndex == eventIndex)
                    h += QStringLiteral("<p>%1</p>").arg(ackText(x));
        }
    }
    return h;
}

QString DetailsPane::connectionHtml(const inspect::CaptureStore &store, const inspect::ConnectionIndex &connIndex)
{
    const inspect::ConnectionInfo *c = store.connection(connIndex.connectionId());
    if (!c)
        return tr("<i>This connection is no longer in the capture.</i>");
    QString h = tr("<h3 style='margin:0'>Connection %1</h3>").arg(c->id);
    h += QStringLiteral("<table cellspacing=0 cellpadding=1>");
    if (c->opened) {
        const inspect::ConnectionOpened &o = *c->opened;
        h += row(tr("peer"), esc(o.peer));
        h += row(tr("local"), esc(o.local));
        h += row(tr("protocol"), esc(o.protocol));
        h += row(tr("ALPN"), o.alpn.empty() ? tr("(none negotiated)") : esc(o.alpn));
        if (o.tls) {
            h += row(tr("TLS"), esc(o.tlsVersion) + (o.resumed ? tr(" (resumed session)") : QString()));
            h += row(tr("cipher"), esc(o.cipher));
            h += row(tr("key exchange"), esc(o.group));
            h += row(tr("SNI"), o.sni.empty() ? tr("(none sent)") : esc(o.sni));
            h += row(tr("handshake"), durationText(o.handshakeNs));
        } else {
            h += row(tr("TLS"), tr("none (cleartext)"));
        }
    } else {
        h += row(tr("opened"), tr("(the open event was dropped)"));
    }
    const inspect::ConnectionCounters &k = c->counters;
    h += row(tr("frames"), tr("%1 in, %2 out").arg(k.framesIn).arg(k.framesOut));
    h += row(tr("frame bytes"), tr("%1 in, %2 out").arg(bytesText(k.frameBytesIn), bytesText(k.frameBytesOut)));
    h += row(tr("streams"), tr("%1 (%2 pushed)").arg(k.streams).arg(k.pushedStreams));
    if (c->evictedFrames)
        h += row(tr("truncated"), tr("frames 1–%1 evicted (memory budget)").arg(c->evictedFrames));
    if (c->closed) {
        h += row(tr("closed"), tr("after %1: %2").arg(durationText(c->closedNs - c->openedNs), esc(c->closed->reason)));
        if (c->closed->goawayCode >= 0)
            h += row(tr("GOAWAY"),
                     QStringLiteral("%1, last stream %2")
                         .arg(QLatin1String(inspect::errorCodeName(static_cast<std::uint32_t>(c->closed->goawayCode))))
                         .arg(c->closed->lastStreamId));
        h += row(tr("socket bytes"),
                 tr("%1 in, %2 out").arg(bytesText(c->closed->bytesIn), bytesText(c->closed->bytesOut)));
    }
    h += QStringLiteral("</table>");
    for (auto dir : {inspect::Direction::Out, inspect::Direction::In}) {
        h += QStringLiteral("<h4>%1</h4>")
                 .arg(dir == inspect::Direction::Out ? tr("Local settings (sent by h2scope)")
                                                     : tr("Remote settings (sent by the client)"));
        bool any = false;
        for (const inspect::SettingsExchange &x : connIndex.settings()) {
            if (x.dir != dir)
                continue;
            any = true;
            h += settingsTable(x.values)
                 + QStringLiteral("<p>+%1, %2</p>").arg(durationText(x.sentNs - connIndex.firstNs()), ackText(x));
        }
        if (!any)
            h += tr("<i>none captured</i>");
    }
    return h;
}

} // namespace h2scope::ui
