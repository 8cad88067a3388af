/* camguard-gateway - lists of validation problems
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-problems
 * @title: Problems
 * @short_description: everything wrong with an input, then one error
 *
 * Validation collects every problem (a field and what is wrong with it)
 * before it fails, so that a user fixes a configuration or a request body
 * in one go. The configuration prints them one a line with file and group;
 * the API gets one VALIDATION_ERROR whose details list them all.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-problems.h"

static void
problem_free (gpointer p)
{
  GwProblem *problem = p;

  g_free (problem->field);
  g_free (problem->problem);
  g_free (problem);
}

/**
 * gw_problems_new:
 *
 * Returns: (transfer full) (element-type GwProblem): an empty list of
 *   problems
 */
GPtrArray *
gw_problems_new (void)
{
  return g_ptr_array_new_with_free_func (problem_free);
}

/**
 * gw_problems_add:
 * @problems: (element-type GwProblem): a list of problems
 * @field: the key or JSON path that is wrong
 * @format: what is wrong, printf-style
 * @...: the arguments of @format
 *
 * Adds one problem; its text is redacted with cg_redact().
 */
void
gw_problems_add (GPtrArray * problems, const gchar * field,
    const gchar * format, ...)
{
  GwProblem *p = g_new0 (GwProblem, 1);
  g_autofree gchar *text = NULL;
  va_list ap;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  p->field = g_strdup (field);
  p->problem = cg_redact (text);
  g_ptr_array_add (problems, p);
}

/**
 * gw_problems_to_error:
 * @problems: (element-type GwProblem): a non-empty list of problems
 * @message: (nullable): the error's message, or %NULL for the catalogue's
 *
 * Returns: (transfer full): a VALIDATION_ERROR whose details hold `fields`,
 *   an array of `{field, reason}` (the shape gw_params_finish() gives
 *   too), one per problem
 */
CgError *
gw_problems_to_error (GPtrArray * problems, const gchar * message)
{
  CgError *e = cg_error_new (CG_CODE_VALIDATION_ERROR, message);
  GValue array = G_VALUE_INIT;
  guint i;

  gst_value_array_init (&array, problems->len);
  for (i = 0; i < problems->len; i++) {
    GwProblem *p = g_ptr_array_index (problems, i);
    GValue v = G_VALUE_INIT;

    g_value_init (&v, GST_TYPE_STRUCTURE);
    g_value_take_boxed (&v, gst_structure_new ("field", "field",
            G_TYPE_STRING, p->field, "reason", G_TYPE_STRING, p->problem,
            NULL));
    gst_value_array_append_and_take_value (&array, &v);
  }
  gst_structure_set_value (cg_error_get_details_writable (e), "fields", &array);
  g_value_unset (&array);
  return e;
}
