#pragma once
#include <QObject>
#include <QSize>
#include <QString>
#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/edges/CannyParams.h"
#include "core/format/SemFile.h"
#include "core/hint/HintCodec.h"
#include "core/pipeline/Encoder.h"
#include "core/pipeline/StreamDecoder.h"

namespace sem::ui {

// What the user edits in a document: the edge and hint settings, the caption, the metadata choice.
struct DocumentSettings {
    CannyParams canny;
    HintParams hint;
    QString caption;
    // The coded caption; empty when the caption is empty; nullopt when it cannot be coded.
    std::optional<std::vector<std::uint8_t>> codedCaption = std::vector<std::uint8_t>{};
    QString captionError;  // why it cannot be coded
    bool writeMetadata = true;

    bool operator==(const DocumentSettings& o) const;
    bool operator!=(const DocumentSettings& o) const { return !(*this == o); }
};

// The edge and hint settings a .sem's metadata records (informative only, and untrusted).
struct MetadataSettings {
    std::optional<CannyParams> canny;  // none when absent or inconsistent (e.g. low > high)
    std::optional<int> hintQuality;    // -1 (the default) when absent or out of range
};

// The open document (DESIGN §7): the source image (or a .sem opened on its own), the coded edge
// and hint streams, the settings, the record of the last decode, where it is saved, and whether
// it has unsaved changes. MainWindow and the panels observe it through its signals; opening a .sem
// and saving go through it. No widget here: the window shows what the document holds.
class Document : public QObject {
    Q_OBJECT
public:
    explicit Document(QObject* parent = nullptr);

    // A new document from an image (CV_8UC3, shared, read-only); its file path is set apart.
    void setImage(const cv::Mat& bgr, const QString& displayName);
    void setImagePath(const QString& path) { m_imagePath = path; }
    // A new document from a .sem file: its streams (decoded, for the view) are returned. Throws
    // (sem::Error or std::exception) naming the problem; the document is unchanged then.
    DecodedStreams openSem(const QString& path);
    // Writes the file as it is now to `path` (throws naming the problem: a stream or the caption
    // that cannot be coded, or the write); the document is then saved there and unmodified.
    void save(const QString& path);
    // The file as it would be saved now.
    SemFile currentFile() const;
    // Fields missing, of the wrong type or out of range keep their defaults.
    static MetadataSettings settingsFromMetadata(const std::string& json);

    bool isEmpty() const { return m_size.isEmpty(); }
    const cv::Mat& image() const { return m_image; }  // empty for a .sem opened on its own
    QSize size() const { return m_size; }
    QString displayName() const { return m_displayName; }
    QString semPath() const { return m_semPath; }      // where Save writes; empty until saved
    QString imagePath() const { return m_imagePath; }  // the source image file, if any
    bool fromSem() const { return m_fromSem; }
    // The hint factor whose thumbnail of this document's size is thumbWidth x thumbHeight; 0: none.
    int hintFactorOf(int thumbWidth, int thumbHeight) const;
    const SemFile& loadedFile() const { return m_loaded; }  // the opened .sem as read
    // Changes each time another document is opened: results computed for an older one are dropped.
    std::uint64_t generation() const { return m_generation; }

    // The coded streams, set by the window's workers (or read from the .sem).
    void setEdges(std::vector<std::uint8_t> bytes, double thresholdLow, double thresholdHigh);
    void setEdgeError(const QString& error);
    void setHint(std::optional<std::vector<std::uint8_t>> bytes, const QString& error);
    const std::optional<std::vector<std::uint8_t>>& edgeBytes() const { return m_edgeBytes; }
    const std::optional<std::vector<std::uint8_t>>& hintBytes() const { return m_hintBytes; }
    // Why the streams or the caption cannot be saved or decoded now; empty when they can.
    QString streamError() const;
    QString codingError() const;  // streamError(), else the caption's

    const DocumentSettings& settings() const { return m_settings; }
    void setSettings(const DocumentSettings& settings);  // settingsChanged() when they differ

    // The last good decode of this document; a saved file records its model and settings.
    void setDecodeRecord(const cv::Mat& reconstruction, const DecodeSettings& settings, std::uint32_t modelId);
    bool hasReconstruction() const { return !m_reconstruction.empty(); }
    const cv::Mat& reconstruction() const { return m_reconstruction; }

    bool isModified() const { return m_modified; }
    void setModified(bool modified);  // never modified while empty

signals:
    void opened();  // another document (image or .sem) replaced this one's content
    void streamsChanged();
    void settingsChanged();
    void decodeRecordChanged();
    void modifiedChanged(bool modified);
    void titleChanged();  // the display name or the saved path

private:
    void clear();

    cv::Mat m_image;
    QSize m_size;
    QString m_displayName, m_semPath, m_imagePath;
    SemFile m_loaded;  // an opened .sem: model id, decode settings, unknown chunks, metadata
    bool m_fromSem = false;
    std::uint64_t m_generation = 0;
    std::optional<std::vector<std::uint8_t>> m_edgeBytes, m_hintBytes;
    double m_thresholdLow = 0.0, m_thresholdHigh = 0.0;  // of the coded edge stream
    QString m_edgeError, m_hintError;
    DocumentSettings m_settings;
    cv::Mat m_reconstruction;
    bool m_haveDecodeRecord = false;
    DecodeSettings m_decodedSettings;
    std::uint32_t m_decodedModelId = 0;
    bool m_modified = false;
};

}  // namespace sem::ui
