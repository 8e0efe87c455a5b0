// Automatic placement for nodes the scenario does not place: a seeded Boost.Graph layout,
// Kamada-Kawai when the graph is connected, Fruchterman-Reingold otherwise. Same
// topology and seed, same picture. Plus the fit of world coordinates into a canvas.
#pragma once

#include <array>
#include <cstdint>

#include "gui/view_model/topology.hpp"

namespace sculpin::gui {

// Gives every node without a scenario position a position (world units ~ pixels).
// When any node is unplaced, all are laid out together (scenario positions win only when
// all nodes have one, so a half-placed scenario still gets a coherent picture).
void auto_layout(Topology& topo, uint64_t seed);

// Maps world coordinates to a canvas rectangle, keeping the aspect ratio, with a margin.
struct CanvasFit {
    double scale = 1, offset_x = 0, offset_y = 0;
    std::array<double, 2> to_screen(std::array<double, 2> world) const {
        return {world[0] * scale + offset_x, world[1] * scale + offset_y};
    }
    std::array<double, 2> to_world(std::array<double, 2> screen) const {
        return {(screen[0] - offset_x) / scale, (screen[1] - offset_y) / scale};
    }
};
CanvasFit fit_to_canvas(const Topology& topo, double x0, double y0, double width, double height,
                        double margin_x, double margin_y);

}  // namespace sculpin::gui
