#pragma once
#include "cli/Command.h"

#include <QString>
#include <opencv2/core/mat.hpp>

#include "core/caption/CaptionResult.h"
#include "core/caption/CaptionSettings.h"

namespace sem::cli {

// `semc caption IN [--model M] [--base-url URL] [--max-words N] [--detail low|high|auto]
//                  [--timeout S] [--max-retries N] [--json]`
// Asks the configured OpenAI-compatible endpoint for a caption of IN and prints it (or JSON with
// caption, bytes, model, finish_reason, usage, seconds, attempts). Options override the saved
// settings (`semc config`) for this run only. The API key comes from ApiKeyStore.
class CaptionCommand : public Command {
public:
    std::string name() const override { return "caption"; }
    std::string summary() const override;
    int run(const QStringList& args, Io& io) override;
};

// The image the caption command sends (BGR, 8-bit), through the project's image loader.
// Throws sem::Error naming the file when it cannot be read.
cv::Mat loadCaptionImage(const QString& path);

// The API key for `settings` from ApiKeyStore (the environment or the keychain); empty for a
// local server. Throws sem::Error when api.openai.com is the endpoint and there is no key.
QString captionApiKey(const CaptionSettings& settings);

// Asks the configured endpoint for a caption of `image` with the key from ApiKeyStore (the
// environment or the keychain), printing retries as "semc COMMAND: ...". Throws sem::Error
// (CaptionException) with a message that never contains the key.
CaptionResult requestCaption(const cv::Mat& image, const CaptionSettings& settings, Io& io, const std::string& command);

}  // namespace sem::cli
