/* camguard - the camguard-code field: a CgError in GStreamer message details
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gst/gst.h>
#include "cg-error.h"

G_BEGIN_DECLS

/**
 * CG_DETAILS_CODE_FIELD:
 *
 * The name of the string field that carries a catalogue code (e.g.
 * `CAMERA_UNREACHABLE`) in the details structure of an ERROR or WARNING
 * message posted by a camguard element, and in the info structure of a
 * failed snapshot sample. Use cg_details_set_code() and
 * cg_details_get_code() rather than the literal.
 */
#define CG_DETAILS_CODE_FIELD "camguard-code"

/**
 * CG_DETAILS_ERROR_FIELD:
 *
 * The name of the field that carries the whole classified error, a
 * `camguard-error` #GstStructure from cg_error_to_structure(), next to
 * #CG_DETAILS_CODE_FIELD.
 */
#define CG_DETAILS_ERROR_FIELD "error"

void cg_details_set_code (GstStructure * details, CgCode code);

gboolean cg_details_get_code (const GstStructure * details, CgCode * code);

GstStructure *cg_details_new (CgCode code);

GstStructure *cg_error_to_details (const CgError * error);

CgError *cg_error_from_details (const GstStructure * details);

gboolean cg_message_get_code (GstMessage * message, CgCode * code);

G_END_DECLS
