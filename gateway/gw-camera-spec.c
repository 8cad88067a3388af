/* camguard-gateway - a camera spec: what one camera is and how to run it
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-camera-spec
 * @title: Camera spec
 * @short_description: one camera, from a config group or a REST body
 *
 * A #GwCameraSpec is what the gateway knows about one camera: its id, its
 * type and the keys of that type, and the options every camera has. The
 * same keys are read from a `[camera ID]` group of the configuration and
 * from a JSON object (the REST body), and written back to JSON:
 *
 * | key (file)           | JSON                 | types        | default |
 * |----------------------|----------------------|--------------|---------|
 * | type                 | type                 | all          | required |
 * | pattern              | pattern              | test         | smpte |
 * | width, height        | width, height        | test, v4l2   | 640x360 (test), the device's (v4l2) |
 * | framerate            | framerate ("15/1")   | test, v4l2   | 15/1 (test), the device's |
 * | device               | device               | v4l2         | /dev/video0 |
 * | format               | format (YUY2, MJPG…) | v4l2         | the device's |
 * | uri                  | uri                  | rtsp, http   | required |
 * | transport            | transport            | rtsp         | auto (tcp, udp) |
 * | description          | description          | pipeline     | required |
 * | encoded              | encoded              | pipeline     | false (raw output) |
 * | retry-max-attempts   | retry.max-attempts   | all          | 0 (never give up) |
 * | retry-initial-delay  | retry.initial-delay  | all          | 500 ms |
 * | retry-max-delay      | retry.max-delay      | all          | 30000 ms |
 * | retry-timeout        | retry.timeout        | all          | 5000 ms |
 * | snapshot-max-age     | snapshot.max-age     | all          | 5000 ms |
 * | snapshot-quality     | snapshot.quality     | all          | 85 |
 * | ladder               | ladder.steps         | raw cameras  | qualityladder's |
 * | ladder-mode          | ladder.mode          | raw cameras  | auto (manual) |
 * | record               | record.continuous    | all          | false |
 * | record-segment       | record.segment       | all          | 300 s (1..86400) |
 * | record-max-age       | record.max-age       | all          | 0 s: kept |
 * | record-max-size      | record.max-size      | all          | 0 MiB: no limit |
 *
 * Ids match `[a-z0-9_-]{1,64}`. Every problem is collected, not only the
 * first: an unknown key, a key that does not apply to the type, a value of
 * the wrong type or out of range, a missing required key. The `pipeline`
 * type needs the configuration's `allow-pipelines` and a description that
 * passes the allowlist (gw-allowlist.c).
 *
 * To JSON, credentials in `uri` and `description` are redacted with
 * cg_redact() unless the stored form (for the data directory) is asked for.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>
#include <string.h>

#include <gst/video/video.h>

#include "gw-camera-spec.h"
#include "gw-camera-spec-checks.h"

#define T(x) (1u << GW_CAMERA_##x)
#define ALL (T (TEST) | T (V4L2) | T (RTSP) | T (HTTP) | T (PIPELINE))
#define RAW (T (TEST) | T (V4L2) | T (HTTP) | T (PIPELINE))

typedef enum
{
  K_STRING,
  K_UINT,
  K_FRACTION,
  K_BOOL,
} Kind;

typedef gchar *(*CheckFunc) (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy);

typedef struct
{
  const gchar *key;
  const gchar *jgroup;
  const gchar *jkey;
  Kind kind;
  guint types;
  gsize offset;
  guint min, max;
  CheckFunc check;
} Field;

static const gchar *const type_names[] = {
  "test", "v4l2", "rtsp", "http", "pipeline", NULL
};

#define O(f) offsetof (GwCameraSpec, f)
static const Field fields[] = {
  {"pattern", NULL, "pattern", K_STRING, T (TEST), O (pattern), 0, 0,
      gw_spec_check_pattern},
  {"width", NULL, "width", K_UINT, T (TEST) | T (V4L2), O (width), 16, 8192},
  {"height", NULL, "height", K_UINT, T (TEST) | T (V4L2), O (height), 16,
      8192},
  {"framerate", NULL, "framerate", K_FRACTION, T (TEST) | T (V4L2),
      O (fps_n), 0, 0},
  {"device", NULL, "device", K_STRING, T (V4L2), O (device), 0, 0,
      gw_spec_check_device},
  {"format", NULL, "format", K_STRING, T (V4L2), O (format), 0, 0,
      gw_spec_check_format},
  {"uri", NULL, "uri", K_STRING, T (RTSP) | T (HTTP), O (uri), 0, 0,
      gw_spec_check_uri},
  {"transport", NULL, "transport", K_STRING, T (RTSP), O (transport), 0, 0,
      gw_spec_check_transport},
  {"description", NULL, "description", K_STRING, T (PIPELINE),
      O (description), 0, 0, gw_spec_check_description},
  {"encoded", NULL, "encoded", K_BOOL, T (PIPELINE), O (encoded), 0, 0},
  {"retry-max-attempts", "retry", "max-attempts", K_UINT, ALL,
      O (retry_max_attempts), 0, 1000000},
  {"retry-initial-delay", "retry", "initial-delay", K_UINT, ALL,
      O (retry_initial_delay), 1, 3600000},
  {"retry-max-delay", "retry", "max-delay", K_UINT, ALL,
      O (retry_max_delay), 1, 86400000},
  {"retry-timeout", "retry", "timeout", K_UINT, ALL, O (retry_timeout), 0,
      3600000},
  {"snapshot-max-age", "snapshot", "max-age", K_UINT, ALL,
      O (snapshot_max_age), 0, 86400000},
  {"snapshot-quality", "snapshot", "quality", K_UINT, ALL,
      O (snapshot_quality), 1, 100},
  {"ladder", "ladder", "steps", K_STRING, RAW, O (ladder), 0, 0,
      gw_spec_check_ladder},
  {"ladder-mode", "ladder", "mode", K_STRING, RAW, O (ladder_mode), 0, 0,
      gw_spec_check_mode},
  {"record", "record", "continuous", K_BOOL, ALL, O (record), 0, 0},
  {"record-segment", "record", "segment", K_UINT, ALL, O (record_segment), 1,
      86400},
  {"record-max-age", "record", "max-age", K_UINT, ALL, O (record_max_age), 0,
      G_MAXINT32},
  {"record-max-size", "record", "max-size", K_UINT, ALL, O (record_max_size),
      0, G_MAXINT32},
};

#undef O

/* ------------------------------------------------------------------ */
/* basics                                                              */

