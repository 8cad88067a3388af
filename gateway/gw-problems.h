/* camguard-gateway - lists of validation problems
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <camguard.h>

G_BEGIN_DECLS

/* One thing wrong with an input: the field (a key of the file, or a JSON
 * path such as "retry.max-delay") and what is wrong with it. */
typedef struct
{
  gchar *field;
  gchar *problem;
} GwProblem;

GPtrArray *gw_problems_new (void);
void gw_problems_add (GPtrArray * problems, const gchar * field,
    const gchar * format, ...) G_GNUC_PRINTF (3, 4);
CgError *gw_problems_to_error (GPtrArray * problems, const gchar * message);

G_END_DECLS
