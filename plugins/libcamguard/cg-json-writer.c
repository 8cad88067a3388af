/* camguard - CgJsonWriter: JSON text written straight out
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:cg-json-writer
 * @title: JSON writer
 * @short_description: the one way camguard produces JSON text
 *
 * A #CgJsonWriter appends JSON to a text buffer as it is told: objects,
 * arrays, members and values, with the commas, quotes and escapes in
 * their places. It builds no tree: an answer that is written once and
 * sent costs a few hundred instructions per member instead of a #JsonNode
 * per value, a hash table per object and a #JsonGenerator walk (measured
 * in bench/gateway: several times less per status answer).
 *
 * |[<!-- language="C" -->
 * g_autoptr (CgJsonWriter) w = cg_json_writer_new ();
 *
 * cg_json_writer_begin_object (w);
 * cg_json_writer_member_string (w, "id", "door");
 * cg_json_writer_member_int (w, "viewers", 2);
 * cg_json_writer_end_object (w);
 * text = cg_json_writer_free_to_string (g_steal_pointer (&w), NULL);
 * // {"id":"door","viewers":2}
 * ]|
 *
 * A #JsonNode that already exists (a parsed request, an id to echo) is
 * written in place with cg_json_writer_node(), and cg_json_to_string() is
 * the serialiser of such trees: compact text is the same as json-glib's
 * #JsonGenerator writes (doubles always carry a fraction or exponent; a
 * non-finite double, which JSON cannot carry, is written as null).
 * Strings that are not valid UTF-8 are made valid first.
 *
 * Misuse (a value where a member name is due, an end without a begin,
 * nesting deeper than 64) is a programming error: it is reported with
 * g_critical() and the call does nothing.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "cg-json-writer-private.h"

#define MAX_DEPTH 64


G_DEFINE_BOXED_TYPE (CgJsonWriter, cg_json_writer, cg_json_writer_copy,
    cg_json_writer_free);

/**
 * cg_json_writer_new:
 *
 * A writer of compact JSON (no blanks), with an empty buffer.
 *
 * Returns: (transfer full): the writer
 */
CgJsonWriter *
cg_json_writer_new (void)
{
  CgJsonWriter *w = g_new0 (CgJsonWriter, 1);

  /* most answers fit, and 1 KiB comes from malloc's per-thread cache
   * (2 KiB costs several times more to get and to give back) */
  w->out = g_string_sized_new (1000);
  return w;
}

/**
 * cg_json_writer_new_pretty:
 *
 * A writer of indented JSON (two spaces a level, one member or element a
 * line), for files people read.
 *
 * Returns: (transfer full): the writer
 */
CgJsonWriter *
cg_json_writer_new_pretty (void)
{
  CgJsonWriter *w = cg_json_writer_new ();

  w->pretty = TRUE;
  return w;
}

/**
 * cg_json_writer_copy:
 * @writer: a writer
 *
 * Copies @writer: its text so far and where it is in it.
 *
 * Returns: (transfer full): a writer with the same text and position
 */
CgJsonWriter *
cg_json_writer_copy (const CgJsonWriter * writer)
{
  CgJsonWriter *w;

  g_return_val_if_fail (writer != NULL, NULL);
  w = g_new (CgJsonWriter, 1);
  *w = *writer;
  w->out = g_string_new_len (writer->out->str, writer->out->len);
  return w;
}

/**
 * cg_json_writer_free:
 * @writer: (nullable): a writer
 *
 * Frees @writer and its text.
 */
void
cg_json_writer_free (CgJsonWriter * writer)
{
  if (writer == NULL)
    return;
  g_string_free (writer->out, TRUE);
  g_free (writer);
}

/* ---------------------------------------------------------------------- */
/* Layout                                                                 */
/* ---------------------------------------------------------------------- */

static inline guint64
bit (guint depth)
{
  return G_GUINT64_CONSTANT (1) << (depth - 1);
}

static void
newline (CgJsonWriter * w)
{
  guint i;

  g_string_append_c (w->out, '\n');
  for (i = 0; i < w->depth; i++)
    g_string_append (w->out, "  ");
}