/**
 * gw_camera_type_to_string:
 * @type: a camera type
 *
 * Returns: the name of @type as in the configuration ("rtsp", ...)
 */
const gchar *
gw_camera_type_to_string (GwCameraType type)
{
  g_return_val_if_fail (type <= GW_CAMERA_PIPELINE, NULL);
  return type_names[type];
}

/**
 * gw_camera_type_from_string:
 * @name: (nullable): a type name
 * @type: (out): the type
 *
 * Returns: whether @name is a camera type
 */
gboolean
gw_camera_type_from_string (const gchar * name, GwCameraType * type)
{
  guint i;

  for (i = 0; name && type_names[i]; i++) {
    if (g_str_equal (name, type_names[i])) {
      *type = (GwCameraType) i;
      return TRUE;
    }
  }
  return FALSE;
}

/**
 * gw_camera_type_is_raw:
 * @spec: a spec
 *
 * Returns: whether the camera delivers raw video that the gateway encodes
 *   (test, v4l2, http MJPEG, a pipeline without `encoded`)
 */
gboolean
gw_camera_type_is_raw (const GwCameraSpec * spec)
{
  if (spec->type == GW_CAMERA_PIPELINE)
    return !spec->encoded;
  return spec->type != GW_CAMERA_RTSP;
}

/**
 * gw_camera_id_is_valid:
 * @id: (nullable): a camera id
 *
 * Returns: whether @id matches `[a-z0-9_-]{1,64}`
 */
gboolean
gw_camera_id_is_valid (const gchar * id)
{
  gsize n;

  if (id == NULL)
    return FALSE;
  n = strspn (id, "abcdefghijklmnopqrstuvwxyz0123456789_-");
  return n > 0 && n <= GW_CAMERA_ID_MAX && id[n] == '\0';
}

/**
 * gw_camera_spec_new:
 * @id: the camera id
 * @type: its type
 *
 * Returns: (transfer full): a spec with every default of @type
 */
