#include "cli/Options.h"

#include <ostream>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/text/TextCodec.h"

namespace sem::cli {

void Options::init(QCommandLineParser& parser, const std::string& synopsis, const std::string& description)
{
    parser.setApplicationDescription(QString::fromStdString("Usage: semc " + synopsis + "\n\n" + description));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addHelpOption();
}

bool Options::parse(QCommandLineParser& parser, const QString& command, const QStringList& args, Io& io)
{
    QStringList full = args;
    full.prepend(QStringLiteral("semc ") + command);
    if (!parser.parse(full))
        throw Error(parser.errorText().toStdString() + " (see semc " + command.toStdString() + " --help)");
    if (parser.isSet(QStringLiteral("help"))) {
        // Qt's first line names the program file ("Usage: /path/semc [options]"); ours is in the description.
        const QString help = parser.helpText();
        io.out << help.mid(help.indexOf('\n') + 1).trimmed().toStdString() << "\n";
        return false;
    }
    return true;
}

QStringList Options::positional(const QCommandLineParser& parser, int count, const std::string& what)
{
    const QStringList p = parser.positionalArguments();
    if (p.size() != count)
        throw Error("expected " + what + ", got " + std::to_string(p.size()) + " argument"
                    + (p.size() == 1 ? "" : "s"));
    return p;
}

double Options::toDouble(const QCommandLineParser& parser, const QString& name, double lo, double hi)
{
    const QString v = parser.value(name);
    bool ok = false;
    const double d = v.toDouble(&ok);
    if (!ok || !(d >= lo && d <= hi))
        throw Error("invalid value for --" + name.toStdString() + ": '" + v.toStdString() + "' (expected a number in "
                    + QString::number(lo).toStdString() + ".." + QString::number(hi).toStdString() + ")");
    return d;
}

std::vector<double> Options::toDoubles(const QCommandLineParser& parser, const QString& name, int count, double lo,
                                       double hi)
{
    const QString v = parser.value(name);
    const QStringList parts = v.split(',');
    std::vector<double> out;
    for (const QString& part : parts) {
        bool ok = false;
        const double d = part.trimmed().toDouble(&ok);
        if (!ok || !(d >= lo && d <= hi))
            break;
        out.push_back(d);
    }
    if (parts.size() != count || static_cast<int>(out.size()) != count)
        throw Error("invalid value for --" + name.toStdString() + ": '" + v.toStdString() + "' (expected " +
                    std::to_string(count) + " comma-separated numbers in " + QString::number(lo).toStdString() + ".." +
                    QString::number(hi).toStdString() + ")");
    return out;
}

long long Options::toInt(const QCommandLineParser& parser, const QString& name, long long lo, long long hi)
{
    const QString v = parser.value(name);
    bool ok = false;
    const long long i = v.toLongLong(&ok);
    if (!ok || i < lo || i > hi)
        throw Error("invalid value for --" + name.toStdString() + ": '" + v.toStdString() + "' (expected an integer in "
                    + std::to_string(lo) + ".." + std::to_string(hi) + ")");
    return i;
}

void Options::addEdgeOptions(QCommandLineParser& parser)
{
    const CannyParams d;
    parser.addOptions({
        {"low", "Canny low threshold (default " + QString::number(d.low) + ").", "L", QString::number(d.low)},
        {"high", "Canny high threshold (default " + QString::number(d.high) + ").", "H", QString::number(d.high)},
        {"auto", "Thresholds from the median of the image (ignores --low/--high)."},
        {"blur", "Gaussian pre-blur sigma, 0 = none (default " + QString::number(d.blurSigma) + ").", "S",
         QString::number(d.blurSigma)},
        {"aperture", "Sobel aperture 3, 5 or 7 (default 3).", "A", QString::number(d.aperture)},
        {"scale", "Edge-map scale 1, 0.5, 0.25 or 0.125 (default 0.25).", "F", "0.25"},
        {"min-length", "Drop edge fragments shorter than N pixels (default 0).", "N", "0"},
        {"rgb", "One edge map per colour channel instead of one on luma."},
    });
}

CannyParams Options::edgeParams(const QCommandLineParser& parser)
{
    CannyParams p;
    p.autoThresholds = parser.isSet("auto");
    p.low = toDouble(parser, "low", 0, 10000);
    p.high = toDouble(parser, "high", 0, 10000);
    p.blurSigma = toDouble(parser, "blur", 0, 20);
    p.aperture = static_cast<int>(toInt(parser, "aperture", 3, 7));
    const double scale = toDouble(parser, "scale", 0.1, 1.0);
    if (scale == 1.0)
        p.scaleDenominator = 1;
    else if (scale == 0.5)
        p.scaleDenominator = 2;
    else if (scale == 0.25)
        p.scaleDenominator = 4;
    else if (scale == 0.125)
        p.scaleDenominator = 8;
    else
        throw Error("invalid value for --scale: '" + parser.value("scale").toStdString()
                    + "' (expected 1, 0.5, 0.25 or 0.125)");
    p.minLength = static_cast<int>(toInt(parser, "min-length", 0, 100000));
    p.perChannel = parser.isSet("rgb");
    p.validate();
    return p;
}

void Options::addHintOptions(QCommandLineParser& parser)
{
    parser.addOptions({
        {"hint", "Colour hint: off, or a downscale factor 4, 8, 16, 32 or 64 (default off).", "F", "off"},
        {"hint-quality", "Hint codec quality 1..100 (default: the measured default per factor).", "Q"},
    });
}

HintParams Options::hintParams(const QCommandLineParser& parser)
{
    HintParams h;
    const QString v = parser.value("hint");
    if (v == "off" || v == "0")
        h.factor = 0;
    else
        h.factor = static_cast<int>(toInt(parser, "hint", 4, 64));
    if (parser.isSet("hint-quality"))
        h.quality = static_cast<int>(toInt(parser, "hint-quality", 1, 100));
    h.validate();
    return h;
}

void Options::addCaptionOptions(QCommandLineParser& parser)
{
    parser.addOptions({
        {"caption", "Caption text (UTF-8); `auto` asks the caption service (semc encode only).", "TEXT"},
        {"caption-file", "Read the caption from a UTF-8 text file.", "F"},
    });
}

std::string Options::captionText(const QCommandLineParser& parser)
{
    if (parser.isSet("caption") && parser.isSet("caption-file"))
        throw Error("give either --caption or --caption-file, not both");
    std::string text;
    if (parser.isSet("caption-file")) {
        const auto bytes = readFile(parser.value("caption-file").toStdString(), TextCodec::kMaxCaptionBytes * 4);
        text.assign(bytes.begin(), bytes.end());
    } else {
        text = parser.value("caption").toStdString();
    }
    // Trailing newlines and spaces from files and shells are not part of the caption.
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
        text.pop_back();
    if (!TextCodec::isValidUtf8(text))
        throw Error("the caption is not valid UTF-8");
    return text;
}

}  // namespace sem::cli
