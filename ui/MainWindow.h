#pragma once
#include <QMainWindow>
#include <QString>
#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <vector>

#include "core/edges/CannyParams.h"
#include "core/format/SemFile.h"
#include "core/hint/HintCodec.h"
#include "ui/ImageView.h"

class QAction;
class QComboBox;
class QLabel;
class QMenu;

namespace sem::ui {

class CaptionPanel;
class EdgePanel;
class HintPanel;
class JobCoalescer;
class RatePanel;

// The main window (DESIGN §7). Layout and status bar in MainWindow.cpp, file actions in
// MainWindowFile.cpp, the edge/hint workers and the rate in MainWindowStreams.cpp.
//
// The public open/save/export methods never show a dialog: they return false and leave the
// message in lastError(). The menu actions call them and show the message.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    bool openPath(const QString& path);  // a .sem file (by its magic) or an image
    bool openImage(const QString& path);
    bool openSem(const QString& path);
    // Starts from an image already in memory (CV_8UC3), as openImage() does after loading.
    void setImage(const cv::Mat& bgr, const QString& displayName);
    bool saveSem(const QString& path);
    bool exportView(const QString& path);  // the current view at image resolution, PNG
    QString lastError() const { return m_lastError; }

    // The file as it would be saved now (streams computed so far; see streamsCurrent()).
    SemFile currentFile() const;
    bool streamsCurrent() const;  // no edge or hint result is outstanding
    bool isBusy() const;          // a worker is running or has work queued
    bool hasDocument() const { return !m_size.isEmpty(); }
    QString semPath() const { return m_semPath; }
    QStringList recentFiles() const;

    EdgePanel* edgePanel() const { return m_edgePanel; }
    CaptionPanel* captionPanel() const { return m_captionPanel; }
    HintPanel* hintPanel() const { return m_hintPanel; }
    RatePanel* ratePanel() const { return m_ratePanel; }
    ImageView* imageView() const { return m_view; }

signals:
    void edgesUpdated();  // an edge result has been applied (overlay and rate are current for it)
    void hintUpdated();
    void rateUpdated();

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
    void setDocumentModified(bool modified);
    void syncViewControls();

    // MainWindowFile.cpp: interactive file actions (these may show dialogs)
    void actionOpen();
    bool actionSave();
    bool actionSaveAs();
    void actionExport();
    void openInteractively(const QString& path);
    bool maybeSave();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void showError(const QString& title, const QString& message);
    void applySettingsFromMetadata(const std::string& json);
    int hintFactorOf(int thumbWidth, int thumbHeight) const;  // 0 if no factor gives that size

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

    // Panels and view
    ImageView* m_view = nullptr;
    EdgePanel* m_edgePanel = nullptr;
    CaptionPanel* m_captionPanel = nullptr;
    HintPanel* m_hintPanel = nullptr;
    RatePanel* m_ratePanel = nullptr;
    QComboBox* m_firstLayer = nullptr;
    QComboBox* m_secondLayer = nullptr;
    QAction* m_splitAction = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_saveAsAction = nullptr;
    QAction* m_exportAction = nullptr;
    QMenu* m_recentMenu = nullptr;
    QList<QAction*> m_zoomActions;
    QLabel* m_sizeLabel = nullptr;
    QLabel* m_bppLabel = nullptr;
    QLabel* m_zoomLabel = nullptr;
    QLabel* m_busyLabel = nullptr;

    // Document
    cv::Mat m_image;         // the source image (BGR); empty for a .sem opened on its own
    QSize m_size;            // image size in pixels
    QString m_displayName;   // for the title
    QString m_semPath;       // where Save writes; empty until saved or opened as .sem
    QString m_imagePath;     // the source image file, if any
    SemFile m_loaded;        // an opened .sem: model id, decode settings, unknown chunks, metadata
    bool m_fromSem = false;
    std::optional<std::vector<std::uint8_t>> m_edgeBytes;
    std::optional<std::vector<std::uint8_t>> m_hintBytes;
    double m_thresholdLow = 0.0, m_thresholdHigh = 0.0;  // of the coded edge stream
    QString m_edgeError, m_hintError;

    // Workers: a request id per stream; results older than the last applied one are dropped,
    // and so are results for a previous image (m_imageGeneration).
    JobCoalescer* m_edgeJobs = nullptr;
    JobCoalescer* m_hintJobs = nullptr;
    std::uint64_t m_imageGeneration = 0;
    std::uint64_t m_edgeRequested = 0, m_edgeApplied = 0;
    std::uint64_t m_hintRequested = 0, m_hintApplied = 0;

    QString m_lastError;
};

}  // namespace sem::ui
