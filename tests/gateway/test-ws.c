/* camguard-gateway - tests for gw-ws: a real SoupServer on 127.0.0.1 and
 * real libsoup WebSocket clients
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "gw-ws.h"
#include "ws-test-client.h"

/* ---------------------------------------------------------------------- */
/* Calls                                                                  */
/* ---------------------------------------------------------------------- */

static void
test_calls (void)
{
  Fixture f = { 0 };
  g_autoptr (JsonParser) parser = json_parser_new ();
  Client *c = start_one (&f, NULL, FALSE);
  JsonObject *o;

  o = client_call (c, REQ ("add", "{\"a\":40,\"b\":2}"), parser);
  g_assert_cmpint (json_object_get_int_member (o, "result"), ==, 42);
  o = client_call (c, REQ ("later", "{}"), parser);
  g_assert_cmpstr (json_object_get_string_member (o, "result"), ==,
      "from a thread");
  o = client_call (c, "{\"jsonrpc\":", parser);
  g_assert_cmpint (error_code (o), ==, -32700);
  g_assert_cmpuint (gw_ws_server_get_n_clients (f.ws), ==, 1);

  client_free (c);
  fixture_stop (&f);
}

/* A batch comes back as one array. */
static void
test_batch (void)
{
  Fixture f = { 0 };
  g_autoptr (JsonParser) parser = json_parser_new ();
  Client *c = start_one (&f, NULL, FALSE);
  CountWait w;
  JsonArray *a;

  soup_websocket_connection_send_text (c->conn, "[" REQ ("later", "{}") ","
      "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":{}},"
      REQ ("nope", "{}") "]");
  w.client = c;
  w.n = 1;
  wait_for (has_messages, &w, NULL);
  g_assert_true (json_parser_load_from_data (parser, c->messages->pdata[0],
          -1, NULL));
  a = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (a), ==, 2);
  g_assert_cmpstr (json_object_get_string_member
      (json_array_get_object_element (a, 0), "result"), ==, "from a thread");
  g_assert_cmpint (error_code (json_array_get_object_element (a, 1)), ==,
      -32601);
  client_free (c);
  fixture_stop (&f);
}

static void
test_authenticate (void)
{
  Fixture f = { 0 };
  g_autoptr (JsonParser) parser = json_parser_new ();
  Client *c = start_one (&f, NULL, TRUE);
  JsonObject *o;

  o = client_call (c, REQ ("read_cameras", "{}"), parser);
  g_assert_cmpint (error_code (o), ==, -32001);
  o = client_call (c, REQ ("subscribe", "{}"), parser);
  g_assert_cmpint (error_code (o), ==, -32001);
  o = client_call (c, REQ ("authenticate", "{\"token\":\"bad\"}"), parser);
  g_assert_cmpint (error_code (o), ==, -32001);
  o = client_call (c, REQ ("authenticate", "{\"token\":\"viewer-key\"}"),
      parser);
  g_assert_true (json_object_get_boolean_member
      (json_object_get_object_member (o, "result"), "authenticated"));
  o = client_call (c, REQ ("read_cameras", "{}"), parser);
  g_assert_true (json_object_get_boolean_member (o, "result"));
  o = client_call (c, REQ ("start_camera", "{}"), parser);
  g_assert_cmpint (error_code (o), ==, -32003);
  client_free (c);
  fixture_stop (&f);
}

/* A request padded to @size bytes. */
static gchar *
padded_request (gsize size)
{
  GString *s = g_string_new (REQ ("add", "{\"a\":1,\"b\":1}"));

  while (s->len < size)
    g_string_append_c (s, ' ');
  return g_string_free (s, FALSE);
}

/* Under the incoming payload limit a request works; over it libsoup closes
 * the connection (1009, or a reset when the rest of the message is still
 * unread) and the server forgets the client. */
static void
test_payload_limit (void)
{
  Fixture f = { 0 };
  g_autoptr (JsonParser) parser = json_parser_new ();
  GwWsLimits limits;
  Client *c;
  gchar *text;
  JsonObject *o;
  gpointer args[2];

  gw_ws_limits_init (&limits);
  limits.max_payload = 4096;
  c = start_one (&f, &limits, FALSE);
  text = padded_request (4000);
  o = client_call (c, text, parser);
  g_free (text);
  g_assert_cmpint (json_object_get_int_member (o, "result"), ==, 2);
  text = padded_request (8192);
  soup_websocket_connection_send_text (c->conn, text);
  g_free (text);
  wait_for (client_closed, c, NULL);
  g_assert_true (c->close_code == SOUP_WEBSOCKET_CLOSE_TOO_BIG ||
      c->close_code == 0);
  args[0] = f.ws;
  args[1] = GUINT_TO_POINTER (0);
  wait_for (n_clients_is, args, NULL);
  client_free (c);
  fixture_stop (&f);
}

