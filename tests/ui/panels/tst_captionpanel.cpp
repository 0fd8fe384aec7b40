#include <QtTest>
#include <QPlainTextEdit>

#include "core/text/TextCodec.h"
#include "ui/panels/CaptionPanel.h"
#include "ui/panels/HintPanel.h"
#include "ui/panels/RatePanel.h"

using namespace sem;

class TestCaptionPanel : public QObject {
    Q_OBJECT
private slots:
    void byteCountFollowsTheText()
    {
        ui::CaptionPanel p;
        QSignalSpy changed(&p, &ui::CaptionPanel::captionChanged);
        QVERIFY(p.coded().has_value());
        QVERIFY(p.coded()->empty());
        QTest::keyClicks(p.editor(), "a red bicycle");
        QCOMPARE(changed.count(), 13);
        QVERIFY(p.coded().has_value());
        QCOMPARE(p.coded()->size(), TextCodec::encode("a red bicycle").size());
        QVERIFY(p.statusText().contains(QString::number(p.coded()->size())));
    }
    void tooLongIsAnErrorInThePanelAndTheTextIsKept()
    {
        ui::CaptionPanel p;
        const QString longText(int(TextCodec::kMaxCaptionBytes) + 10, QLatin1Char('x'));
        p.editor()->setPlainText(longText);
        QVERIFY(!p.coded().has_value());
        QVERIFY(!p.errorText().isEmpty());
        QCOMPARE(p.statusText(), p.errorText());
        QCOMPARE(p.text(), longText);  // never truncated or thrown away
        p.editor()->setPlainText(QStringLiteral("short again"));
        QVERIFY(p.coded().has_value());
        QVERIFY(p.errorText().isEmpty());
    }
    void setTextDoesNotSignal()
    {
        ui::CaptionPanel p;
        QSignalSpy changed(&p, &ui::CaptionPanel::captionChanged);
        p.setText(QStringLiteral("snow on a mountain"));
        QCOMPARE(changed.count(), 0);
        QVERIFY(!p.coded()->empty());
    }
    void hintPanelParams()
    {
        ui::HintPanel p;
        QSignalSpy changed(&p, &ui::HintPanel::paramsChanged);
        QCOMPARE(p.params().factor, 0);
        QCOMPARE(p.params().quality, -1);
        p.setParams(HintParams{32, 40});
        QCOMPARE(changed.count(), 0);
        QCOMPARE(p.params().factor, 32);
        QCOMPARE(p.params().quality, 40);
        p.setParams(HintParams{16, -1});
        QCOMPARE(p.params().quality, -1);
        p.params().validate();
    }
    void ratePanelShowsTheBreakdown()
    {
        ui::RatePanel p;
        SemFile f;
        f.width = 100;
        f.height = 80;
        f.edges = std::vector<std::uint8_t>(50, 1);
        f.caption = std::vector<std::uint8_t>(10, 2);
        p.setFile(f);
        QCOMPARE(p.breakdown().edges, std::size_t(50));
        QCOMPARE(p.breakdown().total, f.serialize().size());
        QCOMPARE(p.cellText(ui::RatePanel::Edges, 0), QStringLiteral("50"));
        QCOMPARE(p.cellText(ui::RatePanel::Edges, 1), QString::number(8.0 * 50 / 8000, 'f', 5));
        QCOMPARE(p.bpp(), f.bpp());
        p.clear();
        QCOMPARE(p.breakdown().total, std::size_t(0));
    }
};

QTEST_MAIN(TestCaptionPanel)
#include "tst_captionpanel.moc"
