/* camguard-gateway - WebRTC live view (WHEP) of running cameras
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <camguard.h>

G_BEGIN_DECLS

/**
 * GwWhep:
 *
 * The WHEP viewers of every camera: each viewer is a consumer of its
 * camera's fan-out (gw-fanout.c) feeding its own
 * `appsrc ! h264parse ! rtph264pay ! webrtcbin` pipeline; receiver reports
 * reap viewers that went away and drive the camera's qualityladder.
 */
typedef struct _GwWhep GwWhep;

/**
 * GwWhepLimits:
 * @max_viewers: viewers per camera (more: %CG_CODE_TOO_MANY_CONNECTIONS)
 * @reap_timeout_ms: a viewer whose receiver reports stop advancing for
 *   this long is ended
 * @gather_timeout_ms: bound on negotiation and ICE gathering before the
 *   answer (%CG_CODE_OPERATION_TIMEOUT)
 * @stats_interval_ms: how often each viewer's statistics are read
 * @ice_address: (nullable): the one local address ICE gathers on (%NULL:
 *   every interface libnice finds)
 *
 * Settings of gw_whep_new().
 */
typedef struct
{
  guint max_viewers;
  guint reap_timeout_ms;
  guint gather_timeout_ms;
  guint stats_interval_ms;
  const gchar *ice_address;
} GwWhepLimits;

/**
 * GwWhepAnswer:
 * @session_id: the viewer's id (its URL is the camera's whep URL / id)
 * @sdp: the answer SDP, candidates included
 *
 * What a successful offer gets back.
 */
typedef struct
{
  gchar *session_id;
  gchar *sdp;
} GwWhepAnswer;

void gw_whep_limits_init (GwWhepLimits * limits);
GwWhep *gw_whep_new (const GwWhepLimits * limits);
void gw_whep_free (GwWhep * whep);

void gw_whep_set_camera (GwWhep * whep, const gchar * camera_id,
    GstElement * tee, GstElement * ladder);
void gw_whep_remove_camera (GwWhep * whep, const gchar * camera_id);

void gw_whep_offer_async (GwWhep * whep, const gchar * camera_id,
    const gchar * content_type, GBytes * body, GAsyncReadyCallback callback,
    gpointer user_data);
GwWhepAnswer *gw_whep_offer_finish (GwWhep * whep, GAsyncResult * result,
    CgError ** error);
void gw_whep_answer_free (GwWhepAnswer * answer);
gboolean gw_whep_end (GwWhep * whep, const gchar * camera_id,
    const gchar * session_id, CgError ** error);

guint gw_whep_count_viewers (GwWhep * whep, const gchar * camera_id);
guint64 gw_whep_get_reaped (GwWhep * whep);
void gw_whep_describe (GwWhep * whep, const gchar * camera_id,
    CgJsonWriter * w);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwWhepAnswer, gw_whep_answer_free)

G_END_DECLS
