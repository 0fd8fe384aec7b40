#pragma once
#include <QWidget>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace sem::ui {

// The caption editor with a live count of its coded size (TextCodec::encode). An invalid or
// too long caption is reported in the panel, never in a dialog, and the text is kept as typed.
// Generate / Cancel ask MainWindow to run the caption client; a generated caption replaces the
// text as one undoable edit (Ctrl+Z brings back what was typed); a failure is shown in the panel
// and never touches the text.
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
    QPushButton* generateButton() const { return m_generate; }
    QPushButton* cancelButton() const { return m_cancel; }

    void setGenerating(bool running);
    void setGenerateAvailable(bool available, const QString& reason);
    void applyGenerated(const QString& caption, const QString& note);  // undoable replacement
    void setGenerateError(const QString& message);
    void setGenerateNote(const QString& note);  // "retrying in 2 s …"
    QString generateStatusText() const;

signals:
    void captionChanged();
    void generateRequested();
    void cancelRequested();

private:
    void recode();

    QPlainTextEdit* m_edit = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_generateStatus = nullptr;
    QPushButton* m_generate = nullptr;
    QPushButton* m_cancel = nullptr;
    bool m_generating = false;
    bool m_generateAvailable = false;
    std::optional<std::vector<std::uint8_t>> m_coded = std::vector<std::uint8_t>{};
    QString m_error;
};

}  // namespace sem::ui