GwCameraSpec *
gw_camera_spec_new (const gchar * id, GwCameraType type)
{
  GwCameraSpec *s = g_new0 (GwCameraSpec, 1);

  s->id = g_strdup (id);
  s->type = type;
  if (type == GW_CAMERA_TEST) {
    s->pattern = g_strdup ("smpte");
    s->width = 640;
    s->height = 360;
    s->fps_n = 15;
    s->fps_d = 1;
  }
  if (type == GW_CAMERA_V4L2)
    s->device = g_strdup ("/dev/video0");
  if (type == GW_CAMERA_RTSP)
    s->transport = g_strdup ("auto");
  s->retry_initial_delay = 500;
  s->retry_max_delay = 30000;
  s->retry_timeout = 5000;
  s->snapshot_max_age = 5000;
  s->snapshot_quality = 85;
  s->ladder_mode = g_strdup ("auto");
  s->record_segment = 300;
  return s;
}

/**
 * gw_camera_spec_copy:
 * @spec: a spec
 *
 * Returns: (transfer full): a deep copy of @spec
 */
GwCameraSpec *
gw_camera_spec_copy (const GwCameraSpec * spec)
{
  GwCameraSpec *c = g_memdup2 (spec, sizeof (*spec));
  guint i;

  c->id = g_strdup (spec->id);
  for (i = 0; i < G_N_ELEMENTS (fields); i++) {
    if (fields[i].kind == K_STRING) {
      gchar **p = G_STRUCT_MEMBER_P (c, fields[i].offset);

      *p = g_strdup (*p);
    }
  }
  return c;
}

/**
 * gw_camera_spec_free:
 * @spec: (nullable) (transfer full): a spec
 *
 * Frees @spec.
 */
void
gw_camera_spec_free (GwCameraSpec * spec)
{
  guint i;

  if (spec == NULL)
    return;
  for (i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i].kind == K_STRING)
      g_free (G_STRUCT_MEMBER (gchar *, spec, fields[i].offset));
  g_free (spec->id);
  g_free (spec);
}

/* ------------------------------------------------------------------ */
/* one value, as text (the file) or as JSON                            */

static const Field *
find_field (const gchar * key, const gchar * jgroup)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (fields); i++) {
    const Field *f = &fields[i];

    if (jgroup == NULL && key && g_str_equal (f->key, key))
      return f;
    if (jgroup && f->jgroup && g_str_equal (f->jgroup, jgroup)
        && g_str_equal (f->jkey, key))
      return f;
  }
  return NULL;
}

static gboolean
parse_uint (const gchar * text, const Field * f, guint * out, gchar ** why)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &v, NULL)) {
    *why = g_strdup_printf ("'%s' is not a non-negative integer", text);
    return FALSE;
  }
  if (v < f->min || v > f->max) {
    *why = g_strdup_printf ("%" G_GUINT64_FORMAT " is out of range %u..%u",
        v, f->min, f->max);
    return FALSE;
  }
  *out = (guint) v;
  return TRUE;
}

static gboolean
parse_fraction (const gchar * text, gint * n, gint * d, gchar ** why)
{
  GValue v = G_VALUE_INIT;
  gboolean ok;

  g_value_init (&v, GST_TYPE_FRACTION);
  ok = gst_value_deserialize (&v, text)
      && gst_value_get_fraction_numerator (&v) > 0
      && gst_value_get_fraction_denominator (&v) > 0;
  if (ok) {
    *n = gst_value_get_fraction_numerator (&v);
    *d = gst_value_get_fraction_denominator (&v);
  } else {
    *why = g_strdup_printf ("'%s' is not a positive frame rate such as 30/1",
        text);
  }
  g_value_unset (&v);
  return ok;
}

/* Stores @text (the value of @f) in @spec, or says why not. */
static gchar *
set_field (GwCameraSpec * spec, const Field * f, const gchar * text,
    const GwSpecPolicy * policy)
{
  gpointer p = G_STRUCT_MEMBER_P (spec, f->offset);
  gchar *why = NULL;

  if (!(f->types & (1u << spec->type)))
    return g_strdup_printf ("does not apply to a %s camera",
        gw_camera_type_to_string (spec->type));
  switch (f->kind) {
    case K_STRING:
      if (*text == '\0')
        return g_strdup ("is empty");
      if (f->check && (why = f->check (spec, text, policy)))
        return why;
      g_free (*(gchar **) p);
      *(gchar **) p = g_strdup (text);
      break;
    case K_UINT:
      parse_uint (text, f, p, &why);
      break;
    case K_FRACTION:
      parse_fraction (text, p, (gint *) p + 1, &why);
      break;
    case K_BOOL:
      if (g_str_equal (text, "true") || g_str_equal (text, "false"))
        *(gboolean *) p = g_str_equal (text, "true");
      else
        why = g_strdup_printf ("'%s' is not true or false", text);
      break;
  }
  return why;
}

