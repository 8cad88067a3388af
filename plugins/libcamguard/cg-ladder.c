/* camguard - CgLadder: the quality ladder grammar
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:cg-ladder
 * @title: Quality ladders
 *
 * A quality ladder lists the resolutions and bitrates a stream may be
 * encoded at, best first: `2160p:16000,1080p:6000,720p:2500`. The
 * qualityladder element steps down and up it; an application or the gateway
 * can parse, check and print the same strings with #CgLadder.
 *
 * ## Grammar
 *
 * Rungs are separated by commas (blanks around a rung are ignored). Each
 * rung is one of
 *
 * - `NNNp:KBPS`: a height of NNN pixels (the width follows the input's
 *   aspect ratio) at KBPS kbit/s, named `NNNp`;
 * - `NAME:WIDTHxHEIGHT@KBPS`: a bounding box (the output keeps the input's
 *   aspect ratio inside it) at KBPS kbit/s, named NAME.
 *
 * Widths and heights are 1..16384, bitrates 1..10000000 kbit/s, names at
 * most 31 characters, and there are at most #CG_LADDER_MAX_RUNGS rungs.
 * Rungs go from best to lowest: neither height nor bitrate may grow, and
 * two rungs may not be the same. Anything else fails with
 * %CG_CODE_VALIDATION_ERROR in the #CG_CODE_ERROR domain, with a message
 * naming the rung and what is wrong with it.
 *
 * cg_ladder_to_string() prints a ladder back in the same grammar (without
 * blanks), so parsing what it prints gives the same ladder.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "cg-catalogue.h"
#include "cg-ladder.h"

#define NAME_MAX_LEN 31
#define SIZE_MAX_PX 16384
#define KBPS_MAX 10000000

typedef struct
{
  gchar name[NAME_MAX_LEN + 1];
  gint box_width;               /* 0: follows the input's aspect ratio */
  gint box_height;
  guint kbps;
} CgRung;

struct _CgLadder
{
  guint n_rungs;
  CgRung rungs[CG_LADDER_MAX_RUNGS];
};

G_DEFINE_BOXED_TYPE (CgLadder, cg_ladder, cg_ladder_copy, cg_ladder_free);

static gboolean
parse_uint (const gchar * s, guint max, guint * out)
{
  gchar *end = NULL;
  guint64 v;

  if (!s || !g_ascii_isdigit (*s))
    return FALSE;
  v = g_ascii_strtoull (s, &end, 10);
  if (end == s || *end != '\0' || v == 0 || v > max)
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

static gboolean
invalid (GError ** error, guint index, const gchar * name,
    const gchar * format, ...)
G_GNUC_PRINTF (4, 5);

     static gboolean
         invalid (GError ** error, guint index, const gchar * name,
    const gchar * format, ...)
{
  va_list args;
  gchar *what;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR,
      "rung %u ('%s'): %s", index + 1, name, what);
  g_free (what);
  return FALSE;
}

/* NAME:WIDTHxHEIGHT@KBPS; @spec is what follows the colon. */
static gboolean
parse_box (gchar * spec, guint index, CgRung * r, GError ** error)
{
  gchar *at = strchr (spec, '@');
  gchar *x;
  guint w, h;

  *at = '\0';
  x = strchr (spec, 'x');
  if (!x)
    return invalid (error, index, r->name, "size '%s' is not WIDTHxHEIGHT",
        spec);
  *x = '\0';
  if (!parse_uint (spec, SIZE_MAX_PX, &w) || !parse_uint (x + 1, SIZE_MAX_PX,
          &h))
    return invalid (error, index, r->name, "width and height must be "
        "1..16384");
  if (!parse_uint (at + 1, KBPS_MAX, &r->kbps))
    return invalid (error, index, r->name, "bitrate '%s' is not "
        "1..10000000 kbit/s", at + 1);
  r->box_width = w;
  r->box_height = h;
  return TRUE;
}