static void
test_too_many_connections (void)
{
  Fixture f = { 0 };
  g_autoptr (JsonParser) parser = json_parser_new ();
  GwWsLimits limits;
  Client *a, *b, *c;
  JsonObject *o;
  gpointer args[2];

  gw_ws_limits_init (&limits);
  limits.max_clients = 2;
  fixture_start (&f, &limits, FALSE);
  a = client_new (&f, NULL);
  b = client_new (&f, NULL);
  c = client_new (&f, NULL);
  wait_for (client_closed, c, NULL);
  g_assert_cmpuint (c->close_code, ==, GW_WS_CLOSE_POLICY);
  g_assert_cmpuint (c->messages->len, ==, 1);
  g_assert_true (json_parser_load_from_data (parser, c->messages->pdata[0],
          -1, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (error_code (o), ==, -32002);
  g_assert_cmpstr (json_object_get_string_member
      (json_object_get_object_member (json_object_get_object_member (o,
                  "error"), "data"), "error_code"), ==, "TOO_MANY_CONNECTIONS");
  g_assert_cmpuint (gw_ws_server_get_n_clients (f.ws), ==, 2);

  /* a slot frees when a client leaves */
  client_free (a);
  args[0] = f.ws;
  args[1] = GUINT_TO_POINTER (1);
  wait_for (n_clients_is, args, NULL);
  client_free (c);
  c = client_new (&f, NULL);
  o = client_call (c, REQ ("add", "{\"a\":1,\"b\":1}"), parser);
  g_assert_cmpint (json_object_get_int_member (o, "result"), ==, 2);
  client_free (b);
  client_free (c);
  fixture_stop (&f);
}

/* A raw client that sends requests and never reads the answers: once its
 * queue holds twice queue_max responses it is closed (policy), and the
 * queue never grew past that. */
static void
test_responses_not_read (void)
{
  Fixture f = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnection) conn = NULL;
  GByteArray *frames = g_byte_array_new ();
  GwWsLimits limits;
  guint i;
  static const gchar request[] =
      "{\"jsonrpc\":\"2.0\",\"method\":\"big\",\"id\":1}";
  const guint8 header[] = { 0x81, 0x80 | (sizeof (request) - 1), 0, 0, 0, 0 };

  gw_ws_limits_init (&limits);
  limits.queue_max = 8;
  limits.send_buffer = 16 * 1024;
  fixture_start (&f, &limits, FALSE);
  conn = raw_connect (&f);

  /* 200 small requests (masked with a zero key), 800 KiB of answers */
  for (i = 0; i < 200; i++) {
    g_byte_array_append (frames, header, sizeof (header));
    g_byte_array_append (frames, (const guint8 *) request,
        sizeof (request) - 1);
  }
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream
          (G_IO_STREAM (conn)), frames->data, frames->len, NULL, NULL, &error));
  g_byte_array_unref (frames);
  wait_for (policy_closed, f.ws, NULL);
  g_assert_cmpuint (gw_ws_server_get_policy_closes (f.ws), ==, 1);
  g_assert_cmpuint (gw_ws_server_get_n_clients (f.ws), ==, 0);
  g_assert_cmpuint (gw_ws_server_get_queue_high_water (f.ws), <=,
      2 * limits.queue_max);
  fixture_stop (&f);
}

/* Reads what has arrived; done once a ping frame (0x89) follows the HTTP
 * response. */
static gboolean
got_ping (gpointer data)
{
  RawRead *r = data;
  guint8 buf[4096];
  gssize n;
  const gchar *end;

  n = g_socket_receive_with_blocking (r->socket, (gchar *) buf, sizeof (buf),
      FALSE, NULL, NULL);
  if (n > 0)
    g_byte_array_append (r->bytes, buf, n);
  end = g_strstr_len ((const gchar *) r->bytes->data, r->bytes->len,
      "\r\n\r\n");
  return end && end + 4 < (const gchar *) r->bytes->data + r->bytes->len &&
      (guint8) end[4] == 0x89;
}

