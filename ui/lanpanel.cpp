#include "lanpanel.h"

#include "qrcode.h"

#include <QComboBox>
#include <QLabel>
#include <QVBoxLayout>

namespace h2scope::ui {

LanPanel::LanPanel(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("lanPanel"));
    m_choice = new QComboBox(this);
    m_choice->setToolTip(tr("This machine has several network addresses: pick the one the phone's network reaches."));
    connect(m_choice, &QComboBox::currentIndexChanged, this, &LanPanel::showUrl);
    m_qr = new QrCodeWidget(this);
    m_qr->setMinimumSize(180, 180);
    m_url = new QLabel(this);
    m_url->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_url->setAlignment(Qt::AlignCenter);
    auto *note = new QLabel(tr("Point a phone's camera at the code; the phone must be on the same network. It warns "
                               "about the certificate until it trusts the local CA (File ▸ Certificates… "
                               "explains how)."),
                            this);
    note->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_choice);
    layout->addWidget(m_qr, 1);
    layout->addWidget(m_url);
    layout->addWidget(note);
    setUrls({});
}

void LanPanel::setUrls(const QStringList &urls)
{
    m_urls = urls;
    const QSignalBlocker block(m_choice);
    m_choice->clear();
    m_choice->addItems(urls);
    m_choice->setVisible(urls.size() > 1);
    showUrl(urls.isEmpty() ? -1 : 0);
}

QString LanPanel::currentUrl() const
{
    return m_qr->text();
}

void LanPanel::showUrl(int index)
{
    const QString url = index >= 0 && index < m_urls.size() ? m_urls.at(index) : QString();
    m_qr->setText(url);
    m_url->setText(url.isEmpty() ? tr("No LAN address: only this machine can connect.") : url);
}

} // namespace h2scope::ui
