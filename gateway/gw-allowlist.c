/* camguard-gateway - the element allowlist of `pipeline` cameras
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-allowlist
 * @title: Pipeline allowlist
 * @short_description: which elements a raw source description may use
 *
 * A `pipeline` camera is a gst-launch source description written by an
 * admin. It runs inside the gateway process, so it may only use elements
 * that cannot write files, run programs, read arbitrary files or open
 * arbitrary sockets. This is an allowlist, not a denylist: an element
 * nobody has looked at is refused.
 *
 * Allowed: camera sources (videotestsrc, v4l2src with a device under
 * /dev/, rtspsrc and souphttpsrc, which connect to the camera they are
 * given), RTP depayloaders and jitter buffer, demuxers of camera streams
 * (multipartdemux), parsers, decoders, raw video filters, queues and
 * caps filters, overlays, and camguard's faultinject for drills.
 *
 * Refused (examples): filesink, multifilesink, splitmuxsink, hlssink
 * (write files); filesrc, multifilesrc, imagefreeze with a file source,
 * uridecodebin, playbin, urisourcebin (open any URI, file:// included);
 * decodebin (plugs elements at run time that nobody checked); appsrc and
 * appsink (hand data to or from code that is not there); shmsrc, shmsink,
 * tcpserversrc, tcpserversink, tcpclientsrc, udpsrc, udpsink, multiudpsink
 * (sockets); retrysrc and snapshottap (the gateway adds its own; they take
 * descriptions, URIs and file names of their own); any sink at all.
 *
 * The check parses the description (gst_parse_bin_from_description_full(),
 * elements are created but never leave the NULL state) and walks every
 * element, bins included, by the name of its factory.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/gst.h>
#include <camguard.h>

#include "gw-allowlist.h"

static const gchar *const allowed[] = {
  /* sources that talk to a camera */
  "videotestsrc", "v4l2src", "rtspsrc", "souphttpsrc",
  /* RTP */
  "rtpjitterbuffer", "rtph264depay", "rtph265depay", "rtpjpegdepay",
  "rtpvp8depay",
  /* demuxers, parsers, decoders */
  "multipartdemux", "h264parse", "h265parse", "jpegparse", "jpegdec",
  "avdec_h264", "avdec_h265", "avdec_mjpeg", "vp8dec", "openh264dec",
  /* raw video */
  "videoconvert", "videoscale", "videorate", "videoflip", "videocrop",
  "videobox", "videobalance", "deinterlace", "capsfilter", "queue",
  "identity", "clockoverlay", "timeoverlay", "textoverlay",
  /* drills */
  "faultinject",
  /* the bins gst_parse creates for ( ... ) */
  "bin",
  NULL
};

/**
 * gw_allowlist_contains:
 * @factory: an element factory name
 *
 * Returns: whether a `pipeline` camera may use elements of @factory
 */
gboolean
gw_allowlist_contains (const gchar * factory)
{
  return factory != NULL && g_strv_contains (allowed, factory);
}

/* Adds what is wrong with @element to @refused (once per text). */
static void
check_element (GstElement * element, GPtrArray * refused)
{
  GstElementFactory *f = gst_element_get_factory (element);
  const gchar *name = f ? gst_plugin_feature_get_name (f) : NULL;
  gchar *why = NULL;

  if (name == NULL && GST_IS_BIN (element))
    name = "bin";
  if (!gw_allowlist_contains (name)) {
    why = g_strdup (name ? name : G_OBJECT_TYPE_NAME (element));
  } else if (g_str_equal (name, "v4l2src")) {
    g_autofree gchar *device = NULL;

    g_object_get (element, "device", &device, NULL);
    if (device == NULL || !g_str_has_prefix (device, "/dev/")
        || strstr (device, "/../") != NULL)
      why = g_strdup ("v4l2src (its device must be under /dev/)");
  }
  if (why && !g_ptr_array_find_with_equal_func (refused, why, g_str_equal,
          NULL))
    g_ptr_array_add (refused, why);
  else
    g_free (why);
}

static gint
sort_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar * const *) a, *(const gchar * const *) b);
}

/**
 * gw_allowlist_check:
 * @description: a gst-launch source description
 * @problem: (out) (optional): what is wrong, when it is refused
 *
 * Parses @description and checks every element in it against the
 * allowlist. A description that does not parse is refused with the
 * parser's message (a missing plugin says so).
 *
 * Returns: %TRUE when every element is allowed
 */
gboolean
gw_allowlist_check (const gchar * description, gchar ** problem)
{
  g_autoptr (GError) err = NULL;
  GstElement *bin;
  GstIterator *it;
  GValue item = G_VALUE_INIT;
  g_autoptr (GPtrArray) refused = NULL;
  g_autofree gchar *list = NULL;
  gchar *why = NULL;
  gboolean done = FALSE;

  bin = gst_parse_bin_from_description_full (description, FALSE, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &err);
  if (bin == NULL) {
    /* retrysrc accepts trailing caps ("v4l2src ! video/x-raw,width=640"),
     * gst-launch syntax does not: an identity after them makes them a
     * capsfilter without changing which elements are there */
    g_autofree gchar *closed = g_strconcat (description, " ! identity", NULL);

    bin = gst_parse_bin_from_description_full (closed, FALSE, NULL,
        GST_PARSE_FLAG_FATAL_ERRORS, NULL);
  }
  if (bin == NULL) {
    g_autoptr (CgError) e = cg_classify_parse_error (err);

    why = g_strdup_printf ("does not parse (%s): %s",
        cg_error_get_code_name (e), err ? err->message : "?");
    goto out;
  }
  gst_object_ref_sink (bin);
  refused = g_ptr_array_new_with_free_func (g_free);
  it = gst_bin_iterate_recurse (GST_BIN (bin));
  while (!done) {
    switch (gst_iterator_next (it, &item)) {
      case GST_ITERATOR_OK:
        check_element (g_value_get_object (&item), refused);
        g_value_reset (&item);
        break;
      case GST_ITERATOR_RESYNC:
        gst_iterator_resync (it);
        break;
      default:
        done = TRUE;
        break;
    }
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  gst_object_unref (bin);
  if (refused->len > 0) {
    g_ptr_array_sort (refused, sort_names);
    g_ptr_array_add (refused, NULL);
    list = g_strjoinv (", ", (gchar **) refused->pdata);
    why = g_strdup_printf ("elements not allowed in a pipeline camera: %s "
        "(not on the allowlist)", list);
  }
out:
  if (why) {
    gchar *r = cg_redact (why);

    g_free (why);
    if (problem)
      *problem = r;
    else
      g_free (r);
    return FALSE;
  }
  return TRUE;
}
