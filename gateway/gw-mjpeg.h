/* camguard-gateway - MJPEG live streams: clients, shared branches, drops
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "gw-camera.h"

G_BEGIN_DECLS

/* What one client asked for (0: not given). */
typedef struct
{
  guint fps;
  guint width;
  guint height;
} GwMjpegRequest;

typedef struct _GwMjpeg GwMjpeg;

GwMjpeg *gw_mjpeg_new (GMainContext * context, guint max_clients);
void gw_mjpeg_free (GwMjpeg * mjpeg);

gboolean gw_mjpeg_check_admission (GwMjpeg * mjpeg, GwCamera * camera,
    CgError ** error);
void gw_mjpeg_add_client (GwMjpeg * mjpeg, GwCamera * camera,
    SoupServerMessage * msg, const GwMjpegRequest * request);
void gw_mjpeg_sync_camera (GwMjpeg * mjpeg, GwCamera * camera);
void gw_mjpeg_remove_camera (GwMjpeg * mjpeg, const gchar * camera_id);

guint gw_mjpeg_get_n_clients (GwMjpeg * mjpeg, const gchar * camera_id);
guint gw_mjpeg_get_n_branches (GwMjpeg * mjpeg, const gchar * camera_id);
guint64 gw_mjpeg_get_frames_sent (GwMjpeg * mjpeg);
guint64 gw_mjpeg_get_frames_dropped (GwMjpeg * mjpeg);
gsize gw_mjpeg_get_queued_bytes (GwMjpeg * mjpeg);

G_END_DECLS
