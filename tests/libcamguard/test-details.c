/* camguard - the camguard-code field: written, read back, redacted
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <camguard.h>

static void
test_code_round_trip (void)
{
  GstStructure *s = cg_details_new (CG_CODE_CAMERA_UNREACHABLE);
  CgCode code = 0;

  g_assert_cmpstr (gst_structure_get_name (s), ==, "details");
  g_assert_cmpstr (gst_structure_get_string (s, CG_DETAILS_CODE_FIELD), ==,
      "CAMERA_UNREACHABLE");
  g_assert_true (cg_details_get_code (s, &code));
  g_assert_cmpint (code, ==, CG_CODE_CAMERA_UNREACHABLE);

  gst_structure_set (s, CG_DETAILS_CODE_FIELD, G_TYPE_STRING, "NO_SUCH_CODE",
      NULL);
  g_assert_false (cg_details_get_code (s, &code));
  gst_structure_remove_field (s, CG_DETAILS_CODE_FIELD);
  g_assert_false (cg_details_get_code (s, NULL));
  g_assert_false (cg_details_get_code (NULL, NULL));
  gst_structure_free (s);
}

static void
test_error_round_trip (void)
{
  CgError *e = cg_error_new (CG_CODE_PERMISSION_DENIED, "401 from camera");
  CgError *back;
  GstStructure *s;
  const GstStructure *es;

  cg_error_set_debug (e, "rtsp://admin:hunter2@10.0.0.9/stream1");
  s = cg_error_to_details (e);
  g_assert_cmpstr (gst_structure_get_string (s, CG_DETAILS_CODE_FIELD), ==,
      "PERMISSION_DENIED");
  g_assert_true (gst_structure_get (s, CG_DETAILS_ERROR_FIELD,
          GST_TYPE_STRUCTURE, &es, NULL));
  /* secrets never reach a message */
  g_assert_null (g_strstr_len (gst_structure_get_string (es, "debug"), -1,
          "hunter2"));
  gst_structure_free ((GstStructure *) es);

  back = cg_error_from_details (s);
  g_assert_nonnull (back);
  g_assert_cmpint (cg_error_get_code (back), ==, CG_CODE_PERMISSION_DENIED);
  g_assert_cmpstr (cg_error_get_message (back), ==, "401 from camera");
  cg_error_unref (back);
  gst_structure_free (s);

  /* only the code: the catalogue's message */
  s = cg_details_new (CG_CODE_SNAPSHOT_FAILED);
  back = cg_error_from_details (s);
  g_assert_cmpint (cg_error_get_code (back), ==, CG_CODE_SNAPSHOT_FAILED);
  g_assert_cmpstr (cg_error_get_message (back), ==,
      cg_code_get_message (CG_CODE_SNAPSHOT_FAILED));
  cg_error_unref (back);
  gst_structure_free (s);
  cg_error_unref (e);
}

static void
test_message_code (void)
{
  GError *gerr = g_error_new_literal (GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_WRITE, "disk full");
  GstMessage *m;
  CgCode code;

  m = gst_message_new_error_with_details (NULL, gerr, NULL,
      cg_details_new (CG_CODE_STORAGE_FULL));
  g_assert_true (cg_message_get_code (m, &code));
  g_assert_cmpint (code, ==, CG_CODE_STORAGE_FULL);
  gst_message_unref (m);

  m = gst_message_new_warning_with_details (NULL, gerr, NULL,
      cg_details_new (CG_CODE_STORAGE_LOW));
  g_assert_true (cg_message_get_code (m, &code));
  g_assert_cmpint (code, ==, CG_CODE_STORAGE_LOW);
  gst_message_unref (m);

  m = gst_message_new_error (NULL, gerr, NULL);
  g_assert_false (cg_message_get_code (m, &code));
  gst_message_unref (m);
  m = gst_message_new_eos (NULL);
  g_assert_false (cg_message_get_code (m, &code));
  gst_message_unref (m);
  g_error_free (gerr);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/details/code", test_code_round_trip);
  g_test_add_func ("/details/error", test_error_round_trip);
  g_test_add_func ("/details/message", test_message_code);
  return g_test_run ();
}
