#pragma once
#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPair>
#include <QString>
#include <deque>

class QTcpServer;
class QTcpSocket;

namespace sem::test {

// One scripted answer of FakeHttpServer.
struct ScriptedResponse {
    QByteArray raw;           // everything sent first: status line, headers, (part of the) body
    int delayMs = 0;          // wait this long after the request before answering
    qint64 fillerBytes = 0;   // then stream this many more bytes ('x') in 64 KiB pieces
    bool closeAfter = false;  // close the connection when everything was written
};

struct RecordedRequest {
    QByteArray method;
    QByteArray path;
    QMap<QByteArray, QByteArray> headers;  // names in lower case
    QByteArray body;
    qint64 receivedMs = -1;  // on the server's clock (ms since it was made): the request was complete
    qint64 answeredMs = -1;  // the answer was written (-1: never)
};

// An HTTP/1.1 server on 127.0.0.1 (a free port) that answers requests with scripted raw
// responses, in order, and records what it received. It runs in the calling thread's event
// loop, so the client under test must run there too (which CaptionClient does).
class FakeHttpServer : public QObject {
public:
    FakeHttpServer();
    ~FakeHttpServer() override;

    quint16 port() const;
    QString baseUrl() const;  // "http://127.0.0.1:PORT/v1"

    void enqueue(const ScriptedResponse& response);
    void enqueue(const QByteArray& raw) { enqueue(ScriptedResponse{raw, 0, 0, false}); }

    // A complete response with Content-Length.
    static QByteArray response(int status, const QByteArray& body,
                               const QByteArray& contentType = "application/json",
                               const QList<QPair<QByteArray, QByteArray>>& extraHeaders = {});
    // A chat.completion body whose message content is `content` (a JSON value, already encoded).
    static QByteArray completion(const QByteArray& contentJson, const QByteArray& finishReason = "stop");

    const QList<RecordedRequest>& requests() const { return requests_; }
    // The most requests that were received and not yet answered at one time.
    int maxInFlight() const { return maxInFlight_; }

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket* socket);
    void answer(QTcpSocket* socket, const ScriptedResponse& response, qsizetype index);
    void writeFiller(QTcpSocket* socket, qint64 left, bool closeAfter);

    QTcpServer* server_;
    std::deque<ScriptedResponse> script_;
    QList<RecordedRequest> requests_;
    QMap<QTcpSocket*, QByteArray> buffers_;
    QElapsedTimer clock_;
    int inFlight_ = 0;
    int maxInFlight_ = 0;
};

}  // namespace sem::test
