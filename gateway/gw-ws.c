/* camguard-gateway - the /ws endpoint: JSON-RPC sessions and live events
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-ws
 * @short_description: WebSocket endpoint, one JSON-RPC session per
 *   connection, bounded per-client queues, topic subscriptions
 *
 * gw_ws_server_new() adds a WebSocket handler to a #SoupServer. Each
 * connection gets a #GwJsonRpc session on the registry (text messages in,
 * responses out), an incoming payload limit and a keepalive ping. Over
 * #GwWsLimits.max_clients, a new connection receives one -32002
 * %CG_CODE_TOO_MANY_CONNECTIONS error and is closed (1008, policy).
 *
 * The server registers `subscribe` and `unsubscribe` (action
 * `events.read`), params `{topics: [state|errors|warnings|quality|retry],
 * camera: ID}`, both optional (all topics; every camera). The event hub
 * calls gw_ws_server_offer_event() with each event (the seed-002 object)
 * and its topic: every connection whose filters match receives
 * `{"jsonrpc":"2.0","method":"event","params":EVENT}`.
 *
 * Slow clients: everything a connection sends goes through its own queue,
 * handed to libsoup only while the socket takes it (a pollable source at a
 * priority below libsoup's own output source, so libsoup's queue stays
 * short). A client that does not read never slows the others: once its
 * queue holds #GwWsLimits.queue_max messages, events for it are dropped and
 * counted, and when its queue has drained to half an `events-dropped`
 * notification (`{dropped, total}`) follows. A client that has lost
 * #GwWsLimits.close_after_dropped events, or whose queue overflows with
 * responses it does not read, is closed with 1008 (policy).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gio/gnetworking.h>

#include "gw-ws.h"
#include "gw-params.h"

GST_DEBUG_CATEGORY_STATIC (gw_ws_debug);
#define GST_CAT_DEFAULT gw_ws_debug

#define CLIENT_KEY "gw-ws-client"
#define EVENTS_READ_ACTION "events.read"
/* messages handed to libsoup per writable dispatch */
#define HANDOVER_MAX 8

static const gchar *const topic_names[] = {
  "state", "errors", "warnings", "quality", "retry", NULL
};

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
  GList *clients;               /* Client *, accepted and open */
  guint n_clients;
  guint64 dropped;
  guint policy_closes;
  guint high_water;
};

typedef struct
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
} Client;

/**
 * gw_ws_limits_init:
 * @limits: (out caller-allocates): the limits to fill
 *
 * The defaults: 64 clients, 64 KiB messages, a ping every 30 s, 256
 * queued messages per client, never close for drops, the system's send
 * buffer.
 */
void
gw_ws_limits_init (GwWsLimits * limits)
{
  limits->max_clients = 64;
  limits->max_payload = 64 * 1024;
  limits->keepalive_seconds = 30;
  limits->queue_max = 256;
  limits->close_after_dropped = 0;
  limits->send_buffer = 0;
}

/**
 * gw_ws_topic_from_string:
 * @name: `state`, `errors`, `warnings`, `quality` or `retry`
 * @topic: (out): the topic
 *
 * Returns: whether @name is a topic
 */
gboolean
gw_ws_topic_from_string (const gchar * name, GwWsTopic * topic)
{
  guint i;

  for (i = 0; topic_names[i]; i++) {
    if (g_strcmp0 (name, topic_names[i]) == 0) {
      *topic = 1 << i;
      return TRUE;
    }
  }
  return FALSE;
}

/**
 * gw_ws_topic_to_string:
 * @topic: one topic
 *
 * Returns: (nullable): its name, or %NULL for anything but one topic
 */
