/* camguard-gateway - GwRequest internals, for the router (gw-http.c) only
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-request.h"

G_BEGIN_DECLS

struct _GwRequest
{
  gint refcount;
  GMainContext *context;        /* where answers are applied */
  guint timeout_ms;             /* bound on a paused request */
  SoupServerMessage *msg;
  gchar *request_id;
  gchar *route;                 /* the matched pattern */
  gchar *method;
  gchar *path;
  gchar *params;                /* "name\0value\0"... "\0" (gw-route-table),
                                 * NULL without parameters */
  GHashTable *query;
  JsonNode *body;
  GwRole role;
  gchar *key_name;
  gboolean problem;             /* the client asked for RFC 7807 */
  gboolean expect_continue;     /* "Expect: 100-continue" */
  gboolean paused;
  gint answered;                /* atomic */
  GSource *timeout;
  GMutex lock;                  /* guards headers */
  GPtrArray *headers;           /* name, value, name, value... or NULL */
  guint status;
  gchar *content_type;
  GBytes *reply;
};

/* Object data (a quark) on a SoupServerMessage answered with a stream: the status
 * sent (libsoup sets 500 when a later write finds the connection closed). */
#define GW_REQUEST_STREAM_STATUS (gw_request_stream_status_quark ())
GQuark gw_request_stream_status_quark (void);

GwRequest *gw_request_new (SoupServerMessage * msg, const gchar * request_id,
    const gchar * path, GHashTable * query, GMainContext * context,
    guint timeout_ms);
GBytes *gw_request_render_error (const CgError * error,
    const gchar * request_id, const gchar * instance, gboolean problem,
    const gchar ** content_type);
gboolean gw_request_accepts_problem (SoupServerMessage * msg);
void gw_request_set_id_header (SoupServerMessage * msg,
    const gchar * request_id);

G_END_DECLS
