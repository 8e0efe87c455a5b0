// `sculpin sock`: one real socket on the command line. The flags and exit codes are a
// public contract (README, issue 2); keep them exactly so.
#include "cli/sock_command.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "runtime/context.hpp"

namespace sculpin::cli {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitBadArguments = 2;
constexpr int kExitTimeout = 3;
constexpr int kExitFailure = 1;

Message parse_frames(const std::string& text) {
    Message msg;
    size_t start = 0;
    while (true) {
        const size_t bar = text.find('|', start);
        msg.push_back(Frame(std::string_view(text).substr(start, bar - start)));
        if (bar == std::string::npos) break;
        start = bar + 1;
    }
    return msg;
}

bool can_send(SocketType type) {
    return type != SocketType::sub && type != SocketType::pull;
}
bool can_recv(SocketType type) {
    return type != SocketType::pub && type != SocketType::push;
}

// Prints a received message; fflush so that a pipe reader sees each line at once.
void print_message(const Message& msg) {
    const std::string line = msg.to_display_string();
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

}  // namespace

void add_sock_command(CLI::App& app, SockArgs& args) {
    CLI::App* sock = app.add_subcommand(
        "sock", "Run one real ZeroMQ socket: bind/connect, send, receive, echo.");
    sock->add_option("TYPE", args.type, "pair pub sub xpub xsub req rep dealer router push pull")
        ->required()
        ->check(CLI::IsMember({"pair", "pub", "sub", "xpub", "xsub", "req", "rep", "dealer",
                               "router", "push", "pull"}));
    sock->add_option("--bind", args.binds, "bind to endpoint EP (repeatable)")->type_name("EP");
    sock->add_option("--connect", args.connects, "connect to endpoint EP (repeatable)")
        ->type_name("EP");
    sock->add_option("--send", args.sends,
                     "send one message, frames separated by '|'; on REQ each send is followed "
                     "by one receive, which is printed (repeatable)")
        ->type_name("MSG");
    sock->add_option("--recv", args.recv_count,
                     "receive N messages, print each on its own line, frames joined by '|'")
        ->type_name("N")
        ->check(CLI::NonNegativeNumber);
    sock->add_flag("--echo", args.echo,
                   "send every received message back unchanged (ROUTER: to the peer it came from)");
    sock->add_option("--count", args.echo_count, "with --echo: stop after N messages")
        ->type_name("N")
        ->check(CLI::PositiveNumber);
    sock->add_option("--subscribe", args.subscriptions,
                     "SUB/XSUB: subscribe to prefix P (repeatable; \"\" means everything)")
        ->type_name("P");
    sock->add_option("--identity", args.identity, "routing id announced to peers")->type_name("ID");
    sock->add_option("--timeout", args.timeout_ms,
                     "a receive that waits longer ends the program with exit code 3")
        ->type_name("MS")
        ->check(CLI::NonNegativeNumber);
    sock->add_option("--delay", args.delay_ms,
                     "wait before the first send (lets connections and subscriptions settle)")
        ->type_name("MS")
        ->check(CLI::NonNegativeNumber);
    sock->add_option("--linger", args.linger_ms,
                     "flush pending outgoing messages for at most MS on exit (default 2000)")
        ->type_name("MS")
        ->check(CLI::Range(-1, 1 << 30));
    sock->footer(
        "Exit codes: 0 done, 2 bad arguments, 3 timeout.\n"
        "Example: sculpin sock rep --bind tcp://127.0.0.1:5555 --echo --count 1\n"
        "         sculpin sock req --connect tcp://127.0.0.1:5555 --send Hello");
    args.command = sock;
}

int run_sock(const SockArgs& args) {
    const SocketType type = *socket_type_from_cli_name(args.type);
    auto usage_error = [&](const std::string& what) {
        std::cerr << "sculpin sock: " << what << "\n" << args.command->help();
        return kExitBadArguments;
    };
    if (args.binds.empty() && args.connects.empty())
        return usage_error("give at least one --bind or --connect endpoint");
    if (!args.sends.empty() && !can_send(type))
        return usage_error(std::string(cli_name(type)) + " sockets cannot send (--send)");
    if ((args.recv_count > 0 || args.echo) && !can_recv(type))
        return usage_error(std::string(cli_name(type)) + " sockets cannot receive");
    if (args.echo && !can_send(type))
        return usage_error(std::string(cli_name(type)) + " sockets cannot echo (they cannot send)");
    if (args.echo_count > 0 && !args.echo) return usage_error("--count needs --echo");
    if (!args.subscriptions.empty() && type != SocketType::sub && type != SocketType::xsub)
        return usage_error("--subscribe is for sub and xsub sockets");
    if (!args.identity.empty() && args.identity[0] == '\0')
        return usage_error("--identity must not start with a zero byte");
    if (type == SocketType::sub && args.subscriptions.empty())
        std::cerr << "sculpin sock: note: a SUB socket without --subscribe receives nothing "
                     "(use --subscribe \"\" for everything)\n";

    Context context;
    SocketHandle* socket = context.socket(type);
    socket->set_option(option::linger, &args.linger_ms, sizeof(int));
    if (!args.identity.empty())
        socket->set_option(option::routing_id, args.identity.data(), args.identity.size());
    if (args.timeout_ms >= 0) {
        socket->set_option(option::rcvtimeo, &args.timeout_ms, sizeof(int));
        socket->set_option(option::sndtimeo, &args.timeout_ms, sizeof(int));
    }
    for (const auto& prefix : args.subscriptions) {
        if (type == SocketType::sub) {
            socket->set_option(option::subscribe, prefix.data(), prefix.size());
        } else {
            Message subscription(Frame(std::string("\x01", 1) + prefix));
            socket->send(subscription);
        }
    }
    for (const auto& endpoint : args.binds) {
        if (int rc = socket->bind(endpoint)) {
            std::cerr << "sculpin sock: cannot bind " << endpoint << ": "
                      << (socket->last_error().empty() ? error_text(rc) : socket->last_error())
                      << "\n";
            return rc == EINVAL || rc == EPROTONOSUPPORT ? kExitBadArguments : kExitFailure;
        }
    }
    for (const auto& endpoint : args.connects) {
        if (int rc = socket->connect(endpoint)) {
            std::cerr << "sculpin sock: cannot connect " << endpoint << ": "
                      << (socket->last_error().empty() ? error_text(rc) : socket->last_error())
                      << "\n";
            return rc == EINVAL || rc == EPROTONOSUPPORT ? kExitBadArguments : kExitFailure;
        }
    }
    if (args.delay_ms > 0 && (!args.sends.empty() || args.echo || args.recv_count > 0))
        std::this_thread::sleep_for(std::chrono::milliseconds(args.delay_ms));

    auto timed_out = [&](const char* what) {
        std::cerr << "sculpin sock: timeout: no message " << what << " within " << args.timeout_ms
                  << " ms\n";
        return kExitTimeout;
    };
    auto receive = [&](Message& msg) -> int {
        const int rc = socket->recv(msg);
        if (rc == EAGAIN) return kExitTimeout;
        if (rc != 0) {
            std::cerr << "sculpin sock: receive failed: " << error_text(rc) << "\n";
            return kExitFailure;
        }
        return kExitOk;
    };

    for (const auto& text : args.sends) {
        Message msg = parse_frames(text);
        const int rc = socket->send(msg);
        if (rc == EAGAIN) return timed_out("could be sent");
        if (rc != 0) {
            std::cerr << "sculpin sock: send failed: " << error_text(rc) << "\n";
            return kExitFailure;
        }
        if (type == SocketType::req) {
            Message reply;
            if (int status = receive(reply))
                return status == kExitTimeout ? timed_out("received") : status;
            print_message(reply);
        }
    }
    for (int i = 0; i < args.recv_count; ++i) {
        Message msg;
        if (int status = receive(msg))
            return status == kExitTimeout ? timed_out("received") : status;
        print_message(msg);
    }
    if (args.echo) {
        for (int echoed = 0; args.echo_count == 0 || echoed < args.echo_count; ++echoed) {
            Message msg;
            if (int status = receive(msg))
                return status == kExitTimeout ? timed_out("received") : status;
            const int rc = socket->send(msg);
            if (rc == EAGAIN) return timed_out("could be sent");
            if (rc != 0) {
                std::cerr << "sculpin sock: echo failed: " << error_text(rc) << "\n";
                return kExitFailure;
            }
        }
    }
    socket->close();
    context.term();
    return kExitOk;
}

}  // namespace sculpin::cli
