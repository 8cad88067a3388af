/* camguard - classifier tests: every GStreamer error (domain, code), as
 * ERROR and as WARNING, from elements in each role
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each row states the code, severity and retryable flag it expects on its
 * own; nothing is derived from the catalogue under test.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>
#include <camguard.h>

#define R GST_RESOURCE_ERROR
#define C GST_CORE_ERROR
#define L GST_LIBRARY_ERROR
#define S GST_STREAM_ERROR

#define FATAL CG_SEVERITY_FATAL
#define RECOV CG_SEVERITY_RECOVERABLE

typedef struct
{
  const gchar *factory;         /* element posting the message */
  const gchar *domain;          /* "resource", "core", "library", "stream" */
  gint code;
  const gchar *details;         /* GstStructure string or NULL */
  CgCode expected;
  CgSeverity severity;          /* for the ERROR; a WARNING is always warning */
  gboolean retryable;
} Row;

static const Row rows[] = {
  /* RESOURCE from a network camera source */
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_FAILED, NULL,
      CG_CODE_CAMERA_UNREACHABLE, RECOV, TRUE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_TOO_LAZY, NULL,
      CG_CODE_CAMERA_UNREACHABLE, RECOV, TRUE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_NOT_FOUND, NULL,
      CG_CODE_DEVICE_NOT_FOUND, FATAL, FALSE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_BUSY, NULL,
      CG_CODE_DEVICE_BUSY, RECOV, TRUE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_OPEN_READ, NULL,
      CG_CODE_CAMERA_UNREACHABLE, RECOV, TRUE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_OPEN_WRITE, NULL,
      CG_CODE_CAMERA_UNREACHABLE, RECOV, TRUE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_OPEN_READ_WRITE, NULL,
      CG_CODE_CAMERA_UNREACHABLE, RECOV, TRUE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_CLOSE, NULL,
      CG_CODE_CAMERA_DISCONNECTED, RECOV, TRUE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_READ, NULL,
      CG_CODE_CAMERA_DISCONNECTED, RECOV, TRUE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_WRITE, NULL,
      CG_CODE_CAMERA_DISCONNECTED, RECOV, TRUE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_SEEK, NULL,
      CG_CODE_CAMERA_DISCONNECTED, RECOV, TRUE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_SYNC, NULL,
      CG_CODE_CAMERA_DISCONNECTED, RECOV, TRUE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_SETTINGS, NULL,
      CG_CODE_UNSUPPORTED_FORMAT, FATAL, FALSE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_NO_SPACE_LEFT, NULL,
      CG_CODE_STORAGE_FULL, FATAL, FALSE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_NOT_AUTHORIZED, NULL,
      CG_CODE_PERMISSION_DENIED, FATAL, FALSE},
  /* the protocol status decides over the GError code */
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_OPEN_READ,
        "details, rtsp-status-code=(uint)401",
      CG_CODE_PERMISSION_DENIED, FATAL, FALSE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_OPEN_READ,
        "details, rtsp-status-code=(uint)404",
      CG_CODE_DEVICE_NOT_FOUND, FATAL, FALSE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_OPEN_READ,
        "details, rtsp-status-code=(uint)503",
      CG_CODE_DEVICE_BUSY, RECOV, TRUE},
  {"rtspsrc", "resource", GST_RESOURCE_ERROR_OPEN_READ,
        "details, rtsp-status-code=(uint)461",
      CG_CODE_UNSUPPORTED_FORMAT, FATAL, FALSE},
  {"souphttpsrc", "resource", GST_RESOURCE_ERROR_OPEN_READ,
        "details, http-status-code=(uint)403",
      CG_CODE_PERMISSION_DENIED, FATAL, FALSE},
  {"souphttpsrc", "resource", GST_RESOURCE_ERROR_NOT_FOUND,
        "details, http-status-code=(uint)404",
      CG_CODE_DEVICE_NOT_FOUND, FATAL, FALSE},
  {"souphttpsrc", "resource", GST_RESOURCE_ERROR_READ,
        "details, http-status-code=(uint)504",
      CG_CODE_CONNECTION_TIMEOUT, RECOV, TRUE},
  {"souphttpsrc", "resource", GST_RESOURCE_ERROR_READ,
        "details, http-status-code=(uint)500",
      CG_CODE_CAMERA_UNREACHABLE, RECOV, TRUE},
  /* camguard's own elements say what they mean */
  {"identity", "resource", GST_RESOURCE_ERROR_FAILED,
        "details, camguard-code=(string)SNAPSHOT_FAILED",
      CG_CODE_SNAPSHOT_FAILED, RECOV, TRUE},

  /* RESOURCE from a local capture device */
  {"v4l2src", "resource", GST_RESOURCE_ERROR_NOT_FOUND, NULL,
      CG_CODE_DEVICE_NOT_FOUND, FATAL, FALSE},
  {"v4l2src", "resource", GST_RESOURCE_ERROR_OPEN_READ_WRITE, NULL,
      CG_CODE_PERMISSION_DENIED, FATAL, FALSE},
  {"v4l2src", "resource", GST_RESOURCE_ERROR_BUSY, NULL,
      CG_CODE_DEVICE_BUSY, RECOV, TRUE},
  {"v4l2src", "resource", GST_RESOURCE_ERROR_READ, NULL,
      CG_CODE_CAMERA_DISCONNECTED, RECOV, TRUE},
  {"v4l2src", "resource", GST_RESOURCE_ERROR_SETTINGS, NULL,
      CG_CODE_UNSUPPORTED_FORMAT, FATAL, FALSE},
  {"v4l2src", "resource", GST_RESOURCE_ERROR_FAILED, NULL,
      CG_CODE_DEVICE_BUSY, RECOV, TRUE},
  {"v4l2src", "resource", GST_RESOURCE_ERROR_NOT_AUTHORIZED, NULL,
      CG_CODE_PERMISSION_DENIED, FATAL, FALSE},

  /* RESOURCE from a file source (a recorded camera replayed) */
  {"filesrc", "resource", GST_RESOURCE_ERROR_NOT_FOUND, NULL,
      CG_CODE_DEVICE_NOT_FOUND, FATAL, FALSE},
  {"filesrc", "resource", GST_RESOURCE_ERROR_OPEN_READ, NULL,
      CG_CODE_DEVICE_NOT_FOUND, FATAL, FALSE},
  {"filesrc", "resource", GST_RESOURCE_ERROR_READ, NULL,
      CG_CODE_CAMERA_DISCONNECTED, RECOV, TRUE},

  /* RESOURCE from storage */
  {"filesink", "resource", GST_RESOURCE_ERROR_FAILED, NULL,
      CG_CODE_STORAGE_IO, RECOV, TRUE},
  {"filesink", "resource", GST_RESOURCE_ERROR_NOT_FOUND, NULL,
      CG_CODE_STORAGE_DENIED, FATAL, FALSE},
  {"filesink", "resource", GST_RESOURCE_ERROR_BUSY, NULL,
      CG_CODE_STORAGE_IO, RECOV, TRUE},
  {"filesink", "resource", GST_RESOURCE_ERROR_OPEN_READ, NULL,
      CG_CODE_STORAGE_DENIED, FATAL, FALSE},
  {"filesink", "resource", GST_RESOURCE_ERROR_OPEN_WRITE, NULL,
      CG_CODE_STORAGE_DENIED, FATAL, FALSE},
  {"filesink", "resource", GST_RESOURCE_ERROR_OPEN_READ_WRITE, NULL,
      CG_CODE_STORAGE_DENIED, FATAL, FALSE},
  {"filesink", "resource", GST_RESOURCE_ERROR_CLOSE, NULL,
      CG_CODE_STORAGE_IO, RECOV, TRUE},
  {"filesink", "resource", GST_RESOURCE_ERROR_READ, NULL,
      CG_CODE_STORAGE_IO, RECOV, TRUE},
  {"filesink", "resource", GST_RESOURCE_ERROR_WRITE, NULL,
      CG_CODE_STORAGE_IO, RECOV, TRUE},
  {"filesink", "resource", GST_RESOURCE_ERROR_SEEK, NULL,
      CG_CODE_STORAGE_IO, RECOV, TRUE},
  {"filesink", "resource", GST_RESOURCE_ERROR_SYNC, NULL,
      CG_CODE_STORAGE_IO, RECOV, TRUE},
  {"filesink", "resource", GST_RESOURCE_ERROR_NO_SPACE_LEFT, NULL,
      CG_CODE_STORAGE_FULL, FATAL, FALSE},
  {"filesink", "resource", GST_RESOURCE_ERROR_NOT_AUTHORIZED, NULL,
      CG_CODE_STORAGE_DENIED, FATAL, FALSE},

  /* RESOURCE from elements without a camera or storage role */
  {"identity", "resource", GST_RESOURCE_ERROR_FAILED, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "resource", GST_RESOURCE_ERROR_READ, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "resource", GST_RESOURCE_ERROR_SETTINGS, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"videotestsrc", "resource", GST_RESOURCE_ERROR_READ, NULL,
      CG_CODE_CAMERA_DISCONNECTED, RECOV, TRUE},

  /* CORE: the same whoever posts it, but NOT_IMPLEMENTED in a codec */
  {"identity", "core", GST_CORE_ERROR_FAILED, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "core", GST_CORE_ERROR_TOO_LAZY, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "core", GST_CORE_ERROR_NOT_IMPLEMENTED, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"h264parse", "core", GST_CORE_ERROR_NOT_IMPLEMENTED, NULL,
      CG_CODE_UNSUPPORTED_FORMAT, FATAL, FALSE},
  {"identity", "core", GST_CORE_ERROR_STATE_CHANGE, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "core", GST_CORE_ERROR_PAD, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "core", GST_CORE_ERROR_THREAD, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "core", GST_CORE_ERROR_NEGOTIATION, NULL,
      CG_CODE_UNSUPPORTED_FORMAT, FATAL, FALSE},
  {"identity", "core", GST_CORE_ERROR_EVENT, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "core", GST_CORE_ERROR_SEEK, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "core", GST_CORE_ERROR_CAPS, NULL,
      CG_CODE_UNSUPPORTED_FORMAT, FATAL, FALSE},
  {"identity", "core", GST_CORE_ERROR_TAG, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "core", GST_CORE_ERROR_MISSING_PLUGIN, NULL,
      CG_CODE_MISSING_COMPONENT, FATAL, FALSE},
  {"identity", "core", GST_CORE_ERROR_CLOCK, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "core", GST_CORE_ERROR_DISABLED, NULL,
      CG_CODE_MISSING_COMPONENT, FATAL, FALSE},
  {"rtspsrc", "core", GST_CORE_ERROR_MISSING_PLUGIN, NULL,
      CG_CODE_MISSING_COMPONENT, FATAL, FALSE},

  /* LIBRARY */
  {"identity", "library", GST_LIBRARY_ERROR_FAILED, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"h264parse", "library", GST_LIBRARY_ERROR_FAILED, NULL,
      CG_CODE_MEDIA_PROCESSING_FAILED, RECOV, TRUE},
  {"rtspsrc", "library", GST_LIBRARY_ERROR_FAILED, NULL,
      CG_CODE_CAMERA_UNREACHABLE, RECOV, TRUE},
  {"identity", "library", GST_LIBRARY_ERROR_TOO_LAZY, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "library", GST_LIBRARY_ERROR_INIT, NULL,
      CG_CODE_MISSING_COMPONENT, FATAL, FALSE},
  {"identity", "library", GST_LIBRARY_ERROR_SHUTDOWN, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "library", GST_LIBRARY_ERROR_SETTINGS, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"h264parse", "library", GST_LIBRARY_ERROR_SETTINGS, NULL,
      CG_CODE_MEDIA_PROCESSING_FAILED, RECOV, TRUE},
  {"identity", "library", GST_LIBRARY_ERROR_ENCODE, NULL,
      CG_CODE_MEDIA_PROCESSING_FAILED, RECOV, TRUE},

  /* STREAM */
  {"identity", "stream", GST_STREAM_ERROR_FAILED, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"h264parse", "stream", GST_STREAM_ERROR_FAILED, NULL,
      CG_CODE_MEDIA_PROCESSING_FAILED, RECOV, TRUE},
  {"rtspsrc", "stream", GST_STREAM_ERROR_FAILED, NULL,
      CG_CODE_CAMERA_DISCONNECTED, RECOV, TRUE},
  {"filesink", "stream", GST_STREAM_ERROR_FAILED, NULL,
      CG_CODE_RECORDING_FAILED, RECOV, TRUE},
  /* "Internal data stream error": the flow return decides */
  {"videotestsrc", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-4",
      CG_CODE_UNSUPPORTED_FORMAT, FATAL, FALSE},
  {"videotestsrc", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-1",
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  /* issue 14 item 7: a fatal flow return with no ERROR before it is the
   * element failing without saying why; the role decides (souphttpsrc to a
   * closed port posts nothing else) */
  {"souphttpsrc", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-5",
      CG_CODE_CAMERA_UNREACHABLE, RECOV, TRUE},
  {"rtspsrc", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-5",
      CG_CODE_CAMERA_UNREACHABLE, RECOV, TRUE},
  {"udpsrc", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-5",
      CG_CODE_CAMERA_UNREACHABLE, RECOV, TRUE},
  {"souphttpsrc", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-100",
      CG_CODE_CAMERA_UNREACHABLE, RECOV, TRUE},
  {"v4l2src", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-5",
      CG_CODE_CAMERA_DISCONNECTED, RECOV, TRUE},
  {"filesrc", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-5",
      CG_CODE_CAMERA_DISCONNECTED, RECOV, TRUE},
  {"h264parse", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-5",
      CG_CODE_MEDIA_PROCESSING_FAILED, RECOV, TRUE},
  {"filesink", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-5",
      CG_CODE_RECORDING_FAILED, RECOV, TRUE},
  {"videotestsrc", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-5",
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-5",
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  /* the flow returns that are not the camera, whoever posts them */
  {"souphttpsrc", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-4",
      CG_CODE_UNSUPPORTED_FORMAT, FATAL, FALSE},
  {"souphttpsrc", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-6",
      CG_CODE_UNSUPPORTED_FORMAT, FATAL, FALSE},
  {"v4l2src", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-6",
      CG_CODE_UNSUPPORTED_FORMAT, FATAL, FALSE},
  {"souphttpsrc", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-1",
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"rtspsrc", "stream", GST_STREAM_ERROR_FAILED,
        "details, flow-return=(int)-2",
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "stream", GST_STREAM_ERROR_TOO_LAZY, NULL,
      CG_CODE_PIPELINE_ERROR, FATAL, FALSE},
  {"identity", "stream", GST_STREAM_ERROR_NOT_IMPLEMENTED, NULL,
      CG_CODE_UNSUPPORTED_FORMAT, FATAL, FALSE},
  {"identity", "stream", GST_STREAM_ERROR_TYPE_NOT_FOUND, NULL,
      CG_CODE_UNSUPPORTED_FORMAT, FATAL, FALSE},
  {"identity", "stream", GST_STREAM_ERROR_WRONG_TYPE, NULL,
      CG_CODE_UNSUPPORTED_FORMAT, FATAL, FALSE},
  {"identity", "stream", GST_STREAM_ERROR_CODEC_NOT_FOUND, NULL,
      CG_CODE_MISSING_COMPONENT, FATAL, FALSE},
  /* issue 14 item 9: rtspsrc's "No supported stream was found" is the
   * camera refusing every transport asked for (461), not a missing plugin */
  {"rtspsrc", "stream", GST_STREAM_ERROR_CODEC_NOT_FOUND, NULL,
      CG_CODE_UNSUPPORTED_FORMAT, FATAL, FALSE},
  {"h264parse", "stream", GST_STREAM_ERROR_CODEC_NOT_FOUND, NULL,
      CG_CODE_MISSING_COMPONENT, FATAL, FALSE},
  {"h264parse", "stream", GST_STREAM_ERROR_DECODE, NULL,
      CG_CODE_MEDIA_PROCESSING_FAILED, RECOV, TRUE},
  {"h264parse", "stream", GST_STREAM_ERROR_ENCODE, NULL,
      CG_CODE_MEDIA_PROCESSING_FAILED, RECOV, TRUE},
  {"h264parse", "stream", GST_STREAM_ERROR_DEMUX, NULL,
      CG_CODE_MEDIA_PROCESSING_FAILED, RECOV, TRUE},
  {"h264parse", "stream", GST_STREAM_ERROR_MUX, NULL,
      CG_CODE_MEDIA_PROCESSING_FAILED, RECOV, TRUE},
  {"filesink", "stream", GST_STREAM_ERROR_MUX, NULL,
      CG_CODE_RECORDING_FAILED, RECOV, TRUE},
  {"identity", "stream", GST_STREAM_ERROR_FORMAT, NULL,
      CG_CODE_UNSUPPORTED_FORMAT, FATAL, FALSE},
  {"identity", "stream", GST_STREAM_ERROR_DECRYPT, NULL,
      CG_CODE_MEDIA_PROCESSING_FAILED, RECOV, TRUE},
  {"identity", "stream", GST_STREAM_ERROR_DECRYPT_NOKEY, NULL,
      CG_CODE_MEDIA_PROCESSING_FAILED, RECOV, TRUE},
};

static GQuark
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

static GstMessage *
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

static void
check_row (const Row * row, GstMessageType type)
{
  GstElement *e = gst_element_factory_make (row->factory, NULL);
  GstMessage *m;
  CgError *err;
  gboolean warning = type == GST_MESSAGE_WARNING;

  if (e == NULL) {
    g_test_message ("element %s not available: row skipped", row->factory);
    return;
  }
  gst_object_ref_sink (e);
  m = make_message (type, e, domain_quark (row->domain), row->code,
      row->details);
  err = cg_classify_message (m);
  g_assert_nonnull (err);
  if (cg_error_get_code (err) != row->expected)
    g_error ("%s %s %s/%d%s%s: got %s, expected %s",
        warning ? "WARNING" : "ERROR", row->factory, row->domain, row->code,
        row->details ? " " : "", row->details ? row->details : "",
        cg_error_get_code_name (err), cg_code_to_name (row->expected));
  g_assert_cmpint (cg_error_get_severity (err), ==,
      warning ? CG_SEVERITY_WARNING : row->severity);
  g_assert_cmpint (cg_error_is_retryable (err), ==, row->retryable);
  g_assert_cmpstr (cg_error_get_message_type (err), ==,
      warning ? "warning" : "error");
  g_assert_cmpstr (cg_error_get_factory (err), ==, row->factory);
  g_assert_cmpstr (cg_error_get_gst_domain (err), ==,
      g_quark_to_string (domain_quark (row->domain)));
  g_assert_nonnull (cg_error_get_gst_code (err));
  /* the debug string is redacted */
  g_assert_null (strstr (cg_error_get_debug (err), "secret"));
  cg_error_unref (err);
  gst_message_unref (m);
  gst_object_unref (e);
}

static void
test_table (gconstpointer data)
{
  GstMessageType type = GPOINTER_TO_INT (data);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    check_row (&rows[i], type);
}

/* Every code of the four domains appears in the table at least once. */
static void
test_table_covers_every_code (void)
{
  static const struct
  {
    const gchar *domain;
    gint last;
  } domains[] = {
    {"core", GST_CORE_ERROR_NUM_ERRORS},
    {"library", GST_LIBRARY_ERROR_NUM_ERRORS},
    {"resource", GST_RESOURCE_ERROR_NUM_ERRORS},
    {"stream", GST_STREAM_ERROR_NUM_ERRORS},
  };
  guint d, i;
  gint code;

  for (d = 0; d < G_N_ELEMENTS (domains); d++) {
    for (code = 1; code < domains[d].last; code++) {
      gboolean found = FALSE;

      for (i = 0; i < G_N_ELEMENTS (rows) && !found; i++)
        found = g_str_equal (rows[i].domain, domains[d].domain)
            && rows[i].code == code && rows[i].details == NULL;
      if (!found)
        g_error ("no row for %s/%d", domains[d].domain, code);
    }
  }
}

/* Every (domain, code) from any role maps to a real catalogue code (never
 * INTERNAL_ERROR, which is for unknown domains). */
static void
test_every_code_every_role (void)
{
  GQuark qs[4];
  gint lasts[4] = { GST_CORE_ERROR_NUM_ERRORS, GST_LIBRARY_ERROR_NUM_ERRORS,
    GST_RESOURCE_ERROR_NUM_ERRORS, GST_STREAM_ERROR_NUM_ERRORS
  };
  guint d;
  gint code;
  CgRole role;

  qs[0] = GST_CORE_ERROR;
  qs[1] = GST_LIBRARY_ERROR;
  qs[2] = GST_RESOURCE_ERROR;
  qs[3] = GST_STREAM_ERROR;
  for (d = 0; d < 4; d++)
    for (code = 1; code < lasts[d]; code++)
      for (role = CG_ROLE_OTHER; role <= CG_ROLE_CODEC; role++) {
        CgCode c = cg_classify_gerror (qs[d], code, role, NULL);

        g_assert_nonnull (cg_catalogue_lookup (c));
        g_assert_cmpint (c, !=, CG_CODE_INTERNAL_ERROR);
      }
  g_assert_cmpint (cg_classify_gerror (g_quark_from_static_string
          ("some-other-domain"), 1, CG_ROLE_OTHER, NULL), ==,
      CG_CODE_INTERNAL_ERROR);
}

static void
test_roles (void)
{
  static const struct
  {
    const gchar *factory;
    CgRole role;
  } cases[] = {
    {"rtspsrc", CG_ROLE_NETWORK_SOURCE},
    {"souphttpsrc", CG_ROLE_NETWORK_SOURCE},
    {"udpsrc", CG_ROLE_NETWORK_SOURCE},
    {"v4l2src", CG_ROLE_DEVICE_SOURCE},
    {"filesrc", CG_ROLE_FILE_SOURCE},
    {"videotestsrc", CG_ROLE_OTHER_SOURCE},
    {"filesink", CG_ROLE_STORAGE_SINK},
    {"fakesink", CG_ROLE_OTHER_SINK},
    {"h264parse", CG_ROLE_CODEC},
    {"rtph264depay", CG_ROLE_CODEC},
    {"identity", CG_ROLE_OTHER},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstElement *e = gst_element_factory_make (cases[i].factory, NULL);
    GstPad *pad;

    if (e == NULL)
      continue;
    gst_object_ref_sink (e);
    if (cg_classify_role (GST_OBJECT (e)) != cases[i].role)
      g_error ("%s: role %d, expected %d", cases[i].factory,
          cg_classify_role (GST_OBJECT (e)), cases[i].role);
    /* a pad of the element has the element's role */
    pad = gst_element_get_static_pad (e, "src");
    if (pad == NULL)
      pad = gst_element_get_static_pad (e, "sink");
    if (pad) {
      g_assert_cmpint (cg_classify_role (GST_OBJECT (pad)), ==, cases[i].role);
      gst_object_unref (pad);
    }
    gst_object_unref (e);
  }
}

/* Elements without a role of their own take it from their ancestors. */
static void
test_role_from_ancestors (void)
{
  GstElement *mux = gst_element_factory_make ("splitmuxsink", NULL);
  GstElement *bin = gst_bin_new ("inner");
  GstElement *id = gst_element_factory_make ("identity", NULL);
  GstElement *parse = gst_element_factory_make ("h264parse", NULL);
  GstMessage *m;
  CgError *err;

  g_assert_nonnull (mux);
  gst_object_ref_sink (mux);
  gst_bin_add (GST_BIN (bin), id);
  gst_bin_add (GST_BIN (bin), parse);
  gst_bin_add (GST_BIN (mux), bin);

  g_assert_cmpint (cg_classify_role (GST_OBJECT (id)), ==,
      CG_ROLE_STORAGE_SINK);
  /* an element with a role of its own keeps it */
  g_assert_cmpint (cg_classify_role (GST_OBJECT (parse)), ==, CG_ROLE_CODEC);

  m = make_message (GST_MESSAGE_ERROR, id, GST_STREAM_ERROR,
      GST_STREAM_ERROR_FAILED, NULL);
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_RECORDING_FAILED);
  g_assert_nonnull (strstr (cg_error_get_source_path (err),
          "/GstBin:inner/GstIdentity:"));
  cg_error_unref (err);
  gst_message_unref (m);

  m = make_message (GST_MESSAGE_ERROR, id, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_WRITE, NULL);
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_STORAGE_IO);
  cg_error_unref (err);
  gst_message_unref (m);
  gst_object_unref (mux);
}

