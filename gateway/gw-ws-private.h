/* camguard-gateway - the /ws endpoint's insides, shared by gw-ws.c
 * (connections, queues) and gw-ws-subscriptions.c (topics, filters, event
 * fan-out)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-ws.h"

G_BEGIN_DECLS

/* where a session keeps its connection (gw_jsonrpc_set_data()) */
#define GW_WS_CLIENT_KEY "gw-ws-client"
#define GW_WS_EVENTS_READ_ACTION "events.read"

typedef struct _GwWsClient GwWsClient;

struct _GwWsServer
{
  SoupServer *server;
  gchar *path;
  GwRpcRegistry *registry;
  GwWsLimits limits;
  GwWsSessionSetup setup;
  gpointer setup_data;
  GwWsFallback fallback;
  gpointer fallback_data;
  GwWsCameraCheck camera_check;
  gpointer camera_check_data;
  GList *clients;               /* GwWsClient *, accepted and open */
  guint n_clients;
  guint64 dropped;
  guint policy_closes;
  guint high_water;
};

struct _GwWsClient
{
  GwWsServer *ws;               /* NULL once the server is freed */
  SoupWebsocketConnection *conn;
  GwJsonRpc *rpc;
  GQueue queue;                 /* GBytes *, NUL-terminated text */
  GSource *writable;
  gboolean gone;
  guint64 dropped_pending;
  guint64 dropped_total;
  GHashTable *filters;          /* camera id or "" (all) -> topic mask */
};

GBytes *gw_ws_message_bytes (CgJsonWriter * writer);
void gw_ws_client_offer (GwWsClient * c, GBytes * text);
void gw_ws_handle_filter (GwRpcCall * call, JsonNode * params,
    gpointer user_data);

G_END_DECLS
