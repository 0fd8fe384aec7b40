#pragma once
#include <QWidget>

#include "core/format/SemFile.h"

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace sem::ui {

// The rate of the file as it would be saved now: total bytes, bpp and the bytes of each chunk
// (edges, caption, hint, metadata, container), from SemFile::breakdown() of the real file.
class RatePanel : public QWidget {
    Q_OBJECT
public:
    enum Row { Edges = 0, Caption, Hint, Metadata, Container, Other, Total, RowCount };

    explicit RatePanel(QWidget* parent = nullptr);

    void setFile(const SemFile& file);
    void clear();
    const SemBreakdown& breakdown() const { return m_breakdown; }
    double bpp() const { return m_bpp; }
    QString cellText(Row row, int column) const;  // columns: 0 bytes, 1 bpp, 2 share

    bool writeMetadata() const;
    void setWriteMetadata(bool on);  // does not emit writeMetadataChanged()

    // "Fit to B bpp": asks for the best measured operating point whose file fits (RateLadder).
    double targetBpp() const;
    void setTargetBpp(double bpp);
    void setFitEnabled(bool on);
    void setFitResult(const QString& text);  // what the last fit chose, or why it could not
    QString fitResult() const;

signals:
    void writeMetadataChanged();
    void fitRequested(double bpp);

private:
    void fitTableHeight();

    QTableWidget* m_table = nullptr;
    QLabel* m_summary = nullptr;
    QCheckBox* m_metadata = nullptr;
    QDoubleSpinBox* m_target = nullptr;
    QPushButton* m_fit = nullptr;
    QLabel* m_fitResult = nullptr;
    SemBreakdown m_breakdown;
    double m_bpp = 0.0;
};

}  // namespace sem::ui
