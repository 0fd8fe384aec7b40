#include "ui/window/MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QDropEvent>
#include <QFileInfo>
#include <QGroupBox>
#include <QGuiApplication>
#include <QScreen>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/panels/CaptionPanel.h"
#include "ui/panels/DecodePanel.h"
#include "ui/panels/EdgePanel.h"
#include "ui/panels/HintPanel.h"
#include "ui/workers/JobCoalescer.h"
#include "ui/panels/RatePanel.h"
#include "ui/views/RdPlot.h"
#include "ui/views/ResultsTable.h"
#include "ui/widgets/WheelGuard.h"

namespace sem::ui {

namespace {

// Keeps the side panel's scroll area as wide as its content's minimum width (plus the vertical
// scroll bar), so that it never scrolls sideways or cuts a row: at start, and again whenever the
// content's layout changes (rows shown or hidden, texts set), which posts it a LayoutRequest.
class SidePanelWidth : public QObject {
public:
    explicit SidePanelWidth(QScrollArea* scroll) : QObject(scroll), m_scroll(scroll)
    {
        scroll->widget()->installEventFilter(this);
        update();
    }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::LayoutRequest)
            update();
        return QObject::eventFilter(watched, event);
    }

private:
    void update()
    {
        const int need = std::max(360, m_scroll->widget()->minimumSizeHint().width()
                                           + m_scroll->verticalScrollBar()->sizeHint().width() + 2 * m_scroll->frameWidth());
        if (need != m_scroll->minimumWidth())
            m_scroll->setMinimumWidth(need);
    }

    QScrollArea* m_scroll;
};

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    m_doc = new Document(this);
    // The window observes the document: the title and the unsaved-changes mark follow it.
    connect(m_doc, &Document::modifiedChanged, this, [this](bool modified) { setWindowModified(modified); });
    connect(m_doc, &Document::titleChanged, this, &MainWindow::updateTitle);
    m_edgeJobs = new JobCoalescer(this);
    m_hintJobs = new JobCoalescer(this);
    m_fitJobs = new JobCoalescer(this);
    m_view = new ImageView(this);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_view);
    splitter->addWidget(buildSidePanel());
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);
    splitter->setCollapsible(0, false);
    splitter->setCollapsible(1, false);  // the side panel cannot be dragged away for good
    setCentralWidget(splitter);

    m_plot = new RdPlot(this);
    m_plotDock = new QDockWidget(tr("bpp vs PSNR"), this);
    m_plotDock->setObjectName("plotDock");
    m_plotDock->setWidget(m_plot);
    addDockWidget(Qt::BottomDockWidgetArea, m_plotDock);
    buildResults();
    addDockWidget(Qt::BottomDockWidgetArea, m_resultsDock);
    splitDockWidget(m_plotDock, m_resultsDock, Qt::Horizontal);

    buildMenus();
    buildViewToolBar();
    buildStatusBar();
    // The wheel over the toolbar's layer choices or the plot's metric scrolls or zooms what is under
    // it, never turns the control (the side panel's controls are guarded with their panel).
    WheelGuard::install(this);
    setAcceptDrops(true);
    // Never larger than the screen's free area (a 1280x800 laptop: nothing cut off at the edges).
    QSize size(1500, 950);
    if (const QScreen* screen = QGuiApplication::primaryScreen())
        size = size.boundedTo(screen->availableGeometry().size());
    resize(size);
    const int side = std::max(420, m_sideScroll->minimumWidth());
    splitter->setSizes({size.width() - side, side});
    resizeDocks({m_plotDock}, {RdPlot::kMinimumHeight + 40}, Qt::Vertical);

    connect(m_edgePanel, &EdgePanel::paramsChanged, this, &MainWindow::onEdgeParamsChanged);
    connect(m_hintPanel, &HintPanel::paramsChanged, this, &MainWindow::onHintParamsChanged);
    connect(m_captionPanel, &CaptionPanel::captionChanged, this, &MainWindow::onCaptionChanged);
    connect(m_ratePanel, &RatePanel::writeMetadataChanged, this, [this] {
        setDocumentModified(true);
        updateRate();
    });
    connect(m_ratePanel, &RatePanel::fitRequested, this, &MainWindow::requestFit);
    connect(m_fitJobs, &JobCoalescer::failed, m_ratePanel, &RatePanel::setFitResult);
    connect(m_fitJobs, &JobCoalescer::idle, this, &MainWindow::updateStatusBar);
    connect(m_edgeJobs, &JobCoalescer::failed, this, [this](const QString& message) {
        m_edgePanel->setError(message);
        updateStatusBar();
    });
    connect(m_hintJobs, &JobCoalescer::failed, this, [this](const QString& message) {
        m_hintPanel->setError(message);
        updateStatusBar();
    });
    connect(m_edgeJobs, &JobCoalescer::idle, this, &MainWindow::updateStatusBar);
    connect(m_hintJobs, &JobCoalescer::idle, this, &MainWindow::updateStatusBar);
    connect(m_view, &ImageView::zoomChanged, this, &MainWindow::updateStatusBar);

    buildDecode();
    buildCaption();
    buildSession();
    applyUserSettings();

    m_edgePanel->setEnabled(false);
    m_hintPanel->setEnabled(false);
    updateTitle();
    updateStatusBar();
    syncViewControls();
}