/* Elements inside a camera source (rtspsrc's rtpbin, its jitter buffers)
 * are part of the camera: their flow error is the camera's. */
static void
test_role_inside_camera_source (void)
{
  GstElement *rtsp = gst_element_factory_make ("rtspsrc", NULL);
  GstElement *bin = gst_bin_new ("manager");
  GstElement *id = gst_element_factory_make ("identity", NULL);
  GstElement *parse = gst_element_factory_make ("h264parse", NULL);
  GstMessage *m;
  CgError *err;

  gst_object_ref_sink (rtsp);
  gst_bin_add (GST_BIN (bin), id);
  gst_bin_add (GST_BIN (bin), parse);
  gst_bin_add (GST_BIN (rtsp), bin);

  g_assert_cmpint (cg_classify_role (GST_OBJECT (id)), ==,
      CG_ROLE_NETWORK_SOURCE);
  g_assert_cmpint (cg_classify_role (GST_OBJECT (bin)), ==,
      CG_ROLE_NETWORK_SOURCE);
  /* an element with a role of its own keeps it */
  g_assert_cmpint (cg_classify_role (GST_OBJECT (parse)), ==, CG_ROLE_CODEC);

  m = make_message (GST_MESSAGE_ERROR, id, GST_STREAM_ERROR,
      GST_STREAM_ERROR_FAILED, "details, flow-return=(int)-5");
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_CAMERA_UNREACHABLE);
  g_assert_true (cg_error_is_retryable (err));
  cg_error_unref (err);
  gst_message_unref (m);
  gst_object_unref (rtsp);
}

