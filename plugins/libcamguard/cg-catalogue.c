/* camguard - error catalogue
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:cg-catalogue
 * @title: Error catalogue
 * @short_description: the single table of every camguard error code
 *
 * Every error that camguard reports, from an element, the classifier or the
 * gateway, is one row of the table in this file. Renderers, docs/errors.md
 * and the gateway's `/api/v1/errors` endpoint are all produced from it.
 *
 * Why the rows are what they are (docs/error-model.md has the reasoning in
 * full; docs/errors.md is the generated table):
 *
 * - API client failures keep the client codes of the REST seed (401/403/4xx)
 *   and the JSON-RPC codes of the camera-service seed (-32001, -32003, ...).
 * - Camera failures are *never* client-auth codes: a camera answering 401 is
 *   %CG_CODE_PERMISSION_DENIED (HTTP 502, JSON-RPC -32006), because the API
 *   client logging in again would not help.
 * - Upstream (camera) failures use the gateway statuses 502/503/504; local
 *   resource failures use 500/507.
 * - Warnings have no HTTP status and no JSON-RPC code: they are only ever
 *   events or notifications.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "cg-catalogue.h"

#define FATAL CG_SEVERITY_FATAL
#define RECOV CG_SEVERITY_RECOVERABLE
#define WARN CG_SEVERITY_WARNING
#define NORMAL CG_RETRY_NORMAL
#define SLOW CG_RETRY_SLOW
#define NEVER CG_RETRY_NEVER

#define ROW(c, cat, sev, retry, pol, http, rpc, video, title, msg, hint) \
  { CG_CODE_ ## c, #c, cat, sev, retry, pol, http, rpc, video, title, msg, hint }

/* Keep in enum order: cg_catalogue_lookup() indexes by code - 1. */
static const CgCatalogueEntry catalogue[] = {
  /* API client: authentication and authorisation */
  ROW (AUTHENTICATION_REQUIRED, "auth", FATAL, FALSE, NEVER, 401, -32001, NULL,
      "Authentication required", "Authentication required",
      "Send an API key in X-API-Key or a bearer token in Authorization."),
  ROW (INVALID_API_KEY, "auth", FATAL, FALSE, NEVER, 401, -32001, NULL,
      "Invalid API key", "The API key is not valid",
      "Check the key, or ask an administrator for a new one."),
  ROW (INVALID_TOKEN, "auth", FATAL, FALSE, NEVER, 401, -32001, NULL,
      "Invalid token",
      "The bearer token is malformed or its signature is wrong",
      "Request a new token."),
  ROW (EXPIRED_TOKEN, "auth", FATAL, FALSE, NEVER, 401, -32001, NULL,
      "Expired token", "The bearer token has expired",
      "Request a new token and retry."),
  ROW (ACCESS_DENIED, "auth", FATAL, FALSE, NEVER, 403, -32003, NULL,
      "Access denied", "Access denied",
      "This client may not use this resource."),
  ROW (INSUFFICIENT_PERMISSIONS, "auth", FATAL, FALSE, NEVER, 403, -32003,
      NULL, "Insufficient permissions",
      "Your role does not allow this operation",
      "Use a key or token with the operator or admin role."),
  /* API client: requests */
  ROW (VALIDATION_ERROR, "client", FATAL, FALSE, NEVER, 400, -32602, NULL,
      "Validation error", "A request parameter is invalid",
      "Fix the parameter named in details and send the request again."),
  ROW (INVALID_JSON, "client", FATAL, FALSE, NEVER, 400, -32700, NULL,
      "Invalid JSON", "The request body is not valid JSON",
      "Send a well-formed UTF-8 JSON document."),
  ROW (INVALID_REQUEST, "client", FATAL, FALSE, NEVER, 400, -32600, NULL,
      "Invalid request", "The request is not a valid request object",
      "Check the request shape against the API documentation."),
  ROW (METHOD_NOT_FOUND, "client", FATAL, FALSE, NEVER, 404, -32601, NULL,
      "Method not found", "No such API route or method",
      "Check the path or method name against /api/v1/openapi.json."),
  ROW (METHOD_NOT_ALLOWED, "client", FATAL, FALSE, NEVER, 405, -32601, NULL,
      "Method not allowed", "This route does not accept this HTTP method",
      "Use one of the methods listed in the Allow header."),
  ROW (RESOURCE_NOT_FOUND, "client", FATAL, FALSE, NEVER, 404, -32602, NULL,
      "Resource not found", "The requested resource does not exist",
      "Check the identifier; list the collection to see what exists."),
  ROW (CAMERA_NOT_FOUND, "client", FATAL, FALSE, NEVER, 404, -32004, NULL,
      "Camera not found", "No camera with this id is configured",
      "List cameras with GET /api/v1/cameras and use one of their ids."),
  ROW (CAMERA_ALREADY_EXISTS, "client", FATAL, FALSE, NEVER, 409, -32602,
      NULL, "Camera already exists", "A camera with this id already exists",
      "Choose another id, or update the existing camera."),
  ROW (CAMERA_BUSY, "client", RECOV, TRUE, NORMAL, 409, -32005, NULL,
      "Camera busy", "The camera is busy with a conflicting operation",
      "Wait for the running operation to finish, then retry."),
  /* API client: limits */
  ROW (RATE_LIMIT_EXCEEDED, "limits", RECOV, TRUE, NORMAL, 429, -32002, NULL,
      "Rate limit exceeded", "Too many requests",
      "Wait for the time given in Retry-After, then retry with backoff."),
  ROW (TOO_MANY_CONNECTIONS, "limits", RECOV, TRUE, NORMAL, 503, -32002, NULL,
      "Too many connections", "The connection limit is reached",
      "Close unused connections, or retry later."),
  ROW (PAYLOAD_TOO_LARGE, "limits", FATAL, FALSE, NEVER, 413, -32600, NULL,
      "Payload too large", "The request body is larger than allowed",
      "Send a smaller body."),
  /* Server */
  ROW (OPERATION_TIMEOUT, "server", RECOV, TRUE, NORMAL, 504, -32006, NULL,
      "Operation timeout", "The operation did not finish in time",
      "Retry; if it keeps timing out, check the camera's status."),
  ROW (OPERATION_CANCELLED, "server", RECOV, TRUE, NORMAL, 503, -32006, NULL,
      "Operation cancelled", "The operation was cancelled before it finished",
      "Retry if the operation is still wanted."),
  ROW (SERVICE_UNAVAILABLE, "server", RECOV, TRUE, NORMAL, 503, -32000, NULL,
      "Service unavailable", "The service is starting or shutting down",
      "Retry after a few seconds."),
  ROW (INTERNAL_ERROR, "server", FATAL, FALSE, NEVER, 500, -32603, NULL,
      "Internal error", "An internal error occurred",
      "Report it with the request id; the server log has the details."),
  /* Camera */
  ROW (DEVICE_NOT_FOUND, "camera", FATAL, FALSE, SLOW, 404, -32004,
      "DEVICE_NOT_FOUND", "Camera device not found",
      "The camera device or stream path does not exist",
      "Check the device path or the stream URL; plug the camera in."),
  ROW (PERMISSION_DENIED, "camera", FATAL, FALSE, SLOW, 502, -32006,
      "PERMISSION_DENIED", "Camera permission denied",
      "The camera rejected its credentials, or the device cannot be opened",
      "Check the camera's user name and password, or the device permissions."),
  ROW (DEVICE_BUSY, "camera", RECOV, TRUE, NORMAL, 503, -32005,
      "DEVICE_BUSY", "Camera busy",
      "The camera is in use or has no capacity left",
      "Stop the other user of the camera, or wait and retry."),
  ROW (CAMERA_UNREACHABLE, "camera", RECOV, TRUE, NORMAL, 502, -32000,
      "NETWORK_ERROR", "Camera unreachable",
      "The camera cannot be reached over the network",
      "Check that the camera is powered and on the network, and its address."),
  ROW (CONNECTION_TIMEOUT, "camera", RECOV, TRUE, NORMAL, 504, -32000,
      "CONNECTION_TIMEOUT", "Camera connection timeout",
      "The camera did not answer, or stopped sending, in time",
      "Check the network path to the camera; the stream will be retried."),
  ROW (CAMERA_DISCONNECTED, "camera", RECOV, TRUE, NORMAL, 502, -32000,
      "NETWORK_ERROR", "Camera disconnected",
      "The camera closed the stream",
      "The stream will be retried; check the camera if it keeps dropping."),
  ROW (CIRCUIT_OPEN, "camera", RECOV, TRUE, NORMAL, 503, -32006,
      "NETWORK_ERROR", "Camera circuit open",
      "The camera failed too often; new attempts are paused",
      "Wait for Retry-After; the camera is probed again automatically."),
  /* Media */
  ROW (UNSUPPORTED_FORMAT, "media", FATAL, FALSE, NEVER, 422, -32007,
      "UNSUPPORTED_FORMAT", "Unsupported format",
      "The stream's format or transport is not supported or could not be "
      "negotiated",
      "Choose a format, resolution, frame rate or transport (see details) "
      "the camera offers."),
  ROW (MISSING_COMPONENT, "media", FATAL, FALSE, NEVER, 500, -32007,
      "UNSUPPORTED_FORMAT", "Missing component",
      "A GStreamer plugin or library needed for this stream is missing",
      "Install the plugin named in details (see the README's package list)."),
  ROW (MEDIA_PROCESSING_FAILED, "media", RECOV, TRUE, NORMAL, 500, -32007,
      NULL, "Media processing failed",
      "Decoding, encoding, muxing or demuxing failed",
      "The pipeline is restarted a few times; check the stream if it persists."),
  ROW (PIPELINE_ERROR, "media", FATAL, FALSE, NEVER, 500, -32007, NULL,
      "Pipeline error", "An internal GStreamer error stopped the pipeline",
      "Report it with the details; the pipeline description may be wrong."),
  /* Storage and outputs */
  ROW (STORAGE_FULL, "storage", FATAL, FALSE, NEVER, 507, -32008, NULL,
      "Storage full", "No space left on the storage device",
      "Free space or lower the retention; recording resumes when space is back."),
  ROW (STORAGE_DENIED, "storage", FATAL, FALSE, NEVER, 500, -32008, NULL,
      "Storage denied", "The storage location cannot be written",
      "Check that the directory exists, is writable and is not read-only."),
  ROW (STORAGE_IO, "storage", RECOV, TRUE, NORMAL, 500, -32008, NULL,
      "Storage I/O error", "Writing to storage failed",
      "Check the disk; the recording continues in a new file."),
  ROW (RECORDING_FAILED, "recording", RECOV, TRUE, NORMAL, 500, -32008, NULL,
      "Recording failed", "The recording could not be started or continued",
      "Check the details and the storage; start the recording again."),
  ROW (SNAPSHOT_FAILED, "snapshot", RECOV, TRUE, NORMAL, 503, -32009, NULL,
      "Snapshot failed", "No snapshot could be produced",
      "Check that the camera is streaming; retry in a moment."),
  /* Warnings: events only */
  ROW (QUALITY_DEGRADED, "quality", WARN, FALSE, NORMAL, 0, 0,
      "QUALITY_DEGRADED", "Quality degraded", "Stream quality was reduced",
      "Quality recovers by itself when the link or CPU allows."),
  ROW (PROCESSING_SLOW, "quality", WARN, FALSE, NORMAL, 0, 0,
      "PROCESSING_SLOW", "Processing slow",
      "The pipeline cannot keep up in real time",
      "Lower the resolution or frame rate, or give the machine more CPU."),
  ROW (STORAGE_LOW, "storage", WARN, FALSE, NORMAL, 0, 0, "STORAGE_LOW",
      "Storage low", "Storage is nearly full",
      "Free space or lower the retention before recordings fail."),
  ROW (RECORDING_TIMEOUT, "recording", WARN, FALSE, NORMAL, 0, 0,
      "RECORDING_TIMEOUT", "Recording timeout",
      "A recording stalled or reached its limit",
      "Check the camera stream; the recording is finalized."),
};

