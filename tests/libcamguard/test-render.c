/* camguard - renderers: every output parsed back and checked
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <camguard.h>

#define TS_US G_GINT64_CONSTANT (1767225600123456)      /* 2026-01-01 */

/* A plain error with every fact set and no secrets. */
static CgError *
make_error (CgCode code)
{
  CgError *e = cg_error_new (code, "Could not connect to the camera");
  GError *gerr = g_error_new_literal (GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ, "x");

  cg_error_set_gerror (e, gerr);
  g_error_free (gerr);
  cg_error_set_source_path (e, "/GstPipeline:pipeline0/GstRTSPSrc:cam");
  cg_error_set_factory (e, "rtspsrc");
  cg_error_set_debug (e, "gstrtspsrc.c(1234): connect failed");
  cg_error_set_message_type (e, "error");
  cg_error_set_camera_id (e, "front_door");
  cg_error_set_correlation_id (e, "inc-7");
  cg_error_set_timestamp (e, TS_US);
  gst_structure_set (cg_error_get_details_writable (e),
      "rtsp-status-code", G_TYPE_UINT, 503,
      "attempt", G_TYPE_INT, -2,
      "big", G_TYPE_UINT64, G_GUINT64_CONSTANT (5000000000),
      "ratio", G_TYPE_DOUBLE, 0.25,
      "live", G_TYPE_BOOLEAN, TRUE,
      "reason", G_TYPE_STRING, "server gone",
      "caps", GST_TYPE_CAPS, NULL, NULL);
  return e;
}

static JsonObject *
parse_object (const gchar * json, JsonParser ** parser)
{
  GError *err = NULL;
  JsonNode *root;

  *parser = json_parser_new ();
  json_parser_load_from_data (*parser, json, -1, &err);
  g_assert_no_error (err);
  root = json_parser_get_root (*parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_node_get_object (root);
}

static void
check_details (JsonObject * d)
{
  g_assert_cmpstr (json_object_get_string_member (d, "domain"), ==,
      "gst-resource-error-quark");
  g_assert_cmpstr (json_object_get_string_member (d, "gst_code"), ==,
      "open-read");
  g_assert_cmpstr (json_object_get_string_member (d, "element"), ==,
      "/GstPipeline:pipeline0/GstRTSPSrc:cam");
  g_assert_cmpstr (json_object_get_string_member (d, "factory"), ==, "rtspsrc");
  g_assert_cmpstr (json_object_get_string_member (d, "debug"), ==,
      "gstrtspsrc.c(1234): connect failed");
  g_assert_cmpstr (json_object_get_string_member (d, "message_type"), ==,
      "error");
  g_assert_cmpstr (json_object_get_string_member (d, "correlation_id"), ==,
      "inc-7");
  g_assert_false (json_object_has_member (d, "secondary"));
  g_assert_cmpint (json_object_get_int_member (d, "rtsp-status-code"), ==, 503);
  g_assert_cmpint (json_object_get_int_member (d, "attempt"), ==, -2);
  g_assert_cmpint (json_object_get_int_member (d, "big"), ==, 5000000000);
  g_assert_cmpfloat (json_object_get_double_member (d, "ratio"), ==, 0.25);
  g_assert_true (json_object_get_boolean_member (d, "live"));
  g_assert_cmpstr (json_object_get_string_member (d, "reason"), ==,
      "server gone");
  /* Anything else as its serialisation. */
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (d,
              "caps")), ==, G_TYPE_STRING);
}

static void
test_flat (void)
{
  CgError *e = make_error (CG_CODE_CAMERA_UNREACHABLE);
  JsonParser *parser;
  JsonObject *o;
  gchar *json;

  json = cg_error_to_json (e, "req-123-456");
  o = parse_object (json, &parser);
  g_assert_cmpuint (json_object_get_size (o), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (o, "error_code"), ==,
      "CAMERA_UNREACHABLE");
  g_assert_cmpstr (json_object_get_string_member (o, "message"), ==,
      "Could not connect to the camera");
  g_assert_cmpstr (json_object_get_string_member (o, "request_id"), ==,
      "req-123-456");
  check_details (json_object_get_object_member (o, "details"));
  g_object_unref (parser);
  g_free (json);

  /* No request id: the member is left out; a secondary error says so;
   * no message: the catalogue default. */
  cg_error_set_secondary (e, TRUE);
  cg_error_set_message (e, NULL);
  json = cg_error_to_json (e, NULL);
  o = parse_object (json, &parser);
  g_assert_false (json_object_has_member (o, "request_id"));
  g_assert_cmpstr (json_object_get_string_member (o, "message"), ==,
      cg_code_get_message (CG_CODE_CAMERA_UNREACHABLE));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member
          (o, "details"), "secondary"));
  g_object_unref (parser);
  g_free (json);

  cg_error_unref (e);
}

