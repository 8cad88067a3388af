/* camguard - classifier table: (domain, code, role, details) -> CgCode
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The table behind cg_classify_gerror(), which docs/errors.md is generated
 * from (tools/camguard-errors-doc.c). cg-classifier.c finds the role of the
 * element that posted a message and builds the CgError; this file only
 * decides the code.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cg-classifier.h"
#include "cg-details.h"

static gboolean
is_source (CgRole role)
{
  return role == CG_ROLE_NETWORK_SOURCE || role == CG_ROLE_DEVICE_SOURCE
      || role == CG_ROLE_FILE_SOURCE || role == CG_ROLE_OTHER_SOURCE;
}

static gboolean
is_camera (CgRole role)
{
  return role == CG_ROLE_NETWORK_SOURCE || role == CG_ROLE_DEVICE_SOURCE;
}

/* An RTSP or HTTP status in the details, 0 when there is none. */
static guint
protocol_status (const GstStructure * details)
{
  static const gchar *const fields[] = { "rtsp-status-code",
    "http-status-code", "status-code", NULL
  };
  guint i;

  if (details == NULL)
    return 0;
  for (i = 0; fields[i]; i++) {
    const GValue *v = gst_structure_get_value (details, fields[i]);

    if (v == NULL)
      continue;
    if (G_VALUE_HOLDS_UINT (v))
      return g_value_get_uint (v);
    if (G_VALUE_HOLDS_INT (v))
      return MAX (0, g_value_get_int (v));
  }
  return 0;
}

static gboolean
code_from_status (guint status, CgCode * code)
{
  switch (status) {
    case 401:                  /* Unauthorized */
    case 403:                  /* Forbidden */
    case 407:                  /* Proxy Authentication Required */
      *code = CG_CODE_PERMISSION_DENIED;
      return TRUE;
    case 404:                  /* Not Found: no such stream path */
    case 410:                  /* Gone */
    case 454:                  /* RTSP Session Not Found */
      *code = CG_CODE_DEVICE_NOT_FOUND;
      return TRUE;
    case 453:                  /* RTSP Not Enough Bandwidth */
    case 486:                  /* Busy Here */
    case 503:                  /* Service Unavailable */
      *code = CG_CODE_DEVICE_BUSY;
      return TRUE;
    case 408:                  /* Request Timeout */
    case 504:                  /* Gateway Timeout */
      *code = CG_CODE_CONNECTION_TIMEOUT;
      return TRUE;
    case 406:                  /* Not Acceptable */
    case 415:                  /* Unsupported Media Type */
    case 461:                  /* RTSP Unsupported Transport */
      *code = CG_CODE_UNSUPPORTED_FORMAT;
      return TRUE;
    default:
      if (status >= 500 && status < 600) {
        *code = CG_CODE_CAMERA_UNREACHABLE;
        return TRUE;
      }
      return FALSE;
  }
}

static CgCode
classify_resource (gint code, CgRole role)
{
  gboolean storage = role == CG_ROLE_STORAGE_SINK;

  switch (code) {
    case GST_RESOURCE_ERROR_NOT_FOUND:
      /* filesink posts NOT_FOUND for a missing directory */
      return storage ? CG_CODE_STORAGE_DENIED : CG_CODE_DEVICE_NOT_FOUND;
    case GST_RESOURCE_ERROR_BUSY:
      return storage ? CG_CODE_STORAGE_IO : CG_CODE_DEVICE_BUSY;
    case GST_RESOURCE_ERROR_OPEN_READ:
    case GST_RESOURCE_ERROR_OPEN_READ_WRITE:
      if (storage || role == CG_ROLE_OTHER_SINK)
        return CG_CODE_STORAGE_DENIED;
      if (role == CG_ROLE_DEVICE_SOURCE)
        /* the device node exists (else NOT_FOUND) but cannot be opened */
        return CG_CODE_PERMISSION_DENIED;
      if (role == CG_ROLE_FILE_SOURCE)
        return CG_CODE_DEVICE_NOT_FOUND;
      return CG_CODE_CAMERA_UNREACHABLE;
    case GST_RESOURCE_ERROR_OPEN_WRITE:
      /* a network camera source writes its requests to the camera */
      return role == CG_ROLE_NETWORK_SOURCE ? CG_CODE_CAMERA_UNREACHABLE :
          CG_CODE_STORAGE_DENIED;
    case GST_RESOURCE_ERROR_CLOSE:
    case GST_RESOURCE_ERROR_READ:
      if (is_source (role))
        return CG_CODE_CAMERA_DISCONNECTED;
      if (storage || role == CG_ROLE_OTHER_SINK)
        return CG_CODE_STORAGE_IO;
      return CG_CODE_PIPELINE_ERROR;
    case GST_RESOURCE_ERROR_WRITE:
    case GST_RESOURCE_ERROR_SEEK:
    case GST_RESOURCE_ERROR_SYNC:
      if (is_camera (role))
        return CG_CODE_CAMERA_DISCONNECTED;
      return CG_CODE_STORAGE_IO;
    case GST_RESOURCE_ERROR_SETTINGS:
      /* a device refusing the format or rate asked of it */
      return is_source (role) ? CG_CODE_UNSUPPORTED_FORMAT :
          CG_CODE_PIPELINE_ERROR;
    case GST_RESOURCE_ERROR_NO_SPACE_LEFT:
      return CG_CODE_STORAGE_FULL;
    case GST_RESOURCE_ERROR_NOT_AUTHORIZED:
      return storage ? CG_CODE_STORAGE_DENIED : CG_CODE_PERMISSION_DENIED;
    case GST_RESOURCE_ERROR_FAILED:
    case GST_RESOURCE_ERROR_TOO_LAZY:
    default:
      if (storage)
        return CG_CODE_STORAGE_IO;
      if (role == CG_ROLE_NETWORK_SOURCE)
        return CG_CODE_CAMERA_UNREACHABLE;
      if (role == CG_ROLE_DEVICE_SOURCE)
        return CG_CODE_DEVICE_BUSY;
      return CG_CODE_PIPELINE_ERROR;
  }
}

