/* camguard-gateway - one camera's encoded access units, fanned out to any
 * number of appsrc consumers (RTSP medias, WHEP viewers)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * GwFanout:
 *
 * One `queue ! appsink` branch on a tee request pad of a camera pipeline,
 * shared by every output of that pipeline: each access unit is pushed (a
 * shallow copy, timestamps cleared) into every consumer appsrc. A consumer
 * gets delta units only after it has seen a keyframe, a keyframe is asked of
 * the camera when a consumer joins, and a consumer that does not drain its
 * appsrc loses access units up to the next keyframe instead of growing
 * without bound.
 */
typedef struct _GwFanout GwFanout;

/* Bytes a consumer's appsrc may hold before it drops to the next keyframe. */
#define GW_FANOUT_DEFAULT_MAX_BYTES (4 * 1024 * 1024)

GwFanout *gw_fanout_acquire (GstElement * tee, GError ** error);
void gw_fanout_release (GwFanout * fanout);

gboolean gw_fanout_add_consumer (GwFanout * fanout, GstElement * appsrc,
    gconstpointer owner, gsize max_bytes);
gboolean gw_fanout_remove_consumer (GwFanout * fanout, GstElement * appsrc);
GList *gw_fanout_take_consumers (GwFanout * fanout, gconstpointer owner);
guint gw_fanout_count_consumers (GwFanout * fanout, gconstpointer owner);
void gw_fanout_request_keyframe (GwFanout * fanout);
GstElement *gw_fanout_get_tee (GwFanout * fanout);

G_END_DECLS
