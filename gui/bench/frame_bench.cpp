// Frame build time: from ImGui::NewFrame() to the finished draw data (ImGui::Render()),
// without any GL and without the buffer swap, for a generated topology of 200 nodes
// (100 REQ clients, 100 REP servers) with 10,000 messages in flight. The goal is 4 ms.
//
//   build-gui/gui/sculpin-gui-bench [frames]
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "gui/app/app.hpp"
#include "gui/view_model/catalog.hpp"

using namespace sculpin;

int main(int argc, char** argv) {
    const int frames = argc > 1 ? std::atoi(argv[1]) : 60;
    constexpr int kPairs = 100;
    constexpr int kMessages = 10'000;

    sim::Scenario s;
    s.name = "bench-200";
    s.title = "200 nodes, 10,000 messages in flight";
    s.duration_ms = 100;
    for (int i = 0; i < kPairs; ++i) {
        sim::NodeSpec server{
            "s" + std::to_string(i), "hwserver", {{"bind", "tcp://*:5555"}}, 0, std::nullopt};
        sim::NodeSpec client{"c" + std::to_string(i),
                             "hwclient",
                             {{"connect", "tcp://s" + std::to_string(i) + ":5555"}},
                             0,
                             std::nullopt};
        s.nodes.push_back(server);
        s.nodes.push_back(client);
    }
    // The trace: sockets and connections, then 10,000 requests sent in the first ms,
    // encoded onto the wire from 1.3 ms, arrived and delivered between 5.1 and 5.7 ms; the
    // frame is drawn at 5 ms, all of them moving.
    std::vector<sim::TraceEvent> events;
    for (int i = 0; i < kPairs; ++i) {
        const std::string sn = "s" + std::to_string(i), cn = "c" + std::to_string(i);
        events.push_back({0, sim::TraceKind::socket_open, sn, 1, 0, "", "REP", 0});
        events.push_back({0, sim::TraceKind::bind, sn, 1, 0, "tcp://*:5555", "", 0});
        events.push_back({0, sim::TraceKind::socket_open, cn, 1, 0, "", "REQ", 0});
        events.push_back({0, sim::TraceKind::connect, cn, 1, 0, "tcp://" + sn + ":5555", "", 0});
        events.push_back(
            {100'000, sim::TraceKind::connected, cn, 1, 0, sn, "tcp://" + sn + ":5555", 0});
        events.push_back({100'000, sim::TraceKind::connected, sn, 1, 0, cn, "tcp://*:5555", 0});
        events.push_back({200'000, sim::TraceKind::handshake, cn, 1, 0, sn, "REP", 0});
        events.push_back({200'000, sim::TraceKind::handshake, sn, 1, 0, cn, "REQ", 0});
    }
    for (int m = 1; m <= kMessages; ++m) {
        const int pair = m % kPairs;
        events.push_back({300'000 + m * 50, sim::TraceKind::send, "c" + std::to_string(pair), 1,
                          static_cast<uint64_t>(m), "", "Hello " + std::to_string(m), 8});
    }
    std::vector<sim::TraceEvent> delivers;
    for (int m = 1; m <= kMessages; ++m) {
        const int pair = m % kPairs;
        delivers.push_back({5'200'000 + m * 50, sim::TraceKind::deliver, "s" + std::to_string(pair),
                            1, static_cast<uint64_t>(m), "", "Hello " + std::to_string(m), 8});
    }
    events.insert(events.end(), delivers.begin(), delivers.end());
    // Each request leaves its client's queue 1 ms after it was sent and arrives 0.1 ms
    // before its delivery: at 5 ms every one of them is on its link.
    for (int m = 1; m <= kMessages; ++m) {
        const int pair = m % kPairs;
        const std::string sn = "s" + std::to_string(pair), cn = "c" + std::to_string(pair);
        events.push_back({1'300'000 + m * 50, sim::TraceKind::encoded, cn, 0,
                          static_cast<uint64_t>(m), sn, "", 0});
        events.push_back({5'100'000 + m * 50, sim::TraceKind::arrived, sn, 0,
                          static_cast<uint64_t>(m), cn, "", 0});
    }
    std::stable_sort(
        events.begin(), events.end(),
        [](const sim::TraceEvent& a, const sim::TraceEvent& b) { return a.time_ns < b.time_ns; });

    gui::AppState app(gui::program_lookup());
    gui::load_scenario(app, s);
    app.ctl.show_trace(events);
    app.topo = gui::build_topology(app.ctl.scenario(), app.ctl.events());
    gui::auto_layout(app.topo, 1);
    app.topo_hash = app.ctl.trace_hash();
    app.ctl.seek(5'000'000);

    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1600, 1000);
    io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;  // as the OpenGL 3 backend declares
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);  // the atlas must be built; no texture upload

    // Wall time, and this thread's CPU time: on a shared machine the wall figure includes
    // waiting for a core; the CPU figure is what the frame itself costs.
    auto cpu_now = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
    };
    std::vector<double> ms, cpu_ms;
    size_t vertices = 0;
    for (int f = 0; f < frames + 5; ++f) {
        io.DeltaTime = 1.0f / 60;
        // Playing: virtual time moves on a little every frame (all 10,000 still moving).
        app.ctl.seek(5'000'000 + f * 200);
        const double c0 = cpu_now();
        const auto t0 = std::chrono::steady_clock::now();
        ImGui::NewFrame();
        gui::draw_app(app, io.DisplaySize.x, io.DisplaySize.y);
        ImGui::Render();
        const auto t1 = std::chrono::steady_clock::now();
        const double c1 = cpu_now();
        if (f >= 5) {
            ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
            cpu_ms.push_back(c1 - c0);
        }
        vertices = static_cast<size_t>(ImGui::GetDrawData()->TotalVtxCount);
    }
    ImGui::DestroyContext();
    std::sort(ms.begin(), ms.end());
    std::sort(cpu_ms.begin(), cpu_ms.end());
    std::printf(
        "frame build (200 nodes, %zu messages drawn, %zu events, %zu vertices) over %d frames "
        "(goal: 4 ms):\n  wall median %.2f ms, p90 %.2f ms, max %.2f ms\n"
        "  cpu  median %.2f ms, p90 %.2f ms, max %.2f ms\n",
        app.dots.size(), app.ctl.events().size(), vertices, frames, ms[ms.size() / 2],
        ms[ms.size() * 9 / 10], ms.back(), cpu_ms[cpu_ms.size() / 2],
        cpu_ms[cpu_ms.size() * 9 / 10], cpu_ms.back());
    return 0;
}