MainWindow::~MainWindow()
{
    stopBaselineSweep();  // the application's pool waits for it at exit: one encode, not a sweep
    setLoading(0, QString());
}

QWidget* MainWindow::buildSidePanel()
{
    m_edgePanel = new EdgePanel;
    m_captionPanel = new CaptionPanel;
    m_hintPanel = new HintPanel;
    m_ratePanel = new RatePanel;
    m_decodePanel = new DecodePanel;

    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    auto group = [&](const QString& title, QWidget* panel) {
        auto* box = new QGroupBox(title, content);
        auto* boxLayout = new QVBoxLayout(box);
        boxLayout->setContentsMargins(4, 4, 4, 4);
        boxLayout->addWidget(panel);
        layout->addWidget(box);
        return box;
    };
    group(tr("Edges"), m_edgePanel);
    group(tr("Caption"), m_captionPanel);
    group(tr("Colour hint"), m_hintPanel);
    group(tr("Rate"), m_ratePanel);
    group(tr("Decode"), m_decodePanel);
    layout->addStretch(1);

    auto* scroll = m_sideScroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    // As wide as the panels need (nothing cut off on the right), with room for the vertical bar;
    // also when their rows change (the Decode panel's follow the model family).
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    new SidePanelWidth(scroll);
    WheelGuard::install(content);  // scrolling the panel never turns a combo, spin box or slider
    return scroll;
}

void MainWindow::revealDecodePanel()
{
    m_sideScroll->ensureWidgetVisible(m_decodePanel->parentWidget(), 0, 0);
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open…"), this, &MainWindow::actionOpen);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_restoreAction = file->addAction(tr("Restore &Previous Session…"), this,
                                      &MainWindow::restorePreviousSessionInteractively);
    connect(file, &QMenu::aboutToShow, this, &MainWindow::updateRestoreAction);
    file->addSeparator();
    m_saveAction = file->addAction(tr("&Save .sem"), this, [this] { actionSave(); });
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAsAction = file->addAction(tr("Save .sem &As…"), this, [this] { actionSaveAs(); });
    m_saveAsAction->setShortcut(QKeySequence::SaveAs);
    m_exportAction = file->addAction(tr("&Export View as PNG…"), this, &MainWindow::actionExport);
    m_exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    file->addAction(tr("Export &Plot (PNG or PDF)…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Plot"), QString(),
                                                          tr("PNG image (*.png);;PDF document (*.pdf)"));
        if (path.isEmpty())
            return;
        const bool ok = path.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive) ? m_plot->savePdf(path)
                                                                                  : m_plot->savePng(path);
        if (!ok)
            showError(tr("Cannot export"), tr("Cannot write the plot to %1.").arg(path));
    });
    file->addSeparator();
    QAction* settings = file->addAction(tr("Se&ttings…"), this, &MainWindow::showSettingsDialog);
    settings->setShortcut(QKeySequence::Preferences);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    rebuildRecentMenu();

    QMenu* view = m_viewMenu = menuBar()->addMenu(tr("&View"));
    QAction* fit = view->addAction(tr("Zoom to &Fit"), m_view, &ImageView::zoomToFit);
    fit->setShortcut(QKeySequence(tr("Ctrl+0")));
    QAction* actual = view->addAction(tr("&Actual Size (100 %)"), m_view, [this] { m_view->setZoom(1.0); });
    actual->setShortcut(QKeySequence(tr("Ctrl+1")));
    QAction* in = view->addAction(tr("Zoom &In"), m_view, &ImageView::zoomIn);
    in->setShortcut(QKeySequence::ZoomIn);
    QAction* out = view->addAction(tr("Zoom &Out"), m_view, &ImageView::zoomOut);
    out->setShortcut(QKeySequence::ZoomOut);
    m_zoomActions = {fit, actual, in, out};
    view->addSeparator();
    m_splitAction = view->addAction(tr("&Split View"));
    m_splitAction->setCheckable(true);
    m_splitAction->setShortcut(QKeySequence(tr("Ctrl+D")));
    connect(m_splitAction, &QAction::toggled, this, [this](bool on) {
        m_view->setSplit(on);
        syncViewControls();
    });
    // Every panel that can be closed comes back from here.
    view->addSeparator();
    QAction* plot = m_plotDock->toggleViewAction();
    plot->setText(tr("&Plot (bpp vs PSNR)"));
    view->addAction(plot);
    QAction* results = m_resultsDock->toggleViewAction();
    results->setText(tr("&Results Table"));
    view->addAction(results);
}

