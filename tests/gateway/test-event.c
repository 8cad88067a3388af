/* camguard-gateway - tests for events: the seed-002 shape
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "gw-event-api.h"
#include "gw-test-events.h"

/* Every member of @want is in @got with an equal value, except @except. */
static void
assert_superset (JsonObject * got, JsonObject * want,
    const gchar * except, const gchar * except2)
{
  GList *members = json_object_get_members (want), *l;

  for (l = members; l; l = l->next) {
    const gchar *name = l->data;

    if (g_strcmp0 (name, except) == 0 || g_strcmp0 (name, except2) == 0)
      continue;
    g_assert_true (json_object_has_member (got, name));
    if (!json_node_equal (json_object_get_member (got, name),
            json_object_get_member (want, name)))
      g_error ("member %s differs", name);
  }
  g_list_free (members);
}

static JsonObject *
event_object (GwEvent * ev)
{
  JsonNode *node = gw_event_to_json_node (ev);
  JsonObject *o = json_object_ref (json_node_get_object (node));

  json_node_unref (node);
  return o;
}

/* The seed-002 shape: exactly cg_error_to_event_node() plus id, kind and
 * requestId. */
static void
test_shape_from_error (void)
{
  CgError *e = error_for (CG_CODE_CAMERA_UNREACHABLE, "door");
  JsonNode *want = cg_error_to_event_node (e);
  GwEvent *ev = gw_event_new_from_error (e);
  JsonObject *got, *w = json_node_get_object (want);

  gw_event_set_id (ev, 7);
  got = event_object (ev);
  assert_superset (got, w, NULL, NULL);
  g_assert_cmpuint (json_object_get_size (got), ==,
      json_object_get_size (w) + 3);
  g_assert_cmpint (json_object_get_int_member (got, "id"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (got, "kind"), ==, "error");
  g_assert_cmpstr (json_object_get_string_member (got, "requestId"), ==,
      "req-42");
  g_assert_cmpstr (json_object_get_string_member (got, "type"), ==, "error");
  g_assert_cmpstr (json_object_get_string_member (got, "code"), ==,
      "CAMERA_UNREACHABLE");
  g_assert_cmpstr (json_object_get_string_member (got, "cameraId"), ==, "door");
  g_assert_cmpstr (gw_event_get_severity (ev), ==, "recoverable");
  g_assert_cmpint (gw_event_get_timestamp (ev), ==, cg_error_get_timestamp (e));
  json_object_unref (got);
  json_node_unref (want);
  gw_event_unref (ev);

  /* what a caller gets is its own: changing it leaves the event alone */
  {
    GwEvent *again = gw_event_new_from_error (e);
    JsonObject *mine = event_object (again), *fresh;

    json_object_set_string_member (json_object_get_object_member (mine,
            "details"), "added", "by a consumer");
    fresh = event_object (again);
    g_assert_false (json_object_has_member (json_object_get_object_member
            (fresh, "details"), "added"));
    json_object_unref (fresh);
    json_object_unref (mine);
    gw_event_unref (again);
  }
  cg_error_unref (e);

  /* a warning-severity code is a warning */
  e = error_for (CG_CODE_PROCESSING_SLOW, "desk");
  ev = gw_event_new_from_error (e);
  g_assert_cmpint (gw_event_get_kind (ev), ==, GW_EVENT_KIND_WARNING);
  g_assert_cmpstr (gw_event_get_severity (ev), ==, "warning");
  gw_event_unref (ev);
  cg_error_unref (e);
}

static void
test_shape_from_retry (void)
{
  static const struct
  {
    const gchar *what;
    GwEventKind kind;
    const gchar *fact;
    gint64 value;
  } cases[] = {
    {"retrying", GW_EVENT_KIND_RETRY, "nextDelayMs", 2000},
    {"circuit-open", GW_EVENT_KIND_RETRY, "attempt", 3},
    {"recovered", GW_EVENT_KIND_RECOVERY, "outageMs", 1500},
    {"gave-up", GW_EVENT_KIND_GIVE_UP, "attempt", 3},
  };
  CgError *e = error_for (CG_CODE_DEVICE_BUSY, NULL);
  gint64 before = g_get_real_time ();
  guint i;

  /* the cause happened long before the retry */
  cg_error_set_timestamp (e, G_USEC_PER_SEC);

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstMessage *m = retry_message (cases[i].what, e);
    GwEvent *ev = gw_event_new_from_element_message (m, "door");
    /* the same cause, as the receiving side reads it, for this camera */
    CgError *cause = cg_error_from_structure (gst_value_get_structure
        (gst_structure_get_value (gst_message_get_structure (m), "error")));
    JsonNode *want;
    JsonObject *got, *details;

    cg_error_set_camera_id (cause, "door");
    want = cg_error_to_event_node (cause);
    g_assert_nonnull (ev);
    g_assert_cmpint (gw_event_get_kind (ev), ==, cases[i].kind);
    got = event_object (ev);
    assert_superset (got, json_node_get_object (want), "details", "timestamp");
    /* the retry's time, not its cause's */
    g_assert_cmpint (gw_event_get_timestamp (ev), >=, before);
    details = json_object_get_object_member (got, "details");
    assert_superset (details, json_object_get_object_member
        (json_node_get_object (want), "details"), NULL, NULL);
    g_assert_cmpstr (json_object_get_string_member (details, "retryEvent"),
        ==, cases[i].what);
    g_assert_cmpint (json_object_get_int_member (details, cases[i].fact), ==,
        cases[i].value);
    g_assert_cmpstr (json_object_get_string_member (got, "code"), ==,
        "DEVICE_BUSY");
    g_assert_cmpstr (json_object_get_string_member (got, "cameraId"), ==,
        "door");
    g_assert_cmpstr (json_object_get_string_member (got, "kind"), ==,
        gw_event_kind_to_string (cases[i].kind));
    json_object_unref (got);
    json_node_unref (want);
    cg_error_unref (cause);
    gw_event_unref (ev);
    gst_message_unref (m);
  }
  cg_error_unref (e);
}

