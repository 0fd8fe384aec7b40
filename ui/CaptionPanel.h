#pragma once
#include <QWidget>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

class QLabel;
class QPlainTextEdit;

namespace sem::ui {

// The caption editor with a live count of its coded size (TextCodec::encode). An invalid or
// too long caption is reported in the panel, never in a dialog, and the text is kept as typed.
// (The caption client's Generate / Cancel row goes below the editor when it lands.)
class CaptionPanel : public QWidget {
    Q_OBJECT
public:
    explicit CaptionPanel(QWidget* parent = nullptr);

    QString text() const;
    void setText(const QString& text);  // does not emit captionChanged()
    // The coded caption; empty when the caption is empty; nullopt when it cannot be coded.
    const std::optional<std::vector<std::uint8_t>>& coded() const { return m_coded; }
    QString errorText() const { return m_error; }
    QString statusText() const;
    QPlainTextEdit* editor() const { return m_edit; }

signals:
    void captionChanged();

private:
    void recode();

    QPlainTextEdit* m_edit = nullptr;
    QLabel* m_status = nullptr;
    std::optional<std::vector<std::uint8_t>> m_coded = std::vector<std::uint8_t>{};
    QString m_error;
};

}  // namespace sem::ui
