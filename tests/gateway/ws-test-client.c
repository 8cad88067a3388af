/* camguard-gateway tests - a real SoupServer with the /ws endpoint, libsoup
 * WebSocket clients and raw clients, for test-ws
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The server runs on the default main context; a libsoup client runs on
 * the default context or on its own (a client whose context the test does
 * not iterate never reads). A raw client (GSocketClient, hand-made frames)
 * is for what libsoup's client cannot do: not reading at all.
 */

#include <string.h>

#include "ws-test-client.h"
#include "rpc-dummies.h"

#define WAIT_LIMIT (30 * G_TIME_SPAN_SECOND)


void
fixture_start (Fixture * f, const GwWsLimits * limits, gboolean auth)
{
  g_autoptr (GError) error = NULL;
  GSList *uris;

  f->server = soup_server_new (NULL, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0,
          SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->url = g_strdup_printf ("ws://127.0.0.1:%d/ws",
      g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  f->registry = gw_rpc_registry_new ();
  rpc_dummies_register (f->registry);
  if (auth)
    rpc_dummies_set_auth (f->registry);
  f->ws = gw_ws_server_new (f->server, "/ws", f->registry, limits);
}

void
fixture_stop (Fixture * f)
{
  gw_ws_server_free (f->ws);
  soup_server_disconnect (f->server);
  g_object_unref (f->server);
  gw_rpc_registry_unref (f->registry);
  g_free (f->url);
  /* let the closed connections go */
  while (g_main_context_iteration (NULL, FALSE));
}

/* Iterates the default context (where the server runs) and @other until
 * @done says so; only a hang fails, after WAIT_LIMIT. */
void
wait_for (gboolean (*done) (gpointer), gpointer data, GMainContext * other)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT;

  while (!done (data)) {
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    if (other) {
      g_main_context_push_thread_default (other);
      g_main_context_iteration (other, FALSE);
      g_main_context_pop_thread_default (other);
      g_main_context_iteration (NULL, FALSE);
    } else {
      g_main_context_iteration (NULL, TRUE);
    }
  }
}

static void
on_client_message (SoupWebsocketConnection * conn, gint type,
    GBytes * message, gpointer user_data)
{
  Client *c = user_data;
  g_autoptr (JsonParser) parser = json_parser_new ();
  const gchar *text = g_bytes_get_data (message, NULL);
  JsonObject *o;

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    g_ptr_array_add (c->messages, g_strdup (text));
    return;
  }
  o = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (o, "method",
              ""), "event") == 0) {
    JsonObject *details =
        json_object_get_object_member (json_object_get_object_member (o,
            "params"), "details");
    gint64 seq = json_object_get_int_member (details, "seq");

    if (seq <= c->last_seq)
      c->out_of_order = TRUE;
    c->last_seq = seq;
    c->n_events++;
    g_free (c->last_event);
    c->last_event = g_strdup (text);
    return;
  }
  g_ptr_array_add (c->messages, g_strdup (text));
}

static void
on_client_closed (SoupWebsocketConnection * conn, gpointer user_data)
{
  Client *c = user_data;

  c->closed = TRUE;
  c->close_code = soup_websocket_connection_get_close_code (conn);
}

static void
on_connected (GObject * source, GAsyncResult * result, gpointer user_data)
{
  Client *c = user_data;

  c->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source),
      result, &c->error);
  if (c->conn) {
    g_signal_connect (c->conn, "message", G_CALLBACK (on_client_message), c);
    g_signal_connect (c->conn, "closed", G_CALLBACK (on_client_closed), c);
  }
}

static gboolean
client_connected (gpointer data)
{
  Client *c = data;

  return c->conn != NULL || c->error != NULL;
}

/* A libsoup client on @context (NULL: the default one); a client on a
 * context the test does not iterate never reads. */
Client *
client_new (Fixture * f, GMainContext * context)
{
  Client *c = g_new0 (Client, 1);
  SoupMessage *msg;

  c->messages = g_ptr_array_new_with_free_func (g_free);
  c->last_seq = -1;
  if (context) {
    c->context = g_main_context_ref (context);
    g_main_context_push_thread_default (context);
  }
  c->session = soup_session_new ();
  msg = soup_message_new ("GET", f->url);
  soup_session_websocket_connect_async (c->session, msg, NULL, NULL,
      G_PRIORITY_DEFAULT, NULL, on_connected, c);
  g_object_unref (msg);
  if (context)
    g_main_context_pop_thread_default (context);
  wait_for (client_connected, c, context);
  g_assert_no_error (c->error);
  return c;
}

