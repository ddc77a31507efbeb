#pragma once
// The Certificates dialog: where the local CA is trusted (one row per store
// location), the CA's and the leaf's expiry and SHA-256 fingerprints, Trust and
// Untrust buttons, copyable snippets for tools with their own trust stores,
// and what to restart afterwards.
//
// Open it with one call: `(new CertificatesDialog(caroot, parent))->open();`
// (it deletes itself on close), or exec() a stack instance. `caroot` is the CA
// folder (Options::caroot; "" means $H2SCOPE_CAROOT or the per-user data
// folder). Store checks and changes run external tools, so they run on a
// worker thread; the dialog stays responsive and shows "Working...".
// GUI thread only.

#include <QDialog>
#include <QString>

#include <string>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace h2scope::ui {

class CertificatesDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CertificatesDialog)

public:
    explicit CertificatesDialog(const std::string &caroot, QWidget *parent = nullptr);
    ~CertificatesDialog() override;

    // Re-reads the CA, the leaf and every store (asynchronously).
    void refresh();

signals:
    // Emitted after each refresh, with the number of store locations that trust the CA.
    void statusUpdated(int trustedLocations);

private:
    enum class Action { Status, Trust, Untrust };
    struct Outcome;
    void run(Action action);
    void apply(const Outcome &outcome);
    void setBusy(bool busy);

    std::string m_caroot;
    QLabel *m_caLabel = nullptr;
    QLabel *m_leafLabel = nullptr;
    QTableWidget *m_table = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_restart = nullptr;
    QPlainTextEdit *m_snippets = nullptr;
    QPushButton *m_trust = nullptr;
    QPushButton *m_untrust = nullptr;
    QPushButton *m_refresh = nullptr;
    QPushButton *m_copy = nullptr;
    bool m_busy = false;
};

} // namespace h2scope::ui
