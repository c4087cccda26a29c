/*
 * Creation times: microseconds since the epoch, strictly increasing within a
 * process so that messages created here sort in creation order.
 */
#ifndef MSG_SRC_CLOCK_H
#define MSG_SRC_CLOCK_H

#include <stdint.h>

int64_t msg__clock_next_micros(void);

#endif
