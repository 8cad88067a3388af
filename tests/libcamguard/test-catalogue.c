/* camguard - catalogue invariants
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <camguard.h>

/* Every code from 1 to CG_CODE_LAST has exactly one row, in order, and its
 * name round-trips. */
static void
test_rows_complete (void)
{
  guint n = 0, i;
  const CgCatalogueEntry *rows = cg_catalogue_get_entries (&n);
  GHashTable *names = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (n, ==, CG_CODE_LAST);
  for (i = 0; i < n; i++) {
    CgCode back = 0;

    g_assert_cmpint (rows[i].code, ==, (gint) i + 1);
    g_assert_true (cg_catalogue_lookup (rows[i].code) == &rows[i]);
    g_assert_true (g_hash_table_add (names, (gpointer) rows[i].name));
    g_assert_true (cg_code_from_name (rows[i].name, &back));
    g_assert_cmpint (back, ==, rows[i].code);
    g_assert_nonnull (rows[i].message);
    g_assert_nonnull (rows[i].hint);
    g_assert_nonnull (rows[i].title);
    g_assert_nonnull (rows[i].category);
  }
  g_hash_table_unref (names);
  g_assert_null (cg_catalogue_lookup (0));
  g_assert_null (cg_catalogue_lookup (CG_CODE_LAST + 1));
  g_assert_false (cg_code_from_name ("NO_SUCH_CODE", NULL));
}

/* The enum nick and the flat name say the same thing. */
static void
test_enum_nicks (void)
{
  GEnumClass *klass = g_type_class_ref (CG_TYPE_CODE);
  guint i;

  for (i = 1; i <= CG_CODE_LAST; i++) {
    GEnumValue *v = g_enum_get_value (klass, i);
    gchar *nick;

    g_assert_nonnull (v);
    nick = g_ascii_strdown (cg_code_to_name (i), -1);
    g_strdelimit (nick, "_", '-');
    g_assert_cmpstr (v->value_nick, ==, nick);
    g_free (nick);
  }
  g_type_class_unref (klass);
}

/* Errors carry an HTTP error status and a JSON-RPC error code in the
 * server-defined or standard ranges; warnings are events only. Fatal codes
 * are never retryable and never retried at normal speed. */
static void
test_row_consistency (void)
{
  guint n = 0, i;
  const CgCatalogueEntry *rows = cg_catalogue_get_entries (&n);

  for (i = 0; i < n; i++) {
    const CgCatalogueEntry *r = &rows[i];

    if (r->severity == CG_SEVERITY_WARNING) {
      g_assert_cmpuint (r->http_status, ==, 0);
      g_assert_cmpint (r->jsonrpc_code, ==, 0);
      continue;
    }
    g_assert_cmpuint (r->http_status, >=, 400);
    g_assert_cmpuint (r->http_status, <=, 599);
    g_assert_true ((r->jsonrpc_code <= -32000 && r->jsonrpc_code >= -32099)
        || (r->jsonrpc_code <= -32600 && r->jsonrpc_code >= -32700));
    if (r->severity == CG_SEVERITY_FATAL) {
      g_assert_false (r->retryable);
      g_assert_cmpint (r->retry_policy, !=, CG_RETRY_NORMAL);
    } else {
      g_assert_true (r->retryable);
    }
  }
}

/* The decisions the seeds and the design fix, stated literally. */
static void
test_fixed_decisions (void)
{
  /* camera credentials are not client authentication */
  g_assert_cmpint (cg_code_get_jsonrpc_code (CG_CODE_PERMISSION_DENIED), ==,
      -32006);
  g_assert_cmpuint (cg_code_get_http_status (CG_CODE_PERMISSION_DENIED), !=,
      401);
  g_assert_cmpint (cg_code_get_jsonrpc_code (CG_CODE_AUTHENTICATION_REQUIRED),
      ==, -32001);
  g_assert_cmpint (cg_code_get_jsonrpc_code (CG_CODE_INSUFFICIENT_PERMISSIONS),
      ==, -32003);
  g_assert_cmpint (cg_code_get_jsonrpc_code (CG_CODE_RATE_LIMIT_EXCEEDED), ==,
      -32002);
  g_assert_cmpint (cg_code_get_jsonrpc_code (CG_CODE_CAMERA_NOT_FOUND), ==,
      -32004);
  g_assert_cmpint (cg_code_get_jsonrpc_code (CG_CODE_SNAPSHOT_FAILED), ==,
      -32009);
  g_assert_cmpint (cg_code_get_jsonrpc_code (CG_CODE_STORAGE_FULL), ==, -32008);
  g_assert_cmpint (cg_code_get_jsonrpc_code (CG_CODE_INVALID_JSON), ==, -32700);
  g_assert_cmpuint (cg_code_get_http_status (CG_CODE_RATE_LIMIT_EXCEEDED), ==,
      429);
  g_assert_cmpuint (cg_code_get_http_status (CG_CODE_PAYLOAD_TOO_LARGE), ==,
      413);
  g_assert_cmpint (cg_code_get_retry_policy (CG_CODE_PERMISSION_DENIED), ==,
      CG_RETRY_SLOW);
  g_assert_cmpint (cg_code_get_retry_policy (CG_CODE_UNSUPPORTED_FORMAT), ==,
      CG_RETRY_NEVER);
  g_assert_cmpstr (cg_code_get_video_code (CG_CODE_CAMERA_UNREACHABLE), ==,
      "NETWORK_ERROR");
  g_assert_cmpstr (cg_severity_to_string (cg_code_get_severity
          (CG_CODE_QUALITY_DEGRADED)), ==, "warning");
}

static void
test_error_basics (void)
{
  g_autoptr (CgError) e = cg_error_new (CG_CODE_CAMERA_UNREACHABLE, NULL);
  g_autoptr (CgError) c = NULL;
  g_autoptr (GError) ge =
      g_error_new_literal (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
      "x");

  g_assert_cmpstr (cg_error_get_message (e), ==,
      cg_code_get_message (CG_CODE_CAMERA_UNREACHABLE));
  cg_error_set_gerror (e, ge);
  g_assert_cmpstr (cg_error_get_gst_domain (e), ==, "gst-resource-error-quark");
  g_assert_cmpstr (cg_error_get_gst_code (e), ==, "not-found");
  gst_structure_set (cg_error_get_details_writable (e), "rtsp-status-code",
      G_TYPE_UINT, 401, NULL);
  c = cg_error_copy (e);
  g_assert_cmpstr (cg_error_get_code_name (c), ==, "CAMERA_UNREACHABLE");
  g_assert_true (gst_structure_is_equal (cg_error_get_details (c),
          cg_error_get_details (e)));
  cg_error_set_code (c, 9999);
  g_assert_cmpint (cg_error_get_code (c), ==, CG_CODE_INTERNAL_ERROR);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/catalogue/rows-complete", test_rows_complete);
  g_test_add_func ("/catalogue/enum-nicks", test_enum_nicks);
  g_test_add_func ("/catalogue/row-consistency", test_row_consistency);
  g_test_add_func ("/catalogue/fixed-decisions", test_fixed_decisions);
  g_test_add_func ("/error/basics", test_error_basics);
  return g_test_run ();
}
