#include "qrcode.h"

#include <QPainter>

#include <qrencode.h>

#include <memory>

namespace h2scope::ui {

namespace {

constexpr int kQuietZone = 4; // modules of white around the code (ISO/IEC 18004)

struct QrFree {
    void operator()(QRcode *code) const { QRcode_free(code); }
};

// One pixel per module, quiet zone included.
QImage renderModules(const QRcode &code)
{
    const int side = code.width + 2 * kQuietZone;
    QImage image(side, side, QImage::Format_Mono);
    image.setColor(0, qRgb(255, 255, 255));
    image.setColor(1, qRgb(0, 0, 0));
    image.fill(0);
    for (int y = 0; y < code.width; ++y)
        for (int x = 0; x < code.width; ++x)
            if (code.data[y * code.width + x] & 1) // bit 0: dark module
                image.setPixel(x + kQuietZone, y + kQuietZone, 1);
    return image;
}

QImage encode(const QString &text)
{
    if (text.isEmpty())
        return {};
    const QByteArray utf8 = text.toUtf8();
    std::unique_ptr<QRcode, QrFree> code(QRcode_encodeString(utf8.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    if (!code)
        return {};
    return renderModules(*code);
}

} // namespace

QImage makeQrCode(const QString &text, int moduleSize)
{
    const QImage modules = encode(text);
    if (modules.isNull() || moduleSize <= 1)
        return modules;
    return modules.scaled(modules.width() * moduleSize, modules.height() * moduleSize, Qt::IgnoreAspectRatio,
                          Qt::FastTransformation);
}

QrCodeWidget::QrCodeWidget(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void QrCodeWidget::setText(const QString &text)
{
    m_text = text;
    m_image = encode(text);
    setToolTip(text);
    updateGeometry();
    update();
}

QSize QrCodeWidget::sizeHint() const
{
    if (m_image.isNull())
        return {0, 0};
    return m_image.size() * 5;
}

void QrCodeWidget::paintEvent(QPaintEvent *)
{
    if (m_image.isNull())
        return;
    QPainter painter(this);
    // Whole pixels per module keep the code sharp, so phones read it.
    const int fit = std::min(width(), height()) / m_image.width();
    const int scale = std::max(1, fit);
    const int side = m_image.width() * scale;
    const QRect target((width() - side) / 2, (height() - side) / 2, side, side);
    painter.fillRect(rect(), Qt::white);
    painter.drawImage(target, m_image);
}

} // namespace h2scope::ui
