#pragma once
// ServerBar: the strip at the top of the window — the served folder (with a
// chooser, and a drop target for folders), the URL (copy, open in browser),
// start/stop, and what the server speaks and with which certificate.

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace h2scope::ui {

class ServerBar final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerBar)

public:
    explicit ServerBar(QWidget *parent = nullptr);

    void setServing(const QString &url, const QString &folder, bool isDemo);
    void setRunning(bool running);
    void setProtocolStatus(const QString &text);
    void setCertificateStatus(const QString &text);
    QString url() const { return m_url; }

signals:
    void folderChosen(const QString &folder);
    void startRequested();
    void stopRequested();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    QLineEdit *m_folder = nullptr;
    QLabel *m_urlLabel = nullptr;
    QPushButton *m_startStop = nullptr;
    QLabel *m_protocol = nullptr;
    QLabel *m_certificate = nullptr;
    QString m_url;
    bool m_running = false;
};

} // namespace h2scope::ui
