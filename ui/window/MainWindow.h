#pragma once
#include <QFuture>
#include <QList>
#include <QMainWindow>
#include <QString>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <vector>

#include "core/edges/CannyParams.h"
#include "core/format/SemFile.h"
#include "core/hint/HintCodec.h"
#include "ui/document/Document.h"
#include "ui/views/ImageView.h"

class QAction;
class QComboBox;
class QLabel;
class QDockWidget;
class QMenu;
class QScrollArea;
class QTimer;

namespace sem {
class CaptionClient;
struct CaptionError;
struct CaptionResult;
}

namespace sem::ui {

class CaptionPanel;
class DecodeController;
class DecodePanel;
class EdgePanel;
class HintPanel;
class JobCoalescer;
struct FitChoice;
class RatePanel;
class RdPlot;
class ResultsTable;
class VariationGrid;
struct SessionState;
struct DecodePreview;
struct DecodeResult;
struct RdPoint;

// The main window (DESIGN §7): windows, menus and the wiring between the open Document (its
// state: image, streams, settings, decode record, dirty state, path), the panels that edit it, the
// views that show it and the workers that compute it. Layout and status bar in MainWindow.cpp, file
// actions in MainWindowFile.cpp, the edge/hint workers and the rate in MainWindowStreams.cpp,
// autosave and session restore in MainWindowSession.cpp.
//
// The public open/save/export methods never show a dialog: they return false and leave the
// message in lastError(). The menu actions call them and show the message.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Synchronous opens (on this thread; scripts and tests). A pending openPathAsync() is dropped.
    bool openPath(const QString& path);  // a .sem file (by its magic) or an image
    bool openImage(const QString& path);
    bool openSem(const QString& path);
    // Starts from an image already in memory (CV_8UC3), as openImage() does after loading.
    void setImage(const cv::Mat& bgr, const QString& displayName);
    // Opens without blocking the GUI thread: an image is read, decoded and converted for the view
    // on a worker thread (a .sem file is small and opens at once). Returns at once; documentOpened()
    // or openFailed() (message also in lastError()) follows, unless another open starts first, in
    // which case this one's result is dropped. The current document stays on screen meanwhile, its
    // editing panels disabled so that nothing typed is lost to the new document.
    void openPathAsync(const QString& path);
    bool isLoading() const { return m_loadingRequest != 0; }
    // The menu/drop/recent-file path: asks about unsaved changes, opens asynchronously, shows
    // errors in a dialog.
    void openInteractively(const QString& path);
    bool saveSem(const QString& path);
    bool exportView(const QString& path);  // the current view at image resolution, PNG
    QString lastError() const { return m_lastError; }

    // The file as it would be saved now (streams computed so far; see streamsCurrent()).
    SemFile currentFile() const;
    bool streamsCurrent() const;  // no edge or hint result is outstanding
    bool isBusy() const;          // loading, or a stream worker is running or has work queued
    bool hasDocument() const { return !m_doc->isEmpty(); }
    QString semPath() const { return m_doc->semPath(); }
    Document* document() const { return m_doc; }
    QStringList recentFiles() const;

    EdgePanel* edgePanel() const { return m_edgePanel; }
    CaptionPanel* captionPanel() const { return m_captionPanel; }
    HintPanel* hintPanel() const { return m_hintPanel; }
    RatePanel* ratePanel() const { return m_ratePanel; }
    ImageView* imageView() const { return m_view; }
    DecodePanel* decodePanel() const { return m_decodePanel; }
    // First use: the next opened image is fitted to this target (bpp) with the decode model's ladder,
    // until the user or a restored session sets the edge or hint settings (0: off; the app sets it).
    void setFirstUseTarget(double bpp) { m_firstUseTarget = bpp; }
    RdPlot* rdPlot() const { return m_plot; }
    ResultsTable* resultsTable() const { return m_results; }
    QDockWidget* plotDock() const { return m_plotDock; }
    QDockWidget* resultsDock() const { return m_resultsDock; }
    QMenu* viewMenu() const { return m_viewMenu; }
    // The status line's result of the latest decode: bytes, bpp, PSNR, SSIM (NIQE when measured).
    QString resultText() const;

