/*
 * Files embedded into the binary at build time (embed.py): the OpenAPI
 * description and the documentation page that renders it.
 */
#ifndef MSG_SERVER_ASSETS_H
#define MSG_SERVER_ASSETS_H

#include <stddef.h>

extern const char msg__asset_openapi_json[];
extern const size_t msg__asset_openapi_json_len;
extern const char msg__asset_docs_html[];
extern const size_t msg__asset_docs_html_len;

#endif
