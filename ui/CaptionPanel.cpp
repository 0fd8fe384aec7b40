#include "ui/CaptionPanel.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include "core/common/Error.h"
#include "core/text/TextCodec.h"

namespace sem::ui {

CaptionPanel::CaptionPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_edit = new QPlainTextEdit(this);
    m_edit->setPlaceholderText(tr("A short caption: objects, colours, layout. Every byte is paid for."));
    m_edit->setTabChangesFocus(true);
    m_edit->setMinimumHeight(60);
    m_edit->setMaximumHeight(110);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_status);
    connect(m_edit, &QPlainTextEdit::textChanged, this, [this] {
        recode();
        emit captionChanged();
    });
    recode();
}

QString CaptionPanel::text() const
{
    return m_edit->toPlainText();
}

void CaptionPanel::setText(const QString& text)
{
    {
        const QSignalBlocker block(m_edit);
        m_edit->setPlainText(text);
    }
    recode();
}

QString CaptionPanel::statusText() const
{
    return m_status->text();
}

void CaptionPanel::recode()
{
    const QByteArray utf8 = m_edit->toPlainText().toUtf8();
    m_error.clear();
    if (utf8.isEmpty()) {
        m_coded = std::vector<std::uint8_t>{};
        m_status->setStyleSheet(QString());
        m_status->setText(tr("No caption: 0 bytes"));
        return;
    }
    try {
        m_coded = TextCodec::encode(std::string_view(utf8.constData(), std::size_t(utf8.size())));
        m_status->setStyleSheet(QString());
        m_status->setText(tr("%1 bytes coded (%2 bytes of UTF-8)").arg(m_coded->size()).arg(utf8.size()));
    } catch (const Error& e) {
        m_coded.reset();
        m_error = QString::fromUtf8(e.what());
        m_status->setStyleSheet(QStringLiteral("color: #c0392b;"));
        m_status->setText(m_error);
    }
}

}  // namespace sem::ui
