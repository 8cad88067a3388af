/* camguard-gateway - the set of cameras and its persistence
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-registry
 * @title: Camera registry
 * @short_description: the cameras of the configuration and of the API
 *
 * The registry holds one #GwCamera per id. It starts from the cameras of
 * the configuration file and applies what the API changed, kept in
 * `cameras.json` in the data directory:
 *
 * |[
 * { "version": 1,
 *   "cameras": [ { "id": "door", "type": "rtsp", "uri": "rtsp://u:p@…" } ],
 *   "deleted": [ "desk" ] }
 * ]|
 *
 * `cameras` are the cameras created or changed through the API (in their
 * stored form, credentials included: the file is written 0600), `deleted`
 * the configuration's cameras deleted through the API. A camera of the
 * file that the API never touched follows the file.
 *
 * Every change is written before it is applied and acknowledged:
 * g_file_set_contents_full() with %G_FILE_SET_CONTENTS_CONSISTENT and
 * %G_FILE_SET_CONTENTS_DURABLE writes a temporary file next to it, fsyncs
 * it and renames it over `cameras.json`, so the file is always either the
 * old or the new complete document, and a temporary file left by a crash
 * is never read. When the write fails nothing changes and the caller gets
 * the storage code (cg_classify_file_error()).
 *
 * Errors are #CgError values: CAMERA_ALREADY_EXISTS, CAMERA_NOT_FOUND,
 * VALIDATION_ERROR (every bad field), STORAGE_*.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>

#include <gio/gio.h>

#include "gw-registry.h"

struct _GwRegistry
{
  GObject parent;

  gchar *data_dir;
  gchar *path;
  GwSpecPolicy policy;
  gboolean autostart;
  GHashTable *cameras;          /* id -> GwCamera */
  GHashTable *api_specs;        /* id -> GwCameraSpec changed by the API */
  GHashTable *config_ids;       /* ids of the configuration's cameras */
  GHashTable *deleted;          /* configuration ids deleted by the API */
};

G_DEFINE_TYPE (GwRegistry, gw_registry, G_TYPE_OBJECT);

enum
{
  SIGNAL_CAMERA_ADDED,
  SIGNAL_CAMERA_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static CgError *
not_found (const gchar * id)
{
  CgError *e = cg_error_new (CG_CODE_CAMERA_NOT_FOUND, NULL);

  gst_structure_set (cg_error_get_details_writable (e), "camera", G_TYPE_STRING,
      id, NULL);
  return e;
}

/* ------------------------------------------------------------------ */
/* the file                                                            */

static gint
compare_ids (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar * const *) a, *(const gchar * const *) b);
}

static GPtrArray *
sorted_keys (GHashTable * table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_ids);
  return keys;
}

/* The document for @api and @deleted (the tables as they would be),
 * pretty: people read it. */
static gchar *
render (GHashTable * api, GHashTable * deleted)
{
  CgJsonWriter *w = cg_json_writer_new_pretty ();
  g_autoptr (GPtrArray) ids = sorted_keys (api);
  g_autoptr (GPtrArray) gone = sorted_keys (deleted);
  guint i;

  cg_json_writer_begin_object (w);
  cg_json_writer_member_int (w, "version", 1);
  cg_json_writer_member (w, "cameras");
  cg_json_writer_begin_array (w);
  for (i = 0; i < ids->len; i++)
    gw_camera_spec_write_json (g_hash_table_lookup (api,
            g_ptr_array_index (ids, i)), TRUE, w);
  cg_json_writer_end_array (w);
  cg_json_writer_member (w, "deleted");
  cg_json_writer_begin_array (w);
  for (i = 0; i < gone->len; i++)
    cg_json_writer_string (w, g_ptr_array_index (gone, i));
  cg_json_writer_end_array (w);
  cg_json_writer_end_object (w);
  return cg_json_writer_free_to_string (w, NULL);
}

