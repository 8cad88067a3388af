/* camguard - classifier tests: the shared harness
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "classifier-harness.h"

GQuark
domain_quark (const gchar * domain)
{
  if (g_str_equal (domain, "resource"))
    return GST_RESOURCE_ERROR;
  if (g_str_equal (domain, "core"))
    return GST_CORE_ERROR;
  if (g_str_equal (domain, "library"))
    return GST_LIBRARY_ERROR;
  if (g_str_equal (domain, "stream"))
    return GST_STREAM_ERROR;
  g_assert_not_reached ();
  return 0;
}

GstMessage *
make_message (GstMessageType type, GstElement * src, GQuark domain, gint code,
    const gchar * details)
{
  GError *err = g_error_new_literal (domain, code, "injected");
  GstStructure *d = details ? gst_structure_from_string (details, NULL) : NULL;
  GstMessage *m;

  if (details)
    g_assert_nonnull (d);
  if (type == GST_MESSAGE_ERROR)
    m = gst_message_new_error_with_details (GST_OBJECT (src), err,
        "rtsp://admin:secret@127.0.0.1/cam", d);
  else
    m = gst_message_new_warning_with_details (GST_OBJECT (src), err,
        "rtsp://admin:secret@127.0.0.1/cam", d);
  g_error_free (err);
  return m;
}
