#include "cli/bench/CaptionBench.h"
#include "cli/bench/BenchSupport.h"

#include "core/caption/CaptionClient.h"
#include "core/caption/CaptionRequest.h"
#include "core/common/Error.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <algorithm>
#include <ctime>
#include <iomanip>
#include <ostream>
#include <vector>

#ifdef Q_OS_LINUX
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

#include <opencv2/imgproc.hpp>

namespace sem::cli {
namespace {

const QByteArray kReplyBody =
    R"({"id":"bench","object":"chat.completion","model":"bench-model","choices":[{"index":0,"message":)"
    R"({"role":"assistant","content":"A red ball on a blue table under warm evening light.","refusal":null},)"
    R"("finish_reason":"stop"}],"usage":{"prompt_tokens":98,"completion_tokens":13,"total_tokens":111}})";

// Answers every complete HTTP request on every connection at once with kReplyBody.
// With `quickAck` (Linux), the server acknowledges received data at once instead of delaying the
// ACK (up to 40 ms). Qt 6.4's HTTP/1.1 client does not set TCP_NODELAY, so without it a request
// whose last TCP segment is small waits for that delayed ACK: a stall of the loopback test
// setup, not work done by the client (see docs/bench/caption.md).
class InstantServer : public QTcpServer {
public:
    explicit InstantServer(bool quickAck) : quickAck_(quickAck) {
        if (!listen(QHostAddress::LocalHost, 0)) throw Error("caption bench: cannot listen on 127.0.0.1.");
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = nextPendingConnection()) {
                s->setSocketOption(QAbstractSocket::LowDelayOption, 1);
                connect(s, &QTcpSocket::readyRead, s, [s, this] { serve(s, quickAck_); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }

private:
    static void serve(QTcpSocket* s, bool quickAck) {
#ifdef Q_OS_LINUX
        if (quickAck) {
            int one = 1;  // not sticky in Linux: set again on every read
            setsockopt(static_cast<int>(s->socketDescriptor()), IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
        }
#else
        (void)quickAck;
#endif
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

    bool quickAck_;
};

double ms(qint64 ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace

cv::Mat captionBenchImage(int width, int height) {
    if (width < 1 || height < 1 || width > 16384 || height > 16384)
        throw Error("caption bench: the image size must be 1 to 16384 pixels per side.");
    cv::Mat image(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(60 + x * 120 / width),
                                                  static_cast<uchar>(90 + y * 100 / height),
                                                  static_cast<uchar>(200 - (x + y) * 120 / (width + height)));
    cv::circle(image, {width / 3, height / 2}, height / 4, cv::Scalar(20, 40, 220), -1);
    cv::rectangle(image, {width / 2, height / 4}, {width * 7 / 8, height * 3 / 4}, cv::Scalar(200, 120, 10), -1);
    cv::line(image, {0, height - 1}, {width - 1, height / 3}, cv::Scalar(250, 250, 250), std::max(1, height / 100));
    cv::Mat noise(height, width, CV_8UC3);
    cv::theRNG().state = 12345;
    cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(6));
    cv::add(image, noise, image);  // mild sensor-like noise (positive part), as photos have
    return image;
}

CaptionBenchReport runCaptionBench(int requests, const cv::Mat& image, const std::string& detail, bool serverQuickAck) {
    if (requests < 1) throw Error("caption bench: the number of requests must be positive.");
    if (image.empty()) throw Error("caption bench: the image is empty.");
    const int width = image.cols, height = image.rows;
    InstantServer server(serverQuickAck);
    CaptionSettings settings;
    settings.baseUrl = QStringLiteral("http://127.0.0.1:%1/v1").arg(server.serverPort());
    settings.model = QStringLiteral("bench-model");
    settings.maxRetries = 0;
    settings.set(QStringLiteral("detail"), QString::fromStdString(detail));

    CaptionBenchReport report;
    report.requests = requests;
    report.width = width;
    report.height = height;
    report.detail = detail;
    report.serverQuickAck = serverQuickAck;

    QElapsedTimer timer;
    std::vector<double> encodeTimes;
    for (int i = 0; i < requests; ++i) {
        timer.start();
        const QByteArray body =
            CaptionRequest::body(CaptionRequest::encodeJpeg(image, CaptionRequest::maxSideFor(settings.detail)), settings);
        encodeTimes.push_back(ms(timer.nsecsElapsed()));
        report.requestBytes = body.size();
    }
    report.encodeMedianMs = bench::median(encodeTimes);

    CaptionClient::captionBlocking(image, settings, QStringLiteral("bench-key"));  // warm-up, not counted
    std::vector<double> times;
    const std::clock_t cpuStart = std::clock();
    for (int i = 0; i < requests; ++i) {
        timer.restart();
        const CaptionResult r = CaptionClient::captionBlocking(image, settings, QStringLiteral("bench-key"));
        times.push_back(ms(timer.nsecsElapsed()));
        if (r.caption.isEmpty()) throw Error("caption bench: empty caption from the local server.");
    }
    report.requestCpuMs = 1000.0 * static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC / requests;
    double sum = 0.0;
    for (const double t : times) sum += t;
    report.requestMeanMs = sum / requests;
    report.requestMedianMs = bench::median(times);
    report.requestMaxMs = *std::max_element(times.begin(), times.end());
    return report;
}

void printCaptionBench(const CaptionBenchReport& r, std::ostream& out) {
    out << std::fixed << std::setprecision(2);
    out << "| requests | image | detail | server quick ACK | request body (bytes) | encode median ms "
           "| request median ms | mean ms | max ms | CPU ms per request |\n"
        << "|---:|---|---|---|---:|---:|---:|---:|---:|---:|\n"
        << "| " << r.requests << " | " << r.width << "x" << r.height << " | " << r.detail << " | "
        << (r.serverQuickAck ? "yes" : "no") << " | " << r.requestBytes << " | " << r.encodeMedianMs << " | "
        << r.requestMedianMs << " | " << r.requestMeanMs << " | " << r.requestMaxMs << " | " << r.requestCpuMs << " |\n";
}

}  // namespace sem::cli
