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

  /* atomic: bumped by every change the status could show (retrysrc's
   * status, any ladder property, any bus message), from any thread */
  gint changes;
  gulong ladder_notify;         /* on pipe->ladder: bumps changes */

  /* gw-camera-status.c: the text of `source` and `quality` as last
   * written, the count of changes read before it was, whether it may be
   * kept (the source was running then, with statistics), and when
   * (monotonic us) */
  gchar *source_json;
  gchar *quality_json;
  gint text_changes;
  gboolean text_running;
  gint64 text_us;

  /* what the outputs add to the status (gw_camera_set_status_func()) */
  GwCameraStatusFunc status_func;
  gpointer status_data;
};

gchar *gw_camera_enum_nick (GObject * object, const gchar * property);
void gw_camera_changed (GwCamera * camera);
void gw_camera_forget_status (GwCamera * camera);

G_END_DECLS