static void
test_problem (void)
{
  CgError *e = make_error (CG_CODE_CAMERA_NOT_FOUND);
  JsonParser *parser;
  JsonObject *o;
  gchar *json, *uri;

  uri = cg_code_problem_type_uri (CG_CODE_CAMERA_NOT_FOUND);
  g_assert_cmpstr (uri, ==, "https://camguard.dev/errors/camera-not-found");
  g_free (uri);

  json = cg_error_to_problem_json (e, "req-1", "/api/v1/cameras/x");
  o = parse_object (json, &parser);
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==,
      "https://camguard.dev/errors/camera-not-found");
  g_assert_cmpstr (json_object_get_string_member (o, "title"), ==,
      cg_catalogue_lookup (CG_CODE_CAMERA_NOT_FOUND)->title);
  g_assert_cmpint (json_object_get_int_member (o, "status"), ==, 404);
  g_assert_cmpstr (json_object_get_string_member (o, "detail"), ==,
      "Could not connect to the camera");
  g_assert_cmpstr (json_object_get_string_member (o, "instance"), ==,
      "/api/v1/cameras/x");
  g_assert_cmpstr (json_object_get_string_member (o, "error_code"), ==,
      "CAMERA_NOT_FOUND");
  g_assert_cmpstr (json_object_get_string_member (o, "request_id"), ==,
      "req-1");
  g_assert_cmpstr (json_object_get_string_member (o, "hint"), ==,
      cg_code_get_hint (CG_CODE_CAMERA_NOT_FOUND));
  g_assert_cmpstr (json_object_get_string_member (o, "severity"), ==, "fatal");
  g_assert_false (json_object_get_boolean_member (o, "retryable"));
  check_details (json_object_get_object_member (o, "details"));
  g_object_unref (parser);
  g_free (json);

  /* instance defaults to the request id */
  json = cg_error_to_problem_json (e, "req-2", NULL);
  o = parse_object (json, &parser);
  g_assert_cmpstr (json_object_get_string_member (o, "instance"), ==, "req-2");
  g_object_unref (parser);
  g_free (json);

  /* A 5xx camera error */
  cg_error_set_code (e, CG_CODE_CAMERA_UNREACHABLE);
  json = cg_error_to_problem_json (e, NULL, NULL);
  o = parse_object (json, &parser);
  g_assert_cmpint (json_object_get_int_member (o, "status"), ==,
      cg_code_get_http_status (CG_CODE_CAMERA_UNREACHABLE));
  g_assert_cmpint (json_object_get_int_member (o, "status"), >=, 500);
  g_assert_false (json_object_has_member (o, "instance"));
  g_assert_false (json_object_has_member (o, "request_id"));
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==,
      "https://camguard.dev/errors/camera-unreachable");
  g_object_unref (parser);
  g_free (json);

  cg_error_unref (e);
}

