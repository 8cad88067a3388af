/* camguard-gateway - the API key store (keys.json)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-key-store
 * @short_description: API keys, hashed at rest, in keys.json
 *
 * The key store keeps API keys in `keys.json` in the data directory, as a
 * SHA-256 hash over a per-key random salt and the key, never the key
 * itself. The keys are 32 random bytes, so one hash is enough: key
 * stretching only helps against guessing low-entropy passwords. It also
 * holds the grants of single actions to named keys (gw_key_store_grant()).
 * Who may call what is decided in gw-auth.c, with gw_keys_lookup().
 *
 * Keys never reach a log line: only their id and name do.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "gw-auth.h"

#define KEY_PREFIX "cgk_"
#define KEY_RANDOM_BYTES 32
#define SALT_BYTES 16
#define ID_BYTES 8
#define KEYS_FILE "keys.json"
#define KEYS_FORMAT_VERSION 1
#define HASH_NAME "sha256"

/* ---------------------------------------------------------------------- */
/* Key store                                                              */
/* ---------------------------------------------------------------------- */

typedef struct
{
  gchar *id;
  gchar *name;
  GwRole role;
  gint64 created;               /* Unix seconds */
  guint8 salt[SALT_BYTES];
  guint8 hash[32];
} KeyEntry;

struct _GwKeyStore
{
  gchar *path;
  GPtrArray *entries;           /* KeyEntry */
  GHashTable *grants;           /* action -> GStrv of key names */
  guint generation;             /* changes whenever entries do */
};

/* A key a connection presented and that matched, kept on the connection
 * (gw_keys_lookup_cached()) while the entries stay the same. */
typedef struct
{
  gchar *key;
  gsize len;
  guint generation;
  GwRole role;
  gchar *name;
} Verified;

#define VERIFIED_KEY "gw-keys-verified"

static void
key_entry_free (gpointer data)
{
  KeyEntry *e = data;

  g_free (e->id);
  g_free (e->name);
  g_free (e);
}

static gboolean
random_bytes (guint8 * buf, gsize len, GError ** error)
{
  gsize got = 0;

  while (got < len) {
    ssize_t n = getrandom (buf + got, len - got, 0);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int e = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
          "getrandom() failed: %s", g_strerror (e));
      return FALSE;
    }
    got += n;
  }
  return TRUE;
}

static void
hash_key (const guint8 * salt, const gchar * key, guint8 out[32])
{
  GChecksum *c = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len = 32;

  g_checksum_update (c, salt, SALT_BYTES);
  g_checksum_update (c, (const guchar *) key, strlen (key));
  g_checksum_get_digest (c, out, &len);
  g_checksum_free (c);
}

/* Constant time in the length: no early exit on the first difference. */
static gboolean
equal_ct (const guint8 * a, const guint8 * b, gsize len)
{
  guint8 diff = 0;
  gsize i;

  for (i = 0; i < len; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

static gchar *
base64url (const guint8 * data, gsize len)
{
  gchar *s = g_base64_encode (data, len);
  gchar *p;

  for (p = s; *p; p++) {
    if (*p == '+')
      *p = '-';
    else if (*p == '/')
      *p = '_';
    else if (*p == '=') {
      *p = '\0';
      break;
    }
  }
  return s;
}

static gboolean
decode_fixed (const gchar * b64, guint8 * out, gsize want)
{
  gsize len = 0;
  g_autofree guchar *raw = NULL;

  if (b64 == NULL)
    return FALSE;
  raw = g_base64_decode (b64, &len);
  if (len != want)
    return FALSE;
  memcpy (out, raw, want);
  return TRUE;
}

static KeyEntry *
entry_from_json (JsonObject * o)
{
  KeyEntry *e = g_new0 (KeyEntry, 1);
  const gchar *role = json_object_get_string_member_with_default (o, "role",
      NULL);
  const gchar *hash = json_object_get_string_member_with_default (o, "hash",
      NULL);

  e->id = g_strdup (json_object_get_string_member_with_default (o, "id", NULL));
  e->name = g_strdup (json_object_get_string_member_with_default (o, "name",
          ""));
  e->created = json_object_get_int_member_with_default (o, "created", 0);
  if (e->id == NULL || !gw_role_from_nick (role, &e->role)
      || e->role == GW_ROLE_ANONYMOUS
      || !decode_fixed (json_object_get_string_member_with_default (o,
              "salt", NULL), e->salt, SALT_BYTES)
      || !decode_fixed (hash, e->hash, sizeof e->hash)
      || g_strcmp0 (json_object_get_string_member_with_default (o,
              "algorithm", NULL), HASH_NAME) != 0) {
    key_entry_free (e);
    return NULL;
  }
  return e;
}

static gboolean
store_load (GwKeyStore * store, GError ** error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *keys;
  guint i;

  if (!g_file_test (store->path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!json_parser_load_from_file (parser, store->path, error))
    return FALSE;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root)
      || !json_object_has_member (json_node_get_object (root), "keys")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object
              (root), "keys"))) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
        "%s: not a camguard key store (no \"keys\" array)", store->path);
    return FALSE;
  }
  keys = json_object_get_array_member (json_node_get_object (root), "keys");
  for (i = 0; i < json_array_get_length (keys); i++) {
    JsonNode *n = json_array_get_element (keys, i);
    KeyEntry *e = JSON_NODE_HOLDS_OBJECT (n) ?
        entry_from_json (json_node_get_object (n)) : NULL;

    if (e == NULL) {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
          "%s: key %u is malformed", store->path, i);
      return FALSE;
    }
    g_ptr_array_add (store->entries, e);
  }
  return TRUE;
}