void
client_free (Client * c)
{
  if (c->conn) {
    g_signal_handlers_disconnect_by_data (c->conn, c);
    if (soup_websocket_connection_get_state (c->conn) ==
        SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (c->conn, SOUP_WEBSOCKET_CLOSE_NORMAL,
          NULL);
    g_object_unref (c->conn);
  }
  g_object_unref (c->session);
  if (c->context)
    g_main_context_unref (c->context);
  g_ptr_array_unref (c->messages);
  g_clear_error (&c->error);
  g_free (c->last_event);
  g_free (c);
}

gboolean
has_messages (gpointer data)
{
  CountWait *w = data;

  return w->client->messages->len >= w->n || w->client->closed;
}

/* Sends @request and waits for the next non-event message. */
JsonObject *
client_call (Client * c, const gchar * request, JsonParser * parser)
{
  CountWait w = { c, c->messages->len + 1 };

  soup_websocket_connection_send_text (c->conn, request);
  wait_for (has_messages, &w, NULL);
  g_assert_cmpuint (c->messages->len, ==, w.n);
  g_assert_true (json_parser_load_from_data (parser,
          c->messages->pdata[c->messages->len - 1], -1, NULL));
  return json_node_get_object (json_parser_get_root (parser));
}

gint64
error_code (JsonObject * response)
{
  g_assert_true (json_object_has_member (response, "error"));
  return json_object_get_int_member (json_object_get_object_member (response,
          "error"), "code");
}

/* The server, then one client on the default context. */
Client *
start_one (Fixture * f, const GwWsLimits * limits, gboolean auth)
{
  fixture_start (f, limits, auth);
  return client_new (f, NULL);
}

gboolean
client_closed (gpointer data)
{
  return ((Client *) data)->closed;
}

gboolean
n_clients_is (gpointer data)
{
  gpointer *args = data;

  return gw_ws_server_get_n_clients (args[0]) == GPOINTER_TO_UINT (args[1]);
}

gboolean
policy_closed (gpointer data)
{
  return gw_ws_server_get_policy_closes (data) > 0;
}

/* A raw client (GSocketClient, hand-made frames: libsoup's client always
 * reads): connected and upgraded, nothing read yet. */
GSocketConnection *
raw_connect (Fixture * f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketClient) sc = g_socket_client_new ();
  g_autoptr (GUri) uri = g_uri_parse (f->url, G_URI_FLAGS_NONE, NULL);
  guint before = gw_ws_server_get_n_clients (f->ws);
  GSocketConnection *conn;
  gchar *handshake;
  gpointer args[2];

  conn = g_socket_client_connect_to_host (sc, "127.0.0.1",
      g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  handshake = g_strdup_printf ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\n\r\n", g_uri_get_port (uri));
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream
          (G_IO_STREAM (conn)), handshake, strlen (handshake), NULL, NULL,
          &error));
  g_free (handshake);
  args[0] = f->ws;
  args[1] = GUINT_TO_POINTER (before + 1);
  wait_for (n_clients_is, args, NULL);
  return conn;
}

gboolean
wake_up (GSocket * socket, GIOCondition condition, gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates until @done, reading @conn as bytes arrive (a socket source
 * wakes the loop up). */
void
raw_wait (GSocketConnection * conn, RawRead * r, gboolean (*done) (gpointer))
{
  GSource *readable;

  r->socket = g_socket_connection_get_socket (conn);
  r->bytes = g_byte_array_new ();
  readable = g_socket_create_source (r->socket, G_IO_IN, NULL);
  g_source_set_callback (readable, G_SOURCE_FUNC (wake_up), NULL, NULL);
  g_source_attach (readable, NULL);
  wait_for (done, r, NULL);
  g_source_destroy (readable);
  g_source_unref (readable);
}

JsonNode *
make_event (const gchar * camera, gint64 seq, gsize padding)
{
  g_autoptr (CgError) e = cg_error_new (CG_CODE_CAMERA_UNREACHABLE, NULL);
  GstStructure *d = cg_error_get_details_writable (e);

  cg_error_set_camera_id (e, camera);
  gst_structure_set (d, "seq", G_TYPE_INT64, seq, NULL);
  if (padding) {
    gchar *pad = g_strnfill (padding, 'p');

    gst_structure_set (d, "padding", G_TYPE_STRING, pad, NULL);
    g_free (pad);
  }
  return cg_error_to_event_node (e);
}

guint
offer (Fixture * f, GwWsTopic topic, const gchar * camera, gint64 seq,
    gsize padding)
{
  g_autoptr (JsonNode) event = make_event (camera, seq, padding);

  return gw_ws_server_offer_event (f->ws, topic, event);
}

/* Events offered before a call's response arrive before it. */
void
sync_client (Client * c, JsonParser * parser)
{
  JsonObject *o = client_call (c, REQ ("add", "{\"a\":0,\"b\":0}"), parser);

  g_assert_cmpint (json_object_get_int_member (o, "result"), ==, 0);
}

/* One masked (zero key) frame from a raw client; @len < 126. */
void
raw_send (GSocketConnection * conn, guint8 opcode, const gchar * payload,
    gsize len)
{
  const guint8 header[] = { 0x80 | opcode, 0x80 | len, 0, 0, 0, 0 };
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));

  g_assert_true (g_output_stream_write_all (out, header, sizeof (header),
          NULL, NULL, NULL));
  g_assert_true (g_output_stream_write_all (out, payload, len, NULL, NULL,
          NULL));
}

/* Reads what has arrived; done at the end of the stream. */
gboolean
raw_at_eof (gpointer data)
{
  RawRead *r = data;
  g_autoptr (GError) error = NULL;
  guint8 buf[16384];
  gssize n;

  n = g_socket_receive_with_blocking (r->socket, (gchar *) buf, sizeof (buf),
      FALSE, NULL, &error);
  if (n > 0)
    g_byte_array_append (r->bytes, buf, n);
  return n == 0 || (n < 0 && !g_error_matches (error, G_IO_ERROR,
          G_IO_ERROR_WOULD_BLOCK));
}

static void
drop_log (const gchar * domain, GLogLevelFlags level, const gchar * message,
    gpointer user_data)
{
}

/* Quiets libsoup and GIO, which debug every frame. */
void
ws_test_init (void)
{
  g_log_set_handler ("libsoup", G_LOG_LEVEL_DEBUG, drop_log, NULL);
  g_log_set_handler ("GLib-GIO", G_LOG_LEVEL_DEBUG, drop_log, NULL);
}
