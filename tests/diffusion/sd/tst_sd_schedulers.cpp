// The SD 1.x samplers against diffusers v0.25.1 (fixtures from reference/make_scheduler_fixtures.py):
// timesteps, sigmas, init_noise_sigma, img2img noising and whole trajectories of a fake model, per
// case; that a perturbed config or noise fails; invalid uses refused with clear messages; the
// torch-free scheduler_config.json parser; the latent preview. QtTest half: no torch here
// (SchedulerParity.cpp is the torch half).
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <string>

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/SchedulerConfig.h"
#include "diffusion/sd/SchedulerParity.h"

using sem::diffusion::Error;
using namespace sem::diffusion::sd;
using sem::test::SchedulerPerturbation;

namespace {

constexpr double kTolerance = 1e-5;  // relative, fp32

// stable-diffusion-v1-5/scheduler/scheduler_config.json
const char* kSd15 = R"({
  "_class_name": "PNDMScheduler",
  "_diffusers_version": "0.6.0",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "num_train_timesteps": 1000,
  "set_alpha_to_one": false,
  "skip_prk_steps": true,
  "steps_offset": 1,
  "trained_betas": null,
  "clip_sample": false
})";

QString configError(const std::string& text) {
    try {
        SchedulerConfig::fromJson(text);
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace

class TestSdSchedulers : public QObject {
    Q_OBJECT

private slots:
    void matchesDiffusers_data();
    void matchesDiffusers();
    void perturbationsFail_data();
    void perturbationsFail();
    void invalidUseIsRefused_data();
    void invalidUseIsRefused();
    void dpmNewRunAfterSetTimesteps();
    void sd15ConfigParses();
    void missingKeysTakeDiffusersDefaults();
    void configRoundTrips();
    void pipelineFixes();
    void invalidConfigsAreRefused_data();
    void invalidConfigsAreRefused();
    void latentPreview();
};

void TestSdSchedulers::matchesDiffusers_data() {
    QTest::addColumn<QString>("name");
    for (const std::string& name : sem::test::schedulerCaseNames())
        QTest::newRow(name.c_str()) << QString::fromStdString(name);
}

void TestSdSchedulers::matchesDiffusers() {
    QFETCH(QString, name);
    const auto r = sem::test::runSchedulerCase(name.toStdString());
    qInfo("timesteps %.3g, sigmas %.3g, init_noise_sigma %.3g, add_noise %.3g, pred_original %.3g, final %.3g",
          r.timestepError, r.sigmaError, r.initNoiseSigmaError, r.noisedError, r.predOriginalError,
          r.finalError);
    QVERIFY2(r.sameCounts, r.counts.c_str());
    // Equal, but Euler's Karras timesteps: fractional (log-sigma interpolation), where numpy's
    // float32 log and libm's may differ in the last bit (measured: 1 float32 ulp, 6.1e-5 at 999).
    QVERIFY2(r.timestepError <= 2.5e-4, qPrintable(QString("timesteps differ by %1").arg(r.timestepError)));
    if (!(name.startsWith("euler_") && name.contains("karras")))
        QCOMPARE(r.timestepError, 0.0);
    QVERIFY2(r.sigmaError <= kTolerance, qPrintable(QString("sigmas: %1").arg(r.sigmaError)));
    QVERIFY2(r.initNoiseSigmaError <= kTolerance, qPrintable(QString("init_noise_sigma: %1").arg(r.initNoiseSigmaError)));
    QVERIFY2(r.noisedError <= kTolerance, qPrintable(QString("add_noise: %1").arg(r.noisedError)));
    QVERIFY2(r.predOriginalError <= kTolerance, qPrintable(QString("pred_original_sample: %1").arg(r.predOriginalError)));
    QVERIFY2(r.finalError <= kTolerance, qPrintable(QString("final sample: %1").arg(r.finalError)));
}

void TestSdSchedulers::perturbationsFail_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("perturbation");
    for (const char* name : {"ddim_sd15_20", "euler_karras_4", "euler_a_sd15_4", "dpmpp_2m_sd15_20",
                             "dpmpp_2m_karras_img2img_4_s06"}) {
        QTest::newRow((std::string(name) + " beta_end").c_str()) << name << int(SchedulerPerturbation::BetaEnd);
        QTest::newRow((std::string(name) + " prediction").c_str()) << name << int(SchedulerPerturbation::Prediction);
    }
    for (const char* name : {"ddim_sd15_20", "euler_sd15_20", "euler_a_sd15_20", "dpmpp_2m_sd15_4"})
        QTest::newRow((std::string(name) + " spacing").c_str()) << name << int(SchedulerPerturbation::Spacing);
    for (const char* name : {"ddim_sd15_20_eta05", "ddim_img2img_4_s06_eta1", "euler_a_sd15_20", "euler_a_img2img_20_s06"})
        QTest::newRow((std::string(name) + " noise").c_str()) << name << int(SchedulerPerturbation::Noise);
}

void TestSdSchedulers::perturbationsFail() {
    QFETCH(QString, name);
    QFETCH(int, perturbation);
    const auto r = sem::test::runSchedulerCase(name.toStdString(), SchedulerPerturbation(perturbation));
    // A perturbed run must miss by far more than the tolerance somewhere.
    const double worst = std::max({r.timestepError, r.sigmaError, r.initNoiseSigmaError, r.noisedError,
                                   r.predOriginalError, r.finalError});
    QVERIFY2(!r.sameCounts || worst > 100 * kTolerance, qPrintable(QString("worst %1").arg(worst)));
}

void TestSdSchedulers::invalidUseIsRefused_data() {
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("expected");  // a part of the message
    QTest::newRow("0 steps") << "zero steps" << "scheduler: 0 steps is not in 1..1000";
    QTest::newRow("1001 steps") << "steps past training" << "scheduler: 1001 steps is not in 1..1000";
    QTest::newRow("strength 0") << "strength 0" << "scheduler: strength 0 is not in (0, 1].";
    QTest::newRow("strength 1.5") << "strength 1.5" << "scheduler: strength 1.5 is not in (0, 1].";
    QTest::newRow("strength nan") << "strength nan" << "is not in (0, 1].";
    QTest::newRow("strength 0.04 of 20") << "strength leaving no step" << "strength 0.04 of 20 steps runs no step";
    QTest::newRow("eta for euler") << "eta for euler" << "eta is a DDIM setting; euler has none.";
    QTest::newRow("eta 1.5") << "eta above 1" << "eta 1.5 is not in [0, 1].";
    QTest::newRow("karras for ddim") << "karras for ddim" << "ddim has no Karras sigmas";
    QTest::newRow("karras for euler_a") << "karras for euler_a" << "euler_a has no Karras sigmas";
    QTest::newRow("ddim trailing 61") << "ddim trailing 61"
                                      << "gives timestep -1, outside the model's 0..999; choose another number of "
                                         "steps. | ddim: setTimesteps was not called before step.";
    QTest::newRow("step before setTimesteps") << "step before setTimesteps" << "euler: setTimesteps was not called";
    QTest::newRow("step past the end") << "step past the end" << "ddim: step of step 4, which is not in 0..3.";
    QTest::newRow("output shape") << "output shape" << "euler: the model output is shaped [1, 4, 4, 5]";
    QTest::newRow("noise shape") << "noise shape" << "euler_a: the noise is shaped [1, 4]";
    QTest::newRow("no noise function") << "no noise function" << "euler_a: this sampler draws noise but no noise function";
    QTest::newRow("dpm out of order") << "dpm steps out of order" << "dpmpp_2m: step 2 follows step 0";
    QTest::newRow("preview shape") << "preview shape" << "latent preview: the latents must be";
}

void TestSdSchedulers::invalidUseIsRefused() {
    QFETCH(QString, scenario);
    QFETCH(QString, expected);
    const QString message = QString::fromStdString(sem::test::schedulerErrorMessage(scenario.toStdString()));
    QVERIFY2(message.contains(expected), qPrintable("got: " + message));
}

void TestSdSchedulers::dpmNewRunAfterSetTimesteps() {
    QCOMPARE(QString::fromStdString(sem::test::schedulerErrorMessage("dpm new run after setTimesteps")), QString());
}

void TestSdSchedulers::sd15ConfigParses() {
    const SchedulerConfig c = SchedulerConfig::fromJson(kSd15);
    QCOMPARE(QString::fromStdString(c.className), QString("PNDMScheduler"));
    QCOMPARE(c.numTrainTimesteps, 1000);
    QCOMPARE(c.betaStart, 0.00085);
    QCOMPARE(c.betaEnd, 0.012);
    QVERIFY(c.betaSchedule == BetaSchedule::ScaledLinear);
    QVERIFY(!c.timestepSpacing.has_value());
    QCOMPARE(c.stepsOffset, 1);
    QVERIFY(c.predictionType == PredictionType::Epsilon);
    QVERIFY(!c.setAlphaToOne);
    QVERIFY(!c.clipSample);
    QVERIFY(!c.useKarrasSigmas);
    // The default-constructed config is SD 1.5's file.
    QCOMPARE(QString::fromStdString(SchedulerConfig{}.toJson()), QString::fromStdString(c.toJson()));
}

void TestSdSchedulers::missingKeysTakeDiffusersDefaults() {
    const SchedulerConfig c = SchedulerConfig::fromJson("{}");
    QCOMPARE(c.numTrainTimesteps, 1000);
    QCOMPARE(c.betaStart, 0.0001);
    QCOMPARE(c.betaEnd, 0.02);
    QVERIFY(c.betaSchedule == BetaSchedule::Linear);
    QCOMPARE(c.stepsOffset, 0);
    QVERIFY(c.setAlphaToOne);
    QVERIFY(c.clipSample);
    QVERIFY(!c.timestepSpacing.has_value());
    const SchedulerConfig v = SchedulerConfig::fromJson(
        R"({"prediction_type": "v_prediction", "timestep_spacing": "trailing", "use_karras_sigmas": true,
            "sigma_min": null, "interpolation_type": "linear", "solver_order": 3})");
    QVERIFY(v.predictionType == PredictionType::VPrediction);
    QVERIFY(v.timestepSpacing == TimestepSpacing::Trailing);
    QVERIFY(v.useKarrasSigmas);
}

