/* camguard - classifier: GstMessage -> CgError
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:cg-classifier
 * @title: Classifier
 * @short_description: every GstBus message to one catalogue code
 *
 * The classifier turns bus messages (ERROR, WARNING, INFO, QOS, ELEMENT, EOS)
 * into #CgError values carrying a catalogue code. It is keyed on
 *
 * 1. a `camguard-code` field in the message's details: camguard's own
 *    elements (retrysrc giving up, faultinject, snapshottap) say what they
 *    mean and are believed;
 * 2. the protocol status in the details (`rtsp-status-code`,
 *    `http-status-code`, as rtspsrc and souphttpsrc attach them): a camera
 *    answering 401 or 403 is %CG_CODE_PERMISSION_DENIED, 404
 *    %CG_CODE_DEVICE_NOT_FOUND, 503 %CG_CODE_DEVICE_BUSY, 408 or 504
 *    %CG_CODE_CONNECTION_TIMEOUT;
 * 3. the GError (domain, code) together with the role of the element that
 *    posted it (#CgRole: from its factory, klass and ancestors). The same
 *    RESOURCE/OPEN_WRITE means %CG_CODE_STORAGE_DENIED from a filesink and
 *    the same RESOURCE/READ means %CG_CODE_CAMERA_DISCONNECTED from rtspsrc
 *    but %CG_CODE_STORAGE_IO from a recording bin.
 *
 * It never looks at the message text, which is translated and changes
 * between GStreamer versions.
 *
 * A WARNING gets the same code as the ERROR would, with the severity
 * %CG_SEVERITY_WARNING: the pipeline goes on. INFO messages are not
 * failures and give %NULL.
 *
 * #CgClassifier adds incidents on top: the first ERROR is the cause; every
 * later ERROR of the same incident (the "internal data stream error" of the
 * source after a decoder failed, not-linked and not-negotiated flow errors,
 * failed state changes) is marked secondary and never replaces the cause;
 * the same message from the same element again is folded (%NULL). Failures
 * without an ERROR are recognised: EOS after a network source warned that
 * the server went away, EOS in a live pipeline, GstRTSPSrcTimeout, and
 * missing-plugin messages.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gio/gio.h>

#include "cg-classifier.h"
#include "cg-catalogue.h"
#include "cg-render.h"
#include "cg-details.h"
#include "cg-classifier-private.h"

GST_DEBUG_CATEGORY (cg_classifier_debug);
#define GST_CAT_DEFAULT cg_classifier_debug

void
cg_classify_ensure_debug (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once)) {
    GST_DEBUG_CATEGORY_INIT (cg_classifier_debug, "cgclassifier", 0,
        "camguard message classifier");
    g_once_init_leave (&once, 1);
  }
}

/* ------------------------------------------------------------------ */
/* roles                                                               */

/* Sources that read a camera over the network. */
static const gchar *const network_sources[] = {
  "rtspsrc", "rtspclientsink", "souphttpsrc", "curlhttpsrc", "rtmpsrc",
  "rtmp2src", "srtsrc", "srtclientsrc", "udpsrc", "tcpclientsrc",
  "ristsrc", "webrtcsrc", "whepsrc", "onvifsrc", "hlsdemux", "dashdemux",
  NULL
};

/* Sources that read a local capture device. */
static const gchar *const device_sources[] = {
  "v4l2src", "libcamerasrc", "pipewiresrc", "decklinkvideosrc", "aravissrc",
  "nvarguscamerasrc", "avfvideosrc", "ksvideosrc", "mfvideosrc",
  "dshowvideosrc", "alsasrc", "pulsesrc", NULL
};

/* Bins whose children write recordings. */
static const gchar *const storage_bins[] = {
  "splitmuxsink", "hlssink", "hlssink2", "hlssink3", "multifilesink",
  "filesink", NULL
};

static gboolean
in_list (const gchar * name, const gchar * const *list)
{
  return name && g_strv_contains (list, name);
}

static const gchar *
factory_name (GstElement * element)
{
  GstElementFactory *f = gst_element_get_factory (element);

  return f ? GST_OBJECT_NAME (f) : NULL;
}

static const gchar *
klass_of (GstElement * element)
{
  const gchar *k = gst_element_class_get_metadata (GST_ELEMENT_GET_CLASS
      (element), GST_ELEMENT_METADATA_KLASS);

  return k ? k : "";
}

