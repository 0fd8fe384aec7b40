#include "ui/panels/RatePanel.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/pipeline/ModelLadder.h"

namespace sem::ui {

RatePanel::RatePanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    QFont bold = m_summary->font();
    bold.setBold(true);
    m_summary->setFont(bold);
    m_table = new QTableWidget(RowCount, 3, this);
    m_table->setHorizontalHeaderLabels({tr("Bytes"), tr("bpp"), tr("Share")});
    m_table->setVerticalHeaderLabels(
        {tr("Edges"), tr("Caption"), tr("Hint"), tr("Metadata"), tr("Container"), tr("Other"), tr("Total")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    for (int r = 0; r < RowCount; ++r)
        for (int c = 0; c < 3; ++c) {
            auto* item = new QTableWidgetItem;
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(r, c, item);
        }
    m_metadata = new QCheckBox(tr("Store the settings as metadata (strippable)"), this);
    m_metadata->setChecked(true);
    layout->addWidget(m_summary);
    layout->addWidget(m_table);
    layout->addWidget(m_metadata);

    auto* fitRow = new QHBoxLayout;
    m_target = new QDoubleSpinBox(this);
    m_target->setDecimals(4);
    m_target->setRange(0.001, 2.0);
    m_target->setSingleStep(0.005);
    m_target->setValue(ModelLadder::kDefaultTargetBpp);
    m_target->setSuffix(tr(" bpp"));
    m_target->setToolTip(tr("Target size in bits per pixel"));
    m_fit = new QPushButton(tr("Fit to size"), this);
    m_fit->setToolTip(tr("Sets the edge and hint controls to the best measured operating point whose file\n"
                         "(with this caption and metadata) fits the target (docs/RESULTS.md)."));
    fitRow->addWidget(m_target, 1);
    fitRow->addWidget(m_fit);
    layout->addLayout(fitRow);
    m_fitResult = new QLabel(this);
    m_fitResult->setWordWrap(true);
    layout->addWidget(m_fitResult);
    connect(m_metadata, &QCheckBox::toggled, this, &RatePanel::writeMetadataChanged);
    connect(m_fit, &QPushButton::clicked, this, [this] { emit fitRequested(m_target->value()); });
    clear();
}

void RatePanel::fitTableHeight()
{
    int h = m_table->horizontalHeader()->sizeHint().height() + 2 * m_table->frameWidth();
    for (int r = 0; r < RowCount; ++r)
        if (!m_table->isRowHidden(r))
            h += m_table->verticalHeader()->sectionSizeHint(r);
    m_table->setFixedHeight(h);
}

bool RatePanel::writeMetadata() const
{
    return m_metadata->isChecked();
}

void RatePanel::setWriteMetadata(bool on)
{
    const QSignalBlocker block(m_metadata);
    m_metadata->setChecked(on);
}

double RatePanel::targetBpp() const
{
    return m_target->value();
}

void RatePanel::setTargetBpp(double bpp)
{
    m_target->setValue(bpp);
}

void RatePanel::setFitEnabled(bool on)
{
    m_fit->setEnabled(on);
    m_target->setEnabled(on);
}

void RatePanel::setFitResult(const QString& text)
{
    m_fitResult->setText(text);
}

QString RatePanel::fitResult() const
{
    return m_fitResult->text();
}

void RatePanel::clear()
{
    m_breakdown = SemBreakdown{};
    m_bpp = 0.0;
    for (int r = 0; r < RowCount; ++r)
        for (int c = 0; c < 3; ++c)
            m_table->item(r, c)->setText(QStringLiteral("–"));
    m_table->setRowHidden(Other, true);
    fitTableHeight();
    m_summary->setText(tr("No image"));
}

void RatePanel::setFile(const SemFile& file)
{
    m_breakdown = file.breakdown();
    m_bpp = file.bpp();
    const double pixels = double(file.width) * double(file.height);
    const QLocale locale;
    const std::size_t values[RowCount] = {m_breakdown.edges,    m_breakdown.caption,   m_breakdown.hint,
                                          m_breakdown.metadata, m_breakdown.container, m_breakdown.other,
                                          m_breakdown.total};
    for (int r = 0; r < RowCount; ++r) {
        const std::size_t bytes = values[r];
        m_table->item(r, 0)->setText(locale.toString(qulonglong(bytes)));
        m_table->item(r, 1)->setText(pixels > 0 ? QString::number(8.0 * double(bytes) / pixels, 'f', 5)
                                                : QStringLiteral("–"));
        m_table->item(r, 2)->setText(m_breakdown.total > 0
                                         ? QString::number(100.0 * double(bytes) / double(m_breakdown.total), 'f', 1)
                                               + QStringLiteral(" %")
                                         : QStringLiteral("–"));
    }
    m_table->setRowHidden(Other, m_breakdown.other == 0);
    fitTableHeight();
    m_summary->setText(tr("%1 bytes, %2 bpp")
                           .arg(locale.toString(qulonglong(m_breakdown.total)))
                           .arg(QString::number(m_bpp, 'f', 5)));
}

QString RatePanel::cellText(Row row, int column) const
{
    return m_table->item(row, column)->text();
}

}  // namespace sem::ui