/* The transport the camera refused is named in the details. */
static void
test_refused_transport (void)
{
  GstElement *rtsp = gst_element_factory_make ("rtspsrc", NULL);
  GstElement *id = gst_element_factory_make ("identity", NULL);
  GstMessage *m;
  CgError *err;

  gst_object_ref_sink (rtsp);
  gst_object_ref_sink (id);
  gst_util_set_object_arg (G_OBJECT (rtsp), "protocols", "tcp");
  m = make_message (GST_MESSAGE_ERROR, rtsp, GST_STREAM_ERROR,
      GST_STREAM_ERROR_CODEC_NOT_FOUND, NULL);
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_UNSUPPORTED_FORMAT);
  g_assert_false (cg_error_is_retryable (err));
  g_assert_cmpstr (gst_structure_get_string (cg_error_get_details (err),
          "transport"), ==, "tcp");
  cg_error_unref (err);
  gst_message_unref (m);

  /* a real missing component names no transport */
  m = make_message (GST_MESSAGE_ERROR, id, GST_STREAM_ERROR,
      GST_STREAM_ERROR_CODEC_NOT_FOUND, NULL);
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_MISSING_COMPONENT);
  g_assert_null (gst_structure_get_string (cg_error_get_details (err),
          "transport"));
  cg_error_unref (err);
  gst_message_unref (m);
  gst_object_unref (id);
  gst_object_unref (rtsp);
}

