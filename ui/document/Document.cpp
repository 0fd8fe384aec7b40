#include "ui/document/Document.h"

#include <QFile>
#include <nlohmann/json.hpp>
#include <QFileInfo>
#include <utility>

#include "core/common/Error.h"

namespace sem::ui {

bool DocumentSettings::operator==(const DocumentSettings& o) const
{
    return canny == o.canny && hint.factor == o.hint.factor && hint.quality == o.hint.quality && caption == o.caption
           && codedCaption == o.codedCaption && captionError == o.captionError && writeMetadata == o.writeMetadata;
}

Document::Document(QObject* parent) : QObject(parent) {}

void Document::clear()
{
    ++m_generation;
    m_image = cv::Mat();
    m_size = QSize();
    m_displayName.clear();
    m_semPath.clear();
    m_imagePath.clear();
    m_loaded = SemFile{};
    m_fromSem = false;
    m_edgeBytes.reset();
    m_hintBytes.reset();
    m_thresholdLow = m_thresholdHigh = 0.0;
    m_edgeError.clear();
    m_hintError.clear();
    m_reconstruction = cv::Mat();
    m_haveDecodeRecord = false;
    m_decodedSettings = DecodeSettings{};
    m_decodedModelId = 0;
}

void Document::setImage(const cv::Mat& bgr, const QString& displayName)
{
    clear();
    m_image = bgr;
    m_size = QSize(bgr.cols, bgr.rows);
    m_displayName = displayName;
    setModified(false);
    emit opened();
    emit titleChanged();
}

DecodedStreams Document::openSem(const QString& path)
{
    SemFile file = SemFile::load(QFile::encodeName(path).toStdString());
    DecodedStreams streams = StreamDecoder::decode(file);
    clear();
    m_size = QSize(file.width, file.height);
    m_displayName = QFileInfo(path).fileName();
    m_semPath = path;
    m_fromSem = true;
    m_edgeBytes = file.edges;
    m_hintBytes = file.hint;
    m_loaded = std::move(file);
    setModified(false);
    emit opened();
    emit titleChanged();
    return streams;
}

QString Document::streamError() const
{
    return !m_edgeError.isEmpty() ? m_edgeError : m_hintError;
}

QString Document::codingError() const
{
    if (!streamError().isEmpty())
        return streamError();
    if (m_settings.codedCaption)
        return QString();
    return m_settings.captionError.isEmpty() ? tr("The caption cannot be coded.") : m_settings.captionError;
}

void Document::save(const QString& path)
{
    if (isEmpty())
        throw Error(tr("There is nothing to save: open an image first.").toStdString());
    if (!codingError().isEmpty())
        throw Error(codingError().toStdString());
    currentFile().save(QFile::encodeName(path).toStdString());
    m_semPath = path;
    m_displayName = QFileInfo(path).fileName();
    setModified(false);
    emit titleChanged();
}

SemFile Document::currentFile() const
{
    SemFile f;
    if (m_fromSem)
        f = m_loaded;  // keeps the model id, decode settings and unknown optional chunks
    f.width = m_size.width();
    f.height = m_size.height();
    if (m_haveDecodeRecord) {  // a saved file decodes like the reconstruction on screen
        f.modelId = m_decodedModelId;
        f.decode = m_decodedSettings;
    }
    f.edges = m_edgeBytes;
    f.hint = m_hintBytes;
    const auto& caption = m_settings.codedCaption;
    if (caption && !caption->empty())
        f.caption = *caption;
    else
        f.caption.reset();
    if (!m_settings.writeMetadata) {
        f.metadata.reset();
    } else if (!m_fromSem) {
        EncodeOptions options;
        options.canny = m_settings.canny;
        options.hint = m_settings.hint;
        f.setMetadataJson(Encoder::metadataJson(options, m_thresholdLow, m_thresholdHigh));
    }
    return f;
}

int Document::hintFactorOf(int thumbWidth, int thumbHeight) const
{
    for (int f : {4, 8, 16, 32, 64}) {
        const cv::Size s = HintCodec::thumbnailSize(m_size.width(), m_size.height(), f);
        if (s.width == thumbWidth && s.height == thumbHeight)
            return f;
    }
    return 0;
}

void Document::setEdges(std::vector<std::uint8_t> bytes, double thresholdLow, double thresholdHigh)
{
    m_edgeBytes = std::move(bytes);
    m_edgeError.clear();
    m_thresholdLow = thresholdLow;
    m_thresholdHigh = thresholdHigh;
    emit streamsChanged();
}

void Document::setEdgeError(const QString& error)
{
    m_edgeBytes.reset();
    m_edgeError = error;
    emit streamsChanged();
}

void Document::setHint(std::optional<std::vector<std::uint8_t>> bytes, const QString& error)
{
    m_hintBytes = std::move(bytes);
    m_hintError = error;
    emit streamsChanged();
}

void Document::setSettings(const DocumentSettings& settings)
{
    if (settings == m_settings)
        return;
    m_settings = settings;
    emit settingsChanged();
}

void Document::setDecodeRecord(const cv::Mat& reconstruction, const DecodeSettings& settings, std::uint32_t modelId)
{
    m_reconstruction = reconstruction;
    m_haveDecodeRecord = true;
    m_decodedSettings = settings;
    m_decodedModelId = modelId;
    emit decodeRecordChanged();
}

void Document::setModified(bool modified)
{
    modified = modified && !isEmpty();
    if (modified == m_modified)
        return;
    m_modified = modified;
    emit modifiedChanged(modified);
}

MetadataSettings Document::settingsFromMetadata(const std::string& json)
{
    MetadataSettings out;
    if (json.empty())
        return out;
    const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return out;
    // Fields missing, of the wrong type or out of range keep their defaults: metadata is
    // informative only (and untrusted).
    auto number = [](const nlohmann::json& obj, const char* key, double fallback, double lo, double hi) {
        const auto it = obj.find(key);
        if (it == obj.end() || !it->is_number())
            return fallback;
        const double v = it->get<double>();
        return v >= lo && v <= hi ? v : fallback;
    };
    auto flag = [](const nlohmann::json& obj, const char* key, bool fallback) {
        const auto it = obj.find(key);
        return it != obj.end() && it->is_boolean() ? it->get<bool>() : fallback;
    };
    if (const auto c = j.find("canny"); c != j.end() && c->is_object()) {
        CannyParams p;
        p.low = number(*c, "low", p.low, 0.0, 1e6);
        p.high = number(*c, "high", p.high, 0.0, 1e6);
        // "auto": the auto sigma (a number) when automatic thresholds were used.
        if (const auto a = c->find("auto"); a != c->end() && a->is_number()) {
            p.autoThresholds = true;
            p.autoSigma = number(*c, "auto", p.autoSigma, 1e-6, 1.0);
        }
        p.blurSigma = number(*c, "blur", p.blurSigma, 0.0, 20.0);
        p.aperture = int(number(*c, "aperture", p.aperture, 3, 7));
        p.l2Gradient = flag(*c, "l2", p.l2Gradient);
        p.scaleDenominator = int(number(*c, "scale", p.scaleDenominator, 1, 8));
        p.minLength = int(number(*c, "min_length", p.minLength, 0, 1e6));
        p.perChannel = flag(*c, "rgb", p.perChannel);
        try {
            p.validate();
            out.canny = p;
        } catch (const Error&) {
            // inconsistent settings (e.g. low > high): none
        }
    }
    out.hintQuality = int(number(j, "hint_quality", -1, 1, 100));
    return out;
}

}  // namespace sem::ui
