/* The book's Hello World client, written for this test in plain C against libzmq's
 * zmq.h and linked against Debian's libzmq (see hwserver.c).
 *
 *   hwclient <endpoint> <requests>    prints the library version it runs on */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

int main(int argc, char** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: hwclient <endpoint> <requests>\n");
        return 2;
    }
    const int requests = atoi(argv[2]);
    int major, minor, patch;
    zmq_version(&major, &minor, &patch);
    printf("hwclient: libzmq API %d.%d.%d\n", major, minor, patch);
    void* context = zmq_ctx_new();
    void* requester = zmq_socket(context, ZMQ_REQ);
    const int timeout_ms = 10000; /* no hang if the server is gone */
    zmq_setsockopt(requester, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
    zmq_connect(requester, argv[1]);
    for (int i = 0; i < requests; ++i) {
        char buffer[16];
        zmq_send(requester, "Hello", 5, 0);
        const int received = zmq_recv(requester, buffer, sizeof buffer, 0);
        if (received != 5 || memcmp(buffer, "World", 5) != 0) {
            fprintf(stderr, "hwclient: reply %d failed: %s\n", i, zmq_strerror(zmq_errno()));
            return 1;
        }
    }
    printf("hwclient: %d replies\n", requests);
    zmq_close(requester);
    zmq_ctx_term(context);
    return 0;
}
