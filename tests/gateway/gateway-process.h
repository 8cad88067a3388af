/* camguard-gateway tests - the real binary as a child process, and real
 * HTTP, WebSocket and RTSP clients for it
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define GW_TEST_WAIT_MS 30000

typedef struct
{
  GSubprocess *proc;
  GDataInputStream *err;
  GString *log;                 /* everything it wrote on stderr */
  gboolean eof;
  gboolean exited;
  guint http_port;
  guint rtsp_port;
  gchar *base;                  /* http://127.0.0.1:PORT */
  SoupSession *session;
} GwProcess;

typedef struct
{
  guint status;
  gchar *content_type;
  gchar *frame_age;             /* X-Frame-Age-Ms */
  gchar *location;              /* Location */
  GBytes *body;
  JsonNode *json;               /* the body parsed, when it is JSON */
} GwReply;

gchar *gw_process_create_key (const gchar * gateway, const gchar * config,
    const gchar * role, gint * exit_status);
void gw_process_create_role_keys (const gchar * gateway,
    const gchar * config, gchar * keys[3]);
void gw_process_start (GwProcess * p, const gchar * gateway,
    const gchar * config);
gboolean gw_process_wait_log (GwProcess * p, const gchar * text,
    guint timeout_ms);
void gw_process_watch (GwProcess * p, GSubprocess * proc);
gint gw_process_terminate (GwProcess * p, guint timeout_ms);
gint gw_process_stop (GwProcess * p, gint signum, guint timeout_ms);
void gw_process_clear (GwProcess * p);

GwReply *gw_process_request (GwProcess * p, const gchar * method,
    const gchar * path, const gchar * key, const gchar * json_body);
GwReply *gw_process_send (GwProcess * p, const gchar * method,
    const gchar * path, const gchar * key, const gchar * content_type,
    const gchar * body);
void gw_reply_free (GwReply * r);
const gchar *gw_reply_error_code (GwReply * r);

SoupWebsocketConnection *gw_process_ws_connect (GwProcess * p);
JsonNode *gw_ws_parse (GBytes * message);
JsonObject *gw_ws_next (SoupWebsocketConnection * ws,
    gboolean (*match) (JsonObject *, gpointer), gpointer data,
    guint timeout_ms);
gboolean gw_ws_is_camera_event (JsonObject * o, const gchar * camera,
    const gchar * member, const gchar * value);
JsonObject *gw_ws_call (SoupWebsocketConnection * ws, const gchar * method,
    const gchar * params_json, gint id);

gboolean gw_rtsp_read_frames (guint port, const gchar * camera_id,
    guint n_frames, guint timeout_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwReply, gw_reply_free)

G_END_DECLS
