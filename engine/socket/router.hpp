// ROUTER (RFC 28): addresses each peer by its routing id.
//
// A peer's routing id is the one it announced (PeerInfo::routing_id) or, if it announced
// none, one generated here: five bytes, a zero then a 32-bit big-endian counter. libzmq
// starts the counter at a random value; here it starts at 1 on every socket, so a run
// is reproducible. A second peer announcing an id already in use is refused, unless
// ROUTER_HANDOVER, when it takes the id over and the old pipe is detached. (A dead peer's
// pipe, still holding unread messages, gives its id up to a newcomer in any case: it is
// renamed to a generated id and its messages stay readable.)
//
// recv puts the sender's routing id in front of the message. send takes the first frame
// as the routing id: an unknown one drops the message (unroutable), a full pipe drops it
// (hwm); with ROUTER_MANDATORY these fail with EHOSTUNREACH and EAGAIN instead. A message
// that is only a routing id is dropped (malformed).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "socket/fair_queue.hpp"
#include "socket/read_ahead.hpp"
#include "socket/socket.hpp"

namespace sculpin {

class Router final : public Socket {
public:
    Router();
    ~Router() override;

    size_t traced_held() const override { return fq_.read_ahead().traced() + ahead_.traced(); }
protected:
    int xsend(Message& msg) override;
    int xcheck_first_frame(const Frame& first) const override;
    int xrecv(Message& out) override;
    bool xcan_send() override;
    bool xcan_recv() override;
    void xattach(PipeEnd& pipe) override;
    void xdetach(PipeEnd& pipe) override;
    void xread_activated(PipeEnd& pipe) override;
    void xwrite_activated(PipeEnd& pipe) override;
    int xset_option(int option, const void* value, size_t size_bytes) override;
    int xget_option(int option, void* value, size_t* size_bytes) const override;

private:
    struct OutPipe {
        PipeEnd* pipe = nullptr;
        bool active = true;  // false from a refused write until xwrite_activated
    };
    std::string generate_routing_id();
    bool next_message();
    void drop_finished_pipes();

    FairQueue fq_;
    ReadAhead ahead_;  // the next message for the application, routing id in front
    std::map<std::string, OutPipe, std::less<>> by_routing_id_;
    std::map<uint64_t, std::string> routing_id_of_;  // pipe id -> routing id
    uint32_t next_generated_id_ = 1;
    bool mandatory_ = false;
    bool handover_ = false;
};

}  // namespace sculpin
