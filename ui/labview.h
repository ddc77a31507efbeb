#pragma once
// LabView: the protocol lab in the GUI. Pick an HTML page of the folder, a
// network preset and a number of runs, press Run: a worker thread serves the
// folder in-process on 127.0.0.1 (TLS, push rules on, as `h2scope lab` does)
// and loads the page in the four modes through the emulated network. The
// median run of each mode appears as a waterfall, the four side by side on
// one time scale, over a summary table and the verdict. The result can be
// exported as JSON (the `h2scope lab --json` format) and as a PNG of the view.
//
// The GUI thread never waits for the lab: progress and the report come back
// as queued calls. Destroying the view cancels a running lab and waits for
// the load in flight to stop (at most one page load). GUI thread only.

#include "lab/labreport.h"
#include "lab/networkprofile.h"

#include <QString>
#include <QWidget>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QDoubleSpinBox;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QThread;

namespace h2scope::ui {

class LabWaterfall;

class LabView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LabView)

public:
    // `folder` is the served folder; its HTML pages fill the page chooser.
    explicit LabView(const QString &folder, QWidget *parent = nullptr);
    ~LabView() override;

    QString folder() const { return m_folder; }
    // URL paths of the pages offered ("/", "/about/", "/blog/post.html").
    QStringList pages() const;

    // Choose what the next run does (what the controls do); false when the
    // page or preset is not offered.
    bool setPage(const QString &urlPath);
    bool setNetworkPreset(const QString &name);
    // A network of one's own, as --rtt/--bandwidth/--loss give on the command
    // line: round trip in ms, kbit/s per direction (0: unlimited), loss 0..1.
    void setCustomNetwork(std::uint32_t rttMs, std::uint64_t bandwidthKbit, double loss);
    // What the next run emulates.
    lab::NetworkProfile network() const;
    void setRuns(int runs);

    // Starts the lab with the chosen page, preset and runs; false (and
    // nothing happens) while a lab runs or when the folder has no page.
    bool run();
    // Asks the running lab to stop after the load in flight.
    void cancel();
    bool isRunning() const { return m_worker != nullptr; }

    // The last report (nullptr before the first successful run).
    const lab::LabReport *report() const { return m_report ? &*m_report : nullptr; }
    // Shows a report as if a run had produced it (also what run() does).
    void showReport(const lab::LabReport &report);

    // Writes the report as JSON / the view as PNG. False with `error` set
    // ("nothing to export yet", "cannot write ...: ...") on failure.
    bool exportJson(const QString &path, QString *error = nullptr) const;
    bool exportPng(const QString &path, QString *error = nullptr);

    // For tests and the docs screenshot.
    const std::vector<LabWaterfall *> &waterfalls() const { return m_waterfalls; }
    QTableWidget *summaryTable() const { return m_table; }
    QString verdictText() const;
    QString statusText() const;

signals:
    // After each run, successful or not; `message` says why it failed.
    void runFinished(bool ok, const QString &message);

private:
    struct Job;

    void buildUi();
    void fillPages();
    void setRunning(bool running);
    void onProgress(std::size_t done, std::size_t total);
    void onWorkerFinished();
    void fillTable(const lab::LabReport &report);
    void chooseJsonFile();
    void choosePngFile();

    QString m_folder;
    QComboBox *m_pageBox = nullptr;
    QComboBox *m_presetBox = nullptr;
    QWidget *m_customBox = nullptr; // the custom network's fields, shown for "custom"
    QSpinBox *m_rttBox = nullptr;
    QSpinBox *m_bandwidthBox = nullptr;
    QDoubleSpinBox *m_lossBox = nullptr;
    QSpinBox *m_runsBox = nullptr;
    QPushButton *m_runButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QPushButton *m_jsonButton = nullptr;
    QPushButton *m_pngButton = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_heading = nullptr;
    std::vector<LabWaterfall *> m_waterfalls;
    QTableWidget *m_table = nullptr;
    QLabel *m_verdict = nullptr;

    std::shared_ptr<Job> m_job; // shared with the worker thread
    QThread *m_worker = nullptr;
    std::optional<lab::LabReport> m_report;
};

} // namespace h2scope::ui