const gchar *
gw_ws_topic_to_string (GwWsTopic topic)
{
  guint i;

  for (i = 0; topic_names[i]; i++) {
    if (topic == (GwWsTopic) (1 << i))
      return topic_names[i];
  }
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* The outbound queue                                                     */
/* ---------------------------------------------------------------------- */

static void client_flush_later (Client * c);
static void client_forget (Client * c);

static void
client_clear_queue (Client * c)
{
  g_queue_clear_full (&c->queue, (GDestroyNotify) g_bytes_unref);
  if (c->writable) {
    g_source_destroy (c->writable);
    g_clear_pointer (&c->writable, g_source_unref);
  }
}

static void
note_high_water (Client * c)
{
  if (c->ws && c->queue.length > c->ws->high_water)
    c->ws->high_water = c->queue.length;
}

/* Stops sending: the queue is freed at once. @hard also shuts the socket
 * down, so that libsoup reports the connection closed even though the peer
 * never reads (and never sees the close frame). */
static void
client_close (Client * c, gushort code, const gchar * reason)
{
  c->gone = TRUE;
  client_forget (c);
  client_clear_queue (c);
  if (soup_websocket_connection_get_state (c->conn) ==
      SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (c->conn, code, reason);
}

static void
client_abort (Client * c, gushort code, gboolean hard)
{
  GSocket *socket;

  if (c->gone)
    return;
  client_close (c, code, NULL);
  socket = g_object_get_data (G_OBJECT (c->conn), "gw-ws-socket");
  if (hard && socket)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

static void
client_policy_close (Client * c, const gchar * why)
{
  GST_INFO ("closing a slow WebSocket client: %s", why);
  if (c->ws)
    c->ws->policy_closes++;
  client_abort (c, GW_WS_CLOSE_POLICY, TRUE);
}

static void
client_push (Client * c, GBytes * text)
{
  g_queue_push_tail (&c->queue, g_bytes_ref (text));
  note_high_water (c);
  client_flush_later (c);
}

static void
client_push_dropped_notice (Client * c)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) params = NULL;
  gchar *text;
  GBytes *bytes;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "dropped");
  json_builder_add_int_value (b, c->dropped_pending);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, c->dropped_total);
  json_builder_end_object (b);
  params = json_builder_get_root (b);
  text = gw_jsonrpc_notification_to_string ("events-dropped", params);
  bytes = g_bytes_new_take (text, strlen (text) + 1);
  c->dropped_pending = 0;
  client_push (c, bytes);
  g_bytes_unref (bytes);
}

/* Runs when the socket is writable and libsoup's own output source is not
 * ready (it has a higher priority): libsoup's queue is then empty. */
static gboolean
client_on_writable (GObject * stream, gpointer user_data)
{
  Client *c = user_data;
  guint n = 0;

  while (n < HANDOVER_MAX && !g_queue_is_empty (&c->queue)) {
    GBytes *text = g_queue_pop_head (&c->queue);

    soup_websocket_connection_send_text (c->conn, g_bytes_get_data (text,
            NULL));
    g_bytes_unref (text);
    n++;
    if (c->dropped_pending && c->ws &&
        c->queue.length <= c->ws->limits.queue_max / 2)
      client_push_dropped_notice (c);
  }
  if (!g_queue_is_empty (&c->queue))
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&c->writable, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
client_flush_later (Client * c)
{
  GOutputStream *out;

  if (c->writable || c->gone)
    return;
  out = g_io_stream_get_output_stream (soup_websocket_connection_get_io_stream
      (c->conn));
  c->writable =
      g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (out),
      NULL);
  g_source_set_priority (c->writable, G_PRIORITY_DEFAULT + 10);
  g_source_set_callback (c->writable, G_SOURCE_FUNC (client_on_writable), c,
      NULL);
  g_source_attach (c->writable, g_main_context_get_thread_default ());
}

/* An event for this client: queued, or dropped when its queue is full. */
static void
client_offer (Client * c, GBytes * text)
{
  GwWsLimits *limits = &c->ws->limits;

  if (c->queue.length < limits->queue_max) {
    client_push (c, text);
    return;
  }
  c->dropped_pending++;
  c->dropped_total++;
  c->ws->dropped++;
  if (limits->close_after_dropped &&
      c->dropped_total >= limits->close_after_dropped)
    client_policy_close (c, "too many events dropped");
}

static void
client_send_response (GwJsonRpc * rpc, const gchar * text, gpointer user_data)
{
  Client *c = user_data;
  GBytes *bytes;

  if (c->gone)
    return;
  /* Responses are never dropped; a client that sends requests but does
   * not read the answers is closed instead. */
  if (c->ws && c->queue.length >= 2 * c->ws->limits.queue_max) {
    client_policy_close (c, "responses not read");
    return;
  }
  bytes = g_bytes_new (text, strlen (text) + 1);
  client_push (c, bytes);
  g_bytes_unref (bytes);
}

