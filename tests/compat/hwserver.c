/* The book's Hello World server, written for this test in plain C against libzmq's
 * zmq.h. It is compiled and linked against Debian's libzmq only; the test runs it on
 * Sculpin by pointing LD_LIBRARY_PATH at build/compat.
 *
 *   hwserver <requests>    binds tcp://127.0.0.1:* and prints the bound endpoint */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

int main(int argc, char** argv) {
    const int requests = argc > 1 ? atoi(argv[1]) : 1;
    void* context = zmq_ctx_new();
    void* responder = zmq_socket(context, ZMQ_REP);
    if (zmq_bind(responder, "tcp://127.0.0.1:*") != 0) {
        fprintf(stderr, "hwserver: bind: %s\n", zmq_strerror(zmq_errno()));
        return 1;
    }
    char endpoint[256];
    size_t size = sizeof endpoint;
    zmq_getsockopt(responder, ZMQ_LAST_ENDPOINT, endpoint, &size);
    printf("%s\n", endpoint);
    fflush(stdout);
    for (int i = 0; i < requests; ++i) {
        char buffer[16];
        const int received = zmq_recv(responder, buffer, sizeof buffer, 0);
        if (received != 5 || memcmp(buffer, "Hello", 5) != 0) {
            fprintf(stderr, "hwserver: bad request %d\n", received);
            return 1;
        }
        zmq_send(responder, "World", 5, 0);
    }
    zmq_close(responder);
    zmq_ctx_term(context);
    return 0;
}
