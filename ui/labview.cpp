#include "labview.h"

#include "labwaterfall.h"

#include "lab/folderlab.h"
#include "lab/labjson.h"
#include "lab/labrunner.h"
#include "selfsigned.h"

#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTableWidget>
#include <QThread>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace h2scope::ui {

namespace {

constexpr int kMaxPages = 500; // a folder of thousands of pages lists its first 500

QString qs(const std::string &s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QString msText(std::int64_t us)
{
    return us < 0 ? QStringLiteral("–") : QStringLiteral("%1 ms").arg(static_cast<double>(us) / 1000.0, 0, 'f', 0);
}

QString bytesShort(std::uint64_t bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(static_cast<double>(bytes) / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 MiB").arg(static_cast<double>(bytes) / (1024.0 * 1024.0), 0, 'f', 2);
}

// The lab against the folder, with a throwaway certificate. Runs on the worker.
Result<lab::LabReport> serveAndRun(const std::string &root, lab::LabOptions options,
                                   const lab::LabRunner::Progress &progress)
{
    auto pem = certs::makeSelfSigned();
    if (!pem)
        return pem.error();
    return lab::runAgainstFolder(root, pem->certPem, pem->keyPem, std::move(options), progress);
}

} // namespace

// What the worker reads and writes; the GUI thread reads `result` only
// after the worker finished.
struct LabView::Job {
    std::string root;
    lab::LabOptions options;
    std::atomic<bool> cancelled{false};
    std::optional<Result<lab::LabReport>> result;
};

LabView::LabView(const QString &folder, QWidget *parent) : QWidget(parent), m_folder(folder)
{
    buildUi();
    fillPages();
    setRunning(false);
}

LabView::~LabView()
{
    if (m_worker) {
        m_job->cancelled = true;
        m_worker->wait(); // at most the load in flight, itself bounded by its timeout
        delete m_worker;
    }
}

void LabView::buildUi()
{
    setWindowTitle(tr("Protocol lab"));
    auto *controls = new QHBoxLayout;
    m_pageBox = new QComboBox(this);
    m_pageBox->setMinimumContentsLength(16);
    m_pageBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_presetBox = new QComboBox(this);
    for (const lab::NetworkProfile &p : lab::networkPresets())
        m_presetBox->addItem(qs(lab::describeProfile(p)), qs(p.name));
    m_presetBox->addItem(tr("custom…"), QStringLiteral("custom"));
    // The custom network's fields, as the command line's --rtt, --bandwidth, --loss.
    m_customBox = new QWidget(this);
    auto *custom = new QHBoxLayout(m_customBox);
    custom->setContentsMargins(0, 0, 0, 0);
    m_rttBox = new QSpinBox(m_customBox);
    m_rttBox->setRange(0, 5000);
    m_rttBox->setSuffix(tr(" ms RTT"));
    m_rttBox->setValue(100);
    m_bandwidthBox = new QSpinBox(m_customBox);
    m_bandwidthBox->setRange(0, 10'000'000);
    m_bandwidthBox->setSingleStep(100);
    m_bandwidthBox->setSuffix(tr(" kbit/s"));
    m_bandwidthBox->setSpecialValueText(tr("unlimited"));
    m_bandwidthBox->setValue(5000);
    m_lossBox = new QDoubleSpinBox(m_customBox);
    m_lossBox->setRange(0, 50);
    m_lossBox->setDecimals(1);
    m_lossBox->setSuffix(tr(" % loss"));
    custom->addWidget(m_rttBox);
    custom->addWidget(m_bandwidthBox);
    custom->addWidget(m_lossBox);
    m_customBox->hide();
    connect(m_presetBox, &QComboBox::currentIndexChanged, this,
            [this] { m_customBox->setVisible(m_presetBox->currentData().toString() == QLatin1String("custom")); });
    setNetworkPreset(QStringLiteral("4g"));
    m_runsBox = new QSpinBox(this);
    m_runsBox->setRange(1, 20);
    m_runsBox->setValue(3);
    m_runsBox->setToolTip(tr("Loads per mode; the waterfalls show the median one."));
    m_runButton = new QPushButton(tr("Run"), this);
    m_runButton->setDefault(true);
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(180);
    m_progress->setTextVisible(true);
    m_status = new QLabel(this);
    m_jsonButton = new QPushButton(tr("Export JSON…"), this);
    m_pngButton = new QPushButton(tr("Export PNG…"), this);
    controls->addWidget(new QLabel(tr("Page:"), this));
    controls->addWidget(m_pageBox);
    controls->addWidget(new QLabel(tr("Network:"), this));
    controls->addWidget(m_presetBox);
    controls->addWidget(m_customBox);
    controls->addWidget(new QLabel(tr("Runs:"), this));
    controls->addWidget(m_runsBox);
    controls->addWidget(m_runButton);
    controls->addWidget(m_cancelButton);
    controls->addWidget(m_progress);
    controls->addWidget(m_status, 1);
    controls->addWidget(m_jsonButton);
    controls->addWidget(m_pngButton);

    m_heading = new QLabel(this);
    QFont headingFont = m_heading->font();
    headingFont.setBold(true);
    m_heading->setFont(headingFont);
    auto *legend = new QLabel(this);
    QString legendHtml = tr("Colour: what asked for the request —&nbsp; ");
    const auto swatch = [](const QColor &c, const QString &text) {
        return QStringLiteral("<span style=\"color:%1\">&#9632;</span>&nbsp;%2&nbsp;&nbsp; ").arg(c.name(), text);
    };
    for (const char *initiator : {"navigation", "html", "css", "early-hints", "push"})
        legendHtml += swatch(LabWaterfall::initiatorColor(initiator), QString::fromLatin1(initiator));
    legendHtml += tr("(pale: waiting for the response, solid: body arriving, hatched: pushed but unused; "
                     "grey: TCP then TLS; dashed red: page complete)");
    legend->setText(legendHtml);
    legend->setTextFormat(Qt::RichText);
    legend->setWordWrap(true);

    auto *strip = new QWidget;
    auto *stripLayout = new QHBoxLayout(strip);
    stripLayout->setContentsMargins(0, 0, 0, 0);
    stripLayout->setSpacing(6);
    for (int i = 0; i < 4; ++i) {
        auto *w = new LabWaterfall(strip);
        m_waterfalls.push_back(w);
        stripLayout->addWidget(w, 1, Qt::AlignTop);
    }
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(strip);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_table = new QTableWidget(0, 10, this);
    m_table->setHorizontalHeaderLabels({tr("Mode"), tr("Page complete"), tr("min – max"), tr("First byte"),
                                        tr("Connections"), tr("TLS handshakes"), tr("Requests"), tr("Early hints"),
                                        tr("Pushed: used / unused"), tr("Bytes down")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setFocusPolicy(Qt::NoFocus);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);

    m_verdict = new QLabel(this);
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont verdictFont = m_verdict->font();
    verdictFont.setPointSizeF(verdictFont.pointSizeF() * 1.15);
    m_verdict->setFont(verdictFont);
    m_verdict->setStyleSheet(QStringLiteral("QLabel { background: #f0fdf4; color: #14532d; border: 1px solid #86efac; "
                                            "border-radius: 4px; padding: 8px; }"));
    m_verdict->hide();

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_heading);
    layout->addWidget(legend);
    layout->addWidget(scroll, 1);
    layout->addWidget(m_table);
    layout->addWidget(m_verdict);

    connect(m_runButton, &QPushButton::clicked, this, &LabView::run);
    connect(m_cancelButton, &QPushButton::clicked, this, &LabView::cancel);
    connect(m_jsonButton, &QPushButton::clicked, this, &LabView::chooseJsonFile);
    connect(m_pngButton, &QPushButton::clicked, this, &LabView::choosePngFile);
}

void LabView::fillPages()
{
    const QDir root(m_folder);
    QStringList paths;
    QDirIterator it(m_folder, {QStringLiteral("*.html"), QStringLiteral("*.htm")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext() && paths.size() < kMaxPages) {
        const QString rel = root.relativeFilePath(it.next());
        // Dot folders (.git, .cache) are not served by default.
        if (rel.startsWith(u'.') || rel.contains(QStringLiteral("/.")))
            continue;
        paths << rel;
    }
    std::sort(paths.begin(), paths.end(), [](const QString &a, const QString &b) {
        const int da = static_cast<int>(a.count(u'/')), db = static_cast<int>(b.count(u'/'));
        return da != db ? da < db : a < b;
    });
    for (const QString &rel : paths) {
        QString url = u'/' + rel;
        if (rel == QLatin1String("index.html"))
            url = QStringLiteral("/");
        else if (rel.endsWith(QLatin1String("/index.html")))
            url.chop(int(sizeof "index.html") - 1);
        const QByteArray encoded = QUrl::toPercentEncoding(url, "/");
        m_pageBox->addItem(url, QString::fromLatin1(encoded));
        m_pageBox->setItemData(m_pageBox->count() - 1, rel, Qt::ToolTipRole);
    }
    if (m_pageBox->count() == 0)
        m_status->setText(tr("No HTML page in %1.").arg(QDir::toNativeSeparators(m_folder)));
}

QStringList LabView::pages() const
{
    QStringList list;
    for (int i = 0; i < m_pageBox->count(); ++i)
        list << m_pageBox->itemText(i);
    return list;
}

bool LabView::setPage(const QString &urlPath)
{
    const int index = m_pageBox->findText(urlPath);
    if (index < 0)
        return false;
    m_pageBox->setCurrentIndex(index);
    return true;
}

bool LabView::setNetworkPreset(const QString &name)
{
    const auto preset = lab::findNetworkPreset(name.toStdString());
    const int index = preset ? m_presetBox->findData(qs(preset->name)) : -1;
    if (index < 0)
        return false;
    m_presetBox->setCurrentIndex(index);
    return true;
}

void LabView::setCustomNetwork(std::uint32_t rttMs, std::uint64_t bandwidthKbit, double loss)
{
    m_presetBox->setCurrentIndex(m_presetBox->findData(QStringLiteral("custom")));
    m_rttBox->setValue(
        static_cast<int>(std::min<std::uint32_t>(rttMs, static_cast<std::uint32_t>(m_rttBox->maximum()))));
    m_bandwidthBox->setValue(static_cast<int>(
        std::min<std::uint64_t>(bandwidthKbit, static_cast<std::uint64_t>(m_bandwidthBox->maximum()))));
    m_lossBox->setValue(loss * 100);
}

lab::NetworkProfile LabView::network() const
{
    if (m_presetBox->currentData().toString() == QLatin1String("custom")) {
        lab::NetworkProfile p;
        p.name = "custom";
        p.rttMs = static_cast<std::uint32_t>(m_rttBox->value());
        p.bandwidthKbit = static_cast<std::uint64_t>(m_bandwidthBox->value());
        p.loss = m_lossBox->value() / 100;
        return p;
    }
    const auto preset = lab::findNetworkPreset(m_presetBox->currentData().toString().toStdString());
    return preset ? *preset : lab::NetworkProfile{};
}

void LabView::setRuns(int runs)
{
    m_runsBox->setValue(runs);
}

QString LabView::verdictText() const
{
    return m_verdict->isHidden() ? QString() : m_verdict->text();
}

QString LabView::statusText() const
{
    return m_status->text();
}

void LabView::setRunning(bool running)
{
    m_runButton->setEnabled(!running && m_pageBox->count() > 0);
    m_cancelButton->setEnabled(running);
    m_pageBox->setEnabled(!running);
    m_presetBox->setEnabled(!running);
    m_customBox->setEnabled(!running);
    m_runsBox->setEnabled(!running);
    m_jsonButton->setEnabled(!running && m_report);
    m_pngButton->setEnabled(!running && m_report);
    m_progress->setVisible(running);
}

bool LabView::run()
{
    if (m_worker || m_pageBox->count() == 0)
        return false;
    const lab::NetworkProfile network = this->network();
    auto job = std::make_shared<Job>();
    job->root = QFileInfo(m_folder).absoluteFilePath().toStdString();
    job->options.load.page = m_pageBox->currentData().toString().toStdString();
    job->options.load.network = network;
    job->options.runs = static_cast<unsigned>(m_runsBox->value());
    m_job = job;

    const auto total = static_cast<int>(job->options.runs * job->options.modes.size());
    m_progress->setRange(0, total);
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v of %m loads"));
    m_status->setText(
        tr("Serving %1 and loading %2 on %3…")
            .arg(QDir::toNativeSeparators(m_folder), m_pageBox->currentText(), qs(lab::describeProfile(network))));
    // The worker owns a share of the job; `this` outlives it because the
    // destructor waits for the thread, and queued calls to a destroyed
    // object are dropped.
    m_worker = QThread::create([this, job] {
        const lab::LabRunner::Progress progress = [this, job](std::size_t done, std::size_t all) {
            QMetaObject::invokeMethod(
                this, [this, done, all] { onProgress(done, all); }, Qt::QueuedConnection);
            return !job->cancelled.load();
        };
        job->result.emplace(serveAndRun(job->root, job->options, progress));
    });
    m_worker->setObjectName(QStringLiteral("h2scope lab"));
    connect(m_worker, &QThread::finished, this, &LabView::onWorkerFinished);
    setRunning(true);
    m_worker->start();
    return true;
}

void LabView::cancel()
{
    if (!m_worker || !m_job)
        return;
    m_job->cancelled = true;
    m_cancelButton->setEnabled(false);
    m_status->setText(tr("Cancelling after the load in flight…"));
}

void LabView::onProgress(std::size_t done, std::size_t total)
{
    if (!m_worker)
        return;
    m_progress->setRange(0, static_cast<int>(total));
    m_progress->setValue(static_cast<int>(done));
}

void LabView::onWorkerFinished()
{
    if (!m_worker)
        return;
    m_worker->wait();
    m_worker->deleteLater();
    m_worker = nullptr;
    const std::shared_ptr<Job> job = std::move(m_job);
    const bool cancelled = job->cancelled.load();
    if (job->result && job->result->ok()) {
        showReport(**job->result);
        setRunning(false);
        emit runFinished(true, {});
        return;
    }
    const QString message = cancelled     ? tr("Cancelled.")
                            : job->result ? tr("The lab failed: %1").arg(qs(job->result->error().message))
                                          : tr("The lab failed.");
    m_status->setText(message);
    setRunning(false);
    emit runFinished(false, message);
}

void LabView::showReport(const lab::LabReport &report)
{
    m_report = report;
    m_heading->setText(tr("%1 on %2 — median of %n run(s) per mode", nullptr, static_cast<int>(report.runs))
                           .arg(qs(report.page), qs(lab::describeProfile(report.network))));

    const lab::ModeSummary *fastest = nullptr;
    for (const lab::ModeSummary &s : report.modes)
        if (s.pageComplete.median >= 0 && (!fastest || s.pageComplete.median < fastest->pageComplete.median))
            fastest = &s;

    // One time scale for all four: the latest moment any of them reached.
    std::int64_t span = 0;
    for (std::size_t i = 0; i < m_waterfalls.size(); ++i) {
        LabWaterfall *w = m_waterfalls[i];
        if (i >= report.modes.size() || report.modes[i].runs.empty()) {
            w->clear();
            w->setVisible(i < report.modes.size());
            continue;
        }
        const lab::ModeSummary &s = report.modes[i];
        w->setVisible(true);
        w->setLoad(QString::fromUtf8(lab::loadModeLabel(s.mode)), s.runs[std::min(s.medianRun, s.runs.size() - 1)]);
        w->setHighlighted(&s == fastest && report.modes.size() > 1);
        span = std::max(span, w->lastTimeUs());
    }
    for (LabWaterfall *w : m_waterfalls)
        w->setTimeSpanUs(span + span / 25);

    fillTable(report);
    m_verdict->setText(qs(report.verdict));
    m_verdict->setVisible(!report.verdict.empty());
    m_status->setText(tr("Done: %n load(s).", nullptr, static_cast<int>(report.runs * report.modes.size())));
    setRunning(m_worker != nullptr);
}

void LabView::fillTable(const lab::LabReport &report)
{
    m_table->setRowCount(static_cast<int>(report.modes.size()));
    const lab::ModeSummary *fastest = nullptr;
    for (const lab::ModeSummary &s : report.modes)
        if (s.pageComplete.median >= 0 && (!fastest || s.pageComplete.median < fastest->pageComplete.median))
            fastest = &s;
    int row = 0;
    for (const lab::ModeSummary &s : report.modes) {
        const QStringList cells = {
            QString::fromUtf8(lab::loadModeLabel(s.mode)),
            msText(s.pageComplete.median),
            msText(s.pageComplete.min) + QStringLiteral(" – ") + msText(s.pageComplete.max),
            msText(s.ttfb.median),
            QString::number(s.connections),
            QString::number(s.tlsHandshakes),
            QString::number(s.requests),
            QString::number(s.earlyHints),
            s.pushedStreams == 0
                ? QStringLiteral("–")
                : QStringLiteral("%1 / %2").arg(s.pushedUsed).arg(s.pushedWasted)
                      + (s.pushedWastedBytes ? QStringLiteral(" (%1)").arg(bytesShort(s.pushedWastedBytes))
                                             : QString()),
            bytesShort(s.bytesDown),
        };
        for (int col = 0; col < cells.size(); ++col) {
            auto *item = new QTableWidgetItem(cells[col]);
            item->setTextAlignment(Qt::AlignVCenter | (col == 0 ? Qt::AlignLeft : Qt::AlignRight));
            if (&s == fastest) {
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
            m_table->setItem(row, col, item);
        }
        ++row;
    }
    m_table->resizeRowsToContents();
    int height = m_table->horizontalHeader()->height() + 2 * m_table->frameWidth();
    for (int r = 0; r < m_table->rowCount(); ++r)
        height += m_table->rowHeight(r);
    m_table->setFixedHeight(height);
}

bool LabView::exportJson(const QString &path, QString *error) const
{
    if (!m_report) {
        if (error)
            *error = tr("Nothing to export yet: run the lab first.");
        return false;
    }
    const std::string text = lab::labReportJson(*m_report);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size())
        || !file.flush()) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

bool LabView::exportPng(const QString &path, QString *error)
{
    if (!m_report) {
        if (error)
            *error = tr("Nothing to export yet: run the lab first.");
        return false;
    }
    const QPixmap image = grab();
    if (image.isNull() || !image.save(path, "PNG")) {
        if (error)
            *error = tr("Cannot write %1: the image could not be saved there.").arg(QDir::toNativeSeparators(path));
        return false;
    }
    return true;
}

void LabView::chooseJsonFile()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the lab report"),
                                                      QStringLiteral("h2scope-lab.json"), tr("JSON (*.json)"));
    QString error;
    if (!path.isEmpty() && !exportJson(path, &error))
        QMessageBox::warning(this, tr("Export JSON"), error);
}

void LabView::choosePngFile()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the lab view"),
                                                      QStringLiteral("h2scope-lab.png"), tr("PNG images (*.png)"));
    QString error;
    if (!path.isEmpty() && !exportPng(path, &error))
        QMessageBox::warning(this, tr("Export PNG"), error);
}

} // namespace h2scope::ui