static void
write_entry (CgJsonWriter * w, const KeyEntry * e)
{
  g_autofree gchar *salt = g_base64_encode (e->salt, SALT_BYTES);
  g_autofree gchar *hash = g_base64_encode (e->hash, sizeof e->hash);

  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "id", e->id);
  cg_json_writer_member_string (w, "name", e->name);
  cg_json_writer_member_string (w, "role", gw_role_to_nick (e->role));
  cg_json_writer_member_int (w, "created", e->created);
  cg_json_writer_member_string (w, "algorithm", HASH_NAME);
  cg_json_writer_member_string (w, "salt", salt);
  cg_json_writer_member_string (w, "hash", hash);
  cg_json_writer_end_object (w);
}

/* Atomic and durable: a temporary file, fsync, rename (GLib does it). */
static gboolean
store_save (GwKeyStore * store, GError ** error)
{
  CgJsonWriter *w = cg_json_writer_new_pretty ();
  g_autofree gchar *text = NULL;
  gsize len;
  guint i;

  cg_json_writer_begin_object (w);
  cg_json_writer_member_int (w, "version", KEYS_FORMAT_VERSION);
  cg_json_writer_member (w, "keys");
  cg_json_writer_begin_array (w);
  for (i = 0; i < store->entries->len; i++)
    write_entry (w, g_ptr_array_index (store->entries, i));
  cg_json_writer_end_array (w);
  cg_json_writer_end_object (w);
  text = cg_json_writer_free_to_string (w, &len);
  return g_file_set_contents_full (store->path, text, len,
      G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600,
      error);
}

/**
 * gw_key_store_new:
 * @data_dir: the gateway's data directory (created, mode 0700, if missing)
 * @error: return location for a #GError
 *
 * Opens the key store `keys.json` in @data_dir, loading the keys it holds.
 * A missing file is an empty store; a malformed one is an error.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set
 */
GwKeyStore *
gw_key_store_new (const gchar * data_dir, GError ** error)
{
  GwKeyStore *store;

  g_return_val_if_fail (data_dir != NULL, NULL);

  if (g_mkdir_with_parents (data_dir, 0700) != 0) {
    int e = errno;

    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
        "cannot create data directory %s: %s", data_dir, g_strerror (e));
    return NULL;
  }
  store = g_new0 (GwKeyStore, 1);
  store->path = g_build_filename (data_dir, KEYS_FILE, NULL);
  store->entries = g_ptr_array_new_with_free_func (key_entry_free);
  store->grants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) g_strfreev);
  if (!store_load (store, error)) {
    gw_key_store_free (store);
    return NULL;
  }
  return store;
}

/**
 * gw_key_store_free:
 * @store: (transfer full) (nullable): a #GwKeyStore
 *
 * Frees @store (the file stays).
 */
void
gw_key_store_free (GwKeyStore * store)
{
  if (store == NULL)
    return;
  g_ptr_array_unref (store->entries);
  g_hash_table_unref (store->grants);
  g_free (store->path);
  g_free (store);
}

/**
 * gw_key_store_grant:
 * @store: a #GwKeyStore
 * @action: one action of the role table, e.g. "metrics.read"
 * @names: (array zero-terminated=1) (nullable): key names
 *
 * Lets the keys called @names call @action whatever their role (replacing
 * an earlier grant of @action; %NULL or empty takes it back). The keys
 * still need to exist and be valid; their role stays what it is for every
 * other action.
 */
