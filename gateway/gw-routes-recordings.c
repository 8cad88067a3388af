/* camguard-gateway - REST routes and JSON-RPC methods of recordings
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * POST   /api/v1/cameras/{id}/recordings          start (recordings.write)
 * DELETE /api/v1/cameras/{id}/recordings/current  stop  (recordings.write)
 * GET    /api/v1/cameras/{id}/recordings          list  (recordings.read)
 * GET    /api/v1/cameras/{id}/recordings/{name}   download, with Range
 *
 * and the JSON-RPC methods start_recording, stop_recording and
 * list_recordings ({camera, max_duration_s}), doing the same through the
 * GwRecorder. Listing runs on a thread; a download is answered from a
 * read-only mapping of the file (gw-recording-files.c), a single byte
 * range as 206 with Content-Range, an unsatisfiable one as 416.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gw-camera-ops.h"
#include "gw-jsonrpc.h"
#include "gw-params.h"
#include "gw-recording-files.h"
#include "gw-routes.h"
#include "gw-rpc-methods.h"
#include "gw-routes-recordings.h"

#define RECORDINGS "/api/v1/cameras/{id}/recordings"
#define MAX_DURATION_LIMIT (7 * 24 * 3600)

/* ------------------------------------------------------------------ */
/* REST                                                                 */

/* {max_duration_s} of a start: the value, or FALSE with @error set. */
static gboolean
start_params (JsonNode * params, gboolean with_camera, guint * max_s,
    const gchar ** camera_id, CgError ** error)
{
  g_autoptr (GwParams) p = NULL;
  gint64 v = 0;

  if (params && !JSON_NODE_HOLDS_OBJECT (params)) {
    *error = cg_error_new (CG_CODE_INVALID_REQUEST,
        "The request body must be a JSON object");
    return FALSE;
  }
  p = gw_params_new (params);
  if (with_camera)
    *camera_id = gw_params_get_string (p, "camera", TRUE);
  gw_params_get_int (p, "max_duration_s", FALSE, 1, MAX_DURATION_LIMIT, &v);
  gw_params_reject_unknown (p);
  *max_s = (guint) v;
  return gw_params_finish (p, error);
}

static void
start_recording (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  GwCamera *camera = gw_routes_camera_of (req, gw);
  g_autoptr (CgError) error = NULL;
  CgJsonWriter *w;
  guint max_s = 0;

  if (camera == NULL)
    return;
  if (!start_params (gw_request_get_body (req), FALSE, &max_s, NULL, &error)
      || !gw_recorder_start (gw->recorder, camera, max_s, &error)) {
    gw_request_reply_error (req, error);
    return;
  }
  w = cg_json_writer_new ();
  gw_recorder_write_status (gw->recorder, gw_camera_get_id (camera), w);
  gw_request_reply_writer (req, SOUP_STATUS_CREATED, w);
}

static void
stopped (CgJsonWriter * result, const CgError * error, gpointer user_data)
{
  g_autoptr (GwRequest) req = user_data;

  if (result)
    gw_request_reply_writer (req, SOUP_STATUS_OK, result);
  else
    gw_request_reply_error (req, error);
}

static void
stop_recording (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  GwCamera *camera = gw_routes_camera_of (req, gw);

  if (camera == NULL)
    return;
  gw_request_pause (req);
  gw_recorder_stop_async (gw->recorder, camera, stopped, gw_request_ref (req));
}

static void
listed (GObject * source, GAsyncResult * result, gpointer user_data)
{
  g_autoptr (GwRequest) req = user_data;

  gw_request_reply_writer (req, SOUP_STATUS_OK,
      gw_recorder_list_finish (result));
}

static void
list_recordings (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  GwCamera *camera = gw_routes_camera_of (req, gw);

  if (camera == NULL)
    return;
  gw_request_pause (req);
  gw_recorder_list_async (gw->recorder, camera, listed, gw_request_ref (req));
}

