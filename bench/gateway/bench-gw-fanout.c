/* camguard - WebSocket event fan-out of camguard-gateway
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench-gw-fanout WS_URL KEY [CLIENTS] [SECONDS]
 *
 * CLIENTS (default 100) libsoup WebSocket connections to WS_URL, each
 * `authenticate` with KEY and `subscribe` (all topics, every camera); then
 * for SECONDS (default 20) each event notification is timed at arrival:
 * latency = g_get_real_time() at delivery - the event's `timestamp` (ms,
 * taken by the gateway from the bus message, same clock, ms resolution).
 * Missed events: for each subscribed client, the event ids of the window
 * (every id from the first one any client saw after all subscribed to the
 * last one, the id sequence is the hub's) that it did not receive.
 * bench/gateway/fanout.sh starts the gateway with a failing camera.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "../common/bench-tj.h"

typedef struct
{
  SoupWebsocketConnection *ws;
  GHashTable *ids;              /* event ids received while measuring */
  gboolean subscribed;
  gboolean refused;             /* an error answer or a close */
} Client;

typedef struct
{
  Client *clients;
  guint n, n_subscribed, n_failed;
  const gchar *key;
  gboolean measuring;
  gint64 first_id, last_id;
  GArray *latency;              /* gdouble ms */
} Bench;

static Bench B;

static void
send_call (Client * c, const gchar * method, JsonNode * params, gint id)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "jsonrpc");
  json_builder_add_string_value (b, "2.0");
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, method);
  json_builder_set_member_name (b, "params");
  json_builder_add_value (b, params);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, id);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  soup_websocket_connection_send_text (c->ws, text);
}

static void
on_event (Client * c, JsonObject * ev)
{
  gint64 id = json_object_get_int_member_with_default (ev, "id", -1);
  gint64 ts = json_object_get_int_member_with_default (ev, "timestamp", 0);
  gdouble ms = g_get_real_time () / 1000.0 - (gdouble) ts;

  if (!B.measuring || id < 0)
    return;
  g_hash_table_add (c->ids, GINT_TO_POINTER ((gint) id));
  g_array_append_val (B.latency, ms);
  if (B.first_id < 0 || id < B.first_id)
    B.first_id = id;
  if (id > B.last_id)
    B.last_id = id;
}

static void
on_answer (Client * c, JsonObject * o)
{
  gint64 id = json_object_get_int_member_with_default (o, "id", 0);

  if (json_object_has_member (o, "error")) {
    g_autofree gchar *e = json_to_string (json_object_get_member (o, "error"),
        FALSE);

    if (B.n_failed == 0)        /* the first one; the count is in the report */
      g_printerr ("client refused: %s\n", e);
    c->refused = TRUE;
    B.n_failed++;
  } else if (id == 1) {
    send_call (c, "subscribe", json_node_init_object (json_node_alloc (),
            json_object_new ()), 2);
  } else if (id == 2) {
    c->subscribed = TRUE;
    B.n_subscribed++;
  }
}

static void
on_message (SoupWebsocketConnection * ws, gint type, GBytes * msg, Client * c)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize len;
  const gchar *data = g_bytes_get_data (msg, &len);
  JsonObject *o;

  if (!json_parser_load_from_data (parser, data, len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  o = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (o, "method",
              ""), "event") == 0)
    on_event (c, json_object_get_object_member (o, "params"));
  else if (json_object_has_member (o, "id"))
    on_answer (c, o);
}

static void
on_closed (SoupWebsocketConnection * ws, Client * c)
{
  if (!c->refused) {
    if (B.n_failed == 0)
      g_printerr ("client closed: %u %s\n",
          soup_websocket_connection_get_close_code (ws),
          soup_websocket_connection_get_close_data (ws));
    c->refused = TRUE;
    B.n_failed++;
  }
}

