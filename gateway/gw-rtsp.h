/* camguard-gateway - RTSP re-publish of running cameras (gst-rtsp-server)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * GwRtsp:
 *
 * The gateway's RTSP server: every camera added with gw_rtsp_add_camera()
 * is served at `rtsp://ADDRESS:PORT/<camera-id>` from its running pipeline
 * (an appsink on a tee branch feeding an appsrc in a shared media), so
 * clients come and go without touching the camera pipeline's state and
 * without an encoder per client.
 */
#define GW_TYPE_RTSP (gw_rtsp_get_type ())
G_DECLARE_FINAL_TYPE (GwRtsp, gw_rtsp, GW, RTSP, GObject)

GwRtsp *gw_rtsp_new (const gchar * address, guint port,
    GMainContext * context, GError ** error);
guint gw_rtsp_get_port (GwRtsp * self);
const gchar *gw_rtsp_get_address (GwRtsp * self);

gboolean gw_rtsp_add_camera (GwRtsp * self, const gchar * camera_id,
    GstElement * tee, GError ** error);
gboolean gw_rtsp_remove_camera (GwRtsp * self, const gchar * camera_id,
    GError ** error);
gboolean gw_rtsp_has_camera (GwRtsp * self, const gchar * camera_id);
guint gw_rtsp_get_n_medias (GwRtsp * self, const gchar * camera_id);
gchar *gw_rtsp_get_url (GwRtsp * self, const gchar * host,
    const gchar * camera_id);

G_END_DECLS
