/* camguard - classifier: what cg-classifier.c and cg-classifier-incident.c
 * share (private)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include "cg-error.h"

G_BEGIN_DECLS

G_GNUC_INTERNAL
GST_DEBUG_CATEGORY_EXTERN (cg_classifier_debug);

G_GNUC_INTERNAL
void cg_classify_ensure_debug (void);
G_GNUC_INTERNAL
void cg_classify_fill_common (CgError * e, GstMessage * message,
    const gchar * type);
G_GNUC_INTERNAL
void cg_classify_copy_details (CgError * e, const GstStructure * details);

G_END_DECLS
