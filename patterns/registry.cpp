#include "patterns/registry.hpp"

#include "patterns/hello_world.hpp"

namespace sculpin::patterns {

const std::map<std::string, ProgramInfo>& programs() {
    static const std::map<std::string, ProgramInfo> all = [] {
        std::map<std::string, ProgramInfo> m;
        auto add = [&](ProgramInfo info) { m[info.name] = std::move(info); };
        add({"hwserver", "hwserver.c", "REP server: answers every request with \"World\"",
             {{"bind", "endpoint to bind (tcp://*:5555)"},
              {"work_ms", "time spent on each request (1000)"},
              {"replies", "stop after this many replies (-1: never)"}},
             hwserver});
        add({"hwclient", "hwclient.c", "REQ client: sends \"Hello\" and waits for each reply",
             {{"connect", "server endpoint (tcp://server:5555)"},
              {"requests", "number of requests (10)"}},
             hwclient});
        return m;
    }();
    return all;
}

const ProgramInfo* find_program(const std::string& name) {
    auto it = programs().find(name);
    return it == programs().end() ? nullptr : &it->second;
}

}  // namespace sculpin::patterns