static gboolean
klass_has (const gchar * klass, const gchar * word)
{
  gchar **parts = g_strsplit (klass, "/", -1);
  gboolean found = g_strv_contains ((const gchar * const *) parts, word);

  g_strfreev (parts);
  return found;
}

static gboolean
is_codec_klass (const gchar * klass)
{
  return klass_has (klass, "Decoder") || klass_has (klass, "Encoder")
      || klass_has (klass, "Parser") || klass_has (klass, "Muxer")
      || klass_has (klass, "Demuxer") || klass_has (klass, "Depayloader")
      || klass_has (klass, "Payloader");
}

/* The element's own role, ignoring its ancestors. */
static CgRole
own_role (GstElement * element)
{
  const gchar *name = factory_name (element);
  const gchar *klass = klass_of (element);

  if (in_list (name, network_sources))
    return CG_ROLE_NETWORK_SOURCE;
  if (in_list (name, device_sources))
    return CG_ROLE_DEVICE_SOURCE;
  if (name && (g_str_equal (name, "filesrc")
          || g_str_equal (name, "multifilesrc")))
    return CG_ROLE_FILE_SOURCE;
  if (is_codec_klass (klass))
    return CG_ROLE_CODEC;
  if (klass_has (klass, "Sink")) {
    if (in_list (name, storage_bins) || klass_has (klass, "File"))
      return CG_ROLE_STORAGE_SINK;
    return CG_ROLE_OTHER_SINK;
  }
  if (klass_has (klass, "Source")) {
    if (klass_has (klass, "Network"))
      return CG_ROLE_NETWORK_SOURCE;
    if (klass_has (klass, "Hardware") || klass_has (klass, "Device"))
      return CG_ROLE_DEVICE_SOURCE;
    if (klass_has (klass, "File"))
      return CG_ROLE_FILE_SOURCE;
    return CG_ROLE_OTHER_SOURCE;
  }
  return CG_ROLE_OTHER;
}

/**
 * cg_classify_role:
 * @object: the source of a message: an element, or a pad or other object
 *   inside one
 *
 * Works out the part @object plays in a camera pipeline. The element's own
 * factory and klass decide first (rtspsrc is a network source wherever it
 * is). An element without a telling role of its own takes it from its
 * ancestors: inside a recording bin (splitmuxsink, hlssink, ...) it writes
 * storage; inside a retrysrc, or inside a network or device source (the
 * rtpbin and jitter buffers of rtspsrc), it is part of a camera source.
 *
 * Returns: the role
 */
CgRole
cg_classify_role (GstObject * object)
{
  GstObject *o;
  GstElement *element = NULL;
  CgRole role, ancestor;

  g_return_val_if_fail (GST_IS_OBJECT (object), CG_ROLE_OTHER);

  /* a pad or any other object: its closest element */
  for (o = gst_object_ref (object); o && !GST_IS_ELEMENT (o);) {
    GstObject *parent = gst_object_get_parent (o);

    gst_object_unref (o);
    o = parent;
  }
  if (o == NULL)
    return CG_ROLE_OTHER;
  element = GST_ELEMENT (o);

  role = own_role (element);
  if (role != CG_ROLE_OTHER && role != CG_ROLE_OTHER_SOURCE) {
    gst_object_unref (element);
    return role;
  }

  /* no telling role of its own: look at the ancestors */
  for (o = gst_object_get_parent (GST_OBJECT (element)); o;) {
    GstObject *parent;

    if (GST_IS_ELEMENT (o)) {
      const gchar *name = factory_name (GST_ELEMENT (o));

      if (in_list (name, storage_bins)) {
        role = CG_ROLE_STORAGE_SINK;
        gst_object_unref (o);
        break;
      }
      if (name && g_str_equal (name, "retrysrc")) {
        /* a test source or a filter (faultinject) standing in for the
         * camera inside retrysrc is the camera */
        role = CG_ROLE_NETWORK_SOURCE;
        gst_object_unref (o);
        break;
      }
      ancestor = own_role (GST_ELEMENT (o));
      if (ancestor == CG_ROLE_NETWORK_SOURCE
          || ancestor == CG_ROLE_DEVICE_SOURCE) {
        /* rtspsrc's rtpbin and jitter buffers, a bin around v4l2src: part
         * of the camera source */
        role = ancestor;
        gst_object_unref (o);
        break;
      }
    }
    parent = gst_object_get_parent (o);
    gst_object_unref (o);
    o = parent;
  }
  gst_object_unref (element);
  return role;
}

/* ------------------------------------------------------------------ */
/* messages                                                            */