/* NNNp:KBPS; @spec is what follows the colon. */
static gboolean
parse_shorthand (const gchar * spec, guint index, CgRung * r, GError ** error)
{
  gsize len = strlen (r->name);
  gchar *num;
  guint h = 0;
  gboolean ok;

  if (len < 2 || (r->name[len - 1] != 'p' && r->name[len - 1] != 'P'))
    return invalid (error, index, r->name, "shorthand names are NNNp "
        "(e.g. 720p); use NAME:WIDTHxHEIGHT@KBPS otherwise");
  num = g_strndup (r->name, len - 1);
  ok = parse_uint (num, SIZE_MAX_PX, &h);
  g_free (num);
  if (!ok)
    return invalid (error, index, r->name, "height must be 1..16384");
  if (!parse_uint (spec, KBPS_MAX, &r->kbps))
    return invalid (error, index, r->name, "bitrate '%s' is not "
        "1..10000000 kbit/s", spec);
  r->box_width = 0;
  r->box_height = h;
  return TRUE;
}

/* One rung, already stripped; @entry is modified. */
static gboolean
parse_rung (gchar * entry, guint index, CgRung * r, GError ** error)
{
  gchar *colon = strchr (entry, ':');

  if (!colon || colon == entry)
    return invalid (error, index, entry, "expected NAME:WIDTHxHEIGHT@KBPS "
        "or NNNp:KBPS");
  *colon = '\0';
  if (strlen (entry) > NAME_MAX_LEN)
    return invalid (error, index, entry, "the name is longer than %s "
        "characters", G_STRINGIFY (NAME_MAX_LEN));
  g_strlcpy (r->name, entry, sizeof (r->name));
  if (strchr (colon + 1, '@'))
    return parse_box (colon + 1, index, r, error);
  return parse_shorthand (colon + 1, index, r, error);
}

/* Rungs go from best to lowest. */
static gboolean
check_order (const CgRung * prev, const CgRung * r, guint index,
    GError ** error)
{
  if (r->box_height > prev->box_height || r->kbps > prev->kbps)
    return invalid (error, index, r->name, "rungs must go from best to "
        "lowest (height and bitrate not increasing)");
  if (r->box_height == prev->box_height && r->kbps == prev->kbps &&
      r->box_width == prev->box_width)
    return invalid (error, index, r->name, "is the same as the rung "
        "before it");
  return TRUE;
}

/**
 * cg_ladder_parse:
 * @text: a ladder such as `2160p:16000,1080p:6000,720p:2500`
 * @error: return location for a %CG_CODE_VALIDATION_ERROR
 *
 * Parses @text (see the grammar above).
 *
 * Returns: (transfer full) (nullable): a new #CgLadder, or %NULL with
 *   @error set when @text is not a valid ladder
 */
CgLadder *
cg_ladder_parse (const gchar * text, GError ** error)
{
  CgLadder *ladder;
  gchar **entries;
  guint i;

  if (text == NULL || *text == '\0') {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR,
        "the ladder is empty");
    return NULL;
  }
  ladder = g_new0 (CgLadder, 1);
  entries = g_strsplit (text, ",", -1);
  for (i = 0; entries[i]; i++) {
    CgRung *r = &ladder->rungs[i];

    if (i == CG_LADDER_MAX_RUNGS) {
      g_set_error (error, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR,
          "more than %d rungs", CG_LADDER_MAX_RUNGS);
      goto fail;
    }
    if (!parse_rung (g_strstrip (entries[i]), i, r, error))
      goto fail;
    if (i > 0 && !check_order (&ladder->rungs[i - 1], r, i, error))
      goto fail;
    ladder->n_rungs = i + 1;
  }
  g_strfreev (entries);
  return ladder;

fail:
  g_strfreev (entries);
  cg_ladder_free (ladder);
  return NULL;
}

