/*
 * The --healthcheck probe.
 */
#ifndef MSG_SERVER_HEALTHCHECK_H
#define MSG_SERVER_HEALTHCHECK_H

#include "config.h"

/* Exit status: 0 when GET /healthz answered 200. */
int healthcheck_run(const server_config *cfg);

#endif