static void
test_jsonrpc (void)
{
  CgError *e = make_error (CG_CODE_CAMERA_NOT_FOUND);
  JsonParser *parser;
  JsonObject *o, *err, *data;
  JsonNode *id;
  gchar *json;

  id = json_node_new (JSON_NODE_VALUE);
  json_node_set_int (id, 17);
  json = cg_error_to_jsonrpc_response (e, id, "req-9");
  json_node_unref (id);
  o = parse_object (json, &parser);
  g_assert_cmpuint (json_object_get_size (o), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (o, "jsonrpc"), ==, "2.0");
  g_assert_cmpint (json_object_get_int_member (o, "id"), ==, 17);
  err = json_object_get_object_member (o, "error");
  g_assert_cmpint (json_object_get_int_member (err, "code"), ==, -32004);
  g_assert_cmpstr (json_object_get_string_member (err, "message"), ==,
      "Could not connect to the camera");
  data = json_object_get_object_member (err, "data");
  g_assert_cmpstr (json_object_get_string_member (data, "error_code"), ==,
      "CAMERA_NOT_FOUND");
  g_assert_cmpstr (json_object_get_string_member (data, "request_id"), ==,
      "req-9");
  g_assert_cmpstr (json_object_get_string_member (data, "severity"), ==,
      "fatal");
  g_assert_false (json_object_get_boolean_member (data, "retryable"));
  g_assert_cmpstr (json_object_get_string_member (data, "hint"), ==,
      cg_code_get_hint (CG_CODE_CAMERA_NOT_FOUND));
  check_details (json_object_get_object_member (data, "details"));
  g_object_unref (parser);
  g_free (json);

  /* A string id is preserved as a string; a missing id becomes null. */
  id = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (id, "abc");
  json = cg_error_to_jsonrpc_response (e, id, NULL);
  json_node_unref (id);
  o = parse_object (json, &parser);
  g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, "abc");
  g_assert_false (json_object_has_member (json_object_get_object_member
          (json_object_get_object_member (o, "error"), "data"), "request_id"));
  g_object_unref (parser);
  g_free (json);

  cg_error_set_code (e, CG_CODE_INVALID_JSON);
  json = cg_error_to_jsonrpc_response (e, NULL, NULL);
  o = parse_object (json, &parser);
  g_assert_true (json_object_has_member (o, "id"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (o, "id")));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member
          (o, "error"), "code"), ==, -32700);
  g_object_unref (parser);
  g_free (json);

  cg_error_unref (e);
}

static void
test_event (void)
{
  CgError *e = make_error (CG_CODE_CONNECTION_TIMEOUT);
  JsonParser *parser;
  JsonObject *o, *d;
  gchar *json;

  json = cg_error_to_event_json (e);
  o = parse_object (json, &parser);
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "error");
  g_assert_cmpstr (json_object_get_string_member (o, "code"), ==,
      "CONNECTION_TIMEOUT");
  g_assert_cmpstr (json_object_get_string_member (o, "videoCode"), ==,
      cg_code_get_video_code (CG_CODE_CONNECTION_TIMEOUT));
  g_assert_nonnull (cg_code_get_video_code (CG_CODE_CONNECTION_TIMEOUT));
  g_assert_cmpstr (json_object_get_string_member (o, "message"), ==,
      "Could not connect to the camera");
  g_assert_cmpstr (json_object_get_string_member (o, "cameraId"), ==,
      "front_door");
  g_assert_cmpint (json_object_get_int_member (o, "timestamp"), ==,
      TS_US / 1000);
  g_assert_cmpstr (json_object_get_string_member (o, "severity"), ==,
      "recoverable");
  g_assert_true (json_object_get_boolean_member (o, "retryable"));
  check_details (json_object_get_object_member (o, "details"));
  g_object_unref (parser);
  g_free (json);

  /* A warning is a "warning" event; QUALITY_DEGRADED carries the seed's
   * quality facts in details. */
  cg_error_unref (e);
  e = cg_error_new (CG_CODE_QUALITY_DEGRADED, "Poor network connection");
  gst_structure_set (cg_error_get_details_writable (e),
      "quality", G_TYPE_DOUBLE, 0.3, "packetLoss", G_TYPE_DOUBLE, 0.22,
      "latency", G_TYPE_INT, 450, "jitter", G_TYPE_INT, 80,
      "bandwidth", G_TYPE_UINT, 2500,
      "recommendedAction", G_TYPE_STRING, "reduce_quality", NULL);
  json = cg_error_to_event_json (e);
  o = parse_object (json, &parser);
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "warning");
  g_assert_cmpstr (json_object_get_string_member (o, "code"), ==,
      "QUALITY_DEGRADED");
  g_assert_cmpstr (json_object_get_string_member (o, "severity"), ==,
      "warning");
  g_assert_false (json_object_has_member (o, "cameraId"));
  d = json_object_get_object_member (o, "details");
  g_assert_cmpfloat (json_object_get_double_member (d, "quality"), ==, 0.3);
  g_assert_cmpfloat (json_object_get_double_member (d, "packetLoss"), ==, 0.22);
  g_assert_cmpint (json_object_get_int_member (d, "latency"), ==, 450);
  g_assert_cmpint (json_object_get_int_member (d, "jitter"), ==, 80);
  g_assert_cmpint (json_object_get_int_member (d, "bandwidth"), ==, 2500);
  g_assert_cmpstr (json_object_get_string_member (d, "recommendedAction"), ==,
      "reduce_quality");
  g_object_unref (parser);
  g_free (json);

  /* A code without a video code has no videoCode member. */

  g_assert_null (cg_code_get_video_code (CG_CODE_CAMERA_NOT_FOUND));
  cg_error_set_code (e, CG_CODE_CAMERA_NOT_FOUND);
  json = cg_error_to_event_json (e);
  o = parse_object (json, &parser);
  g_assert_false (json_object_has_member (o, "videoCode"));
  g_object_unref (parser);
  g_free (json);

  cg_error_unref (e);
}