void MainWindow::buildViewToolBar()
{
    QToolBar* bar = addToolBar(tr("View"));
    bar->setObjectName("viewToolBar");
    bar->setMovable(false);
    QAction* toolbar = bar->toggleViewAction();
    toolbar->setText(tr("&Toolbar"));
    m_viewMenu->addAction(toolbar);
    auto layerCombo = [&] {
        auto* combo = new QComboBox(bar);
        for (auto layer : {ImageView::Layer::Original, ImageView::Layer::Edges, ImageView::Layer::Hint,
                           ImageView::Layer::Reconstruction, ImageView::Layer::Jpeg, ImageView::Layer::Webp,
                           ImageView::Layer::WebpDownscale})
            combo->addItem(ImageView::layerName(layer), int(layer));
        return combo;
    };
    m_firstLayer = layerCombo();
    m_secondLayer = layerCombo();
    bar->addWidget(new QLabel(tr(" Show "), bar));
    bar->addWidget(m_firstLayer);
    bar->addAction(m_splitAction);
    bar->addWidget(m_secondLayer);
    bar->addSeparator();
    bar->addActions(m_zoomActions);
    // A compare layer (JPEG/WebP at the same bpp) is computed when first shown.
    auto needCompare = [this](ImageView::Layer l) {
        if ((l == ImageView::Layer::Jpeg || l == ImageView::Layer::Webp || l == ImageView::Layer::WebpDownscale)
            && !m_view->hasLayerImage(l) && !m_compareTimer->isActive())
            requestCompare();
    };
    connect(m_firstLayer, qOverload<int>(&QComboBox::currentIndexChanged), this, [this, needCompare] {
        m_view->setLayer(ImageView::Layer(m_firstLayer->currentData().toInt()));
        needCompare(m_view->layer());
    });
    connect(m_secondLayer, qOverload<int>(&QComboBox::currentIndexChanged), this, [this, needCompare] {
        m_view->setSecondLayer(ImageView::Layer(m_secondLayer->currentData().toInt()));
        needCompare(m_view->secondLayer());
    });
}

void MainWindow::syncViewControls()
{
    const QSignalBlocker b1(m_firstLayer), b2(m_secondLayer), b3(m_splitAction);
    m_firstLayer->setCurrentIndex(m_firstLayer->findData(int(m_view->layer())));
    m_secondLayer->setCurrentIndex(m_secondLayer->findData(int(m_view->secondLayer())));
    m_splitAction->setChecked(m_view->isSplit());
    m_secondLayer->setEnabled(m_view->isSplit());
}

void MainWindow::buildStatusBar()
{
    m_busyLabel = new QLabel(this);
    m_sizeLabel = new QLabel(this);
    m_bppLabel = new QLabel(this);
    m_zoomLabel = new QLabel(this);
    m_deviceLabel = new QLabel(this);
    statusBar()->addWidget(m_busyLabel, 1);
    statusBar()->addWidget(m_resultLabel, 3);
    statusBar()->addPermanentWidget(m_deviceLabel);
    statusBar()->addPermanentWidget(m_sizeLabel);
    statusBar()->addPermanentWidget(m_bppLabel);
    statusBar()->addPermanentWidget(m_zoomLabel);
}

void MainWindow::updateStatusBar()
{
    if (!hasDocument()) {
        m_sizeLabel->setText(tr("No image"));
        m_bppLabel->clear();
        m_zoomLabel->clear();
        m_busyLabel->setText(isLoading() ? tr("Loading %1…").arg(m_loadingName) : QString());
    } else {
        m_sizeLabel->setText(tr("%1 × %2 px").arg(m_doc->size().width()).arg(m_doc->size().height()));
        m_bppLabel->setText(tr("%1 bpp").arg(QString::number(m_ratePanel->bpp(), 'f', 5)));
        m_zoomLabel->setText(tr("%1 %").arg(QString::number(m_view->zoom() * 100.0, 'f', 1)));
        m_busyLabel->setText(isLoading()    ? tr("Loading %1…").arg(m_loadingName)
                             : isDecoding() ? tr("Decoding…")
                             : isBusy()     ? tr("Computing…")
                                            : QString());
    }
    m_captionPanel->setGenerateAvailable(!m_doc->image().empty(), m_doc->image().empty()
                                                               ? tr("Generating needs the source image.")
                                                               : QString());
    const bool doc = hasDocument();
    m_saveAction->setEnabled(doc);
    m_saveAsAction->setEnabled(doc);
    m_exportAction->setEnabled(doc);
}

void MainWindow::updateTitle()
{
    if (m_doc->displayName().isEmpty())
        setWindowTitle(QStringLiteral("SemCompress"));  // no document yet
    else
        setWindowTitle(tr("%1[*] — SemCompress").arg(m_doc->displayName()));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (maybeSave()) {
        stopDecode();
        stopBaselineSweep();
        dropPendingOpen();
        m_autosaveTimer->stop();
        clearAutosave();  // a clean exit: nothing to restore next time
        event->accept();
    } else {
        event->ignore();
    }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const QMimeData* mime = event->mimeData();
    if (mime->hasUrls() && !mime->urls().isEmpty() && mime->urls().first().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile())
        return;
    event->acceptProposedAction();
    openInteractively(urls.first().toLocalFile());
}

}  // namespace sem::ui
