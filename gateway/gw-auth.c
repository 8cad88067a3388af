/* camguard-gateway - API keys and the one role table
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-auth
 * @short_description: API keys (hashed at rest) and the one role table
 *
 * Who may call what is decided here and only here (the key store itself,
 * keys.json and its hashes, is gw-key-store.c):
 *
 * - the role table maps actions ("cameras.read", "cameras.control", ...)
 *   and JSON-RPC method names to the minimum #GwRole; an action the table
 *   does not know needs %GW_ROLE_ADMIN (deny by default);
 * - the key store keeps API keys in `keys.json` in the data directory, as a
 *   SHA-256 hash over a per-key random salt and the key, never the key
 *   itself. The keys are 32 random bytes, so one hash is enough: key
 *   stretching only helps against guessing low-entropy passwords;
 * - gw_key_store_grant() lets named keys call one action above their role
 *   (the configured `metrics-keys` may read /metrics: a Prometheus scrape
 *   key need not be admin); nothing else bypasses the table;
 * - gw_auth_authorize() turns the credentials of one request into a role
 *   or a catalogue error (%CG_CODE_AUTHENTICATION_REQUIRED,
 *   %CG_CODE_INVALID_API_KEY, %CG_CODE_INSUFFICIENT_PERMISSIONS).
 *
 * Keys never reach a log line: only their id and name do.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <json-glib/json-glib.h>

#include "gw-auth.h"


/* ---------------------------------------------------------------------- */
/* Roles                                                                  */
/* ---------------------------------------------------------------------- */

G_DEFINE_ENUM_TYPE (GwRole, gw_role,
    G_DEFINE_ENUM_VALUE (GW_ROLE_ANONYMOUS, "anonymous"),
    G_DEFINE_ENUM_VALUE (GW_ROLE_VIEWER, "viewer"),
    G_DEFINE_ENUM_VALUE (GW_ROLE_OPERATOR, "operator"),
    G_DEFINE_ENUM_VALUE (GW_ROLE_ADMIN, "admin"));

/**
 * gw_role_to_nick:
 * @role: a #GwRole
 *
 * Returns: the role's nick ("viewer", "operator", "admin", "anonymous"),
 *   or %NULL for a value that is no role
 */
const gchar *
gw_role_to_nick (GwRole role)
{
  GEnumClass *klass = g_type_class_ref (GW_TYPE_ROLE);
  GEnumValue *v = g_enum_get_value (klass, role);

  g_type_class_unref (klass);
  return v ? v->value_nick : NULL;
}

/**
 * gw_role_from_nick:
 * @nick: a role nick
 * @role: (out): where to store the role
 *
 * Returns: %TRUE if @nick names a role
 */
gboolean
gw_role_from_nick (const gchar * nick, GwRole * role)
{
  GEnumClass *klass;
  GEnumValue *v;

  if (nick == NULL)
    return FALSE;
  klass = g_type_class_ref (GW_TYPE_ROLE);
  v = g_enum_get_value_by_nick (klass, nick);
  if (v && role)
    *role = v->value;
  g_type_class_unref (klass);
  return v != NULL;
}

/* ---------------------------------------------------------------------- */
/* The role table                                                         */
/* ---------------------------------------------------------------------- */

typedef struct
{
  const gchar *action;
  GwRole role;
} ActionRole;

/* The ONE table of actions. Every REST route names one of these. */
static const ActionRole action_table[] = {
  {"health.read", GW_ROLE_ANONYMOUS},
  {"dashboard.read", GW_ROLE_ANONYMOUS},
  {"session.authenticate", GW_ROLE_ANONYMOUS},
  {"cameras.read", GW_ROLE_VIEWER},
  {"snapshots.read", GW_ROLE_VIEWER},
  {"live.watch", GW_ROLE_VIEWER},
  {"events.read", GW_ROLE_VIEWER},
  {"errors.read", GW_ROLE_VIEWER},
  {"quality.read", GW_ROLE_VIEWER},
  {"openapi.read", GW_ROLE_VIEWER},
  {"session.read", GW_ROLE_VIEWER},
  {"recordings.read", GW_ROLE_VIEWER},
  {"cameras.control", GW_ROLE_OPERATOR},
  {"quality.write", GW_ROLE_OPERATOR},
  {"recordings.write", GW_ROLE_OPERATOR},
  {"cameras.write", GW_ROLE_ADMIN},
  {"pipelines.write", GW_ROLE_ADMIN},
  {"metrics.read", GW_ROLE_ADMIN},
  {"keys.write", GW_ROLE_ADMIN},
};