/* The server pings an idle client (keepalive 1 s). */
static void
test_keepalive (void)
{
  Fixture f = { 0 };
  g_autoptr (GSocketConnection) conn = NULL;
  GwWsLimits limits;
  RawRead r;

  gw_ws_limits_init (&limits);
  limits.keepalive_seconds = 1;
  fixture_start (&f, &limits, FALSE);
  conn = raw_connect (&f);
  raw_wait (conn, &r, got_ping);
  g_assert_true (g_str_has_prefix ((const gchar *) r.bytes->data,
          "HTTP/1.1 101"));
  g_byte_array_unref (r.bytes);
  fixture_stop (&f);
}

/* Freeing the endpoint closes its clients with 1001 (going away). */
static void
test_server_free (void)
{
  Fixture f = { 0 };
  Client *c = start_one (&f, NULL, FALSE);

  gw_ws_server_free (f.ws);
  f.ws = NULL;
  wait_for (client_closed, c, NULL);
  g_assert_cmpuint (c->close_code, ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  client_free (c);
  fixture_stop (&f);
}

/* ---------------------------------------------------------------------- */
/* Events                                                                 */
/* ---------------------------------------------------------------------- */

static void
test_subscribe_filter (void)
{
  Fixture f = { 0 };
  g_autoptr (JsonParser) parser = json_parser_new ();
  Client *door, *all, *none;
  JsonObject *o;

  fixture_start (&f, NULL, FALSE);
  door = client_new (&f, NULL);
  all = client_new (&f, NULL);
  none = client_new (&f, NULL);

  o = client_call (door, REQ ("subscribe",
          "{\"topics\":[\"errors\",\"retry\"],\"camera\":\"door\"}"), parser);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member
          (json_object_get_object_member (o, "result"), "subscriptions")), ==,
      1);
  o = client_call (all, REQ ("subscribe", "{}"), parser);
  g_assert_true (json_object_has_member (o, "result"));
  /* every bad field at once */
  o = client_call (none, REQ ("subscribe",
          "{\"topics\":[\"errors\",\"bogus\"],\"camera\":5,\"x\":1}"), parser);
  g_assert_cmpint (error_code (o), ==, -32602);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member
          (json_object_get_object_member (json_object_get_object_member
                  (json_object_get_object_member (o, "error"), "data"),
                  "details"), "fields")), ==, 3);

  g_assert_cmpuint (offer (&f, GW_WS_TOPIC_ERRORS, "door", 0, 0), ==, 2);
  g_assert_cmpuint (offer (&f, GW_WS_TOPIC_WARNINGS, "door", 1, 0), ==, 1);
  g_assert_cmpuint (offer (&f, GW_WS_TOPIC_ERRORS, "desk", 2, 0), ==, 1);
  g_assert_cmpuint (offer (&f, GW_WS_TOPIC_RETRY, "door", 3, 0), ==, 2);
  g_assert_cmpuint (offer (&f, GW_WS_TOPIC_STATE, NULL, 4, 0), ==, 1);
  sync_client (door, parser);
  sync_client (all, parser);
  sync_client (none, parser);
  g_assert_cmpuint (door->n_events, ==, 2);
  g_assert_cmpint (door->last_seq, ==, 3);
  g_assert_cmpuint (all->n_events, ==, 5);
  g_assert_cmpuint (none->n_events, ==, 0);

  /* unsubscribe one topic, then everything */
  client_call (door, REQ ("unsubscribe", "{\"topics\":[\"retry\"]}"), parser);
  g_assert_cmpuint (offer (&f, GW_WS_TOPIC_RETRY, "door", 5, 0), ==, 1);
  g_assert_cmpuint (offer (&f, GW_WS_TOPIC_ERRORS, "door", 6, 0), ==, 2);
  client_call (door, REQ ("unsubscribe", "{}"), parser);
  g_assert_cmpuint (offer (&f, GW_WS_TOPIC_ERRORS, "door", 7, 0), ==, 1);
  sync_client (door, parser);
  sync_client (all, parser);
  g_assert_cmpuint (door->n_events, ==, 3);
  g_assert_cmpint (door->last_seq, ==, 6);
  g_assert_cmpuint (all->n_events, ==, 8);
  g_assert_false (all->out_of_order);

  client_free (door);
  client_free (all);
  client_free (none);
  fixture_stop (&f);
}