/* ---------------------------------------------------------------------- */
/* Connections                                                            */
/* ---------------------------------------------------------------------- */

static void
client_free (Client * c)
{
  client_clear_queue (c);
  g_hash_table_unref (c->filters);
  g_object_unref (c->conn);
  g_free (c);
}

static void
client_forget (Client * c)
{
  if (c->ws) {
    c->ws->clients = g_list_remove (c->ws->clients, c);
    c->ws->n_clients--;
    c->ws = NULL;
  }
}

static void
on_closed (SoupWebsocketConnection * conn, gpointer user_data)
{
  Client *c = user_data;
  GwJsonRpc *rpc = c->rpc;

  GST_DEBUG ("WebSocket client closed (code %u)",
      soup_websocket_connection_get_close_code (conn));
  c->gone = TRUE;
  client_forget (c);
  client_clear_queue (c);
  g_signal_handlers_disconnect_by_data (conn, c);
  gw_jsonrpc_set_data (rpc, CLIENT_KEY, NULL, NULL);
  /* frees c (the session's send data) */
  gw_jsonrpc_close (rpc);
  gw_jsonrpc_unref (rpc);
}

/* Either side began the close handshake: nothing more can be sent, and
 * the connection no longer counts. */
static void
on_closing (SoupWebsocketConnection * conn, gpointer user_data)
{
  Client *c = user_data;

  c->gone = TRUE;
  client_forget (c);
  client_clear_queue (c);
}

static void
on_message (SoupWebsocketConnection * conn, gint type, GBytes * message,
    gpointer user_data)
{
  Client *c = user_data;
  gsize size;
  const gchar *data = g_bytes_get_data (message, &size);

  if (c->gone)
    return;
  if (type != SOUP_WEBSOCKET_DATA_TEXT) {
    CgError *error = cg_error_new (CG_CODE_INVALID_REQUEST,
        "Binary messages are not JSON-RPC requests");
    gchar *text = cg_error_to_jsonrpc_response (error, NULL, NULL);

    client_send_response (c->rpc, text, c);
    g_free (text);
    cg_error_unref (error);
    return;
  }
  gw_jsonrpc_handle_text (c->rpc, data, size);
}

static void
refuse (SoupWebsocketConnection * conn)
{
  CgError *error = cg_error_new (CG_CODE_TOO_MANY_CONNECTIONS, NULL);
  gchar *text = cg_error_to_jsonrpc_response (error, NULL, NULL);

  soup_websocket_connection_send_text (conn, text);
  g_free (text);
  cg_error_unref (error);
}

static void
on_connection (SoupServer * server, SoupServerMessage * msg,
    const char *path, SoupWebsocketConnection * conn, gpointer user_data)
{
  GwWsServer *ws = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);
  Client *c;

  if (socket) {
    g_object_set_data_full (G_OBJECT (conn), "gw-ws-socket",
        g_object_ref (socket), g_object_unref);
    if (ws->limits.send_buffer > 0)
      g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF,
          ws->limits.send_buffer, NULL);
  }
  soup_websocket_connection_set_max_incoming_payload_size (conn,
      ws->limits.max_payload);
  soup_websocket_connection_set_keepalive_interval (conn,
      ws->limits.keepalive_seconds);

  c = g_new0 (Client, 1);
  c->conn = g_object_ref (conn);
  c->filters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->rpc = gw_jsonrpc_new (ws->registry, client_send_response, c,
      (GDestroyNotify) client_free);
  gw_jsonrpc_set_data (c->rpc, CLIENT_KEY, c, NULL);
  g_signal_connect (conn, "closing", G_CALLBACK (on_closing), c);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), c);

  if (ws->limits.max_clients && ws->n_clients >= ws->limits.max_clients) {
    GST_INFO ("refusing a WebSocket client: %u connected", ws->n_clients);
    /* libsoup sends the error before the close frame */
    refuse (conn);
    soup_websocket_connection_close (conn, GW_WS_CLOSE_POLICY, NULL);
    return;
  }
  c->ws = ws;
  ws->clients = g_list_prepend (ws->clients, c);
  ws->n_clients++;
  g_signal_connect (conn, "message", G_CALLBACK (on_message), c);
  if (ws->setup)
    ws->setup (c->rpc, msg, ws->setup_data);
}

