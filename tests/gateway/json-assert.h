/* camguard-gateway tests - small questions about parsed JSON answers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

/* Whether the string array @member of @o holds @value. */
static inline gboolean
json_strings_have (JsonObject * o, const gchar * member, const gchar * value)
{
  JsonArray *a = json_object_get_array_member (o, member);
  guint i;

  for (i = 0; i < json_array_get_length (a); i++)
    if (g_str_equal (json_array_get_string_element (a, i), value))
      return TRUE;
  return FALSE;
}
