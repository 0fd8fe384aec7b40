#include "cli/commands/CaptionCommand.h"

#include "cli/batch/BatchInputs.h"
#include "cli/batch/BatchOptions.h"
#include "cli/commands/CaptionBatch.h"
#include "core/caption/ApiKeyStore.h"
#include "core/caption/CaptionClient.h"
#include "core/caption/CaptionSettings.h"
#include "core/common/Error.h"
#include "core/image/ImageIO.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QUrl>
#include <nlohmann/json.hpp>
#include <ostream>

namespace sem::cli {
namespace {

// "semc caption: <message>", without repeating a "caption: " prefix of the message.
int failCaption(Io& io, QString message) {
    if (message.startsWith(QLatin1String("caption: "))) message.remove(0, 9);
    io.err << "semc caption: " << message.toStdString() << '\n';
    return kBadInput;
}

QString helpText(const QCommandLineParser& parser) {
    QString help = parser.helpText();
    // QCommandLineParser names the program only; show the subcommand too.
    const qsizetype end = help.indexOf(QLatin1Char('\n'));
    help = QStringLiteral("Usage: semc caption [options] IN\n       semc caption [options] IN... -o OUTDIR") +
           help.mid(end);
    if (!help.endsWith(QLatin1Char('\n'))) help += QLatin1Char('\n');
    return help;
}

nlohmann::json tokens(int n) { return n < 0 ? nlohmann::json() : nlohmann::json(n); }

}  // namespace

std::string CaptionCommand::summary() const {
    return "Caption an image with an OpenAI-compatible vision model (GPT-4o mini by default).";
}

cv::Mat loadCaptionImage(const QString& path) {
    return ImageIO::load(QFile::encodeName(path).toStdString()).bgr;
}

QString captionApiKey(const CaptionSettings& settings) {
    const ApiKeyStore::Lookup key = ApiKeyStore::find();
    if (key.key.isEmpty() && QUrl(settings.baseUrl).host() == QLatin1String("api.openai.com")) {
        std::string why = "no API key for api.openai.com: set OPENAI_API_KEY or run \"semc config set-key\"";
        if (!key.keychainProblem.isEmpty()) why += " (" + key.keychainProblem.toStdString() + ")";
        throw Error(why);
    }
    return key.key;
}

CaptionResult requestCaption(const cv::Mat& image, const CaptionSettings& settings, Io& io, const std::string& command) {
    const QString key = captionApiKey(settings);
    const auto onRetry = [&io, command](int retry, int max, qint64 delayMs, const QString& reason) {
        io.err << "semc " << command << ": " << reason.toStdString() << "; retry " << retry << " of " << max << " in "
               << static_cast<double>(delayMs) / 1000.0 << " s\n";
    };
    return CaptionClient::captionBlocking(image, settings, key, onRetry);
}

int CaptionCommand::run(const QStringList& args, Io& io) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QString::fromStdString(
        summary() + "\n\n"
        + BatchOptions::helpText("the captions go to OUTDIR/captions.json (with --shard I/N:\n"
                                 "captions-I-of-N.json), keyed by each image's path under its folder argument; it is\n"
                                 "rewritten after every caption and a rerun asks only for the missing ones. At most\n"
                                 "--jobs requests are in flight; a 429 with Retry-After pauses the whole batch.\n"
                                 "(semc caption has no single-file output: -o always means batch mode.)")));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({"h", "help"}, "Show this help.");
    const QCommandLineOption model("model", "Model name (saved: semc config set model M).", "M");
    const QCommandLineOption baseUrl("base-url", "API base URL, e.g. http://localhost:11434/v1 for Ollama.", "URL");
    const QCommandLineOption maxWords("max-words", "Word budget of the caption (1-200).", "N");
    const QCommandLineOption detail("detail", "Image detail sent to the model: low, high or auto.", "D");
    const QCommandLineOption timeout("timeout", "Seconds to wait for a reply (1-600).", "S");
    const QCommandLineOption maxRetries("max-retries", "Retries after HTTP 429 or 5xx (0-10).", "N");
    const QCommandLineOption json("json", "Print JSON: caption, bytes, model, usage, seconds, attempts (batch: the "
                                          "report, one entry per file).");
    const QCommandLineOption output({"o", "output"}, "Batch: the output folder (of captions.json).", "OUTDIR");
    const QCommandLineOption maxPerMinute("max-per-minute", "Batch: start at most N requests in any minute.", "N");
    parser.addOptions({help, model, baseUrl, maxWords, detail, timeout, maxRetries, json, output, maxPerMinute});
    BatchOptions::add(parser, "Batch: at most N requests in flight at once (default 4).");
    parser.addPositionalArgument("IN", "The image to caption.");
    if (!parser.parse(QStringList{QStringLiteral("semc caption")} + args)) return failCaption(io, parser.errorText());
    if (parser.isSet(help)) {
        io.out << helpText(parser).toStdString();
        return kOk;
    }
    const QStringList positional = parser.positionalArguments();
    const bool batch = parser.isSet(output) || BatchInputs::isBatch(positional, {});
    if (batch && !parser.isSet(output))
        return failCaption(io, QStringLiteral("batch mode needs -o OUTDIR (see semc caption --help)."));
    if (!batch && positional.size() != 1)
        return failCaption(io, QStringLiteral("expected one image file (see semc caption --help)."));

    try {
        if (!batch) BatchOptions::refuseInSingleMode(parser, "caption");
        if (!batch && parser.isSet(maxPerMinute)) throw Error("--max-per-minute is for batch mode (see semc caption --help)");
        QStringList warnings;
        CaptionSettings settings = CaptionSettings::load(&warnings);
        for (const QString& w : warnings) io.err << "semc caption: warning: " << w.toStdString() << '\n';
        const std::pair<const QCommandLineOption*, const char*> overrides[] = {
            {&baseUrl, "endpoint"}, {&model, "model"},     {&maxWords, "max-words"},
            {&detail, "detail"},    {&timeout, "timeout"}, {&maxRetries, "max-retries"}};
        for (const auto& [option, key] : overrides)
            if (parser.isSet(*option)) settings.set(QLatin1String(key), parser.value(*option));
        if (batch) return CaptionBatch::run(parser, settings, io);

        const cv::Mat image = loadCaptionImage(positional.front());

        const CaptionResult r = requestCaption(image, settings, io, "caption");
        if (parser.isSet(json)) {
            const nlohmann::json out = {
                {"caption", r.caption.toStdString()},
                {"bytes", r.caption.toUtf8().size()},
                {"model", r.model.toStdString()},
                {"finish_reason", r.finishReason.toStdString()},
                {"usage", {{"prompt_tokens", tokens(r.usage.promptTokens)},
                           {"completion_tokens", tokens(r.usage.completionTokens)},
                           {"total_tokens", tokens(r.usage.totalTokens)}}},
                {"seconds", r.seconds},
                {"attempts", r.attempts}};
            io.out << out.dump(2) << '\n';
        } else {
            io.out << r.caption.toStdString() << '\n';
        }
        return kOk;
    } catch (const Error& e) {
        return failCaption(io, QString::fromStdString(e.what()));
    }
}

}  // namespace sem::cli