/* ---------------------------------------------------------------------- */
/* Subscriptions                                                          */
/* ---------------------------------------------------------------------- */

/* The topics and camera of subscribe/unsubscribe params. */
static gboolean
parse_filter (JsonNode * params, guint * mask, gchar ** camera,
    CgError ** error)
{
  g_autoptr (GwParams) p = gw_params_new (params);
  g_auto (GStrv) topics = gw_params_get_strv (p, "topics", FALSE, topic_names);
  const gchar *cam = gw_params_get_string (p, "camera", FALSE);
  guint i;

  gw_params_reject_unknown (p);
  if (!gw_params_finish (p, error))
    return FALSE;
  *mask = topics ? 0 : GW_WS_TOPIC_ALL;
  for (i = 0; topics && topics[i]; i++) {
    GwWsTopic t;

    if (gw_ws_topic_from_string (topics[i], &t))
      *mask |= t;
  }
  *camera = g_strdup (cam ? cam : "");
  return TRUE;
}

static JsonNode *
filters_to_node (Client * c)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  GHashTableIter iter;
  gpointer key, value;
  guint i;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "subscriptions");
  json_builder_begin_array (b);
  g_hash_table_iter_init (&iter, c->filters);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "camera");
    if (*(const gchar *) key)
      json_builder_add_string_value (b, key);
    else
      json_builder_add_null_value (b);
    json_builder_set_member_name (b, "topics");
    json_builder_begin_array (b);
    for (i = 0; topic_names[i]; i++) {
      if (GPOINTER_TO_UINT (value) & (1 << i))
        json_builder_add_string_value (b, topic_names[i]);
    }
    json_builder_end_array (b);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Adds @mask to the filter of @camera, or takes it away. */
static void
update_filter (Client * c, const gchar * camera, guint mask, gboolean add)
{
  guint old = GPOINTER_TO_UINT (g_hash_table_lookup (c->filters, camera));
  guint now = add ? old | mask : old & ~mask;

  if (now)
    g_hash_table_replace (c->filters, g_strdup (camera),
        GUINT_TO_POINTER (now));
  else
    g_hash_table_remove (c->filters, camera);
}

/* subscribe (@user_data TRUE) adds the topics to the camera's filter;
 * unsubscribe takes them from it, or from every filter when no camera is
 * given. Both answer the subscriptions now in force. */
static void
handle_filter (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  Client *c = gw_jsonrpc_get_data (gw_rpc_call_get_session (call),
      CLIENT_KEY);
  gboolean subscribe = GPOINTER_TO_INT (user_data);
  g_autofree gchar *camera = NULL;
  CgError *error = NULL;
  guint mask, i, n;
  gchar **keys;

  if (c == NULL) {
    gw_rpc_call_return_error (call,
        cg_error_new (CG_CODE_OPERATION_CANCELLED, NULL));
    return;
  }
  if (!parse_filter (params, &mask, &camera, &error)) {
    gw_rpc_call_return_error (call, error);
    return;
  }
  if (subscribe && *camera && c->ws && c->ws->camera_check
      && !c->ws->camera_check (camera, &error, c->ws->camera_check_data)) {
    gw_rpc_call_return_error (call, error);
    return;
  }
  if (subscribe || *camera) {
    update_filter (c, camera, mask, subscribe);
  } else {
    keys = (gchar **) g_hash_table_get_keys_as_array (c->filters, &n);
    for (i = 0; i < n; i++) {
      gchar *key = g_strdup (keys[i]);

      update_filter (c, key, mask, FALSE);
      g_free (key);
    }
    g_free (keys);
  }
  gw_rpc_call_return (call, filters_to_node (c));
}

static gboolean
client_wants (Client * c, GwWsTopic topic, const gchar * camera)
{
  guint mask = GPOINTER_TO_UINT (g_hash_table_lookup (c->filters, ""));

  if (camera)
    mask |= GPOINTER_TO_UINT (g_hash_table_lookup (c->filters, camera));
  return (mask & topic) != 0;
}

