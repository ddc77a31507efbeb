#include "certificatesdialog.h"

#include "caroot.h"
#include "leaf.h"
#include "localca.h"
#include "snippets.h"
#include "trust.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>

#include <memory>
#include <vector>

namespace h2scope::ui {

// Everything one background run produces; copied to the GUI thread.
struct CertificatesDialog::Outcome {
    QString caroot;
    bool hasCa = false;
    QString error;
    certs::CertSummary ca;
    bool hasLeaf = false;
    certs::CertSummary leaf;
    std::vector<certs::StoreStatus> stores;
    std::vector<certs::Snippet> snippets;
    QStringList changes; // what Trust/Untrust did, one line per store
    bool needsRestart = false;
};

namespace {

QString when(long long epoch)
{
    const QDateTime t = QDateTime::fromSecsSinceEpoch(epoch, Qt::UTC);
    const qint64 days = QDateTime::currentDateTimeUtc().daysTo(t);
    return t.toString(Qt::ISODate) + (days < 0 ? QObject::tr(" (expired)") : QObject::tr(" (%1 days left)").arg(days));
}

QString describe(const certs::CertSummary &c)
{
    return QObject::tr("<b>%1</b> (%2)<br>Expires %3<br><small>SHA-256 %4</small>")
        .arg(QString::fromStdString(c.commonName).toHtmlEscaped(), QString::fromStdString(c.keyAlgorithm),
             when(c.notAfter), QString::fromStdString(c.sha256));
}

} // namespace

CertificatesDialog::CertificatesDialog(const std::string &caroot, QWidget *parent) : QDialog(parent), m_caroot(caroot)
{
    setWindowTitle(tr("Certificates"));
    setAttribute(Qt::WA_DeleteOnClose, parent != nullptr);
    resize(820, 600);

    m_caLabel = new QLabel(this);
    m_caLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_caLabel->setWordWrap(true);
    m_leafLabel = new QLabel(this);
    m_leafLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_leafLabel->setWordWrap(true);

    m_table = new QTableWidget(0, 4, this);
    m_table->setHorizontalHeaderLabels({tr("Store"), tr("State"), tr("Location"), tr("Why")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(true);

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_restart = new QLabel(QString::fromStdString(certs::restartAdvice()), this);
    m_restart->setWordWrap(true);
    m_restart->hide();

    m_snippets = new QPlainTextEdit(this);
    m_snippets->setReadOnly(true);
    m_snippets->setMaximumHeight(150);
    m_snippets->setFont(QFont(QStringLiteral("monospace")));

    m_trust = new QPushButton(tr("Trust"), this);
    m_trust->setToolTip(tr("Install the local CA into every trust store of this machine"));
    m_untrust = new QPushButton(tr("Untrust"), this);
    m_untrust->setToolTip(tr("Remove the local CA from every store it was installed in"));
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_copy = new QPushButton(tr("Copy snippets"), this);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_trust);
    buttons->addWidget(m_untrust);
    buttons->addWidget(m_refresh);
    buttons->addStretch();
    buttons->addWidget(close);

    auto *certRow = new QHBoxLayout;
    certRow->addWidget(m_caLabel, 1);
    certRow->addWidget(m_leafLabel, 1);

    auto *snippetRow = new QHBoxLayout;
    snippetRow->addWidget(new QLabel(tr("Tools with their own trust settings:"), this));
    snippetRow->addStretch();
    snippetRow->addWidget(m_copy);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(certRow);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_message);
    layout->addWidget(m_restart);
    layout->addLayout(snippetRow);
    layout->addWidget(m_snippets);
    layout->addLayout(buttons);

    connect(m_trust, &QPushButton::clicked, this, [this] { run(Action::Trust); });
    connect(m_untrust, &QPushButton::clicked, this, [this] { run(Action::Untrust); });
    connect(m_refresh, &QPushButton::clicked, this, &CertificatesDialog::refresh);
    connect(m_copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_snippets->toPlainText()); });
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);

    refresh();
}

CertificatesDialog::~CertificatesDialog() = default;

void CertificatesDialog::refresh()
{
    run(Action::Status);
}

void CertificatesDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_trust->setEnabled(!busy);
    m_untrust->setEnabled(!busy);
    m_refresh->setEnabled(!busy);
    if (busy)
        m_message->setText(tr("Working... (a password prompt may appear)"));
}

