#pragma once
// LanPanel: with LAN access on, the URLs other devices can open, and the
// chosen one as a QR code to point a phone's camera at. GUI thread only.

#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;

namespace h2scope::ui {

class QrCodeWidget;

class LanPanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LanPanel)

public:
    explicit LanPanel(QWidget *parent = nullptr);

    // The LAN URLs, best first (empty: LAN access is off or there is no network).
    void setUrls(const QStringList &urls);
    QStringList urls() const { return m_urls; }
    // The URL the QR code encodes ("" when none).
    QString currentUrl() const;
    QrCodeWidget *qrCode() const { return m_qr; }

private:
    void showUrl(int index);

    QStringList m_urls;
    QComboBox *m_choice = nullptr;
    QLabel *m_url = nullptr;
    QrCodeWidget *m_qr = nullptr;
};

} // namespace h2scope::ui
