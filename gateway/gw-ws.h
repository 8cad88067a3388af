/* camguard-gateway - the /ws endpoint: JSON-RPC sessions and live events
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include "gw-event.h"
#include "gw-jsonrpc.h"

G_BEGIN_DECLS

/**
 * GwWsTopic:
 * @GW_WS_TOPIC_STATE: camera state changes
 * @GW_WS_TOPIC_ERRORS: classified errors (camera loss, give-up)
 * @GW_WS_TOPIC_WARNINGS: classified warnings
 * @GW_WS_TOPIC_QUALITY: quality ladder steps (QUALITY_DEGRADED)
 * @GW_WS_TOPIC_RETRY: retries and recoveries
 *
 * What a subscriber asks for; flags.
 */
typedef enum
{
  GW_WS_TOPIC_STATE = 1 << 0,
  GW_WS_TOPIC_ERRORS = 1 << 1,
  GW_WS_TOPIC_WARNINGS = 1 << 2,
  GW_WS_TOPIC_QUALITY = 1 << 3,
  GW_WS_TOPIC_RETRY = 1 << 4,
} GwWsTopic;

#define GW_WS_TOPIC_ALL 0x1f

/* The close code of a slow client, and of one over the connection cap
 * (1013 "try again later" would fit the latter, but libsoup 3.2 clients
 * take it for a protocol error). */
#define GW_WS_CLOSE_POLICY SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION

typedef struct _GwWsServer GwWsServer;

typedef void (*GwWsSessionSetup) (GwJsonRpc * rpc, SoupServerMessage * msg,
    gpointer user_data);

typedef void (*GwWsFallback) (SoupServerMessage * msg, const gchar * path,
    GHashTable * query, gboolean on_path, gpointer user_data);

typedef gboolean (*GwWsSessionFilter) (GwJsonRpc * rpc, gpointer user_data);

/**
 * GwWsLimits:
 * @max_clients: connections accepted at once (0: no cap)
 * @max_payload: largest incoming message, bytes
 * @keepalive_seconds: ping interval (0: off)
 * @queue_max: outbound messages queued per client before events are
 *   dropped
 * @close_after_dropped: close a client (policy) once it has lost this
 *   many events (0: never, only drop)
 * @send_buffer: SO_SNDBUF of each connection, bytes (0: the system's)
 *
 * The bounds of the endpoint.
 */
typedef struct
{
  guint max_clients;
  guint64 max_payload;
  guint keepalive_seconds;
  guint queue_max;
  guint close_after_dropped;
  gint send_buffer;
} GwWsLimits;

void gw_ws_limits_init (GwWsLimits * limits);

GwWsServer *gw_ws_server_new (SoupServer * server, const gchar * path,
    GwRpcRegistry * registry, const GwWsLimits * limits);
void gw_ws_server_free (GwWsServer * ws);
void gw_ws_server_set_session_setup (GwWsServer * ws, GwWsSessionSetup setup,
    gpointer user_data);
typedef gboolean (*GwWsCameraCheck) (const gchar * camera_id,
    CgError ** error, gpointer user_data);
void gw_ws_server_set_camera_check (GwWsServer * ws, GwWsCameraCheck check,
    gpointer user_data);
void gw_ws_server_set_fallback (GwWsServer * ws, GwWsFallback fallback,
    gpointer user_data);
guint gw_ws_server_close_sessions (GwWsServer * ws, GwWsSessionFilter filter,
    gpointer user_data, gushort code, const gchar * reason);
guint gw_ws_server_offer_event (GwWsServer * ws, GwWsTopic topic,
    JsonNode * event);
guint gw_ws_server_offer_gw_event (GwWsServer * ws, const GwEvent * event);
guint gw_ws_server_get_n_clients (GwWsServer * ws);
guint64 gw_ws_server_get_events_dropped (GwWsServer * ws);
guint gw_ws_server_get_policy_closes (GwWsServer * ws);
guint gw_ws_server_get_queue_high_water (GwWsServer * ws);

gboolean gw_ws_topic_from_string (const gchar * name, GwWsTopic * topic);
const gchar *gw_ws_topic_to_string (GwWsTopic topic);

G_END_DECLS
