/* camguard - JSON trees through CgJsonWriter
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * The part of the writer that meets json-glib's trees: a #JsonNode written
 * in place (a parsed request's id echoed, a parsed file rewritten), the
 * one serialiser of such trees (cg_json_to_string()), and text parsed back
 * into a tree for the callers that want one (cg_json_writer_free_to_node()).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cg-json-writer.h"

static void
write_node (CgJsonWriter * w, JsonNode * node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node)) {
    cg_json_writer_null (w);
    return;
  }
  switch (JSON_NODE_TYPE (node)) {
    case JSON_NODE_OBJECT:{
      JsonObjectIter iter;
      const gchar *name;
      JsonNode *member;

      cg_json_writer_begin_object (w);
      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &member)) {
        cg_json_writer_member (w, name);
        write_node (w, member);
      }
      cg_json_writer_end_object (w);
      return;
    }
    case JSON_NODE_ARRAY:{
      JsonArray *array = json_node_get_array (node);
      guint i, n = json_array_get_length (array);

      cg_json_writer_begin_array (w);
      for (i = 0; i < n; i++)
        write_node (w, json_array_get_element (array, i));
      cg_json_writer_end_array (w);
      return;
    }
    default:
      break;
  }
  switch (json_node_get_value_type (node)) {
    case G_TYPE_INT64:
      cg_json_writer_int (w, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      cg_json_writer_double (w, json_node_get_double (node));
      break;
    case G_TYPE_BOOLEAN:
      cg_json_writer_boolean (w, json_node_get_boolean (node));
      break;
    case G_TYPE_STRING:
      cg_json_writer_string (w, json_node_get_string (node));
      break;
    default:
      cg_json_writer_null (w);
      break;
  }
}

/**
 * cg_json_writer_node:
 * @writer: a writer
 * @node: (nullable): a JSON tree, or %NULL for null
 *
 * Writes @node (object members in their order) as a value.
 */
void
cg_json_writer_node (CgJsonWriter * writer, JsonNode * node)
{
  g_return_if_fail (writer != NULL);
  write_node (writer, node);
}

/**
 * cg_json_writer_member_node:
 * @writer: a writer
 * @name: the member's name
 * @node: (nullable): a JSON tree, or %NULL for null
 *
 * cg_json_writer_member() then cg_json_writer_node().
 */
void
cg_json_writer_member_node (CgJsonWriter * writer, const gchar * name,
    JsonNode * node)
{
  cg_json_writer_member (writer, name);
  cg_json_writer_node (writer, node);
}

/**
 * cg_json_writer_free_to_node:
 * @writer: (transfer full): a writer that wrote one complete value
 *
 * Frees @writer and returns its text parsed as a tree, for the callers
 * that want a #JsonNode (GObject introspection, tests).
 *
 * Returns: (transfer full): the tree
 */
JsonNode *
cg_json_writer_free_to_node (CgJsonWriter * writer)
{
  g_autofree gchar *text = cg_json_writer_free_to_string (writer, NULL);
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  if (node == NULL)
    g_critical ("CgJsonWriter: wrote text that does not parse: %s",
        error->message);
  return node;
}

/**
 * cg_json_to_string:
 * @node: a JSON tree
 * @pretty: indented (two spaces a level) rather than compact
 *
 * The one serialiser of #JsonNode trees in camguard (compact text as
 * json-glib's generator writes it, several times faster).
 *
 * Returns: (transfer full): the JSON text
 */
gchar *
cg_json_to_string (JsonNode * node, gboolean pretty)
{
  CgJsonWriter *w = pretty ? cg_json_writer_new_pretty () :
      cg_json_writer_new ();

  write_node (w, node);
  return cg_json_writer_free_to_string (w, NULL);
}
