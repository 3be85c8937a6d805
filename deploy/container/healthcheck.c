/*
 * The container's HEALTHCHECK probe (docs/deploy.md#container). The runtime image is distroless: no shell,
 * no curl. /healthz is served only over TLS with the relay's domain as SNI and Host, which a probe inside
 * the image cannot know, so this probe asks the loopback metrics listener instead:
 *
 *   healthcheck [HOST:PORT]        (default 127.0.0.1:9090)
 *
 * It sends GET /metrics and exits 0 when the answer is 200 and contains the registry gauge
 * pyrycode_relay_connected_binaries (the same number /healthz reports), 1 otherwise, printing one line.
 * Every step has a 3 s limit. IPv4 literals only; no name resolution.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LIMIT_MS 3000
#define BUFFER (1 << 20)

static int fail(const char *what)
{
    fprintf(stderr, "healthcheck: unhealthy: %s\n", what);
    return 1;
}

static int wait_for(int fd, short events)
{
    struct pollfd p = {.fd = fd, .events = events};
    int n = poll(&p, 1, LIMIT_MS);
    return n == 1 && (p.revents & (events | POLLHUP)) ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *target = argc > 1 ? argv[1] : "127.0.0.1:9090";
    char host[64];
    const char *colon = strrchr(target, ':');
    if (colon == NULL || (size_t)(colon - target) >= sizeof host)
        return fail("usage: healthcheck [IPV4:PORT]");
    memcpy(host, target, (size_t)(colon - target));
    host[colon - target] = '\0';
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(colon + 1))};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1 || addr.sin_port == 0)
        return fail("usage: healthcheck [IPV4:PORT]");

    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail("socket");
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0 && errno != EINPROGRESS)
        return fail("connect refused");
    int err = 0;
    socklen_t len = sizeof err;
    if (wait_for(fd, POLLOUT) != 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)
        return fail("cannot connect to the metrics listener");

    char request[128];
    int n = snprintf(request, sizeof request, "GET /metrics HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", host);
    if (send(fd, request, (size_t)n, MSG_NOSIGNAL) != n)
        return fail("send");

    char *response = malloc(BUFFER + 1);
    size_t used = 0;
    if (response == NULL)
        return fail("out of memory");
    for (;;) {
        if (wait_for(fd, POLLIN) != 0)
            return fail("no complete answer within 3 s");
        ssize_t got = recv(fd, response + used, BUFFER - used, 0);
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (got <= 0 || used + (size_t)got >= BUFFER)
            break;
        used += (size_t)got;
    }
    close(fd);
    response[used] = '\0';
    if (strncmp(response, "HTTP/1.1 200 ", 13) != 0)
        return fail("/metrics did not answer 200");
    if (strstr(response, "\npyrycode_relay_connected_binaries ") == NULL)
        return fail("/metrics lacks pyrycode_relay_connected_binaries");
    printf("healthcheck: ok\n");
    return 0;
}