/* A GwEvent with `seq` in its details, of @kind (error, retry or state). */
static GwEvent *
seq_event (GwEventKind kind, const gchar * camera, gint64 seq)
{
  g_autoptr (CgError) e = cg_error_new (CG_CODE_CAMERA_UNREACHABLE, NULL);

  gst_structure_set (cg_error_get_details_writable (e), "seq", G_TYPE_INT64,
      seq, NULL);
  cg_error_set_camera_id (e, camera);
  if (kind == GW_EVENT_KIND_RETRY)
    return gw_event_new_from_camera ("retry", e, camera);
  if (kind == GW_EVENT_KIND_STATE)
    return gw_event_new_state (camera, "running", NULL, e);
  return gw_event_new_from_error (e);
}

/* gw_ws_server_offer_gw_event(): the topic of the event's kind, its
 * camera, and the notification text is the event's text. */
static void
test_offer_gw_event (void)
{
  Fixture f = { 0 };
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GwEvent) error = seq_event (GW_EVENT_KIND_ERROR, "door", 0);
  g_autoptr (GwEvent) retry = seq_event (GW_EVENT_KIND_RETRY, "door", 1);
  g_autoptr (GwEvent) state = seq_event (GW_EVENT_KIND_STATE, "desk", 2);
  g_autofree gchar *text = NULL, *want = NULL;
  Client *door, *all;

  fixture_start (&f, NULL, FALSE);
  door = client_new (&f, NULL);
  all = client_new (&f, NULL);
  client_call (door, REQ ("subscribe",
          "{\"topics\":[\"retry\"],\"camera\":\"door\"}"), parser);
  client_call (all, REQ ("subscribe", "{}"), parser);

  g_assert_cmpuint (gw_ws_server_offer_gw_event (f.ws, error), ==, 1);
  g_assert_cmpuint (gw_ws_server_offer_gw_event (f.ws, retry), ==, 2);
  sync_client (door, parser);
  text = gw_event_to_json (retry);
  want = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"method\":\"event\","
      "\"params\":%s}", text);
  g_assert_cmpstr (door->last_event, ==, want);
  g_assert_cmpuint (gw_ws_server_offer_gw_event (f.ws, state), ==, 1);
  sync_client (all, parser);
  g_assert_cmpuint (door->n_events, ==, 1);
  g_assert_cmpuint (all->n_events, ==, 3);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&want, g_free);
  text = gw_event_to_json (state);
  want = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"method\":\"event\","
      "\"params\":%s}", text);
  g_assert_cmpstr (all->last_event, ==, want);

  client_free (door);
  client_free (all);
  fixture_stop (&f);
}

#define N_CLIENTS 50
#define PADDING 2048

typedef struct
{
  Client **clients;
  guint n;
  guint events;
} AllWait;

static gboolean
all_have_events (gpointer data)
{
  AllWait *w = data;
  guint i;

  for (i = 0; i < w->n; i++) {
    if (w->clients[i]->n_events < w->events)
      return FALSE;
  }
  return TRUE;
}

/* 49 readers and one client that never reads, all subscribed. Events are
 * offered (the main loop running between them) until the stuck client has
 * lost some: every reader still gets every event, in order, and the stuck
 * client's queue never grows past its bound. Returns the events offered. */