/* The message type, the source's path and its element's factory. */
void
cg_classify_fill_common (CgError * e, GstMessage * message, const gchar * type)
{
  GstObject *src = GST_MESSAGE_SRC (message);

  cg_error_set_message_type (e, type);
  if (src) {
    gchar *path = gst_object_get_path_string (src);
    GstObject *o = gst_object_ref (src);

    cg_error_set_source_path (e, path);
    g_free (path);
    while (o && !GST_IS_ELEMENT (o)) {
      GstObject *parent = gst_object_get_parent (o);

      gst_object_unref (o);
      o = parent;
    }
    if (o) {
      cg_error_set_factory (e, factory_name (GST_ELEMENT (o)));
      gst_object_unref (o);
    }
  }
}

/* Copies every field of @details into @e's details. */
void
cg_classify_copy_details (CgError * e, const GstStructure * details)
{
  GstStructure *d;
  guint i, n;

  if (details == NULL)
    return;
  d = cg_error_get_details_writable (e);
  n = gst_structure_n_fields (details);
  for (i = 0; i < n; i++) {
    const gchar *name = gst_structure_nth_field_name (details, i);

    gst_structure_set_value (d, name, gst_structure_get_value (details, name));
  }
}

/* rtspsrc's "no supported stream" (every SETUP refused with 461) names no
 * transport: put the ones that were asked for, its protocols property, in
 * the details ("transport", e.g. "tcp"). */
static void
add_refused_transport (CgError * e, GstObject * src)
{
  GParamSpec *pspec;
  GFlagsClass *klass;
  GString *text;
  guint flags = 0, i;

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (src), "protocols");
  if (pspec == NULL || !G_IS_PARAM_SPEC_FLAGS (pspec)
      || !(pspec->flags & G_PARAM_READABLE))
    return;
  g_object_get (src, "protocols", &flags, NULL);
  klass = G_PARAM_SPEC_FLAGS (pspec)->flags_class;
  text = g_string_new (NULL);
  for (i = 0; i < klass->n_values; i++) {
    if (klass->values[i].value && (flags & klass->values[i].value) ==
        klass->values[i].value)
      g_string_append_printf (text, "%s%s", text->len ? "+" : "",
          klass->values[i].value_nick);
  }
  if (text->len)
    gst_structure_set (cg_error_get_details_writable (e), "transport",
        G_TYPE_STRING, text->str, NULL);
  g_string_free (text, TRUE);
}

static CgError *
classify_gerror_message (GstMessage * message, const gchar * type)
{
  GError *gerr = NULL;
  gchar *debug = NULL, *redacted;
  const GstStructure *details = NULL;
  CgError *e;
  CgRole role;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (message, &gerr, &debug);
    gst_message_parse_error_details (message, &details);
  } else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_WARNING) {
    gst_message_parse_warning (message, &gerr, &debug);
    gst_message_parse_warning_details (message, &details);
  } else {
    return NULL;
  }

  role = GST_MESSAGE_SRC (message) ?
      cg_classify_role (GST_MESSAGE_SRC (message)) : CG_ROLE_OTHER;
  e = cg_error_new (gerr ? cg_classify_gerror (gerr->domain, gerr->code, role,
          details) : CG_CODE_INTERNAL_ERROR, NULL);
  cg_classify_fill_common (e, message, type);
  if (gerr) {
    cg_error_set_gerror (e, gerr);
    cg_error_set_message (e, gerr->message);
  }
  redacted = cg_redact (debug);
  cg_error_set_debug (e, redacted);
  g_free (redacted);
  cg_classify_copy_details (e, details);
  gst_structure_remove_field (cg_error_get_details_writable (e),
      CG_DETAILS_CODE_FIELD);
  if (gerr && gerr->domain == GST_STREAM_ERROR
      && gerr->code == GST_STREAM_ERROR_CODEC_NOT_FOUND
      && cg_error_get_code (e) == CG_CODE_UNSUPPORTED_FORMAT
      && GST_MESSAGE_SRC (message))
    add_refused_transport (e, GST_MESSAGE_SRC (message));
  GST_LOG ("%s %s/%d from %s -> %s", type,
      gerr ? g_quark_to_string (gerr->domain) : "?", gerr ? gerr->code : -1,
      cg_error_get_source_path (e), cg_error_get_code_name (e));
  g_clear_error (&gerr);
  g_free (debug);
  return e;
}

