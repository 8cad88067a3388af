/* camguard - error catalogue
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS
/**
 * CgCode:
 * @CG_CODE_AUTHENTICATION_REQUIRED: the API client sent no credentials
 * @CG_CODE_INVALID_API_KEY: the API key is unknown or revoked
 * @CG_CODE_INVALID_TOKEN: the bearer token is malformed or its signature is wrong
 * @CG_CODE_EXPIRED_TOKEN: the bearer token has expired
 * @CG_CODE_ACCESS_DENIED: the client may not use this resource at all
 * @CG_CODE_INSUFFICIENT_PERMISSIONS: the client's role is too low for the operation
 * @CG_CODE_VALIDATION_ERROR: a request parameter is invalid
 * @CG_CODE_INVALID_JSON: the request body is not valid JSON
 * @CG_CODE_INVALID_REQUEST: the request is valid JSON but not a valid request
 * @CG_CODE_METHOD_NOT_FOUND: unknown API route or JSON-RPC method
 * @CG_CODE_METHOD_NOT_ALLOWED: the route exists but not for this HTTP method
 * @CG_CODE_RESOURCE_NOT_FOUND: a resource other than a camera does not exist
 * @CG_CODE_CAMERA_NOT_FOUND: no camera with this id is configured
 * @CG_CODE_CAMERA_ALREADY_EXISTS: a camera with this id exists already
 * @CG_CODE_CAMERA_BUSY: the camera is busy with a conflicting operation
 * @CG_CODE_RATE_LIMIT_EXCEEDED: the client sent too many requests
 * @CG_CODE_TOO_MANY_CONNECTIONS: the connection limit is reached
 * @CG_CODE_PAYLOAD_TOO_LARGE: the request body is larger than allowed
 * @CG_CODE_OPERATION_TIMEOUT: the operation did not finish in time
 * @CG_CODE_OPERATION_CANCELLED: the operation was cancelled before it finished
 * @CG_CODE_SERVICE_UNAVAILABLE: the service is starting or shutting down
 * @CG_CODE_INTERNAL_ERROR: a bug or an unexpected failure inside camguard
 * @CG_CODE_DEVICE_NOT_FOUND: the camera device or stream path does not exist
 * @CG_CODE_PERMISSION_DENIED: the camera rejected its credentials, or the OS
 *   denied access to the device
 * @CG_CODE_DEVICE_BUSY: the camera or device is in use or out of capacity
 * @CG_CODE_CAMERA_UNREACHABLE: the camera cannot be reached over the network
 * @CG_CODE_CONNECTION_TIMEOUT: the camera did not answer or stopped sending in time
 * @CG_CODE_CAMERA_DISCONNECTED: the camera closed the stream or vanished mid-stream
 * @CG_CODE_CIRCUIT_OPEN: the camera failed too often; attempts are paused
 * @CG_CODE_UNSUPPORTED_FORMAT: formats could not be negotiated or are not supported
 * @CG_CODE_MISSING_COMPONENT: a GStreamer plugin or library is missing
 * @CG_CODE_MEDIA_PROCESSING_FAILED: decoding, encoding, muxing or demuxing failed
 * @CG_CODE_PIPELINE_ERROR: an internal GStreamer failure in a camera pipeline
 * @CG_CODE_STORAGE_FULL: the disk or quota is full
 * @CG_CODE_STORAGE_DENIED: the storage location cannot be written (permissions,
 *   read-only file system, missing directory)
 * @CG_CODE_STORAGE_IO: a write, close, sync or seek on storage failed
 * @CG_CODE_RECORDING_FAILED: the recording could not be started or continued
 * @CG_CODE_SNAPSHOT_FAILED: no snapshot could be produced
 * @CG_CODE_QUALITY_DEGRADED: warning: stream quality was reduced
 * @CG_CODE_PROCESSING_SLOW: warning: the pipeline cannot keep up in real time
 * @CG_CODE_STORAGE_LOW: warning: storage is nearly full
 * @CG_CODE_RECORDING_TIMEOUT: warning: a recording stalled or hit its limit
 *
 * Every error camguard reports. The row of each code in the catalogue
 * (see cg_catalogue_lookup()) holds its category, severity, HTTP status,
 * JSON-RPC code and default message.
 */
    typedef enum
{
  CG_CODE_AUTHENTICATION_REQUIRED = 1,
  CG_CODE_INVALID_API_KEY,
  CG_CODE_INVALID_TOKEN,
  CG_CODE_EXPIRED_TOKEN,
  CG_CODE_ACCESS_DENIED,
  CG_CODE_INSUFFICIENT_PERMISSIONS,
  CG_CODE_VALIDATION_ERROR,
  CG_CODE_INVALID_JSON,
  CG_CODE_INVALID_REQUEST,
  CG_CODE_METHOD_NOT_FOUND,
  CG_CODE_METHOD_NOT_ALLOWED,
  CG_CODE_RESOURCE_NOT_FOUND,
  CG_CODE_CAMERA_NOT_FOUND,
  CG_CODE_CAMERA_ALREADY_EXISTS,
  CG_CODE_CAMERA_BUSY,
  CG_CODE_RATE_LIMIT_EXCEEDED,
  CG_CODE_TOO_MANY_CONNECTIONS,
  CG_CODE_PAYLOAD_TOO_LARGE,
  CG_CODE_OPERATION_TIMEOUT,
  CG_CODE_OPERATION_CANCELLED,
  CG_CODE_SERVICE_UNAVAILABLE,
  CG_CODE_INTERNAL_ERROR,
  CG_CODE_DEVICE_NOT_FOUND,
  CG_CODE_PERMISSION_DENIED,
  CG_CODE_DEVICE_BUSY,
  CG_CODE_CAMERA_UNREACHABLE,
  CG_CODE_CONNECTION_TIMEOUT,
  CG_CODE_CAMERA_DISCONNECTED,
  CG_CODE_CIRCUIT_OPEN,
  CG_CODE_UNSUPPORTED_FORMAT,
  CG_CODE_MISSING_COMPONENT,
  CG_CODE_MEDIA_PROCESSING_FAILED,
  CG_CODE_PIPELINE_ERROR,
  CG_CODE_STORAGE_FULL,
  CG_CODE_STORAGE_DENIED,
  CG_CODE_STORAGE_IO,
  CG_CODE_RECORDING_FAILED,
  CG_CODE_SNAPSHOT_FAILED,
  CG_CODE_QUALITY_DEGRADED,
  CG_CODE_PROCESSING_SLOW,
  CG_CODE_STORAGE_LOW,
  CG_CODE_RECORDING_TIMEOUT,
} CgCode;