static guint
fan_out (Fixture * f, Client ** readers, Client * stuck, guint queue_max)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  AllWait w = { readers, N_CLIENTS - 1, 0 };
  guint i, seq = 0;

  for (i = 0; i < N_CLIENTS - 1; i++)
    client_call (readers[i], REQ ("subscribe", "{}"), parser);
  /* the stuck one subscribes, then stops reading */
  soup_websocket_connection_send_text (stuck->conn, REQ ("subscribe", "{}"));
  {
    CountWait cw = { stuck, 1 };

    wait_for (has_messages, &cw, stuck->context);
  }

  while (gw_ws_server_get_events_dropped (f->ws) < 50 &&
      gw_ws_server_get_policy_closes (f->ws) == 0) {
    g_assert_cmpuint (seq, <, 20000);
    offer (f, GW_WS_TOPIC_ERRORS, "door", seq++, PADDING);
    /* the readers keep up: wait for this event */
    w.events = seq;
    wait_for (all_have_events, &w, NULL);
  }
  /* a few more after the first drops */
  for (i = 0; i < 20; i++) {
    offer (f, GW_WS_TOPIC_ERRORS, "door", seq++, PADDING);
    w.events = seq;
    wait_for (all_have_events, &w, NULL);
  }
  for (i = 0; i < N_CLIENTS - 1; i++) {
    g_assert_cmpuint (readers[i]->n_events, ==, seq);
    g_assert_false (readers[i]->out_of_order);
  }
  g_assert_cmpuint (stuck->n_events, ==, 0);
  /* bounded: queue_max events plus the events-dropped notice */
  g_assert_cmpuint (gw_ws_server_get_queue_high_water (f->ws), <=,
      queue_max + 1);
  g_test_message ("%u events offered, %" G_GUINT64_FORMAT " dropped, "
      "queue high water %u", seq, gw_ws_server_get_events_dropped (f->ws),
      gw_ws_server_get_queue_high_water (f->ws));
  return seq;
}

static void
fan_out_setup (Fixture * f, GwWsLimits * limits, Client ** readers,
    Client ** stuck, GMainContext * stuck_context)
{
  guint i;

  limits->max_clients = N_CLIENTS;
  limits->queue_max = 32;
  limits->send_buffer = 16 * 1024;
  fixture_start (f, limits, FALSE);
  for (i = 0; i < N_CLIENTS - 1; i++)
    readers[i] = client_new (f, NULL);
  *stuck = client_new (f, stuck_context);
  g_assert_cmpuint (gw_ws_server_get_n_clients (f->ws), ==, N_CLIENTS);
}

typedef struct
{
  Client *client;
  guint events;
} StuckWait;

static gboolean
stuck_caught_up (gpointer data)
{
  StuckWait *w = data;

  /* the subscribe response, then the notice after the events */
  return w->client->messages->len >= 2;
}

/* Drop mode: the stuck client loses events, and once it reads again gets
 * what was queued plus an events-dropped notice with the count. */
static void
test_fan_out_drop (void)
{
  Fixture f = { 0 };
  g_autoptr (JsonParser) parser = json_parser_new ();
  GMainContext *stuck_context = g_main_context_new ();
  Client *readers[N_CLIENTS - 1], *stuck;
  GwWsLimits limits;
  StuckWait sw;
  JsonObject *params;
  guint i, offered;
  guint64 dropped;

  gw_ws_limits_init (&limits);
  fan_out_setup (&f, &limits, readers, &stuck, stuck_context);
  offered = fan_out (&f, readers, stuck, limits.queue_max);
  dropped = gw_ws_server_get_events_dropped (f.ws);
  g_assert_cmpuint (dropped, >, 0);
  g_assert_cmpuint (gw_ws_server_get_n_clients (f.ws), ==, N_CLIENTS);

  /* the stuck client reads again: the queue drains, the notice follows */
  sw.client = stuck;
  sw.events = offered - dropped;
  wait_for (stuck_caught_up, &sw, stuck_context);
  g_assert_cmpuint (stuck->messages->len, ==, 2);
  g_assert_cmpuint (stuck->n_events, ==, offered - dropped);
  g_assert_true (json_parser_load_from_data (parser,
          stuck->messages->pdata[1], -1, NULL));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object
          (json_parser_get_root (parser)), "method"), ==, "events-dropped");
  params = json_object_get_object_member (json_node_get_object
      (json_parser_get_root (parser)), "params");
  g_assert_cmpint (json_object_get_int_member (params, "dropped"), ==, dropped);
  g_assert_cmpint (json_object_get_int_member (params, "total"), ==, dropped);
  g_assert_false (stuck->out_of_order);

  for (i = 0; i < N_CLIENTS - 1; i++)
    client_free (readers[i]);
  client_free (stuck);
  fixture_stop (&f);
  while (g_main_context_iteration (stuck_context, FALSE));
  g_main_context_unref (stuck_context);
}

/* Close mode: past close_after_dropped the stuck client is closed (1008)
 * and forgotten; the others carry on. */
