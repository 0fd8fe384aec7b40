#pragma once
#include <QVector>
#include <QWidget>
#include <utility>

#include "ui/views/ViewMeasure.h"

class QTableWidget;

namespace sem::ui {

// The results of this document side by side (issue 20): one row per decode (the .sem's bytes and
// bpp, PSNR, SSIM, NIQE of the reconstruction), then the classical codecs of the compare view at
// the .sem's size, each with its real size ("cannot go lower" where it could not reach it).
class ResultsTable : public QWidget {
    Q_OBJECT
public:
    enum Column { What = 0, Bytes, Bpp, Psnr, Ssim, Niqe, ColumnCount };
    using Entry = std::pair<QString, ViewMeasure>;  // what ("decode 1: fidelity", "JPEG q 3"), measures

    explicit ResultsTable(QWidget* parent = nullptr);

    // Sets decode `index` (0-based; a new index appends a row).
    void setDecode(int index, const QString& what, const ViewMeasure& measure);
    int decodeCount() const { return m_decodes.size(); }
    ViewMeasure decodeMeasure(int index) const;
    void setBaselines(const QVector<Entry>& baselines);  // replaces the classical codecs' rows
    void clear();

    int rowCount() const;
    QString cellText(int row, int column) const;
    QTableWidget* table() const { return m_table; }

private:
    void rebuild();

    QTableWidget* m_table = nullptr;
    QVector<Entry> m_decodes;
    QVector<Entry> m_baselines;
};

}  // namespace sem::ui
