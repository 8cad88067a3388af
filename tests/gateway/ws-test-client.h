/* camguard-gateway tests - a real SoupServer with the /ws endpoint, libsoup
 * WebSocket clients and raw clients, for test-ws
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include "gw-ws.h"

G_BEGIN_DECLS

typedef struct
{
  SoupServer *server;
  GwRpcRegistry *registry;
  GwWsServer *ws;
  gchar *url;
} Fixture;

typedef struct
{
  GMainContext *context;        /* NULL: the default one */
  SoupSession *session;
  SoupWebsocketConnection *conn;
  GError *error;
  gboolean closed;
  gushort close_code;
  GPtrArray *messages;          /* gchar *, everything but events */
  guint n_events;
  gchar *last_event;            /* the text of the last event notification */
  gint64 last_seq;
  gboolean out_of_order;
} Client;

typedef struct
{
  Client *client;
  guint n;
} CountWait;

#define REQ(method, params) \
  "{\"jsonrpc\":\"2.0\",\"method\":\"" method "\",\"params\":" params \
  ",\"id\":1}"

typedef struct
{
  GSocket *socket;
  GByteArray *bytes;
} RawRead;

void ws_test_init (void);

void fixture_start (Fixture * f, const GwWsLimits * limits, gboolean auth);
void fixture_stop (Fixture * f);
void wait_for (gboolean (*done) (gpointer), gpointer data,
    GMainContext * other);

Client *client_new (Fixture * f, GMainContext * context);
Client *start_one (Fixture * f, const GwWsLimits * limits, gboolean auth);
void client_free (Client * c);
JsonObject *client_call (Client * c, const gchar * request,
    JsonParser * parser);
void sync_client (Client * c, JsonParser * parser);
gint64 error_code (JsonObject * response);

/* conditions for wait_for() */
gboolean has_messages (gpointer data);
gboolean client_closed (gpointer data);
gboolean n_clients_is (gpointer data);
gboolean policy_closed (gpointer data);

JsonNode *make_event (const gchar * camera, gint64 seq, gsize padding);
guint offer (Fixture * f, GwWsTopic topic, const gchar * camera, gint64 seq,
    gsize padding);

GSocketConnection *raw_connect (Fixture * f);
void raw_send (GSocketConnection * conn, guint8 opcode,
    const gchar * payload, gsize len);
gboolean wake_up (GSocket * socket, GIOCondition condition, gpointer data);
void raw_wait (GSocketConnection * conn, RawRead * r,
    gboolean (*done) (gpointer));
gboolean raw_at_eof (gpointer data);

G_END_DECLS