static void
test_fan_out_close (void)
{
  Fixture f = { 0 };
  g_autoptr (JsonParser) parser = json_parser_new ();
  GMainContext *stuck_context = g_main_context_new ();
  Client *readers[N_CLIENTS - 1], *stuck;
  GwWsLimits limits;
  guint i;

  gw_ws_limits_init (&limits);
  limits.close_after_dropped = 10;
  fan_out_setup (&f, &limits, readers, &stuck, stuck_context);
  fan_out (&f, readers, stuck, limits.queue_max);
  g_assert_cmpuint (gw_ws_server_get_policy_closes (f.ws), ==, 1);
  g_assert_cmpuint (gw_ws_server_get_events_dropped (f.ws), ==, 10);
  g_assert_cmpuint (gw_ws_server_get_n_clients (f.ws), ==, N_CLIENTS - 1);
  /* the others still talk */
  sync_client (readers[0], parser);

  /* the stuck client, reading again, finds its connection closed */
  wait_for (client_closed, stuck, stuck_context);

  for (i = 0; i < N_CLIENTS - 1; i++)
    client_free (readers[i]);
  client_free (stuck);
  fixture_stop (&f);
  while (g_main_context_iteration (stuck_context, FALSE));
  g_main_context_unref (stuck_context);
}

typedef struct
{
  Fixture *f;
  gint64 seq;
} OfferWait;

static gboolean
offer_reaches_one (gpointer data)
{
  OfferWait *w = data;

  return offer (w->f, GW_WS_TOPIC_ERRORS, "door", w->seq++, PADDING) == 1;
}

/* A client with a full queue (its socket full too) closes the connection:
 * from the close frame on it no longer counts and gets nothing, even
 * before the server's close reply can reach it; then it reads to the
 * end. */
static void
test_close_with_full_queue (void)
{
  Fixture f = { 0 };
  g_autoptr (GSocketConnection) conn = NULL;
  static const gchar subscribe[] =
      "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"id\":1}";
  static const gchar close_payload[] = { 0x03, (gchar) 0xe8 };
  GwWsLimits limits;
  OfferWait w = { &f, 0 };
  guint64 dropped;
  RawRead r;
  gpointer args[2];

  gw_ws_limits_init (&limits);
  limits.queue_max = 8;
  limits.send_buffer = 16 * 1024;
  fixture_start (&f, &limits, FALSE);
  conn = raw_connect (&f);
  raw_send (conn, 0x1, subscribe, sizeof (subscribe) - 1);
  wait_for (offer_reaches_one, &w, NULL);
  while (gw_ws_server_get_events_dropped (f.ws) == 0) {
    g_assert_cmpint (w.seq, <, 20000);
    offer_reaches_one (&w);
    while (g_main_context_iteration (NULL, FALSE));
  }
  raw_send (conn, 0x8, close_payload, sizeof (close_payload));
  args[0] = f.ws;
  args[1] = GUINT_TO_POINTER (0);
  wait_for (n_clients_is, args, NULL);
  dropped = gw_ws_server_get_events_dropped (f.ws);
  g_assert_cmpuint (offer (&f, GW_WS_TOPIC_ERRORS, "door", w.seq++, 0), ==, 0);
  g_assert_cmpuint (gw_ws_server_get_events_dropped (f.ws), ==, dropped);

  raw_wait (conn, &r, raw_at_eof);
  g_byte_array_unref (r.bytes);
  fixture_stop (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);
  ws_test_init ();

  g_test_add_func ("/gw-ws/calls", test_calls);
  g_test_add_func ("/gw-ws/batch", test_batch);
  g_test_add_func ("/gw-ws/authenticate", test_authenticate);
  g_test_add_func ("/gw-ws/payload-limit", test_payload_limit);
  g_test_add_func ("/gw-ws/too-many-connections", test_too_many_connections);
  g_test_add_func ("/gw-ws/responses-not-read", test_responses_not_read);
  g_test_add_func ("/gw-ws/keepalive", test_keepalive);
  g_test_add_func ("/gw-ws/server-free", test_server_free);
  g_test_add_func ("/gw-ws/subscribe-filter", test_subscribe_filter);
  g_test_add_func ("/gw-ws/offer-gw-event", test_offer_gw_event);
  g_test_add_func ("/gw-ws/fan-out-drop", test_fan_out_drop);
  g_test_add_func ("/gw-ws/fan-out-close", test_fan_out_close);
  g_test_add_func ("/gw-ws/close-with-full-queue", test_close_with_full_queue);
  return g_test_run ();
}
