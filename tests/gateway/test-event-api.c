/* camguard-gateway - tests for the GET /events parameters and page body
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gw-event-api.h"
#include "gw-test-events.h"

static GHashTable *
params_new (const gchar * first, ...)
{
  GHashTable *h = g_hash_table_new (g_str_hash, g_str_equal);
  const gchar *name = first;
  va_list ap;

  va_start (ap, first);
  while (name) {
    g_hash_table_insert (h, (gpointer) name, va_arg (ap, gpointer));
    name = va_arg (ap, const gchar *);
  }
  va_end (ap);
  return h;
}

static void
test_parse_valid (void)
{
  GHashTable *p = params_new ("limit", "50", "cursor", "1234",
      "severity", "recoverable", "code", "CAMERA_UNREACHABLE",
      "kind", "give-up", "since", "2025-12-01T10:00:00Z",
      "until", "1764590400000", "camera", "door", NULL);
  GwEventQuery q;
  CgError *e = NULL;

  g_assert_true (gw_event_query_parse (p, NULL, &q, &e));
  g_assert_null (e);
  g_assert_cmpuint (q.limit, ==, 50);
  g_assert_cmpint (q.before_id, ==, 1234);
  g_assert_cmpstr (q.severity, ==, "recoverable");
  g_assert_cmpstr (q.code, ==, "CAMERA_UNREACHABLE");
  g_assert_cmpstr (q.kind, ==, "give-up");
  g_assert_cmpstr (q.camera_id, ==, "door");
  g_assert_cmpint (q.since_us, ==, G_GINT64_CONSTANT (1764583200000000));
  g_assert_cmpint (q.until_us, ==, G_GINT64_CONSTANT (1764590400000000));
  g_hash_table_unref (p);

  /* nothing: the newest 100 of every camera; the camera route's camera */
  g_assert_true (gw_event_query_parse (NULL, NULL, &q, NULL));
  g_assert_cmpuint (q.limit, ==, 100);
  g_assert_null (q.camera_id);
  g_assert_cmpint (q.before_id, ==, 0);
  g_assert_true (gw_event_query_parse (NULL, "desk", &q, NULL));
  g_assert_cmpstr (q.camera_id, ==, "desk");
}

/* Every bad parameter is listed, in name order, in one VALIDATION_ERROR. */
static void
test_parse_invalid (void)
{
  static const gchar *const want[] = { "bogus", "camera", "code", "cursor",
    "kind", "limit", "severity", "until"
  };
  GHashTable *p = params_new ("limit", "0", "cursor", "abc",
      "severity", "serious", "code", "NOPE", "kind", "bad", "since",
      "2026-12-01T10:00:00Z", "until", "2026-12-01T09:00:00Z",
      "camera", "door", "bogus", "1", NULL);
  GwEventQuery q;
  CgError *e = NULL;
  JsonNode *node;
  JsonArray *fields;
  guint i;

  /* camera is a parameter of /events, not of /cameras/{id}/events */
  g_assert_false (gw_event_query_parse (p, "desk", &q, &e));
  g_assert_nonnull (e);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_VALIDATION_ERROR);
  node = cg_error_to_json_node (e, "req-1");
  fields = json_object_get_array_member (json_object_get_object_member
      (json_node_get_object (node), "details"), "fields");
  g_assert_cmpuint (json_array_get_length (fields), ==, G_N_ELEMENTS (want));
  for (i = 0; i < G_N_ELEMENTS (want); i++) {
    JsonObject *f = json_array_get_object_element (fields, i);

    g_assert_cmpstr (json_object_get_string_member (f, "field"), ==, want[i]);
    g_assert_cmpstr (json_object_get_string_member (f, "reason"), !=, "");
  }
  json_node_unref (node);
  cg_error_unref (e);
  g_hash_table_unref (p);

  p = params_new ("limit", "1001", NULL);
  g_assert_false (gw_event_query_parse (p, NULL, &q, NULL));
  g_hash_table_unref (p);
  p = params_new ("since", "yesterday", NULL);
  g_assert_false (gw_event_query_parse (p, NULL, &q, NULL));
  g_hash_table_unref (p);
}

/* The page body, and following nextCursor through a real store. */
static void
test_pages (void)
{
  gchar *dir = g_dir_make_tmp ("gw-event-api-XXXXXX", NULL);
  GwEventStore *store = gw_event_store_new (dir, NULL, NULL, NULL);
  gchar *cursor = NULL;
  guint i, seen = 0, pages = 0;

  for (i = 0; i < 250; i++) {
    GwEvent *ev = event_of_kind (i % 2 ? GW_EVENT_KIND_ERROR :
        GW_EVENT_KIND_RETRY, i % 5 ? "door" : "desk");

    gw_event_store_append (store, ev);
    gw_event_unref (ev);
  }
  store_flush (store);
  do {
    GHashTable *p = params_new ("limit", "40", cursor ? "cursor" : NULL,
        cursor, NULL);
    GPtrArray *page;
    gint64 next;
    GwEventQuery q;
    JsonNode *node;
    JsonObject *o;

    g_assert_true (gw_event_query_parse (p, "door", &q, NULL));
    page = store_query (store, &q, &next, NULL);
    node = gw_event_page_to_json_node (page, next);
    o = json_node_get_object (node);
    g_assert_cmpint (json_object_get_int_member (o, "count"), ==, page->len);
    for (i = 0; i < page->len; i++)
      g_assert_cmpstr (json_object_get_string_member
          (json_array_get_object_element (json_object_get_array_member (o,
                      "events"), i), "cameraId"), ==, "door");
    seen += page->len;
    pages++;
    g_free (cursor);
    cursor = json_object_get_null_member (o, "nextCursor") ? NULL :
        g_strdup_printf ("%" G_GINT64_FORMAT,
        json_object_get_int_member (o, "nextCursor"));
    json_node_unref (node);
    g_ptr_array_unref (page);
    g_hash_table_unref (p);
  } while (cursor);
  g_assert_cmpuint (seen, ==, 200);
  g_assert_cmpuint (pages, ==, 5);
  gw_event_store_close (store);
  remove_dir (dir);
  g_free (dir);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/event-api/parse-valid", test_parse_valid);
  g_test_add_func ("/event-api/parse-invalid", test_parse_invalid);
  g_test_add_func ("/event-api/pages", test_pages);
  return g_test_run ();
}
