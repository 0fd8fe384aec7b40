#include "cli/bench/CaptionBench.h"

#include "core/caption/CaptionClient.h"
#include "core/caption/CaptionRequest.h"
#include "core/common/Error.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <algorithm>
#include <iomanip>
#include <ostream>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace sem::cli {
namespace {

const QByteArray kReplyBody =
    R"({"id":"bench","object":"chat.completion","model":"bench-model","choices":[{"index":0,"message":)"
    R"({"role":"assistant","content":"A red ball on a blue table under warm evening light.","refusal":null},)"
    R"("finish_reason":"stop"}],"usage":{"prompt_tokens":98,"completion_tokens":13,"total_tokens":111}})";

// Answers every complete HTTP request on every connection at once with kReplyBody.
class InstantServer : public QTcpServer {
public:
    InstantServer() {
        if (!listen(QHostAddress::LocalHost, 0)) throw Error("caption bench: cannot listen on 127.0.0.1.");
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [s] { serve(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }

private:
    static void serve(QTcpSocket* s) {
        QByteArray buffer = s->property("buffer").toByteArray() + s->readAll();
        for (;;) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0) break;
            qsizetype length = 0;
            const qsizetype at = buffer.left(end).toLower().indexOf("content-length:");
            if (at >= 0) {
                const qsizetype eol = buffer.indexOf("\r\n", at);
                length = buffer.mid(at + 15, eol - at - 15).trimmed().toLongLong();
            }
            if (buffer.size() < end + 4 + length) break;
            buffer.remove(0, end + 4 + length);
            s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                     + QByteArray::number(kReplyBody.size()) + "\r\n\r\n" + kReplyBody);
        }
        s->setProperty("buffer", buffer);
    }
};

double ms(qint64 ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace

CaptionBenchReport runCaptionBench(int requests, int width, int height) {
    if (requests < 1 || width < 1 || height < 1) throw Error("caption bench: requests and image size must be positive.");
    // A synthetic photo-like image: gradients and shapes, so the JPEG has a realistic size.
    cv::Mat image(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(x * 255 / width), static_cast<uchar>(y * 255 / height),
                                                  static_cast<uchar>((x ^ y) & 0xff));
    cv::circle(image, {width / 3, height / 2}, height / 4, cv::Scalar(20, 40, 220), -1);
    cv::rectangle(image, {width / 2, height / 4}, {width * 7 / 8, height * 3 / 4}, cv::Scalar(200, 120, 10), -1);

    InstantServer server;
    CaptionSettings settings;
    settings.baseUrl = QStringLiteral("http://127.0.0.1:%1/v1").arg(server.serverPort());
    settings.model = QStringLiteral("bench-model");
    settings.maxRetries = 0;

    CaptionBenchReport report;
    report.requests = requests;
    report.width = width;
    report.height = height;

    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < requests; ++i) {
        const QByteArray body = CaptionRequest::body(CaptionRequest::encodeJpeg(image), settings);
        report.requestBytes = body.size();
    }
    report.encodeMs = ms(timer.nsecsElapsed()) / requests;

    CaptionClient::captionBlocking(image, settings, QStringLiteral("bench-key"));  // warm-up, not counted
    std::vector<double> times;
    for (int i = 0; i < requests; ++i) {
        timer.restart();
        const CaptionResult r = CaptionClient::captionBlocking(image, settings, QStringLiteral("bench-key"));
        times.push_back(ms(timer.nsecsElapsed()));
        if (r.caption.isEmpty()) throw Error("caption bench: empty caption from the local server.");
    }
    double sum = 0.0;
    for (const double t : times) sum += t;
    std::sort(times.begin(), times.end());
    report.requestMeanMs = sum / requests;
    report.requestMedianMs = times[times.size() / 2];
    report.requestMaxMs = times.back();
    return report;
}

void printCaptionBench(const CaptionBenchReport& r, std::ostream& out) {
    out << std::fixed << std::setprecision(2);
    out << "| requests | image | request body (bytes) | encode ms | request mean ms | median ms | max ms |\n"
        << "|---:|---|---:|---:|---:|---:|---:|\n"
        << "| " << r.requests << " | " << r.width << "x" << r.height << " | " << r.requestBytes << " | " << r.encodeMs
        << " | " << r.requestMeanMs << " | " << r.requestMedianMs << " | " << r.requestMaxMs << " |\n";
}

}  // namespace sem::cli
