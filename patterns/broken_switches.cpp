// The test-only `broken` parameter, program by program: the mistakes a learner makes,
// built into the book's programs behind a switch, so that a test can run a scenario with
// one of them and watch the scenario's expectations catch it. Scenario files never set
// it. Each program documents its own switch where it reads it.
#include <cassert>
#include <map>
#include <string>

#include "patterns/registry_ch2.hpp"

namespace sculpin::patterns {

namespace {

const std::map<std::string, std::string>& broken_switches() {
    static const std::map<std::string, std::string> all = {
        {"hwclient", "test only: send_twice sends again without reading the reply (EFSM)"},
        {"wuclient", "test only: no_subscribe never subscribes, so receives nothing"},
        {"taskvent", "test only: no_wait sends the batch without waiting for the workers"},
        {"taskwork", "test only: no_result never sends its results to the sink"},
        {"hwm-publisher", "test only: no_hwm sets SNDHWM 0, which means no limit"},
        {"hwm-pusher", "test only: dontwait sends without blocking and ignores EAGAIN"},
        {"rrbroker", "test only: strip_envelope forwards requests without their envelope"},
        {"msgqueue", "test only: one_way forwards requests but never the replies"},
        {"syncpub", "test only: no_sync publishes without waiting for the subscribers"},
        {"identity-client", "test only: no_identity forgets to set the routing id"},
        {"rtreq-broker", "test only: no_delimiter replies without the empty delimiter"},
        {"rtdealer-broker", "test only: no_delimiter replies without the empty delimiter"},
        {"rtdealer-worker",
         "test only: no_delimiter neither adds nor strips the empty "
         "delimiter"},
        {"lbworker", "test only: no_envelope replies without the client's envelope"},
        {"asyncsrv-worker", "test only: drop_identity replies without the client's identity"},
        {"mspoller", "test only: task_first reads the weather socket only after a task"},
        {"wuproxy", "test only: no_upstream never forwards subscriptions upstream"},
        {"taskwork2", "test only: no_control never reads the control socket"},
        {"mtserver", "test only: router_backend uses a ROUTER for the backend"},
        {"mtrelay", "test only: step2_silent: step 2 never passes the signal on"},
        {"psenvsub", "test only: subscribe_contents subscribes to the contents, not the key"},
    };
    return all;
}

}  // namespace

std::map<std::string, ProgramInfo> with_broken_switches(
    std::map<std::string, ProgramInfo> programs) {
    for (const auto& [name, doc] : broken_switches()) {
        auto it = programs.find(name);
        assert(it != programs.end() && "a broken switch for an unknown program");
        if (it == programs.end()) continue;
        it->second.params.emplace("broken", doc + " (none)");
    }
    return programs;
}

}  // namespace sculpin::patterns
