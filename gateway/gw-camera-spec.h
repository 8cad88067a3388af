/* camguard-gateway - a camera spec: what one camera is and how to run it
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <camguard.h>
#include <json-glib/json-glib.h>

#include "gw-problems.h"

G_BEGIN_DECLS

typedef enum
{
  GW_CAMERA_TEST,
  GW_CAMERA_V4L2,
  GW_CAMERA_RTSP,
  GW_CAMERA_HTTP,
  GW_CAMERA_PIPELINE,
} GwCameraType;

#define GW_CAMERA_ID_MAX 64

/* One camera. Durations are milliseconds; 0 width/height/framerate means
 * "the source's own". */
typedef struct
{
  gchar *id;
  GwCameraType type;

  gchar *pattern;               /* test */
  guint width, height;          /* test, v4l2 */
  gint fps_n, fps_d;            /* test, v4l2 */
  gchar *device;                /* v4l2 */
  gchar *format;                /* v4l2: a raw format (YUY2...) or MJPG */
  gchar *uri;                   /* rtsp, http: may hold credentials */
  gchar *transport;             /* rtsp: auto, tcp, udp */
  gchar *description;           /* pipeline */
  gboolean encoded;             /* pipeline: outputs H.264/H.265 */

  guint retry_max_attempts;
  guint retry_initial_delay;
  guint retry_max_delay;
  guint retry_timeout;

  guint snapshot_max_age;
  guint snapshot_quality;

  gchar *ladder;                /* NULL: the element's default */
  gchar *ladder_mode;           /* auto, manual */
  gboolean record;              /* continuous recording */
  guint record_segment;         /* seconds per file */
  guint record_max_age;         /* seconds; 0: kept */
  guint record_max_size;        /* MiB of continuous files; 0: no limit */
} GwCameraSpec;

/* What a spec is checked against. */
typedef struct
{
  gboolean allow_pipelines;     /* the pipeline type is accepted */
} GwSpecPolicy;

GwCameraSpec *gw_camera_spec_new (const gchar * id, GwCameraType type);
GwCameraSpec *gw_camera_spec_copy (const GwCameraSpec * spec);
void gw_camera_spec_free (GwCameraSpec * spec);

const gchar *gw_camera_type_to_string (GwCameraType type);
gboolean gw_camera_type_from_string (const gchar * name, GwCameraType * type);
gboolean gw_camera_type_is_raw (const GwCameraSpec * spec);
gboolean gw_camera_id_is_valid (const gchar * id);

GwCameraSpec *gw_camera_spec_from_keyfile (GKeyFile * keyfile,
    const gchar * group, const gchar * id, const GwSpecPolicy * policy,
    GPtrArray * problems);
GwCameraSpec *gw_camera_spec_from_json (JsonObject * object,
    const gchar * id, const GwSpecPolicy * policy, CgError ** error);
JsonNode *gw_camera_spec_to_json (const GwCameraSpec * spec,
    gboolean stored_form);
void gw_camera_spec_write_json (const GwCameraSpec * spec,
    gboolean stored_form, CgJsonWriter * w);
void gw_camera_spec_write_members (const GwCameraSpec * spec,
    gboolean stored_form, CgJsonWriter * w);


G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwCameraSpec, gw_camera_spec_free)

G_END_DECLS