static void
test_details_copied (void)
{
  GstElement *e = gst_element_factory_make ("rtspsrc", NULL);
  GstMessage *m;
  CgError *err;
  guint status = 0;

  gst_object_ref_sink (e);
  m = make_message (GST_MESSAGE_ERROR, e, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ,
      "details, rtsp-status-code=(uint)401, "
      "rtsp-status-reason=(string)Unauthorized");
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_PERMISSION_DENIED);
  g_assert_true (gst_structure_get_uint (cg_error_get_details (err),
          "rtsp-status-code", &status));
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (gst_structure_get_string (cg_error_get_details (err),
          "rtsp-status-reason"), ==, "Unauthorized");
  g_assert_cmpstr (cg_error_get_gst_code (err), ==, "open-read");
  cg_error_unref (err);
  gst_message_unref (m);
  gst_object_unref (e);
}

static void
test_not_failures (void)
{
  GstElement *e = gst_element_factory_make ("identity", NULL);
  GError *gerr = g_error_new_literal (GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
      "fyi");
  GstMessage *m;

  gst_object_ref_sink (e);
  m = gst_message_new_info (GST_OBJECT (e), gerr, NULL);
  g_assert_null (cg_classify_message (m));
  gst_message_unref (m);
  m = gst_message_new_eos (GST_OBJECT (e));
  g_assert_null (cg_classify_message (m));
  gst_message_unref (m);
  m = gst_message_new_element (GST_OBJECT (e),
      gst_structure_new_empty ("something-else"));
  g_assert_null (cg_classify_message (m));
  gst_message_unref (m);
  /* a QoS message without drops is no failure */
  m = gst_message_new_qos (GST_OBJECT (e), TRUE, 0, 0, 0, 40 * GST_MSECOND);
  gst_message_set_qos_stats (m, GST_FORMAT_BUFFERS, 10, 0);
  g_assert_null (cg_classify_message (m));
  gst_message_unref (m);
  g_error_free (gerr);
  gst_object_unref (e);
}

