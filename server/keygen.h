/*
 * The `msg-server keygen` subcommand.
 */
#ifndef MSG_SERVER_KEYGEN_H
#define MSG_SERVER_KEYGEN_H

/* Runs `keygen` with the arguments after it. Returns the exit status. */
int msg__keygen_main(int argc, char **argv);

#endif