void CertificatesDialog::run(Action action)
{
    if (m_busy)
        return;
    setBusy(true);
    // The worker owns copies only; if the dialog closes first, the result is dropped
    // (the connection dies with the dialog) and the thread still finishes and deletes itself.
    auto outcome = std::make_shared<Outcome>();
    const std::string requested = m_caroot;
    QThread *worker = QThread::create([outcome, requested, action] {
        auto root = certs::resolveCaRoot(requested);
        if (!root) {
            outcome->error = QString::fromStdString(root.error().message);
            return;
        }
        outcome->caroot = QString::fromStdString(*root);
        Result<certs::LocalCa> ca = action == Action::Trust
                                        ? certs::LocalCa::loadOrCreate(*root, certs::KeyAlgorithm::EcdsaP256, nullptr)
                                        : certs::LocalCa::load(*root);
        if (!ca) {
            outcome->error = QString::fromStdString(ca.error().message);
            return;
        }
        if (action != Action::Status) {
            const certs::TrustReport report = action == Action::Trust
                                                  ? certs::installTrust(*ca, certs::platformStores())
                                                  : certs::uninstallTrust(*ca, certs::platformStores());
            for (const certs::TrustChange &c : report.changes) {
                outcome->changes << QStringLiteral("%1: %2%3")
                                        .arg(QString::fromLatin1(certs::storeKindName(c.kind)),
                                             c.done ? QString() : QObject::tr("NOT DONE: "),
                                             QString::fromStdString(c.message));
                outcome->needsRestart = outcome->needsRestart || (c.done && c.needsRestart);
            }
        }
        outcome->hasCa = true;
        outcome->ca = ca->summary();
        if (auto pem = certs::readWholeFile(certs::appLeafCertPath(*root)))
            if (auto leaf = certs::summarizeCertPem(*pem)) {
                outcome->hasLeaf = true;
                outcome->leaf = *leaf;
            }
        outcome->stores = certs::trustStatus(*ca, certs::platformStores());
        outcome->snippets = certs::trustSnippets(certs::LocalCa::certPath(*root), *root + "/h2scope-truststore.p12",
                                                 certs::systemBundlePath(), *root + "/ca-bundle-with-system.pem");
    });
    connect(worker, &QThread::finished, this, [this, outcome] {
        setBusy(false);
        apply(*outcome);
    });
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start();
}

void CertificatesDialog::apply(const Outcome &o)
{
    if (!o.hasCa) {
        m_caLabel->setText(tr("<b>No local CA yet.</b><br>h2scope creates one when it first serves over HTTPS,"
                              " or press Trust to create and trust it now."));
        m_leafLabel->clear();
        m_table->setRowCount(0);
        m_snippets->clear();
        m_untrust->setEnabled(false);
        m_message->setText(o.error.toHtmlEscaped());
        emit statusUpdated(0);
        return;
    }
    m_caLabel->setText(tr("Local CA in %1<br>").arg(o.caroot.toHtmlEscaped()) + describe(o.ca));
    m_leafLabel->setText(o.hasLeaf ? tr("h2scope's certificate for %1<br>")
                                             .arg(QString::fromStdString([&] {
                                                      std::string s;
                                                      for (const std::string &n : o.leaf.names)
                                                          s += (s.empty() ? "" : ", ") + n;
                                                      return s;
                                                  }())
                                                      .toHtmlEscaped())
                                         + describe(o.leaf)
                                   : tr("No certificate issued yet: h2scope issues one when it starts."));
    m_table->setRowCount(static_cast<int>(o.stores.size()));
    int trusted = 0;
    for (int row = 0; row < static_cast<int>(o.stores.size()); ++row) {
        const certs::StoreStatus &s = o.stores[static_cast<std::size_t>(row)];
        trusted += s.state == certs::TrustState::Trusted ? 1 : 0;
        auto *state = new QTableWidgetItem(QString::fromLatin1(certs::trustStateName(s.state)));
        state->setForeground(s.state == certs::TrustState::Trusted      ? QColor(0x1b, 0x7f, 0x2a)
                             : s.state == certs::TrustState::NotTrusted ? QColor(0xb0, 0x30, 0x20)
                                                                        : palette().color(QPalette::PlaceholderText));
        m_table->setItem(row, 0, new QTableWidgetItem(QString::fromLatin1(certs::storeKindName(s.kind))));
        m_table->setItem(row, 1, state);
        m_table->setItem(row, 2, new QTableWidgetItem(QString::fromStdString(s.location)));
        m_table->setItem(row, 3, new QTableWidgetItem(QString::fromStdString(s.detail)));
    }
    m_table->resizeColumnsToContents();
    m_table->resizeRowsToContents();
    QString snippets;
    for (const certs::Snippet &s : o.snippets)
        snippets += QStringLiteral("# %1\n%2\n").arg(QString::fromStdString(s.tool), QString::fromStdString(s.text));
    m_snippets->setPlainText(snippets);
    m_message->setText(o.changes.isEmpty() ? QString() : o.changes.join(u'\n'));
    m_restart->setVisible(o.needsRestart || m_restart->isVisible());
    m_untrust->setEnabled(true);
    emit statusUpdated(trusted);
}

} // namespace h2scope::ui
