/* camguard-gateway - the checks of single camera spec values
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * One function per kind of value a camera key holds (gw-camera-spec.c's
 * field table names them): videotestsrc patterns, device paths, v4l2
 * formats, URIs per camera type, choices, ladders (libcamguard's grammar)
 * and pipeline descriptions (the allowlist, and only when the
 * configuration allows pipeline cameras). Each returns what is wrong, or
 * NULL.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/video/video.h>

#include "gw-allowlist.h"
#include "gw-camera-spec-checks.h"

/**
 * gw_spec_check_pattern:
 * @spec: the spec being read (its type is known)
 * @value: the value of the key
 * @policy: what is allowed
 *
 * Returns: (transfer full) (nullable): what is wrong with @value, or %NULL
 */
gchar *
gw_spec_check_pattern (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy)
{
  GstElement *e = gst_element_factory_make ("videotestsrc", NULL);
  GParamSpec *ps;
  gboolean ok = FALSE;

  if (e == NULL)
    return g_strdup ("videotestsrc is not installed");
  ps = g_object_class_find_property (G_OBJECT_GET_CLASS (e), "pattern");
  if (ps && G_IS_PARAM_SPEC_ENUM (ps))
    ok = g_enum_get_value_by_nick (G_PARAM_SPEC_ENUM (ps)->enum_class,
        value) != NULL;
  gst_object_unref (e);
  return ok ? NULL : g_strdup_printf ("unknown videotestsrc pattern '%s' "
      "(e.g. smpte, ball, snow)", value);
}

/**
 * gw_spec_check_device:
 * @spec: the spec being read (its type is known)
 * @value: the value of the key
 * @policy: what is allowed
 *
 * Returns: (transfer full) (nullable): what is wrong with @value, or %NULL
 */
gchar *
gw_spec_check_device (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy)
{
  gsize n = strspn (value, "abcdefghijklmnopqrstuvwxyz"
      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-");

  if (!g_str_has_prefix (value, "/dev/") || strstr (value, "..") != NULL
      || value[n] != '\0')
    return g_strdup ("must be a device under /dev/ (letters, digits, "
        "_ . / -)");
  return NULL;
}

/**
 * gw_spec_check_format:
 * @spec: the spec being read (its type is known)
 * @value: the value of the key
 * @policy: what is allowed
 *
 * Returns: (transfer full) (nullable): what is wrong with @value, or %NULL
 */
gchar *
gw_spec_check_format (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy)
{
  if (g_str_equal (value, "MJPG")
      || gst_video_format_from_string (value) != GST_VIDEO_FORMAT_UNKNOWN)
    return NULL;
  return g_strdup_printf ("unknown format '%s' (a raw format such as YUY2 "
      "or NV12, or MJPG)", value);
}

/**
 * gw_spec_check_uri:
 * @spec: the spec being read (its type is known)
 * @value: the value of the key
 * @policy: what is allowed
 *
 * Returns: (transfer full) (nullable): what is wrong with @value, or %NULL
 */
gchar *
gw_spec_check_uri (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy)
{
  static const gchar *const rtsp[] = { "rtsp", "rtsps", NULL };
  static const gchar *const http[] = { "http", "https", NULL };
  g_autofree gchar *scheme = NULL;

  if (!gst_uri_is_valid (value))
    return g_strdup ("not a URI");
  scheme = g_ascii_strdown (gst_uri_get_protocol (value), -1);
  if (!g_strv_contains (spec->type == GW_CAMERA_RTSP ? rtsp : http, scheme))
    return g_strdup_printf ("a %s camera needs a %s URI",
        gw_camera_type_to_string (spec->type),
        spec->type == GW_CAMERA_RTSP ? "rtsp:// or rtsps://" :
        "http:// or https://");
  return NULL;
}

static gchar *
check_choice (const gchar * value, const gchar * const *choices)
{
  g_autofree gchar *list = NULL;

  if (g_strv_contains (choices, value))
    return NULL;
  list = g_strjoinv (", ", (gchar **) choices);
  return g_strdup_printf ("'%s' is not one of %s", value, list);
}

/**
 * gw_spec_check_transport:
 * @spec: the spec being read (its type is known)
 * @value: the value of the key
 * @policy: what is allowed
 *
 * Returns: (transfer full) (nullable): what is wrong with @value, or %NULL
 */
gchar *
gw_spec_check_transport (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy)
{
  static const gchar *const choices[] = { "auto", "tcp", "udp", NULL };

  return check_choice (value, choices);
}

/**
 * gw_spec_check_mode:
 * @spec: the spec being read (its type is known)
 * @value: the value of the key
 * @policy: what is allowed
 *
 * Returns: (transfer full) (nullable): what is wrong with @value, or %NULL
 */
gchar *
gw_spec_check_mode (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy)
{
  static const gchar *const choices[] = { "auto", "manual", NULL };

  return check_choice (value, choices);
}

/**
 * gw_spec_check_ladder:
 * @spec: the spec being read (its type is known)
 * @value: the value of the key
 * @policy: what is allowed
 *
 * Returns: (transfer full) (nullable): what is wrong with @value, or %NULL
 */
gchar *
gw_spec_check_ladder (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (CgLadder) ladder = cg_ladder_parse (value, &err);

  return ladder ? NULL : g_strdup (err->message);
}

/**
 * gw_spec_check_description:
 * @spec: the spec being read (its type is known)
 * @value: the value of the key
 * @policy: what is allowed
 *
 * Returns: (transfer full) (nullable): what is wrong with @value, or %NULL
 */
gchar *
gw_spec_check_description (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy)
{
  gchar *why = NULL;

  if (policy == NULL || !policy->allow_pipelines)
    return g_strdup ("pipeline cameras are disabled (set allow-pipelines "
        "in [gateway])");
  if (!gw_allowlist_check (value, &why))
    return why;
  return NULL;
}
