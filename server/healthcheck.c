/*
 * The health probe. One deadline covers connecting, sending and reading the
 * status line, so a server that accepts but never answers still fails the
 * probe in time.
 */
#include "healthcheck.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for `events` on `fd` until `deadline`; 0 when ready. */
static int wait_for(int fd, short events, long long deadline) {
  for (;;) {
    long long left = deadline - now_ms();
    if (left <= 0)
      return -1;
    struct pollfd p = {.fd = fd, .events = events};
    int n = poll(&p, 1, (int)left);
    if (n > 0)
      return 0;
    if (n < 0 && errno != EINTR)
      return -1;
  }
}

static int probe(int fd, const struct sockaddr_in *addr, const char *host, long long deadline) {
  if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0)
    return -1;
  if (connect(fd, (const struct sockaddr *)addr, sizeof *addr) != 0) {
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (errno != EINPROGRESS || wait_for(fd, POLLOUT, deadline) != 0 ||
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0)
      return -1;
  }
  char request[128]; /* host is an IPv4 address: at most 15 characters */
  int n = snprintf(request, sizeof request,
                   "GET /healthz HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n", host);
  for (int sent = 0; sent < n;) {
    if (wait_for(fd, POLLOUT, deadline) != 0)
      return -1;
    ssize_t w = send(fd, request + sent, (size_t)(n - sent), MSG_NOSIGNAL);
    if (w < 0 && errno != EAGAIN && errno != EINTR)
      return -1;
    sent += w > 0 ? (int)w : 0;
  }
  char status[16];
  size_t got = 0;
  while (got < sizeof status - 1) {
    if (wait_for(fd, POLLIN, deadline) != 0)
      return -1;
    ssize_t r = recv(fd, status + got, sizeof status - 1 - got, 0);
    if (r == 0)
      break;
    if (r < 0 && errno != EAGAIN && errno != EINTR)
      return -1;
    got += r > 0 ? (size_t)r : 0;
  }
  status[got] = '\0';
  /* "HTTP/1.x 200 " */
  return strncmp(status, "HTTP/1.", 7) == 0 && strncmp(status + 8, " 200 ", 5) == 0 ? 0 : -1;
}

int msg__healthcheck_run(const server_config *cfg) {
  const char *host = strcmp(cfg->listen_host, "0.0.0.0") == 0 ? "127.0.0.1" : cfg->listen_host;
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->listen_port)};
  if (cfg->listen_port == 0 || inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
    fprintf(stderr, "msg-server: --healthcheck needs a concrete --listen address\n");
    return 1;
  }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    perror("msg-server: healthcheck: socket");
    return 1;
  }
  int rc = probe(fd, &addr, host, now_ms() + HEALTHCHECK_TIMEOUT_MS);
  close(fd);
  if (rc != 0) {
    fprintf(stderr, "msg-server: healthcheck: no 200 from http://%s:%d/healthz within %d ms\n",
            host, cfg->listen_port, HEALTHCHECK_TIMEOUT_MS);
    return 1;
  }
  return 0;
}