typedef struct
{
  const gchar *method;
  const gchar *action;
} MethodAction;

/* JSON-RPC methods, each mapped to one action of the table above. */
static const MethodAction method_table[] = {
  {"authenticate", "session.authenticate"},
  {"get_camera_list", "cameras.read"},
  {"get_camera_status", "cameras.read"},
  {"take_snapshot", "snapshots.read"},
  {"subscribe", "events.read"},
  {"unsubscribe", "events.read"},
  {"start_camera", "cameras.control"},
  {"stop_camera", "cameras.control"},
  {"restart_camera", "cameras.control"},
  {"set_quality", "quality.write"},
  {"start_recording", "recordings.write"},
  {"stop_recording", "recordings.write"},
  {"list_recordings", "recordings.read"},
};

/**
 * gw_auth_action_for_method:
 * @method: a JSON-RPC method name
 *
 * Returns: (nullable): the action of the role table that @method belongs
 *   to, or %NULL for a method the table does not know
 */
const gchar *
gw_auth_action_for_method (const gchar * method)
{
  guint i;

  for (i = 0; method && i < G_N_ELEMENTS (method_table); i++) {
    if (g_str_equal (method_table[i].method, method))
      return method_table[i].action;
  }
  return NULL;
}

/**
 * gw_auth_required_role:
 * @action: (nullable): an action ("cameras.read", ...) or a JSON-RPC
 *   method name ("start_camera", ...)
 *
 * The minimum role for @action, from the one role table. An unknown action
 * (or %NULL) needs %GW_ROLE_ADMIN: deny by default.
 *
 * Returns: the minimum #GwRole
 */
/* Every action and JSON-RPC method name -> its role, from the two tables
 * above, built once: the table is asked twice per request. */
static GHashTable *
role_index (void)
{
  static GHashTable *index;

  if (g_once_init_enter (&index)) {
    GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);
    guint i, j;

    for (i = 0; i < G_N_ELEMENTS (action_table); i++)
      g_hash_table_insert (t, (gpointer) action_table[i].action,
          GINT_TO_POINTER (action_table[i].role));
    for (i = 0; i < G_N_ELEMENTS (method_table); i++)
      for (j = 0; j < G_N_ELEMENTS (action_table); j++)
        if (g_str_equal (method_table[i].action, action_table[j].action))
          g_hash_table_insert (t, (gpointer) method_table[i].method,
              GINT_TO_POINTER (action_table[j].role));
    g_once_init_leave (&index, t);
  }
  return index;
}

GwRole
gw_auth_required_role (const gchar * action)
{
  gpointer role;

  if (action == NULL || !g_hash_table_lookup_extended (role_index (), action,
          NULL, &role))
    return GW_ROLE_ADMIN;
  return GPOINTER_TO_INT (role);
}

/**
 * gw_auth_may:
 * @store: (nullable): the key store (its grants), %NULL when auth is off
 * @role: the caller's role
 * @key_name: (nullable): the caller's key name
 * @action: an action or a JSON-RPC method name
 *
 * The one test of gw_auth_authorize() once the caller is known: the role
 * table lets @role do @action, or the key store grants @action to the key
 * named @key_name (`metrics-keys`).
 *
 * Returns: %TRUE when the caller may do @action
 */
gboolean
gw_auth_may (GwKeyStore * store, GwRole role, const gchar * key_name,
    const gchar * action)
{
  return role >= gw_auth_required_role (action) || (store && key_name
      && gw_key_store_is_granted (store, action, key_name));
}

/**
 * gw_auth_list_actions:
 * @store: (nullable): the key store, %NULL when auth is off
 * @role: the caller's role
 * @key_name: (nullable): the caller's key name
 *
 * The actions of the role table the caller may do (gw_auth_may()), in the
 * table's order (for `GET /api/v1/whoami`, so that a client learns what it
 * may do from the one table).
 *
 * Returns: (transfer container) (element-type utf8): the actions
 */
