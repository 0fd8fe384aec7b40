#include "cli/batch/BatchReport.h"

#include <QSaveFile>
#include <QString>
#include <cmath>
#include <sstream>

#include "cli/Command.h"
#include "cli/Report.h"
#include "core/common/Error.h"

namespace sem::cli {
namespace {

struct Means {
    double sum = 0.0;
    int n = 0;
    void add(const std::optional<double>& v)
    {
        if (v && std::isfinite(*v)) {
            sum += *v;
            ++n;
        }
    }
    nlohmann::json json() const { return n ? nlohmann::json(sum / n) : nlohmann::json(); }
    std::string text(int decimals) const { return n ? Report::fixed(sum / n, decimals) : std::string("n/a"); }
};

std::string csvField(const std::string& s)
{
    if (s.find_first_of(",\"\n\r") == std::string::npos)
        return s;
    std::string q = "\"";
    for (char c : s)
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

std::string optionalNumber(const std::optional<double>& v)
{
    return v ? Report::fixed(*v, 6) : std::string();
}

}  // namespace

BatchReport::BatchReport(std::string command, std::vector<BatchOutcome> outcomes, double seconds, bool interrupted)
    : command_(std::move(command)), outcomes_(std::move(outcomes)), seconds_(seconds), interrupted_(interrupted)
{
}

int BatchReport::count(BatchOutcome::Status s) const
{
    int n = 0;
    for (const BatchOutcome& o : outcomes_)
        n += o.status == s ? 1 : 0;
    return n;
}

int BatchReport::exitCode() const
{
    if (interrupted_)
        return kInterrupted;
    return count(BatchOutcome::Failed) > 0 ? kBadInput : kOk;
}

nlohmann::json BatchReport::json() const
{
    std::uint64_t in = 0, out = 0;
    Means bpp, psnr, ssim;
    nlohmann::json files = nlohmann::json::array();
    for (const BatchOutcome& o : outcomes_) {
        nlohmann::json f = {{"input", o.input}, {"output", o.output}, {"status", BatchOutcome::statusName(o.status)}};
        if (o.status == BatchOutcome::Failed)
            f["error"] = o.error;
        if (o.status == BatchOutcome::Done) {
            in += o.bytesIn;
            out += o.bytesOut;
            bpp.add(o.bpp);
            psnr.add(o.psnr);
            ssim.add(o.ssim);
            f["bytes_in"] = o.bytesIn;
            f["bytes_out"] = o.bytesOut;
            f["seconds"] = o.seconds;
            if (o.bpp)
                f["bpp"] = *o.bpp;
            if (o.psnr)
                f["psnr"] = std::isfinite(*o.psnr) ? *o.psnr : 999.0;
            if (o.ssim)
                f["ssim"] = *o.ssim;
        }
        for (const auto& [k, v] : o.extra.items())
            f[k] = v;
        files.push_back(std::move(f));
    }
    return {{"command", command_},
            {"files", outcomes_.size()},
            {"done", count(BatchOutcome::Done)},
            {"skipped", count(BatchOutcome::Skipped)},
            {"failed", count(BatchOutcome::Failed)},
            {"not_run", count(BatchOutcome::NotRun)},
            {"interrupted", interrupted_},
            {"seconds", seconds_},
            {"bytes_in", in},
            {"bytes_out", out},
            {"mean_bpp", bpp.json()},
            {"mean_psnr", psnr.json()},
            {"mean_ssim", ssim.json()},
            {"items", files}};
}

void BatchReport::printText(std::ostream& out) const
{
    std::uint64_t in = 0, bytesOut = 0;
    Means bpp, psnr, ssim;
    for (const BatchOutcome& o : outcomes_)
        if (o.status == BatchOutcome::Done) {
            in += o.bytesIn;
            bytesOut += o.bytesOut;
            bpp.add(o.bpp);
            psnr.add(o.psnr);
            ssim.add(o.ssim);
        }
    const int done = count(BatchOutcome::Done);
    out << command_ << ": " << outcomes_.size() << " files: " << done << " done, " << count(BatchOutcome::Skipped)
        << " skipped (already complete), " << count(BatchOutcome::Failed) << " failed";
    if (interrupted_)
        out << ", " << count(BatchOutcome::NotRun) << " not run (interrupted; run the same command again to finish)";
    out << " in " << Report::fixed(seconds_, 1) << " s";
    if (done > 0 && seconds_ > 0)
        out << " (" << Report::fixed(done / seconds_, 2) << " files/s)";
    out << "\n";
    if (done > 0) {
        out << "bytes in " << in << ", out " << bytesOut;
        if (bpp.n)
            out << ", mean bpp " << bpp.text(4);
        if (psnr.n)
            out << ", mean PSNR " << psnr.text(2) << " dB";
        if (ssim.n)
            out << ", mean SSIM " << ssim.text(4);
        out << "\n";
    }
    for (const BatchOutcome& o : outcomes_)
        if (o.status == BatchOutcome::Failed)
            out << "failed: " << o.input << ": " << o.error << "\n";
}

void BatchReport::writeCsv(const std::string& path) const
{
    std::ostringstream s;
    s << "input,output,status,error,bytes_in,bytes_out,bpp,psnr,ssim,seconds\n";
    for (const BatchOutcome& o : outcomes_) {
        const bool done = o.status == BatchOutcome::Done;
        s << csvField(o.input) << "," << csvField(o.output) << "," << BatchOutcome::statusName(o.status) << ","
          << csvField(o.error) << "," << (done ? std::to_string(o.bytesIn) : std::string()) << ","
          << (done ? std::to_string(o.bytesOut) : std::string()) << "," << (done ? optionalNumber(o.bpp) : "") << ","
          << (done ? optionalNumber(o.psnr) : "") << "," << (done ? optionalNumber(o.ssim) : "") << ","
          << (done ? Report::fixed(o.seconds, 4) : std::string()) << "\n";
    }
    QSaveFile f(QString::fromStdString(path));
    const std::string text = s.str();
    if (!f.open(QIODevice::WriteOnly) || f.write(text.data(), static_cast<qint64>(text.size())) != qint64(text.size())
        || !f.commit())
        throw Error("cannot write the report " + path + ": " + f.errorString().toStdString());
}

}  // namespace sem::cli
