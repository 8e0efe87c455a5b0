// Chapter 2, "Handling Errors and ETERM": divide and conquer with a kill signal
// (taskwork2, tasksink2; the ventilator is chapter 1's taskvent). When the sink has
// collected the batch it publishes "KILL" on a PUB socket; every worker has a SUB on it
// beside its task PULL, polls both, and leaves its loop when the KILL arrives. Nobody has
// to be stopped by hand.
//
// Marks: worker "kill" when the KILL arrives (detail: tasks done); sink "kill" when it
// sends it.
//
// Test-only switch (`broken`, never set by a scenario file): taskwork2 "no_control" never
// polls the controller, so the KILL is never read and the worker never exits.
#include "patterns/kill_signal.hpp"

#include <cstdlib>
#include <string>
#include <vector>

namespace sculpin::patterns {

Task<> taskwork2(Node& node) {
    //  Socket to receive messages on
    Sock receiver = node.socket(SocketType::pull);
    receiver.connect(node.params().get("connect", "tcp://ventilator:5557"));

    //  Socket to send messages to
    Sock sender = node.socket(SocketType::push);
    sender.connect(node.params().get("sink", "tcp://sink:5558"));

    //  Socket for control input
    Sock controller = node.socket(SocketType::sub);
    controller.connect(node.params().get("control", "tcp://sink:5559"));
    controller.subscribe("");

    //  Process messages from either socket
    std::vector<PollEntry> items;
    items.push_back(PollEntry{receiver, node_poll::in, 0});
    if (node.params().get("broken", "") != "no_control")
        items.push_back(PollEntry{controller, node_poll::in, 0});
    int64_t done = 0;
    while (true) {
        co_await node.poll(items, -1);
        if (items[0].revents & node_poll::in) {
            Received task = co_await node.recv(receiver);
            if (!task.ok()) co_return;
            const std::string workload(task.msg.front().view());
            //  Simple progress indicator for the viewer
            node.log(workload + ".");
            //  Do the work
            co_await node.sleep(std::atoll(workload.c_str()));
            //  Send results to sink
            co_await node.send(sender, Message::text(""));
            ++done;
        }
        //  Any waiting controller command acts as 'KILL'
        if (items.size() > 1 && (items[1].revents & node_poll::in)) {
            Received command = co_await node.recv(controller);
            if (!command.ok()) co_return;
            node.log("Received " + command.msg.to_display_string() + " after " +
                     std::to_string(done) + " tasks: exiting");
            node.mark("kill", std::to_string(done) + " tasks done");
            break;  //  Exit loop
        }
    }
}

Task<> tasksink2(Node& node) {
    //  Socket to receive messages on
    Sock receiver = node.socket(SocketType::pull);
    const std::string endpoint = node.params().get("bind", "tcp://*:5558");
    //  Socket for worker control
    Sock controller = node.socket(SocketType::pub);
    const std::string control_endpoint = node.params().get("control_bind", "tcp://*:5559");
    if (receiver.bind(endpoint) != 0 || controller.bind(control_endpoint) != 0) {
        node.log("cannot bind");
        co_return;
    }

    //  Wait for start of batch
    Received start = co_await node.recv(receiver);
    if (!start.ok()) co_return;

    //  Start our clock now
    const int64_t start_time = node.now_ms();

    //  Process 100 confirmations
    const int64_t tasks = node.params().get_int("tasks", 100);
    std::string progress;
    for (int64_t task_nbr = 0; task_nbr < tasks; ++task_nbr) {
        Received result = co_await node.recv(receiver);
        if (!result.ok()) co_return;
        progress += task_nbr % 10 == 0 ? ':' : '.';
    }
    node.log(progress);
    node.log("Total elapsed time: " + std::to_string(node.now_ms() - start_time) + " msec");

    //  Send kill signal to workers
    co_await node.send(controller, Message::text("KILL"));
    node.mark("kill", "sent to every worker");

    //  Finished
    co_await node.sleep(1000);  //  Give 0MQ time to deliver
}

}  // namespace sculpin::patterns
