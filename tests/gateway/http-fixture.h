/* camguard-gateway - tests: a real SoupServer on 127.0.0.1 with a router,
 * dummy routes, and a real SoupSession client (shared by test-http and
 * test-http-body)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-http.h"

#define WAIT_BOUND_S 20         /* only detects a hang */
#define SMALL_LIMIT 4096        /* the routers' body limit */

typedef struct
{
  gchar *dir;
  GwKeyStore *store;
  SoupServer *server;
  GwRouter *router;
  SoupSession *session;
  gchar *base;
  gchar *viewer, *operator, *admin;
  guint post_calls;
  GThread *reply_thread;
  GPtrArray *log;
  GPtrArray *metrics;
  guint chunks;                 /* request body chunks the server read */
  gsize max_kept;               /* most request body bytes it kept */
  gsize last_kept;              /* bytes kept after the last chunk */
  guint status_at_headers;      /* the server's status once it has them */
} Fixture;

void fixture_setup (Fixture * f, gconstpointer data);
void fixture_teardown (Fixture * f, gconstpointer data);
gboolean hang_cb (gpointer data);
void wait_until (const gboolean * flag);
gboolean log_has (Fixture * f, guint n);
void wait_log (Fixture * f, guint n);
SoupMessage *new_msg (Fixture * f, const gchar * method, const gchar * path,
    const gchar * key);
JsonNode *run (Fixture * f, SoupMessage * msg, GBytes ** raw);
const gchar *resp_header (SoupMessage * msg, const gchar * name);
const gchar *member (JsonNode * node, const gchar * name);
void assert_error (SoupMessage * msg, JsonNode * node, guint status,
    const gchar * code);
void set_body (SoupMessage * msg, const gchar * text);
