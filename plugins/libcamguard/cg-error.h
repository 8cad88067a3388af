/* camguard - CgError: one classified error
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include "cg-catalogue.h"

G_BEGIN_DECLS

/**
 * CgError:
 *
 * One classified error: a catalogue #CgCode plus the facts that explain it
 * (the GStreamer error domain and code, the element that posted it, the debug
 * string, structured details such as `rtsp-status-code`, the camera id, a
 * timestamp and a correlation id). Renderers turn it into JSON, RFC 7807,
 * JSON-RPC, WebSocket events and #GstStructure.
 *
 * A #CgError is a reference-counted boxed type.
 */
typedef struct _CgError CgError;

GType cg_error_get_type (void);
#define CG_TYPE_ERROR (cg_error_get_type ())

CgError *cg_error_new (CgCode code, const gchar * message);
CgError *cg_error_ref (CgError * error);
void cg_error_unref (CgError * error);
CgError *cg_error_copy (const CgError * error);

CgCode cg_error_get_code (const CgError * error);
void cg_error_set_code (CgError * error, CgCode code);
const gchar *cg_error_get_code_name (const CgError * error);
CgSeverity cg_error_get_severity (const CgError * error);
gboolean cg_error_is_retryable (const CgError * error);

const gchar *cg_error_get_message (const CgError * error);
void cg_error_set_message (CgError * error, const gchar * value);

const gchar *cg_error_get_gst_domain (const CgError * error);
const gchar *cg_error_get_gst_code (const CgError * error);
void cg_error_set_gerror (CgError * error, const GError * gerror);
void cg_error_set_gst_domain (CgError * error, const gchar * value);
void cg_error_set_gst_code (CgError * error, const gchar * value);

const gchar *cg_error_get_source_path (const CgError * error);
void cg_error_set_source_path (CgError * error, const gchar * value);
const gchar *cg_error_get_factory (const CgError * error);
void cg_error_set_factory (CgError * error, const gchar * value);
const gchar *cg_error_get_debug (const CgError * error);
void cg_error_set_debug (CgError * error, const gchar * value);
const gchar *cg_error_get_message_type (const CgError * error);
void cg_error_set_message_type (CgError * error, const gchar * value);

const gchar *cg_error_get_camera_id (const CgError * error);
void cg_error_set_camera_id (CgError * error, const gchar * value);
const gchar *cg_error_get_correlation_id (const CgError * error);
void cg_error_set_correlation_id (CgError * error, const gchar * value);
gint64 cg_error_get_timestamp (const CgError * error);
void cg_error_set_timestamp (CgError * error, gint64 timestamp_us);

gboolean cg_error_is_secondary (const CgError * error);
void cg_error_set_secondary (CgError * error, gboolean secondary);

const GstStructure *cg_error_get_details (const CgError * error);
GstStructure *cg_error_get_details_writable (CgError * error);
void cg_error_set_details (CgError * error, const GstStructure * details);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CgError, cg_error_unref)

G_END_DECLS
