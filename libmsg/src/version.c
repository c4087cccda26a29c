/*
 * The library version, the MSG_VERSION_STRING generated into msg/version.h
 * from the meson project version, so the header and the binary cannot
 * disagree.
 */
#include <msg/msg.h>

MSG_EXTERN const char *msg_version(void) { return MSG_VERSION_STRING; }
