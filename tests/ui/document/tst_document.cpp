// The document behind the window (ui/document/Document): its state, the signals its observers
// get, the dirty state, saving and opening a .sem through it, and the decode record it saves.
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "core/edges/EdgeCodec.h"
#include "core/edges/EdgeExtractor.h"
#include "core/text/TextCodec.h"
#include "tools/semcompress-devbench/SyntheticPhoto.h"
#include "ui/document/Document.h"
#include "ui/document/SessionState.h"
#include "ui/settings/SettingsRegistry.h"

using namespace sem;
using sem::ui::Document;
using sem::ui::DocumentSettings;

class TestDocument : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    cv::Mat m_image = devbench::syntheticPhoto(96, 64, 3);

    // A document with the image's coded edges, no hint and `caption`.
    void fill(Document& d, const QString& caption)
    {
        d.setImage(m_image, "photo.png");
        DocumentSettings s;
        s.caption = caption;
        s.codedCaption = caption.isEmpty() ? std::vector<std::uint8_t>{} : TextCodec::encode(caption.toStdString());
        d.setSettings(s);
        const EdgeMap map = EdgeExtractor::extract(m_image, s.canny);
        d.setEdges(EdgeCodec::encode(map), s.canny.low, s.canny.high);
        d.setHint(std::nullopt, QString());
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);  // SessionState: QSettings in a test location
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_document");
        QSettings().clear();
    }

    void emptyDocument()
    {
        Document d;
        QVERIFY(d.isEmpty());
        d.setModified(true);
        QVERIFY(!d.isModified());  // nothing to be modified
        QVERIFY_THROWS_EXCEPTION(std::exception, d.save(m_dir.filePath("nothing.sem")));
    }

    void signalsOnChange()
    {
        Document d;
        QSignalSpy opened(&d, &Document::opened), title(&d, &Document::titleChanged),
            modified(&d, &Document::modifiedChanged), streams(&d, &Document::streamsChanged),
            settings(&d, &Document::settingsChanged);
        const auto generation = d.generation();
        d.setImage(m_image, "photo.png");
        QCOMPARE(opened.count(), 1);
        QCOMPARE(title.count(), 1);
        QVERIFY(d.generation() != generation);
        QCOMPARE(d.size(), QSize(96, 64));
        QCOMPARE(d.displayName(), QString("photo.png"));
        d.setModified(true);
        d.setModified(true);
        QCOMPARE(modified.count(), 1);  // only on a change
        QVERIFY(d.isModified());
        DocumentSettings s = d.settings();
        d.setSettings(s);
        QCOMPARE(settings.count(), 0);
        s.canny.low = 50.0;
        d.setSettings(s);
        QCOMPARE(settings.count(), 1);
        d.setEdgeError("edges: bad");
        QCOMPARE(streams.count(), 1);
        QCOMPARE(d.streamError(), QString("edges: bad"));
        // A new image: a new generation, unmodified, the old streams gone.
        d.setImage(m_image, "again.png");
        QVERIFY(!d.isModified());
        QVERIFY(d.streamError().isEmpty());
        QVERIFY(!d.edgeBytes());
    }

    void saveRefusesWhatCannotBeCoded()
    {
        Document d;
        fill(d, "a red bike");
        d.setEdgeError("edges: the map is empty");
        QVERIFY_THROWS_EXCEPTION(std::exception, d.save(m_dir.filePath("bad.sem")));
        fill(d, "a red bike");
        DocumentSettings s = d.settings();
        s.codedCaption.reset();
        s.captionError = "caption: too long";
        d.setSettings(s);
        QCOMPARE(d.codingError(), QString("caption: too long"));
        QVERIFY_THROWS_EXCEPTION(std::exception, d.save(m_dir.filePath("bad.sem")));
        QVERIFY(!QFile::exists(m_dir.filePath("bad.sem")));
    }

    void saveThenOpen()
    {
        Document d;
        fill(d, "a red bike on a street");
        d.setModified(true);
        const QString path = m_dir.filePath("photo.sem");
        d.save(path);
        QVERIFY(!d.isModified());
        QCOMPARE(d.semPath(), path);
        QCOMPARE(d.displayName(), QString("photo.sem"));

        Document o;
        QSignalSpy opened(&o, &Document::opened);
        const DecodedStreams streams = o.openSem(path);
        QCOMPARE(opened.count(), 1);
        QVERIFY(o.fromSem());
        QVERIFY(o.image().empty());  // a .sem holds no source image
        QCOMPARE(o.size(), QSize(96, 64));
        QCOMPARE(streams.caption, std::string("a red bike on a street"));
        QVERIFY(!streams.edges.empty());
        QCOMPARE(*o.edgeBytes(), *d.edgeBytes());
        // Saved again unchanged (same caption), the file is the same bytes.
        DocumentSettings s;
        s.caption = QString::fromStdString(streams.caption);
        s.codedCaption = TextCodec::encode(streams.caption);
        o.setSettings(s);
        QCOMPARE(o.currentFile().serialize(), d.currentFile().serialize());
        // A bad file leaves the document as it was.
        QFile bad(m_dir.filePath("bad.sem"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("SEM not really");
        bad.close();
        QVERIFY_THROWS_EXCEPTION(std::exception, o.openSem(bad.fileName()));
        QCOMPARE(o.semPath(), path);
    }

    // A .sem's metadata is untrusted: what is missing, mistyped or inconsistent is not taken.
    void settingsFromMetadata()
    {
        auto m = Document::settingsFromMetadata("{\"canny\":{\"low\":50,\"high\":150,\"blur\":\"x\"},\"hint_quality\":70}");
        QVERIFY(m.canny);
        QCOMPARE(m.canny->low, 50.0);
        QCOMPARE(m.canny->high, 150.0);
        QCOMPARE(m.canny->blurSigma, CannyParams{}.blurSigma);  // mistyped: the default
        QCOMPARE(m.hintQuality.value_or(0), 70);
        m = Document::settingsFromMetadata("{\"canny\":{\"low\":300,\"high\":100},\"hint_quality\":1000}");
        QVERIFY(!m.canny);  // low > high
        QCOMPARE(m.hintQuality.value_or(0), -1);
        m = Document::settingsFromMetadata("{not json");
        QVERIFY(!m.canny);
        QVERIFY(!m.hintQuality);
    }

    // The autosaved working state: written and read back, and refused when inconsistent.
    void sessionStateRoundTrip()
    {
        DocumentSettings s;
        s.canny.low = 40.0;
        s.canny.high = 90.0;
        s.canny.perChannel = true;
        s.hint = HintParams{16, 55};
        s.caption = "a blue sign";
        ui::SessionState::write("autosave", "/tmp/photo.png", s);
        ui::SessionState st = ui::SessionState::read("autosave");
        QCOMPARE(st.imagePath, QString("/tmp/photo.png"));
        QVERIFY(st.cannyValid && st.hintValid);
        QVERIFY(st.canny == s.canny);
        QCOMPARE(st.hint.factor, 16);
        QCOMPARE(st.hint.quality, 55);
        QCOMPARE(st.caption, QString("a blue sign"));
        QVERIFY(st.savedAt.isValid());
        QSettings().setValue("autosave/canny/low", 500.0);  // above high
        QSettings().setValue("autosave/hint/factor", 3);
        st = ui::SessionState::read("autosave");
        QVERIFY(!st.cannyValid);
        QVERIFY(!st.hintValid);
        QVERIFY(ui::SessionState::read("previousSession").imagePath.isEmpty());
    }

    void decodeRecordIsSaved()
    {
        Document d;
        fill(d, QString());
        QVERIFY(!d.hasReconstruction());
        DecodeSettings settings;
        settings.steps = 7;
        QSignalSpy record(&d, &Document::decodeRecordChanged);
        d.setDecodeRecord(m_image, settings, 0x1234abcd);
        QCOMPARE(record.count(), 1);
        QVERIFY(d.hasReconstruction());
        QCOMPARE(d.currentFile().modelId, 0x1234abcdu);
        QCOMPARE(int(d.currentFile().decode.steps), 7);
        d.setImage(m_image, "new.png");  // a new document has no decode
        QVERIFY(!d.hasReconstruction());
        QCOMPARE(d.currentFile().modelId, 0u);
    }
};

QTEST_MAIN(TestDocument)
#include "tst_document.moc"
