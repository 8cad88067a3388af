/* camguard-gateway - the REST routes of the gateway
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-gateway.h"

G_BEGIN_DECLS

void gw_routes_cameras_add (GwRouter * router, GwGateway * gw);
void gw_routes_ops_add (GwRouter * router, GwGateway * gw);
void gw_routes_mjpeg_add (GwRouter * router, GwGateway * gw);
void gw_routes_whep_add (GwRouter * router, GwGateway * gw);
GBytes *gw_routes_openapi_document (GError ** error);
GwCamera *gw_routes_camera_of (GwRequest * req, GwGateway * gw);
void gw_routes_reply_events (GwRequest * req, GwGateway * gw,
    const gchar * camera_id);

G_END_DECLS