static void
test_element_messages (void)
{
  GstElement *e = gst_element_factory_make ("rtspsrc", NULL);
  GstMessage *m;
  CgError *err;

  gst_object_ref_sink (e);
  m = gst_message_new_element (GST_OBJECT (e),
      gst_structure_new ("GstRTSPSrcTimeout", "cause", G_TYPE_INT, 0,
          "stream-number", G_TYPE_INT, 0, NULL));
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_CONNECTION_TIMEOUT);
  cg_error_unref (err);
  gst_message_unref (m);

  m = gst_message_new_element (GST_OBJECT (e),
      gst_structure_new ("missing-plugin", "type", G_TYPE_STRING, "decoder",
          "detail", GST_TYPE_CAPS, NULL, "name", G_TYPE_STRING, "H.265", NULL));
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_MISSING_COMPONENT);
  g_assert_cmpstr (gst_structure_get_string (cg_error_get_details (err),
          "missing-type"), ==, "decoder");
  cg_error_unref (err);
  gst_message_unref (m);

  m = gst_message_new_element (GST_OBJECT (e),
      gst_structure_new ("camguard-quality", "code", G_TYPE_STRING,
          "QUALITY_DEGRADED", "direction", G_TYPE_STRING, "down", NULL));
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_QUALITY_DEGRADED);
  g_assert_cmpint (cg_error_get_severity (err), ==, CG_SEVERITY_WARNING);
  cg_error_unref (err);
  gst_message_unref (m);

  /* as qualityladder posts it: the error rides in the message */
  {
    CgError *q = cg_error_new (CG_CODE_QUALITY_DEGRADED, NULL);
    GstStructure *s;

    gst_structure_set (cg_error_get_details_writable (q), "quality",
        G_TYPE_DOUBLE, 0.5, "recommendedAction", G_TYPE_STRING,
        "reduce_quality", NULL);
    s = cg_error_to_details (q);
    gst_structure_set_name (s, "camguard-quality");
    gst_structure_set (s, "code", G_TYPE_STRING, "QUALITY_DEGRADED",
        "direction", G_TYPE_STRING, "down", "step", G_TYPE_INT, 1, NULL);
    m = gst_message_new_element (GST_OBJECT (e), s);
    err = cg_classify_message (m);
    g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_QUALITY_DEGRADED);
    g_assert_true (gst_structure_has_field (cg_error_get_details (err),
            "quality"));
    g_assert_cmpstr (gst_structure_get_string (cg_error_get_details (err),
            "recommendedAction"), ==, "reduce_quality");
    g_assert_true (gst_structure_has_field (cg_error_get_details (err),
            "step"));
    /* the error is the error, not a field of its own details */
    g_assert_false (gst_structure_has_field (cg_error_get_details (err),
            CG_DETAILS_ERROR_FIELD));
    g_assert_false (gst_structure_has_field (cg_error_get_details (err),
            CG_DETAILS_CODE_FIELD));
    cg_error_unref (err);
    gst_message_unref (m);
    cg_error_unref (q);
  }

  m = gst_message_new_element (GST_OBJECT (e),
      gst_structure_new ("camguard-quality", "code", G_TYPE_STRING,
          "recovered", "direction", G_TYPE_STRING, "up", NULL));
  g_assert_null (cg_classify_message (m));
  gst_message_unref (m);

  m = gst_message_new_qos (GST_OBJECT (e), TRUE, 0, 0, 0, 40 * GST_MSECOND);
  gst_message_set_qos_stats (m, GST_FORMAT_BUFFERS, 100, 7);
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_PROCESSING_SLOW);
  g_assert_cmpint (cg_error_get_severity (err), ==, CG_SEVERITY_WARNING);
  cg_error_unref (err);
  gst_message_unref (m);
  gst_object_unref (e);
}

