#pragma once
// SettingsDialog: the serving options the command line offers (host, port,
// push mode, early hints, live reload, SPA, custom 404, LAN access, capture
// budget, TLS key log).

#include "serversettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

namespace h2scope::ui {

class SettingsDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    explicit SettingsDialog(const ServerSettings &settings, QWidget *parent = nullptr);
    ServerSettings settings() const;

private:
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QComboBox *m_push = nullptr;
    QCheckBox *m_earlyHints = nullptr;
    QCheckBox *m_liveReload = nullptr;
    QCheckBox *m_spa = nullptr;
    QCheckBox *m_moduleGraph = nullptr;
    QCheckBox *m_custom404 = nullptr;
    QCheckBox *m_lan = nullptr;
    QSpinBox *m_budget = nullptr;
    QLineEdit *m_keylog = nullptr;
};

} // namespace h2scope::ui
