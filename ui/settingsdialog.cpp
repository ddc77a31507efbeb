#include "settingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace h2scope::ui {

SettingsDialog::SettingsDialog(const ServerSettings &s, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("h2scope settings"));
    auto *form = new QFormLayout;
    m_host = new QLineEdit(s.host, this);
    m_host->setToolTip(tr("Address to listen on: 127.0.0.1 keeps the server to this machine."));
    form->addRow(tr("&Host:"), m_host);
    m_port = new QSpinBox(this);
    m_port->setRange(0, 65535);
    m_port->setValue(s.port);
    m_port->setSpecialValueText(tr("any free port"));
    form->addRow(tr("&Port:"), m_port);
    m_push = new QComboBox(this);
    m_push->addItem(tr("off — never push"), QStringLiteral("off"));
    m_push->addItem(tr("rules — _headers and push_manifest.json"), QStringLiteral("rules"));
    m_push->addItem(tr("auto — rules plus assets found in HTML"), QStringLiteral("auto"));
    m_push->setCurrentIndex(std::max(0, m_push->findData(s.pushMode)));
    form->addRow(tr("Server p&ush:"), m_push);
    m_earlyHints = new QCheckBox(tr("Send 103 Early Hints to page loads"), this);
    m_earlyHints->setChecked(s.earlyHints);
    form->addRow(QString(), m_earlyHints);
    m_budget = new QSpinBox(this);
    m_budget->setRange(1, 65536);
    m_budget->setSuffix(tr(" MiB"));
    m_budget->setValue(static_cast<int>(std::min<quint64>(s.captureBudgetMiB, 65536)));
    m_budget->setToolTip(tr("When the capture is full, the oldest closed connections are dropped first."));
    form->addRow(tr("Capture &budget:"), m_budget);
    auto *keylogRow = new QHBoxLayout;
    m_keylog = new QLineEdit(s.keylogFile, this);
    m_keylog->setPlaceholderText(tr("none (SSLKEYLOGFILE is used when set)"));
    auto *browse = new QPushButton(tr("Choose…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("TLS key log file"), m_keylog->text());
        if (!f.isEmpty())
            m_keylog->setText(f);
    });
    keylogRow->addWidget(m_keylog, 1);
    keylogRow->addWidget(browse);
    form->addRow(tr("TLS &key log:"), keylogRow);

    auto *note = new QLabel(tr("Host, port, push, early hints and key log apply the next time the server starts; "
                               "the capture budget applies at once."),
                            this);
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
}

ServerSettings SettingsDialog::settings() const
{
    ServerSettings s;
    s.host = m_host->text().trimmed();
    s.port = static_cast<quint16>(m_port->value());
    s.pushMode = m_push->currentData().toString();
    s.earlyHints = m_earlyHints->isChecked();
    s.captureBudgetMiB = static_cast<quint64>(m_budget->value());
    s.keylogFile = m_keylog->text().trimmed();
    return s;
}

} // namespace h2scope::ui