void
gw_key_store_grant (GwKeyStore * store, const gchar * action,
    const gchar * const *names)
{
  g_return_if_fail (store != NULL && action != NULL);

  if (names == NULL || names[0] == NULL)
    g_hash_table_remove (store->grants, action);
  else
    g_hash_table_replace (store->grants, g_strdup (action),
        g_strdupv ((gchar **) names));
}

/**
 * gw_key_store_is_granted:
 * @store: a #GwKeyStore
 * @action: an action
 * @name: (nullable): a key's name
 *
 * Returns: whether gw_key_store_grant() let the key called @name call
 *   @action whatever its role
 */
gboolean
gw_key_store_is_granted (GwKeyStore * store, const gchar * action,
    const gchar * name)
{
  const gchar *const *names = g_hash_table_lookup (store->grants, action);

  return names && name && g_strv_contains (names, name);
}

/**
 * gw_key_store_get_path:
 * @store: a #GwKeyStore
 *
 * Returns: the path of the store's `keys.json`
 */
const gchar *
gw_key_store_get_path (GwKeyStore * store)
{
  return store->path;
}

/**
 * gw_key_store_get_n_keys:
 * @store: a #GwKeyStore
 *
 * Returns: how many keys the store holds
 */
guint
gw_key_store_get_n_keys (GwKeyStore * store)
{
  return store->entries->len;
}

/* The read-modify-write of keys.json by --create-key and --revoke-key
 * runs under an exclusive flock() of the data directory (no lock file to
 * leave behind) and starts from the file as it is then, so two of them at
 * the same moment both land (a crashed holder's lock goes with its
 * process). Returns the lock's fd, or -1 with @error set. */
static gint
store_begin_change (GwKeyStore * store, GError ** error)
{
  g_autofree gchar *path = g_path_get_dirname (store->path);
  gint fd = g_open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0 || flock (fd, LOCK_EX) != 0) {
    gint e = errno;

    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
        "%s: %s", path, g_strerror (e));
    if (fd >= 0)
      close (fd);
    return -1;
  }
  if (!gw_key_store_reload (store, NULL, NULL, error)) {
    close (fd);
    return -1;
  }
  return fd;
}

/**
 * gw_keys_create:
 * @store: a #GwKeyStore
 * @role: the key's role (viewer, operator or admin)
 * @name: (nullable): a name for people and logs (default: the key id)
 * @key_out: (out) (transfer full): the new key, `cgk_` and 43 base64url
 *   characters; the only time it exists in clear
 * @error: return location for a #GError
 *
 * Creates an API key, stores its salted hash and rewrites `keys.json`
 * atomically (mode 0600). What `camguard-gateway --create-key` calls.
 *
 * Returns: %TRUE on success; on failure the store is unchanged
 */
gboolean
gw_keys_create (GwKeyStore * store, GwRole role, const gchar * name,
    gchar ** key_out, GError ** error)
{
  guint8 secret[KEY_RANDOM_BYTES], id[ID_BYTES];
  g_autofree gchar *key = NULL;
  g_autofree gchar *b64 = NULL;
  KeyEntry *e;
  gboolean saved;
  gint lock;

  g_return_val_if_fail (store != NULL && key_out != NULL, FALSE);

  if (role < GW_ROLE_VIEWER || role > GW_ROLE_ADMIN) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
        "an API key needs the role viewer, operator or admin");
    return FALSE;
  }
  if (!random_bytes (secret, sizeof secret, error)
      || !random_bytes (id, sizeof id, error))
    return FALSE;
  b64 = base64url (secret, sizeof secret);
  key = g_strconcat (KEY_PREFIX, b64, NULL);
  memset (secret, 0, sizeof secret);

  e = g_new0 (KeyEntry, 1);
  e->id = g_strdup_printf ("%02x%02x%02x%02x%02x%02x%02x%02x", id[0], id[1],
      id[2], id[3], id[4], id[5], id[6], id[7]);
  e->name = g_strdup (name && *name ? name : e->id);
  e->role = role;
  e->created = g_get_real_time () / G_USEC_PER_SEC;
  if (!random_bytes (e->salt, SALT_BYTES, error)) {
    key_entry_free (e);
    return FALSE;
  }
  hash_key (e->salt, key, e->hash);
  lock = store_begin_change (store, error);
  if (lock < 0) {
    key_entry_free (e);
    return FALSE;
  }
  g_ptr_array_add (store->entries, e);
  store->generation++;
  saved = store_save (store, error);
  close (lock);
  if (!saved) {
    g_ptr_array_remove_index (store->entries, store->entries->len - 1);
    return FALSE;
  }
  g_info ("created API key id=%s name=%s role=%s", e->id, e->name,
      gw_role_to_nick (role));
  *key_out = g_steal_pointer (&key);
  return TRUE;
}

