// semc-train in two processes on 127.0.0.1 (torch.distributed, Gloo) against one process at twice
// the per-rank batch: the same global batch of the same samples with the same noise, so the weights
// must agree. QtTest only (no torch here): the processes run the torch code, the weights are read
// back with the torch-free safetensors reader.
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "diffusion/SafeTensors.h"
#include "training/TrainingBatch.h"
#include "training/pool/SamplePoolWriter.h"

using namespace sem;

namespace {

// 24 training + 4 validation samples of 32x32: smooth colour fields with a few edges and captions.
void writePool(const QString& directory)
{
    training::SamplePoolWriter writer(directory.toStdString(), 10);
    const char* captions[] = {"a red ball", "a blue sky", "red and blue", ""};
    for (const bool validation : {false, true}) {
        const int n = validation ? 4 : 24;
        training::TrainingBatch b = training::TrainingBatch::allocate(n, 32);
        for (int s = 0; s < n; ++s) {
            const std::size_t base = static_cast<std::size_t>(s) * b.pixels();
            for (std::size_t p = 0; p < b.pixels(); ++p) {
                const int x = static_cast<int>(p % 32), y = static_cast<int>(p / 32);
                for (int c = 0; c < 3; ++c) {
                    b.images[(base + p) * 3 + static_cast<std::size_t>(c)] = static_cast<std::uint8_t>((x * (c + 1) * 7 + y * 5 + s * 31) % 256);
                    b.hints[(base + p) * 3 + static_cast<std::size_t>(c)] = static_cast<std::uint8_t>((s * 40 + c * 60) % 256);
                }
                b.edges[base + p] = (x + s) % 8 == 0 ? 1.0f : 0.0f;
            }
            b.hasHint[static_cast<std::size_t>(s)] = s % 3 != 0;
            b.scaleIndex[static_cast<std::size_t>(s)] = s % 5;
            b.captions[static_cast<std::size_t>(s)] = captions[s % 4];
        }
        writer.add(b, validation);
    }
    std::vector<std::string> all;
    for (int i = 0; i < 8; ++i)
        all.insert(all.end(), {"a red ball", "a blue sky"});
    writer.finish(all, "a generated test pool", "{\"edge_dropout\": 0.05}");
}

int freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

QStringList trainArgs(const QString& data, const QString& out, int batch)
{
    return {"--data", data, "--out", out, "--arch", "tiny", "--steps", "3", "--batch", QString::number(batch),
            "--lr", "0.001", "--seed", "5", "--threads", "1", "--validate-every", "1000", "--checkpoint-minutes",
            "1000", "--final-weights", out + "/weights-{rank}"};
}

QProcess* start(const QStringList& args, int rank, int world, int port, QObject* parent)
{
    auto* p = new QProcess(parent);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* v : {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"})
        env.remove(v);
    env.insert("OMP_NUM_THREADS", "1");
    if (world > 0) {
        env.insert("RANK", QString::number(rank));
        env.insert("WORLD_SIZE", QString::number(world));
        env.insert("LOCAL_RANK", QString::number(rank));
        env.insert("MASTER_ADDR", "127.0.0.1");
        env.insert("MASTER_PORT", QString::number(port));
    }
    p->setProcessEnvironment(env);
    p->setProcessChannelMode(QProcess::MergedChannels);
    p->start(SEMC_TRAIN_BINARY, args);
    return p;
}

bool finish(QProcess* p, QString& log)
{
    const bool done = p->waitForFinished(600000);
    log += QString::fromUtf8(p->readAll());
    if (!done)
        p->kill();
    return done && p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0;
}

// max |a - b| over every tensor, and max |b|.
std::pair<double, double> difference(const QString& a, const QString& b)
{
    const auto ta = diffusion::SafeTensors::read((a + "/model.safetensors").toStdString());
    const auto tb = diffusion::SafeTensors::read((b + "/model.safetensors").toStdString());
    double diff = 0, scale = 0;
    if (ta.entries().size() != tb.entries().size())
        return {INFINITY, 0};
    for (const auto& [name, entry] : tb.entries()) {
        const std::vector<float> x = ta.toFloat(name), y = tb.toFloat(name);
        if (x.size() != y.size())
            return {INFINITY, 0};
        for (std::size_t i = 0; i < x.size(); ++i) {
            diff = std::max(diff, static_cast<double>(std::fabs(x[i] - y[i])));
            scale = std::max(scale, static_cast<double>(std::fabs(y[i])));
        }
    }
    return {diff, scale};
}

}  // namespace

class TestDistributedTraining : public QObject {
    Q_OBJECT
private slots:
    void twoRanksMatchOneRankAtTwiceTheBatch()
    {
        if (!SEM_TRAIN_DISTRIBUTED)
            QSKIP("semc-train was built without torch.distributed (no c10d Gloo headers)");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writePool(dir.filePath("data/samples"));
        const int port = freePort();
        QVERIFY(port > 0);
        const QString two = dir.filePath("two"), one = dir.filePath("one");
        QProcess* rank0 = start(trainArgs(dir.filePath("data"), two, 2), 0, 2, port, this);
        QProcess* rank1 = start(trainArgs(dir.filePath("data"), two, 2), 1, 2, port, this);
        QString log;
        const bool ok0 = finish(rank0, log), ok1 = finish(rank1, log);
        QVERIFY2(ok0 && ok1, qPrintable(log));
        QVERIFY2(log.contains("(gloo)"), qPrintable(log));
        QString single;
        QVERIFY2(finish(start(trainArgs(dir.filePath("data"), one, 4), 0, 0, 0, this), single), qPrintable(single));

        // (a) The ranks hold the same weights: the same start (broadcast from rank 0) and the same
        // averaged gradients (the all-reduce leaves the same sums on every rank).
        const auto [ranks, scale] = difference(two + "/weights-0", two + "/weights-1");
        QCOMPARE(ranks, 0.0);
        // (b) Against one process at batch 4: the same samples, noise and timesteps, so the only
        // difference is float rounding (a mean over 4 samples vs the average of two means over 2,
        // the text padded to the longest caption of 2 vs 4 samples), amplified by Adam's division
        // by sqrt(v) where a gradient is near zero. Measured on this machine (CPU, 3 steps): max
        // |diff| 7.5e-8 for a largest weight of 3.4 (2.2e-8 relative). The bound, 1e-6 of the
        // largest weight, leaves 45x room for other summation orders yet fails when the ranks draw
        // their own noise instead of their rows of the global batch's (1.8e-5 measured) or skip the
        // all-reduce (the ranks then differ by 6e-5).
        const auto [split, reference] = difference(two + "/weights-0", one + "/weights-0");
        qInfo("2 ranks vs 1 process: max |diff| %.3g, max |w| %.3g", split, reference);
        QVERIFY(reference > 0);
        QVERIFY2(split / reference < 1e-6, qPrintable(QString("relative difference %1").arg(split / reference)));
        // Rank 0 alone wrote the run's files.
        QVERIFY(QFile::exists(two + "/checkpoint.pt"));
        QVERIFY(QFile::exists(two + "/model/model.json"));
        QVERIFY(QFile::exists(two + "/train-log.csv"));

        // Resuming with another world size: one process continues the two-process run.
        QStringList more = trainArgs(dir.filePath("data"), two, 4);
        more[more.indexOf("--steps") + 1] = "4";
        more << "--resume";
        QString resumed;
        QVERIFY2(finish(start(more, 0, 0, 0, this), resumed), qPrintable(resumed));
        QVERIFY2(resumed.contains("resumed at step 3"), qPrintable(resumed));
    }

    void badEnvironmentIsRefused()
    {
        QTemporaryDir dir;
        writePool(dir.filePath("data/samples"));
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("WORLD_SIZE", "2");
        env.insert("RANK", "2");
        env.insert("MASTER_ADDR", "127.0.0.1");
        env.insert("MASTER_PORT", "1234");
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(SEMC_TRAIN_BINARY, trainArgs(dir.filePath("data"), dir.filePath("out"), 2));
        QVERIFY(p.waitForFinished(60000));
        const QString out = QString::fromUtf8(p.readAll());
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(out.contains("distributed: RANK '2' is not an integer in 0..1."), qPrintable(out));
        env.insert("RANK", "0");
        env.insert("MASTER_PORT", "70000");
        p.setProcessEnvironment(env);
        p.start(SEMC_TRAIN_BINARY, trainArgs(dir.filePath("data"), dir.filePath("out"), 2));
        QVERIFY(p.waitForFinished(60000));
        QVERIFY(QString::fromUtf8(p.readAll()).contains("MASTER_PORT '70000'"));
    }
};

QTEST_MAIN(TestDistributedTraining)
#include "tst_distributedtraining.moc"
