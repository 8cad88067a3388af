/* camguard - renderers: one CgError, every wire format
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:cg-render
 * @title: Renderers
 * @short_description: one #CgError as flat JSON, RFC 7807, JSON-RPC 2.0,
 *   WebSocket event or #GstStructure
 *
 * Every wire format of an error is produced here, from one #CgError:
 *
 * - flat JSON `{"error_code", "message", "details", "request_id"}`:
 *   cg_error_to_json_node();
 * - RFC 7807 `application/problem+json`: cg_error_to_problem_node();
 * - JSON-RPC 2.0 error objects and responses:
 *   cg_error_to_jsonrpc_error_node(), cg_error_to_jsonrpc_response();
 * - the WebSocket error event: cg_error_to_event_node();
 * - a `camguard-error` #GstStructure for element messages:
 *   cg_error_to_structure(), and back with cg_error_from_structure().
 *
 * All JSON is built once as #JsonNode trees; the string variants only
 * serialise those trees. The `details` object shared by all JSON formats is
 * cg_error_details_to_json_node().
 *
 * Every string that leaves a renderer (message, debug string, element
 * path, detail values) goes through cg_redact() first, so no format can leak
 * a camera password or an API token.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "cg-render.h"

#define PROBLEM_TYPE_BASE "https://camguard.dev/errors/"

/* ---------------------------------------------------------------------- */
/* JSON                                                                   */
/* ---------------------------------------------------------------------- */

static void
add_string_member (JsonBuilder * b, const gchar * name, const gchar * value)
{
  gchar *r;

  if (value == NULL)
    return;
  r = cg_redact (value);
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, r);
  g_free (r);
}

static gboolean
is_fixed_detail (const gchar * name)
{
  static const gchar *const fixed[] = {
    "domain", "gst_code", "element", "factory", "debug", "message_type",
    "secondary", "correlation_id", NULL
  };

  return g_strv_contains (fixed, name);
}

static void add_value (JsonBuilder * b, const GValue * v);

static gboolean
add_field (GQuark field, const GValue * value, gpointer user_data)
{
  JsonBuilder *b = user_data;
  const gchar *name = g_quark_to_string (field);

  json_builder_set_member_name (b, name);
  if (cg_redact_is_secret_name (name))
    json_builder_add_string_value (b, CG_REDACT_MASK);
  else
    add_value (b, value);
  return TRUE;
}

/* One GValue as JSON: numbers and booleans as such, strings redacted,
 * structures as objects, lists and arrays as arrays, anything else as its
 * redacted serialisation. */
static void
add_value (JsonBuilder * b, const GValue * v)
{
  GType t = G_VALUE_TYPE (v);

  if (GST_VALUE_HOLDS_STRUCTURE (v) && gst_value_get_structure (v)) {
    json_builder_begin_object (b);
    gst_structure_foreach (gst_value_get_structure (v), add_field, b);
    json_builder_end_object (b);
    return;
  }
  if (GST_VALUE_HOLDS_LIST (v) || GST_VALUE_HOLDS_ARRAY (v)) {
    guint i, n = GST_VALUE_HOLDS_LIST (v) ? gst_value_list_get_size (v) :
        gst_value_array_get_size (v);

    json_builder_begin_array (b);
    for (i = 0; i < n; i++)
      add_value (b, GST_VALUE_HOLDS_LIST (v) ? gst_value_list_get_value (v,
              i) : gst_value_array_get_value (v, i));
    json_builder_end_array (b);
    return;
  }
  switch (G_TYPE_FUNDAMENTAL (t)) {
    case G_TYPE_INT:
      json_builder_add_int_value (b, g_value_get_int (v));
      return;
    case G_TYPE_UINT:
      json_builder_add_int_value (b, g_value_get_uint (v));
      return;
    case G_TYPE_LONG:
      json_builder_add_int_value (b, g_value_get_long (v));
      return;
    case G_TYPE_ULONG:
      if (g_value_get_ulong (v) <= G_MAXINT64) {
        json_builder_add_int_value (b, (gint64) g_value_get_ulong (v));
        return;
      }
      break;
    case G_TYPE_INT64:
      json_builder_add_int_value (b, g_value_get_int64 (v));
      return;
    case G_TYPE_UINT64:
      /* GStreamer's "none" (GST_CLOCK_TIME_NONE, -1 as guint64) */
      if (g_value_get_uint64 (v) == G_MAXUINT64) {
        json_builder_add_null_value (b);
        return;
      }
      if (g_value_get_uint64 (v) <= G_MAXINT64) {
        json_builder_add_int_value (b, (gint64) g_value_get_uint64 (v));
        return;
      }
      break;
    case G_TYPE_DOUBLE:
      json_builder_add_double_value (b, g_value_get_double (v));
      return;
    case G_TYPE_FLOAT:
      json_builder_add_double_value (b, g_value_get_float (v));
      return;
    case G_TYPE_BOOLEAN:
      json_builder_add_boolean_value (b, g_value_get_boolean (v));
      return;
    case G_TYPE_STRING:{
      const gchar *s = g_value_get_string (v);

      if (s == NULL) {
        json_builder_add_null_value (b);
      } else {
        gchar *r = cg_redact (s);

        json_builder_add_string_value (b, r);
        g_free (r);
      }
      return;
    }
    default:
      break;
  }

  {
    gchar *ser = gst_value_serialize (v);
    gchar *r = cg_redact (ser);

    if (r)
      json_builder_add_string_value (b, r);
    else
      json_builder_add_null_value (b);
    g_free (ser);
    g_free (r);
  }
}