G_STATIC_ASSERT (G_N_ELEMENTS (catalogue) == CG_CODE_LAST);

static gpointer
entry_copy (gpointer entry)
{
  /* Entries are static: the boxed type hands out the same row. */
  return entry;
}

static void
entry_free (gpointer entry)
{
}

G_DEFINE_BOXED_TYPE (CgCatalogueEntry, cg_catalogue_entry, entry_copy,
    entry_free);

/**
 * cg_catalogue_lookup:
 * @code: a #CgCode
 *
 * Finds the catalogue row of @code.
 *
 * Returns: (transfer none) (nullable): the catalogue row of @code, or %NULL
 *   when @code is not a valid code
 */
const CgCatalogueEntry *
cg_catalogue_lookup (CgCode code)
{
  if ((gint) code < 1 || code > CG_CODE_LAST)
    return NULL;
  g_assert (catalogue[code - 1].code == code);
  return &catalogue[code - 1];
}

/**
 * cg_catalogue_lookup_name:
 * @name: a flat code such as "CAMERA_UNREACHABLE"
 *
 * Finds the catalogue row by its flat code name.
 *
 * Returns: (transfer none) (nullable): the catalogue row, or %NULL when the
 *   name is not in the catalogue
 */
const CgCatalogueEntry *
cg_catalogue_lookup_name (const gchar * name)
{
  guint i;

  g_return_val_if_fail (name != NULL, NULL);
  for (i = 0; i < G_N_ELEMENTS (catalogue); i++)
    if (strcmp (catalogue[i].name, name) == 0)
      return &catalogue[i];
  return NULL;
}

