#include "ui/views/ResultsTable.h"

#include <QHeaderView>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

namespace sem::ui {

namespace {
QString number(double v, int decimals)
{
    return std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("–");
}
}  // namespace

ResultsTable::ResultsTable(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setHorizontalHeaderLabels({tr("What"), tr("Bytes"), tr("bpp"), tr("PSNR (dB)"), tr("SSIM"), tr("NIQE")});
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(What, QHeaderView::Stretch);
    for (int c = Bytes; c < ColumnCount; ++c)
        m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_table->setToolTip(tr("Each decode of this document, then JPEG and WebP at the .sem's size (or as close as "
                           "they can get: their real size is shown). PSNR and SSIM against the original; NIQE "
                           "needs no reference (lower is more natural)."));
    layout->addWidget(m_table);
}

void ResultsTable::setDecode(int index, const QString& what, const ViewMeasure& measure)
{
    if (index < 0)
        return;
    if (index >= m_decodes.size())
        m_decodes.resize(index + 1);
    m_decodes[index] = {what, measure};
    rebuild();
}

ViewMeasure ResultsTable::decodeMeasure(int index) const
{
    return index >= 0 && index < m_decodes.size() ? m_decodes[index].second : ViewMeasure{};
}

void ResultsTable::setBaselines(const QVector<Entry>& baselines)
{
    m_baselines = baselines;
    rebuild();
}

void ResultsTable::clear()
{
    m_decodes.clear();
    m_baselines.clear();
    rebuild();
}

int ResultsTable::rowCount() const
{
    return m_table->rowCount();
}

QString ResultsTable::cellText(int row, int column) const
{
    const QTableWidgetItem* item = m_table->item(row, column);
    return item ? item->text() : QString();
}

void ResultsTable::rebuild()
{
    m_table->setRowCount(0);
    const QLocale locale;
    auto add = [&](const Entry& e) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        const ViewMeasure& m = e.second;
        QString bppText = number(m.bpp, 4);
        const QString size = m.sizeNote();
        if (!size.isEmpty() && !m.sameSize())
            bppText += QStringLiteral(" (") + size + QLatin1Char(')');
        const QString cells[ColumnCount] = {e.first,          locale.toString(qulonglong(m.bytes)), bppText,
                                            number(m.psnr, 2), number(m.ssim, 3),                 number(m.niqe, 2)};
        for (int c = 0; c < ColumnCount; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c != What)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(row, c, item);
        }
    };
    for (const Entry& e : m_decodes)
        if (!e.first.isEmpty())
            add(e);
    for (const Entry& e : m_baselines)
        add(e);
}

}  // namespace sem::ui