/* @len bytes of @data at the end of @out: g_string_append_len() does more
 * (overlap checks, insertion) than an answer written member by member
 * needs. */
void
cg_json_append_bytes (GString * out, const gchar * data, gsize len)
{
  gsize old = out->len;

  g_string_set_size (out, old + len);
  memcpy (out->str + old, data, len);
}

/* Before a member name (@member) or a value: the comma and, when pretty,
 * the line break. FALSE (and a critical) when the call is out of place. */
static inline gboolean
prepare (CgJsonWriter * w, gboolean member)
{
  gboolean in_object = w->depth > 0 && (w->is_object & bit (w->depth));

  if (w->member_pending) {
    if (member) {
      g_critical ("CgJsonWriter: a member name where its value is due");
      return FALSE;
    }
    w->member_pending = FALSE;
    return TRUE;
  }
  if (in_object != member) {
    g_critical ("CgJsonWriter: %s", member ? "a member name outside an object"
        : "a value without a member name inside an object");
    return FALSE;
  }
  if (w->depth == 0) {
    if (w->out->len > 0) {
      g_critical ("CgJsonWriter: a second value at the top level");
      return FALSE;
    }
    return TRUE;
  }
  if (w->has_items & bit (w->depth))
    g_string_append_c (w->out, ',');
  w->has_items |= bit (w->depth);
  if (w->pretty)
    newline (w);
  return TRUE;
}

static void
begin (CgJsonWriter * w, gboolean object)
{
  if (w->depth >= MAX_DEPTH) {
    g_critical ("CgJsonWriter: nested deeper than %d", MAX_DEPTH);
    return;
  }
  if (!prepare (w, FALSE))
    return;
  g_string_append_c (w->out, object ? '{' : '[');
  w->depth++;
  w->has_items &= ~bit (w->depth);
  if (object)
    w->is_object |= bit (w->depth);
  else
    w->is_object &= ~bit (w->depth);
}

static void
end (CgJsonWriter * w, gboolean object)
{
  if (w->depth == 0 || !(w->is_object & bit (w->depth)) != !object
      || w->member_pending) {
    g_critical ("CgJsonWriter: end of %s out of place",
        object ? "an object" : "an array");
    return;
  }
  w->depth--;
  if (w->pretty && (w->has_items & bit (w->depth + 1)))
    newline (w);
  g_string_append_c (w->out, object ? '}' : ']');
}

/**
 * cg_json_writer_begin_object:
 * @writer: a writer
 *
 * Opens an object, as a value (at the top, in an array, or after
 * cg_json_writer_member()).
 */
void
cg_json_writer_begin_object (CgJsonWriter * writer)
{
  g_return_if_fail (writer != NULL);
  begin (writer, TRUE);
}

/**
 * cg_json_writer_end_object:
 * @writer: a writer
 *
 * Closes the object opened last.
 */
void
cg_json_writer_end_object (CgJsonWriter * writer)
{
  g_return_if_fail (writer != NULL);
  end (writer, TRUE);
}

/**
 * cg_json_writer_begin_array:
 * @writer: a writer
 *
 * Opens an array, as a value.
 */
void
cg_json_writer_begin_array (CgJsonWriter * writer)
{
  g_return_if_fail (writer != NULL);
  begin (writer, FALSE);
}

/**
 * cg_json_writer_end_array:
 * @writer: a writer
 *
 * Closes the array opened last.
 */
void
cg_json_writer_end_array (CgJsonWriter * writer)
{
  g_return_if_fail (writer != NULL);
  end (writer, FALSE);
}

/* ---------------------------------------------------------------------- */
/* Strings                                                                */
/* ---------------------------------------------------------------------- */

static const gchar hex[] = "0123456789abcdef";

/* @s (@len bytes, valid UTF-8) as the inside of a JSON string: quotes,
 * backslashes and control characters escaped, runs of plain bytes copied
 * at once. */