static void
test_parse_errors (void)
{
  GError *err = NULL;
  GstElement *p;
  CgError *e;

  p = gst_parse_launch ("videotestsrc ! camguardnosuchelement ! fakesink",
      &err);
  g_assert_error (err, GST_PARSE_ERROR, GST_PARSE_ERROR_NO_SUCH_ELEMENT);
  if (p)
    gst_object_unref (p);
  e = cg_classify_parse_error (err);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_MISSING_COMPONENT);
  g_assert_cmpstr (cg_error_get_gst_code (e), ==, "no-such-element");
  cg_error_unref (e);
  g_clear_error (&err);

  p = gst_parse_launch ("videotestsrc ! ! fakesink", &err);
  g_assert_nonnull (err);
  if (p)
    gst_object_unref (p);
  e = cg_classify_parse_error (err);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_VALIDATION_ERROR);
  cg_error_unref (e);
  g_clear_error (&err);

  p = gst_parse_launch ("videotestsrc nosuchproperty=1 ! fakesink", &err);
  g_assert_nonnull (err);
  if (p)
    gst_object_unref (p);
  e = cg_classify_parse_error (err);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_VALIDATION_ERROR);
  cg_error_unref (e);
  g_clear_error (&err);
}

/* CgClassifier: incidents */

static void
test_incident_cause_and_secondary (void)
{
  CgClassifier *c = cg_classifier_new ();
  GstElement *dec = gst_element_factory_make ("h264parse", NULL);
  GstElement *src = gst_element_factory_make ("videotestsrc", NULL);
  GstMessage *m;
  CgError *e, *cause;
  const gchar *cause_code;

  gst_object_ref_sink (dec);
  gst_object_ref_sink (src);
  g_assert_null (cg_classifier_get_cause (c));

  m = make_message (GST_MESSAGE_ERROR, dec, GST_STREAM_ERROR,
      GST_STREAM_ERROR_DECODE, NULL);
  e = cg_classifier_push (c, m);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_MEDIA_PROCESSING_FAILED);
  g_assert_false (cg_error_is_secondary (e));
  cg_error_unref (e);
  gst_message_unref (m);

  /* the source's flow error that follows is secondary */
  m = make_message (GST_MESSAGE_ERROR, src, GST_STREAM_ERROR,
      GST_STREAM_ERROR_FAILED, "details, flow-return=(int)-5");
  e = cg_classifier_push (c, m);
  g_assert_true (cg_error_is_secondary (e));
  cause_code = gst_structure_get_string (cg_error_get_details (e),
      "cause-code");
  g_assert_cmpstr (cause_code, ==, "MEDIA_PROCESSING_FAILED");
  cg_error_unref (e);

  /* the same message again is folded */
  g_assert_null (cg_classifier_push (c, m));
  gst_message_unref (m);

  cause = cg_classifier_get_cause (c);
  g_assert_cmpint (cg_error_get_code (cause), ==,
      CG_CODE_MEDIA_PROCESSING_FAILED);
  cg_error_unref (cause);

  /* a new incident */
  cg_classifier_reset (c);
  g_assert_null (cg_classifier_get_cause (c));
  m = make_message (GST_MESSAGE_ERROR, src, GST_STREAM_ERROR,
      GST_STREAM_ERROR_FAILED, "details, flow-return=(int)-5");
  e = cg_classifier_push (c, m);
  g_assert_false (cg_error_is_secondary (e));
  cg_error_unref (e);
  gst_message_unref (m);

  gst_object_unref (dec);
  gst_object_unref (src);
  g_object_unref (c);
}