static CgCode
classify_core (gint code, CgRole role)
{
  switch (code) {
    case GST_CORE_ERROR_MISSING_PLUGIN:
    case GST_CORE_ERROR_DISABLED:
      return CG_CODE_MISSING_COMPONENT;
    case GST_CORE_ERROR_NEGOTIATION:
    case GST_CORE_ERROR_CAPS:
      return CG_CODE_UNSUPPORTED_FORMAT;
    case GST_CORE_ERROR_NOT_IMPLEMENTED:
      return role == CG_ROLE_CODEC ? CG_CODE_UNSUPPORTED_FORMAT :
          CG_CODE_PIPELINE_ERROR;
    case GST_CORE_ERROR_FAILED:
    case GST_CORE_ERROR_TOO_LAZY:
    case GST_CORE_ERROR_STATE_CHANGE:
    case GST_CORE_ERROR_PAD:
    case GST_CORE_ERROR_THREAD:
    case GST_CORE_ERROR_EVENT:
    case GST_CORE_ERROR_SEEK:
    case GST_CORE_ERROR_TAG:
    case GST_CORE_ERROR_CLOCK:
    default:
      return CG_CODE_PIPELINE_ERROR;
  }
}

static CgCode
classify_library (gint code, CgRole role)
{
  switch (code) {
    case GST_LIBRARY_ERROR_INIT:
      /* the library behind a plugin (a codec, a device SDK) is unusable */
      return CG_CODE_MISSING_COMPONENT;
    case GST_LIBRARY_ERROR_ENCODE:
      return CG_CODE_MEDIA_PROCESSING_FAILED;
    case GST_LIBRARY_ERROR_FAILED:
    case GST_LIBRARY_ERROR_TOO_LAZY:
    case GST_LIBRARY_ERROR_SHUTDOWN:
    case GST_LIBRARY_ERROR_SETTINGS:
    default:
      if (role == CG_ROLE_CODEC)
        return CG_CODE_MEDIA_PROCESSING_FAILED;
      if (is_camera (role))
        return CG_CODE_CAMERA_UNREACHABLE;
      return CG_CODE_PIPELINE_ERROR;
  }
}

/* A stream that failed without saying why, by the role of the element. */
static CgCode
stream_failed (CgRole role)
{
  if (is_camera (role))
    return CG_CODE_CAMERA_DISCONNECTED;
  if (role == CG_ROLE_CODEC)
    return CG_CODE_MEDIA_PROCESSING_FAILED;
  if (role == CG_ROLE_STORAGE_SINK)
    return CG_CODE_RECORDING_FAILED;
  return CG_CODE_PIPELINE_ERROR;
}

/* "Internal data stream error" (basesrc, demuxers, aggregators) carries the
 * flow return that stopped the streaming thread. A fatal flow return
 * (GST_FLOW_ERROR, or an element's own custom error) without an ERROR of
 * its own before it means the element failed and did not say why: from a
 * camera source that is the camera (souphttpsrc posts nothing else when it
 * cannot connect), so the role decides, as it does for every other code.
 * When an ERROR came first this one is secondary (#CgClassifier). */