static void
append_escaped (GString * out, const gchar * s, gsize len)
{
  const gchar *run = s, *end = s + len, *p;

  for (p = s; p < end; p++) {
    guchar c = *p;
    gchar esc;

    if (G_LIKELY (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f))
      continue;
    g_string_append_len (out, run, p - run);
    run = p + 1;
    switch (c) {
      case '"':
        esc = '"';
        break;
      case '\\':
        esc = '\\';
        break;
      case '\n':
        esc = 'n';
        break;
      case '\t':
        esc = 't';
        break;
      case '\r':
        esc = 'r';
        break;
      case '\b':
        esc = 'b';
        break;
      case '\f':
        esc = 'f';
        break;
      default:
        esc = 0;
        break;
    }
    if (esc) {
      gchar two[2] = { '\\', esc };

      g_string_append_len (out, two, 2);
    } else {
      gchar six[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };

      g_string_append_len (out, six, 6);
    }
  }
  g_string_append_len (out, run, end - run);
}

/* Whether a byte may be copied into a JSON string as it is: printable
 * ASCII but the quote and the backslash (a table: every string written
 * is scanned with it, one load per byte instead of four comparisons). */
#define P1(c) ((c) >= 0x20 && (c) < 0x7f && (c) != '"' && (c) != '\\')
#define P4(c) P1 (c), P1 (c + 1), P1 (c + 2), P1 (c + 3)
#define P16(c) P4 (c), P4 (c + 4), P4 (c + 8), P4 (c + 12)
#define P64(c) P16 (c), P16 (c + 16), P16 (c + 32), P16 (c + 48)
static const guint8 plain[256] = { P64 (0), P64 (64), P64 (128), P64 (192) };

#undef P64
#undef P16
#undef P4
#undef P1

static inline gboolean
is_plain (guchar c)
{
  return plain[c];
}

void
cg_json_append_string_unchecked (GString * out, const gchar * value)
{
  const guchar *p = (const guchar *) value;
  gsize len, old;

  /* the common case: printable ASCII, nothing to escape; copied with its
   * quotes at once */
  while (is_plain (*p))
    p++;
  if (*p == '\0') {
    len = p - (const guchar *) value;
    old = out->len;
    g_string_set_size (out, old + len + 2);
    out->str[old] = '"';
    memcpy (out->str + old + 1, value, len);
    out->str[old + len + 1] = '"';
    return;
  }
  len = strlen (value);
  g_string_append_c (out, '"');
  if (g_utf8_validate (value, len, NULL)) {
    append_escaped (out, value, len);
  } else {
    g_autofree gchar *valid = g_utf8_make_valid (value, len);

    append_escaped (out, valid, strlen (valid));
  }
  g_string_append_c (out, '"');
}

/**
 * cg_json_append_string:
 * @out: a string to append to
 * @value: text (made valid UTF-8 if it is not)
 *
 * Appends @value as a JSON string, quotes included: what every writer and
 * log line uses.
 */
void
cg_json_append_string (GString * out, const gchar * value)
{
  g_return_if_fail (out != NULL && value != NULL);
  cg_json_append_string_unchecked (out, value);
}

/* The common case of cg_json_writer_member() in one step: compact text,
 * inside an object, a name of printable ASCII without quotes or
 * backslashes. FALSE (nothing written) for anything else. */
gboolean
cg_json_writer_member_fast (CgJsonWriter * w, const gchar * name)
{
  const guchar *p = (const guchar *) name;
  guint64 b;
  gsize len, old, comma;
  gchar *at;

  if (w->pretty || w->member_pending || w->depth == 0)
    return FALSE;
  b = bit (w->depth);
  if (!(w->is_object & b))
    return FALSE;
  while (is_plain (*p))
    p++;
  if (*p != '\0')
    return FALSE;
  len = p - (const guchar *) name;
  comma = (w->has_items & b) ? 1 : 0;
  old = w->out->len;
  g_string_set_size (w->out, old + comma + len + 3);
  at = w->out->str + old;
  if (comma)
    *at++ = ',';
  *at++ = '"';
  memcpy (at, name, len);
  at[len] = '"';
  at[len + 1] = ':';
  w->has_items |= b;
  w->member_pending = TRUE;
  return TRUE;
}

