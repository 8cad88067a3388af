/* camguard-gateway - the supervisor of one camera
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <camguard.h>

#include "gw-pipeline.h"

G_BEGIN_DECLS

typedef enum
{
  GW_CAMERA_STATE_STOPPED,
  GW_CAMERA_STATE_STARTING,
  GW_CAMERA_STATE_RUNNING,
  GW_CAMERA_STATE_RETRYING,
  GW_CAMERA_STATE_FAILED,
} GwCameraState;

/* The kinds of GwCamera::event. */
#define GW_EVENT_ERROR "error"
#define GW_EVENT_WARNING "warning"
#define GW_EVENT_RETRY "retry"
#define GW_EVENT_RECOVERY "recovery"
#define GW_EVENT_GAVE_UP "gave-up"
#define GW_EVENT_CIRCUIT_OPEN "circuit-open"
#define GW_EVENT_QUALITY "quality"

/* How long stopping a pipeline may take before it is abandoned. */
#define GW_CAMERA_STOP_TIMEOUT_MS 5000

#define GW_TYPE_CAMERA (gw_camera_get_type ())
G_DECLARE_FINAL_TYPE (GwCamera, gw_camera, GW, CAMERA, GObject)

GwCamera *gw_camera_new (const GwCameraSpec * spec);
const GwCameraSpec *gw_camera_get_spec (GwCamera * camera);
const gchar *gw_camera_get_id (GwCamera * camera);

gboolean gw_camera_start (GwCamera * camera, GError ** error);
gboolean gw_camera_stop (GwCamera * camera);
gboolean gw_camera_restart (GwCamera * camera, GError ** error);

GwCameraState gw_camera_get_state (GwCamera * camera);
const gchar *gw_camera_state_to_string (GwCameraState state);
CgError *gw_camera_get_last_error (GwCamera * camera);
JsonNode *gw_camera_get_status (GwCamera * camera);
void gw_camera_write_status (GwCamera * camera, CgJsonWriter * w);

/**
 * GwCameraStatusFunc:
 * @camera: the camera whose status is written
 * @w: the status' writer, inside its object
 * @user_data: as given to gw_camera_set_status_func()
 *
 * Adds members to the camera's status (cg_json_writer_member() then a
 * value).
 */
typedef void (*GwCameraStatusFunc) (GwCamera * camera, CgJsonWriter * w,
    gpointer user_data);
void gw_camera_set_status_func (GwCamera * camera, GwCameraStatusFunc func,
    gpointer user_data);

const GwPipeline *gw_camera_get_pipeline (GwCamera * camera);

gboolean gw_pipeline_stop_bounded (GstElement * pipeline, guint timeout_ms);

G_END_DECLS
