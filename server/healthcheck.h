/*
 * msg-server --healthcheck: a container health probe that needs no shell or
 * curl in the image.
 */
#ifndef MSG_SERVER_HEALTHCHECK_H
#define MSG_SERVER_HEALTHCHECK_H

#include "config.h"

/* Connects to the configured listen address (0.0.0.0 probes 127.0.0.1),
 * sends GET /healthz and returns the exit status: 0 for a 200 within
 * HEALTHCHECK_TIMEOUT_MS, 1 otherwise (with one line on stderr saying why). */
#define HEALTHCHECK_TIMEOUT_MS 2000
int msg__healthcheck_run(const server_config *cfg);

#endif