/**
 * gw_ws_server_offer_event:
 * @ws: a #GwWsServer
 * @topic: the event's topic
 * @event: the event object (seed-002 shape; its `cameraId` member, when
 *   present, is matched against the subscriptions)
 *
 * Sends @event as an `event` notification to every connection subscribed
 * to @topic for its camera or for all cameras; a connection whose queue is
 * full loses it (counted). Call it on the server's main context.
 *
 * Returns: how many connections it was queued for
 */
guint
gw_ws_server_offer_event (GwWsServer * ws, GwWsTopic topic, JsonNode * event)
{
  const gchar *camera = NULL;
  GBytes *bytes = NULL;
  GList *l, *next;
  guint n = 0;

  g_return_val_if_fail (ws != NULL && event != NULL, 0);

  if (JSON_NODE_HOLDS_OBJECT (event))
    camera = json_object_get_string_member_with_default
        (json_node_get_object (event), "cameraId", NULL);
  for (l = ws->clients; l; l = next) {
    Client *c = l->data;
    guint64 dropped = c->dropped_total;

    next = l->next;
    if (!client_wants (c, topic, camera))
      continue;
    if (bytes == NULL) {
      gchar *text = gw_jsonrpc_notification_to_string ("event", event);

      bytes = g_bytes_new_take (text, strlen (text) + 1);
    }
    client_offer (c, bytes);
    if (c->dropped_total == dropped)
      n++;
  }
  if (bytes)
    g_bytes_unref (bytes);
  return n;
}

/* ---------------------------------------------------------------------- */
/* The server                                                             */
/* ---------------------------------------------------------------------- */

/**
 * gw_ws_server_new:
 * @server: the #SoupServer to add the endpoint to
 * @path: the endpoint's path, e.g. `/ws`
 * @registry: the method table; `subscribe` and `unsubscribe` are added to
 *   it
 * @limits: (nullable): the bounds, or %NULL for gw_ws_limits_init()'s
 *
 * Returns: (transfer full): the endpoint; free with gw_ws_server_free()
 *   before @server
 */
GwWsServer *
gw_ws_server_new (SoupServer * server, const gchar * path,
    GwRpcRegistry * registry, const GwWsLimits * limits)
{
  GwWsServer *ws;

  g_return_val_if_fail (SOUP_IS_SERVER (server), NULL);
  g_return_val_if_fail (path != NULL && registry != NULL, NULL);

  GST_DEBUG_CATEGORY_INIT (gw_ws_debug, "gw-ws", 0,
      "camguard-gateway WebSocket endpoint");
  ws = g_new0 (GwWsServer, 1);
  ws->server = g_object_ref (server);
  ws->path = g_strdup (path);
  ws->registry = gw_rpc_registry_ref (registry);
  if (limits)
    ws->limits = *limits;
  else
    gw_ws_limits_init (&ws->limits);
  if (ws->limits.queue_max == 0)
    ws->limits.queue_max = 1;
  gw_rpc_registry_add (registry, "subscribe", EVENTS_READ_ACTION,
      handle_filter, GINT_TO_POINTER (TRUE), NULL);
  gw_rpc_registry_add (registry, "unsubscribe", EVENTS_READ_ACTION,
      handle_filter, GINT_TO_POINTER (FALSE), NULL);
  soup_server_add_websocket_handler (server, path, NULL, NULL,
      on_connection, ws, NULL);
  return ws;
}

/**
 * gw_ws_server_set_session_setup:
 * @ws: a #GwWsServer
 * @setup: (nullable): called for each accepted connection's session, e.g.
 *   to set its principal when auth is off
 * @user_data: for @setup
 */
void
gw_ws_server_set_session_setup (GwWsServer * ws, GwWsSessionSetup setup,
    gpointer user_data)
{
  ws->setup = setup;
  ws->setup_data = user_data;
}

/* Every request under the path comes here first: a handshake on the path
 * itself goes on to on_connection (the status stays unset), anything else
 * to the fallback, which answers it (else libsoup answers its own 400). */