static gboolean
persist (GwRegistry * self, GHashTable * api, GHashTable * deleted,
    CgError ** error)
{
  g_autofree gchar *data = render (api, deleted);
  g_autoptr (GError) err = NULL;

  if (g_mkdir_with_parents (self->data_dir, 0700) == 0
      && g_file_set_contents_full (self->path, data, -1,
          G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600,
          &err))
    return TRUE;
  if (err == NULL)
    err = g_error_new (G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot create %s: %s", self->data_dir, g_strerror (errno));
  if (error) {
    *error = cg_error_new (cg_classify_file_error (err), err->message);
    gst_structure_set (cg_error_get_details_writable (*error), "file",
        G_TYPE_STRING, self->path, NULL);
  }
  return FALSE;
}

/* Persists the API tables with @spec set (or @id deleted when @spec is
 * NULL); on success the tables are updated. */
static gboolean
commit (GwRegistry * self, const gchar * id, const GwCameraSpec * spec,
    CgError ** error)
{
  g_autoptr (GHashTable) api = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) deleted = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean del_config = spec == NULL
      && g_hash_table_contains (self->config_ids, id);
  GHashTableIter it;
  gpointer k, v;

  g_hash_table_iter_init (&it, self->api_specs);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (!g_str_equal (k, id))
      g_hash_table_insert (api, k, v);
  if (spec)
    g_hash_table_insert (api, (gpointer) id, (gpointer) spec);
  g_hash_table_iter_init (&it, self->deleted);
  while (g_hash_table_iter_next (&it, &k, NULL))
    if (!g_str_equal (k, id))
      g_hash_table_add (deleted, k);
  if (del_config)
    g_hash_table_add (deleted, (gpointer) id);
  if (!persist (self, api, deleted, error))
    return FALSE;
  if (spec)
    g_hash_table_replace (self->api_specs, g_strdup (id),
        gw_camera_spec_copy (spec));
  else
    g_hash_table_remove (self->api_specs, id);
  if (del_config)
    g_hash_table_add (self->deleted, g_strdup (id));
  else
    g_hash_table_remove (self->deleted, id);
  return TRUE;
}

static gboolean
load_fail (GError ** error, const gchar * path, const gchar * what)
{
  g_autofree gchar *name = g_filename_display_name (path);
  g_autofree gchar *r = cg_redact (what);

  g_set_error (error, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR, "%s: %s",
      name, r);
  return FALSE;
}

/* "cameras[@i]: " and the details of @e (the bad fields) */
static gchar *
details_text (const CgError * e, guint i)
{
  CgJsonWriter *w = cg_json_writer_new ();
  g_autofree gchar *json = NULL;

  cg_error_write_details (e, w);
  json = cg_json_writer_free_to_string (w, NULL);
  return g_strdup_printf ("cameras[%u]: %s", i, json);
}

static gboolean
load_cameras (GwRegistry * self, JsonArray * cameras, GError ** error)
{
  guint i;

  for (i = 0; i < json_array_get_length (cameras); i++) {
    JsonNode *n = json_array_get_element (cameras, i);
    g_autoptr (CgError) e = NULL;
    g_autofree gchar *text = NULL;
    GwCameraSpec *spec;

    if (!JSON_NODE_HOLDS_OBJECT (n))
      return load_fail (error, self->path, "cameras: not an object");
    spec = gw_camera_spec_from_json (json_node_get_object (n), NULL,
        &self->policy, &e);
    if (spec == NULL) {
      text = details_text (e, i);
      return load_fail (error, self->path, text);
    }
    g_hash_table_replace (self->api_specs, g_strdup (spec->id), spec);
  }
  return TRUE;
}

static gboolean
array_member (JsonObject * object, const gchar * name)
{
  JsonNode *n = json_object_get_member (object, name);

  return n && JSON_NODE_HOLDS_ARRAY (n);
}

