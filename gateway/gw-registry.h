/* camguard-gateway - the set of cameras and its persistence
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-camera.h"

G_BEGIN_DECLS

#define GW_REGISTRY_FILE "cameras.json"

#define GW_TYPE_REGISTRY (gw_registry_get_type ())
G_DECLARE_FINAL_TYPE (GwRegistry, gw_registry, GW, REGISTRY, GObject)

GwRegistry *gw_registry_new (const gchar * data_dir,
    const GwSpecPolicy * policy, gboolean autostart);
gboolean gw_registry_load (GwRegistry * registry, GPtrArray * config_specs,
    GError ** error);

GwCamera *gw_registry_lookup (GwRegistry * registry, const gchar * id);
GPtrArray *gw_registry_list (GwRegistry * registry);
const GwSpecPolicy *gw_registry_get_policy (GwRegistry * registry);

GwCamera *gw_registry_create (GwRegistry * registry,
    const GwCameraSpec * spec, CgError ** error);
GwCamera *gw_registry_replace (GwRegistry * registry,
    const GwCameraSpec * spec, CgError ** error);
GwCamera *gw_registry_patch (GwRegistry * registry, const gchar * id,
    JsonObject * patch, CgError ** error);
gboolean gw_registry_delete (GwRegistry * registry, const gchar * id,
    CgError ** error);

void gw_registry_start_all (GwRegistry * registry);
gboolean gw_registry_stop_all (GwRegistry * registry);

G_END_DECLS
