#include "core/common/AtomicFile.h"

#include <QFile>
#include <QSaveFile>

#include "core/common/Error.h"

namespace sem {

void writeFileAtomic(const std::string& path, const std::vector<std::uint8_t>& data)
{
    QSaveFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::WriteOnly))
        throw Error("cannot write " + path + ": " + file.errorString().toStdString());
    const auto size = static_cast<qint64>(data.size());
    if (file.write(reinterpret_cast<const char*>(data.data()), size) != size) {
        const std::string why = file.errorString().toStdString();
        file.cancelWriting();
        throw Error("cannot write " + path + ": " + why);
    }
    if (!file.commit())
        throw Error("cannot write " + path + ": " + file.errorString().toStdString());
}

std::vector<std::uint8_t> readFile(const std::string& path, std::uint64_t maxBytes)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        throw Error("cannot read " + path + ": " + file.errorString().toStdString());
    const qint64 size = file.size();
    if (size < 0 || static_cast<std::uint64_t>(size) > maxBytes)
        throw Error("cannot read " + path + ": file is larger than the limit of " + std::to_string(maxBytes)
                    + " bytes");
    std::vector<std::uint8_t> data(static_cast<std::size_t>(size));
    if (size > 0 && file.read(reinterpret_cast<char*>(data.data()), size) != size)
        throw Error("cannot read " + path + ": " + file.errorString().toStdString());
    return data;
}

}  // namespace sem