/**
 * cg_ladder_copy:
 * @ladder: a #CgLadder
 *
 * Copies @ladder.
 *
 * Returns: (transfer full): a copy of @ladder
 */
CgLadder *
cg_ladder_copy (const CgLadder * ladder)
{
  g_return_val_if_fail (ladder != NULL, NULL);

  return g_memdup2 (ladder, sizeof (CgLadder));
}

/**
 * cg_ladder_free:
 * @ladder: (transfer full): a #CgLadder
 *
 * Frees @ladder.
 */
void
cg_ladder_free (CgLadder * ladder)
{
  g_free (ladder);
}

/**
 * cg_ladder_to_string:
 * @ladder: a #CgLadder
 *
 * Prints @ladder in the grammar cg_ladder_parse() reads, without blanks:
 * `NNNp:KBPS` for shorthand rungs, `NAME:WIDTHxHEIGHT@KBPS` otherwise.
 *
 * Returns: (transfer full): the ladder as a string
 */
gchar *
cg_ladder_to_string (const CgLadder * ladder)
{
  GString *s;
  guint i;

  g_return_val_if_fail (ladder != NULL, NULL);

  s = g_string_new (NULL);
  for (i = 0; i < ladder->n_rungs; i++) {
    const CgRung *r = &ladder->rungs[i];

    if (i > 0)
      g_string_append_c (s, ',');
    if (r->box_width == 0)
      g_string_append_printf (s, "%s:%u", r->name, r->kbps);
    else
      g_string_append_printf (s, "%s:%dx%d@%u", r->name, r->box_width,
          r->box_height, r->kbps);
  }
  return g_string_free (s, FALSE);
}

/**
 * cg_ladder_get_n_rungs:
 * @ladder: a #CgLadder
 *
 * Counts the rungs of @ladder.
 *
 * Returns: the number of rungs (at least 1)
 */
guint
cg_ladder_get_n_rungs (const CgLadder * ladder)
{
  g_return_val_if_fail (ladder != NULL, 0);

  return ladder->n_rungs;
}

static const CgRung *
rung (const CgLadder * ladder, guint index)
{
  g_return_val_if_fail (ladder != NULL, NULL);
  g_return_val_if_fail (index < ladder->n_rungs, NULL);

  return &ladder->rungs[index];
}

/**
 * cg_ladder_get_rung_name:
 * @ladder: a #CgLadder
 * @index: a rung, 0 = the best
 *
 * Looks up the name of a rung.
 *
 * Returns: (transfer none): the rung's name (`1080p`, or the NAME of a
 *   bounding-box rung)
 */
const gchar *
cg_ladder_get_rung_name (const CgLadder * ladder, guint index)
{
  const CgRung *r = rung (ladder, index);

  return r ? r->name : NULL;
}

/**
 * cg_ladder_get_rung_bitrate:
 * @ladder: a #CgLadder
 * @index: a rung, 0 = the best
 *
 * Looks up the bitrate of a rung.
 *
 * Returns: the rung's bitrate in kbit/s
 */
guint
cg_ladder_get_rung_bitrate (const CgLadder * ladder, guint index)
{
  const CgRung *r = rung (ladder, index);

  return r ? r->kbps : 0;
}

/**
 * cg_ladder_get_rung_box:
 * @ladder: a #CgLadder
 * @index: a rung, 0 = the best
 * @width: (out) (optional): the bounding box width, 0 for a `NNNp` rung
 *   (whose width follows the input's aspect ratio)
 * @height: (out) (optional): the bounding box height
 *
 * The size a rung asks for, before it is fitted to an input
 * (cg_ladder_resolve_rung()).
 */
void
cg_ladder_get_rung_box (const CgLadder * ladder, guint index, gint * width,
    gint * height)
{
  const CgRung *r = rung (ladder, index);

  if (width)
    *width = r ? r->box_width : 0;
  if (height)
    *height = r ? r->box_height : 0;
}

