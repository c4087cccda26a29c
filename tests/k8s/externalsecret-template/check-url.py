#!/usr/bin/env python3
"""Checks a rendered database URL the way libpq reads a postgresql:// URI:
percent-decoded user and password equal the secret's, host, port and database
are the environment's, and the query asks for verify-full against the system
CA store.

    check-url.py URL USERNAME PASSWORD HOST:PORT DBNAME
"""
import sys
import urllib.parse

url, user, password, endpoint, dbname = sys.argv[1:6]
u = urllib.parse.urlsplit(url)
problems = []
if u.scheme != "postgresql":
    problems.append("scheme %r" % u.scheme)
# userinfo is everything before the last '@'; libpq splits user:password at the first ':'.
userinfo, _, hostport = u.netloc.rpartition("@")
got_user, _, got_password = userinfo.partition(":")
if urllib.parse.unquote(got_user) != user:
    problems.append("user %r" % urllib.parse.unquote(got_user))
if urllib.parse.unquote(got_password) != password:
    problems.append("password decodes to %r" % urllib.parse.unquote(got_password))
if hostport != endpoint:
    problems.append("host:port %r, want %r" % (hostport, endpoint))
if u.path != "/" + dbname:
    problems.append("database %r, want %r" % (u.path, dbname))
if urllib.parse.parse_qs(u.query) != {"sslmode": ["verify-full"], "sslrootcert": ["system"]}:
    problems.append("query %r" % u.query)
if problems:
    print("%s: %s" % (url, "; ".join(problems)))
    sys.exit(1)
print(url)