/**
 * cg_error_details_to_json_node:
 * @error: a #CgError
 *
 * The `details` object that every JSON format carries: the GStreamer facts
 * `domain`, `gst_code`, `element` (the source element's path), `factory`,
 * `debug`, `message_type`, `secondary` (only when %TRUE) and
 * `correlation_id`, each only when known, followed by every field of the
 * error's details structure: numbers and booleans as JSON values, strings
 * as strings, nested structures as objects, lists and arrays as arrays,
 * anything else as its gst_value_serialize() text. Fields named like the
 * facts above are skipped. All strings are redacted, and fields whose name
 * looks secret are masked whole.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
cg_error_details_to_json_node (const CgError * error)
{
  JsonBuilder *b;
  JsonNode *node;
  const GstStructure *details;
  gint i, n;

  g_return_val_if_fail (error != NULL, NULL);

  b = json_builder_new ();
  json_builder_begin_object (b);
  add_string_member (b, "domain", cg_error_get_gst_domain (error));
  add_string_member (b, "gst_code", cg_error_get_gst_code (error));
  add_string_member (b, "element", cg_error_get_source_path (error));
  add_string_member (b, "factory", cg_error_get_factory (error));
  add_string_member (b, "debug", cg_error_get_debug (error));
  add_string_member (b, "message_type", cg_error_get_message_type (error));
  if (cg_error_is_secondary (error)) {
    json_builder_set_member_name (b, "secondary");
    json_builder_add_boolean_value (b, TRUE);
  }
  add_string_member (b, "correlation_id", cg_error_get_correlation_id (error));

  details = cg_error_get_details (error);
  n = details ? gst_structure_n_fields (details) : 0;
  for (i = 0; i < n; i++) {
    const gchar *name = gst_structure_nth_field_name (details, i);

    if (is_fixed_detail (name))
      continue;
    add_field (g_quark_from_string (name),
        gst_structure_get_value (details, name), b);
  }
  json_builder_end_object (b);

  node = json_builder_get_root (b);
  g_object_unref (b);
  return node;
}

/**
 * cg_structure_to_json_node:
 * @structure: a #GstStructure, such as an element's `statistics`
 *
 * Renders @structure as a JSON object the way error details are rendered:
 * numbers and booleans as such (a guint64 of %G_MAXUINT64, which is
 * GStreamer's %GST_CLOCK_TIME_NONE, as null), nested structures as objects,
 * lists and arrays as arrays, strings redacted with cg_redact() and fields
 * whose name looks secret masked whole.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
cg_structure_to_json_node (const GstStructure * structure)
{
  JsonBuilder *b;
  JsonNode *node;

  g_return_val_if_fail (structure != NULL, NULL);

  b = json_builder_new ();
  json_builder_begin_object (b);
  gst_structure_foreach (structure, add_field, b);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  g_object_unref (b);
  return node;
}

static gchar *
node_to_string (JsonNode * node)
{
  gchar *s = json_to_string (node, FALSE);

  json_node_unref (node);
  return s;
}

/**
 * cg_error_to_json_node:
 * @error: a #CgError
 * @request_id: (nullable): the request id, or %NULL
 *
 * The flat error body of the REST API:
 * `{"error_code", "message", "details", "request_id"}`, where `error_code`
 * is the flat code (e.g. "CAMERA_NOT_FOUND") and `request_id` is left out
 * when @request_id is %NULL.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
cg_error_to_json_node (const CgError * error, const gchar * request_id)
{
  JsonBuilder *b;
  JsonNode *node;

  g_return_val_if_fail (error != NULL, NULL);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error_code");
  json_builder_add_string_value (b, cg_error_get_code_name (error));
  add_string_member (b, "message", cg_error_get_message (error));
  json_builder_set_member_name (b, "details");
  json_builder_add_value (b, cg_error_details_to_json_node (error));
  add_string_member (b, "request_id", request_id);
  json_builder_end_object (b);

  node = json_builder_get_root (b);
  g_object_unref (b);
  return node;
}

/**
 * cg_error_to_json:
 * @error: a #CgError
 * @request_id: (nullable): the request id, or %NULL
 *
 * cg_error_to_json_node() as a compact JSON string.
 *
 * Returns: (transfer full): the JSON text
 */
