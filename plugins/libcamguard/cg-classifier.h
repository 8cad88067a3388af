/* camguard - classifier: GstMessage -> CgError
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include "cg-error.h"

G_BEGIN_DECLS

/**
 * CgRole:
 * @CG_ROLE_OTHER: none of the roles below (filters, converters, bins)
 * @CG_ROLE_NETWORK_SOURCE: a source reading a camera over the network
 *   (rtspsrc, souphttpsrc, ...), or any element inside a retrysrc that is
 *   not a codec, parser or (de)payloader
 * @CG_ROLE_DEVICE_SOURCE: a source reading a local capture device (v4l2src, ...)
 * @CG_ROLE_FILE_SOURCE: a source reading a file
 * @CG_ROLE_OTHER_SOURCE: any other source (test sources, appsrc)
 * @CG_ROLE_STORAGE_SINK: a sink writing to storage, or any element inside a
 *   recording bin (splitmuxsink, ...)
 * @CG_ROLE_OTHER_SINK: any other sink
 * @CG_ROLE_CODEC: a decoder, encoder, parser, muxer, demuxer or (de)payloader
 *
 * The part an element plays in a camera pipeline, as far as classifying its
 * errors is concerned. It comes from the element's factory name, its klass
 * metadata and its ancestors (see cg_classify_role()).
 */
typedef enum
{
  CG_ROLE_OTHER,
  CG_ROLE_NETWORK_SOURCE,
  CG_ROLE_DEVICE_SOURCE,
  CG_ROLE_FILE_SOURCE,
  CG_ROLE_OTHER_SOURCE,
  CG_ROLE_STORAGE_SINK,
  CG_ROLE_OTHER_SINK,
  CG_ROLE_CODEC,
} CgRole;

CgRole cg_classify_role (GstObject * object);
CgCode cg_classify_gerror (GQuark domain, gint code, CgRole role,
    const GstStructure * details);
CgError *cg_classify_message (GstMessage * message);
CgError *cg_classify_parse_error (const GError * error);
CgCode cg_classify_file_error (const GError * error);

#define CG_TYPE_CLASSIFIER (cg_classifier_get_type ())
G_DECLARE_FINAL_TYPE (CgClassifier, cg_classifier, CG, CLASSIFIER, GObject)

CgClassifier *cg_classifier_new (void);
void cg_classifier_set_live (CgClassifier * classifier, gboolean live);
CgError *cg_classifier_push (CgClassifier * classifier, GstMessage * message);
void cg_classifier_reset (CgClassifier * classifier);
CgError *cg_classifier_get_cause (CgClassifier * classifier);

G_END_DECLS
