/* camguard-gateway - one REST request: what it asks, and its answer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <camguard.h>

#include "gw-auth.h"

G_BEGIN_DECLS

typedef struct _GwRequest GwRequest;

/**
 * GwHandler:
 * @req: the request (borrowed: gw_request_ref() it to answer later)
 * @user_data: the data given to gw_router_add_route()
 *
 * Handles one request on the main context. It answers with one of the
 * gw_request_reply_*() functions before it returns, or calls
 * gw_request_pause() and answers later from any thread.
 */
typedef void (*GwHandler) (GwRequest * req, gpointer user_data);

GwRequest *gw_request_ref (GwRequest * req);
void gw_request_unref (GwRequest * req);
const gchar *gw_request_get_method (GwRequest * req);
const gchar *gw_request_get_path (GwRequest * req);
const gchar *gw_request_get_route (GwRequest * req);
const gchar *gw_request_get_request_id (GwRequest * req);
const gchar *gw_request_get_param (GwRequest * req, const gchar * name);
const gchar *gw_request_get_query (GwRequest * req, const gchar * name);
GHashTable *gw_request_get_query_table (GwRequest * req);
JsonNode *gw_request_get_body (GwRequest * req);
GwRole gw_request_get_role (GwRequest * req);
const gchar *gw_request_get_key_name (GwRequest * req);
SoupServerMessage *gw_request_get_message (GwRequest * req);

void gw_request_pause (GwRequest * req);
void gw_request_add_header (GwRequest * req, const gchar * name,
    const gchar * value);
void gw_request_reply_json (GwRequest * req, guint status, JsonNode * node);
void gw_request_reply_writer (GwRequest * req, guint status,
    CgJsonWriter * writer);
void gw_request_reply_error (GwRequest * req, const CgError * error);
void gw_request_reply_bytes (GwRequest * req, guint status,
    const gchar * content_type, GBytes * body);
gboolean gw_request_reply_stream (GwRequest * req, guint status,
    const gchar * content_type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwRequest, gw_request_unref)

G_END_DECLS