static void
plain_request (SoupServer * server, SoupServerMessage * msg, const char *path,
    GHashTable * query, gpointer user_data)
{
  GwWsServer *ws = user_data;
  gboolean exact = g_str_equal (path, ws->path);

  if (exact && soup_websocket_server_check_handshake (msg, NULL, NULL, NULL,
          NULL))
    return;
  ws->fallback (msg, path, query, exact, ws->fallback_data);
}

/**
 * gw_ws_server_set_fallback:
 * @ws: a #GwWsServer
 * @fallback: answers the requests under the endpoint's path that are no
 *   WebSocket handshake on the path itself (e.g. `GET /ws` without
 *   `Upgrade`, or `/ws/other`); it must set the message's status
 * @user_data: for @fallback
 *
 * Without a fallback libsoup answers such requests itself (400, HTML).
 */
void
gw_ws_server_set_fallback (GwWsServer * ws, GwWsFallback fallback,
    gpointer user_data)
{
  g_return_if_fail (ws->fallback == NULL && fallback != NULL);

  ws->fallback = fallback;
  ws->fallback_data = user_data;
  soup_server_add_handler (ws->server, ws->path, plain_request, ws, NULL);
}

/**
 * gw_ws_server_set_camera_check:
 * @ws: a #GwWsServer
 * @check: whether a camera id names a camera (else its error, e.g. from
 *   gw_camera_ops_lookup())
 * @user_data: for @check
 *
 * Makes `subscribe` to one camera answer %CG_CODE_CAMERA_NOT_FOUND
 * (-32004) for an id @check does not know, like every other camera
 * method. `unsubscribe` is never refused.
 */
void
gw_ws_server_set_camera_check (GwWsServer * ws, GwWsCameraCheck check,
    gpointer user_data)
{
  ws->camera_check = check;
  ws->camera_check_data = user_data;
}

/**
 * gw_ws_server_close_sessions:
 * @ws: a #GwWsServer
 * @filter: (scope call): says which sessions to close
 * @user_data: for @filter
 * @code: the close code
 * @reason: (nullable): the close reason
 *
 * Closes every open connection whose session @filter picks (e.g. those
 * authenticated with an API key that has been revoked); their queues go at
 * once.
 *
 * Returns: how many were closed
 */
guint
gw_ws_server_close_sessions (GwWsServer * ws, GwWsSessionFilter filter,
    gpointer user_data, gushort code, const gchar * reason)
{
  GList *l, *copy = g_list_copy (ws->clients);
  guint n = 0;

  for (l = copy; l; l = l->next) {
    Client *c = l->data;

    if (c->gone || !filter (c->rpc, user_data))
      continue;
    client_close (c, code, reason);
    n++;
  }
  g_list_free (copy);
  return n;
}

/**
 * gw_ws_server_free:
 * @ws: a #GwWsServer
 *
 * Removes the endpoint and closes every connection (1001, going away).
 */
void
gw_ws_server_free (GwWsServer * ws)
{
  if (ws == NULL)
    return;
  soup_server_remove_handler (ws->server, ws->path);
  while (ws->clients) {
    Client *c = ws->clients->data;

    client_forget (c);
    client_abort (c, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, FALSE);
  }
  gw_rpc_registry_unref (ws->registry);
  g_object_unref (ws->server);
  g_free (ws->path);
  g_free (ws);
}

/**
 * gw_ws_server_get_n_clients:
 * @ws: a #GwWsServer
 *
 * Returns: the connections open now (refused ones not counted)
 */
guint
gw_ws_server_get_n_clients (GwWsServer * ws)
{
  return ws->n_clients;
}

/**
 * gw_ws_server_get_events_dropped:
 * @ws: a #GwWsServer
 *
 * Returns: events dropped for slow clients since the start
 */
guint64
gw_ws_server_get_events_dropped (GwWsServer * ws)
{
  return ws->dropped;
}

/**
 * gw_ws_server_get_policy_closes:
 * @ws: a #GwWsServer
 *
 * Returns: connections closed for not reading
 */
guint
gw_ws_server_get_policy_closes (GwWsServer * ws)
{
  return ws->policy_closes;
}

/**
 * gw_ws_server_get_queue_high_water:
 * @ws: a #GwWsServer
 *
 * Returns: the longest any client's outbound queue has been
 */
guint
gw_ws_server_get_queue_high_water (GwWsServer * ws)
{
  return ws->high_water;
}
