/* camguard-gateway - checking the members of a JSON params object
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-params
 * @short_description: validate a JSON object's members, listing every bad
 *   field
 *
 * A #GwParams checks the members of a params object (JSON-RPC `params`, or
 * a REST body) one getter at a time. Every getter records what is wrong
 * with its member instead of stopping, so that gw_params_finish() answers
 * one %CG_CODE_VALIDATION_ERROR whose details carry `fields`: an array of
 * `{field, reason}` objects naming every bad member (JSON-RPC -32602 with
 * `data.details.fields`).
 *
 * |[
 *   g_autoptr (GwParams) p = gw_params_new (params);
 *   const gchar *camera = gw_params_get_string (p, "camera", TRUE);
 *   gint64 step = 0;
 *
 *   gw_params_get_int (p, "step", FALSE, 0, 10, &step);
 *   gw_params_reject_unknown (p);
 *   if (!gw_params_finish (p, &error))
 *     ... answer error ...
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-params.h"

struct _GwParams
{
  JsonObject *object;           /* NULL when params were absent */
  GHashTable *known;            /* member names a getter asked for */
  GArray *bad;                  /* GstStructure * "field" {field, reason} */
};

static void
clear_structure (gpointer p)
{
  gst_structure_free (*(GstStructure **) p);
}

/**
 * gw_params_new:
 * @params: (nullable): the params node; %NULL (absent) counts as an empty
 *   object, anything but an object is recorded as a bad `params` field
 *
 * Returns: (transfer full): a new checker; free with gw_params_free()
 */
GwParams *
gw_params_new (JsonNode * params)
{
  GwParams *p = g_new0 (GwParams, 1);

  p->known = g_hash_table_new (g_str_hash, g_str_equal);
  p->bad = g_array_new (FALSE, FALSE, sizeof (GstStructure *));
  g_array_set_clear_func (p->bad, clear_structure);
  if (params && JSON_NODE_HOLDS_OBJECT (params))
    p->object = json_object_ref (json_node_get_object (params));
  else if (params && !JSON_NODE_HOLDS_NULL (params))
    gw_params_add_error (p, "params", "expected an object");
  return p;
}

/**
 * gw_params_free:
 * @params: a #GwParams
 *
 * Frees @params.
 */
void
gw_params_free (GwParams * params)
{
  if (params == NULL)
    return;
  if (params->object)
    json_object_unref (params->object);
  g_hash_table_unref (params->known);
  g_array_unref (params->bad);
  g_free (params);
}

/**
 * gw_params_add_error:
 * @params: a #GwParams
 * @field: the member's name
 * @reason: what is wrong with it
 *
 * Records a bad field found by a check of the caller's own.
 */
void
gw_params_add_error (GwParams * params, const gchar * field,
    const gchar * reason)
{
  GstStructure *s;

  g_return_if_fail (params != NULL && field != NULL && reason != NULL);

  s = gst_structure_new ("field", "field", G_TYPE_STRING, field,
      "reason", G_TYPE_STRING, reason, NULL);
  g_array_append_val (params->bad, s);
}

/* The member @name, or NULL when absent (recorded when @required). A JSON
 * null counts as absent. */
static JsonNode *
lookup (GwParams * p, const gchar * name, gboolean required)
{
  JsonNode *node = NULL;

  g_hash_table_add (p->known, (gpointer) g_intern_string (name));
  if (p->object)
    node = json_object_get_member (p->object, name);
  if (node && JSON_NODE_HOLDS_NULL (node))
    node = NULL;
  if (node == NULL && required)
    gw_params_add_error (p, name, "required");
  return node;
}

static gboolean
holds (JsonNode * node, GType type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) ==
      type;
}

/**
 * gw_params_get_string:
 * @params: a #GwParams
 * @name: the member's name
 * @required: whether an absent member is an error
 *
 * Returns: (nullable): the non-empty string value of @name, or %NULL when
 *   it is absent or bad (a bad one is recorded)
 */
const gchar *
gw_params_get_string (GwParams * params, const gchar * name, gboolean required)
{
  JsonNode *node;

  g_return_val_if_fail (params != NULL && name != NULL, NULL);

  node = lookup (params, name, required);
  if (node == NULL)
    return NULL;
  if (!holds (node, G_TYPE_STRING)) {
    gw_params_add_error (params, name, "expected a string");
    return NULL;
  }
  if (*json_node_get_string (node) == '\0') {
    gw_params_add_error (params, name, "must not be empty");
    return NULL;
  }
  return json_node_get_string (node);
}

/**
 * gw_params_get_int:
 * @params: a #GwParams
 * @name: the member's name
 * @required: whether an absent member is an error
 * @min: the smallest accepted value
 * @max: the largest accepted value
 * @value: (out): where to store the value; untouched unless %TRUE is
 *   returned
 *
 * Returns: %TRUE when @name is an integer in [@min, @max]
 */
