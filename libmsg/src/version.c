/*
 * The library version, spelled from the MSG_VERSION_* macros of msg.h so the
 * header and the binary cannot disagree.
 */
#include <msg/msg.h>

#define MSG_STR_(x) #x
#define MSG_STR(x) MSG_STR_(x)

MSG_EXTERN const char *msg_version(void) {
  return MSG_STR(MSG_VERSION_MAJOR) "." MSG_STR(MSG_VERSION_MINOR) "." MSG_STR(MSG_VERSION_PATCH);
}
