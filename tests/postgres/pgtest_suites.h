/*
 * The suites of the PostgreSQL tests (one file each) and what each needs
 * from the environment; listed in meson.build, run one by name through
 * tests/check_main.c with pgtest_main.c reading the command line.
 */
#ifndef PGTEST_SUITES_H
#define PGTEST_SUITES_H

#include "pgtest.h"

Suite *pgt_migrate_suite(void);     /* MSG_TEST_PG_URI */
Suite *pgt_outage_suite(void);      /* MSG_TEST_PG_URI, MSG_TEST_PG_DIR, MSG_TEST_PG_CLUSTER */
Suite *pgt_idempotency_suite(void); /* MSG_TEST_PG_URI */
Suite *pgt_secrets_suite(void);     /* MSG_TEST_PG_URI */

#endif
