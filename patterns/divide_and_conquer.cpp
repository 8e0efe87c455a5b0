// Chapter 1, "Divide and Conquer": the parallel pipeline (taskvent, taskwork, tasksink).
// The ventilator PUSHes a batch of tasks, the workers PULL them, sleep the workload and
// PUSH an empty result, and the sink PULLs the results and times the batch.
//
// PUSH round-robins over the workers connected *at the moment it sends*, and PULL
// fair-queues the results. With every worker up, the batch takes about total/workers.
// If the ventilator sends before the others have connected, the first worker's pipe
// swallows the whole batch (it holds up to the HWM): "the first worker takes all".
//
// Test-only switches (`broken`, never set by a scenario file): taskvent "no_wait" sends
// the batch at once instead of waiting for the workers; taskwork "no_result" does the work
// but never tells the sink, which then waits for ever.
#include "patterns/divide_and_conquer.hpp"

#include <cstdlib>
#include <string>

namespace sculpin::patterns {

Task<> taskvent(Node& node) {
    //  Socket to send messages on
    Sock sender = node.socket(SocketType::push);
    const std::string endpoint = node.params().get("bind", "tcp://*:5557");
    if (sender.bind(endpoint) != 0) {
        node.log("cannot bind " + endpoint);
        co_return;
    }
    //  Socket to send start of batch message on ("none": no sink, as when chapter 2's
    //  msreader and mspoller take the tasks)
    const std::string sink_endpoint = node.params().get("sink", "tcp://sink:5558");
    Sock sink = node.socket(SocketType::push);
    if (sink_endpoint != "none") sink.connect(sink_endpoint);

    // The book says "Press Enter when the workers are ready". Without that wait, PUSH
    // hands the whole batch to whichever workers happen to be connected already.
    node.log("Press Enter when the workers are ready: ");
    if (node.params().get("broken", "") != "no_wait")
        co_await node.sleep(node.params().get_int("wait_ms", 1000));
    node.log("Sending tasks to workers...");

    //  The first message is "0" and signals start of batch
    if (sink_endpoint != "none") {
        co_await node.send(sink, Message::text("0"));
        node.mark("batch", "start signal sent to the sink");
    }

    //  Send 100 tasks
    const int64_t tasks = node.params().get_int("tasks", 100);
    int64_t total_msec = 0;  //  Total expected cost in msecs
    for (int64_t task_nbr = 0; task_nbr < tasks; ++task_nbr) {
        //  Random workload from 1 to 100msecs
        const int64_t workload = node.rng().between(1, 100);
        total_msec += workload;
        co_await node.send(sender, Message::text(std::to_string(workload)));
    }
    node.log("Total expected cost: " + std::to_string(total_msec) + " msec");
    // Returning closes both sockets; LINGER (infinite by default) lets them flush first.
}

Task<> taskwork(Node& node) {
    //  Socket to receive messages on
    Sock receiver = node.socket(SocketType::pull);
    receiver.connect(node.params().get("connect", "tcp://ventilator:5557"));

    //  Socket to send messages to
    Sock sender = node.socket(SocketType::push);
    sender.connect(node.params().get("sink", "tcp://sink:5558"));

    //  Process tasks forever
    const int64_t tasks = node.params().get_int("tasks", -1);
    const bool no_result = node.params().get("broken", "") == "no_result";
    for (int64_t done = 0; tasks < 0 || done < tasks; ++done) {
        Received task = co_await node.recv(receiver);
        if (!task.ok()) co_return;
        const std::string workload(task.msg.front().view());
        //  Simple progress indicator for the viewer
        node.log(workload + ".");

        //  Do the work
        co_await node.sleep(std::atoll(workload.c_str()));

        //  Send results to sink
        if (!no_result) co_await node.send(sender, Message::text(""));
    }
}

Task<> tasksink(Node& node) {
    //  Prepare our socket
    Sock receiver = node.socket(SocketType::pull);
    const std::string endpoint = node.params().get("bind", "tcp://*:5558");
    if (receiver.bind(endpoint) != 0) {
        node.log("cannot bind " + endpoint);
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
    //  Calculate and report duration of batch
    node.log("Total elapsed time: " + std::to_string(node.now_ms() - start_time) + " msec");
    node.mark("batch", "all results collected");
}

}  // namespace sculpin::patterns