/* A JSON value as the text set_field() takes, if its JSON type fits. */
static gchar *
json_to_text (const Field * f, JsonNode * node, gchar ** why)
{
  GType t = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) :
      G_TYPE_INVALID;

  if (f->kind == K_UINT && t == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (f->kind == K_BOOL && t == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  if ((f->kind == K_STRING || f->kind == K_FRACTION) && t == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  *why = g_strdup_printf ("must be %s", f->kind == K_UINT ? "an integer" :
      f->kind == K_BOOL ? "true or false" : "a string");
  return NULL;
}

/* What cannot be seen one key at a time. */
static void
check_whole (GwCameraSpec * spec, gboolean json, GPtrArray * problems)
{
  const gchar *missing = NULL;
  guint i;

  if (spec->type == GW_CAMERA_RTSP || spec->type == GW_CAMERA_HTTP)
    missing = spec->uri ? NULL : "uri";
  if (spec->type == GW_CAMERA_PIPELINE)
    missing = spec->description ? NULL : "description";
  for (i = 0; missing && i < problems->len; i++)
    if (g_str_equal (((GwProblem *) g_ptr_array_index (problems, i))->field,
            missing))
      missing = NULL;           /* present, but wrong: said already */
  if (missing)
    gw_problems_add (problems, missing, "is required for a %s camera",
        gw_camera_type_to_string (spec->type));
  if (spec->retry_initial_delay > spec->retry_max_delay)
    gw_problems_add (problems, json ? "retry.initial-delay" :
        "retry-initial-delay", "%u ms is longer than the maximum delay "
        "(%u ms)", spec->retry_initial_delay, spec->retry_max_delay);
  if (spec->ladder && !gw_camera_type_is_raw (spec))
    gw_problems_add (problems, json ? "ladder.steps" : "ladder",
        "does not apply to an encoded pipeline camera");
  if ((spec->width == 0) != (spec->height == 0))
    gw_problems_add (problems, spec->width ? "height" : "width",
        "width and height go together");
}

/* ------------------------------------------------------------------ */
/* from the configuration file                                         */

/**
 * gw_camera_spec_from_keyfile:
 * @keyfile: the configuration
 * @group: the group, e.g. "camera door"
 * @id: the camera id (what follows "camera ")
 * @policy: what is allowed
 * @problems: (element-type GwProblem): where every problem is added, the
 *   field being the key
 *
 * Reads one camera from its group.
 *
 * Returns: (transfer full) (nullable): the spec, or %NULL when anything
 *   was wrong (then @problems has grown)
 */
GwCameraSpec *
gw_camera_spec_from_keyfile (GKeyFile * keyfile, const gchar * group,
    const gchar * id, const GwSpecPolicy * policy, GPtrArray * problems)
{
  g_autoptr (GwCameraSpec) spec = NULL;
  g_autofree gchar *type = NULL;
  g_auto (GStrv) keys = NULL;
  guint before = problems->len;
  GwCameraType t;
  guint i;

  if (!gw_camera_id_is_valid (id))
    gw_problems_add (problems, "(group)", "camera id '%s' must match "
        "[a-z0-9_-]{1,64}", id);
  type = g_key_file_get_string (keyfile, group, "type", NULL);
  if (type == NULL) {
    gw_problems_add (problems, "type", "is required (test, v4l2, rtsp, "
        "http, pipeline)");
    return NULL;
  }
  if (!gw_camera_type_from_string (type, &t)) {
    gw_problems_add (problems, "type", "'%s' is not one of test, v4l2, "
        "rtsp, http, pipeline", type);
    return NULL;
  }
  spec = gw_camera_spec_new (id, t);
  keys = g_key_file_get_keys (keyfile, group, NULL, NULL);
  for (i = 0; keys && keys[i]; i++) {
    const Field *f = find_field (keys[i], NULL);
    g_autofree gchar *value = NULL;
    g_autofree gchar *why = NULL;

    if (g_str_equal (keys[i], "type"))
      continue;
    if (f == NULL) {
      gw_problems_add (problems, keys[i], "unknown key");
      continue;
    }
    value = g_key_file_get_string (keyfile, group, keys[i], NULL);
    why = set_field (spec, f, value ? value : "", policy);
    if (why)
      gw_problems_add (problems, keys[i], "%s", why);
  }
  check_whole (spec, FALSE, problems);
  return problems->len == before ? g_steal_pointer (&spec) : NULL;
}

/* ------------------------------------------------------------------ */
/* from and to JSON                                                    */

static void
json_member (GwCameraSpec * spec, const gchar * jgroup, const gchar * name,
    JsonNode * node, const GwSpecPolicy * policy, GPtrArray * problems)
{
  const Field *f = find_field (name, jgroup);
  g_autofree gchar *path = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *why = NULL;

  path = jgroup ? g_strdup_printf ("%s.%s", jgroup, name) : g_strdup (name);
  if (f == NULL || (jgroup == NULL && f->jgroup != NULL)) {
    gw_problems_add (problems, path, "unknown field");
    return;
  }
  text = json_to_text (f, node, &why);
  if (text)
    why = set_field (spec, f, text, policy);
  if (why)
    gw_problems_add (problems, path, "%s", why);
}

static void
json_members (GwCameraSpec * spec, JsonObject * object,
    const GwSpecPolicy * policy, GPtrArray * problems)
{
  static const gchar *const groups[] =
      { "retry", "snapshot", "ladder", "record",
    NULL
  };
  g_autoptr (GList) names = json_object_get_members (object);
  GList *l;

  for (l = names; l; l = l->next) {
    const gchar *name = l->data;
    JsonNode *node = json_object_get_member (object, name);

    if (g_str_equal (name, "id") || g_str_equal (name, "type"))
      continue;
    if (g_strv_contains (groups, name)) {
      g_autoptr (GList) inner = NULL;
      GList *m;

      if (!JSON_NODE_HOLDS_OBJECT (node)) {
        gw_problems_add (problems, name, "must be an object");
        continue;
      }
      inner = json_object_get_members (json_node_get_object (node));
      for (m = inner; m; m = m->next)
        json_member (spec, name, m->data,
            json_object_get_member (json_node_get_object (node), m->data),
            policy, problems);
      continue;
    }
    json_member (spec, NULL, name, node, policy, problems);
  }
}

/**
 * gw_camera_spec_from_json:
 * @object: a JSON object (the REST body)
 * @id: (nullable): the id from the request path, or %NULL to take `id`
 *   from @object
 * @policy: what is allowed
 * @error: (out) (optional): a VALIDATION_ERROR listing every bad field in
 *   its details (`fields`)
 *
 * Reads one camera from JSON. When @id is given, an `id` member of
 * @object must be equal to it.
 *
 * Returns: (transfer full) (nullable): the spec, or %NULL with @error set
 */
GwCameraSpec *
gw_camera_spec_from_json (JsonObject * object, const gchar * id,
    const GwSpecPolicy * policy, CgError ** error)
{
  g_autoptr (GPtrArray) problems = gw_problems_new ();
  g_autoptr (GwCameraSpec) spec = NULL;
  JsonNode *idn = json_object_get_member (object, "id");
  JsonNode *tn = json_object_get_member (object, "type");
  const gchar *body_id = NULL, *type = NULL;
  GwCameraType t = GW_CAMERA_TEST;

  if (idn && JSON_NODE_HOLDS_VALUE (idn)
      && json_node_get_value_type (idn) == G_TYPE_STRING)
    body_id = json_node_get_string (idn);
  else if (idn)
    gw_problems_add (problems, "id", "must be a string");
  if (id && body_id && !g_str_equal (id, body_id))
    gw_problems_add (problems, "id", "'%s' differs from the id in the path",
        body_id);
  if (id == NULL)
    id = body_id;
  if (!gw_camera_id_is_valid (id))
    gw_problems_add (problems, "id", id ? "must match [a-z0-9_-]{1,64}" :
        "is required");
  if (tn && JSON_NODE_HOLDS_VALUE (tn)
      && json_node_get_value_type (tn) == G_TYPE_STRING)
    type = json_node_get_string (tn);
  if (gw_camera_type_from_string (type, &t)) {
    spec = gw_camera_spec_new (id, t);
    json_members (spec, object, policy, problems);
    check_whole (spec, TRUE, problems);
  } else {
    /* the other fields cannot be judged without a type */
    gw_problems_add (problems, "type", "is required, one of test, v4l2, "
        "rtsp, http, pipeline");
  }
  if (problems->len > 0) {
    if (error)
      *error = gw_problems_to_error (problems, NULL);
    return NULL;
  }
  return g_steal_pointer (&spec);
}

static void
write_field_value (CgJsonWriter * w, const GwCameraSpec * spec,
    const Field * f, gboolean stored_form)
{
  gconstpointer p = G_STRUCT_MEMBER_P ((gpointer) spec, f->offset);
  const gchar *s;

  switch (f->kind) {
    case K_STRING:
      s = *(gchar * const *) p;
      if (stored_form) {
        cg_json_writer_string (w, s);
      } else {
        g_autofree gchar *r = cg_redact (s);

        cg_json_writer_string (w, r);
      }
      break;
    case K_UINT:
      cg_json_writer_int (w, *(const guint *) p);
      break;
    case K_FRACTION:{
      g_autofree gchar *fr = g_strdup_printf ("%d/%d", spec->fps_n,
          spec->fps_d);

      cg_json_writer_string (w, fr);
      break;
    }
    case K_BOOL:
      cg_json_writer_boolean (w, *(const gboolean *) p);
      break;
  }
}

static gboolean
field_is_set (const GwCameraSpec * spec, const Field * f)
{
  gconstpointer p = G_STRUCT_MEMBER_P ((gpointer) spec, f->offset);

  if (!(f->types & (1u << spec->type)))
    return FALSE;
  if (f->jgroup && g_str_equal (f->jgroup, "ladder")
      && !gw_camera_type_is_raw (spec))
    return FALSE;
  switch (f->kind) {
    case K_STRING:
      return *(gchar * const *) p != NULL;
    case K_UINT:
      return f->min > 0 || f->jgroup != NULL || *(const guint *) p != 0;
    case K_FRACTION:
      return spec->fps_n > 0;
    default:
      return TRUE;
  }
}

/**
 * gw_camera_spec_write_members:
 * @spec: a spec
 * @stored_form: %TRUE for the form kept in the data directory
 *   (credentials included), %FALSE for anything shown (credentials
 *   redacted with cg_redact())
 * @w: a writer inside an object
 *
 * Writes the members of gw_camera_spec_write_json()'s object to the
 * object open in @w, so that a caller can add members of its own after
 * them (a camera's description adds its `status`): with the JSON names of
 * the table above, the type's keys at the top, options in `retry`,
 * `snapshot`, (raw cameras) `ladder` and `record`.
 */
void
gw_camera_spec_write_members (const GwCameraSpec * spec,
    gboolean stored_form, CgJsonWriter * w)
{
  static const gchar *const groups[] = { NULL, "retry", "snapshot", "ladder",
    "record"
  };
  guint g, i;

  cg_json_writer_member_string (w, "id", spec->id);
  cg_json_writer_member_string (w, "type",
      gw_camera_type_to_string (spec->type));
  for (g = 0; g < G_N_ELEMENTS (groups); g++) {
    gboolean open = FALSE;

    for (i = 0; i < G_N_ELEMENTS (fields); i++) {
      const Field *f = &fields[i];

      if (g_strcmp0 (f->jgroup, groups[g]) != 0 || !field_is_set (spec, f))
        continue;
      if (groups[g] && !open) {
        cg_json_writer_member (w, groups[g]);
        cg_json_writer_begin_object (w);
        open = TRUE;
      }
      cg_json_writer_member (w, f->jkey);
      write_field_value (w, spec, f, stored_form);
    }
    if (open)
      cg_json_writer_end_object (w);
  }
}

/**
 * gw_camera_spec_write_json:
 * @spec: a spec
 * @stored_form: %TRUE for the form kept in the data directory
 *   (credentials included), %FALSE for anything shown (credentials
 *   redacted with cg_redact())
 * @w: where the object is written, as a value
 *
 * Writes @spec as an object of gw_camera_spec_write_members().
 */
void
gw_camera_spec_write_json (const GwCameraSpec * spec, gboolean stored_form,
    CgJsonWriter * w)
{
  cg_json_writer_begin_object (w);
  gw_camera_spec_write_members (spec, stored_form, w);
  cg_json_writer_end_object (w);
}

/**
 * gw_camera_spec_to_json:
 * @spec: a spec
 * @stored_form: as for gw_camera_spec_write_json()
 *
 * gw_camera_spec_write_json() as a tree: the base a PATCH is merged into.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
gw_camera_spec_to_json (const GwCameraSpec * spec, gboolean stored_form)
{
  CgJsonWriter *w = cg_json_writer_new ();

  gw_camera_spec_write_json (spec, stored_form, w);
  return cg_json_writer_free_to_node (w);
}
