#include "gui/view_model/layout.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/circle_layout.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/fruchterman_reingold.hpp>
#include <boost/graph/kamada_kawai_spring_layout.hpp>
#include <boost/graph/random_layout.hpp>
#include <boost/graph/topology.hpp>
#include <boost/random/linear_congruential.hpp>
#include <cmath>
#include <vector>

namespace sculpin::gui {

void auto_layout(Topology& topo, uint64_t seed) {
    const size_t n = topo.nodes.size();
    if (n == 0) return;
    const bool all_placed = std::all_of(topo.nodes.begin(), topo.nodes.end(),
                                        [](const TopoNode& t) { return t.placed; });
    if (all_placed) return;
    if (n == 1) {
        topo.nodes[0].pos = {0, 0};
        return;
    }
    using Graph =
        boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                              boost::property<boost::edge_weight_t, double>>;
    Graph g(n);
    for (const auto& link : topo.links)
        boost::add_edge(static_cast<size_t>(topo.node_index(link.a)),
                        static_cast<size_t>(topo.node_index(link.b)), 1.0, g);
    std::vector<int> component(n);
    const int components = boost::connected_components(g, component.data());

    using Topo = boost::rectangle_topology<boost::minstd_rand>;
    using Point = Topo::point_type;
    std::vector<Point> points(n);
    auto pmap =
        boost::make_iterator_property_map(points.begin(), boost::get(boost::vertex_index, g));
    const double side = 200.0 * std::sqrt(static_cast<double>(n)) + 200.0;
    boost::minstd_rand gen(static_cast<uint32_t>(seed % 2147483646ULL) + 1);
    if (components == 1) {
        boost::circle_graph_layout(g, pmap, side / 2);
        boost::square_topology<> square(side);
        const bool ok = boost::kamada_kawai_spring_layout(
            g, pmap, boost::get(boost::edge_weight, g), square, boost::side_length(side),
            boost::layout_tolerance<double>(1e-4));
        (void)ok;  // the circle start is a fine picture when KK does not converge
    } else {
        Topo rect(gen, -side / 2, -side / 2, side / 2, side / 2);
        boost::random_graph_layout(g, pmap, rect);
        boost::fruchterman_reingold_force_directed_layout(
            g, pmap, rect, boost::cooling(boost::linear_cooling<double>(200)));
    }
    for (size_t i = 0; i < n; ++i) topo.nodes[i].pos = {points[i][0], points[i][1]};
}

CanvasFit fit_to_canvas(const Topology& topo, double x0, double y0, double width, double height,
                        double margin_x, double margin_y) {
    CanvasFit fit;
    if (topo.nodes.empty()) return fit;
    double min_x = topo.nodes[0].pos[0], max_x = min_x;
    double min_y = topo.nodes[0].pos[1], max_y = min_y;
    for (const auto& node : topo.nodes) {
        min_x = std::min(min_x, node.pos[0]);
        max_x = std::max(max_x, node.pos[0]);
        min_y = std::min(min_y, node.pos[1]);
        max_y = std::max(max_y, node.pos[1]);
    }
    const double inner_w = std::max(1.0, width - 2 * margin_x);
    const double inner_h = std::max(1.0, height - 2 * margin_y);
    const double span_x = max_x - min_x, span_y = max_y - min_y;
    double scale = 1.0;
    if (span_x > 1e-9) scale = inner_w / span_x;
    if (span_y > 1e-9) scale = std::min(scale, inner_h / span_y);
    if (span_x <= 1e-9 && span_y <= 1e-9) scale = 1.0;
    scale = std::min(scale, 3.0);
    fit.scale = scale;
    fit.offset_x = x0 + width / 2 - (min_x + max_x) / 2 * scale;
    fit.offset_y = y0 + height / 2 - (min_y + max_y) / 2 * scale;
    return fit;
}

}  // namespace sculpin::gui