static void
test_incident_warning_then_eos (void)
{
  CgClassifier *c = cg_classifier_new ();
  GstElement *rtsp = gst_element_factory_make ("rtspsrc", NULL);
  GstElement *pipe = gst_pipeline_new ("p");
  GstMessage *m;
  CgError *e;

  gst_object_ref_sink (rtsp);
  /* EOS alone is no failure */
  m = gst_message_new_eos (GST_OBJECT (pipe));
  g_assert_null (cg_classifier_push (c, m));
  gst_message_unref (m);

  /* the RTSP server went away: rtspsrc warns, then the pipeline goes EOS */
  m = make_message (GST_MESSAGE_WARNING, rtsp, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_READ, NULL);
  e = cg_classifier_push (c, m);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_CAMERA_DISCONNECTED);
  g_assert_cmpint (cg_error_get_severity (e), ==, CG_SEVERITY_WARNING);
  cg_error_unref (e);
  gst_message_unref (m);
  g_assert_null (cg_classifier_get_cause (c));

  m = gst_message_new_eos (GST_OBJECT (pipe));
  e = cg_classifier_push (c, m);
  g_assert_nonnull (e);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_CAMERA_DISCONNECTED);
  g_assert_cmpint (cg_error_get_severity (e), ==, CG_SEVERITY_RECOVERABLE);
  g_assert_cmpstr (cg_error_get_factory (e), ==, "rtspsrc");
  g_assert_cmpstr (cg_error_get_message_type (e), ==, "eos");
  cg_error_unref (e);
  gst_message_unref (m);
  e = cg_classifier_get_cause (c);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_CAMERA_DISCONNECTED);
  cg_error_unref (e);
  g_object_unref (c);

  /* in a live pipeline EOS is a failure on its own */
  c = cg_classifier_new ();
  cg_classifier_set_live (c, TRUE);
  m = gst_message_new_eos (GST_OBJECT (pipe));
  e = cg_classifier_push (c, m);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_CAMERA_DISCONNECTED);
  cg_error_unref (e);
  gst_message_unref (m);
  g_object_unref (c);
  gst_object_unref (rtsp);
  gst_object_unref (pipe);
}