static CgCode
classify_flow (gint flow, CgRole role)
{
  if (flow == GST_FLOW_NOT_NEGOTIATED || flow == GST_FLOW_NOT_SUPPORTED)
    return CG_CODE_UNSUPPORTED_FORMAT;
  /* not-linked: a pad nobody linked, the description is wrong; flushing,
   * EOS and success codes are no failure and never posted as one */
  if (flow >= GST_FLOW_EOS)
    return CG_CODE_PIPELINE_ERROR;
  if (role == CG_ROLE_NETWORK_SOURCE)
    /* nothing more is known: no data may have come yet (retrysrc reports
     * CAMERA_DISCONNECTED when data came before) */
    return CG_CODE_CAMERA_UNREACHABLE;
  if (role == CG_ROLE_FILE_SOURCE)
    /* as its RESOURCE/READ: the file stopped giving data */
    return CG_CODE_CAMERA_DISCONNECTED;
  return stream_failed (role);
}

static CgCode
classify_stream (gint code, CgRole role, const GstStructure * details)
{
  gint flow;

  switch (code) {
    case GST_STREAM_ERROR_TYPE_NOT_FOUND:
    case GST_STREAM_ERROR_WRONG_TYPE:
    case GST_STREAM_ERROR_FORMAT:
    case GST_STREAM_ERROR_NOT_IMPLEMENTED:
      return CG_CODE_UNSUPPORTED_FORMAT;
    case GST_STREAM_ERROR_CODEC_NOT_FOUND:
      /* rtspsrc posts it (with no status code) when the camera offered no
       * stream it would set up: every SETUP answered 461 Unsupported
       * transport for each transport allowed (VLC over TCP). Nothing is
       * missing; the camera refuses what was asked. */
      if (role == CG_ROLE_NETWORK_SOURCE)
        return CG_CODE_UNSUPPORTED_FORMAT;
      return CG_CODE_MISSING_COMPONENT;
    case GST_STREAM_ERROR_MUX:
      if (role == CG_ROLE_STORAGE_SINK)
        return CG_CODE_RECORDING_FAILED;
      return CG_CODE_MEDIA_PROCESSING_FAILED;
    case GST_STREAM_ERROR_DECODE:
    case GST_STREAM_ERROR_ENCODE:
    case GST_STREAM_ERROR_DEMUX:
    case GST_STREAM_ERROR_DECRYPT:
    case GST_STREAM_ERROR_DECRYPT_NOKEY:
      return CG_CODE_MEDIA_PROCESSING_FAILED;
    case GST_STREAM_ERROR_FAILED:
    case GST_STREAM_ERROR_TOO_LAZY:
    default:
      /* "Internal data stream error": the flow return says why */
      if (details && gst_structure_get_int (details, "flow-return", &flow))
        return classify_flow (flow, role);
      return stream_failed (role);
  }
}

/**
 * cg_classify_gerror:
 * @domain: a GStreamer error domain quark (core, library, resource, stream)
 * @code: the code in that domain
 * @role: the role of the element that posted it
 * @details: (nullable): the message's details structure
 *
 * The catalogue code for one GStreamer error. A `camguard-code` field in
 * @details wins, then a protocol status (`rtsp-status-code`,
 * `http-status-code`), then the (@domain, @code, @role) table documented
 * in docs/errors.md. An "Internal data stream error" (STREAM/FAILED) with a
 * `flow-return` in @details is decided by the flow return and @role: a
 * fatal one from a network source is %CG_CODE_CAMERA_UNREACHABLE. An
 * unknown domain gives %CG_CODE_INTERNAL_ERROR.
 *
 * Returns: the catalogue code
 */
CgCode
cg_classify_gerror (GQuark domain, gint code, CgRole role,
    const GstStructure * details)
{
  CgCode result;
  guint status;

  if (cg_details_get_code (details, &result))
    return result;
  status = protocol_status (details);
  if (status && code_from_status (status, &result))
    return result;

  if (domain == GST_RESOURCE_ERROR)
    return classify_resource (code, role);
  if (domain == GST_STREAM_ERROR)
    return classify_stream (code, role, details);
  if (domain == GST_CORE_ERROR)
    return classify_core (code, role);
  if (domain == GST_LIBRARY_ERROR)
    return classify_library (code, role);
  return CG_CODE_INTERNAL_ERROR;
}
