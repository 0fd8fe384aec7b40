#include "ui/MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QGroupBox>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMimeData>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include "ui/CaptionPanel.h"
#include "ui/EdgePanel.h"
#include "ui/HintPanel.h"
#include "ui/JobCoalescer.h"
#include "ui/RatePanel.h"

namespace sem::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    m_edgeJobs = new JobCoalescer(this);
    m_hintJobs = new JobCoalescer(this);
    m_view = new ImageView(this);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_view);
    splitter->addWidget(buildSidePanel());
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);
    splitter->setCollapsible(0, false);
    setCentralWidget(splitter);

    buildMenus();
    buildViewToolBar();
    buildStatusBar();
    setAcceptDrops(true);
    resize(1500, 950);
    splitter->setSizes({1080, 420});

    connect(m_edgePanel, &EdgePanel::paramsChanged, this, &MainWindow::onEdgeParamsChanged);
    connect(m_hintPanel, &HintPanel::paramsChanged, this, &MainWindow::onHintParamsChanged);
    connect(m_captionPanel, &CaptionPanel::captionChanged, this, &MainWindow::onCaptionChanged);
    connect(m_ratePanel, &RatePanel::writeMetadataChanged, this, [this] {
        setDocumentModified(true);
        updateRate();
    });
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

    m_edgePanel->setEnabled(false);
    m_hintPanel->setEnabled(false);
    updateTitle();
    updateStatusBar();
    syncViewControls();
}

MainWindow::~MainWindow() = default;

QWidget* MainWindow::buildSidePanel()
{
    m_edgePanel = new EdgePanel;
    m_captionPanel = new CaptionPanel;
    m_hintPanel = new HintPanel;
    m_ratePanel = new RatePanel;

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
    // The Decode panel (sampler, steps, seed, guidance, Decode/Stop, progress) goes here when the
    // decoder engine lands.
    layout->addStretch(1);

    auto* scroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(360);
    return scroll;
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open…"), this, &MainWindow::actionOpen);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    m_saveAction = file->addAction(tr("&Save .sem"), this, [this] { actionSave(); });
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAsAction = file->addAction(tr("Save .sem &As…"), this, [this] { actionSaveAs(); });
    m_saveAsAction->setShortcut(QKeySequence::SaveAs);
    m_exportAction = file->addAction(tr("&Export View as PNG…"), this, &MainWindow::actionExport);
    m_exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    rebuildRecentMenu();

    QMenu* view = menuBar()->addMenu(tr("&View"));
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
}

void MainWindow::buildViewToolBar()
{
    QToolBar* bar = addToolBar(tr("View"));
    bar->setObjectName("viewToolBar");
    bar->setMovable(false);
    auto layerCombo = [&] {
        auto* combo = new QComboBox(bar);
        for (auto layer : {ImageView::Layer::Original, ImageView::Layer::Edges, ImageView::Layer::Hint})
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
    connect(m_firstLayer, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this] { m_view->setLayer(ImageView::Layer(m_firstLayer->currentData().toInt())); });
    connect(m_secondLayer, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this] { m_view->setSecondLayer(ImageView::Layer(m_secondLayer->currentData().toInt())); });
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
    statusBar()->addWidget(m_busyLabel, 1);
    statusBar()->addPermanentWidget(m_sizeLabel);
    statusBar()->addPermanentWidget(m_bppLabel);
    statusBar()->addPermanentWidget(m_zoomLabel);
}

void MainWindow::updateStatusBar()
{
    if (m_size.isEmpty()) {
        m_sizeLabel->setText(tr("No image"));
        m_bppLabel->clear();
        m_zoomLabel->clear();
        m_busyLabel->clear();
    } else {
        m_sizeLabel->setText(tr("%1 × %2 px").arg(m_size.width()).arg(m_size.height()));
        m_bppLabel->setText(tr("%1 bpp").arg(QString::number(m_ratePanel->bpp(), 'f', 5)));
        m_zoomLabel->setText(tr("%1 %").arg(QString::number(m_view->zoom() * 100.0, 'f', 1)));
        m_busyLabel->setText(isBusy() ? tr("Computing…") : QString());
    }
    const bool doc = hasDocument();
    m_saveAction->setEnabled(doc);
    m_saveAsAction->setEnabled(doc);
    m_exportAction->setEnabled(doc);
}

void MainWindow::updateTitle()
{
    if (m_displayName.isEmpty())
        setWindowTitle(QStringLiteral("SemCompress"));
    else
        setWindowTitle(tr("%1[*] — SemCompress").arg(m_displayName));
}

void MainWindow::setDocumentModified(bool modified)
{
    setWindowModified(modified && hasDocument());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (maybeSave())
        event->accept();
    else
        event->ignore();
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
