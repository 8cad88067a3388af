/* camguard-gateway - checking the members of a JSON params object
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <camguard.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _GwParams GwParams;

GwParams *gw_params_new (JsonNode * params);
void gw_params_free (GwParams * params);
const gchar *gw_params_get_string (GwParams * params, const gchar * name,
    gboolean required);
gboolean gw_params_get_int (GwParams * params, const gchar * name,
    gboolean required, gint64 min, gint64 max, gint64 * value);
gboolean gw_params_get_boolean (GwParams * params, const gchar * name,
    gboolean required, gboolean * value);
gchar **gw_params_get_strv (GwParams * params, const gchar * name,
    gboolean required, const gchar * const *allowed);
void gw_params_add_error (GwParams * params, const gchar * field,
    const gchar * reason);
void gw_params_reject_unknown (GwParams * params);
gboolean gw_params_finish (GwParams * params, CgError ** error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwParams, gw_params_free)

G_END_DECLS