/* The message's own fields that are not the error itself. */
static gboolean
copy_ladder_fact (GQuark field, const GValue * value, gpointer user_data)
{
  const gchar *name = g_quark_to_string (field);
  GstStructure *details = user_data;

  if (g_str_equal (name, "code") || g_str_equal (name, "severity")
      || g_str_equal (name, "message")
      || g_str_equal (name, CG_DETAILS_CODE_FIELD)
      || g_str_equal (name, CG_DETAILS_ERROR_FIELD)
      || gst_structure_has_field (details, name))
    return TRUE;
  gst_structure_set_value (details, name, value);
  return TRUE;
}

/* qualityladder's step: below the top step its QUALITY_DEGRADED error rides
 * in the message (cg_error_to_details()); back at the top the code is
 * "recovered", which is no error. A message with only a code is read too. */
static CgError *
classify_quality_message (GstMessage * message, const GstStructure * s)
{
  CgError *e = cg_error_from_details (s);
  CgCode code;

  if (e == NULL && cg_code_from_name (gst_structure_get_string (s, "code"),
          &code))
    e = cg_error_new (code, NULL);
  if (e == NULL)
    return NULL;
  cg_classify_fill_common (e, message, "element");
  gst_structure_foreach (s, copy_ladder_fact,
      cg_error_get_details_writable (e));
  return e;
}

static CgError *
classify_element_message (GstMessage * message)
{
  const GstStructure *s = gst_message_get_structure (message);
  CgError *e = NULL;

  if (s == NULL)
    return NULL;

  if (gst_structure_has_name (s, "GstRTSPSrcTimeout")) {
    /* rtspsrc: no data, or no keep-alive answer, in time */
    e = cg_error_new (CG_CODE_CONNECTION_TIMEOUT, NULL);
    cg_classify_fill_common (e, message, "element");
    cg_classify_copy_details (e, s);
  } else if (gst_structure_has_name (s, "missing-plugin")) {
    const gchar *detail = gst_structure_get_string (s, "detail");
    const gchar *name = gst_structure_get_string (s, "name");

    e = cg_error_new (CG_CODE_MISSING_COMPONENT, NULL);
    cg_classify_fill_common (e, message, "element");
    gst_structure_set (cg_error_get_details_writable (e),
        "missing-type", G_TYPE_STRING, gst_structure_get_string (s, "type"),
        NULL);
    if (detail)
      gst_structure_set (cg_error_get_details_writable (e),
          "missing-detail", G_TYPE_STRING, detail, NULL);
    if (name)
      gst_structure_set (cg_error_get_details_writable (e),
          "missing-name", G_TYPE_STRING, name, NULL);
  } else if (gst_structure_has_name (s, "camguard-quality")) {
    e = classify_quality_message (message, s);
  }
  return e;
}

static CgError *
classify_qos (GstMessage * message)
{
  guint64 processed = 0, dropped = 0;
  gint64 jitter = 0;
  gdouble proportion = 1.0;
  gint quality = 0;
  GstFormat format;
  CgError *e;

  gst_message_parse_qos_stats (message, &format, &processed, &dropped);
  gst_message_parse_qos_values (message, &jitter, &proportion, &quality);
  if (format == GST_FORMAT_UNDEFINED || dropped == 0
      || dropped == (guint64) - 1)
    return NULL;
  e = cg_error_new (CG_CODE_PROCESSING_SLOW, NULL);
  cg_classify_fill_common (e, message, "qos");
  gst_structure_set (cg_error_get_details_writable (e),
      "dropped", G_TYPE_UINT64, dropped,
      "processed", G_TYPE_UINT64, processed,
      "jitter", G_TYPE_INT64, jitter, "proportion", G_TYPE_DOUBLE, proportion,
      NULL);
  return e;
}

/**
 * cg_classify_message:
 * @message: a bus message
 *
 * Classifies one message on its own, without incident state (see
 * #CgClassifier for that). ERROR and WARNING messages always give an error
 * (a WARNING with severity %CG_SEVERITY_WARNING); QOS messages reporting
 * dropped buffers give %CG_CODE_PROCESSING_SLOW; element messages give an
 * error for GstRTSPSrcTimeout (%CG_CODE_CONNECTION_TIMEOUT), missing-plugin
 * (%CG_CODE_MISSING_COMPONENT) and qualityladder's step down
 * (%CG_CODE_QUALITY_DEGRADED). Everything else, including INFO and EOS
 * (which is a failure only in context), gives %NULL.
 *
 * The error carries the GError domain and code, the source element's path
 * and factory, the debug string with secrets redacted, the message's details
 * and the time of classification.
 *
 * Returns: (transfer full) (nullable): the classified error, or %NULL
 */