static gboolean
load_file (GwRegistry * self, GError ** error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) err = NULL;
  JsonObject *root;
  JsonArray *deleted;
  guint i;

  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!json_parser_load_from_file (parser, self->path, &err))
    return load_fail (error, self->path, err->message);
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return load_fail (error, self->path, "not a JSON object");
  root = json_node_get_object (json_parser_get_root (parser));
  if (!array_member (root, "cameras") || !array_member (root, "deleted"))
    return load_fail (error, self->path, "cameras and deleted must be "
        "arrays");
  if (!load_cameras (self, json_object_get_array_member (root, "cameras"),
          error))
    return FALSE;
  deleted = json_object_get_array_member (root, "deleted");
  for (i = 0; deleted && i < json_array_get_length (deleted); i++) {
    const gchar *id = json_array_get_string_element (deleted, i);

    if (id)
      g_hash_table_add (self->deleted, g_strdup (id));
  }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* cameras                                                             */

static GwCamera *
add_camera (GwRegistry * self, const GwCameraSpec * spec)
{
  GwCamera *camera = gw_camera_new (spec);

  g_hash_table_replace (self->cameras, g_strdup (spec->id), camera);
  g_signal_emit (self, signals[SIGNAL_CAMERA_ADDED], 0, camera);
  if (self->autostart)
    gw_camera_start (camera, NULL);
  return camera;
}

static void
remove_camera (GwRegistry * self, const gchar * id)
{
  g_autoptr (GwCamera) camera = g_hash_table_lookup (self->cameras, id);

  if (camera == NULL)
    return;
  g_object_ref (camera);
  g_hash_table_remove (self->cameras, id);
  gw_camera_stop (camera);
  g_signal_emit (self, signals[SIGNAL_CAMERA_REMOVED], 0, camera);
}

/**
 * gw_registry_load:
 * @registry: an empty registry
 * @config_specs: (element-type GwCameraSpec): the configuration's cameras
 * @error: return location for a VALIDATION_ERROR naming the file when
 *   `cameras.json` is not valid
 *
 * Loads the cameras: those of @config_specs, minus the deleted ones, with
 * the API's versions winning. With autostart, each camera is started (a
 * camera that cannot start shows as failed; the others run).
 *
 * Returns: %TRUE when the data directory could be read
 */
gboolean
gw_registry_load (GwRegistry * registry, GPtrArray * config_specs,
    GError ** error)
{
  g_autoptr (GPtrArray) ids = NULL;
  guint i;

  if (!load_file (registry, error))
    return FALSE;
  for (i = 0; config_specs && i < config_specs->len; i++) {
    GwCameraSpec *spec = g_ptr_array_index (config_specs, i);

    g_hash_table_add (registry->config_ids, g_strdup (spec->id));
    if (!g_hash_table_contains (registry->deleted, spec->id)
        && !g_hash_table_contains (registry->api_specs, spec->id))
      add_camera (registry, spec);
  }
  ids = sorted_keys (registry->api_specs);
  for (i = 0; i < ids->len; i++)
    add_camera (registry, g_hash_table_lookup (registry->api_specs,
            g_ptr_array_index (ids, i)));
  return TRUE;
}

/**
 * gw_registry_create:
 * @registry: a registry
 * @spec: a checked spec
 * @error: (out) (optional): CAMERA_ALREADY_EXISTS or a storage code
 *
 * Adds a camera, persisted before it is started.
 *
 * Returns: (transfer none) (nullable): the new camera
 */
GwCamera *
gw_registry_create (GwRegistry * registry, const GwCameraSpec * spec,
    CgError ** error)
{
  if (g_hash_table_contains (registry->cameras, spec->id)) {
    if (error) {
      *error = cg_error_new (CG_CODE_CAMERA_ALREADY_EXISTS, NULL);
      gst_structure_set (cg_error_get_details_writable (*error), "camera",
          G_TYPE_STRING, spec->id, NULL);
    }
    return NULL;
  }
  if (!commit (registry, spec->id, spec, error))
    return NULL;
  return add_camera (registry, spec);
}

/**
 * gw_registry_replace:
 * @registry: a registry
 * @spec: the new spec of an existing camera
 * @error: (out) (optional): CAMERA_NOT_FOUND or a storage code
 *
 * Replaces a camera: the old one is stopped, a new one made from @spec
 * (and started with autostart).
 *
 * Returns: (transfer none) (nullable): the new camera
 */