/**
 * CG_CODE_LAST:
 *
 * The highest #CgCode value; codes run from 1 to this value.
 */
#define CG_CODE_LAST CG_CODE_RECORDING_TIMEOUT

/**
 * CgSeverity:
 * @CG_SEVERITY_FATAL: the operation cannot succeed until something changes
 * @CG_SEVERITY_RECOVERABLE: the operation may succeed if retried
 * @CG_SEVERITY_WARNING: service continues in a degraded way
 *
 * Severity of a catalogue code, as the video-protocol error model defines it.
 */
typedef enum
{
  CG_SEVERITY_FATAL,
  CG_SEVERITY_RECOVERABLE,
  CG_SEVERITY_WARNING,
} CgSeverity;

/**
 * CgRetryPolicy:
 * @CG_RETRY_NORMAL: retry with the normal exponential backoff
 * @CG_RETRY_SLOW: retry, but at the backoff's maximum delay from the first
 *   attempt (credentials or devices that need a human or a hot-plug)
 * @CG_RETRY_NEVER: do not retry; fail at once
 *
 * How a source that failed with a code should be retried.
 */
typedef enum
{
  CG_RETRY_NORMAL,
  CG_RETRY_SLOW,
  CG_RETRY_NEVER,
} CgRetryPolicy;

/**
 * CgCatalogueEntry:
 * @code: the code
 * @name: the flat code, e.g. "CAMERA_UNREACHABLE"
 * @category: a short category name ("auth", "client", "limits", "server",
 *   "camera", "media", "storage", "recording", "snapshot", "quality")
 * @severity: fatal, recoverable or warning
 * @retryable: whether repeating the same operation may succeed
 * @retry_policy: how a camera source is retried after this code
 * @http_status: HTTP status of an API response carrying this code, or 0 for
 *   warnings that are only ever events
 * @jsonrpc_code: JSON-RPC 2.0 error code, or 0 for warnings (notifications)
 * @video_code: video-protocol error code, or %NULL when none applies
 * @title: short title, used as the RFC 7807 `title`
 * @message: default human-readable message
 * @hint: what the user or operator can do about it
 *
 * One row of the error catalogue.
 */
typedef struct
{
  CgCode code;
  const gchar *name;
  const gchar *category;
  CgSeverity severity;
  gboolean retryable;
  CgRetryPolicy retry_policy;
  guint http_status;
  gint jsonrpc_code;
  const gchar *video_code;
  const gchar *title;
  const gchar *message;
  const gchar *hint;
} CgCatalogueEntry;

GType cg_catalogue_entry_get_type (void);
#define CG_TYPE_CATALOGUE_ENTRY (cg_catalogue_entry_get_type ())

const CgCatalogueEntry *cg_catalogue_lookup (CgCode code);
const CgCatalogueEntry *cg_catalogue_lookup_name (const gchar * name);
const CgCatalogueEntry *cg_catalogue_get_entries (guint * n_entries);

/**
 * CG_CODE_ERROR:
 *
 * The #GError domain whose codes are #CgCode values: an API that fails with
 * a catalogued error (a snapshot request, say) reports it in this domain.
 */
#define CG_CODE_ERROR (cg_code_error_quark ())
GQuark cg_code_error_quark (void);

const gchar *cg_code_to_name (CgCode code);
gboolean cg_code_from_name (const gchar * name, CgCode * code);
CgSeverity cg_code_get_severity (CgCode code);
gboolean cg_code_is_retryable (CgCode code);
CgRetryPolicy cg_code_get_retry_policy (CgCode code);
guint cg_code_get_http_status (CgCode code);
gint cg_code_get_jsonrpc_code (CgCode code);
const gchar *cg_code_get_video_code (CgCode code);
const gchar *cg_code_get_message (CgCode code);
const gchar *cg_code_get_hint (CgCode code);
const gchar *cg_code_get_category (CgCode code);
const gchar *cg_severity_to_string (CgSeverity severity);

G_END_DECLS
