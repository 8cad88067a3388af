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
 * Each JSON format is written once, with a #CgJsonWriter
 * (cg_error_write_json(), cg_error_write_problem(),
 * cg_error_write_jsonrpc_error(), cg_error_write_event()), so that an
 * answer or an event can carry it without building a tree; the string
 * variants return that text and the node variants parse it. The `details`
 * object shared by all JSON formats is cg_error_write_details().
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

/* A string member, redacted; left out when @value is %NULL. */
static void
write_string_member (CgJsonWriter * w, const gchar * name, const gchar * value)
{
  gchar *r;

  if (value == NULL)
    return;
  r = cg_redact (value);
  cg_json_writer_member_string (w, name, r);
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

static void write_value (CgJsonWriter * w, const GValue * v);

static gboolean
write_field (GQuark field, const GValue * value, gpointer user_data)
{
  CgJsonWriter *w = user_data;

  cg_json_writer_member (w, g_quark_to_string (field));
  if (cg_redact_is_secret_quark (field))
    cg_json_writer_string (w, CG_REDACT_MASK);
  else
    write_value (w, value);
  return TRUE;
}

/* A string value, redacted. A string without anything cg_redact() could
 * change (no '=' or ':') is written as it is, without a copy: the common
 * case, and the same text. */
static void
write_redacted (CgJsonWriter * w, const gchar * s)
{
  gchar *r;

  if (strpbrk (s, "=:") == NULL) {
    cg_json_writer_string (w, s);
    return;
  }
  r = cg_redact (s);
  cg_json_writer_string (w, r);
  g_free (r);
}

static void
write_list (CgJsonWriter * w, const GValue * v)
{
  gboolean list = GST_VALUE_HOLDS_LIST (v);
  guint i, n = list ? gst_value_list_get_size (v) :
      gst_value_array_get_size (v);

  cg_json_writer_begin_array (w);
  for (i = 0; i < n; i++)
    write_value (w, list ? gst_value_list_get_value (v, i) :
        gst_value_array_get_value (v, i));
  cg_json_writer_end_array (w);
}

/* One GValue of a fundamental number or boolean type; FALSE if @v is not
 * one, or is an unsigned 64-bit number JSON integers cannot carry. */
static gboolean
write_number (CgJsonWriter * w, const GValue * v)
{
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (v))) {
    case G_TYPE_INT:
      cg_json_writer_int (w, g_value_get_int (v));
      return TRUE;
    case G_TYPE_UINT:
      cg_json_writer_int (w, g_value_get_uint (v));
      return TRUE;
    case G_TYPE_LONG:
      cg_json_writer_int (w, g_value_get_long (v));
      return TRUE;
    case G_TYPE_ULONG:
      if (g_value_get_ulong (v) > G_MAXINT64)
        return FALSE;
      cg_json_writer_int (w, (gint64) g_value_get_ulong (v));
      return TRUE;
    case G_TYPE_INT64:
      cg_json_writer_int (w, g_value_get_int64 (v));
      return TRUE;
    case G_TYPE_UINT64:
      /* GStreamer's "none" (GST_CLOCK_TIME_NONE, -1 as guint64) */
      if (g_value_get_uint64 (v) == G_MAXUINT64)
        cg_json_writer_null (w);
      else if (g_value_get_uint64 (v) <= G_MAXINT64)
        cg_json_writer_int (w, (gint64) g_value_get_uint64 (v));
      else
        return FALSE;
      return TRUE;
    case G_TYPE_DOUBLE:
      cg_json_writer_double (w, g_value_get_double (v));
      return TRUE;
    case G_TYPE_FLOAT:
      cg_json_writer_double (w, g_value_get_float (v));
      return TRUE;
    case G_TYPE_BOOLEAN:
      cg_json_writer_boolean (w, g_value_get_boolean (v));
      return TRUE;
    default:
      return FALSE;
  }
}

/* One GValue as JSON: numbers and booleans as such, strings redacted,
 * structures as objects, lists and arrays as arrays, anything else as its
 * redacted serialisation. */
static void
write_value (CgJsonWriter * w, const GValue * v)
{
  gchar *ser;

  if (write_number (w, v))
    return;
  if (GST_VALUE_HOLDS_STRUCTURE (v) && gst_value_get_structure (v)) {
    cg_json_writer_begin_object (w);
    gst_structure_foreach (gst_value_get_structure (v), write_field, w);
    cg_json_writer_end_object (w);
    return;
  }
  if (GST_VALUE_HOLDS_LIST (v) || GST_VALUE_HOLDS_ARRAY (v)) {
    write_list (w, v);
    return;
  }
  if (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (v)) == G_TYPE_STRING) {
    if (g_value_get_string (v))
      write_redacted (w, g_value_get_string (v));
    else
      cg_json_writer_null (w);
    return;
  }
  ser = gst_value_serialize (v);
  if (ser)
    write_redacted (w, ser);
  else
    cg_json_writer_null (w);
  g_free (ser);
}