static gboolean
parse_u64 (const gchar * text, guint64 * v)
{
  g_autofree gchar *t = g_strstrip (g_strdup (text));

  return *t && g_ascii_string_to_unsigned (t, 10, 0, G_MAXUINT64, v, NULL);
}

/**
 * gw_routes_parse_range:
 * @header: (nullable): the Range header
 * @size: the file's size
 * @start: (out): the first byte
 * @end: (out): the last byte
 *
 * One byte range of a `Range: bytes=A-B`, `bytes=A-` or `bytes=-N`
 * header. A missing, malformed or multi-range header is ignored (RFC 9110:
 * the whole file is answered).
 *
 * Returns: 1 for a range, 0 for the whole file, -1 when the range cannot
 *   be satisfied (416)
 */
gint
gw_routes_parse_range (const gchar * header, guint64 size, guint64 * start,
    guint64 * end)
{
  g_autofree gchar *first = NULL, *last = NULL;
  const gchar *spec, *dash;
  guint64 a, b;

  if (header == NULL || !g_str_has_prefix (header, "bytes=")
      || strchr (header, ',') || (dash = strchr (header, '-')) == NULL)
    return 0;
  spec = header + 6;
  first = g_strndup (spec, dash - spec);
  if (*g_strstrip (first) == '\0') {
    if (!parse_u64 (dash + 1, &b))
      return 0;
    if (b == 0 || size == 0)
      return -1;
    *start = size > b ? size - b : 0;
    *end = size - 1;
    return 1;
  }
  if (!parse_u64 (first, &a))
    return 0;
  last = g_strstrip (g_strdup (dash + 1));
  if (*last == '\0')
    b = G_MAXUINT64;
  else if (!parse_u64 (dash + 1, &b) || b < a)
    return 0;
  if (a >= size)
    return -1;
  *start = a;
  *end = MIN (b, size - 1);
  return 1;
}

static void
reply_unsatisfiable (GwRequest * req, guint64 size)
{
  g_autoptr (CgError) e = cg_error_new (CG_CODE_VALIDATION_ERROR,
      "The requested range is outside the file");
  CgJsonWriter *w = cg_json_writer_new ();
  g_autofree gchar *range = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT,
      size);

  gst_structure_set (cg_error_get_details_writable (e), "field",
      G_TYPE_STRING, "Range", "size", G_TYPE_UINT64, size, NULL);
  cg_error_write_json (e, gw_request_get_request_id (req), w);
  gw_request_add_header (req, "Content-Range", range);
  gw_request_reply_writer (req, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, w);
}

static void
download (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  GwCamera *camera = gw_routes_camera_of (req, gw);
  const gchar *name = gw_request_get_param (req, "name");
  g_autoptr (CgError) error = NULL;
  g_autoptr (GMappedFile) map = NULL;
  g_autoptr (GBytes) all = NULL, body = NULL;
  g_autofree gchar *dir = NULL, *disposition = NULL;
  guint64 size, start = 0, end = 0;
  gint range;

  if (camera == NULL)
    return;
  dir = gw_recorder_camera_dir (gw->recorder, gw_camera_get_id (camera));
  map = gw_rec_open (dir, name, &error);
  if (map == NULL) {
    gw_request_reply_error (req, error);
    return;
  }
  all = g_mapped_file_get_bytes (map);
  size = g_bytes_get_size (all);
  range = gw_routes_parse_range (soup_message_headers_get_one
      (soup_server_message_get_request_headers (gw_request_get_message
              (req)), "Range"), size, &start, &end);
  if (range < 0) {
    reply_unsatisfiable (req, size);
    return;
  }
  gw_request_add_header (req, "Accept-Ranges", "bytes");
  disposition = g_strdup_printf ("attachment; filename=\"%s\"", name);
  gw_request_add_header (req, "Content-Disposition", disposition);
  if (range == 0) {
    gw_request_reply_bytes (req, SOUP_STATUS_OK, "video/mp4", all);
    return;
  }
  {
    g_autofree gchar *cr = g_strdup_printf ("bytes %" G_GUINT64_FORMAT "-%"
        G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, start, end, size);

    gw_request_add_header (req, "Content-Range", cr);
  }
  body = g_bytes_new_from_bytes (all, start, end - start + 1);
  gw_request_reply_bytes (req, SOUP_STATUS_PARTIAL_CONTENT, "video/mp4", body);
}

