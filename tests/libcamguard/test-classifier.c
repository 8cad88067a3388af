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

#include "classifier-harness.h"

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
  return g_test_run ();
}
