#include "filterbar.h"

#include "framefilter.h"

#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStringListModel>
#include <QVBoxLayout>

namespace h2scope::ui {

FilterBar::FilterBar(QWidget *parent) : QWidget(parent)
{
    m_edit = new QLineEdit(this);
    m_edit->setObjectName(QStringLiteral("frameFilter"));
    m_edit->setClearButtonEnabled(true);
    m_edit->setPlaceholderText(
        tr("Filter frames: stream:5 type:DATA|HEADERS dir:out flags:END_STREAM pushed status:4xx path:~regex"));
    // Completion of the word being typed: the model holds "what is typed so
    // far + each token", so QCompleter's plain prefix matching does the rest.
    auto *words = new QStringListModel(FrameFilter::vocabulary(), m_edit);
    auto *completer = new QCompleter(words, m_edit);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_edit->setCompleter(completer);
    connect(m_edit, &QLineEdit::textEdited, this, [words](const QString &text) {
        const QString prefix = text.left(text.lastIndexOf(u' ') + 1);
        QStringList list;
        for (const QString &w : FrameFilter::vocabulary())
            list << prefix + w;
        words->setStringList(list);
    });
    connect(m_edit, &QLineEdit::returnPressed, this, [this] { emit filterEntered(m_edit->text()); });
    connect(m_edit, &QLineEdit::textChanged, this, [this](const QString &t) {
        if (t.isEmpty())
            emit filterEntered(t);
    });
    auto *apply = new QPushButton(tr("Apply"), this);
    connect(apply, &QPushButton::clicked, this, [this] { emit filterEntered(m_edit->text()); });
    auto *follow = new QPushButton(tr("Follow stream"), this);
    follow->setToolTip(tr("Show only the frames of the selected frame's stream"));
    connect(follow, &QPushButton::clicked, this, &FilterBar::followStreamRequested);

    auto *row = new QHBoxLayout;
    row->addWidget(m_edit, 1);
    row->addWidget(apply);
    row->addWidget(follow);
    m_error = new QLabel(this);
    m_error->setStyleSheet(QStringLiteral("color:#b91c1c"));
    m_error->hide();
    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(2);
    v->addLayout(row);
    v->addWidget(m_error);
}

QString FilterBar::text() const
{
    return m_edit->text();
}

void FilterBar::setText(const QString &text)
{
    if (m_edit->text() != text)
        m_edit->setText(text);
}

void FilterBar::setError(const QString &error)
{
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
}

void FilterBar::focusEdit()
{
    m_edit->setFocus(Qt::ShortcutFocusReason);
    m_edit->selectAll();
}

} // namespace h2scope::ui
