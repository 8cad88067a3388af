/* camguard-gateway - GwCamera's insides, shared by its two files
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-camera.h"
#include "gw-pipeline.h"

G_BEGIN_DECLS

#define SOURCE_STATUS_MESSAGE "gw-source-status"

struct _GwCamera
{
  GObject parent;

  GwCameraSpec *spec;
  GwPipeline *pipe;
  CgClassifier *classifier;
  guint bus_watch;
  guint fps_timer;
  gulong probe;                 /* counts frames into the tee */
  GwCameraState state;
  CgError *last_error;

  gint frames;                  /* atomic: buffers into the tee */
  gint frames_at_tick;
  gint64 tick_time;
  gdouble fps;
  gint64 started_at;            /* monotonic us, 0 when stopped */

  /* gw-camera-status.c: retrysrc's statistics as last written, and when
   * (monotonic us); forgotten on every bus message */
  gchar *stats_json;
  gint64 stats_us;
};

gchar *gw_camera_enum_nick (GObject * object, const gchar * property);
void gw_camera_emit_status (GwCamera * camera, CgJsonWriter * w);
void gw_camera_forget_statistics (GwCamera * camera);

G_END_DECLS