GwCamera *
gw_registry_replace (GwRegistry * registry, const GwCameraSpec * spec,
    CgError ** error)
{
  if (!g_hash_table_contains (registry->cameras, spec->id)) {
    if (error)
      *error = not_found (spec->id);
    return NULL;
  }
  if (!commit (registry, spec->id, spec, error))
    return NULL;
  remove_camera (registry, spec->id);
  return add_camera (registry, spec);
}

/* @base with the members of @patch; objects one level deep are merged. */
static void
merge (JsonObject * base, JsonObject * patch)
{
  g_autoptr (GList) names = json_object_get_members (patch);
  GList *l;

  for (l = names; l; l = l->next) {
    JsonNode *p = json_object_get_member (patch, l->data);
    JsonNode *b = json_object_get_member (base, l->data);

    if (JSON_NODE_HOLDS_OBJECT (p) && b && JSON_NODE_HOLDS_OBJECT (b))
      merge (json_node_get_object (b), json_node_get_object (p));
    else if (JSON_NODE_HOLDS_NULL (p))
      json_object_remove_member (base, l->data);
    else
      json_object_set_member (base, l->data, json_node_copy (p));
  }
}

/**
 * gw_registry_patch:
 * @registry: a registry
 * @id: a camera id
 * @patch: the members to change (JSON merge patch: null removes a member,
 *   back to its default; `retry`, `snapshot` and `ladder` are merged)
 * @error: (out) (optional): CAMERA_NOT_FOUND, VALIDATION_ERROR (every bad
 *   field of the result) or a storage code
 *
 * Returns: (transfer none) (nullable): the new camera
 */
GwCamera *
gw_registry_patch (GwRegistry * registry, const gchar * id,
    JsonObject * patch, CgError ** error)
{
  GwCamera *camera = gw_registry_lookup (registry, id);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GwCameraSpec) spec = NULL;

  if (camera == NULL) {
    if (error)
      *error = not_found (id);
    return NULL;
  }
  node = gw_camera_spec_to_json (gw_camera_get_spec (camera), TRUE);
  merge (json_node_get_object (node), patch);
  spec = gw_camera_spec_from_json (json_node_get_object (node), id,
      &registry->policy, error);
  if (spec == NULL)
    return NULL;
  return gw_registry_replace (registry, spec, error);
}

/**
 * gw_registry_delete:
 * @registry: a registry
 * @id: a camera id
 * @error: (out) (optional): CAMERA_NOT_FOUND or a storage code
 *
 * Stops and removes a camera, persisted first.
 *
 * Returns: whether the camera was deleted
 */
gboolean
gw_registry_delete (GwRegistry * registry, const gchar * id, CgError ** error)
{
  if (!g_hash_table_contains (registry->cameras, id)) {
    if (error)
      *error = not_found (id);
    return FALSE;
  }
  if (!commit (registry, id, NULL, error))
    return FALSE;
  remove_camera (registry, id);
  return TRUE;
}

/**
 * gw_registry_lookup:
 * @registry: a registry
 * @id: a camera id
 *
 * Returns: (transfer none) (nullable): the camera, or %NULL
 */
GwCamera *
gw_registry_lookup (GwRegistry * registry, const gchar * id)
{
  return id ? g_hash_table_lookup (registry->cameras, id) : NULL;
}

/**
 * gw_registry_list:
 * @registry: a registry
 *
 * Returns: (transfer container) (element-type GwCamera): the cameras,
 *   sorted by id
 */
GPtrArray *
gw_registry_list (GwRegistry * registry)
{
  g_autoptr (GPtrArray) ids = sorted_keys (registry->cameras);
  GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);
  guint i;

  for (i = 0; i < ids->len; i++)
    g_ptr_array_add (list, g_object_ref (g_hash_table_lookup
            (registry->cameras, g_ptr_array_index (ids, i))));
  return list;
}

