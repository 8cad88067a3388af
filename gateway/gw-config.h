/* camguard-gateway - the configuration file
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-camera-spec.h"

G_BEGIN_DECLS

typedef struct
{
  gchar *path;                  /* the file, or NULL for defaults only */
  gchar *listen;
  guint port;
  guint rtsp_port;
  gchar *data_dir;
  gboolean auth;
  gboolean allow_pipelines;
  guint ws_max_clients;         /* WebSocket clients at once */
  gchar **metrics_keys;         /* key names that may read /metrics */
  guint mjpeg_max_clients;      /* MJPEG clients per camera */
  guint storage_low_mb;         /* STORAGE_LOW below this (MiB), 0 never */
  guint whep_max_viewers;       /* WHEP viewers per camera */
  guint whep_reap_timeout_ms;   /* no receiver report for this long: reaped */
  GPtrArray *cameras;           /* (element-type GwCameraSpec) */
} GwConfig;

GwConfig *gw_config_new (void);
GwConfig *gw_config_load (const gchar * path, GError ** error);
gboolean gw_config_check (GwConfig * config, GError ** error);
GwSpecPolicy gw_config_get_policy (const GwConfig * config);
void gw_config_free (GwConfig * config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwConfig, gw_config_free)

G_END_DECLS