/**
 * gw_keys_lookup:
 * @store: a #GwKeyStore
 * @key: the key a caller presented
 * @role_out: (out) (optional): the key's role
 * @name_out: (out) (optional) (transfer full): the key's name (for logs)
 * @error: (out) (optional) (transfer full): %CG_CODE_INVALID_API_KEY when
 *   no stored key matches
 *
 * Looks @key up. Every stored key is hashed and compared in constant time,
 * with no early exit, so the time taken says nothing about which key (if
 * any) matched or how much of it.
 *
 * Returns: %TRUE if @key is a stored key
 */
gboolean
gw_keys_lookup (GwKeyStore * store, const gchar * key, GwRole * role_out,
    gchar ** name_out, CgError ** error)
{
  const KeyEntry *found = NULL;
  guint8 h[32];
  guint i;

  g_return_val_if_fail (store != NULL, FALSE);

  for (i = 0; key != NULL && i < store->entries->len; i++) {
    const KeyEntry *e = g_ptr_array_index (store->entries, i);

    hash_key (e->salt, key, h);
    if (equal_ct (h, e->hash, sizeof h) && found == NULL)
      found = e;
  }
  if (found == NULL) {
    if (error)
      *error = cg_error_new (CG_CODE_INVALID_API_KEY, NULL);
    return FALSE;
  }
  if (role_out)
    *role_out = found->role;
  if (name_out)
    *name_out = g_strdup (found->name);
  return TRUE;
}

static void
verified_free (gpointer data)
{
  Verified *v = data;

  if (v == NULL)
    return;
  memset (v->key, 0, v->len);
  g_free (v->key);
  g_free (v->name);
  g_free (v);
}

/**
 * gw_keys_lookup_cached:
 * @store: a #GwKeyStore
 * @key: the key a caller presented
 * @anchor: (nullable): what the caller's requests come through (an HTTP
 *   connection's #GSocket), or %NULL
 * @role_out: (out) (optional): the key's role
 * @name_out: (out) (optional) (transfer full): the key's name (for logs)
 * @error: (out) (optional) (transfer full): %CG_CODE_INVALID_API_KEY when
 *   no stored key matches
 *
 * gw_keys_lookup(), remembering on @anchor the last key that matched
 * there: the next request on the same keep-alive connection with the same
 * key (compared in constant time) skips the hashing, as long as the
 * stored keys have not changed since (a reload, create or revoke forgets
 * every remembered key). The key stays in memory only as long as its
 * connection, and is wiped when it goes.
 *
 * Returns: %TRUE if @key is a stored key
 */
