#include "core/caption/CaptionResponse.h"

#include "core/caption/CaptionPrompt.h"

#include <QRegularExpression>
#include <nlohmann/json.hpp>

namespace sem {
namespace {

using Kind = CaptionError::Kind;

constexpr int kMaxQuotedChars = 300;

[[noreturn]] void fail(CaptionError::Kind kind, const QString& message) {
    CaptionError e;
    e.kind = kind;
    e.message = message;
    throw CaptionException(e);
}

QString fromJson(const nlohmann::json& j) { return QString::fromStdString(j.get<std::string>()); }

// obj[name], or a null value when obj is not an object or has no such member.
const nlohmann::json& member(const nlohmann::json& obj, const char* name) {
    static const nlohmann::json kNull;
    if (!obj.is_object() || !obj.contains(name)) return kNull;
    return obj.at(name);
}

int tokenCount(const nlohmann::json& usage, const char* name) {
    const nlohmann::json& v = member(usage, name);
    if (!v.is_number_integer()) return -1;
    const auto n = v.get<std::int64_t>();
    return (n < 0 || n > 1'000'000'000) ? -1 : static_cast<int>(n);
}

QString shorten(QString s) {
    static const QRegularExpression control(QStringLiteral("[\\x00-\\x1f\\x7f]+"));
    s.replace(control, QStringLiteral(" "));
    s = s.simplified();
    if (s.size() > kMaxQuotedChars) s = s.left(kMaxQuotedChars) + QStringLiteral("...");
    return s;
}

}  // namespace

QString CaptionResponse::redact(const QString& text, const QString& apiKey) {
    static const QRegularExpression keyLike(QStringLiteral("sk-[A-Za-z0-9_*\\-]{8,}"));
    QString out = text;
    if (!apiKey.isEmpty()) out.replace(apiKey, QStringLiteral("[redacted]"));
    out.replace(keyLike, QStringLiteral("[redacted]"));
    return out;
}

QString CaptionResponse::errorSummary(const QByteArray& body, const QString& apiKey) {
    QString summary;
    const nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    if (!j.is_discarded()) {
        const nlohmann::json& err = member(j, "error");
        const nlohmann::json& msg = member(err, "message");
        if (msg.is_string())
            summary = fromJson(msg);
        else if (err.is_string())
            summary = fromJson(err);  // Ollama style: {"error":"..."}
    }
    if (summary.isEmpty()) summary = QString::fromUtf8(body.left(4 * kMaxQuotedChars));
    // Redact before shortening, so a key cut in half by shortening cannot survive.
    return shorten(redact(summary, apiKey));
}

CaptionResult CaptionResponse::parse(const QByteArray& body, const QString& requestedModel,
                                     int maxWords, const QString& apiKey) {
    const nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_discarded())
        fail(Kind::MalformedResponse, QStringLiteral("caption: the server's reply is not valid JSON."));
    if (!j.is_object())
        fail(Kind::MalformedResponse, QStringLiteral("caption: the server's reply is not a JSON object."));
    const nlohmann::json& choices = member(j, "choices");
    if (!choices.is_array())
        fail(Kind::MalformedResponse, QStringLiteral("caption: the server's reply has no \"choices\" array."));
    if (choices.empty())
        fail(Kind::EmptyResponse, QStringLiteral("caption: the server returned no choices."));
    const nlohmann::json& choice = choices.at(0);
    if (!choice.is_object())
        fail(Kind::MalformedResponse, QStringLiteral("caption: choices[0] in the server's reply is not an object."));

    CaptionResult result;
    const nlohmann::json& finish = member(choice, "finish_reason");
    if (finish.is_string()) result.finishReason = fromJson(finish);

    const nlohmann::json& message = member(choice, "message");
    if (!message.is_object())
        fail(Kind::MalformedResponse, QStringLiteral("caption: choices[0] has no \"message\" object."));
    const nlohmann::json& refusal = member(message, "refusal");
    if (!refusal.is_null()) {
        const QString why = refusal.is_string() ? shorten(redact(fromJson(refusal), apiKey)) : QString();
        fail(Kind::Refusal, why.isEmpty() ? QStringLiteral("caption: the model refused to describe the image.")
                                          : QStringLiteral("caption: the model refused to describe the image: %1").arg(why));
    }
    if (result.finishReason == QLatin1String("content_filter"))
        fail(Kind::Refusal, QStringLiteral("caption: the server's content filter blocked the caption."));

    QString raw;
    const nlohmann::json& content = member(message, "content");
    if (content.is_string()) {
        raw = fromJson(content);
    } else if (content.is_array()) {
        for (const nlohmann::json& part : content) {
            const nlohmann::json& type = member(part, "type");
            const nlohmann::json& text = member(part, "text");
            if (type.is_string() && type.get<std::string>() == "text" && text.is_string())
                raw += fromJson(text) + QLatin1Char(' ');
        }
    } else if (!content.is_null()) {
        fail(Kind::MalformedResponse, QStringLiteral("caption: message.content is neither text nor a list of parts."));
    }
    result.caption = CaptionPrompt::postProcess(raw, maxWords);
    if (result.caption.isEmpty())
        fail(Kind::EmptyResponse, QStringLiteral("caption: the model returned an empty caption."));

    const nlohmann::json& model = member(j, "model");
    result.model = (model.is_string() && !model.get<std::string>().empty()) ? fromJson(model) : requestedModel;
    const nlohmann::json& usage = member(j, "usage");
    result.usage.promptTokens = tokenCount(usage, "prompt_tokens");
    result.usage.completionTokens = tokenCount(usage, "completion_tokens");
    result.usage.totalTokens = tokenCount(usage, "total_tokens");
    return result;
}

}  // namespace sem
