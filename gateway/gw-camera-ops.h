/* camguard-gateway - what REST routes and JSON-RPC methods do to a camera
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "gw-metrics.h"
#include "gw-params.h"
#include "gw-registry.h"

G_BEGIN_DECLS

/* The largest snapshot a caller may ask for (8K UHD); the smallest is
 * libcamguard's CG_SNAPSHOT_MIN_SIZE. REST and JSON-RPC check the same. */
#define GW_SNAPSHOT_MAX_WIDTH 7680
#define GW_SNAPSHOT_MAX_HEIGHT 4320

/**
 * GwSnapshot:
 * @jpeg: the picture
 * @age_ms: how old the frame was when it was encoded
 *
 * A snapshot, for gw_camera_ops_snapshot_finish().
 */
typedef struct
{
  GBytes *jpeg;
  guint64 age_ms;
} GwSnapshot;

void gw_snapshot_free (GwSnapshot * snapshot);

GwCamera *gw_camera_ops_lookup (GwRegistry * registry, const gchar * id,
    CgError ** error);
void gw_camera_ops_write_describe (GwCamera * camera, CgJsonWriter * w);
void gw_camera_ops_write_list (GwRegistry * registry, CgJsonWriter * w);

gboolean gw_camera_ops_start (GwCamera * camera, CgError ** error);
gboolean gw_camera_ops_control (GwCamera * camera, const gchar * what,
    CgError ** error);
gboolean gw_camera_ops_write_quality (GwCamera * camera, CgJsonWriter * w,
    CgError ** error);
gboolean gw_camera_ops_set_quality (GwCamera * camera, JsonNode * params,
    CgError ** error);

void gw_camera_ops_snapshot_async (GwCamera * camera, guint width,
    guint height, guint quality, GwMetrics * metrics,
    GCancellable * cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
GwSnapshot *gw_camera_ops_snapshot_finish (GwCamera * camera,
    GAsyncResult * result, CgError ** error);
CgError *gw_camera_ops_snapshot_error (GwCamera * camera, const gchar * why);
/* How long a `fresh` snapshot waits for the next frame. */
#define GW_SNAPSHOT_FRESH_TIMEOUT_MS 5000

void gw_camera_ops_snapshot_fresh_async (GwCamera * camera, guint width,
    guint height, guint quality, GwMetrics * metrics, guint timeout_ms,
    GCancellable * cancellable, GAsyncReadyCallback callback,
    gpointer user_data);
gboolean gw_camera_ops_snapshot_mode (GwParams * params, const gchar * mode);
void gw_camera_ops_snapshot_params (GwParams * params, const gchar * width,
    const gchar * height, const gchar * quality, guint * w, guint * h,
    guint * q);

CgError *gw_cg_error_from_gerror (const GError * error, CgCode fallback);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwSnapshot, gw_snapshot_free)

G_END_DECLS