/**
 * cg_json_writer_member:
 * @writer: a writer
 * @name: the member's name
 *
 * Starts a member of the current object: the next value written is its
 * value.
 */
void
cg_json_writer_member (CgJsonWriter * writer, const gchar * name)
{
  g_return_if_fail (writer != NULL && name != NULL);
  if (cg_json_writer_member_fast (writer, name))
    return;
  if (!prepare (writer, TRUE))
    return;
  cg_json_append_string_unchecked (writer->out, name);
  if (writer->pretty)
    cg_json_append_bytes (writer->out, ": ", 2);
  else
    g_string_append_c (writer->out, ':');
  writer->member_pending = TRUE;
}

/* ---------------------------------------------------------------------- */
/* Values                                                                 */
/* ---------------------------------------------------------------------- */

/**
 * cg_json_writer_string:
 * @writer: a writer
 * @value: (nullable): the text, or %NULL for null
 *
 * Writes a string value.
 */
void
cg_json_writer_string (CgJsonWriter * writer, const gchar * value)
{
  g_return_if_fail (writer != NULL);
  if (!prepare (writer, FALSE))
    return;
  if (value)
    cg_json_append_string_unchecked (writer->out, value);
  else
    cg_json_append_bytes (writer->out, "null", 4);
}

void
cg_json_append_int (GString * out, gint64 value)
{
  gchar buf[24], *p = buf + sizeof buf;
  guint64 u = value < 0 ? -(guint64) value : (guint64) value;

  do {
    *--p = '0' + u % 10;
    u /= 10;
  } while (u);
  if (value < 0)
    *--p = '-';
  cg_json_append_bytes (out, p, buf + sizeof buf - p);
}

/**
 * cg_json_writer_int:
 * @writer: a writer
 * @value: the number
 *
 * Writes an integer value.
 */
void
cg_json_writer_int (CgJsonWriter * writer, gint64 value)
{
  g_return_if_fail (writer != NULL);
  if (!prepare (writer, FALSE))
    return;
  cg_json_append_int (writer->out, value);
}

void
cg_json_append_double (GString * out, gdouble value)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value)) {
    g_string_append_len (out, "null", 4);
    return;
  }
  /* whole numbers (counts, rates, a stopped camera's 0.0) without
   * printf: the same text, "15.0" */
  if (value == floor (value) && fabs (value) < 1e15) {
    gchar *p = buf + sizeof buf;
    guint64 u = (guint64) fabs (value);

    *--p = '0';
    *--p = '.';
    do {
      *--p = '0' + u % 10;
      u /= 10;
    } while (u);
    if (signbit (value))
      *--p = '-';
    cg_json_append_bytes (out, p, buf + sizeof buf - p);
    return;
  }
  g_ascii_dtostr (buf, sizeof buf, value);
  g_string_append (out, buf);
  /* json-glib's form: a double keeps a fraction ("15.0") */
  if (strpbrk (buf, ".e") == NULL)
    g_string_append_len (out, ".0", 2);
}

/**
 * cg_json_writer_double:
 * @writer: a writer
 * @value: the number
 *
 * Writes a floating-point value, always with a fraction or an exponent
 * (`15.0`); NaN and infinities as null.
 */
void
cg_json_writer_double (CgJsonWriter * writer, gdouble value)
{
  g_return_if_fail (writer != NULL);
  if (!prepare (writer, FALSE))
    return;
  cg_json_append_double (writer->out, value);
}

/**
 * cg_json_writer_double_rounded:
 * @writer: a writer
 * @value: the number
 * @decimals: the digits to keep after the point, 0 to 9
 *
 * Writes @value rounded to @decimals digits after the point, without
 * trailing zeros but always with a fraction (`0.085`, `15.0`): for
 * measurements (seconds, rates) whose last digits mean nothing, shorter
 * than cg_json_writer_double()'s exact form and cheaper to write. Values
 * too large for it are written as cg_json_writer_double() does.
 */