/**
 * cg_catalogue_get_entries:
 * @n_entries: (out): number of rows
 *
 * Gets the whole catalogue, e.g. to produce docs/errors.md or the gateway's
 * `/api/v1/errors` list.
 *
 * Returns: (transfer none) (array length=n_entries): every row, in code order
 */
const CgCatalogueEntry *
cg_catalogue_get_entries (guint * n_entries)
{
  if (n_entries)
    *n_entries = G_N_ELEMENTS (catalogue);
  return catalogue;
}

/**
 * cg_code_error_quark:
 *
 * Gets the quark of the #CG_CODE_ERROR error domain, whose error codes are
 * #CgCode values. Use #CG_CODE_ERROR rather than calling this directly.
 *
 * Returns: the #GQuark of the #CG_CODE_ERROR domain
 */
GQuark
cg_code_error_quark (void)
{
  /* not G_DEFINE_QUARK: gst-indent would space out its dashed name */
  return g_quark_from_static_string ("camguard-code-error-quark");
}

/**
 * cg_code_to_name:
 * @code: a #CgCode
 *
 * Gets the flat name of @code, e.g. "CAMERA_UNREACHABLE";
 * cg_code_from_name() is the reverse.
 *
 * Returns: the flat code name, or "INTERNAL_ERROR" for an invalid code
 */
