#include <QtTest>
#include <atomic>
#include <stdexcept>
#include <thread>

#include "ui/workers/JobCoalescer.h"

using sem::ui::JobCoalescer;

class TestJobCoalescer : public QObject {
    Q_OBJECT
private slots:
    void keepsOnlyTheLatestWhileBusy()
    {
        JobCoalescer c;
        QList<int> applied;
        std::atomic<int> ran{0};
        QSignalSpy idle(&c, &JobCoalescer::idle);
        for (int i = 0; i < 6; ++i)
            c.submit([i, &ran, &applied]() -> JobCoalescer::Apply {
                ++ran;
                std::this_thread::sleep_for(std::chrono::milliseconds(60));
                return [i, &applied] { applied.append(i); };
            });
        QVERIFY(c.isBusy());
        QVERIFY(c.hasPending());
        QTRY_COMPARE(idle.count(), 1);
        QCOMPARE(applied, QList<int>({0, 5}));
        QCOMPARE(ran.load(), 2);
        QVERIFY(!c.isBusy());
    }
    void exceptionBecomesFailed()
    {
        JobCoalescer c;
        QSignalSpy failed(&c, &JobCoalescer::failed);
        c.submit([]() -> JobCoalescer::Apply { throw std::runtime_error("edge stream: broken."); });
        QTRY_COMPARE(failed.count(), 1);
        QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("edge stream: broken."));
        QVERIFY(!c.isBusy());
    }
    void dropPendingForgetsQueuedWork()
    {
        JobCoalescer c;
        QList<int> applied;
        QSignalSpy idle(&c, &JobCoalescer::idle);
        for (int i = 0; i < 2; ++i)
            c.submit([i, &applied]() -> JobCoalescer::Apply {
                std::this_thread::sleep_for(std::chrono::milliseconds(30));
                return [i, &applied] { applied.append(i); };
            });
        c.dropPending();
        QTRY_COMPARE(idle.count(), 1);
        QCOMPARE(applied, QList<int>({0}));
    }
    void destructorWaitsForTheRunningJob()
    {
        std::atomic<bool> finished{false};
        {
            JobCoalescer c;
            c.submit([&finished]() -> JobCoalescer::Apply {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                finished = true;
                return {};
            });
        }
        QVERIFY(finished.load());
    }
};

QTEST_GUILESS_MAIN(TestJobCoalescer)
#include "tst_jobcoalescer.moc"
