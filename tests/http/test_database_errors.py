"""What a client sees when the database fails: /readyz answers 503 with
Retry-After while the database cannot be reached, and an error inside the
database that no retry fixes (a statement the database refuses) is a 500
problem that names no SQL, with the cause in the server log under the
request id. Each test has a variant per backend, and both run in each
backend's run: SQLite's file replaced by a folder (nothing can open it),
PostgreSQL cut off behind a relay; a trigger that refuses inserts into one
account, made with the sqlite3 module or psql."""
import json
import os
import sqlite3
import subprocess

import harness
from cases import ApiCase, new_account
from harness import PgProxy, Server

SUFFIXES = ("", "-wal", "-shm", "-journal")


class DatabaseErrorTest(ApiCase):
    # Servers of their own, stopped without the default 5 s drain delay.
    def create_on(self, srv, account=None):
        return srv.request("POST", "/v1/accounts/%d/messages" % (account or new_account()),
                           json_body={"sender_number": "5551234", "receiver_number": "5557654"})

    def assertReadyzDown(self, srv):
        r = srv.request("GET", "/readyz")
        self.assertProblem(r, 503)
        self.assertGreaterEqual(int(r.headers["Retry-After"]), 1)

    # ---- /readyz while the database is down ----

    def test_readyz__is_503_while_the_database_cannot_be_reached(self):
        if harness.BACKEND == "sqlite":
            self.readyz_sqlite_file_gone()
        else:
            self.readyz_postgres_cut_off()

    def readyz_sqlite_file_gone(self):
        # One connection, so that the one the pool drops is the only one.
        with Server(["--db-timeout-ms", "200", "--pool-size", "1", "--drain-delay-ms", "0"]) as srv:
            path = srv.database[len("sqlite:"):]
            self.assertEqual(self.create_on(srv).status, 201)
            self.assertEqual(srv.request("GET", "/readyz").status, 200)
            # A write lock past the timeout makes the server drop its connection...
            lock = sqlite3.connect(path, isolation_level=None, timeout=10)
            try:
                lock.execute("BEGIN EXCLUSIVE")
                self.assertEqual(self.create_on(srv).status, 503)
            finally:
                lock.execute("ROLLBACK")
                lock.close()
            # ...and with the file replaced by a folder no new one can open.
            for suffix in SUFFIXES:
                if os.path.exists(path + suffix):
                    os.rename(path + suffix, path + suffix + ".away")
            os.mkdir(path)
            try:
                self.assertReadyzDown(srv)
                self.assertEqual(self.create_on(srv).status, 503)
            finally:
                os.rmdir(path)
                for suffix in SUFFIXES:
                    if os.path.exists(path + suffix + ".away"):
                        os.rename(path + suffix + ".away", path + suffix)
            srv.wait_for_status("/readyz", 200)
            self.assertEqual(self.create_on(srv).status, 201)
            self.assertEqual(srv.stop(), 0)

    def readyz_postgres_cut_off(self):
        proxy = PgProxy(harness.PG_URI)
        try:
            with Server(["--db-timeout-ms", "1000", "--drain-delay-ms", "0"],
                        database=proxy.uri) as srv:
                self.assertEqual(srv.request("GET", "/readyz").status, 200)
                proxy.cut()
                self.assertReadyzDown(srv)
                proxy.restore()
                srv.wait_for_status("/readyz", 200)
                self.assertEqual(srv.stop(), 0)
        finally:
            proxy.close()

    # ---- a database error is a 500 ----

    def test_a_statement_the_database_refuses__is_500_naming_no_sql(self):
        account = new_account()
        with Server(["--drain-delay-ms", "0"]) as srv:
            self.assertEqual(self.create_on(srv, account).status, 201)
            refuse, allow = (self.sqlite_refusal if harness.BACKEND == "sqlite"
                             else self.postgres_refusal)(srv, account)
            refuse()
            try:
                r = self.create_on(srv, account)
                self.assertProblem(r, 500)
                body = r.body.decode()
                for leak in ("injected", "trigger", "INSERT", "sqlite", "postgres"):
                    self.assertNotIn(leak, body)
                self.assertEqual(self.create_on(srv).status, 201)  # other accounts still work
            finally:
                allow()
            self.assertEqual(self.create_on(srv, account).status, 201)
            self.assertEqual(srv.stop(), 0)
            causes = [e for e in srv.logs() if e.get("request_id") == r.headers["X-Request-Id"]]
            self.assertTrue(causes, "no log line for request %s" % r.headers["X-Request-Id"])
            self.assertIn("injected", json.dumps(causes))

    def sqlite_refusal(self, srv, account):
        path = srv.database[len("sqlite:"):]
        name = "refuse_%d" % account

        def run(sql):
            db = sqlite3.connect(path, isolation_level=None, timeout=10)
            try:
                db.execute(sql)
            finally:
                db.close()

        return (lambda: run("CREATE TRIGGER %s BEFORE INSERT ON messages WHEN NEW.account_id = %d"
                            " BEGIN SELECT RAISE(ABORT, 'injected refusal'); END" % (name, account)),
                lambda: run("DROP TRIGGER %s" % name))

    def postgres_refusal(self, srv, account):
        # The shared test database: the trigger refuses only this account,
        # which no other test uses.
        name = "refuse_%d" % account

        def psql(sql):
            subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", harness.PG_URI, "-c", sql],
                           check=True, capture_output=True, timeout=60)

        create = ("CREATE FUNCTION {n}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                  " RAISE EXCEPTION 'injected refusal'; END $$;"
                  " CREATE TRIGGER {n} BEFORE INSERT ON messages FOR EACH ROW"
                  " WHEN (NEW.account_id = {a}) EXECUTE FUNCTION {n}()").format(n=name, a=account)
        drop = "DROP TRIGGER {n} ON messages; DROP FUNCTION {n}()".format(n=name)
        return lambda: psql(create), lambda: psql(drop)