static void
check_redact (const gchar * in, const gchar * expected)
{
  gchar *out = cg_redact (in);

  g_assert_cmpstr (out, ==, expected);
  g_free (out);
}

static void
test_redact_strings (void)
{
  g_assert_null (cg_redact (NULL));
  check_redact ("rtsp://admin:secret@127.0.0.1/cam",
      "rtsp://admin:***@127.0.0.1/cam");
  check_redact ("rtsp://admin@127.0.0.1:554/cam",
      "rtsp://admin@127.0.0.1:554/cam");
  check_redact ("rtsp://127.0.0.1:554/cam?x=1", "rtsp://127.0.0.1:554/cam?x=1");
  check_redact ("location=rtsp://u:p4ss@h/s latency=0",
      "location=rtsp://u:***@h/s latency=0");
  check_redact ("http://h/a?token=abc&x=1", "http://h/a?token=***&x=1");
  check_redact ("?token=abc&x=1", "?token=***&x=1");
  check_redact ("http://h/?X=1&API_KEY=k1&Sig=zz#frag",
      "http://h/?X=1&API_KEY=***&Sig=***#frag");
  check_redact ("password=hunter2 user=bob", "password=*** user=bob");
  check_redact ("Authorization: Bearer abc.def", "Authorization: Bearer ***");
  check_redact ("authorization: basic dXNlcjpwYXNz\r\nHost: x",
      "authorization: basic ***\r\nHost: x");
  check_redact ("Authorization: abc.def", "Authorization: ***");
  check_redact ("X-API-Key: k-123 next", "X-API-Key: *** next");
  check_redact ("{\"access_token\": \"abc def\", \"n\": 1}",
      "{\"access_token\": \"***\", \"n\": 1}");
  /* Names that only resemble secrets are left alone. */
  check_redact ("monkey=1 passage=2 keyframe=3",
      "monkey=1 passage=2 keyframe=3");
  check_redact ("no secrets here", "no secrets here");
}

/* Every credential-carrying property of the sources camguard wraps, in
 * every form it is written in: gst-launch descriptions, debug strings,
 * JSON and GstStructure serialisations. */
typedef struct
{
  const gchar *in;
  const gchar *expected;
} RedactCase;

