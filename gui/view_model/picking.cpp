#include "gui/view_model/picking.hpp"

#include <algorithm>
#include <cmath>

namespace sculpin::gui {

double distance_to_segment(std::array<double, 2> p, const LinkSegment& s) {
    const double dx = s.b[0] - s.a[0], dy = s.b[1] - s.a[1];
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((p[0] - s.a[0]) * dx + (p[1] - s.a[1]) * dy) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    const double cx = s.a[0] + t * dx - p[0], cy = s.a[1] + t * dy - p[1];
    return std::sqrt(cx * cx + cy * cy);
}

Pick pick(std::array<double, 2> mouse, const std::vector<NodeBox>& nodes,
          const std::vector<LinkSegment>& links, const std::vector<MessageDot>& messages,
          double link_tolerance) {
    // Messages: the nearest dot whose disc holds the mouse (the last drawn wins a tie).
    double best = 1e300;
    Pick result;
    for (size_t i = 0; i < messages.size(); ++i) {
        const double dx = mouse[0] - messages[i].center[0], dy = mouse[1] - messages[i].center[1];
        const double d = std::sqrt(dx * dx + dy * dy);
        if (d <= messages[i].radius + 2.0 && d <= best) {
            best = d;
            result = {PickKind::message, i};
        }
    }
    if (result.kind != PickKind::none) return result;
    for (size_t i = nodes.size(); i-- > 0;) {  // drawn last = on top
        const auto& b = nodes[i];
        if (mouse[0] >= b.x0 && mouse[0] <= b.x1 && mouse[1] >= b.y0 && mouse[1] <= b.y1)
            return {PickKind::node, i};
    }
    best = link_tolerance;
    for (size_t i = 0; i < links.size(); ++i) {
        const double d = distance_to_segment(mouse, links[i]);
        if (d <= best) {
            best = d;
            result = {PickKind::link, i};
        }
    }
    return result;
}

}  // namespace sculpin::gui