/**
 * cg_error_write_details:
 * @error: a #CgError
 * @writer: where the `details` object is written, as a value
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
 */
void
cg_error_write_details (const CgError * error, CgJsonWriter * writer)
{
  const GstStructure *details;
  gint i, n;

  g_return_if_fail (error != NULL && writer != NULL);

  cg_json_writer_begin_object (writer);
  write_string_member (writer, "domain", cg_error_get_gst_domain (error));
  write_string_member (writer, "gst_code", cg_error_get_gst_code (error));
  write_string_member (writer, "element", cg_error_get_source_path (error));
  write_string_member (writer, "factory", cg_error_get_factory (error));
  write_string_member (writer, "debug", cg_error_get_debug (error));
  write_string_member (writer, "message_type",
      cg_error_get_message_type (error));
  if (cg_error_is_secondary (error))
    cg_json_writer_member_boolean (writer, "secondary", TRUE);
  write_string_member (writer, "correlation_id",
      cg_error_get_correlation_id (error));

  details = cg_error_get_details (error);
  n = details ? gst_structure_n_fields (details) : 0;
  for (i = 0; i < n; i++) {
    const gchar *name = gst_structure_nth_field_name (details, i);

    if (is_fixed_detail (name))
      continue;
    write_field (g_quark_from_string (name),
        gst_structure_get_value (details, name), writer);
  }
  cg_json_writer_end_object (writer);
}

/**
 * cg_error_details_to_json_node:
 * @error: a #CgError
 *
 * The `details` object of cg_error_write_details() as a tree.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
cg_error_details_to_json_node (const CgError * error)
{
  CgJsonWriter *w;

  g_return_val_if_fail (error != NULL, NULL);
  w = cg_json_writer_new ();
  cg_error_write_details (error, w);
  return cg_json_writer_free_to_node (w);
}

/**
 * cg_structure_write_json:
 * @structure: a #GstStructure, such as an element's `statistics`
 * @writer: where the object is written, as a value
 *
 * Writes @structure as a JSON object the way error details are written:
 * numbers and booleans as such (a guint64 of %G_MAXUINT64, which is
 * GStreamer's %GST_CLOCK_TIME_NONE, as null), nested structures as objects,
 * lists and arrays as arrays, strings redacted with cg_redact() and fields
 * whose name looks secret masked whole.
 */
void
cg_structure_write_json (const GstStructure * structure, CgJsonWriter * writer)
{
  g_return_if_fail (structure != NULL && writer != NULL);
  cg_json_writer_begin_object (writer);
  gst_structure_foreach (structure, write_field, writer);
  cg_json_writer_end_object (writer);
}

/**
 * cg_structure_to_json_node:
 * @structure: a #GstStructure, such as an element's `statistics`
 *
 * cg_structure_write_json() as a tree.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
cg_structure_to_json_node (const GstStructure * structure)
{
  CgJsonWriter *w;

  g_return_val_if_fail (structure != NULL, NULL);
  w = cg_json_writer_new ();
  cg_structure_write_json (structure, w);
  return cg_json_writer_free_to_node (w);
}

/**
 * cg_error_write_json:
 * @error: a #CgError
 * @request_id: (nullable): the request id, or %NULL
 * @writer: where the object is written, as a value
 *
 * The flat error body of the REST API:
 * `{"error_code", "message", "details", "request_id"}`, where `error_code`
 * is the flat code (e.g. "CAMERA_NOT_FOUND") and `request_id` is left out
 * when @request_id is %NULL.
 */
void
cg_error_write_json (const CgError * error, const gchar * request_id,
    CgJsonWriter * writer)
{
  g_return_if_fail (error != NULL && writer != NULL);
  cg_json_writer_begin_object (writer);
  cg_json_writer_member_string (writer, "error_code",
      cg_error_get_code_name (error));
  write_string_member (writer, "message", cg_error_get_message (error));
  cg_json_writer_member (writer, "details");
  cg_error_write_details (error, writer);
  write_string_member (writer, "request_id", request_id);
  cg_json_writer_end_object (writer);
}

/**
 * cg_error_to_json_node:
 * @error: a #CgError
 * @request_id: (nullable): the request id, or %NULL
 *
 * The flat error body of cg_error_write_json() as a tree.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
cg_error_to_json_node (const CgError * error, const gchar * request_id)
{
  CgJsonWriter *w;

  g_return_val_if_fail (error != NULL, NULL);
  w = cg_json_writer_new ();
  cg_error_write_json (error, request_id, w);
  return cg_json_writer_free_to_node (w);
}

/**
 * cg_error_to_json:
 * @error: a #CgError
 * @request_id: (nullable): the request id, or %NULL
 *
 * The flat error body of cg_error_write_json() as compact JSON text.
 *
 * Returns: (transfer full): the JSON text
 */
