/* camguard - CgJsonWriter: a member and its value in one call
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * cg_json_writer_member_string() and its kin: most of an answer is
 * members with a plain name and a scalar value, written here in one step
 * when the writer allows it (compact, inside an object), else as
 * cg_json_writer_member() then the value.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cg-json-writer-private.h"

/**
 * cg_json_writer_member_string:
 * @writer: a writer
 * @name: the member's name
 * @value: (nullable): the text, or %NULL for null
 *
 * cg_json_writer_member() then cg_json_writer_string().
 */
void
cg_json_writer_member_string (CgJsonWriter * writer, const gchar * name,
    const gchar * value)
{
  g_return_if_fail (writer != NULL && name != NULL);
  if (cg_json_writer_member_fast (writer, name)) {      /* the value at once */
    writer->member_pending = FALSE;
    if (value)
      cg_json_append_string_unchecked (writer->out, value);
    else
      cg_json_append_bytes (writer->out, "null", 4);
    return;
  }
  cg_json_writer_member (writer, name);
  cg_json_writer_string (writer, value);
}

/**
 * cg_json_writer_member_int:
 * @writer: a writer
 * @name: the member's name
 * @value: the number
 *
 * cg_json_writer_member() then cg_json_writer_int().
 */
void
cg_json_writer_member_int (CgJsonWriter * writer, const gchar * name,
    gint64 value)
{
  g_return_if_fail (writer != NULL && name != NULL);
  if (cg_json_writer_member_fast (writer, name)) {
    writer->member_pending = FALSE;
    cg_json_append_int (writer->out, value);
    return;
  }
  cg_json_writer_member (writer, name);
  cg_json_writer_int (writer, value);
}

/**
 * cg_json_writer_member_double:
 * @writer: a writer
 * @name: the member's name
 * @value: the number
 *
 * cg_json_writer_member() then cg_json_writer_double().
 */
void
cg_json_writer_member_double (CgJsonWriter * writer, const gchar * name,
    gdouble value)
{
  g_return_if_fail (writer != NULL && name != NULL);
  if (cg_json_writer_member_fast (writer, name)) {
    writer->member_pending = FALSE;
    cg_json_append_double (writer->out, value);
    return;
  }
  cg_json_writer_member (writer, name);
  cg_json_writer_double (writer, value);
}

/**
 * cg_json_writer_member_boolean:
 * @writer: a writer
 * @name: the member's name
 * @value: the truth value
 *
 * cg_json_writer_member() then cg_json_writer_boolean().
 */
void
cg_json_writer_member_boolean (CgJsonWriter * writer, const gchar * name,
    gboolean value)
{
  g_return_if_fail (writer != NULL && name != NULL);
  if (cg_json_writer_member_fast (writer, name)) {
    writer->member_pending = FALSE;
    if (value)
      cg_json_append_bytes (writer->out, "true", 4);
    else
      cg_json_append_bytes (writer->out, "false", 5);
    return;
  }
  cg_json_writer_member (writer, name);
  cg_json_writer_boolean (writer, value);
}

/**
 * cg_json_writer_member_null:
 * @writer: a writer
 * @name: the member's name
 *
 * cg_json_writer_member() then cg_json_writer_null().
 */
void
cg_json_writer_member_null (CgJsonWriter * writer, const gchar * name)
{
  g_return_if_fail (writer != NULL && name != NULL);
  if (cg_json_writer_member_fast (writer, name)) {
    writer->member_pending = FALSE;
    cg_json_append_bytes (writer->out, "null", 4);
    return;
  }
  cg_json_writer_member (writer, name);
  cg_json_writer_null (writer);
}