void TestSdSchedulers::configRoundTrips() {
    SchedulerConfig c;
    c.betaSchedule = BetaSchedule::SquaredCosCapV2;
    c.timestepSpacing = TimestepSpacing::Linspace;
    c.predictionType = PredictionType::VPrediction;
    c.numTrainTimesteps = 500;
    c.stepsOffset = 0;
    c.clipSample = true;
    c.clipSampleRange = 2.5;
    c.useKarrasSigmas = true;
    const std::string text = c.toJson();
    QCOMPARE(QString::fromStdString(SchedulerConfig::fromJson(text).toJson()), QString::fromStdString(text));
}

void TestSdSchedulers::pipelineFixes() {
    const SchedulerConfig c = withStableDiffusionPipelineFixes(SchedulerConfig::fromJson("{}"));
    QCOMPARE(c.stepsOffset, 1);
    QVERIFY(!c.clipSample);
}

void TestSdSchedulers::invalidConfigsAreRefused_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("beta_end below beta_start")
        << R"({"beta_start": 0.00085, "beta_end": 0.0001, "beta_schedule": "scaled_linear"})"
        << "scheduler config: beta_end 0.0001 is below beta_start 0.00085.";
    QTest::newRow("beta_start 0") << R"({"beta_start": 0})" << "scheduler config: beta_start 0.0 must be above 0.";
    QTest::newRow("beta_end 1") << R"({"beta_end": 1.0})" << "scheduler config: beta_end 1.0 must be below 1.";
    QTest::newRow("beta_start string") << R"({"beta_start": "0.1"})" << "scheduler config: 'beta_start' must be a number.";
    QTest::newRow("unknown schedule") << R"({"beta_schedule": "cosine"})"
                                      << "scheduler config: beta_schedule \"cosine\" is not one of linear, "
                                         "scaled_linear, squaredcos_cap_v2.";
    QTest::newRow("trained_betas") << R"({"trained_betas": [0.1, 0.2]})" << "trained_betas is not supported";
    QTest::newRow("zero snr") << R"({"rescale_betas_zero_snr": true})" << "'rescale_betas_zero_snr' must be false";
    QTest::newRow("thresholding") << R"({"thresholding": true})" << "'thresholding' must be false";
    QTest::newRow("log_linear") << R"({"interpolation_type": "log_linear"})" << "'interpolation_type' must be \"linear\"";
    QTest::newRow("continuous") << R"({"timestep_type": "continuous"})" << "'timestep_type' must be \"discrete\"";
    QTest::newRow("sigma_min") << R"({"sigma_min": 0.02})" << "'sigma_min' is not supported";
    QTest::newRow("spacing") << R"({"timestep_spacing": "uniform"})"
                             << "timestep_spacing \"uniform\" is not one of leading, trailing, linspace";
    QTest::newRow("prediction sample") << R"({"prediction_type": "sample"})" << "prediction_type \"sample\" is not supported";
    QTest::newRow("steps float") << R"({"num_train_timesteps": 1000.5})" << "'num_train_timesteps' must be an integer";
    QTest::newRow("steps huge") << R"({"num_train_timesteps": 1e30})" << "'num_train_timesteps' must be an integer";
    QTest::newRow("steps wraps") << R"({"num_train_timesteps": 4294968296})" << "'num_train_timesteps' must be an integer";
    QTest::newRow("steps 1") << R"({"num_train_timesteps": 1})" << "num_train_timesteps 1 is not in 2..100000.";
    QTest::newRow("offset") << R"({"num_train_timesteps": 100, "steps_offset": 100})" << "steps_offset 100 is not in 0..99.";
    QTest::newRow("negative offset") << R"({"steps_offset": -1})" << "steps_offset -1 is not in 0..999.";
    QTest::newRow("bool as string") << R"({"clip_sample": "false"})" << "'clip_sample' must be true or false";
    QTest::newRow("clip range") << R"({"clip_sample_range": 0})" << "clip_sample_range 0.0 must be above 0";
    QTest::newRow("not json") << "{beta_start: 1" << "scheduler config: the file is not valid JSON.";
    QTest::newRow("not an object") << "[1, 2]" << "scheduler config: the top level must be a JSON object.";
}

