/* camguard-gateway - REST routes of the WebRTC live view (WHEP)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * POST /api/v1/cameras/{id}/whep (application/sdp offer) -> 201 Created,
 * `Location: /api/v1/cameras/{id}/whep/{session}`, the answer SDP; the
 * request is paused while the viewer negotiates and gathers (gw-whep.c),
 * so the main loop keeps serving. DELETE on the Location ends the viewer;
 * PATCH (trickle ICE) is refused with 405: gathering completes before the
 * answer, the answer carries every candidate. Same role as a snapshot
 * ("live.watch": viewers may watch).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gw-camera-ops.h"
#include "gw-routes.h"
#include "gw-whep.h"

#define WHEP "/api/v1/cameras/{id}/whep"
#define WHEP_SESSION WHEP "/{session}"

typedef struct
{
  GwRequest *req;
  gchar *camera_id;
} Pending;

static void
offer_ready (GObject * source, GAsyncResult * result, gpointer user_data)
{
  Pending *p = user_data;
  g_autoptr (CgError) error = NULL;
  g_autoptr (GwWhepAnswer) answer = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree gchar *location = NULL;

  answer = gw_whep_offer_finish (NULL, result, &error);
  if (answer == NULL) {
    gw_request_reply_error (p->req, error);
  } else {
    location = g_strdup_printf ("/api/v1/cameras/%s/whep/%s", p->camera_id,
        answer->session_id);
    gw_request_add_header (p->req, "Location", location);
    body = g_bytes_new (answer->sdp, strlen (answer->sdp));
    gw_request_reply_bytes (p->req, SOUP_STATUS_CREATED, "application/sdp",
        body);
  }
  gw_request_unref (p->req);
  g_free (p->camera_id);
  g_free (p);
}

static void
whep_offer (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  g_autoptr (CgError) error = NULL;
  SoupServerMessage *msg = gw_request_get_message (req);
  g_autoptr (GBytes) body = NULL;
  GwCamera *camera;
  Pending *p;

  camera = gw_camera_ops_lookup (gw->registry, gw_request_get_param (req,
          "id"), &error);
  if (camera == NULL) {
    gw_request_reply_error (req, error);
    return;
  }
  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  p = g_new0 (Pending, 1);
  p->req = gw_request_ref (req);
  p->camera_id = g_strdup (gw_camera_get_id (camera));
  gw_request_pause (req);
  gw_whep_offer_async (gw->whep, p->camera_id,
      soup_message_headers_get_content_type
      (soup_server_message_get_request_headers (msg), NULL), body,
      offer_ready, p);
}

static void
whep_delete (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  g_autoptr (CgError) error = NULL;
  CgJsonWriter *w;

  /* an unknown camera is CAMERA_NOT_FOUND, as on every camera route */
  if (gw_routes_camera_of (req, gw) == NULL)
    return;
  if (!gw_whep_end (gw->whep, gw_request_get_param (req, "id"),
          gw_request_get_param (req, "session"), &error)) {
    gw_request_reply_error (req, error);
    return;
  }
  w = cg_json_writer_new ();
  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "session",
      gw_request_get_param (req, "session"));
  cg_json_writer_member_boolean (w, "ended", TRUE);
  cg_json_writer_end_object (w);
  gw_request_reply_writer (req, SOUP_STATUS_OK, w);
}

static void
whep_patch (GwRequest * req, gpointer user_data)
{
  g_autoptr (CgError) error = NULL;

  if (gw_routes_camera_of (req, user_data) == NULL)
    return;
  error = cg_error_new (CG_CODE_METHOD_NOT_ALLOWED,
      "Trickle ICE is not supported: the answer carries every candidate");
  gw_request_add_header (req, "Allow", "DELETE");
  gst_structure_set (cg_error_get_details_writable (error), "allow",
      G_TYPE_STRING, "DELETE", NULL);
  gw_request_reply_error (req, error);
}

/**
 * gw_routes_whep_add:
 * @router: the router
 * @gw: the gateway (its registry and its WHEP viewers; outlives @router)
 *
 * Adds the WHEP routes under /api/v1/cameras/{id}/whep.
 */
void
gw_routes_whep_add (GwRouter * router, GwGateway * gw)
{
  gw_router_add_route (router, "POST", WHEP, "live.watch", GW_ROUTE_BODY_RAW,
      whep_offer, gw);
  gw_router_add_route (router, "DELETE", WHEP_SESSION, "live.watch",
      GW_ROUTE_NONE, whep_delete, gw);
  gw_router_add_route (router, "PATCH", WHEP_SESSION, "live.watch",
      GW_ROUTE_BODY_RAW, whep_patch, gw);
}