static const RedactCase REDACT_CASES[] = {
  /* rtspsrc */
  {"rtspsrc location=rtsp://h/s user-id=admin user-pw=hunter2 ! fakesink",
      "rtspsrc location=rtsp://h/s user-id=*** user-pw=*** ! fakesink"},
  {"rtspsrc user-pw=\"a b c\" latency=0", "rtspsrc user-pw=\"***\" latency=0"},
  {"user-pw = 'a b c' x", "user-pw = '***' x"},
  {"user-pw=\"a \\\"b\\\" c\" latency=0", "user-pw=\"***\" latency=0"},
  {"user-pw=a\\ b\\ c latency=0", "user-pw=*** latency=0"},
  {"user_pw=hunter2 USER-PW=hunter2", "user_pw=*** USER-PW=***"},
  {"rtspsrc proxy=http://p:3128 proxy-id=bob proxy-pw=pp",
      "rtspsrc proxy=http://p:3128 proxy-id=*** proxy-pw=***"},
  /* souphttpsrc */
  {"souphttpsrc location=http://h/v.mjpg user-id=bob user-pw=s3cr3t "
        "proxy-id=p proxy-pw=pp",
      "souphttpsrc location=http://h/v.mjpg user-id=*** user-pw=*** "
        "proxy-id=*** proxy-pw=***"},
  {"souphttpsrc extra-headers=\"headers, Authorization=\\\"Bearer abc\\\"\" "
        "! jpegparse",
      "souphttpsrc extra-headers=\"headers, Authorization=\\\"***\\\"\" "
        "! jpegparse"},
  {"extra-headers=\"h, Authorization=(string)\\\"Basic\\\\ dXNl\\\", x=1\"",
      "extra-headers=\"h, Authorization=(string)\\\"***\\\", x=1\""},
  {"extra-headers=\"h, Cookie=\\\"sid=abc\\\"\"",
      "extra-headers=\"h, Cookie=\\\"***\\\"\""},
  {"cookies=\"sid=abc; x=1\" location=x", "cookies=\"***\" location=x"},
  /* GstStructure serialisations */
  {"source, user-pw=(string)hunter2, user-id=(string)admin;",
      "source, user-pw=(string)***, user-id=(string)***;"},
  {"source, user-pw=(string)\"a\\ b\\ c\", latency=(uint)0;",
      "source, user-pw=(string)\"***\", latency=(uint)0;"},
  {"headers, Authorization=(string)\"Bearer\\ abc\";",
      "headers, Authorization=(string)\"***\";"},
  {"s, password=(string)hunter2;", "s, password=(string)***;"},
  {"s, password=(gchararray)hunter2;", "s, password=(gchararray)***;"},
  /* debug strings and JSON */
  {"setting user-pw: hunter2 for rtsp://h",
      "setting user-pw: *** for rtsp://h"},
  {"Authorization: Bearer abc\r\nCookie: sid=abc\r\n",
      "Authorization: Bearer ***\r\nCookie: ***\r\n"},
  {"{\"user-pw\": \"a b\", \"user-id\": \"admin\"}",
      "{\"user-pw\": \"***\", \"user-id\": \"***\"}"},
  /* srtsrc */
  {"srtsrc uri=\"srt://h:7001?mode=caller&passphrase=abc123\" passphrase=x",
      "srtsrc uri=\"srt://h:7001?mode=caller&passphrase=***\" passphrase=***"},
  /* an unterminated quoted secret hides the rest */
  {"user-pw=\"a b c", "user-pw=\"***"},
  /* not secrets */
  {"camera-id=cam1 correlation-id=c1 user=bob rtsp://admin@h/s",
      "camera-id=cam1 correlation-id=c1 user=bob rtsp://admin@h/s"},
  {"pwm=1 keyframe=3 user-agent=\"x y\"",
      "pwm=1 keyframe=3 user-agent=\"x y\""},
};

static void
test_redact_credential_properties (gconstpointer data)
{
  const RedactCase *c = data;

  check_redact (c->in, c->expected);
}

/* What gst_structure_to_string() really writes for credential fields, and
 * a structure carrying them through cg_error_to_structure(). */
static void
test_redact_structures (void)
{
  static const gchar *const secrets[] = {
    "hunter2", "a b", "tok", "admin-user", "sid", NULL
  };
  GstStructure *headers = gst_structure_new ("headers", "Authorization",
      G_TYPE_STRING, "Bearer tok", "Cookie", G_TYPE_STRING, "sid=abc", NULL);
  GstStructure *s = gst_structure_new ("source", "user-id", G_TYPE_STRING,
      "admin-user", "user-pw", G_TYPE_STRING, "a b \"c\"", "proxy-pw",
      G_TYPE_STRING, "hunter2", "extra-headers", GST_TYPE_STRUCTURE, headers,
      NULL);
  gchar *ser = gst_structure_to_string (s);
  gchar *in_string = g_strdup_printf ("souphttpsrc extra-headers=\"%s\"", ser);
  gchar *outs[3];
  CgError *e = cg_error_new (CG_CODE_PERMISSION_DENIED, "401");
  GstStructure *rendered;
  guint i, j;

  gst_structure_set (cg_error_get_details_writable (e), "source",
      GST_TYPE_STRUCTURE, s, "description", G_TYPE_STRING, in_string, NULL);
  rendered = cg_error_to_structure (e);
  outs[0] = cg_redact (ser);
  outs[1] = gst_structure_to_string (rendered);
  outs[2] = cg_error_to_json (e, "r");
  for (i = 0; i < G_N_ELEMENTS (outs); i++) {
    g_test_message ("%s", outs[i]);
    for (j = 0; secrets[j]; j++)
      if (strstr (outs[i], secrets[j]))
        g_error ("secret '%s' leaked in: %s", secrets[j], outs[i]);
    g_free (outs[i]);
  }
  {
    const GstStructure *d = gst_value_get_structure (gst_structure_get_value
        (rendered, "details"));
    const GstStructure *src = gst_value_get_structure (gst_structure_get_value
        (d, "source"));

    g_assert_cmpstr (gst_structure_get_string (src, "user-pw"), ==, "***");
    g_assert_cmpstr (gst_structure_get_string (src, "user-id"), ==, "***");
  }
  gst_structure_free (rendered);
  cg_error_unref (e);
  g_free (in_string);
  g_free (ser);
  gst_structure_free (s);
  gst_structure_free (headers);
}

