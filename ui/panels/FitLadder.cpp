#include "ui/panels/FitLadder.h"

#include <QCoreApplication>

#include "core/common/Error.h"
#if SEM_HAVE_DIFFUSION
#include "core/pipeline/Decoder.h"
#endif

namespace sem::ui {

QString FitChoice::text() const
{
    QString s = QCoreApplication::translate("FitChoice", "Operating point %1 of %2 (%3): %4 bytes, with room for the decode record")
                    .arg(rung + 1)
                    .arg(of)
                    .arg(QString::fromStdString(point.point()))
                    .arg(bytes);
    if (rungQuality >= 0)
        s += QCoreApplication::translate("FitChoice", "; hint quality raised from %1 to %2 to fill the budget")
                 .arg(rungQuality)
                 .arg(point.hintQuality);
    return s + "\n" + ladder;
}

ModelLadder fitLadder(const QString& modelPath)
{
    std::string builtIn;
#if SEM_HAVE_DIFFUSION
    try {
        builtIn = ModelLocator::defaultModelPath();
    } catch (const Error&) {
        builtIn.clear();  // no installed model: the compiled-in ladder
    }
#endif
    return ModelLadder::forModel(modelPath.toStdString(), builtIn);
}

}  // namespace sem::ui
