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
    m_host->setToolTip(tr("Address to listen on: localhost (127.0.0.1 and ::1) keeps the server to this machine."));
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
    m_moduleGraph = new QCheckBox(tr("Push and hint the modules that module scripts import (push auto)"), this);
    m_moduleGraph->setObjectName(QStringLiteral("moduleGraph"));
    m_moduleGraph->setChecked(s.moduleGraph);
    form->addRow(QString(), m_moduleGraph);
    m_liveReload = new QCheckBox(tr("Live reload: reload pages when a file of the folder changes"), this);
    m_liveReload->setChecked(s.liveReload);
    form->addRow(QString(), m_liveReload);
    m_spa = new QCheckBox(tr("Single-page app: unknown paths without an extension serve /index.html"), this);
    m_spa->setChecked(s.spa);
    form->addRow(QString(), m_spa);
    m_custom404 = new QCheckBox(tr("Answer 404s with the folder's 404.html"), this);
    m_custom404->setChecked(s.custom404);
    form->addRow(QString(), m_custom404);
    m_lan = new QCheckBox(tr("LAN access: let other devices on the network (a phone) connect"), this);
    m_lan->setChecked(s.lan);
    m_lan->setToolTip(
        tr("Listens on all interfaces instead of the loopback addresses; the window then shows a QR code of the "
           "LAN address. Off unless you turn it on for this folder."));
    form->addRow(QString(), m_lan);
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
    // A label of its own: with a layout as the field, QFormLayout's label
    // has no buddy, and the mnemonic showed as a literal "&".
    auto *keylogLabel = new QLabel(tr("TLS &key log:"), this);
    keylogLabel->setBuddy(m_keylog);
    form->addRow(keylogLabel, keylogRow);

    auto *note = new QLabel(tr("These are remembered for the folder being served. OK restarts the server with them "
                               "(the capture budget applies at once, without a restart)."),
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
    s.liveReload = m_liveReload->isChecked();
    s.spa = m_spa->isChecked();
    s.moduleGraph = m_moduleGraph->isChecked();
    s.custom404 = m_custom404->isChecked();
    s.lan = m_lan->isChecked();
    return s;
}

} // namespace h2scope::ui
