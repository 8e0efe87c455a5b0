// Why a message was dropped. Every drop anywhere in the engine is reported with one of
// these, through the owning socket's drop hook, so that a ledger can account for it.
#pragma once

#include <string_view>

namespace sculpin {

enum class DropReason {
    hwm,          // the pipe was at its high-water mark and the socket type drops (PUB, ROUTER)
    no_peer,      // no pipe to send to and the socket type drops (PUB with no subscribers)
    unroutable,   // ROUTER: no peer with that routing id
    filtered,     // no subscriber matched the message's topic
    conflated,    // CONFLATE kept only the newest message
    closed,       // the socket or connection closed with the message still queued
    malformed,    // a peer sent a message the socket type cannot accept (REP without delimiter)
    stale_reply,  // REQ: a reply that does not belong to the outstanding request
    too_large,    // larger than MAXMSGSIZE
};

std::string_view to_string(DropReason reason);

}  // namespace sculpin
