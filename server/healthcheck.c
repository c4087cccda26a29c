/*
 * `msg-server --healthcheck`: a container HEALTHCHECK that needs no shell or
 * curl in the image. It sends GET /healthz to the configured listen address
 * (0.0.0.0 means this host) and exits 0 only on a 200, within two seconds.
 */
#include "healthcheck.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int healthcheck_run(const server_config *cfg) {
  char host[64];
  int port;
  if (config_split_listen(cfg->listen, host, sizeof host, &port) != 0)
    return 1;
  if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "localhost") == 0)
    snprintf(host, sizeof host, "127.0.0.1");
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
    return 1;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return 1;
  struct timeval timeout = {.tv_sec = 2};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  static const char request[] = "GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n";
  char reply[64] = "";
  int ok = connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
           write(fd, request, sizeof request - 1) == (ssize_t)(sizeof request - 1) &&
           read(fd, reply, sizeof reply - 1) > 12;
  close(fd);
  ok = ok && (strncmp(reply, "HTTP/1.1 200", 12) == 0 || strncmp(reply, "HTTP/1.0 200", 12) == 0);
  fprintf(ok ? stdout : stderr, "msg-server healthcheck: %s\n", ok ? "healthy" : "unhealthy");
  return ok ? 0 : 1;
}
