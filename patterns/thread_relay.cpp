// Chapter 2, "Signaling Between Threads (PAIR Sockets)": the relay race (mtrelay). Three
// steps are chained with PAIR sockets over inproc: step 1 tells step 2 it is ready, step 2
// then tells step 3 (the main thread), which prints "Test successful!". A PAIR has exactly
// one peer, so each signal goes to the one step that waits for it.
//
// The book runs each step as a thread of one process. A simulated node runs one program
// with one thread of control, so the three steps run as three stages of this one program,
// in the only order the threads can make progress in (each waits for the previous one's
// signal), on real inproc PAIR sockets that share the node's inproc namespace. As in the
// book, each step binds its own endpoint before the step that connects to it starts.
//
// Marks: "ready" at each signal (detail: "step 1 -> step 2", "step 2 -> step 3").
//
// Test-only switch (`broken`, never set by a scenario file): "step2_silent": step 2
// receives step 1's signal but never passes it on, so the main thread waits for ever.
#include "patterns/thread_relay.hpp"

#include <string>

namespace sculpin::patterns {

Task<> mtrelay(Node& node) {
    //  Bind inproc socket before starting step2
    Sock step3_receiver = node.socket(SocketType::pair);
    if (step3_receiver.bind("inproc://step3") != 0) {
        node.log("cannot bind inproc://step3");
        co_return;
    }

    //  --- step 2 starts: bind inproc socket before starting step1
    Sock step2_receiver = node.socket(SocketType::pair);
    if (step2_receiver.bind("inproc://step2") != 0) {
        node.log("cannot bind inproc://step2");
        co_return;
    }

    //  --- step 1 starts: connect to step2 and tell it we're ready
    Sock step1_xmitter = node.socket(SocketType::pair);
    step1_xmitter.connect("inproc://step2");
    node.log("Step 1 ready, signaling step 2");
    co_await node.send(step1_xmitter, Message::text("READY"));
    node.mark("ready", "step 1 -> step 2");
    step1_xmitter.close();  //  step 1 ends

    //  --- step 2: wait for signal and pass it on
    Received signal = co_await node.recv(step2_receiver);
    if (!signal.ok()) co_return;
    step2_receiver.close();
    //  Connect to step3 and tell it we're ready
    Sock step2_xmitter = node.socket(SocketType::pair);
    step2_xmitter.connect("inproc://step3");
    if (node.params().get("broken", "") != "step2_silent") {
        node.log("Step 2 ready, signaling step 3");
        co_await node.send(step2_xmitter, Message::text("READY"));
        node.mark("ready", "step 2 -> step 3");
    }
    //  (step 2 ends; its socket stays open until the process ends, so the broken
    //  variant leaves the main thread waiting instead of failing)

    //  --- main thread: wait for signal
    Received ready = co_await node.recv(step3_receiver);
    if (!ready.ok()) co_return;
    node.log("Test successful!");
}

}  // namespace sculpin::patterns