gchar *
cg_error_to_json (const CgError * error, const gchar * request_id)
{
  g_return_val_if_fail (error != NULL, NULL);
  return node_to_string (cg_error_to_json_node (error, request_id));
}

/**
 * cg_code_problem_type_uri:
 * @code: a catalogue code
 *
 * The stable RFC 7807 `type` URI of @code:
 * `https://camguard.dev/errors/` followed by the flat code in lower case
 * with dashes, e.g. `https://camguard.dev/errors/camera-not-found`.
 *
 * Returns: (transfer full): the URI
 */
gchar *
cg_code_problem_type_uri (CgCode code)
{
  const gchar *name = cg_code_to_name (code);
  gchar *lower, *p, *uri;

  if (name == NULL)
    name = cg_code_to_name (CG_CODE_INTERNAL_ERROR);
  lower = g_ascii_strdown (name, -1);
  for (p = lower; *p; p++)
    if (*p == '_')
      *p = '-';
  uri = g_strconcat (PROBLEM_TYPE_BASE, lower, NULL);
  g_free (lower);
  return uri;
}

/**
 * cg_error_to_problem_node:
 * @error: a #CgError
 * @request_id: (nullable): the request id, or %NULL
 * @instance: (nullable): the RFC 7807 `instance`, or %NULL to use
 *   @request_id
 *
 * An RFC 7807 `application/problem+json` object: `type`
 * (cg_code_problem_type_uri()), `title` (the catalogue title), `status`
 * (the catalogue's HTTP status; left out for warnings, which have none),
 * `detail` (the message) and `instance` (left out when both @instance and
 * @request_id are %NULL), plus the extension members `error_code`,
 * `request_id` (when given), `severity`, `retryable`, `details` and `hint`.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
cg_error_to_problem_node (const CgError * error, const gchar * request_id,
    const gchar * instance)
{
  CgCode code;
  const CgCatalogueEntry *row;
  JsonBuilder *b;
  JsonNode *node;
  gchar *type;

  g_return_val_if_fail (error != NULL, NULL);

  code = cg_error_get_code (error);
  row = cg_catalogue_lookup (code);
  type = cg_code_problem_type_uri (code);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, row->title);
  if (row->http_status != 0) {
    json_builder_set_member_name (b, "status");
    json_builder_add_int_value (b, row->http_status);
  }
  add_string_member (b, "detail", cg_error_get_message (error));
  add_string_member (b, "instance", instance ? instance : request_id);
  json_builder_set_member_name (b, "error_code");
  json_builder_add_string_value (b, row->name);
  add_string_member (b, "request_id", request_id);
  json_builder_set_member_name (b, "severity");
  json_builder_add_string_value (b,
      cg_severity_to_string (cg_error_get_severity (error)));
  json_builder_set_member_name (b, "retryable");
  json_builder_add_boolean_value (b, row->retryable);
  json_builder_set_member_name (b, "details");
  json_builder_add_value (b, cg_error_details_to_json_node (error));
  json_builder_set_member_name (b, "hint");
  json_builder_add_string_value (b, row->hint);
  json_builder_end_object (b);

  node = json_builder_get_root (b);
  g_object_unref (b);
  g_free (type);
  return node;
}

/**
 * cg_error_to_problem_json:
 * @error: a #CgError
 * @request_id: (nullable): the request id, or %NULL
 * @instance: (nullable): the RFC 7807 `instance`, or %NULL to use
 *   @request_id
 *
 * cg_error_to_problem_node() as a compact JSON string, to be sent with the
 * content type `application/problem+json`.
 *
 * Returns: (transfer full): the JSON text
 */
