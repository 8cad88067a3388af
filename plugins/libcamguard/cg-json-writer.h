/* camguard - CgJsonWriter: JSON text written straight out
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * CgJsonWriter:
 *
 * An opaque JSON text writer; see cg_json_writer_new().
 */
typedef struct _CgJsonWriter CgJsonWriter;

#define CG_TYPE_JSON_WRITER (cg_json_writer_get_type ())
GType cg_json_writer_get_type (void);

CgJsonWriter *cg_json_writer_new (void);
CgJsonWriter *cg_json_writer_new_pretty (void);
CgJsonWriter *cg_json_writer_copy (const CgJsonWriter * writer);
void cg_json_writer_free (CgJsonWriter * writer);

void cg_json_writer_begin_object (CgJsonWriter * writer);
void cg_json_writer_end_object (CgJsonWriter * writer);
void cg_json_writer_begin_array (CgJsonWriter * writer);
void cg_json_writer_end_array (CgJsonWriter * writer);
void cg_json_writer_member (CgJsonWriter * writer, const gchar * name);

void cg_json_writer_string (CgJsonWriter * writer, const gchar * value);
void cg_json_writer_int (CgJsonWriter * writer, gint64 value);
void cg_json_writer_double (CgJsonWriter * writer, gdouble value);
void cg_json_writer_double_rounded (CgJsonWriter * writer, gdouble value,
    guint decimals);
void cg_json_writer_boolean (CgJsonWriter * writer, gboolean value);
void cg_json_writer_null (CgJsonWriter * writer);
void cg_json_writer_node (CgJsonWriter * writer, JsonNode * node);
void cg_json_writer_raw (CgJsonWriter * writer, const gchar * json);

void cg_json_writer_member_string (CgJsonWriter * writer, const gchar * name,
    const gchar * value);
void cg_json_writer_member_int (CgJsonWriter * writer, const gchar * name,
    gint64 value);
void cg_json_writer_member_double (CgJsonWriter * writer, const gchar * name,
    gdouble value);
void cg_json_writer_member_boolean (CgJsonWriter * writer, const gchar * name,
    gboolean value);
void cg_json_writer_member_null (CgJsonWriter * writer, const gchar * name);
void cg_json_writer_member_node (CgJsonWriter * writer, const gchar * name,
    JsonNode * node);

const gchar *cg_json_writer_peek (const CgJsonWriter * writer, gsize * length);
gchar *cg_json_writer_free_to_string (CgJsonWriter * writer, gsize * length);
GBytes *cg_json_writer_free_to_bytes (CgJsonWriter * writer);
JsonNode *cg_json_writer_free_to_node (CgJsonWriter * writer);

gchar *cg_json_to_string (JsonNode * node, gboolean pretty);
void cg_json_append_string (GString * out, const gchar * value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CgJsonWriter, cg_json_writer_free)

G_END_DECLS