/**
 * gw_routes_recordings_add:
 * @router: the router
 * @gw: the gateway (its registry and recorder; outlives @router)
 *
 * Adds the recording routes under /api/v1/cameras/{id}/recordings.
 */
void
gw_routes_recordings_add (GwRouter * router, GwGateway * gw)
{
  gw_router_add_route (router, "POST", RECORDINGS, "recordings.write",
      GW_ROUTE_NONE, start_recording, gw);
  gw_router_add_route (router, "DELETE", RECORDINGS "/current",
      "recordings.write", GW_ROUTE_NONE, stop_recording, gw);
  gw_router_add_route (router, "GET", RECORDINGS, "recordings.read",
      GW_ROUTE_NONE, list_recordings, gw);
  gw_router_add_route (router, "GET", RECORDINGS "/{name}",
      "recordings.read", GW_ROUTE_NONE, download, gw);
}

/* ------------------------------------------------------------------ */
/* JSON-RPC                                                             */

/* Answers @call with the value @w wrote (freed). gw_rpc_call_return()
 * takes a tree for now: the one place to switch to a writer-based return
 * once gw-rpc-registry.h has one. */
static void
rpc_return_writer (GwRpcCall * call, CgJsonWriter * w)
{
  gw_rpc_call_return_writer (call, w);
}

static void
rpc_start (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  GwGateway *gw = user_data;
  CgError *error = NULL;
  const gchar *id = NULL;
  GwCamera *camera = NULL;
  guint max_s = 0;

  if (start_params (params, TRUE, &max_s, &id, &error))
    camera = gw_camera_ops_lookup (gw->registry, id, &error);
  if (camera && gw_recorder_start (gw->recorder, camera, max_s, &error)) {
    CgJsonWriter *w = cg_json_writer_new ();

    gw_recorder_write_status (gw->recorder, id, w);
    rpc_return_writer (call, w);
  } else {
    gw_rpc_call_return_error (call, error);
  }
}

static void
rpc_stopped (CgJsonWriter * result, const CgError * error, gpointer user_data)
{
  GwRpcCall *call = user_data;

  if (result)
    rpc_return_writer (call, result);
  else
    gw_rpc_call_return_error (call, cg_error_copy (error));
}

static void
rpc_stop (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  GwGateway *gw = user_data;
  GwCamera *camera = gw_rpc_camera_param (call, gw, params, TRUE);

  if (camera)
    gw_recorder_stop_async (gw->recorder, camera, rpc_stopped, call);
}

static void
rpc_listed (GObject * source, GAsyncResult * result, gpointer user_data)
{
  rpc_return_writer (user_data, gw_recorder_list_finish (result));
}

static void
rpc_list (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  GwGateway *gw = user_data;
  GwCamera *camera = gw_rpc_camera_param (call, gw, params, TRUE);

  if (camera)
    gw_recorder_list_async (gw->recorder, camera, rpc_listed, call);
}

/**
 * gw_rpc_recordings_add:
 * @rpc: the JSON-RPC registry
 * @gw: the gateway (outlives @rpc)
 *
 * Adds start_recording ({camera, max_duration_s}), stop_recording and
 * list_recordings ({camera}); failures are RECORDING_FAILED (-32008) with
 * the storage code as `cause`.
 */
void
gw_rpc_recordings_add (GwRpcRegistry * rpc, GwGateway * gw)
{
  gw_rpc_registry_add (rpc, "start_recording", "recordings.write", rpc_start,
      gw, NULL);
  gw_rpc_registry_add (rpc, "stop_recording", "recordings.write", rpc_stop,
      gw, NULL);
  gw_rpc_registry_add (rpc, "list_recordings", "recordings.read", rpc_list,
      gw, NULL);
}