CgError *
cg_classify_message (GstMessage * message)
{
  g_return_val_if_fail (GST_IS_MESSAGE (message), NULL);

  cg_classify_ensure_debug ();
  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ERROR:
      return classify_gerror_message (message, "error");
    case GST_MESSAGE_WARNING:
      return classify_gerror_message (message, "warning");
    case GST_MESSAGE_ELEMENT:
      return classify_element_message (message);
    case GST_MESSAGE_QOS:
      return classify_qos (message);
    default:
      return NULL;
  }
}

/**
 * cg_classify_parse_error:
 * @error: (nullable): an error from gst_parse_launch() or
 *   gst_parse_bin_from_description()
 *
 * Classifies a pipeline description that could not be built: a missing
 * element (%GST_PARSE_ERROR_NO_SUCH_ELEMENT) is %CG_CODE_MISSING_COMPONENT
 * (a plugin is not installed); anything else (syntax, unknown property, bad
 * value, impossible link) is bad input, %CG_CODE_VALIDATION_ERROR.
 *
 * Returns: (transfer full): the classified error
 */
CgError *
cg_classify_parse_error (const GError * error)
{
  CgCode code = CG_CODE_VALIDATION_ERROR;
  CgError *e;

  cg_classify_ensure_debug ();
  if (error && error->domain == GST_PARSE_ERROR
      && error->code == GST_PARSE_ERROR_NO_SUCH_ELEMENT)
    code = CG_CODE_MISSING_COMPONENT;
  else if (error && error->domain == GST_CORE_ERROR
      && error->code == GST_CORE_ERROR_MISSING_PLUGIN)
    code = CG_CODE_MISSING_COMPONENT;
  e = cg_error_new (code, error ? error->message : NULL);
  cg_error_set_message_type (e, "parse");
  if (error) {
    gchar *redacted = cg_redact (error->message);

    cg_error_set_gst_domain (e, g_quark_to_string (error->domain));
    if (error->domain == GST_PARSE_ERROR) {
      GEnumClass *klass = g_type_class_ref (GST_TYPE_PARSE_ERROR);
      GEnumValue *v = g_enum_get_value (klass, error->code);

      cg_error_set_gst_code (e, v ? v->value_nick : NULL);
      g_type_class_unref (klass);
    }
    cg_error_set_message (e, redacted);
    g_free (redacted);
  }
  return e;
}

/**
 * cg_classify_file_error:
 * @error: a #GError from writing a file (#G_FILE_ERROR or #G_IO_ERROR)
 *
 * The storage code for a failed file write: a full disk is
 * %CG_CODE_STORAGE_FULL; a missing directory, a read-only file system or
 * no permission is %CG_CODE_STORAGE_DENIED; anything else
 * %CG_CODE_STORAGE_IO.
 *
 * Returns: a storage #CgCode
 */
CgCode
cg_classify_file_error (const GError * error)
{
  g_return_val_if_fail (error != NULL, CG_CODE_STORAGE_IO);

  if (error->domain == G_FILE_ERROR) {
    switch (error->code) {
      case G_FILE_ERROR_NOSPC:
        return CG_CODE_STORAGE_FULL;
      case G_FILE_ERROR_ACCES:
      case G_FILE_ERROR_PERM:
      case G_FILE_ERROR_ROFS:
      case G_FILE_ERROR_NOENT:
      case G_FILE_ERROR_NOTDIR:
      case G_FILE_ERROR_ISDIR:
      case G_FILE_ERROR_NAMETOOLONG:
        return CG_CODE_STORAGE_DENIED;
      default:
        return CG_CODE_STORAGE_IO;
    }
  }
  if (error->domain == G_IO_ERROR) {
    switch (error->code) {
      case G_IO_ERROR_NO_SPACE:
        return CG_CODE_STORAGE_FULL;
      case G_IO_ERROR_PERMISSION_DENIED:
      case G_IO_ERROR_READ_ONLY:
      case G_IO_ERROR_NOT_FOUND:
      case G_IO_ERROR_NOT_DIRECTORY:
      case G_IO_ERROR_IS_DIRECTORY:
      case G_IO_ERROR_FILENAME_TOO_LONG:
        return CG_CODE_STORAGE_DENIED;
      default:
        return CG_CODE_STORAGE_IO;
    }
  }
  return CG_CODE_STORAGE_IO;
}
