#include "FakeHttpServer.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <algorithm>
#include <memory>

namespace sem::test {

FakeHttpServer::FakeHttpServer() : server_(new QTcpServer(this)) {
    if (!server_->listen(QHostAddress::LocalHost, 0)) qFatal("FakeHttpServer: cannot listen on 127.0.0.1");
    connect(server_, &QTcpServer::newConnection, this, [this] { onNewConnection(); });
    clock_.start();
}

FakeHttpServer::~FakeHttpServer() = default;

quint16 FakeHttpServer::port() const { return server_->serverPort(); }

QString FakeHttpServer::baseUrl() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(port()); }

void FakeHttpServer::enqueue(const ScriptedResponse& response) { script_.push_back(response); }

QByteArray FakeHttpServer::response(int status, const QByteArray& body, const QByteArray& contentType,
                                    const QList<QPair<QByteArray, QByteArray>>& extraHeaders) {
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + " Scripted\r\n";
    if (!contentType.isEmpty()) out += "Content-Type: " + contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    for (const auto& h : extraHeaders) out += h.first + ": " + h.second + "\r\n";
    return out + "\r\n" + body;
}

QByteArray FakeHttpServer::completion(const QByteArray& contentJson, const QByteArray& finishReason) {
    return R"({"id":"chatcmpl-1","object":"chat.completion","model":"fake-vision-1","choices":[{"index":0,)"
           R"("message":{"role":"assistant","content":)" + contentJson + R"(,"refusal":null},"finish_reason":")"
           + finishReason + R"("}],"usage":{"prompt_tokens":101,"completion_tokens":12,"total_tokens":113}})";
}

void FakeHttpServer::onNewConnection() {
    while (QTcpSocket* socket = server_->nextPendingConnection()) {
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            buffers_.remove(socket);
            socket->deleteLater();
        });
    }
}

void FakeHttpServer::onReadyRead(QTcpSocket* socket) {
    QByteArray& buffer = buffers_[socket];
    buffer += socket->readAll();
    for (;;) {
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0) return;
        RecordedRequest request;
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        request.method = requestLine.value(0);
        request.path = requestLine.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                request.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        const qsizetype length = request.headers.value("content-length", "0").toLongLong();
        if (buffer.size() < headerEnd + 4 + length) return;  // body not complete yet
        request.body = buffer.mid(headerEnd + 4, length);
        buffer.remove(0, headerEnd + 4 + length);
        request.receivedMs = clock_.elapsed();
        requests_.append(request);
        const qsizetype index = requests_.size() - 1;
        maxInFlight_ = std::max(maxInFlight_, ++inFlight_);

        ScriptedResponse next;
        if (script_.empty()) {
            next.raw = response(599, R"({"error":{"message":"FakeHttpServer: no scripted response left"}})");
        } else {
            next = script_.front();
            script_.pop_front();
        }
        if (next.delayMs > 0) {
            // The socket is the context: no call once it is gone.
            QTimer::singleShot(next.delayMs, socket, [this, socket, next, index] {
                if (socket->state() == QAbstractSocket::ConnectedState) answer(socket, next, index);
            });
        } else {
            answer(socket, next, index);
        }
    }
}

void FakeHttpServer::answer(QTcpSocket* socket, const ScriptedResponse& response, qsizetype index) {
    requests_[index].answeredMs = clock_.elapsed();
    --inFlight_;
    socket->write(response.raw);
    if (response.fillerBytes > 0) {
        writeFiller(socket, response.fillerBytes, response.closeAfter);
    } else if (response.closeAfter) {
        socket->disconnectFromHost();
    }
}

void FakeHttpServer::writeFiller(QTcpSocket* socket, qint64 left, bool closeAfter) {
    // Write one piece, then the next when the socket has sent it, so the client reads while
    // the server is still sending (as a real large reply would arrive).
    constexpr qint64 kPiece = 64 * 1024;
    const qint64 n = std::min(left, kPiece);
    socket->write(QByteArray(n, 'x'));
    const qint64 rest = left - n;
    if (rest <= 0) {
        if (closeAfter) socket->disconnectFromHost();
        return;
    }
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(socket, &QTcpSocket::bytesWritten, socket, [this, socket, rest, closeAfter, connection] {
        if (socket->bytesToWrite() > 0) return;
        disconnect(*connection);
        if (socket->state() == QAbstractSocket::ConnectedState) writeFiller(socket, rest, closeAfter);
    });
}

}  // namespace sem::test
