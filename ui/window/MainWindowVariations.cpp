// MainWindow: variations of a decode (issue 20). A decode with the Decode panel's Variations above 1
// decodes that many seeds (DecodeWorker), the grid shows them, and a pick makes one the
// reconstruction as a decode would, with its seed in the panel and in the record a save writes.
#include <QSignalBlocker>
#include <QStringList>
#include <cmath>

#include "ui/panels/DecodePanel.h"
#include "ui/settings/SettingsRegistry.h"
#include "ui/views/VariationGrid.h"
#include "ui/window/MainWindow.h"
#if SEM_HAVE_DIFFUSION
#include "ui/workers/DecodeWorker.h"
#endif

namespace sem::ui {

static_assert(DecodePanel::kMaxVariations == SettingsRegistry::kMaxVariations,
              "the Variations control and its setting have one range");

void MainWindow::buildVariations()
{
    m_variationGrid = new VariationGrid(this);
    m_variationGrid->setWindowFlags(Qt::Tool);  // its own small window: the main layout is unchanged
    m_variationGrid->setWindowTitle(tr("Variations"));
    m_variationGrid->hide();
    connect(m_variationGrid, &VariationGrid::picked, this, [this](int index) {
        if (!pickVariation(index)) {
            m_decodePanel->setStatus(m_lastError, true);
            m_variationGrid->setCurrent(m_variationPicked);  // the check goes back to what is shown
        }
    });
    {
        const QSignalBlocker block(m_decodePanel);
        m_decodePanel->setVariations(SettingsRegistry::integer(Setting::DecodeVariations));
    }
    connect(m_decodePanel, &DecodePanel::variationsChanged, this,
            [](int count) { SettingsRegistry::setValue(Setting::DecodeVariations, count); });
    connect(m_decodePanel, &DecodePanel::showVariationsRequested, this, &MainWindow::showVariations);
}

int MainWindow::variationCount() const
{
#if SEM_HAVE_DIFFUSION
    return m_variationResult ? int(m_variationResult->variations.size()) : 0;
#else
    return 0;
#endif
}

void MainWindow::showVariations()
{
    if (variationCount() == 0)
        return;
    m_variationGrid->show();
    m_variationGrid->raise();
    m_variationGrid->activateWindow();
}

void MainWindow::clearVariations()
{
    m_variationResult.reset();
    m_variationPicked = -1;
    m_variationGrid->clear();
    m_variationGrid->hide();
    m_decodePanel->setVariationsAvailable(false);
}

#if SEM_HAVE_DIFFUSION
void MainWindow::setVariations(const DecodeResult& result)
{
    m_variationResult = std::make_shared<const DecodeResult>(result);
    m_variationFile = m_decodingFile;
    m_variationGeneration = m_doc->generation();
    m_variationPicked = 0;  // onDecodeFinished applies the first
    QVector<VariationGrid::Item> items;
    QStringList seeds;
    const int count = int(result.variations.size());
    for (int i = 0; i < count; ++i) {
        const DecodeVariation& v = result.variations[std::size_t(i)];
        SemFile saved = m_variationFile;  // its bpp as saved with this seed recorded
        saved.modelId = result.modelId32;
        saved.decode = v.settings;
        QStringList measures;
        if (std::isfinite(v.psnr))
            measures << tr("PSNR %1 dB").arg(QString::number(v.psnr, 'f', 2));
        measures << tr("%1 bpp").arg(QString::number(saved.bpp(), 'f', 4));
        if (std::isfinite(v.niqe))
            measures << tr("NIQE %1").arg(QString::number(v.niqe, 'f', 2));
        VariationGrid::Item item;
        item.thumbnail = v.thumbnail;
        item.label = tr("seed %1").arg(v.settings.seed) + QLatin1Char('\n') + measures.join(QStringLiteral(" · "));
        item.toolTip = tr("Variation %1 of %2: use seed %3").arg(i + 1).arg(count).arg(v.settings.seed);
        items << item;
        seeds << QString::number(v.settings.seed);
    }
    m_variationGrid->setItems(items, tr("%1 variations, seeds %2. Click one to make it the reconstruction: its seed "
                                        "goes into the Decode panel and into the .sem you save.")
                                         .arg(count)
                                         .arg(seeds.join(QLatin1String(", "))));
    m_variationGrid->setCurrent(0);
    m_decodePanel->setVariationsAvailable(true);
    showVariations();
}
#endif

bool MainWindow::pickVariation(int index)
{
#if SEM_HAVE_DIFFUSION
    if (index < 0 || index >= variationCount()) {
        m_lastError = tr("There is no variation %1.").arg(index + 1);
        return false;
    }
    if (isDecoding()) {
        m_lastError = tr("A decode is running: pick a variation when it has finished.");
        return false;
    }
    if (m_variationGeneration != m_doc->generation()) {
        clearVariations();
        m_lastError = tr("These variations were decoded for another document.");
        return false;
    }
    if (index == m_variationPicked)
        return true;  // already the reconstruction: nothing changes
    // The record a save writes must decode to this picture: the same streams as then.
    const SemFile now = currentFile();
    if (now.width != m_variationFile.width || now.height != m_variationFile.height
        || now.edges != m_variationFile.edges || now.hint != m_variationFile.hint
        || now.caption != m_variationFile.caption) {
        m_lastError = tr("The edges, colour hint or caption changed since these variations were decoded: decode "
                         "again.");
        return false;
    }
    const DecodeResult& all = *m_variationResult;
    const DecodeVariation& v = all.variations[std::size_t(index)];
    DecodeResult picked;
    picked.id = all.id;
    picked.image = v.image;
    picked.pyramid = v.pyramid;
    picked.settings = v.settings;
    picked.modelId32 = all.modelId32;
    picked.modelId = all.modelId;
    picked.device = all.device;
    picked.seconds = v.seconds;
    picked.warnings = all.warnings;
    // Dirty only when the record changes (its seed: the variations share every other setting).
    const bool changed = !(now.decode == v.settings) || now.modelId != all.modelId32;
    m_variationPicked = index;
    m_variationGrid->setCurrent(index);
    m_decodePanel->useSeed(v.settings.seed);  // Decode again gives this picture
    applyDecode(picked, m_variationFile, changed,
                tr("Picked variation %1 of %2: seed %3.").arg(index + 1).arg(variationCount()).arg(v.settings.seed));
    emit variationPicked(index);
    return true;
#else
    m_lastError = tr("There is no variation %1.").arg(index + 1);
    return false;
#endif
}

}  // namespace sem::ui
