// STREAM (libzmq's ZMQ_STREAM): raw TCP peers, no ZMTP. Its connections run a raw codec
// (wire::RawConnection), so each pipe carries plain chunks of bytes; this class only
// names the peers and routes, in the manner of ROUTER.
//
// Every connection gets a routing id when its pipe attaches: the one ZMQ_CONNECT_ROUTING_ID
// gave the connect() that made it, else a generated one (five bytes, a zero then a 32-bit
// big-endian counter starting at 1, as ROUTER's). As libzmq does, a generated id also
// becomes the socket's ZMQ_ROUTING_ID, so a client with one connection can read its
// server's id there.
//
// recv gives [routing id][bytes]; an empty second frame is a connect or disconnect notice
// (ZMQ_STREAM_NOTIFY, made by the codec). send takes exactly [routing id][bytes]: an
// unknown id fails with EHOSTUNREACH, a full pipe with EAGAIN, and empty bytes close
// that connection once what was sent before has been written.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "socket/fair_queue.hpp"
#include "socket/read_ahead.hpp"
#include "socket/socket.hpp"

namespace sculpin {

class Stream final : public Socket {
public:
    Stream();
    ~Stream() override;

    size_t traced_held() const override { return fq_.read_ahead().traced() + ahead_.traced(); }

protected:
    int xsend(Message& msg) override;
    int xcheck_first_frame(const Frame& first) const override;
    int xrecv(Message& out) override;
    bool xcan_send() override { return true; }
    bool xcan_recv() override;
    void xattach(PipeEnd& pipe) override;
    void xdetach(PipeEnd& pipe) override;
    void xread_activated(PipeEnd& pipe) override;
    void xwrite_activated(PipeEnd&) override {}
    int xset_option(int option, const void* value, size_t size_bytes) override;
    int xget_option(int option, void* value, size_t* size_bytes) const override;

private:
    std::string generate_routing_id();
    bool next_message();
    void drop_finished_pipes();

    FairQueue fq_;
    ReadAhead ahead_;  // the next message for the application, routing id in front
    std::map<std::string, PipeEnd*, std::less<>> by_routing_id_;
    std::map<uint64_t, std::string> routing_id_of_;  // pipe id -> routing id
    uint32_t next_generated_id_ = 1;
};

}  // namespace sculpin
