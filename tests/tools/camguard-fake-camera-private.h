/* camguard - camguard-fake-camera: what its parts share
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * camguard-fake-camera.c: options and main; camguard-fake-camera-rtsp.c:
 * the RTSP server and how it misbehaves (listening, clients,
 * authentication, status, stalls); camguard-fake-camera-commands.c: the
 * commands and where they come from (control socket, stdin, --after).
 */

#ifndef CG_FAKE_CAMERA_PRIVATE_H
#define CG_FAKE_CAMERA_PRIVATE_H

#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (fake_camera_debug);

#define FAKE_CAMERA_ROLE "user"

typedef enum
{
  KEY_PASS = 0,                 /* let buffers through */
  KEY_WANTED,                   /* resumed: ask the encoder for a key frame */
  KEY_REQUESTED                 /* asked: drop delta units until it comes */
} KeyState;

typedef struct
{
  /* options */
  gint port;
  gchar *codec;
  gint width;
  gint height;
  gint framerate;
  gchar *path;
  gint gop;
  gchar *auth_mode;
  gchar *user;
  gchar *password;
  gchar *control;
  gdouble die_after;
  gdouble down_for;
  gboolean stdin_commands;
  gchar **after;

  GMainLoop *loop;
  GstRTSPServer *server;
  GstRTSPMountPoints *mounts;
  GstRTSPMediaFactory *factory;
  GSource *listen_source;       /* NULL while down */
  guint revive_id;
  gboolean mounted;
  gint bound_port;
  gint status;                  /* atomic, GstRTSPStatusCode for pre-requests */
  gint stalled;                 /* atomic boolean */
  gint key_state;               /* atomic KeyState */
  GSocketService *control_service;
  GDataInputStream *stdin_stream;
  GCancellable *cancellable;
} FakeCamera;

/* camguard-fake-camera-rtsp.c */
void camera_server_setup (FakeCamera * cam);
void camera_server_clear (FakeCamera * cam);
gboolean camera_listen (FakeCamera * cam, GError ** error);
void camera_stop_listening (FakeCamera * cam);
void camera_close_clients (FakeCamera * cam);
guint camera_n_clients (FakeCamera * cam);
void camera_set_auth (FakeCamera * cam, const gchar * mode);
void camera_set_mounted (FakeCamera * cam, gboolean mounted);
void camera_die (FakeCamera * cam, gdouble down);
gboolean camera_revive (FakeCamera * cam, GError ** error);

/* camguard-fake-camera-commands.c */
gboolean parse_seconds (const gchar * s, gdouble * out);
gchar *camera_command (FakeCamera * cam, const gchar * line, gboolean * quit);
void camera_quit (FakeCamera * cam);
gboolean control_start (FakeCamera * cam, GError ** error);
void control_stop (FakeCamera * cam);
void stdin_commands_start (FakeCamera * cam);
void schedule (FakeCamera * cam, gdouble seconds, const gchar * command);

G_END_DECLS

#endif /* CG_FAKE_CAMERA_PRIVATE_H */
