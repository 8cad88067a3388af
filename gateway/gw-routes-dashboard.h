/* camguard-gateway - the web dashboard's files and GET /api/v1/whoami
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-gateway.h"

G_BEGIN_DECLS

void gw_routes_dashboard_add (GwRouter * router, GwGateway * gw);
const gchar *gw_dashboard_content_type (const gchar * name);
gboolean gw_dashboard_name_is_safe (const gchar * name);

G_END_DECLS