static const gchar *const SECRETS[] = {
  "secret", "abc.def", "tok3n", "hunter2", NULL
};

static void
assert_no_secret (const gchar * text)
{
  guint i;

  for (i = 0; SECRETS[i]; i++) {
    if (strstr (text, SECRETS[i]))
      g_error ("secret '%s' leaked in: %s", SECRETS[i], text);
  }
}

static gboolean
assert_no_secret_field (GQuark field, const GValue * value, gpointer data)
{
  gchar *s;

  if (GST_VALUE_HOLDS_STRUCTURE (value)) {
    gst_structure_foreach (gst_value_get_structure (value),
        assert_no_secret_field, NULL);
    return TRUE;
  }
  if (G_VALUE_HOLDS_STRING (value)) {
    if (g_value_get_string (value))
      assert_no_secret (g_value_get_string (value));
    return TRUE;
  }
  s = gst_value_serialize (value);
  if (s)
    assert_no_secret (s);
  g_free (s);
  return TRUE;
}

static void
test_redact_everywhere (void)
{
  CgError *e = cg_error_new (CG_CODE_PERMISSION_DENIED,
      "Unauthorized for rtsp://admin:secret@127.0.0.1/cam");
  JsonNode *id = json_node_new (JSON_NODE_NULL);
  gchar *outs[5];
  GstStructure *s, *nested;
  JsonParser *parser;
  JsonObject *o, *d;
  guint i;

  cg_error_set_debug (e, "gstrtspsrc.c(1): location=rtsp://admin:secret@"
      "127.0.0.1/cam?token=tok3n&x=1; Authorization: Bearer abc.def");
  cg_error_set_source_path (e, "/pipeline/rtsp://admin:secret@h");
  cg_error_set_factory (e, "rtspsrc");
  cg_error_set_camera_id (e, "cam");
  nested = gst_structure_new ("n", "u", G_TYPE_STRING,
      "rtsp://admin:secret@h", "token", G_TYPE_INT, 1, NULL);
  gst_structure_set (cg_error_get_details_writable (e),
      "uri", G_TYPE_STRING, "rtsp://admin:secret@127.0.0.1/cam",
      "password", G_TYPE_STRING, "hunter2",
      "headers", G_TYPE_STRING, "Authorization: Bearer abc.def",
      "nested", GST_TYPE_STRUCTURE, nested, NULL);
  gst_structure_free (nested);

  outs[0] = cg_error_to_json (e, "r");
  outs[1] = cg_error_to_problem_json (e, "r", NULL);
  outs[2] = cg_error_to_jsonrpc_response (e, id, "r");
  outs[3] = cg_error_to_event_json (e);
  s = cg_error_to_structure (e);
  outs[4] = gst_structure_to_string (s);
  for (i = 0; i < G_N_ELEMENTS (outs); i++) {
    g_test_message ("output %u: %s", i, outs[i]);
    assert_no_secret (outs[i]);
    /* The user name and the harmless parts survive. */
    g_assert_nonnull (strstr (outs[i], "admin"));
  }
  /* The structure, field by field, nested structures included. */
  gst_structure_foreach (s, assert_no_secret_field, NULL);
  g_assert_cmpstr (gst_structure_get_string (s, "message"), ==,
      "Unauthorized for rtsp://admin:***@127.0.0.1/cam");

  /* What the redaction leaves, field by field. */
  o = parse_object (outs[0], &parser);
  g_assert_cmpstr (json_object_get_string_member (o, "message"), ==,
      "Unauthorized for rtsp://admin:***@127.0.0.1/cam");
  d = json_object_get_object_member (o, "details");
  g_assert_cmpstr (json_object_get_string_member (d, "uri"), ==,
      "rtsp://admin:***@127.0.0.1/cam");
  g_assert_cmpstr (json_object_get_string_member (d, "password"), ==, "***");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member
          (d, "nested"), "u"), ==, "rtsp://admin:***@h");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member
          (d, "nested"), "token"), ==, "***");
  g_assert_cmpstr (json_object_get_string_member (d, "debug"), ==,
      "gstrtspsrc.c(1): location=rtsp://admin:***@127.0.0.1/cam?token=***"
      "&x=1; Authorization: Bearer ***");
  g_object_unref (parser);

  for (i = 0; i < G_N_ELEMENTS (outs); i++)
    g_free (outs[i]);
  gst_structure_free (s);
  json_node_unref (id);
  cg_error_unref (e);
}