gboolean
gw_params_get_int (GwParams * params, const gchar * name, gboolean required,
    gint64 min, gint64 max, gint64 * value)
{
  JsonNode *node;
  gint64 v;

  g_return_val_if_fail (params != NULL && name != NULL, FALSE);

  node = lookup (params, name, required);
  if (node == NULL)
    return FALSE;
  if (!holds (node, G_TYPE_INT64)) {
    gw_params_add_error (params, name, "expected an integer");
    return FALSE;
  }
  v = json_node_get_int (node);
  if (v < min || v > max) {
    g_autofree gchar *reason =
        g_strdup_printf ("out of range [%" G_GINT64_FORMAT ", %"
        G_GINT64_FORMAT "]", min, max);

    gw_params_add_error (params, name, reason);
    return FALSE;
  }
  if (value)
    *value = v;
  return TRUE;
}

/**
 * gw_params_get_boolean:
 * @params: a #GwParams
 * @name: the member's name
 * @required: whether an absent member is an error
 * @value: (out): where to store the value; untouched unless %TRUE is
 *   returned
 *
 * Returns: %TRUE when @name is a boolean
 */
gboolean
gw_params_get_boolean (GwParams * params, const gchar * name,
    gboolean required, gboolean * value)
{
  JsonNode *node;

  g_return_val_if_fail (params != NULL && name != NULL, FALSE);

  node = lookup (params, name, required);
  if (node == NULL)
    return FALSE;
  if (!holds (node, G_TYPE_BOOLEAN)) {
    gw_params_add_error (params, name, "expected a boolean");
    return FALSE;
  }
  if (value)
    *value = json_node_get_boolean (node);
  return TRUE;
}

/**
 * gw_params_get_strv:
 * @params: a #GwParams
 * @name: the member's name
 * @required: whether an absent member is an error
 * @allowed: (nullable) (array zero-terminated=1): the accepted strings, or
 *   %NULL to accept any
 *
 * Returns: (transfer full) (nullable): the array of strings @name, or
 *   %NULL when absent or bad (each bad element is recorded as
 *   `name[i]`)
 */
gchar **
gw_params_get_strv (GwParams * params, const gchar * name, gboolean required,
    const gchar * const *allowed)
{
  JsonNode *node;
  JsonArray *array;
  GPtrArray *out;
  gboolean ok = TRUE;
  guint i;

  g_return_val_if_fail (params != NULL && name != NULL, NULL);

  node = lookup (params, name, required);
  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node)) {
    gw_params_add_error (params, name, "expected an array of strings");
    return NULL;
  }
  array = json_node_get_array (node);
  out = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < json_array_get_length (array); i++) {
    JsonNode *e = json_array_get_element (array, i);
    g_autofree gchar *field = g_strdup_printf ("%s[%u]", name, i);

    if (!holds (e, G_TYPE_STRING)) {
      gw_params_add_error (params, field, "expected a string");
      ok = FALSE;
    } else if (allowed && !g_strv_contains (allowed, json_node_get_string (e))) {
      g_autofree gchar *list = g_strjoinv (", ", (gchar **) allowed);
      g_autofree gchar *reason = g_strdup_printf ("not one of %s", list);

      gw_params_add_error (params, field, reason);
      ok = FALSE;
    } else {
      g_ptr_array_add (out, g_strdup (json_node_get_string (e)));
    }
  }
  if (!ok) {
    g_ptr_array_unref (out);
    return NULL;
  }
  g_ptr_array_add (out, NULL);
  return (gchar **) g_ptr_array_free (out, FALSE);
}

/**
 * gw_params_reject_unknown:
 * @params: a #GwParams
 *
 * Records every member no getter has asked for so far as an unknown
 * field. Call it after the getters.
 */
void
gw_params_reject_unknown (GwParams * params)
{
  GList *members, *l;

  g_return_if_fail (params != NULL);

  if (params->object == NULL)
    return;
  members = json_object_get_members (params->object);
  for (l = members; l; l = l->next) {
    if (!g_hash_table_contains (params->known, g_intern_string (l->data)))
      gw_params_add_error (params, l->data, "unknown field");
  }
  g_list_free (members);
}

/**
 * gw_params_finish:
 * @params: a #GwParams
 * @error: (out) (optional) (transfer full): a %CG_CODE_VALIDATION_ERROR
 *   whose details `fields` lists every bad field as `{field, reason}`
 *
 * Returns: %TRUE when no bad field was recorded
 */
gboolean
gw_params_finish (GwParams * params, CgError ** error)
{
  GValue fields = G_VALUE_INIT;
  CgError *e;
  guint i;

  g_return_val_if_fail (params != NULL, FALSE);

  if (params->bad->len == 0)
    return TRUE;
  if (error == NULL)
    return FALSE;

  gst_value_array_init (&fields, params->bad->len);
  for (i = 0; i < params->bad->len; i++) {
    GValue v = G_VALUE_INIT;

    g_value_init (&v, GST_TYPE_STRUCTURE);
    gst_value_set_structure (&v, g_array_index (params->bad, GstStructure *,
            i));
    gst_value_array_append_and_take_value (&fields, &v);
  }
  e = cg_error_new (CG_CODE_VALIDATION_ERROR,
      params->bad->len == 1 ? "A parameter is invalid" :
      "Some parameters are invalid");
  gst_structure_take_value (cg_error_get_details_writable (e), "fields",
      &fields);
  *error = e;
  return FALSE;
}