static void
connected (GObject * session, GAsyncResult * res, gpointer data)
{
  Client *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  c->ws = soup_session_websocket_connect_finish (SOUP_SESSION (session), res,
      &error);
  if (c->ws == NULL) {
    g_printerr ("connect: %s\n", error->message);
    c->refused = TRUE;
    B.n_failed++;
    return;
  }
  g_signal_connect (c->ws, "message", G_CALLBACK (on_message), c);
  g_signal_connect (c->ws, "closed", G_CALLBACK (on_closed), c);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, B.key);
  json_builder_end_object (b);
  send_call (c, "authenticate", json_builder_get_root (b), 1);
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* iterate the default context until @done or @ms elapsed */
static void
run_until (gboolean (*done) (void), guint ms)
{
  gboolean expired = FALSE;
  guint t = g_timeout_add (ms, timeout_cb, &expired);

  while (!expired && (done == NULL || !done ()))
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (t);
}

static gboolean
all_answered (void)
{
  return B.n_subscribed + B.n_failed == B.n;
}

static void
report (guint seconds)
{
  guint i, missed = 0, expected = 0, clients_missing = 0;
  gdouble *v = (gdouble *) B.latency->data;
  guint nl = B.latency->len;

  if (B.first_id >= 0)
    expected = (guint) (B.last_id - B.first_id + 1);
  for (i = 0; i < B.n; i++) {
    guint got;

    if (!B.clients[i].subscribed || B.clients[i].refused)
      continue;
    got = g_hash_table_size (B.clients[i].ids);
    missed += expected - got;
    clients_missing += got < expected;
  }
  g_print ("%u clients asked, %u subscribed, %u refused or closed; %u s\n\n",
      B.n, B.n_subscribed, B.n_failed, seconds);
  g_print ("| events (ids %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT ") "
      "| deliveries | p50 (ms) | p99 (ms) | max (ms) | missed | "
      "clients missing some |\n|---|---|---|---|---|---|---|\n",
      B.first_id, B.last_id);
  if (nl == 0) {
    g_print ("| 0 | 0 | - | - | - | - | - |\n");
    return;
  }
  g_print ("| %u | %u | %.1f | %.1f | %.1f | %u | %u |\n", expected, nl,
      bench_percentile (v, nl, 50), bench_percentile (v, nl, 99),
      bench_percentile (v, nl, 100), missed, clients_missing);
  g_print ("\np99 %.1f ms (target < 50), missed %u (target 0)\n",
      bench_percentile (v, nl, 99), missed);
}

int
main (int argc, char **argv)
{
  g_autoptr (SoupSession) session = NULL;
  guint seconds, i;

  if (argc < 3) {
    g_printerr ("usage: %s WS_URL KEY [CLIENTS] [SECONDS]\n", argv[0]);
    return 2;
  }
  B.key = argv[2];
  B.n = argc > 3 ? (guint) atoi (argv[3]) : 100;
  seconds = argc > 4 ? (guint) atoi (argv[4]) : 20;
  if (B.n == 0 || seconds == 0)
    return 2;
  B.first_id = B.last_id = -1;
  B.latency = g_array_new (FALSE, FALSE, sizeof (gdouble));
  B.clients = g_new0 (Client, B.n);
  session = soup_session_new_with_options ("max-conns", B.n + 10,
      "max-conns-per-host", B.n + 10, NULL);
  for (i = 0; i < B.n; i++) {
    g_autoptr (SoupMessage) msg = soup_message_new ("GET", argv[1]);

    B.clients[i].ids = g_hash_table_new (NULL, NULL);
    soup_session_websocket_connect_async (session, msg, NULL, NULL,
        G_PRIORITY_DEFAULT, NULL, connected, &B.clients[i]);
  }
  run_until (all_answered, 20000);
  B.measuring = TRUE;
  run_until (NULL, seconds * 1000);
  B.measuring = FALSE;
  report (seconds);
  for (i = 0; i < B.n; i++) {
    if (B.clients[i].ws)
      g_object_unref (B.clients[i].ws);
    g_hash_table_unref (B.clients[i].ids);
  }
  g_free (B.clients);
  g_array_unref (B.latency);
  return 0;
}