static void
test_structure_round_trip (void)
{
  CgError *e = make_error (CG_CODE_STORAGE_DENIED), *back;
  GstStructure *s, *s2;
  const GstStructure *d;
  gboolean b;
  gint64 ts;

  cg_error_set_secondary (e, TRUE);
  gst_structure_remove_field (cg_error_get_details_writable (e), "caps");
  s = cg_error_to_structure (e);
  g_assert_true (gst_structure_has_name (s, "camguard-error"));
  g_assert_cmpstr (gst_structure_get_string (s, "code"), ==, "STORAGE_DENIED");
  g_assert_cmpstr (gst_structure_get_string (s, "severity"), ==,
      cg_severity_to_string (cg_code_get_severity (CG_CODE_STORAGE_DENIED)));
  g_assert_true (gst_structure_get_boolean (s, "retryable", &b));
  g_assert_cmpint (b, ==, cg_code_is_retryable (CG_CODE_STORAGE_DENIED));
  g_assert_cmpstr (gst_structure_get_string (s, "domain"), ==,
      "gst-resource-error-quark");
  g_assert_cmpstr (gst_structure_get_string (s, "gst-code"), ==, "open-read");
  g_assert_cmpstr (gst_structure_get_string (s, "source"), ==,
      "/GstPipeline:pipeline0/GstRTSPSrc:cam");
  g_assert_cmpstr (gst_structure_get_string (s, "camera-id"), ==, "front_door");
  g_assert_true (gst_structure_get_int64 (s, "timestamp", &ts));
  g_assert_cmpint (ts, ==, TS_US);
  g_assert_true (gst_structure_get_boolean (s, "secondary", &b));
  g_assert_true (b);
  d = gst_value_get_structure (gst_structure_get_value (s, "details"));
  g_assert_cmpstr (gst_structure_get_string (d, "reason"), ==, "server gone");

  back = cg_error_from_structure (s);
  g_assert_nonnull (back);
  g_assert_cmpint (cg_error_get_code (back), ==, CG_CODE_STORAGE_DENIED);
  g_assert_cmpstr (cg_error_get_message (back), ==, cg_error_get_message (e));
  g_assert_cmpstr (cg_error_get_gst_domain (back), ==,
      cg_error_get_gst_domain (e));
  g_assert_cmpstr (cg_error_get_gst_code (back), ==, cg_error_get_gst_code (e));
  g_assert_cmpstr (cg_error_get_source_path (back), ==,
      cg_error_get_source_path (e));
  g_assert_cmpstr (cg_error_get_factory (back), ==, cg_error_get_factory (e));
  g_assert_cmpstr (cg_error_get_debug (back), ==, cg_error_get_debug (e));
  g_assert_cmpstr (cg_error_get_message_type (back), ==,
      cg_error_get_message_type (e));
  g_assert_cmpstr (cg_error_get_camera_id (back), ==,
      cg_error_get_camera_id (e));
  g_assert_cmpstr (cg_error_get_correlation_id (back), ==,
      cg_error_get_correlation_id (e));
  g_assert_cmpint (cg_error_get_timestamp (back), ==, TS_US);
  g_assert_true (cg_error_is_secondary (back));
  g_assert_true (gst_structure_is_equal (cg_error_get_details (back),
          cg_error_get_details (e)));

  /* And the structure of the rebuilt error is the same structure. */
  s2 = cg_error_to_structure (back);
  g_assert_true (gst_structure_is_equal (s, s2));
  gst_structure_free (s2);
  cg_error_unref (back);

  /* Unset facts stay unset. */
  cg_error_unref (e);
  e = cg_error_new (CG_CODE_SNAPSHOT_FAILED, NULL);
  gst_structure_free (s);
  s = cg_error_to_structure (e);
  back = cg_error_from_structure (s);
  g_assert_null (cg_error_get_debug (back));
  g_assert_null (cg_error_get_camera_id (back));
  g_assert_false (cg_error_is_secondary (back));
  g_assert_cmpint (cg_error_get_timestamp (back), ==,
      cg_error_get_timestamp (e));
  cg_error_unref (back);

  /* Not a camguard-error, or an unknown code: NULL. */
  gst_structure_set_name (s, "other");
  g_assert_null (cg_error_from_structure (s));
  gst_structure_set_name (s, "camguard-error");
  gst_structure_set (s, "code", G_TYPE_STRING, "NO_SUCH_CODE", NULL);
  g_assert_null (cg_error_from_structure (s));

  gst_structure_free (s);
  cg_error_unref (e);
}