gchar *
cg_error_to_json (const CgError * error, const gchar * request_id)
{
  CgJsonWriter *w;

  g_return_val_if_fail (error != NULL, NULL);
  w = cg_json_writer_new ();
  cg_error_write_json (error, request_id, w);
  return cg_json_writer_free_to_string (w, NULL);
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
 * cg_error_write_problem:
 * @error: a #CgError
 * @request_id: (nullable): the request id, or %NULL
 * @instance: (nullable): the RFC 7807 `instance`, or %NULL to use
 *   @request_id
 * @writer: where the object is written, as a value
 *
 * An RFC 7807 `application/problem+json` object: `type`
 * (cg_code_problem_type_uri()), `title` (the catalogue title), `status`
 * (the catalogue's HTTP status; left out for warnings, which have none),
 * `detail` (the message) and `instance` (left out when both @instance and
 * @request_id are %NULL), plus the extension members `error_code`,
 * `request_id` (when given), `severity`, `retryable`, `details` and `hint`.
 */
void
cg_error_write_problem (const CgError * error, const gchar * request_id,
    const gchar * instance, CgJsonWriter * writer)
{
  const CgCatalogueEntry *row;
  g_autofree gchar *type = NULL;

  g_return_if_fail (error != NULL && writer != NULL);
  row = cg_catalogue_lookup (cg_error_get_code (error));
  type = cg_code_problem_type_uri (cg_error_get_code (error));
  cg_json_writer_begin_object (writer);
  cg_json_writer_member_string (writer, "type", type);
  cg_json_writer_member_string (writer, "title", row->title);
  if (row->http_status != 0)
    cg_json_writer_member_int (writer, "status", row->http_status);
  write_string_member (writer, "detail", cg_error_get_message (error));
  write_string_member (writer, "instance", instance ? instance : request_id);
  cg_json_writer_member_string (writer, "error_code", row->name);
  write_string_member (writer, "request_id", request_id);
  cg_json_writer_member_string (writer, "severity",
      cg_severity_to_string (cg_error_get_severity (error)));
  cg_json_writer_member_boolean (writer, "retryable", row->retryable);
  cg_json_writer_member (writer, "details");
  cg_error_write_details (error, writer);
  cg_json_writer_member_string (writer, "hint", row->hint);
  cg_json_writer_end_object (writer);
}

/**
 * cg_error_to_problem_node:
 * @error: a #CgError
 * @request_id: (nullable): the request id, or %NULL
 * @instance: (nullable): the RFC 7807 `instance`, or %NULL to use
 *   @request_id
 *
 * The RFC 7807 object of cg_error_write_problem() as a tree.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
cg_error_to_problem_node (const CgError * error, const gchar * request_id,
    const gchar * instance)
{
  CgJsonWriter *w;

  g_return_val_if_fail (error != NULL, NULL);
  w = cg_json_writer_new ();
  cg_error_write_problem (error, request_id, instance, w);
  return cg_json_writer_free_to_node (w);
}

/**
 * cg_error_to_problem_json:
 * @error: a #CgError
 * @request_id: (nullable): the request id, or %NULL
 * @instance: (nullable): the RFC 7807 `instance`, or %NULL to use
 *   @request_id
 *
 * The RFC 7807 object of cg_error_write_problem() as compact JSON text, to
 * be sent with the content type `application/problem+json`.
 *
 * Returns: (transfer full): the JSON text
 */
gchar *
cg_error_to_problem_json (const CgError * error, const gchar * request_id,
    const gchar * instance)
{
  CgJsonWriter *w;

  g_return_val_if_fail (error != NULL, NULL);
  w = cg_json_writer_new ();
  cg_error_write_problem (error, request_id, instance, w);
  return cg_json_writer_free_to_string (w, NULL);
}

/**
 * cg_error_write_jsonrpc_error:
 * @error: a #CgError
 * @request_id: (nullable): the request id, or %NULL
 * @writer: where the object is written, as a value
 *
 * A JSON-RPC 2.0 error object: `code` (the catalogue's JSON-RPC code;
 * -32000 for warnings, which have none), `message`, and `data` with
 * `error_code`, `details`, `request_id` (when given), `severity`,
 * `retryable` and `hint`.
 */
void
cg_error_write_jsonrpc_error (const CgError * error, const gchar * request_id,
    CgJsonWriter * writer)
{
  const CgCatalogueEntry *row;

  g_return_if_fail (error != NULL && writer != NULL);
  row = cg_catalogue_lookup (cg_error_get_code (error));
  cg_json_writer_begin_object (writer);
  cg_json_writer_member_int (writer, "code",
      row->jsonrpc_code ? row->jsonrpc_code : -32000);
  write_string_member (writer, "message", cg_error_get_message (error));
  cg_json_writer_member (writer, "data");
  cg_json_writer_begin_object (writer);
  cg_json_writer_member_string (writer, "error_code", row->name);
  cg_json_writer_member (writer, "details");
  cg_error_write_details (error, writer);
  write_string_member (writer, "request_id", request_id);
  cg_json_writer_member_string (writer, "severity",
      cg_severity_to_string (cg_error_get_severity (error)));
  cg_json_writer_member_boolean (writer, "retryable", row->retryable);
  cg_json_writer_member_string (writer, "hint", row->hint);
  cg_json_writer_end_object (writer);
  cg_json_writer_end_object (writer);
}

/**
 * cg_error_to_jsonrpc_error_node:
 * @error: a #CgError
 * @request_id: (nullable): the request id, or %NULL
 *
 * The JSON-RPC 2.0 error object of cg_error_write_jsonrpc_error() as a
 * tree.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
cg_error_to_jsonrpc_error_node (const CgError * error, const gchar * request_id)
{
  CgJsonWriter *w;

  g_return_val_if_fail (error != NULL, NULL);
  w = cg_json_writer_new ();
  cg_error_write_jsonrpc_error (error, request_id, w);
  return cg_json_writer_free_to_node (w);
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
 * object of cg_error_write_jsonrpc_error().
 *
 * Returns: (transfer full): the JSON text
 */
gchar *
cg_error_to_jsonrpc_response (const CgError * error, JsonNode * id,
    const gchar * request_id)
{
  CgJsonWriter *w;

  g_return_val_if_fail (error != NULL, NULL);
  w = cg_json_writer_new ();
  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "jsonrpc", "2.0");
  cg_json_writer_member (w, "error");
  cg_error_write_jsonrpc_error (error, request_id, w);
  cg_json_writer_member_node (w, "id", id);
  cg_json_writer_end_object (w);
  return cg_json_writer_free_to_string (w, NULL);
}

/**
 * cg_error_write_event:
 * @error: a #CgError
 * @writer: where the object is written, as a value
 *
 * The WebSocket event of an error: `type` ("error", or "warning" for
 * warning-severity codes), `code` (the flat code), `videoCode` (when the
 * catalogue has a video-protocol code), `message`, `details`, `cameraId`
 * (when known), `timestamp` (milliseconds since the epoch), `severity` and
 * `retryable`.
 */
void
cg_error_write_event (const CgError * error, CgJsonWriter * writer)
{
  const CgCatalogueEntry *row;

  g_return_if_fail (error != NULL && writer != NULL);
  row = cg_catalogue_lookup (cg_error_get_code (error));
  cg_json_writer_begin_object (writer);
  cg_json_writer_member_string (writer, "type",
      cg_error_get_severity (error) ==
      CG_SEVERITY_WARNING ? "warning" : "error");
  cg_json_writer_member_string (writer, "code", row->name);
  if (row->video_code)
    cg_json_writer_member_string (writer, "videoCode", row->video_code);
  write_string_member (writer, "message", cg_error_get_message (error));
  cg_json_writer_member (writer, "details");
  cg_error_write_details (error, writer);
  write_string_member (writer, "cameraId", cg_error_get_camera_id (error));
  cg_json_writer_member_int (writer, "timestamp",
      cg_error_get_timestamp (error) / 1000);
  cg_json_writer_member_string (writer, "severity",
      cg_severity_to_string (cg_error_get_severity (error)));
  cg_json_writer_member_boolean (writer, "retryable", row->retryable);
  cg_json_writer_end_object (writer);
}

/**
 * cg_error_to_event_node:
 * @error: a #CgError
 *
 * The event object of cg_error_write_event() as a tree.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
cg_error_to_event_node (const CgError * error)
{
  CgJsonWriter *w;

  g_return_val_if_fail (error != NULL, NULL);
  w = cg_json_writer_new ();
  cg_error_write_event (error, w);
  return cg_json_writer_free_to_node (w);
}

/**
 * cg_error_to_event_json:
 * @error: a #CgError
 *
 * The event object of cg_error_write_event() as compact JSON text.
 *
 * Returns: (transfer full): the JSON text
 */
gchar *
cg_error_to_event_json (const CgError * error)
{
  CgJsonWriter *w;

  g_return_val_if_fail (error != NULL, NULL);
  w = cg_json_writer_new ();
  cg_error_write_event (error, w);
  return cg_json_writer_free_to_string (w, NULL);
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
