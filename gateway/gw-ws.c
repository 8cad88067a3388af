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
 * calls gw_ws_server_offer_gw_event() with each event: every connection
 * whose filters match receives
 * `{"jsonrpc":"2.0","method":"event","params":EVENT}`, written once for
 * all of them.
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

#include "gw-ws-private.h"

GST_DEBUG_CATEGORY_STATIC (gw_ws_debug);
#define GST_CAT_DEFAULT gw_ws_debug

/* messages handed to libsoup per writable dispatch */
#define HANDOVER_MAX 8


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

/* ---------------------------------------------------------------------- */
/* The outbound queue                                                     */
/* ---------------------------------------------------------------------- */

static void client_flush_later (GwWsClient * c);
static void client_forget (GwWsClient * c);

static void
client_clear_queue (GwWsClient * c)
{
  g_queue_clear_full (&c->queue, (GDestroyNotify) g_bytes_unref);
  if (c->writable) {
    g_source_destroy (c->writable);
    g_clear_pointer (&c->writable, g_source_unref);
  }
}

static void
note_high_water (GwWsClient * c)
{
  if (c->ws && c->queue.length > c->ws->high_water)
    c->ws->high_water = c->queue.length;
}

/* Stops sending: the queue is freed at once. @hard also shuts the socket
 * down, so that libsoup reports the connection closed even though the peer
 * never reads (and never sees the close frame). */
static void
client_close (GwWsClient * c, gushort code, const gchar * reason)
{
  c->gone = TRUE;
  client_forget (c);
  client_clear_queue (c);
  if (soup_websocket_connection_get_state (c->conn) ==
      SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (c->conn, code, reason);
}

static void
client_abort (GwWsClient * c, gushort code, gboolean hard)
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
client_policy_close (GwWsClient * c, const gchar * why)
{
  GST_INFO ("closing a slow WebSocket client: %s", why);
  if (c->ws)
    c->ws->policy_closes++;
  client_abort (c, GW_WS_CLOSE_POLICY, TRUE);
}

static void
client_push (GwWsClient * c, GBytes * text)
{
  g_queue_push_tail (&c->queue, g_bytes_ref (text));
  note_high_water (c);
  client_flush_later (c);
}

/**
 * gw_ws_message_bytes:
 * @writer: (transfer full): a writer that wrote one message
 *
 * Returns: (transfer full): its text as a message for a client's queue
 *   (NUL-terminated, as soup_websocket_connection_send_text() takes it)
 */
GBytes *
gw_ws_message_bytes (CgJsonWriter * writer)
{
  gsize len;
  gchar *text = cg_json_writer_free_to_string (writer, &len);

  return g_bytes_new_take (text, len + 1);
}

static void
client_push_dropped_notice (GwWsClient * c)
{
  CgJsonWriter *w = cg_json_writer_new ();
  GBytes *bytes;

  gw_jsonrpc_begin_notification (w, "events-dropped");
  cg_json_writer_begin_object (w);
  cg_json_writer_member_int (w, "dropped", c->dropped_pending);
  cg_json_writer_member_int (w, "total", c->dropped_total);
  cg_json_writer_end_object (w);
  cg_json_writer_end_object (w);
  bytes = gw_ws_message_bytes (w);
  c->dropped_pending = 0;
  client_push (c, bytes);
  g_bytes_unref (bytes);
}

/* Runs when the socket is writable and libsoup's own output source is not
 * ready (it has a higher priority): libsoup's queue is then empty. */
static gboolean
client_on_writable (GObject * stream, gpointer user_data)
{
  GwWsClient *c = user_data;
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
client_flush_later (GwWsClient * c)
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

/**
 * gw_ws_client_offer:
 * @c: a connection
 * @text: an event notification
 *
 * Queues @text for @c, or drops it (counted) when the queue is full.
 */
void
gw_ws_client_offer (GwWsClient * c, GBytes * text)
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
  GwWsClient *c = user_data;
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
client_free (GwWsClient * c)
{
  client_clear_queue (c);
  g_hash_table_unref (c->filters);
  g_object_unref (c->conn);
  g_free (c);
}

static void
client_forget (GwWsClient * c)
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
  GwWsClient *c = user_data;
  GwJsonRpc *rpc = c->rpc;

  GST_DEBUG ("WebSocket client closed (code %u)",
      soup_websocket_connection_get_close_code (conn));
  c->gone = TRUE;
  client_forget (c);
  client_clear_queue (c);
  g_signal_handlers_disconnect_by_data (conn, c);
  gw_jsonrpc_set_data (rpc, GW_WS_CLIENT_KEY, NULL, NULL);
  /* frees c (the session's send data) */
  gw_jsonrpc_close (rpc);
  gw_jsonrpc_unref (rpc);
}

/* Either side began the close handshake: nothing more can be sent, and
 * the connection no longer counts. */
static void
on_closing (SoupWebsocketConnection * conn, gpointer user_data)
{
  GwWsClient *c = user_data;

  c->gone = TRUE;
  client_forget (c);
  client_clear_queue (c);
}

static void
on_message (SoupWebsocketConnection * conn, gint type, GBytes * message,
    gpointer user_data)
{
  GwWsClient *c = user_data;
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
  GwWsClient *c;

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

  c = g_new0 (GwWsClient, 1);
  c->conn = g_object_ref (conn);
  c->filters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->rpc = gw_jsonrpc_new (ws->registry, client_send_response, c,
      (GDestroyNotify) client_free);
  gw_jsonrpc_set_data (c->rpc, GW_WS_CLIENT_KEY, c, NULL);
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
  gw_rpc_registry_add (registry, "subscribe", GW_WS_EVENTS_READ_ACTION,
      gw_ws_handle_filter, GINT_TO_POINTER (TRUE), NULL);
  gw_rpc_registry_add (registry, "unsubscribe", GW_WS_EVENTS_READ_ACTION,
      gw_ws_handle_filter, GINT_TO_POINTER (FALSE), NULL);
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
    GwWsClient *c = l->data;

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
    GwWsClient *c = ws->clients->data;

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
