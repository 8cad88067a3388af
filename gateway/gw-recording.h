/* camguard-gateway - recordings of the cameras: manual and continuous
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <camguard.h>

#include "gw-camera.h"
#include "gw-metrics.h"

G_BEGIN_DECLS

typedef struct _GwRecorder GwRecorder;

/* An event for the hub: @kind as GwCamera::event's (error, warning,
 * recovery), @camera_id NULL for the whole recordings directory. */
typedef void (*GwRecorderEventFunc) (const gchar * kind,
    const CgError * error, const gchar * camera_id, gpointer user_data);

/* The answer of gw_recorder_stop_async(): on success @result (transfer
 * full: the callee answers with it or frees it), `{camera, stopped,
 * finalized, file}` written as one value; else @result is NULL and @error
 * says why. */
typedef void (*GwRecorderStopFunc) (CgJsonWriter * result,
    const CgError * error, gpointer user_data);

GwRecorder *gw_recorder_new (const gchar * data_dir, guint64 low_space_bytes,
    GwMetrics * metrics, GwRecorderEventFunc func, gpointer user_data);
void gw_recorder_free (GwRecorder * rec);
void gw_recorder_set_housekeeping (GwRecorder * rec, guint interval_ms);

void gw_recorder_follow (GwRecorder * rec, GwCamera * camera);
void gw_recorder_forget (GwRecorder * rec, GwCamera * camera);

gboolean gw_recorder_start (GwRecorder * rec, GwCamera * camera,
    guint max_duration_s, CgError ** error);
void gw_recorder_stop_async (GwRecorder * rec, GwCamera * camera,
    GwRecorderStopFunc func, gpointer user_data);
void gw_recorder_write_status (GwRecorder * rec, const gchar * camera_id,
    CgJsonWriter * w);
void gw_recorder_list_async (GwRecorder * rec, GwCamera * camera,
    GAsyncReadyCallback callback, gpointer user_data);
CgJsonWriter *gw_recorder_list_finish (GAsyncResult * result);
gchar *gw_recorder_camera_dir (GwRecorder * rec, const gchar * camera_id);
gboolean gw_recorder_finalize_all (GwRecorder * rec, guint timeout_ms);

G_END_DECLS
