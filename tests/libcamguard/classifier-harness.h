/* camguard - classifier tests: the shared harness
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef CG_CLASSIFIER_HARNESS_H
#define CG_CLASSIFIER_HARNESS_H

#include <gst/gst.h>

G_BEGIN_DECLS

/* The GStreamer error domain named "resource", "core", "library" or
 * "stream". */
GQuark domain_quark (const gchar * domain);

/* An ERROR or WARNING from @src with a GError (@domain, @code), a debug
 * string holding a password and the GstStructure @details (or NULL). */
GstMessage *make_message (GstMessageType type, GstElement * src, GQuark domain,
    gint code, const gchar * details);

G_END_DECLS

#endif /* CG_CLASSIFIER_HARNESS_H */
