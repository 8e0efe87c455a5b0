#include "wire/zap.hpp"

#include "wire/command.hpp"
#include "wire/printable.hpp"

namespace sculpin::wire {

namespace {

constexpr size_t kReplyFrames = 7;

std::string_view text_of(const Frame& frame) {
    return {reinterpret_cast<const char*>(frame.data()), frame.size()};
}

std::optional<ZapReply> malformed(HandshakeFailure& failure, std::string& error, int code,
                                  std::string why) {
    failure = {FailureKind::protocol, code};
    error = "ZAP handler sent a bad reply: " + std::move(why);
    return std::nullopt;
}

bool is_status_code(std::string_view code) {
    return code.size() == 3 && code[0] >= '2' && code[0] <= '5' && code[1] == '0' && code[2] == '0';
}

}  // namespace

Message encode_zap_request(const ZapRequest& request, std::string_view address) {
    Message msg;
    msg.push_back(Frame());  // the delimiter a REQ peer puts in front, for the REP handler
    msg.push_back(Frame(kZapVersion));
    msg.push_back(Frame(kZapRequestId));
    msg.push_back(Frame(request.domain));
    msg.push_back(Frame(address));
    msg.push_back(Frame(request.identity));
    msg.push_back(Frame(request.mechanism));
    for (const std::string& credential : request.credentials) msg.push_back(Frame(credential));
    return msg;
}

std::optional<ZapReply> parse_zap_reply(const Message& reply, HandshakeFailure& failure,
                                        std::string& error) {
    if (reply.size() != kReplyFrames) {
        return malformed(
            failure, error, protocol_error::zap_malformed_reply,
            std::to_string(reply.size()) + " frames, expected " + std::to_string(kReplyFrames));
    }
    if (!reply[0].empty()) {
        return malformed(failure, error, protocol_error::zap_unspecified,
                         "first frame is not an empty delimiter");
    }
    if (text_of(reply[1]) != kZapVersion) {
        return malformed(failure, error, protocol_error::zap_bad_version,
                         "version \"" + printable(text_of(reply[1])) + "\", expected \"1.0\"");
    }
    if (text_of(reply[2]) != kZapRequestId) {
        return malformed(failure, error, protocol_error::zap_bad_request_id,
                         "request id \"" + printable(text_of(reply[2])) + "\", expected \"" +
                             std::string(kZapRequestId) + "\"");
    }
    if (!is_status_code(text_of(reply[3]))) {
        return malformed(
            failure, error, protocol_error::zap_invalid_status_code,
            "status code \"" + printable(text_of(reply[3])) + "\", expected 200, 300, 400 or 500");
    }
    ZapReply parsed;
    parsed.status_code = std::string(text_of(reply[3]));
    parsed.status_text = std::string(text_of(reply[4]));
    parsed.user_id = std::string(text_of(reply[5]));
    std::string metadata_error;
    if (!parse_properties({reply[6].data(), reply[6].size()}, parsed.metadata, metadata_error)) {
        return malformed(failure, error, protocol_error::zap_invalid_metadata,
                         "metadata: " + metadata_error);
    }
    return parsed;
}

}  // namespace sculpin::wire