gchar *
cg_error_to_problem_json (const CgError * error, const gchar * request_id,
    const gchar * instance)
{
  g_return_val_if_fail (error != NULL, NULL);
  return node_to_string (cg_error_to_problem_node (error, request_id,
          instance));
}

/**
 * cg_error_to_jsonrpc_error_node:
 * @error: a #CgError
 * @request_id: (nullable): the request id, or %NULL
 *
 * A JSON-RPC 2.0 error object: `code` (the catalogue's JSON-RPC code;
 * -32000 for warnings, which have none), `message`, and `data` with
 * `error_code`, `details`, `request_id` (when given), `severity`,
 * `retryable` and `hint`.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
cg_error_to_jsonrpc_error_node (const CgError * error, const gchar * request_id)
{
  const CgCatalogueEntry *row;
  JsonBuilder *b;
  JsonNode *node;

  g_return_val_if_fail (error != NULL, NULL);

  row = cg_catalogue_lookup (cg_error_get_code (error));

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b,
      row->jsonrpc_code ? row->jsonrpc_code : -32000);
  add_string_member (b, "message", cg_error_get_message (error));
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error_code");
  json_builder_add_string_value (b, row->name);
  json_builder_set_member_name (b, "details");
  json_builder_add_value (b, cg_error_details_to_json_node (error));
  add_string_member (b, "request_id", request_id);
  json_builder_set_member_name (b, "severity");
  json_builder_add_string_value (b,
      cg_severity_to_string (cg_error_get_severity (error)));
  json_builder_set_member_name (b, "retryable");
  json_builder_add_boolean_value (b, row->retryable);
  json_builder_set_member_name (b, "hint");
  json_builder_add_string_value (b, row->hint);
  json_builder_end_object (b);
  json_builder_end_object (b);

  node = json_builder_get_root (b);
  g_object_unref (b);
  return node;
}

/**
 * cg_error_to_jsonrpc_response:
 * @error: a #CgError
 * @id: (nullable): the id of the request being answered, or %NULL when it
 *   could not be determined (the response then carries `"id": null`)
 * @request_id: (nullable): the request id for `data.request_id`, or %NULL
 *
 * A complete JSON-RPC 2.0 error response:
 * `{"jsonrpc": "2.0", "error": {...}, "id": <id or null>}` with the error
 * object of cg_error_to_jsonrpc_error_node().
 *
 * Returns: (transfer full): the JSON text
 */
gchar *
cg_error_to_jsonrpc_response (const CgError * error, JsonNode * id,
    const gchar * request_id)
{
  JsonBuilder *b;

  g_return_val_if_fail (error != NULL, NULL);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "jsonrpc");
  json_builder_add_string_value (b, "2.0");
  json_builder_set_member_name (b, "error");
  json_builder_add_value (b, cg_error_to_jsonrpc_error_node (error,
          request_id));
  json_builder_set_member_name (b, "id");
  if (id)
    json_builder_add_value (b, json_node_copy (id));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  {
    JsonNode *node = json_builder_get_root (b);

    g_object_unref (b);
    return node_to_string (node);
  }
}

