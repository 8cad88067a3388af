/* camguard - classifier: GstMessage -> CgError
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include "cg-error.h"

G_BEGIN_DECLS

#define CG_TYPE_CLASSIFIER (cg_classifier_get_type ())
G_DECLARE_FINAL_TYPE (CgClassifier, cg_classifier, CG, CLASSIFIER, GObject)

CgClassifier *cg_classifier_new (void);

CgError *cg_classify_message (GstMessage * message);
CgError *cg_classify_parse_error (const GError * error);
CgError *cg_classifier_push (CgClassifier * classifier, GstMessage * message);
void cg_classifier_reset (CgClassifier * classifier);
CgError *cg_classifier_get_cause (CgClassifier * classifier);

G_END_DECLS
