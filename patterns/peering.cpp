// Chapter 3, "Worked Example: Inter-Broker Routing": the book's peering3.c, scaled down,
// with every broker, client and worker on its own node (the book runs each cluster as one
// process with client and worker threads on ipc endpoints; here they are tcp).
//
// Each cluster has a broker with local clients (REQ, on the broker's localfe ROUTER) and
// local workers (REQ, on its localbe ROUTER, announcing themselves with "\001"). Brokers
// are joined two ways:
//   - state flow: each broker PUBlishes [its name, number of free workers] whenever that
//     number changes, and SUBscribes to every peer's state;
//   - task flow: a cloudfe ROUTER that peers connect to, and a cloudbe ROUTER connected to
//     every peer's cloudfe. Both carry the broker's name as routing id, so a broker sends
//     a task to a peer by putting the peer's name in front, and a reply that comes back
//     from a local worker with a peer's name in front goes back out the cloudfe.
// A broker hands a request to a local worker when it has one free. When it has none but
// a peer has said it has some, the request overflows to that peer through the cloud. A
// broker reads the cloudfe (peers' requests) only while it has a free worker: its own
// clients come first when it is short.
//
// Two departures from peering3.c, both towards what its text describes: the broker keeps
// each peer's capacity separately (peering3 keeps only the last number it heard) and
// sends an overflowing request to a random peer among those that have capacity, counting
// it as spent until the peer reports again (peering3 picks any random peer). The clients
// report to their own log instead of a monitor socket.
//
// Envelopes: a client's request reaches the broker as [client id, "", task id]. To a
// local worker: [worker id, "", client id, "", task]. Through the cloud:
// [peer, client id, "", task] on cloudbe, which the peer's cloudfe reads as
// [this broker, client id, "", task] and hands to its own worker as it is. The worker
// echoes the task id back with the envelope it came with.
//
// Marks: broker "capacity" (free workers, when published), "state" (peer=capacity,
// received), "local" (task -> worker), "cloud" (task -> peer), "cloud reply" (task <- peer);
// client "request" and "reply" (task id), "lost" (task id).
#include "patterns/peering.hpp"

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace sculpin::patterns {

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

namespace {

constexpr std::string_view kWorkerReady = "\001";

bool bind_logged(Node& node, Sock& sock, const std::string& endpoint) {
    if (sock.bind(endpoint) == 0) return true;
    node.log("cannot bind " + endpoint);
    return false;
}

// The task id is the message's last frame.
std::string task_of(const Message& msg) {
    return msg.empty() ? std::string() : msg.back().str();
}

}  // namespace

Task<> peering_client(Node& node) {
    Sock client = node.socket(SocketType::req);
    client.connect(node.params().get("connect", "tcp://broker:5701"));
    const int64_t bursts = node.params().get_int("bursts", -1);
    const int64_t max_burst = node.params().get_int("max_burst", 14);
    const int64_t max_pause_ms = node.params().get_int("max_pause_ms", 4000);
    const int64_t reply_timeout_ms = node.params().get_int("reply_timeout_ms", 10000);

    for (int64_t burst_nbr = 0; bursts < 0 || burst_nbr < bursts; ++burst_nbr) {
        co_await node.sleep(node.rng().between(0, max_pause_ms));
        const int64_t burst = node.rng().between(0, max_burst);
        for (int64_t task_nbr = 0; task_nbr < burst; ++task_nbr) {
            //  Send request with random hex ID
            char task_id[8];
            std::snprintf(task_id, sizeof task_id, "%04X",
                          static_cast<unsigned>(node.rng().between(0, 0xFFFF)));
            node.mark("request", task_id);
            co_await node.send(client, Message::text(task_id));

            //  Wait max ten seconds for a reply, then complain
            if (!co_await node.poll_in(client, static_cast<int>(reply_timeout_ms))) {
                node.log(std::string("E: CLIENT EXIT - lost task ") + task_id);
                node.mark("lost", task_id);
                co_return;
            }
            Received reply = co_await node.recv(client);
            if (!reply.ok()) co_return;
            //  Worker is supposed to answer us with our task id
            if (reply.msg.size() != 1 || reply.msg.front().view() != task_id) {
                node.log(std::string("E: wrong reply for task ") + task_id + ": " +
                         reply.msg.to_display_string());
                co_return;
            }
            node.mark("reply", task_id);
        }
    }
    node.log("Client done");
}

Task<> peering_worker(Node& node) {
    Sock worker = node.socket(SocketType::req);
    worker.set(option::routing_id, node.params().get("identity", node.name()));
    worker.connect(node.params().get("connect", "tcp://broker:5702"));
    const int64_t work_ms = node.params().get_int("work_ms", 1000);

    //  Tell broker we're ready for work
    co_await node.send(worker, Message::text(kWorkerReady));
    //  Process messages as they arrive
    while (true) {
        Received msg = co_await node.recv(worker);
        if (!msg.ok()) break;
        //  Workers are busy for 0 or 1 times work_ms
        co_await node.sleep(node.rng().between(0, 1) * work_ms);
        co_await node.send(worker, std::move(msg.msg));
    }
}

Task<> peering_broker(Node& node) {
    const Params& params = node.params();
    const std::string self = params.get("self", node.name());
    const std::vector<std::string> peers = split_list(params.get("peers"));
    const std::set<std::string> peer_names(peers.begin(), peers.end());
    // Test only: "no_peer_address" sends a request into the cloud without the peer's name
    // in front, so the ROUTER cannot route it and drops it without a word.
    const bool no_peer_address = params.get("broken", "") == "no_peer_address";
    node.log("I: preparing broker at " + self);

    //  Bind cloud frontend to endpoint; peers' cloud backends connect to it
    Sock cloudfe = node.socket(SocketType::router);
    cloudfe.set(option::routing_id, self);
    //  Bind state backend to endpoint
    Sock statebe = node.socket(SocketType::pub);
    //  Prepare local frontend and backend
    Sock localfe = node.socket(SocketType::router);
    Sock localbe = node.socket(SocketType::router);
    if (!bind_logged(node, cloudfe, params.get("cloud", "tcp://*:5703")) ||
        !bind_logged(node, statebe, params.get("state", "tcp://*:5704")) ||
        !bind_logged(node, localfe, params.get("localfe", "tcp://*:5701")) ||
        !bind_logged(node, localbe, params.get("localbe", "tcp://*:5702"))) {
        co_return;
    }
    //  Connect cloud backend to all peers
    Sock cloudbe = node.socket(SocketType::router);
    cloudbe.set(option::routing_id, self);
    for (const std::string& endpoint : split_list(params.get("cloud_connect"))) {
        node.log("I: connecting to cloud frontend at " + endpoint);
        cloudbe.connect(endpoint);
    }
    //  Connect state frontend to all peers
    Sock statefe = node.socket(SocketType::sub);
    statefe.subscribe("");
    for (const std::string& endpoint : split_list(params.get("state_connect")))
        statefe.connect(endpoint);

    //  Queue of available workers, and what each peer last said it has free
    std::deque<Frame> workers;
    std::map<std::string, int64_t> cloud_capacity;
    auto cloud_total = [&] {
        int64_t total = 0;
        for (const auto& [peer, capacity] : cloud_capacity) total += capacity;
        return total;
    };

    while (true) {
        std::vector<PollEntry> primary;
        primary.push_back(PollEntry{localbe, node_poll::in, 0});
        primary.push_back(PollEntry{cloudbe, node_poll::in, 0});
        primary.push_back(PollEntry{statefe, node_poll::in, 0});
        //  If we have no workers ready, wait indefinitely
        const int rc = co_await node.poll(primary, workers.empty() ? -1 : 1000);
        if (rc < 0) break;
        //  Track if capacity changes during this iteration
        const size_t previous = workers.size();

        //  Handle reply from local worker
        Message reply;
        if (primary[0].revents & node_poll::in) {
            Received in = co_await node.recv(localbe);
            if (!in.ok()) break;
            if (in.msg.size() < 3 || !in.msg[1].empty()) {
                node.log("E: malformed message from worker: " + in.msg.to_display_string());
                continue;
            }
            workers.push_back(in.msg.pop_front());  // the worker is free again
            in.msg.pop_front();                     // its empty delimiter
            //  If it's READY, don't route the message any further
            if (!(in.msg.size() == 1 && in.msg.front().view() == kWorkerReady))
                reply = std::move(in.msg);
        } else if (primary[1].revents & node_poll::in) {
            //  Or handle reply from peer broker; its name in front only tells us who answered
            Received in = co_await node.recv(cloudbe);
            if (!in.ok()) break;
            const Frame peer = in.msg.pop_front();
            node.mark("cloud reply", task_of(in.msg) + " <- " + peer.str());
            reply = std::move(in.msg);
        }
        if (!reply.empty()) {
            //  Route reply to cloud if it's addressed to a broker, else to a client
            const bool to_peer = peer_names.count(reply.front().str()) != 0;
            co_await node.send(to_peer ? cloudfe : localfe, std::move(reply));
        }

        //  Handle state messages: [peer, number of free workers]
        if (primary[2].revents & node_poll::in) {
            Received in = co_await node.recv(statefe);
            if (!in.ok()) break;
            if (in.msg.size() == 2) {
                const std::string peer = in.msg[0].str();
                cloud_capacity[peer] = std::atoll(in.msg[1].str().c_str());
                node.mark("state", peer + "=" + in.msg[1].str());
            }
        }

        //  Now route as many client requests as we can handle. With local capacity we
        //  read both localfe and cloudfe; with cloud capacity only, just localfe. A
        //  request goes to a local worker if we can, else to a peer with capacity.
        while (!workers.empty() || cloud_total() > 0) {
            std::vector<PollEntry> secondary;
            secondary.push_back(PollEntry{localfe, node_poll::in, 0});
            if (!workers.empty()) secondary.push_back(PollEntry{cloudfe, node_poll::in, 0});
            co_await node.poll(secondary, 0);
            Received in;
            if (secondary[0].revents & node_poll::in) {
                in = co_await node.recv(localfe);
            } else if (secondary.size() > 1 && (secondary[1].revents & node_poll::in)) {
                in = co_await node.recv(cloudfe);
            } else {
                break;  //  No work, go back to primary
            }
            if (!in.ok()) co_return;
            const std::string task = task_of(in.msg);
            if (!workers.empty()) {
                node.mark("local", task + " -> " + workers.front().str());
                in.msg.push_front(Frame());
                in.msg.push_front(workers.front());
                workers.pop_front();
                co_await node.send(localbe, std::move(in.msg));
            } else {
                //  Route to a random peer among those that say they have a free worker,
                //  and count that worker as taken until the peer reports again
                std::vector<std::string> candidates;
                for (const auto& [name, capacity] : cloud_capacity)
                    if (capacity > 0) candidates.push_back(name);
                const std::string peer = candidates[static_cast<size_t>(
                    node.rng().below(static_cast<uint64_t>(candidates.size())))];
                --cloud_capacity[peer];
                node.log("I: task " + task + " to cloud peer " + peer);
                node.mark("cloud", task + " -> " + peer);
                if (!no_peer_address) in.msg.push_front(Frame(peer));
                co_await node.send(cloudbe, std::move(in.msg));
            }
        }

        //  Broadcast capacity to the peers, only when it changed
        if (workers.size() != previous) {
            Message state;
            state.push_back(Frame(self));
            state.push_back(Frame(std::to_string(workers.size())));
            node.mark("capacity", std::to_string(workers.size()));
            co_await node.send(statebe, std::move(state));
        }
    }
}

}  // namespace sculpin::patterns
