// What is under the mouse: plain geometry over what the canvas drew (screen coordinates).
// Messages win over nodes, nodes over links (smaller targets first).
#pragma once

#include <array>
#include <cstddef>
#include <vector>

namespace sculpin::gui {

struct NodeBox {
    double x0, y0, x1, y1;
};
struct LinkSegment {
    std::array<double, 2> a, b;
};
struct MessageDot {
    std::array<double, 2> center;
    double radius;
};

enum class PickKind { none, node, link, message };
struct Pick {
    PickKind kind = PickKind::none;
    size_t index = 0;  // into the vector of that kind
    bool operator==(const Pick&) const = default;
};

double distance_to_segment(std::array<double, 2> p, const LinkSegment& s);

Pick pick(std::array<double, 2> mouse, const std::vector<NodeBox>& nodes,
          const std::vector<LinkSegment>& links, const std::vector<MessageDot>& messages,
          double link_tolerance = 6.0);

}  // namespace sculpin::gui