GPtrArray *
gw_auth_list_actions (GwKeyStore * store, GwRole role, const gchar * key_name)
{
  GPtrArray *list = g_ptr_array_new ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (action_table); i++)
    if (gw_auth_may (store, role, key_name, action_table[i].action))
      g_ptr_array_add (list, (gpointer) action_table[i].action);
  return list;
}

/* ---------------------------------------------------------------------- */
/* Credentials and the decision                                           */
/* ---------------------------------------------------------------------- */

/**
 * gw_auth_credential_from_headers:
 * @headers: the request headers
 *
 * The API key of a request: `Authorization: Bearer KEY` (scheme matched
 * without regard to case), else `X-API-Key: KEY`.
 *
 * Returns: (nullable): the key (pointing into @headers), or %NULL when the
 *   request carries none
 */
const gchar *
gw_auth_credential_from_headers (SoupMessageHeaders * headers)
{
  const gchar *v = soup_message_headers_get_one (headers, "Authorization");

  if (v != NULL && g_ascii_strncasecmp (v, "Bearer ", 7) == 0) {
    v += 7;
    while (*v == ' ')
      v++;
    if (*v)
      return v;
  }
  v = soup_message_headers_get_one (headers, "X-API-Key");
  return v && *v ? v : NULL;
}

/**
 * gw_auth_authorize:
 * @store: (nullable): the key store, or %NULL when auth is off (then every
 *   caller is admin)
 * @key: (nullable): the caller's key, %NULL if it sent none
 * @anchor: (nullable): the caller's connection, for
 *   gw_keys_lookup_cached(), or %NULL
 * @action: the action (or JSON-RPC method) the caller wants
 * @role_out: (out) (optional): the caller's role
 * @name_out: (out) (optional) (transfer full): the key's name, "anonymous"
 *   without a key, or "auth-off"
 * @error: (out) (optional) (transfer full): the refusal
 *
 * The one decision for REST routes and JSON-RPC methods: no key ->
 * %CG_CODE_AUTHENTICATION_REQUIRED, unknown key -> %CG_CODE_INVALID_API_KEY,
 * role below gw_auth_required_role() -> %CG_CODE_INSUFFICIENT_PERMISSIONS
 * (details: required_role, role, action). Actions open to everyone always
 * succeed; a valid key there still gives its role and name.
 *
 * Returns: %TRUE if the caller may go on
 */
gboolean
gw_auth_authorize (GwKeyStore * store, const gchar * key, GObject * anchor,
    const gchar * action, GwRole * role_out, gchar ** name_out,
    CgError ** error)
{
  GwRole required = gw_auth_required_role (action);
  GwRole role = GW_ROLE_ANONYMOUS;
  g_autofree gchar *name = NULL;

  if (store == NULL) {
    role = GW_ROLE_ADMIN;
    name = g_strdup ("auth-off");
  } else if (required == GW_ROLE_ANONYMOUS) {
    /* Open to all: a good key still names the caller, a bad one is no
     * reason to refuse. */
    if (key == NULL || !gw_keys_lookup_cached (store, key, anchor, &role,
            &name, NULL))
      name = g_strdup ("anonymous");
  } else if (key == NULL) {
    if (error)
      *error = cg_error_new (CG_CODE_AUTHENTICATION_REQUIRED, NULL);
    return FALSE;
  } else if (!gw_keys_lookup_cached (store, key, anchor, &role, &name, error)) {
    return FALSE;
  }
  if (!gw_auth_may (store, role, name, action)) {
    if (error) {
      *error = cg_error_new (CG_CODE_INSUFFICIENT_PERMISSIONS, NULL);
      gst_structure_set (cg_error_get_details_writable (*error),
          "required_role", G_TYPE_STRING, gw_role_to_nick (required),
          "role", G_TYPE_STRING, gw_role_to_nick (role),
          "action", G_TYPE_STRING, action, NULL);
    }
    return FALSE;
  }
  if (role_out)
    *role_out = role;
  if (name_out)
    *name_out = g_steal_pointer (&name);
  return TRUE;
}
