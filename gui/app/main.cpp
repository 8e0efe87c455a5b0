// sculpin-gui [SCENARIO] [--until T] [--screenshot out.png]
//
// Opens the teaching GUI on a scenario (a built-in name or a .json path; by default Lazy
// Pirate if it exists, else hello world). With --screenshot, renders the state at virtual
// time T (--until, default: the end) into a PNG and exits. The wall clock only paces
// playback; it never reaches the simulation.
#define GLFW_INCLUDE_NONE
#include <GL/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <CLI/CLI.hpp>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "cli/scenario_catalog.hpp"
#include "gui/app/app.hpp"
#include "gui/view_model/catalog.hpp"
#include "gui/view_model/png.hpp"
#include "gui/view_model/timeline.hpp"

namespace {

using namespace sculpin;

bool save_framebuffer(const std::string& path, int width, int height) {
    std::vector<uint8_t> pixels(static_cast<size_t>(width) * static_cast<size_t>(height) * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    // OpenGL rows go bottom-up; PNG rows top-down.
    std::vector<uint8_t> flipped(pixels.size());
    const size_t stride = static_cast<size_t>(width) * 3;
    for (int y = 0; y < height; ++y)
        std::copy_n(pixels.data() + static_cast<size_t>(height - 1 - y) * stride, stride,
                    flipped.data() + static_cast<size_t>(y) * stride);
    return gui::write_png(path, flipped.data(), width, height, 3);
}

void style_fonts(gui::AppState& app) {
    ImGuiIO& io = ImGui::GetIO();
    const char* sans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    const char* mono = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
    if (std::filesystem::exists(sans)) {
        io.Fonts->AddFontFromFileTTF(sans, 16.0f);
    } else {
        io.Fonts->AddFontDefault();
    }
    if (std::filesystem::exists(mono)) app.mono = io.Fonts->AddFontFromFileTTF(mono, 15.0f);
    ImGui::StyleColorsDark();
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 0;
    style.FrameRounding = 3;
    style.WindowBorderSize = 1;
    style.Colors[ImGuiCol_WindowBg] = ImVec4(0.11f, 0.12f, 0.15f, 1.0f);
    style.Colors[ImGuiCol_TitleBgActive] = ImVec4(0.18f, 0.22f, 0.32f, 1.0f);
    style.Colors[ImGuiCol_TitleBg] = ImVec4(0.18f, 0.22f, 0.32f, 1.0f);
}

// What the window shows, for tests: node boxes and named widgets in window coordinates,
// the virtual time, the fault plan, the status line.
nlohmann::json ui_state(const gui::AppState& app, int width, int height) {
    nlohmann::json out;
    out["scenario"] = app.ctl.scenario().name;
    out["time_ns"] = app.ctl.now();
    out["width"] = width;
    out["height"] = height;
    out["trace_hash"] = app.ctl.trace_hash();
    out["status"] = app.status;
    out["nodes"] = nlohmann::json::array();
    for (size_t i = 0; i < app.topo.nodes.size() && i < app.boxes.size(); ++i) {
        const auto& b = app.boxes[i];
        out["nodes"].push_back({{"name", app.topo.nodes[i].name},
                                {"x0", b.x0},
                                {"y0", b.y0},
                                {"x1", b.x1},
                                {"y1", b.y1}});
    }
    out["widgets"] = nlohmann::json::object();
    for (const auto& [name, r] : app.widget_rects)
        out["widgets"][name] = {{"x0", r[0]}, {"y0", r[1]}, {"x1", r[2]}, {"y1", r[3]}};
    out["narration"] = nlohmann::json::array();  // the lines shown by now
    for (const auto& [t, text] : app.ctl.narration())
        if (t <= app.ctl.now()) out["narration"].push_back(text);
    out["faults"] = nlohmann::json::array();
    for (const auto& f : app.ctl.scenario().faults)
        out["faults"].push_back(
            {{"kind", std::string(sim::to_string(f.kind))}, {"node", f.node}, {"at_ms", f.at_ms}});
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"Sculpin GUI: step through the zguide's patterns on a deterministic simulator"};
    std::string scenario_name;
    std::string until;
    std::string screenshot;
    std::string layout_json;
    std::string select;
    std::string tab;
    int width = 1600, height = 1000;
    cli.add_option(
        "scenario", scenario_name,
        "built-in scenario name or .json path (default: ch4-lazy-pirate, else ch1-hello-world)");
    cli.add_option("--until", until, "virtual time to run to first (2.5s, 300ms, 1500 = ms)");
    cli.add_option("--screenshot", screenshot,
                   "render the state at --until into this PNG and exit");
    cli.add_option("--layout-json", layout_json,
                   "write where each node box and some widgets were drawn, the time and the "
                   "fault plan (with --screenshot: once; else whenever it changes; for tests)");
    cli.add_option("--select", select, "select a node (NAME) or a message (#ID) for the inspector");
    cli.add_option("--tab", tab, "the bottom panel's tab: sequence, log or plots")
        ->check(CLI::IsMember({"sequence", "log", "plots"}));
    cli.add_option("--size", width, "window width (height follows at 16:10)")
        ->check(CLI::Range(800, 4000));
    CLI11_PARSE(cli, argc, argv);
    height = width * 10 / 16;

    const auto ctx = gui::load_context();
    gui::AppState app(gui::program_lookup());
    app.catalog = cli::load_catalog(ctx, &app.catalog_error);
    if (scenario_name.empty()) {
        scenario_name = "ch1-hello-world";
        for (const auto& s : app.catalog)
            if (s.name == "ch4-lazy-pirate") scenario_name = s.name;
    }
    std::string error;
    const auto scenario = cli::find_scenario(scenario_name, ctx, &error);
    if (!scenario) {
        std::cerr << "sculpin-gui: " << error << "\n";
        return 2;
    }
    std::optional<int64_t> until_ns;
    if (!until.empty()) {
        until_ns = gui::parse_time_ns(until);
        if (!until_ns) {
            std::cerr << "sculpin-gui: --until: not a time: " << until << " (try 2.5s, 300ms)\n";
            return 2;
        }
    }

    if (!glfwInit()) {
        std::cerr << "sculpin-gui: cannot open a window (no display?). Try: sculpin run "
                  << scenario->name << "\n";
        return 3;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    if (!screenshot.empty()) glfwWindowHint(GLFW_RESIZABLE, GLFW_FALSE);
    GLFWwindow* window = glfwCreateWindow(width, height, "Sculpin", nullptr, nullptr);
    if (!window) {
        std::cerr << "sculpin-gui: cannot create an OpenGL 3.3 window\n";
        glfwTerminate();
        return 3;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(screenshot.empty() ? 1 : 0);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    style_fonts(app);
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");

    gui::load_scenario(app, *scenario);
    if (until_ns) {
        app.ctl.seek(*until_ns);
    } else if (!screenshot.empty()) {
        app.ctl.seek(app.ctl.end());
    }

    if (!select.empty() && select[0] == '#') {
        app.selection = gui::Selection::message;
        app.selected_message = std::strtoull(select.c_str() + 1, nullptr, 10);
        const auto& flights = app.ctl.flights().flights;
        for (size_t k = 0; k < flights.size(); ++k)
            if (flights[k].message == app.selected_message) app.selected_flight = k;
    } else if (!select.empty()) {
        app.selection = gui::Selection::node;
        app.selected_node = select;
    }

    app.tab_request = tab;

    int exit_code = 0;
    int frames = 0;
    std::string last_ui_state;
    auto last = std::chrono::steady_clock::now();
    while (!glfwWindowShouldClose(window)) {
        if (screenshot.empty()) {
            glfwPollEvents();
        } else {
            glfwPollEvents();  // no input is expected; keeps the window system happy
        }
        const auto now = std::chrono::steady_clock::now();
        const double wall = std::chrono::duration<double>(now - last).count();
        last = now;
        if (screenshot.empty()) app.ctl.tick(std::min(wall, 0.1));

        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        // A screenshot shows the state, not whatever the pointer happens to hover.
        if (!screenshot.empty()) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        ImGui::NewFrame();
        int fb_w = 0, fb_h = 0;
        glfwGetFramebufferSize(window, &fb_w, &fb_h);
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        gui::draw_app(app, display.x, display.y);
        ImGui::Render();
        glViewport(0, 0, fb_w, fb_h);
        glClearColor(0.08f, 0.09f, 0.11f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

        // Several frames first: ImGui settles its layout (auto-sizes, scrolling) over a few.
        if (!screenshot.empty() && ++frames >= 6) {
            if (!layout_json.empty())
                std::ofstream(layout_json) << ui_state(app, fb_w, fb_h).dump(1) << "\n";
            if (save_framebuffer(screenshot, fb_w, fb_h)) {
                std::cout << "sculpin-gui: wrote " << screenshot << " (" << fb_w << "x" << fb_h
                          << ", " << app.ctl.scenario().name << " at "
                          << gui::format_time(app.ctl.now()) << ")\n";
            } else {
                std::cerr << "sculpin-gui: cannot write " << screenshot << "\n";
                exit_code = 1;
            }
            break;
        }
        if (!app.screenshot_request.empty()) {
            app.status = save_framebuffer(app.screenshot_request, fb_w, fb_h)
                             ? "screenshot saved to " + app.screenshot_request
                             : "cannot write " + app.screenshot_request;
            app.screenshot_request.clear();
        }
        // Interactive: the same picture of the window, rewritten when it changes (tests
        // drive the window with xdotool and read where to click from it).
        if (screenshot.empty() && !layout_json.empty() && ++frames >= 3) {
            const std::string state = ui_state(app, fb_w, fb_h).dump(1);
            if (state != last_ui_state) {
                const std::string temp = layout_json + ".tmp";
                std::ofstream(temp) << state << "\n";
                std::filesystem::rename(temp, layout_json);  // readers never see half a file
                last_ui_state = state;
            }
        }
        glfwSwapBuffers(window);
    }

    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return exit_code;
}