gboolean
gw_keys_lookup_cached (GwKeyStore * store, const gchar * key,
    GObject * anchor, GwRole * role_out, gchar ** name_out, CgError ** error)
{
  Verified *v = anchor ? g_object_get_data (anchor, VERIFIED_KEY) : NULL;
  gsize len = key ? strlen (key) : 0;
  GwRole role;
  gchar *name = NULL;

  if (v && key && v->generation == store->generation && v->len == len
      && equal_ct ((const guint8 *) v->key, (const guint8 *) key, len)) {
    if (role_out)
      *role_out = v->role;
    if (name_out)
      *name_out = g_strdup (v->name);
    return TRUE;
  }
  if (!gw_keys_lookup (store, key, &role, &name, error))
    return FALSE;
  if (anchor) {
    v = g_new0 (Verified, 1);
    v->key = g_strndup (key, len);
    v->len = len;
    v->generation = store->generation;
    v->role = role;
    v->name = g_strdup (name);
    g_object_set_data_full (anchor, VERIFIED_KEY, v, verified_free);
  }
  if (role_out)
    *role_out = role;
  if (name_out)
    *name_out = name;
  else
    g_free (name);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Reload and revoke                                                      */
/* ---------------------------------------------------------------------- */

/* The entries of @path, or NULL with @error set (the store unchanged). */
static GPtrArray *
store_read (const gchar * path, GError ** error)
{
  GwKeyStore tmp = { (gchar *) path, NULL };

  tmp.entries = g_ptr_array_new_with_free_func (key_entry_free);
  if (!store_load (&tmp, error)) {
    g_ptr_array_unref (tmp.entries);
    return NULL;
  }
  return tmp.entries;
}

static gboolean
has_entry (GPtrArray * entries, const KeyEntry * e)
{
  guint i;

  for (i = 0; i < entries->len; i++) {
    const KeyEntry *o = g_ptr_array_index (entries, i);

    if (g_str_equal (o->id, e->id) && o->role == e->role
        && memcmp (o->hash, e->hash, sizeof e->hash) == 0)
      return TRUE;
  }
  return FALSE;
}

/* Entries of @a that are not in @b */
static guint
count_missing (GPtrArray * a, GPtrArray * b)
{
  guint i, n = 0;

  for (i = 0; i < a->len; i++)
    n += !has_entry (b, g_ptr_array_index (a, i));
  return n;
}

/**
 * gw_key_store_reload:
 * @store: a #GwKeyStore
 * @added: (out) (optional): how many keys the file has that the store had
 *   not
 * @removed: (out) (optional): how many keys the store had that the file
 *   no longer has (revoked)
 * @error: return location for a #GError
 *
 * Reads `keys.json` again (a missing file is a store without keys, as at
 * start). A file that cannot be read or parsed, or holds a malformed key,
 * leaves the store as it was: the keys in force stay in force.
 *
 * Returns: %TRUE when the store now holds the file's keys
 */
gboolean
gw_key_store_reload (GwKeyStore * store, guint * added, guint * removed,
    GError ** error)
{
  GPtrArray *fresh;

  g_return_val_if_fail (store != NULL, FALSE);

  fresh = store_read (store->path, error);
  if (fresh == NULL)
    return FALSE;
  if (added)
    *added = count_missing (fresh, store->entries);
  if (removed)
    *removed = count_missing (store->entries, fresh);
  g_ptr_array_unref (store->entries);
  store->entries = fresh;
  store->generation++;
  return TRUE;
}

/**
 * gw_keys_revoke:
 * @store: a #GwKeyStore
 * @name_or_id: a key's name (every key of that name goes) or its id
 * @revoked: (out) (optional) (transfer full) (element-type utf8): one line
 *   per key revoked, "ID NAME ROLE"
 * @error: return location for a #GError (%G_FILE_ERROR_NOENT when no key
 *   has that name or id)
 *
 * Removes keys and rewrites `keys.json` atomically (what
 * `camguard-gateway --revoke-key` calls). A running gateway reloads the
 * file and refuses them from then on.
 *
 * Returns: %TRUE on success; on failure the store is unchanged
 */
gboolean
gw_keys_revoke (GwKeyStore * store, const gchar * name_or_id,
    GPtrArray ** revoked, GError ** error)
{
  g_autoptr (GPtrArray) gone = g_ptr_array_new_with_free_func (key_entry_free);
  GPtrArray *lines;
  gboolean saved;
  gint lock;
  guint i;

  g_return_val_if_fail (store != NULL && name_or_id != NULL, FALSE);

  lock = store_begin_change (store, error);
  if (lock < 0)
    return FALSE;
  for (i = store->entries->len; i-- > 0;) {
    KeyEntry *e = g_ptr_array_index (store->entries, i);

    if (g_str_equal (e->id, name_or_id) || g_str_equal (e->name, name_or_id))
      g_ptr_array_add (gone, g_ptr_array_steal_index (store->entries, i));
  }
  store->generation++;
  saved = gone->len > 0 && store_save (store, error);
  close (lock);
  if (gone->len == 0) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
        "%s: no API key named '%s' or with that id", store->path, name_or_id);
    return FALSE;
  }
  if (!saved) {
    while (gone->len > 0)       /* back in the store, which stays as it was */
      g_ptr_array_add (store->entries, g_ptr_array_steal_index (gone,
              gone->len - 1));
    return FALSE;
  }
  lines = g_ptr_array_new_with_free_func (g_free);
  for (i = gone->len; i-- > 0;) {
    const KeyEntry *e = g_ptr_array_index (gone, i);

    g_ptr_array_add (lines, g_strdup_printf ("%s %s %s", e->id, e->name,
            gw_role_to_nick (e->role)));
    g_info ("revoked API key id=%s name=%s", e->id, e->name);
  }
  if (revoked)
    *revoked = lines;
  else
    g_ptr_array_unref (lines);
  return TRUE;
}