void TestSdSchedulers::invalidConfigsAreRefused() {
    QFETCH(QString, json);
    QFETCH(QString, expected);
    const QString message = configError(json.toStdString());
    QVERIFY2(message.contains(expected), qPrintable("got: " + message));
}

void TestSdSchedulers::latentPreview() {
    // 2 x 3 latents: (1,0,0,0), (0,1,0,0), (0,0,1,0), (0,0,0,1), zero, and (0,0,0,10) (clamped).
    std::vector<float> v(4 * 6, 0.0f);
    for (int k = 0; k < 4; ++k)
        v[static_cast<size_t>(k * 6 + k)] = 1.0f;
    v[3 * 6 + 5] = 10.0f;
    const auto image = sem::test::latentPreview(v, 2, 3);
    QCOMPARE(image.width, 3);
    QCOMPARE(image.height, 2);
    QCOMPARE(int(image.rgb.size()), 18);
    const auto byte = [](double x) { return int(std::nearbyint((std::clamp(x, -1.0, 1.0) + 1) * 127.5)); };
    // ComfyUI's SD15 latent_rgb_factors rows.
    const double rows[4][3] = {{0.3512, 0.2297, 0.3227}, {0.3250, 0.4974, 0.2350},
                               {-0.2829, 0.1762, 0.2721}, {-0.2120, -0.2616, -0.7177}};
    for (int p = 0; p < 4; ++p)
        for (int c = 0; c < 3; ++c)
            QCOMPARE(int(image.rgb[size_t(p * 3 + c)]), byte(rows[p][c]));
    for (int c = 0; c < 3; ++c) {
        QCOMPARE(int(image.rgb[size_t(4 * 3 + c)]), 128);  // zero latents: mid grey
        QCOMPARE(int(image.rgb[size_t(5 * 3 + c)]), 0);    // 10 x channel 3: every colour clamped to -1
    }
}

QTEST_APPLESS_MAIN(TestSdSchedulers)
#include "tst_sd_schedulers.moc"
