#include "diffusion/sd/ControlImage.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "diffusion/DiffusionError.h"

namespace sem::diffusion::sd {

namespace {

constexpr int kMaxSide = 16384;

std::size_t at(int x, int y, int width) {
    return static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x);
}

// The centre of map pixel m along an axis of `length` image pixels covered by `mapLength` map pixels.
int centre(int m, int mapLength, int length) {
    const double c = (m + 0.5) * static_cast<double>(length) / static_cast<double>(mapLength) - 0.5;
    return std::clamp(static_cast<int>(std::lround(c)), 0, length - 1);
}

void drawSegment(ControlImage& image, int x0, int y0, int x1, int y1) {
    const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
    const int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    int err = dx + dy;
    for (;;) {
        image.pixels[at(x0, y0, image.width)] = 255;
        if (x0 == x1 && y0 == y1)
            return;
        const int e2 = 2 * err;
        if (e2 >= dy) {
            err += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            err += dx;
            y0 += sy;
        }
    }
}

ControlImage nearest(const std::vector<std::uint8_t>& edges, int mapWidth, int mapHeight, int width, int height) {
    ControlImage out{width, height, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height, 0)};
    std::vector<int> column(static_cast<std::size_t>(width));
    for (int x = 0; x < width; ++x)
        column[static_cast<std::size_t>(x)] =
            std::min(mapWidth - 1, static_cast<int>(static_cast<std::int64_t>(x) * mapWidth / width));
    for (int y = 0; y < height; ++y) {
        const int my = std::min(mapHeight - 1, static_cast<int>(static_cast<std::int64_t>(y) * mapHeight / height));
        for (int x = 0; x < width; ++x)
            if (edges[at(column[static_cast<std::size_t>(x)], my, mapWidth)] > 127)
                out.pixels[at(x, y, width)] = 255;
    }
    return out;
}

ControlImage linked(const std::vector<std::uint8_t>& edges, int mapWidth, int mapHeight, int width, int height) {
    ControlImage out{width, height, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height, 0)};
    auto edge = [&](int x, int y) {
        return x >= 0 && y >= 0 && x < mapWidth && y < mapHeight && edges[at(x, y, mapWidth)] > 127;
    };
    // Forward neighbours only (each pair once): right, down-left, down, down-right. A diagonal is
    // skipped when the two pixels are also joined through a shared 4-neighbour, so an L-shaped run of
    // pixels gives a corner, not a corner plus its hypotenuse.
    for (int y = 0; y < mapHeight; ++y) {
        for (int x = 0; x < mapWidth; ++x) {
            if (!edge(x, y))
                continue;
            const int cx = centre(x, mapWidth, width), cy = centre(y, mapHeight, height);
            out.pixels[at(cx, cy, width)] = 255;
            auto join = [&](int nx, int ny) {
                drawSegment(out, cx, cy, centre(nx, mapWidth, width), centre(ny, mapHeight, height));
            };
            if (edge(x + 1, y))
                join(x + 1, y);
            if (edge(x, y + 1))
                join(x, y + 1);
            if (edge(x + 1, y + 1) && !edge(x + 1, y) && !edge(x, y + 1))
                join(x + 1, y + 1);
            if (edge(x - 1, y + 1) && !edge(x - 1, y) && !edge(x, y + 1))
                join(x - 1, y + 1);
        }
    }
    return out;
}

}  // namespace

std::pair<int, int> workingSize(int width, int height, int workSize) {
    const double scale = static_cast<double>(workSize) / std::max(1, std::max(width, height));
    auto side = [&](int v) { return std::max(64, static_cast<int>(std::lround(v * scale / 8.0)) * 8); };
    return {side(width), side(height)};
}

bool controlPreparationFromName(const std::string& name, ControlPreparation& preparation) {
    if (name == "nearest")
        preparation = ControlPreparation::Nearest;
    else if (name == "thinned")
        preparation = ControlPreparation::Thinned;
    else if (name == "linked")
        preparation = ControlPreparation::Linked;
    else
        return false;
    return true;
}

std::string controlPreparationName(ControlPreparation preparation) {
    switch (preparation) {
    case ControlPreparation::Nearest: return "nearest";
    case ControlPreparation::Thinned: return "thinned";
    case ControlPreparation::Linked: return "linked";
    }
    return "unknown";
}

void thinZhangSuen(ControlImage& image) {
    const int w = image.width, h = image.height;
    auto on = [&](int x, int y) { return x >= 0 && y >= 0 && x < w && y < h && image.pixels[at(x, y, w)] != 0; };
    std::vector<std::size_t> remove;
    bool changed = true;
    while (changed) {
        changed = false;
        for (int pass = 0; pass < 2; ++pass) {
            remove.clear();
            for (int y = 0; y < h; ++y) {
                for (int x = 0; x < w; ++x) {
                    if (!on(x, y))
                        continue;
                    // P2..P9 clockwise from north.
                    const bool p[8] = {on(x, y - 1), on(x + 1, y - 1), on(x + 1, y), on(x + 1, y + 1),
                                       on(x, y + 1), on(x - 1, y + 1), on(x - 1, y), on(x - 1, y - 1)};
                    int neighbours = 0, transitions = 0;
                    for (int i = 0; i < 8; ++i) {
                        neighbours += p[i] ? 1 : 0;
                        transitions += (!p[i] && p[(i + 1) % 8]) ? 1 : 0;
                    }
                    if (neighbours < 2 || neighbours > 6 || transitions != 1)
                        continue;
                    const bool keep = pass == 0 ? ((p[0] && p[2] && p[4]) || (p[2] && p[4] && p[6]))
                                                : ((p[0] && p[2] && p[6]) || (p[0] && p[4] && p[6]));
                    if (!keep)
                        remove.push_back(at(x, y, w));
                }
            }
            for (const std::size_t i : remove)
                image.pixels[i] = 0;
            changed = changed || !remove.empty();
        }
    }
}

ControlImage prepareControlImage(const std::vector<std::uint8_t>& edges, int mapWidth, int mapHeight, int width,
                                 int height, ControlPreparation preparation) {
    if (mapWidth < 1 || mapHeight < 1 || mapWidth > kMaxSide || mapHeight > kMaxSide || width < 1 || height < 1 ||
        width > kMaxSide || height > kMaxSide)
        throw Error("control image: the sizes " + std::to_string(mapWidth) + "x" + std::to_string(mapHeight) + " -> " +
                    std::to_string(width) + "x" + std::to_string(height) + " are outside 1..16384.");
    if (edges.size() != static_cast<std::size_t>(mapWidth) * static_cast<std::size_t>(mapHeight))
        throw Error("control image: the edge map has " + std::to_string(edges.size()) + " bytes, expected " +
                    std::to_string(mapWidth) + "x" + std::to_string(mapHeight) + ".");
    switch (preparation) {
    case ControlPreparation::Nearest: return nearest(edges, mapWidth, mapHeight, width, height);
    case ControlPreparation::Thinned: {
        ControlImage image = nearest(edges, mapWidth, mapHeight, width, height);
        thinZhangSuen(image);
        return image;
    }
    case ControlPreparation::Linked: return linked(edges, mapWidth, mapHeight, width, height);
    }
    throw Error("control image: unknown preparation.");
}

}  // namespace sem::diffusion::sd
