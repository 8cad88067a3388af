/* camguard - quarks interned once, for structures built often
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @names (NULL-terminated, static strings) as quarks in @quarks, interned
 * on the first call (@once): gst_structure_new_id() with them skips the
 * global quark table's lock and hash that gst_structure_new() takes for
 * every field, every time (statistics are built on every status read). */
static inline const GQuark *
cg_quarks (GQuark * quarks, const gchar * const *names, gsize * once)
{
  if (g_once_init_enter (once)) {
    guint i;

    for (i = 0; names[i]; i++)
      quarks[i] = g_quark_from_static_string (names[i]);
    g_once_init_leave (once, 1);
  }
  return quarks;
}

G_END_DECLS
