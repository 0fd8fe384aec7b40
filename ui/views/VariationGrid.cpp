#include "ui/views/VariationGrid.h"

#include <QButtonGroup>
#include <QGridLayout>
#include <QLabel>
#include <QPixmap>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

namespace sem::ui {

VariationGrid::VariationGrid(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_heading = new QLabel(this);
    m_heading->setWordWrap(true);
    layout->addWidget(m_heading);
    m_grid = new QGridLayout;
    layout->addLayout(m_grid);
    layout->addStretch(1);
    m_group = new QButtonGroup(this);
    m_group->setExclusive(true);
    connect(m_group, &QButtonGroup::idClicked, this, &VariationGrid::picked);
}

void VariationGrid::clear()
{
    for (QToolButton* b : m_buttons) {
        m_group->removeButton(b);
        delete b;
    }
    m_buttons.clear();
    m_heading->clear();
}

void VariationGrid::setItems(const QVector<Item>& items, const QString& heading)
{
    clear();
    m_heading->setText(heading);
    // As square as it goes: 2 -> 2x1, 3 -> 2x2, 4 -> 2x2, 9 -> 3x3.
    const int columns = std::max(1, int(std::ceil(std::sqrt(double(items.size())))));
    for (int i = 0; i < items.size(); ++i) {
        auto* b = new QToolButton(this);
        b->setCheckable(true);
        b->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
        b->setIcon(QIcon(QPixmap::fromImage(items[i].thumbnail)));
        const QSize shown = items[i].thumbnail.size().scaled(kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio);
        b->setIconSize(shown.isEmpty() ? QSize(kThumbnailSide, kThumbnailSide) : shown);
        b->setText(items[i].label);
        b->setToolTip(items[i].toolTip);
        b->setAutoRaise(true);
        m_group->addButton(b, i);
        m_grid->addWidget(b, i / columns, i % columns);
        m_buttons.push_back(b);
    }
}

void VariationGrid::setCurrent(int index)
{
    if (QToolButton* b = m_buttons.value(index))
        b->setChecked(true);
}

int VariationGrid::current() const
{
    return m_group->checkedId();
}

QString VariationGrid::labelText(int index) const
{
    const QToolButton* b = m_buttons.value(index);
    return b ? b->text() : QString();
}

QString VariationGrid::headingText() const
{
    return m_heading->text();
}

}  // namespace sem::ui