/* cg_structure_to_json_node(): statistics as JSON, the way details are:
 * numbers stay numbers, nested structures become objects, strings are
 * redacted and secret-looking fields masked. */
static void
test_structure_to_json (void)
{
  GstStructure *inner = gst_structure_new ("camguard-backoff-stats",
      "attempts", G_TYPE_UINT64, (guint64) 3, NULL);
  GstStructure *s = gst_structure_new ("camguard-retrysrc-stats",
      "sources-started", G_TYPE_UINT64, (guint64) 2,
      "last-error-code", G_TYPE_STRING, "CAMERA_UNREACHABLE",
      "uri", G_TYPE_STRING, "rtsp://admin:secret@127.0.0.1/cam",
      "password", G_TYPE_STRING, "hunter2",
      "last-opened", G_TYPE_UINT64, GST_CLOCK_TIME_NONE,
      "huge", G_TYPE_UINT64, G_MAXUINT64 - 1,
      "backoff", GST_TYPE_STRUCTURE, inner, NULL);
  JsonNode *node = cg_structure_to_json_node (s);
  gchar *text = json_to_string (node, FALSE);
  JsonObject *o = json_node_get_object (node);

  g_assert_cmpint (json_object_get_int_member (o, "sources-started"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (o, "last-error-code"), ==,
      "CAMERA_UNREACHABLE");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member
          (o, "backoff"), "attempts"), ==, 3);
  /* GStreamer's "none" is null; other numbers past gint64 stay exact */
  g_assert_true (json_object_get_null_member (o, "last-opened"));
  g_assert_cmpstr (json_object_get_string_member (o, "huge"), ==,
      "18446744073709551614");
  g_assert_null (strstr (text, "secret"));
  g_assert_null (strstr (text, "hunter2"));
  g_free (text);
  json_node_unref (node);
  gst_structure_free (s);
  gst_structure_free (inner);
}

/* The verdict on a field name is the same asked by quark (what renderers
 * ask, cached per quark) and by string, the first time and after. */
static void
test_redact_secret_quark (void)
{
  static const gchar *const names[] = { "password", "user-pw", "Token",
    "api_key", "key", "x-client-secret", "uri", "fps", "attempts",
    "last-error-code", NULL
  };
  guint i, round;

  for (round = 0; round < 2; round++)
    for (i = 0; names[i]; i++)
      g_assert_cmpint (cg_redact_is_secret_quark (g_quark_from_string
              (names[i])), ==, cg_redact_is_secret_name (names[i]));
  g_assert_true (cg_redact_is_secret_quark (g_quark_from_string ("password")));
  g_assert_false (cg_redact_is_secret_quark (g_quark_from_string ("fps")));
}

int
main (int argc, char **argv)
{
  guint i;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/flat", test_flat);
  g_test_add_func ("/render/problem", test_problem);
  g_test_add_func ("/render/jsonrpc", test_jsonrpc);
  g_test_add_func ("/render/event", test_event);
  g_test_add_func ("/render/redact/strings", test_redact_strings);
  g_test_add_func ("/render/redact/everywhere", test_redact_everywhere);
  for (i = 0; i < G_N_ELEMENTS (REDACT_CASES); i++) {
    gchar *path = g_strdup_printf ("/render/redact/credential-properties/%u",
        i);

    g_test_add_data_func (path, &REDACT_CASES[i],
        test_redact_credential_properties);
    g_free (path);
  }
  g_test_add_func ("/render/redact/structures", test_redact_structures);
  g_test_add_func ("/render/redact/secret-quark", test_redact_secret_quark);
  g_test_add_func ("/render/structure-round-trip", test_structure_round_trip);
  g_test_add_func ("/render/structure-to-json", test_structure_to_json);

  return g_test_run ();
}