    // Decode (MainWindowDecode.cpp). startDecode() returns false (reason in lastError()) when
    // no decode can start; the outcome arrives as decodeFinished/decodeFailed/decodeStopped.
    bool startDecode();
    void revealDecodePanel();  // scrolls the side panel to the Decode group
    void stopDecode();
    bool isDecoding() const;
    bool hasReconstruction() const { return m_doc->hasReconstruction(); }
    cv::Mat reconstruction() const { return m_doc->reconstruction(); }  // the last good decode (BGR)
    QString decodeDevice() const { return m_decodeDevice; }
    // Variations (MainWindowVariations.cpp): a decode with the Decode panel's Variations above 1
    // decodes that many seeds and shows them in the variations grid (a tool window) with the
    // first one applied; pickVariation() makes another the reconstruction as a decode would (view,
    // plot, results, the record a save writes) and sets the panel's seed to it. False (reason in
    // lastError()) when there is no such variation or the streams changed since.
    VariationGrid* variationGrid() const { return m_variationGrid; }
    int variationCount() const;
    int pickedVariation() const { return m_variationPicked; }  // -1: none
    bool pickVariation(int index);
    void showVariations();  // the grid again (after it was closed)
    bool baselinesReady() const;  // the plot's curves for this image are computed
    // The plot's baseline sweep runs on its own low-priority thread. It stops early (before its
    // next encode) when another image is opened, the window closes or this is called.
    void stopBaselineSweep();
    int baselineSweepProgress() const;  // searches the latest sweep has finished
    // Compare view: computes the JPEG/WebP/webp-downscale layers at the current bpp (async).
    void requestCompare();
    bool compareReady() const;
    // What the view shows, as the toolbar's choices set it: one layer, or a split of two; a compare
    // layer shown is computed (requestCompare) if it is not yet. For scripts (--screenshot --view).
    void showLayers(ImageView::Layer first, std::optional<ImageView::Layer> second = std::nullopt);

    // Caption generation (MainWindowCaption.cpp) with the user's CaptionSettings and API key.
    bool generateCaption();  // false (reason in lastError()) when it cannot start
    void cancelCaption();
    bool isCaptioning() const;

