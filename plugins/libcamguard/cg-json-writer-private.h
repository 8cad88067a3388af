/* camguard - CgJsonWriter's insides, shared by its files
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "cg-json-writer.h"

G_BEGIN_DECLS

struct _CgJsonWriter
{
  GString *out;
  gboolean pretty;
  guint depth;                  /* open objects and arrays */
  guint64 is_object;            /* bit d: the container at depth d+1 */
  guint64 has_items;            /* bit d: it holds something already */
  gboolean member_pending;      /* a member name waits for its value */
};

G_GNUC_INTERNAL void cg_json_append_bytes (GString * out, const gchar * data,
    gsize len);
G_GNUC_INTERNAL void cg_json_append_int (GString * out, gint64 value);
G_GNUC_INTERNAL void cg_json_append_double (GString * out, gdouble value);
G_GNUC_INTERNAL void cg_json_append_string_unchecked (GString * out,
    const gchar * value);
G_GNUC_INTERNAL gboolean cg_json_writer_member_fast (CgJsonWriter * w,
    const gchar * name);

G_END_DECLS