const gchar *
cg_code_to_name (CgCode code)
{
  const CgCatalogueEntry *e = cg_catalogue_lookup (code);

  return e ? e->name : catalogue[CG_CODE_INTERNAL_ERROR - 1].name;
}

/**
 * cg_code_from_name:
 * @name: a flat code name
 * @code: (out) (optional): where to store the code
 *
 * Looks up the code whose flat name is @name; the reverse of
 * cg_code_to_name().
 *
 * Returns: %TRUE when @name is a catalogue code
 */
gboolean
cg_code_from_name (const gchar * name, CgCode * code)
{
  const CgCatalogueEntry *e;

  if (name == NULL)
    return FALSE;
  e = cg_catalogue_lookup_name (name);
  if (e && code)
    *code = e->code;
  return e != NULL;
}

static const CgCatalogueEntry *
entry_or_internal (CgCode code)
{
  const CgCatalogueEntry *e = cg_catalogue_lookup (code);

  return e ? e : &catalogue[CG_CODE_INTERNAL_ERROR - 1];
}

/**
 * cg_code_get_severity:
 * @code: a #CgCode
 *
 * Gets the catalogue severity of @code. For a code that is not valid, this
 * and the other code getters answer for %CG_CODE_INTERNAL_ERROR.
 *
 * Returns: the severity of @code
 */
