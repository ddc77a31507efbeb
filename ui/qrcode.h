#pragma once
// QR codes for the LAN URL (--lan), so a phone on the same network can open
// the served site by pointing its camera at the window. libqrencode does the
// encoding; this file only turns its modules into pixels.

#include <QImage>
#include <QString>
#include <QWidget>

namespace h2scope::ui {

// `text` (UTF-8, e.g. "https://192.168.1.20:8443/") as a black-on-white QR
// code, error correction level M, each module `moduleSize` pixels, with the
// standard 4-module quiet zone. A null QImage when the text is empty or too
// long for a QR code (about 2,300 bytes at level M) or libqrencode fails.
// Any thread (QImage, not QPixmap).
QImage makeQrCode(const QString &text, int moduleSize = 6);

// Shows one QR code, scaled by whole modules to fit, with the encoded text
// as its tool tip. GUI thread only.
class QrCodeWidget final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QrCodeWidget)

public:
    explicit QrCodeWidget(QWidget *parent = nullptr);

    // Empty text clears the widget.
    void setText(const QString &text);
    QString text() const { return m_text; }
    // The code at one pixel per module (null when there is none).
    const QImage &image() const { return m_image; }

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_text;
    QImage m_image;
};

} // namespace h2scope::ui