/* A recovery with no known cause, and a message that is no event. */
static void
test_retry_without_cause (void)
{
  /* a recovery with no known cause: same members, no code */
  {
    GstMessage *m = retry_message ("recovered", NULL);
    GwEvent *ev = gw_event_new_from_element_message (m, "door");
    JsonObject *got = event_object (ev);

    g_assert_cmpint (gw_event_get_kind (ev), ==, GW_EVENT_KIND_RECOVERY);
    g_assert_null (gw_event_get_code (ev));
    g_assert_cmpstr (json_object_get_string_member (got, "severity"), ==,
        "info");
    g_assert_true (json_object_has_member (got, "message"));
    g_assert_true (json_object_has_member (got, "timestamp"));
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member
            (got, "details"), "outageMs"), ==, 1500);
    json_object_unref (got);
    gw_event_unref (ev);
    gst_message_unref (m);
  }
  /* not an event message */
  {
    GstMessage *m = gst_message_new_element (NULL,
        gst_structure_new_empty ("camguard-retrysrc-stats"));

    g_assert_null (gw_event_new_from_element_message (m, "door"));
    gst_message_unref (m);
  }
}

static void
test_shape_from_quality (void)
{
  GstMessage *m = quality_message (TRUE);
  CgError *cause = cg_classify_message (m);
  GwEvent *ev = gw_event_new_from_element_message (m, "desk");
  JsonNode *want;
  JsonObject *got, *details;

  g_assert_nonnull (cause);
  cg_error_set_camera_id (cause, "desk");
  want = cg_error_to_event_node (cause);
  got = event_object (ev);
  assert_superset (got, json_node_get_object (want), "timestamp", NULL);
  g_assert_cmpint (gw_event_get_kind (ev), ==, GW_EVENT_KIND_QUALITY);
  g_assert_cmpstr (gw_event_get_code (ev), ==, "QUALITY_DEGRADED");
  details = json_object_get_object_member (got, "details");
  g_assert_cmpfloat (json_object_get_double_member (details, "packetLoss"),
      ==, 0.2);
  g_assert_cmpstr (json_object_get_string_member (details, "step-name"), ==,
      "480p");
  json_object_unref (got);
  json_node_unref (want);
  cg_error_unref (cause);
  gw_event_unref (ev);
  gst_message_unref (m);

  m = quality_message (FALSE);
  ev = gw_event_new_from_element_message (m, "desk");
  got = event_object (ev);
  g_assert_cmpint (gw_event_get_kind (ev), ==, GW_EVENT_KIND_QUALITY);
  g_assert_null (gw_event_get_code (ev));
  g_assert_false (json_object_has_member (got, "code"));
  g_assert_cmpstr (json_object_get_string_member (got, "type"), ==, "quality");
  details = json_object_get_object_member (got, "details");
  g_assert_cmpint (json_object_get_int_member (details, "step"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (details, "direction"), ==,
      "up");
  g_assert_false (json_object_has_member (details, "code"));
  json_object_unref (got);
  gw_event_unref (ev);
  gst_message_unref (m);
}

static void
test_state_and_json (void)
{
  CgError *e = error_for (CG_CODE_CAMERA_UNREACHABLE, NULL);
  gint64 before = g_get_real_time ();
  GwEvent *ev;

  /* the cause is older than the state change */
  cg_error_set_timestamp (e, G_USEC_PER_SEC);
  ev = gw_event_new_state ("door", "retrying", "running", e);
  g_assert_cmpint (gw_event_get_timestamp (ev), >=, before);
  GwEvent *back;
  JsonObject *got;
  gchar *a, *b;

  g_assert_cmpint (gw_event_get_kind (ev), ==, GW_EVENT_KIND_STATE);
  g_assert_cmpstr (gw_event_get_code (ev), ==, "CAMERA_UNREACHABLE");
  g_assert_cmpstr (gw_event_get_camera_id (ev), ==, "door");
  got = event_object (ev);
  g_assert_cmpstr (json_object_get_string_member
      (json_object_get_object_member (got, "details"), "previousState"), ==,
      "running");
  json_object_unref (got);

  /* what the store writes reads back the same */
  gw_event_set_id (ev, 12);
  a = gw_event_to_json (ev);
  back = gw_event_new_from_json (12, a, NULL);
  g_assert_nonnull (back);
  b = gw_event_to_json (back);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (gw_event_get_request_id (back), ==, "req-42");
  g_assert_cmpint (gw_event_get_kind (back), ==, GW_EVENT_KIND_STATE);
  g_free (a);
  g_free (b);
  gw_event_unref (back);
  gw_event_unref (ev);
  cg_error_unref (e);

  ev = gw_event_new_state ("door", "running", NULL, NULL);
  g_assert_null (gw_event_get_code (ev));
  g_assert_cmpstr (gw_event_get_severity (ev), ==, "info");
  gw_event_unref (ev);
}

/* GwCamera::event kinds: the cause rendered with the camera id, retry
 * kinds stamped now with retryEvent, causeless kinds, unknown kinds. */
static void
test_from_camera (void)
{
  g_autoptr (CgError) cause = error_for (CG_CODE_CAMERA_UNREACHABLE, NULL);
  g_autoptr (GwEvent) retry = gw_event_new_from_camera ("retry", cause, "door");
  g_autoptr (GwEvent) error = gw_event_new_from_camera ("error", cause, "door");
  g_autoptr (GwEvent) back = gw_event_new_from_camera ("recovery", NULL,
      "door");
  g_autoptr (GwEvent) best = gw_event_new_from_camera ("quality", NULL, "demo");
  g_autoptr (JsonNode) node = gw_event_to_json_node (retry);
  JsonObject *details;

  g_assert_cmpint (gw_event_get_kind (retry), ==, GW_EVENT_KIND_RETRY);
  g_assert_cmpstr (gw_event_get_code (retry), ==, "CAMERA_UNREACHABLE");
  g_assert_cmpstr (gw_event_get_camera_id (retry), ==, "door");
  g_assert_cmpstr (gw_event_get_request_id (retry), ==, "req-42");
  details = json_object_get_object_member (json_node_get_object (node),
      "details");
  g_assert_cmpstr (json_object_get_string_member (details, "retryEvent"), ==,
      "retry");
  g_assert_cmpint (gw_event_get_timestamp (retry), >=,
      cg_error_get_timestamp (cause));
  /* the camera's error is not changed */
  g_assert_null (cg_error_get_camera_id (cause));

  g_assert_cmpint (gw_event_get_kind (error), ==, GW_EVENT_KIND_ERROR);
  g_assert_cmpint (gw_event_get_timestamp (error), ==,
      cg_error_get_timestamp (cause));
  g_assert_cmpint (gw_event_get_kind (back), ==, GW_EVENT_KIND_RECOVERY);
  g_assert_null (gw_event_get_code (back));
  g_assert_cmpstr (gw_event_get_severity (back), ==, "info");
  g_assert_cmpint (gw_event_get_kind (best), ==, GW_EVENT_KIND_QUALITY);
  g_clear_pointer (&back, gw_event_unref);
  back = gw_event_new_from_camera ("circuit-open", NULL, "door");
  g_assert_cmpint (gw_event_get_kind (back), ==, GW_EVENT_KIND_RETRY);
  g_assert_null (gw_event_new_from_camera ("sideways", cause, "door"));
}

/* An event with a cause is written as libcamguard writes the event of its
 * cause, byte for byte (member order, redaction), then id, kind and
 * requestId; a page of events holds that same text. */
static void
test_text_is_the_renderers (void)
{
  const CgCode codes[] = { CG_CODE_CAMERA_UNREACHABLE,
    CG_CODE_QUALITY_DEGRADED, CG_CODE_INTERNAL_ERROR
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (codes); i++) {
    g_autoptr (CgError) e = error_for (codes[i], i % 2 ? NULL : "door");
    g_autoptr (GwEvent) ev = NULL;
    g_autoptr (GPtrArray) page = g_ptr_array_new ();
    g_autofree gchar *body = NULL, *want = NULL, *got = NULL;
    g_autofree gchar *want_page = NULL, *got_page = NULL;
    CgJsonWriter *w = cg_json_writer_new ();

    cg_error_set_message (e, "rtsp://admin:hunter2@10.0.0.1/live failed");
    ev = gw_event_new_from_error (e);
    gw_event_set_id (ev, 9);
    body = cg_error_to_event_json (e);
    want = g_strdup_printf ("%.*s,\"id\":9,\"kind\":\"%s\","
        "\"requestId\":\"req-42\"}", (gint) strlen (body) - 1, body,
        gw_event_kind_to_string (gw_event_get_kind (ev)));
    got = gw_event_to_json (ev);
    g_assert_cmpstr (got, ==, want);
    g_assert_null (strstr (got, "hunter2"));

    g_ptr_array_add (page, ev);
    gw_event_page_write (page, 0, w);
    got_page = cg_json_writer_free_to_string (w, NULL);
    want_page = g_strdup_printf ("{\"events\":[%s],\"count\":1,"
        "\"nextCursor\":null}", want);
    g_assert_cmpstr (got_page, ==, want_page);
  }
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/event/shape-from-error", test_shape_from_error);
  g_test_add_func ("/event/shape-from-retry", test_shape_from_retry);
  g_test_add_func ("/event/retry-without-cause", test_retry_without_cause);
  g_test_add_func ("/event/shape-from-quality", test_shape_from_quality);
  g_test_add_func ("/event/state-and-json", test_state_and_json);
  g_test_add_func ("/event/from-camera", test_from_camera);
  g_test_add_func ("/event/text-is-the-renderers", test_text_is_the_renderers);
  return g_test_run ();
}