CgSeverity
cg_code_get_severity (CgCode code)
{
  return entry_or_internal (code)->severity;
}

/**
 * cg_code_is_retryable:
 * @code: a #CgCode
 *
 * Tells whether the catalogue marks @code retryable.
 *
 * Returns: whether repeating the failed operation may succeed
 */
gboolean
cg_code_is_retryable (CgCode code)
{
  return entry_or_internal (code)->retryable;
}

/**
 * cg_code_get_retry_policy:
 * @code: a #CgCode
 *
 * Gets the catalogue's retry policy of @code; a #CgBackoff may override it
 * with cg_backoff_set_policy().
 *
 * Returns: how a camera source failing with @code is retried by default
 */
CgRetryPolicy
cg_code_get_retry_policy (CgCode code)
{
  return entry_or_internal (code)->retry_policy;
}

/**
 * cg_code_get_http_status:
 * @code: a #CgCode
 *
 * Gets the HTTP status of an API response carrying @code.
 *
 * Returns: the HTTP status of @code, 0 for event-only warnings
 */
guint
cg_code_get_http_status (CgCode code)
{
  return entry_or_internal (code)->http_status;
}

/**
 * cg_code_get_jsonrpc_code:
 * @code: a #CgCode
 *
 * Gets the JSON-RPC 2.0 error code of a response carrying @code.
 *
 * Returns: the JSON-RPC 2.0 error code of @code, 0 for warnings
 */
gint
cg_code_get_jsonrpc_code (CgCode code)
{
  return entry_or_internal (code)->jsonrpc_code;
}

/**
 * cg_code_get_video_code:
 * @code: a #CgCode
 *
 * Gets the video-protocol error code of @code.
 *
 * Returns: (nullable): the video-protocol code of @code, or %NULL when none
 *   applies
 */
const gchar *
cg_code_get_video_code (CgCode code)
{
  return entry_or_internal (code)->video_code;
}

/**
 * cg_code_get_message:
 * @code: a #CgCode
 *
 * Gets the default human-readable message of @code, used when an error
 * carries no message of its own.
 *
 * Returns: the default human-readable message of @code
 */
const gchar *
cg_code_get_message (CgCode code)
{
  return entry_or_internal (code)->message;
}

/**
 * cg_code_get_hint:
 * @code: a #CgCode
 *
 * Gets what the user or operator can do about @code.
 *
 * Returns: the recovery hint of @code
 */
const gchar *
cg_code_get_hint (CgCode code)
{
  return entry_or_internal (code)->hint;
}

/**
 * cg_code_get_category:
 * @code: a #CgCode
 *
 * Gets the short category name of @code, such as "camera" or "storage".
 *
 * Returns: the category of @code (see #CgCatalogueEntry)
 */
const gchar *
cg_code_get_category (CgCode code)
{
  return entry_or_internal (code)->category;
}

/**
 * cg_severity_to_string:
 * @severity: a #CgSeverity
 *
 * Gets the lowercase name of @severity.
 *
 * Returns: "fatal", "recoverable" or "warning" ("fatal" for an invalid
 *   value)
 */
const gchar *
cg_severity_to_string (CgSeverity severity)
{
  switch (severity) {
    case CG_SEVERITY_FATAL:
      return "fatal";
    case CG_SEVERITY_RECOVERABLE:
      return "recoverable";
    case CG_SEVERITY_WARNING:
      return "warning";
  }
  return "fatal";
}