    // Autosave of the working state (MainWindowSession.cpp): image path, edge and hint settings
    // and caption, written a few seconds after each change and cleared at a clean exit. A state
    // still there when the app starts was left by a session that did not exit cleanly:
    // adoptUncleanSession() (once, at startup) moves it to the previous-session slot, where it
    // stays, offered by File > Restore Previous Session, until it is restored or a newer crash
    // replaces it; declining the startup offer keeps it.
    static bool hasAutosave();             // this session's state is saved
    static void clearAutosave();
    void saveAutosaveNow();
    static bool adoptUncleanSession();     // true if a crashed session's state was found
    static bool hasPreviousSession();
    static QString previousSessionImage(); // the previous session's image path
    // Synchronous: opens the previous session's image and applies its settings and caption (the
    // document is then unsaved), then clears the slot. False with lastError() if it cannot.
    bool restorePreviousSession();
    // The menu action: asks about unsaved changes first, loads in the background, errors in a dialog.
    void restorePreviousSessionInteractively();
    QAction* restoreSessionAction() const { return m_restoreAction; }
    void showSettingsDialog();
    void applyUserSettings();  // reads model path, device, preview interval from QSettings

signals:
    void edgesUpdated();  // an edge result has been applied (overlay and rate are current for it)
    void hintUpdated();
    void rateUpdated();
    void documentOpened();  // by openPathAsync() or an interactive open/restore
    void openFailed(const QString& message);
    void sessionRestored();
    void baselineSweepStopped(int searchesDone, int searchesTotal);
    void decodeFinished();
    void decodeScoresUpdated();  // the last decode's MS-SSIM and NIQE (on the plot point and its label)
    void decodeFailed(const QString& message);
    void decodeStopped();
    void decodePreviewShown(int step);
    void variationPicked(int index);
    void baselinesUpdated();
    void compareUpdated();
    void resultsUpdated();  // the latest decode's PSNR and SSIM are in the results table
    void captionGenerated();
    void captionFailed(const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    // MainWindow.cpp: layout
    void buildMenus();
    QWidget* buildSidePanel();
    void buildViewToolBar();
    void buildStatusBar();
    void updateTitle();
    void updateStatusBar();
    void setDocumentModified(bool modified) { m_doc->setModified(modified); }
    // The panels edit the document's settings: their values, pushed into it before each use.
    DocumentSettings panelSettings() const;
    void syncSettings() const;
    void syncViewControls();

    // MainWindowFile.cpp: interactive file actions (these may show dialogs)
    void actionOpen();
    bool actionSave();
    bool actionSaveAs();
    void actionExport();
    bool maybeSave();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void showError(const QString& title, const QString& message);
    void applySettingsFromMetadata(const std::string& json);
    struct OpenedImage;
    static OpenedImage readImageFile(const QString& path);  // any thread: decode + view pyramid
    void showImage(const cv::Mat& bgr, const ImagePyramid& original, const QString& displayName);
    void showOpenedImage(const OpenedImage& opened, const QString& path);
    // Starts an async open; `then` runs after the document is shown (not if it fails or is dropped).
    void startOpen(const QString& path, bool interactive, std::function<void()> then);
    void setLoading(std::uint64_t request, const QString& name);  // request 0: not loading
    void dropPendingOpen();

    // MainWindowStreams.cpp: edge and hint workers, caption, rate
    struct EdgeOutcome;
    struct HintOutcome;
    static EdgeOutcome computeEdges(const cv::Mat& bgr, const CannyParams& params);
    static HintOutcome computeHint(const cv::Mat& bgr, const HintParams& params);
    void requestEdges();
    void requestHint();
    void applyEdges(std::uint64_t id, std::uint64_t imageGeneration, const EdgeOutcome& outcome);
    void applyHint(std::uint64_t id, std::uint64_t imageGeneration, const HintOutcome& outcome);
    void finishStreamsNow();  // computes outstanding streams on this thread (before saving)
    void onEdgeParamsChanged();
    void onHintParamsChanged();
    void onCaptionChanged();
    void updateRate();
    void resetStreams();
    void requestFit(double bpp);  // "Fit to size": RateLadder off the GUI thread
    void applyFit(std::uint64_t imageGeneration, const FitChoice& choice, const QString& error);

    // MainWindowDecode.cpp: decode worker, plot, compare view
    void buildDecode();
    void updateDecodeAvailability();
    void onDecodePreview(const DecodePreview& preview);
    void onDecodeFinished(const DecodeResult& result);
    void onDecodeEnded(const QString& message, bool failed);
    void restoreLastGoodReconstruction();
    void requestBaselines();
    void onRateChangedForCompare();
    void resetDecodeState();
    void applyDecode(const DecodeResult& result, const SemFile& file, bool markModified, const QString& status);
    // MainWindowVariations.cpp
    void buildVariations();
    void setVariations(const DecodeResult& result);
    void clearVariations();

    // MainWindowCompare.cpp: the compare layers' measures, the results table, the status result
    void buildResults();
    void clearResults();
    void measureLastDecode();
    void showDecodeMeasure(int index);

    // MainWindowCaption.cpp: caption client, settings
    void buildCaption();
    void onCaptionFinished(const sem::CaptionResult& result);
    void onCaptionFailed(const sem::CaptionError& error);

    // MainWindowSession.cpp: autosave and restore
    void buildSession();
    void scheduleAutosave();
    void applySession(const SessionState& state);
    void finishRestore();
    void updateRestoreAction();

    // Panels and view
    ImageView* m_view = nullptr;
    EdgePanel* m_edgePanel = nullptr;
    CaptionPanel* m_captionPanel = nullptr;
    HintPanel* m_hintPanel = nullptr;
    RatePanel* m_ratePanel = nullptr;
    double m_firstUseTarget = 0.0;  // setFirstUseTarget
    DecodePanel* m_decodePanel = nullptr;
    RdPlot* m_plot = nullptr;
    QDockWidget* m_plotDock = nullptr;
    ResultsTable* m_results = nullptr;
    QDockWidget* m_resultsDock = nullptr;
    QLabel* m_resultLabel = nullptr;
    QMenu* m_viewMenu = nullptr;
    QScrollArea* m_sideScroll = nullptr;
    QComboBox* m_firstLayer = nullptr;
    QComboBox* m_secondLayer = nullptr;
    QAction* m_splitAction = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_saveAsAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_restoreAction = nullptr;
    QMenu* m_recentMenu = nullptr;
    QList<QAction*> m_zoomActions;
    QLabel* m_sizeLabel = nullptr;
    QLabel* m_bppLabel = nullptr;
    QLabel* m_zoomLabel = nullptr;
    QLabel* m_busyLabel = nullptr;
    QLabel* m_deviceLabel = nullptr;

    // The document: all the state that is saved, opened, decoded and autosaved.
    Document* m_doc = nullptr;

    // Async open: the latest request; results of older ones are dropped.
    std::uint64_t m_openRequested = 0;
    std::uint64_t m_loadingRequest = 0;  // the request being loaded, 0 when none
    QString m_loadingName;
    QList<QWidget*> m_lockedWhileLoading;  // editing panels disabled by the load

    // Workers: a request id per stream; results older than the last applied one are dropped,
    // and so are results for a previous document (Document::generation()).
    JobCoalescer* m_edgeJobs = nullptr;
    JobCoalescer* m_hintJobs = nullptr;
    JobCoalescer* m_fitJobs = nullptr;
    std::uint64_t m_edgeRequested = 0, m_edgeApplied = 0;
    std::uint64_t m_hintRequested = 0, m_hintApplied = 0;

    // Decode: the last good reconstruction (in the document) survives failed and stopped decodes.
    DecodeController* m_decoder = nullptr;  // null when built without the diffusion engine
    ImagePyramid m_reconstructionPyramid;   // the view's copy of it
    QString m_originalNote;  // the Original view's note: size and file bytes (LayerNotes), before NIQE
    SemFile m_decodingFile;  // the file being decoded
    QString m_decodeDevice;
    std::uint64_t m_decodeGeneration = 0;  // the document's generation at the decode's start
    // The last variations decode (null: none), the file it decoded, its document generation.
    VariationGrid* m_variationGrid = nullptr;
    std::shared_ptr<const DecodeResult> m_variationResult;
    SemFile m_variationFile;
    std::uint64_t m_variationGeneration = 0;
    int m_variationPicked = -1;

    // Plot baselines (cached per image content) and the compare view
    bool m_baselinesReady = false;
    QFuture<void> m_baselineFuture;                   // the latest sweep (for its progress)
    std::shared_ptr<std::atomic<bool>> m_baselineStop;  // raised to stop it
    std::uint64_t m_compareRequest = 0, m_compareApplied = 0;
    QTimer* m_compareTimer = nullptr;

    // Caption client and autosave
    CaptionClient* m_captionClient = nullptr;
    QTimer* m_autosaveTimer = nullptr;

    QString m_lastError;
};

}  // namespace sem::ui