typedef struct
{
  CgClassifier *c;
  GstElement *src;
  gint *causes;
} Race;

static gpointer
push_thread (gpointer data)
{
  Race *r = data;
  GstMessage *m = make_message (GST_MESSAGE_ERROR, r->src,
      GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ, NULL);
  CgError *e = cg_classifier_push (r->c, m);

  gst_message_unref (m);
  g_assert_nonnull (e);
  if (!cg_error_is_secondary (e))
    g_atomic_int_inc (r->causes);
  cg_error_unref (e);
  return NULL;
}

/* Eight threads pushing errors of eight elements at once: exactly one is
 * the cause, seven are secondary. */
static void
test_incident_threads (void)
{
  CgClassifier *c = cg_classifier_new ();
  Race races[8];
  GThread *threads[8];
  gint causes = 0;
  guint i;

  for (i = 0; i < 8; i++) {
    races[i].c = c;
    races[i].src = gst_element_factory_make ("rtspsrc", NULL);
    races[i].causes = &causes;
    gst_object_ref_sink (races[i].src);
  }
  for (i = 0; i < 8; i++)
    threads[i] = g_thread_new ("push", push_thread, &races[i]);
  for (i = 0; i < 8; i++) {
    g_thread_join (threads[i]);
    gst_object_unref (races[i].src);
  }
  g_assert_cmpint (causes, ==, 1);
  g_object_unref (c);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/classifier/table/error",
      GINT_TO_POINTER (GST_MESSAGE_ERROR), test_table);
  g_test_add_data_func ("/classifier/table/warning",
      GINT_TO_POINTER (GST_MESSAGE_WARNING), test_table);
  g_test_add_func ("/classifier/table/covers-every-code",
      test_table_covers_every_code);
  g_test_add_func ("/classifier/every-code-every-role",
      test_every_code_every_role);
  g_test_add_func ("/classifier/roles", test_roles);
  g_test_add_func ("/classifier/role-from-ancestors", test_role_from_ancestors);
  g_test_add_func ("/classifier/role-inside-camera-source",
      test_role_inside_camera_source);
  g_test_add_func ("/classifier/refused-transport", test_refused_transport);
  g_test_add_func ("/classifier/details", test_details_copied);
  g_test_add_func ("/classifier/not-failures", test_not_failures);
  g_test_add_func ("/classifier/element-messages", test_element_messages);
  g_test_add_func ("/classifier/parse-errors", test_parse_errors);
  g_test_add_func ("/classifier/incident/cause-and-secondary",
      test_incident_cause_and_secondary);
  g_test_add_func ("/classifier/incident/warning-then-eos",
      test_incident_warning_then_eos);
  g_test_add_func ("/classifier/incident/threads", test_incident_threads);
  return g_test_run ();
}