void
cg_json_writer_double_rounded (CgJsonWriter * writer, gdouble value,
    guint decimals)
{
  static const gdouble scale[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
    1e8, 1e9
  };
  gchar buf[48], *p = buf + sizeof buf;
  guint64 n;
  gboolean negative;
  guint d;

  g_return_if_fail (writer != NULL && decimals < G_N_ELEMENTS (scale));
  if (!isfinite (value) || fabs (value) * scale[decimals] >= 9e15) {
    cg_json_writer_double (writer, value);
    return;
  }
  if (!prepare (writer, FALSE))
    return;
  n = (guint64) llround (fabs (value) * scale[decimals]);
  negative = signbit (value) && n != 0;
  for (d = decimals; d > 0 && n % 10 == 0; d--)
    n /= 10;
  if (d == 0)
    *--p = '0';
  for (; d > 0; d--) {
    *--p = '0' + n % 10;
    n /= 10;
  }
  *--p = '.';
  do {
    *--p = '0' + n % 10;
    n /= 10;
  } while (n);
  if (negative)
    *--p = '-';
  cg_json_append_bytes (writer->out, p, buf + sizeof buf - p);
}

/**
 * cg_json_writer_boolean:
 * @writer: a writer
 * @value: the truth value
 *
 * Writes true or false.
 */
void
cg_json_writer_boolean (CgJsonWriter * writer, gboolean value)
{
  g_return_if_fail (writer != NULL);
  if (!prepare (writer, FALSE))
    return;
  if (value)
    cg_json_append_bytes (writer->out, "true", 4);
  else
    cg_json_append_bytes (writer->out, "false", 5);
}

/**
 * cg_json_writer_null:
 * @writer: a writer
 *
 * Writes null.
 */
void
cg_json_writer_null (CgJsonWriter * writer)
{
  g_return_if_fail (writer != NULL);
  if (!prepare (writer, FALSE))
    return;
  cg_json_append_bytes (writer->out, "null", 4);
}

/**
 * cg_json_writer_raw:
 * @writer: a writer
 * @json: one complete JSON value, as text this program wrote (it is not
 *   checked)
 *
 * Writes @json as a value: a part written earlier by another writer.
 */
void
cg_json_writer_raw (CgJsonWriter * writer, const gchar * json)
{
  g_return_if_fail (writer != NULL && json != NULL);
  if (!prepare (writer, FALSE))
    return;
  g_string_append (writer->out, json);
}



/* ---------------------------------------------------------------------- */
/* The text                                                               */
/* ---------------------------------------------------------------------- */

/**
 * cg_json_writer_peek:
 * @writer: a writer
 * @length: (out) (optional): the text's length in bytes
 *
 * The text written so far, complete or not.
 *
 * Returns: (transfer none): the text written so far
 */
const gchar *
cg_json_writer_peek (const CgJsonWriter * writer, gsize * length)
{
  g_return_val_if_fail (writer != NULL, NULL);
  if (length)
    *length = writer->out->len;
  return writer->out->str;
}

static gboolean
check_complete (CgJsonWriter * w)
{
  if (w->depth == 0 && !w->member_pending)
    return TRUE;
  g_critical ("CgJsonWriter: the text ends inside %u open containers",
      w->depth);
  return FALSE;
}

/**
 * cg_json_writer_free_to_string:
 * @writer: (transfer full): a writer that wrote one complete value
 * @length: (out) (optional): the text's length in bytes
 *
 * Frees @writer and returns its text.
 *
 * Returns: (transfer full): the JSON text
 */
gchar *
cg_json_writer_free_to_string (CgJsonWriter * writer, gsize * length)
{
  gchar *text;

  g_return_val_if_fail (writer != NULL, NULL);
  check_complete (writer);
  if (length)
    *length = writer->out->len;
  text = g_string_free (writer->out, FALSE);
  g_free (writer);
  return text;
}

/**
 * cg_json_writer_free_to_bytes:
 * @writer: (transfer full): a writer that wrote one complete value
 *
 * Frees @writer and returns its text as bytes (no terminating NUL).
 *
 * Returns: (transfer full): the JSON text
 */
GBytes *
cg_json_writer_free_to_bytes (CgJsonWriter * writer)
{
  gsize len;
  gchar *text = cg_json_writer_free_to_string (writer, &len);

  return g_bytes_new_take (text, len);
}