/**
 * cg_ladder_find_rung:
 * @ladder: a #CgLadder
 * @name: a rung name
 *
 * Looks a rung up by name.
 *
 * Returns: the index of the first rung called @name, or -1
 */
gint
cg_ladder_find_rung (const CgLadder * ladder, const gchar * name)
{
  guint i;

  g_return_val_if_fail (ladder != NULL, -1);

  for (i = 0; name && i < ladder->n_rungs; i++)
    if (strcmp (ladder->rungs[i].name, name) == 0)
      return i;
  return -1;
}

/**
 * cg_ladder_check_index:
 * @ladder: a #CgLadder
 * @index: a rung index as a user gave it
 * @error: return location for a %CG_CODE_VALIDATION_ERROR
 *
 * Checks that @index names a rung of @ladder; the error message names the
 * valid range.
 *
 * Returns: %TRUE when 0 <= @index < cg_ladder_get_n_rungs()
 */
gboolean
cg_ladder_check_index (const CgLadder * ladder, gint index, GError ** error)
{
  g_return_val_if_fail (ladder != NULL, FALSE);

  if (index >= 0 && (guint) index < ladder->n_rungs)
    return TRUE;
  g_set_error (error, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR,
      "step %d is out of range: the ladder has %u rungs (0..%u)", index,
      ladder->n_rungs, ladder->n_rungs - 1);
  return FALSE;
}

static gint
round_even (gdouble v)
{
  gint r = (gint) (v / 2.0 + 0.5) * 2;

  return MAX (r, 2);
}

/* The size of @r for a @in_w x @in_h input; whether it does not upscale. */
static gboolean
fit (const CgRung * r, gint in_w, gint in_h, gint * w, gint * h)
{
  *h = r->box_height;
  *w = round_even ((gdouble) r->box_height * in_w / in_h);
  if (r->box_width > 0 && *w > r->box_width) {
    *w = r->box_width & ~1;
    *h = round_even ((gdouble) r->box_width * in_h / in_w);
  }
  if (r->box_height == in_h && *w <= in_w + 2) {
    /* the input's own size (within rounding) */
    *w = in_w;
    *h = in_h;
  }
  return *w <= in_w && *h <= in_h;
}

/**
 * cg_ladder_resolve_rung:
 * @ladder: a #CgLadder
 * @index: a rung, 0 = the best
 * @in_width: the input width, or 0 when unknown
 * @in_height: the input height, or 0 when unknown
 * @width: (out) (optional): the output width for this input
 * @height: (out) (optional): the output height for this input
 *
 * Fits a rung to an input: the output keeps the input's aspect ratio
 * inside the rung's box (widths rounded to even numbers; a rung of the
 * input's own height gives the input's size). A rung bigger than the input
 * would upscale and is not usable; when no rung is usable, the lowest rung
 * is, at the input's size. Without an input size, every rung is usable at
 * its box size.
 *
 * Returns: whether the rung is usable for this input
 */
gboolean
cg_ladder_resolve_rung (const CgLadder * ladder, guint index, gint in_width,
    gint in_height, gint * width, gint * height)
{
  const CgRung *r = rung (ladder, index);
  gint w = 0, h = 0, tw, th;
  gboolean usable, any = FALSE;
  guint i;

  if (r == NULL)
    return FALSE;
  if (in_width <= 0 || in_height <= 0) {
    w = r->box_width;
    h = r->box_height;
    usable = TRUE;
  } else {
    usable = fit (r, in_width, in_height, &w, &h);
    for (i = 0; !usable && !any && i < ladder->n_rungs; i++)
      any = fit (&ladder->rungs[i], in_width, in_height, &tw, &th);
    if (!usable && !any && index == ladder->n_rungs - 1) {
      w = in_width;
      h = in_height;
      usable = TRUE;
    }
  }
  if (width)
    *width = w;
  if (height)
    *height = h;
  return usable;
}
