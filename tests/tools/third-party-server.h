/* camguard - real third-party servers (VLC's RTSP server, ffmpeg's MJPEG
 * over HTTP) for integration tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  CG_SERVER_VLC_RTSP,
  CG_SERVER_FFMPEG_MJPEG,
} CgServerKind;

typedef struct
{
  CgServerKind kind;
  GSubprocess *proc;
  gboolean exited;              /* the process was reaped */
  gchar *tmpdir;                /* its HOME, its copy of the media, its log */
  gchar *log;                   /* stdout and stderr of every run */
  gchar **argv;                 /* to start it again on the same port */
  gboolean drop_root;           /* runs as nobody (VLC refuses root) */
  guint port;
  gchar *url;
} CgServer;

const gchar *cg_server_program (CgServerKind kind);
gboolean cg_server_available (CgServerKind kind, gchar ** reason);
guint cg_free_tcp_port (void);
void cg_remove_tree (const gchar * path);
const gchar *cg_server_vlc_media (void);
gboolean cg_server_start_vlc_rtsp (CgServer * server, const gchar * media,
    guint port, guint timeout_ms, GError ** error);
gboolean cg_server_start_ffmpeg_mjpeg (CgServer * server, guint port,
    guint timeout_ms, GError ** error);
gboolean cg_server_restart (CgServer * server, guint timeout_ms,
    GError ** error);
gboolean cg_server_kill (CgServer * server, guint timeout_ms);
gchar *cg_server_log_tail (CgServer * server, gsize max_bytes);
void cg_server_clear (CgServer * server);

G_END_DECLS
