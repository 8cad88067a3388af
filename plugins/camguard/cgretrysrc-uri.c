/* camguard - retrysrc: the source description for a camera URI
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * retrysrc's `uri` property: the common cameras without a hand-written
 * gst-launch fragment. A URI becomes a source description that retrysrc
 * builds anew at every restart:
 *
 * | URI                                  | source                          |
 * |--------------------------------------|---------------------------------|
 * | rtsp://, rtsps://, rtspt://, rtspu:// | rtspsrc, its video stream only |
 * | http://, https://                    | souphttpsrc (live) and          |
 * |                                      | multipartdemux: MJPEG over HTTP |
 * | v4l2:///dev/video0, /dev/video0      | v4l2src                         |
 * | file:///path, /path                  | filesrc (tests, drills)         |
 *
 * followed by a decodebin that stops as soon as the stream is in the form
 * the rest of camguard uses as is: H.264 or H.265 parsed with
 * `alignment=au`, JPEG pictures as `image/jpeg`, raw video. Anything else
 * (VP8, MPEG-4 ...) is decoded to raw video. With @decode, everything is
 * decoded to raw video. A capsfilter at the end keeps the video stream only
 * (files may carry audio too).
 *
 * Credentials stay in the URI (`rtsp://user:pass@cam/...`): rtspsrc and
 * souphttpsrc read them from there, and cg_redact() removes them from
 * everything retrysrc logs or posts.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <camguard.h>

#include "cgretrysrc-uri.h"

/* Where decodebin stops: the forms snapshottap, qualityladder and the
 * gateway take as they are. */
#define ENCODED_STOP_CAPS "video/x-h264,parsed=true,alignment=au;" \
  "video/x-h265,parsed=true,alignment=au;image/jpeg;video/x-raw(ANY)"
#define ENCODED_OUT_CAPS "video/x-h264;video/x-h265;image/jpeg;" \
  "video/x-raw(ANY)"
#define RAW_CAPS "video/x-raw(ANY)"

typedef enum
{
  KIND_RTSP,
  KIND_HTTP,
  KIND_V4L2,
  KIND_FILE,
} SourceKind;

/* @value quoted for a gst-launch description. */
static gchar *
quote (const gchar * value)
{
  GString *s = g_string_new ("\"");

  for (const gchar * p = value; *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_c (s, '\\');
    g_string_append_c (s, *p);
  }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

static gboolean
fail (GError ** error, const gchar * uri, const gchar * why)
{
  gchar *shown = cg_redact (uri);

  g_set_error (error, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR,
      "uri \"%s\": %s", shown, why);
  g_free (shown);
  return FALSE;
}

/* The kind of source for @uri and the location the element takes. */
static gboolean
classify_uri (const gchar * uri, SourceKind * kind, gchar ** location,
    GError ** error)
{
  g_autofree gchar *scheme = NULL;

  if (uri[0] == '/') {
    *kind = g_str_has_prefix (uri, "/dev/") ? KIND_V4L2 : KIND_FILE;
    *location = g_strdup (uri);
    return TRUE;
  }
  if (!gst_uri_is_valid (uri))
    return fail (error, uri, "not a URI or an absolute path");
  scheme = gst_uri_get_protocol (uri);
  if (g_str_equal (scheme, "rtsp") || g_str_equal (scheme, "rtsps")
      || g_str_equal (scheme, "rtspt") || g_str_equal (scheme, "rtspu")) {
    *kind = KIND_RTSP;
    *location = g_strdup (uri);
  } else if (g_str_equal (scheme, "http") || g_str_equal (scheme, "https")) {
    *kind = KIND_HTTP;
    *location = g_strdup (uri);
  } else if (g_str_equal (scheme, "v4l2") || g_str_equal (scheme, "file")) {
    /* v4l2:///dev/video0 and file:///path carry a path */
    *kind = g_str_equal (scheme, "v4l2") ? KIND_V4L2 : KIND_FILE;
    *location = gst_uri_get_location (uri);
    if (*location == NULL || (*location)[0] != '/') {
      g_clear_pointer (location, g_free);
      return fail (error, uri, "needs an absolute path, as in "
          "v4l2:///dev/video0 or file:///tmp/clip.mp4");
    }
  } else {
    return fail (error, uri, "unsupported scheme (rtsp, rtsps, rtspt, "
        "rtspu, http, https, v4l2, file)");
  }
  return TRUE;
}

/**
 * cg_retry_src_uri_to_description:
 * @uri: a camera URI, or an absolute path of a device node or a file
 * @decode: whether to decode to raw video
 * @error: return location for a %CG_CODE_ERROR (VALIDATION_ERROR)
 *
 * Returns: (transfer full) (nullable): the source description for @uri, or
 *   %NULL with @error set when @uri is not one retrysrc knows
 */
gchar *
cg_retry_src_uri_to_description (const gchar * uri, gboolean decode,
    GError ** error)
{
  g_autofree gchar *location = NULL;
  g_autofree gchar *loc = NULL;
  SourceKind kind;
  const gchar *head;
  gchar *src;
  gchar *desc;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (uri == NULL || *uri == '\0') {
    g_set_error_literal (error, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR,
        "uri is empty");
    return NULL;
  }
  if (!classify_uri (uri, &kind, &location, error))
    return NULL;
  loc = quote (location);
  switch (kind) {
    case KIND_RTSP:
      head = "rtspsrc location=%s ! application/x-rtp,media=video";
      break;
    case KIND_HTTP:
      head = "souphttpsrc location=%s is-live=true do-timestamp=true "
          "! multipartdemux single-stream=true";
      break;
    case KIND_V4L2:
      head = "v4l2src device=%s";
      break;
    case KIND_FILE:
    default:
      head = "filesrc location=%s";
      break;
  }
  src = g_strdup_printf (head, loc);
  desc = g_strdup_printf ("%s ! decodebin caps=\"%s\" ! capsfilter "
      "caps=\"%s\"", src, decode ? RAW_CAPS : ENCODED_STOP_CAPS,
      decode ? RAW_CAPS : ENCODED_OUT_CAPS);
  g_free (src);
  return desc;
}