/**
 * cg_error_to_event_node:
 * @error: a #CgError
 *
 * The WebSocket event of an error: `type` ("error", or "warning" for
 * warning-severity codes), `code` (the flat code), `videoCode` (when the
 * catalogue has a video-protocol code), `message`, `details`, `cameraId`
 * (when known), `timestamp` (milliseconds since the epoch), `severity` and
 * `retryable`.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
cg_error_to_event_node (const CgError * error)
{
  const CgCatalogueEntry *row;
  JsonBuilder *b;
  JsonNode *node;

  g_return_val_if_fail (error != NULL, NULL);

  row = cg_catalogue_lookup (cg_error_get_code (error));

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b,
      cg_error_get_severity (error) ==
      CG_SEVERITY_WARNING ? "warning" : "error");
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, row->name);
  if (row->video_code) {
    json_builder_set_member_name (b, "videoCode");
    json_builder_add_string_value (b, row->video_code);
  }
  add_string_member (b, "message", cg_error_get_message (error));
  json_builder_set_member_name (b, "details");
  json_builder_add_value (b, cg_error_details_to_json_node (error));
  add_string_member (b, "cameraId", cg_error_get_camera_id (error));
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_int_value (b, cg_error_get_timestamp (error) / 1000);
  json_builder_set_member_name (b, "severity");
  json_builder_add_string_value (b,
      cg_severity_to_string (cg_error_get_severity (error)));
  json_builder_set_member_name (b, "retryable");
  json_builder_add_boolean_value (b, row->retryable);
  json_builder_end_object (b);

  node = json_builder_get_root (b);
  g_object_unref (b);
  return node;
}

/**
 * cg_error_to_event_json:
 * @error: a #CgError
 *
 * cg_error_to_event_node() as a compact JSON string.
 *
 * Returns: (transfer full): the JSON text
 */
gchar *
cg_error_to_event_json (const CgError * error)
{
  g_return_val_if_fail (error != NULL, NULL);
  return node_to_string (cg_error_to_event_node (error));
}

/* ---------------------------------------------------------------------- */
/* GstStructure                                                           */
/* ---------------------------------------------------------------------- */

static gboolean
redact_field (GQuark field, GValue * value, gpointer user_data)
{
  const gchar *name = g_quark_to_string (field);
  GType fundamental = G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value));

  if (cg_redact_is_secret_name (name)) {
    g_value_unset (value);
    g_value_init (value, G_TYPE_STRING);
    g_value_set_static_string (value, CG_REDACT_MASK);
  } else if (G_VALUE_HOLDS_STRING (value)) {
    if (g_value_get_string (value))
      g_value_take_string (value, cg_redact (g_value_get_string (value)));
  } else if (GST_VALUE_HOLDS_STRUCTURE (value)) {
    const GstStructure *inner = gst_value_get_structure (value);

    if (inner) {
      GstStructure *copy = gst_structure_copy (inner);

      gst_structure_map_in_place (copy, redact_field, NULL);
      g_value_take_boxed (value, copy);
    }
  } else if (fundamental != G_TYPE_INT && fundamental != G_TYPE_UINT
      && fundamental != G_TYPE_INT64 && fundamental != G_TYPE_UINT64
      && fundamental != G_TYPE_LONG && fundamental != G_TYPE_ULONG
      && fundamental != G_TYPE_DOUBLE && fundamental != G_TYPE_FLOAT
      && fundamental != G_TYPE_BOOLEAN && fundamental != G_TYPE_ENUM
      && fundamental != G_TYPE_FLAGS) {
    /* Lists, arrays, caps, ...: if their text holds a secret, they are
     * replaced by the redacted text. */
    gchar *ser = gst_value_serialize (value);
    gchar *r = cg_redact (ser);

    if (g_strcmp0 (ser, r) != 0) {
      g_value_unset (value);
      g_value_init (value, G_TYPE_STRING);
      g_value_take_string (value, r);
      r = NULL;
    }
    g_free (ser);
    g_free (r);
  }
  return TRUE;
}

static void
set_redacted_string (GstStructure * s, const gchar * field, const gchar * value)
{
  gchar *r = cg_redact (value);

  gst_structure_set (s, field, G_TYPE_STRING, r, NULL);
  g_free (r);
}

/**
 * cg_error_to_structure:
 * @error: a #CgError
 *
 * The error as a #GstStructure named `camguard-error`, for element messages
 * (so pipelines without the gateway get the same facts). Fields:
 * `code` (flat code), `severity` ("fatal", "recoverable" or "warning"),
 * `retryable` (boolean), `message`, `domain`, `gst-code`, `source`,
 * `factory`, `debug`, `camera-id`, `correlation-id` (strings, %NULL when
 * unknown), `timestamp` (gint64, microseconds since the epoch),
 * `secondary` (boolean) and `details` (a nested #GstStructure). Strings
 * are redacted with cg_redact().
 *
 * cg_error_from_structure() turns it back into a #CgError.
 *
 * Returns: (transfer full): a new #GstStructure
 */