/**
 * gw_registry_get_policy:
 * @registry: a registry
 *
 * Returns: (transfer none): what specs are checked against
 */
const GwSpecPolicy *
gw_registry_get_policy (GwRegistry * registry)
{
  return &registry->policy;
}

/**
 * gw_registry_start_all:
 * @registry: a registry
 *
 * Starts every camera that is stopped or failed; one that cannot start
 * does not keep the others from starting.
 */
void
gw_registry_start_all (GwRegistry * registry)
{
  g_autoptr (GPtrArray) list = gw_registry_list (registry);
  guint i;

  for (i = 0; i < list->len; i++) {
    GwCamera *c = g_ptr_array_index (list, i);

    if (gw_camera_get_state (c) == GW_CAMERA_STATE_STOPPED
        || gw_camera_get_state (c) == GW_CAMERA_STATE_FAILED)
      gw_camera_start (c, NULL);
  }
}

/**
 * gw_registry_stop_all:
 * @registry: a registry
 *
 * Stops every camera (each bounded by %GW_CAMERA_STOP_TIMEOUT_MS).
 *
 * Returns: whether every pipeline reached NULL in time
 */
gboolean
gw_registry_stop_all (GwRegistry * registry)
{
  g_autoptr (GPtrArray) list = gw_registry_list (registry);
  gboolean all = TRUE;
  guint i;

  for (i = 0; i < list->len; i++)
    all &= gw_camera_stop (g_ptr_array_index (list, i));
  return all;
}

/**
 * gw_registry_new:
 * @data_dir: the data directory (`cameras.json` lives there)
 * @policy: what specs are checked against
 * @autostart: start cameras as they are added
 *
 * Returns: (transfer full): an empty registry; see gw_registry_load()
 */
GwRegistry *
gw_registry_new (const gchar * data_dir, const GwSpecPolicy * policy,
    gboolean autostart)
{
  GwRegistry *self = g_object_new (GW_TYPE_REGISTRY, NULL);

  self->data_dir = g_strdup (data_dir);
  self->path = g_build_filename (data_dir, GW_REGISTRY_FILE, NULL);
  self->policy = *policy;
  self->autostart = autostart;
  return self;
}

static void
gw_registry_dispose (GObject * object)
{
  GwRegistry *self = GW_REGISTRY (object);

  if (self->cameras) {
    gw_registry_stop_all (self);
    g_clear_pointer (&self->cameras, g_hash_table_unref);
  }
  G_OBJECT_CLASS (gw_registry_parent_class)->dispose (object);
}

static void
gw_registry_finalize (GObject * object)
{
  GwRegistry *self = GW_REGISTRY (object);

  g_hash_table_unref (self->api_specs);
  g_hash_table_unref (self->config_ids);
  g_hash_table_unref (self->deleted);
  g_free (self->data_dir);
  g_free (self->path);
  G_OBJECT_CLASS (gw_registry_parent_class)->finalize (object);
}

static void
gw_registry_class_init (GwRegistryClass * klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);

  oc->dispose = gw_registry_dispose;
  oc->finalize = gw_registry_finalize;

  /**
   * GwRegistry::camera-added:
   * @registry: the registry
   * @camera: the camera, before it is started
   *
   * A camera joined the registry (at load, create or replace): the place
   * to connect to its #GwCamera::event and to add outputs.
   */
  signals[SIGNAL_CAMERA_ADDED] = g_signal_new ("camera-added",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, GW_TYPE_CAMERA);

  /**
   * GwRegistry::camera-removed:
   * @registry: the registry
   * @camera: the camera, already stopped
   *
   * A camera left the registry (delete, or replaced by a new one).
   */
  signals[SIGNAL_CAMERA_REMOVED] = g_signal_new ("camera-removed",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, GW_TYPE_CAMERA);
}

static void
gw_registry_init (GwRegistry * self)
{
  self->cameras = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_object_unref);
  self->api_specs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) gw_camera_spec_free);
  self->config_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  self->deleted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
