#include "ui/panels/CaptionPanel.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTextCursor>
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
    auto* row = new QHBoxLayout;
    m_generate = new QPushButton(tr("Generate"), this);
    m_cancel = new QPushButton(tr("Cancel"), this);
    row->addWidget(m_generate);
    row->addWidget(m_cancel);
    row->addStretch(1);
    layout->addLayout(row);
    m_generateStatus = new QLabel(this);
    m_generateStatus->setWordWrap(true);
    layout->addWidget(m_generateStatus);
    connect(m_generate, &QPushButton::clicked, this, &CaptionPanel::generateRequested);
    connect(m_cancel, &QPushButton::clicked, this, &CaptionPanel::cancelRequested);
    setGenerateAvailable(false, tr("Open an image to generate a caption."));
    connect(m_edit, &QPlainTextEdit::textChanged, this, [this] {
        recode();
        m_generate->setText(m_edit->toPlainText().isEmpty() ? tr("Generate") : tr("Regenerate"));
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

void CaptionPanel::setGenerating(bool running)
{
    m_generating = running;
    if (running)
        setGenerateNote(tr("Asking the caption service…"));
    setGenerateAvailable(m_generateAvailable, m_generate->toolTip());
}

void CaptionPanel::setGenerateAvailable(bool available, const QString& reason)
{
    m_generateAvailable = available;
    m_generate->setText(m_edit->toPlainText().isEmpty() ? tr("Generate") : tr("Regenerate"));
    m_generate->setEnabled(available && !m_generating);
    m_generate->setToolTip(available ? tr("Ask the caption service (Settings) for a caption of this image") : reason);
    m_cancel->setEnabled(m_generating);
}

void CaptionPanel::applyGenerated(const QString& caption, const QString& note)
{
    // One edit through a cursor, so the editor's undo stack can bring the old text back.
    QTextCursor cursor(m_edit->document());
    cursor.beginEditBlock();
    cursor.select(QTextCursor::Document);
    cursor.insertText(caption);
    cursor.endEditBlock();
    setGenerateNote(note);
}

void CaptionPanel::setGenerateError(const QString& message)
{
    m_generateStatus->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_generateStatus->setText(message);
}

void CaptionPanel::setGenerateNote(const QString& note)
{
    m_generateStatus->setStyleSheet(QString());
    m_generateStatus->setText(note);
}

QString CaptionPanel::generateStatusText() const
{
    return m_generateStatus->text();
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