GstStructure *
cg_error_to_structure (const CgError * error)
{
  GstStructure *s, *details;

  g_return_val_if_fail (error != NULL, NULL);

  s = gst_structure_new ("camguard-error",
      "code", G_TYPE_STRING, cg_error_get_code_name (error),
      "severity", G_TYPE_STRING,
      cg_severity_to_string (cg_error_get_severity (error)),
      "retryable", G_TYPE_BOOLEAN, cg_error_is_retryable (error), NULL);
  set_redacted_string (s, "message", cg_error_get_message (error));
  set_redacted_string (s, "domain", cg_error_get_gst_domain (error));
  set_redacted_string (s, "gst-code", cg_error_get_gst_code (error));
  set_redacted_string (s, "source", cg_error_get_source_path (error));
  set_redacted_string (s, "factory", cg_error_get_factory (error));
  set_redacted_string (s, "debug", cg_error_get_debug (error));
  set_redacted_string (s, "message-type", cg_error_get_message_type (error));
  set_redacted_string (s, "camera-id", cg_error_get_camera_id (error));
  set_redacted_string (s, "correlation-id",
      cg_error_get_correlation_id (error));
  gst_structure_set (s,
      "timestamp", G_TYPE_INT64, cg_error_get_timestamp (error),
      "secondary", G_TYPE_BOOLEAN, cg_error_is_secondary (error), NULL);

  details = gst_structure_copy (cg_error_get_details (error));
  gst_structure_map_in_place (details, redact_field, NULL);
  gst_structure_set (s, "details", GST_TYPE_STRUCTURE, details, NULL);
  gst_structure_free (details);
  return s;
}

static const gchar *
get_string (const GstStructure * s, const gchar * field)
{
  const GValue *v = gst_structure_get_value (s, field);

  if (v == NULL || !G_VALUE_HOLDS_STRING (v))
    return NULL;
  return g_value_get_string (v);
}

/**
 * cg_error_from_structure:
 * @structure: a `camguard-error` structure from cg_error_to_structure()
 *
 * Rebuilds a #CgError from its structure, e.g. on the receiving side of a
 * `camguard-error` element message. For an error without secrets it is the
 * exact inverse of cg_error_to_structure().
 *
 * Returns: (transfer full) (nullable): a new #CgError, or %NULL when
 *   @structure is not a `camguard-error` structure with a known `code`
 */
CgError *
cg_error_from_structure (const GstStructure * structure)
{
  CgError *e;
  CgCode code;
  const GstStructure *details = NULL;
  const GValue *v;
  gint64 ts;
  gboolean secondary;

  g_return_val_if_fail (structure != NULL, NULL);

  if (!gst_structure_has_name (structure, "camguard-error"))
    return NULL;
  if (!cg_code_from_name (get_string (structure, "code"), &code))
    return NULL;

  e = cg_error_new (code, get_string (structure, "message"));
  cg_error_set_gst_domain (e, get_string (structure, "domain"));
  cg_error_set_gst_code (e, get_string (structure, "gst-code"));
  cg_error_set_source_path (e, get_string (structure, "source"));
  cg_error_set_factory (e, get_string (structure, "factory"));
  cg_error_set_debug (e, get_string (structure, "debug"));
  cg_error_set_message_type (e, get_string (structure, "message-type"));
  cg_error_set_camera_id (e, get_string (structure, "camera-id"));
  cg_error_set_correlation_id (e, get_string (structure, "correlation-id"));
  if (gst_structure_get_int64 (structure, "timestamp", &ts))
    cg_error_set_timestamp (e, ts);
  if (gst_structure_get_boolean (structure, "secondary", &secondary))
    cg_error_set_secondary (e, secondary);
  v = gst_structure_get_value (structure, "details");
  if (v && GST_VALUE_HOLDS_STRUCTURE (v))
    details = gst_value_get_structure (v);
  cg_error_set_details (e, details);
  return e;
}
