#!/usr/bin/env python3
"""Write load for a multi-resource shape (runs inside the lab namespace).

Each target is NAME=URL, NAME the DRBD resource its writes land on (the name of its files in
ACKS_DIR: letters, digits, '.', '_', '-'):
  mysql://USER@HOST[:PORT]/DB        rows of table shapeload, each INSERT then COMMIT (PyMySQL)
  postgresql://USER@HOST[:PORT]/DB   the same with pg8000
  ldap://HOST[:PORT]/BASE-DN         entries cn=RUN-TAG-N,ou=shapeload,BASE-DN (objectClass
                                     device, description the epoch), bound as
                                     $SHAPELOAD_LDAP_BIND (default cn=admin,BASE-DN) (ldap3)
  http://HOST:PORT                   items RUN.TAG.N of lab/standin/standin.py (stdlib)
The password (SQL user, LDAP bind) comes from the environment variable SHAPELOAD_PASSWORD only;
a URL with a password in it is refused. PyMySQL, pg8000 and ldap3 (the pinned versions of
lab/shapeload/requirements.txt) are imported only for their targets: an http target needs
nothing but the standard library. A write is acknowledged when its COMMIT returned, the LDAP
add answered success, the PUT answered 201. RUN and TAG: letters, digits, '_', '-'.

  shapeload.py setup-sql --kind mysql|postgresql --db DB --user USER [--from HOST-PATTERN]
      Prints, to stdout, the SQL that creates the database, the table and the user (with the
      password of SHAPELOAD_PASSWORD; allowed from HOST-PATTERN, MySQL's host part, default
      '%'), idempotent, for the standard input of `mysql` or `psql` run as the database's
      superuser on the node. It holds the password: pipe it to the client's standard input
      (ssh NODE mysql <file, or through a pipe), never put it on a command line. PostgreSQL
      takes connections from the network only through a pg_hba.conf line such as
      "host DB USER 192.168.77.0/24 scram-sha-256" and listen_addresses, which SQL does not set.
      Table shapeload(run VARCHAR(64), tag VARCHAR(64), n INT, at DOUBLE, PRIMARY KEY(run,
      tag, n)), InnoDB on MySQL; the user may SELECT and INSERT on it.
  shapeload.py load RUN TAG ACKS_DIR STOP NAME=URL [NAME=URL ...] [--web NODE=URL ...]
      One writer per target writes numbered rows/items (one every 0.2 s) until the file STOP
      exists (or SIGTERM). Every acknowledged write is appended to ACKS_DIR/NAME.acks at once
      as "N EPOCH" (flushed and fsynced), so a fault in the middle loses no record. A refused
      or broken write (every connection times out within 10 s, so a failover is seen) is
      appended to ACKS_DIR/NAME.errors as "EPOCH N TYPE MESSAGE" (the message with the
      password masked), and the writer reconnects and goes on with the next number after
      0.5 s. Numbers go on after the highest one already in NAME.acks. At the end, this
      writer's counts to ACKS_DIR/NAME.load.json (as printed). --web NODE=URL: once a
      second a GET of URL (a node's own web front end), appended to ACKS_DIR/web-NODE.probe as
      "EPOCH 1" (an HTTP status below 500 within 3 s) or "EPOCH 0". Prints one JSON line per
      target at the end: {"resources": {NAME: {"attempts", "acked", "errors",
      "longest_gap_s"}}}.
  shapeload.py verify RUN TAG ACKS_DIR NAME=URL [NAME=URL ...] [--since EPOCH] [--timeout SECONDS]
      Reads every target back until every acknowledged write is there or TIMEOUT (default
      180) passed; prints one JSON line {"run", "tag", "resources": {NAME: {"acked",
      "acked_since", "found", "lost", "unexpected", "longest_gap_s", "errors", "lost_n",
      "error"}}, "acked", "lost", "unreadable"}: lost = acknowledged and absent (lost_n: the
      first 50 of their numbers), unexpected = present and never acknowledged (the
      acknowledgement was lost with its connection: not an error), acked_since = acknowledged
      at or after EPOCH (the fault's start), longest_gap_s = the longest time between two
      acknowledgements, errors = lines of NAME.errors, error = why the target could not be
      read at the last try (else null). A target never read has found, lost and unexpected
      null and is named in unreadable (its acknowledgements count in acked, not in lost).
      Exit 1 when anything acknowledged is lost or a target cannot be read.
  shapeload.py web-outages ACKS_DIR
      Prints {"nodes": {NODE: {"samples", "failed", "longest_s"}}} from ACKS_DIR/web-*.probe:
      longest_s the longest time a node's front end did not answer (first failed probe to the
      next answered one, or to the last probe).
"""
import argparse
import glob
import http.client
import json
import os
import re
import signal
import ssl
import sys
import threading
import time
import urllib.parse

TIMEOUT = 10  # seconds: connect, send and receive, so a hung connection shows a failover
NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
WORD = re.compile(r"[A-Za-z0-9_-]{1,40}")
SQL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")
PASSWORD_VAR = "SHAPELOAD_PASSWORD"


class Refused(Exception):
    """The service answered, but did not acknowledge the write."""


def fail(message):
    print(f"shapeload.py: {message}", file=sys.stderr)
    sys.exit(2)


def password():
    return os.environ.get(PASSWORD_VAR, "")


def sanitize(e):
    """The exception's type and a one-line message without the password."""
    detail = e.args[0] if len(e.args) == 1 else None
    if isinstance(detail, dict) and "M" in detail:  # pg8000: the server's fields
        text = f"{detail.get('C', '')} {detail['M']}"
    else:
        text = str(e)
    text = " ".join(text.split())[:300]
    secret = password()
    if secret:
        text = text.replace(secret, "***")
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


# ---- targets ------------------------------------------------------------------------------
class Target:
    def __init__(self, name, url):
        if not NAME.fullmatch(name):
            fail(f"target name {name!r}: letters, digits, '.', '_', '-' only")
        self.name = name
        u = urllib.parse.urlsplit(url)
        if u.password is not None:
            fail(f"target {name}: a password in the URL; give it in ${PASSWORD_VAR}")
        self.kind = u.scheme
        try:
            self.host, self.port = u.hostname, u.port
        except ValueError:
            fail(f"target {name}: bad port")
        if not self.host:
            fail(f"target {name}: no host")
        self.user = urllib.parse.unquote(u.username or "")
        self.path = urllib.parse.unquote(u.path.lstrip("/"))
        if self.kind in ("mysql", "postgresql"):
            if not self.user or not self.path:
                fail(f"target {name}: {self.kind}://USER@HOST[:PORT]/DB")
            self.port = self.port or (3306 if self.kind == "mysql" else 5432)
        elif self.kind == "ldap":
            if not self.path:
                fail(f"target {name}: ldap://HOST[:PORT]/BASE-DN")
            self.port = self.port or 389
            self.bind = os.environ.get("SHAPELOAD_LDAP_BIND") or f"cn=admin,{self.path}"
            self.ou = f"ou=shapeload,{self.path}"
        elif self.kind == "http":
            self.port = self.port or 80
        else:
            fail(f"target {name}: a mysql://, postgresql://, ldap:// or http:// URL")
        self.conn = None

    def __str__(self):
        return f"{self.name} ({self.kind}://{self.host}:{self.port})"

    # -- connections (SQL and LDAP: one kept and reopened after an error; HTTP: one a write)
    def connect(self):
        if self.kind == "mysql":
            import pymysql

            return pymysql.connect(host=self.host, port=self.port, user=self.user, password=password(),
                                   database=self.path, connect_timeout=TIMEOUT, read_timeout=TIMEOUT,
                                   write_timeout=TIMEOUT, autocommit=False)
        if self.kind == "postgresql":
            import pg8000.dbapi

            return pg8000.dbapi.connect(user=self.user, host=self.host, port=self.port, database=self.path,
                                        password=password(), timeout=TIMEOUT, application_name="shapeload")
        if self.kind == "ldap":
            import ldap3

            server = ldap3.Server(self.host, port=self.port, connect_timeout=TIMEOUT)
            conn = ldap3.Connection(server, user=self.bind, password=password(), receive_timeout=TIMEOUT,
                                    raise_exceptions=False)
            if not conn.bind():
                raise Refused(f"bind as {self.bind}: {conn.result.get('description')}")
            return conn
        return None

    def close(self):
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            if self.kind == "ldap":
                conn.unbind()
            else:
                conn.close()
        except Exception:  # noqa: BLE001 - a broken connection may fail to close
            pass

    def session(self):
        if self.conn is None:
            self.conn = self.connect()
            if self.kind == "ldap":
                self.ensure_ou()
        return self.conn

    def ensure_ou(self):
        if not self.conn.add(self.ou, ["organizationalUnit"], {"ou": "shapeload"}):
            if self.conn.result.get("description") != "entryAlreadyExists":
                raise Refused(f"add {self.ou}: {self.conn.result.get('description')}")

    def http(self, method, path, body=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    # -- one write; returns only when it was acknowledged
    def write(self, run, tag, n, at):
        if self.kind in ("mysql", "postgresql"):
            conn = self.session()
            cursor = conn.cursor()
            try:
                cursor.execute("INSERT INTO shapeload (run, tag, n, at) VALUES (%s, %s, %s, %s)", (run, tag, n, at))
            finally:
                cursor.close()
            conn.commit()
        elif self.kind == "ldap":
            conn = self.session()
            if not conn.add(f"cn={run}-{tag}-{n},{self.ou}", ["device"], {"description": f"{at:.3f}"}):
                raise Refused(f"add: {conn.result.get('description')} {conn.result.get('message', '')}".strip())
        else:
            status, _ = self.http("PUT", f"/items/{run}.{tag}.{n}", f"{run} {tag} {n} {at:.3f}\n".encode())
            if status != 201:
                raise Refused(f"PUT answered {status}")

    # -- read back: the numbers present
    def present(self, run, tag):
        if self.kind in ("mysql", "postgresql"):
            conn = self.connect()
            try:
                cursor = conn.cursor()
                cursor.execute("SELECT n FROM shapeload WHERE run = %s AND tag = %s", (run, tag))
                found = {int(row[0]) for row in cursor.fetchall()}
                conn.commit()
                return found
            finally:
                conn.close()
        if self.kind == "ldap":
            conn = self.connect()
            try:
                prefix = f"{run}-{tag}-"
                entries = conn.extend.standard.paged_search(self.ou, f"(cn={escape_filter(prefix)}*)",
                                                            search_scope="LEVEL", attributes=["cn"],
                                                            paged_size=500, generator=True)
                found = set()
                for entry in entries:
                    if entry.get("type") != "searchResEntry":
                        continue
                    for cn in entry["attributes"].get("cn", []):
                        rest = cn[len(prefix):] if cn.startswith(prefix) else ""
                        if rest.isdigit():
                            found.add(int(rest))
                result = conn.result or {}
                if result.get("result", 0) not in (0, 32):  # 32: no ou=shapeload yet, nothing written
                    raise Refused(f"search: {result.get('description')}")
                return found
            finally:
                conn.unbind()
        prefix = f"{run}.{tag}."
        status, body = self.http("GET", "/items?" + urllib.parse.urlencode({"prefix": prefix}))
        if status != 200:
            raise Refused(f"GET /items answered {status}")
        found = set()
        for line in body.decode().splitlines():
            rest = line[len(prefix):] if line.startswith(prefix) else ""
            if rest.isdigit():
                found.add(int(rest))
        return found


def escape_filter(value):
    return "".join(f"\\{ord(c):02x}" if c in "*()\\\0" else c for c in value)


def parse_targets(specs):
    targets = []
    for spec in specs:
        name, sep, url = spec.partition("=")
        if not sep:
            fail(f"a target is NAME=URL, not {spec!r}")
        targets.append(Target(name, url))
    if len({t.name for t in targets}) != len(targets):
        fail("two targets with one name")
    return targets


def check_words(run, tag):
    for word in (run, tag):
        if not WORD.fullmatch(word):
            fail(f"RUN and TAG: letters, digits, '_', '-' (up to 40), not {word!r}")


# ---- the acknowledgements ---------------------------------------------------------------
def read_acks(path):
    acks = {}
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2:  # a line cut by a crash mid-write is no acknowledgement
                    try:
                        acks[int(parts[0])] = float(parts[1])
                    except ValueError:
                        pass
    except FileNotFoundError:
        pass
    return acks


def longest_gap(times):
    times = sorted(times)
    return round(max((b - a for a, b in zip(times, times[1:])), default=0.0), 1)


def count_lines(path):
    try:
        with open(path) as f:
            return sum(1 for line in f if line.strip())
    except FileNotFoundError:
        return 0


# ---- load ---------------------------------------------------------------------------------
def writer(target, run, tag, acks_dir, stopped, summary):
    acks_path = os.path.join(acks_dir, f"{target.name}.acks")
    errors_path = os.path.join(acks_dir, f"{target.name}.errors")
    n = max(read_acks(acks_path), default=0)
    attempts = acked = errors = 0
    last = gap = None
    with open(acks_path, "a") as acks, open(errors_path, "a") as errs:
        while not stopped():
            n += 1
            attempts += 1
            try:
                target.write(run, tag, n, time.time())
                now = time.time()
                acks.write(f"{n} {now:.3f}\n")
                acks.flush()
                os.fsync(acks.fileno())
                acked += 1
                gap = max(gap or 0.0, now - last) if last is not None else gap
                last = now
                time.sleep(0.2)
            except Exception as e:  # noqa: BLE001 - any failure: not acknowledged, reconnect
                errors += 1
                errs.write(f"{time.time():.3f} {n} {sanitize(e)}\n")
                errs.flush()
                target.close()
                time.sleep(0.5)
    target.close()
    summary[target.name] = {"attempts": attempts, "acked": acked, "errors": errors,
                            "longest_gap_s": round(gap or 0.0, 1)}
    with open(os.path.join(acks_dir, f"{target.name}.load.json"), "w") as f:
        json.dump(summary[target.name], f)


def web_ok(url):
    u = urllib.parse.urlsplit(url)
    try:
        if u.scheme == "https":
            conn = http.client.HTTPSConnection(u.hostname, u.port or 443, timeout=3,
                                               context=ssl._create_unverified_context())
        else:
            conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=3)
        try:
            conn.request("GET", (u.path or "/") + (f"?{u.query}" if u.query else ""))
            response = conn.getresponse()
            response.read()
            return response.status < 500
        finally:
            conn.close()
    except (OSError, http.client.HTTPException):
        return False


def web_probe(node, url, acks_dir, stopped):
    with open(os.path.join(acks_dir, f"web-{node}.probe"), "a") as out:
        while not stopped():
            began = time.time()
            out.write(f"{began:.1f} {int(web_ok(url))}\n")
            out.flush()
            time.sleep(max(0.0, 1.0 - (time.time() - began)))


def load(run, tag, acks_dir, stop_path, targets, webs):
    check_words(run, tag)
    os.makedirs(acks_dir, exist_ok=True)
    signalled = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: signalled.set())

    def stopped():
        return signalled.is_set() or os.path.exists(stop_path)

    summary = {}
    threads = [threading.Thread(target=writer, args=(t, run, tag, acks_dir, stopped, summary), daemon=True)
               for t in targets]
    for spec in webs:
        node, sep, url = spec.partition("=")
        if not sep or not NAME.fullmatch(node) or urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            fail(f"--web NODE=http(s)://HOST[:PORT]/PATH, not {spec!r}")
        threads.append(threading.Thread(target=web_probe, args=(node, url, acks_dir, stopped), daemon=True))
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        for thread in threads:
            thread.join(0.5)
    print(json.dumps({"resources": summary}))
    return 0


# ---- verify -------------------------------------------------------------------------------
def verify(run, tag, acks_dir, targets, since, timeout):
    check_words(run, tag)
    acks = {t.name: read_acks(os.path.join(acks_dir, f"{t.name}.acks")) for t in targets}
    found = {t.name: None for t in targets}  # None: never read
    errors = {t.name: None for t in targets}
    deadline = time.time() + timeout
    pending = list(targets)
    while True:
        for t in pending:
            try:
                found[t.name], errors[t.name] = t.present(run, tag), None
            except Exception as e:  # noqa: BLE001 - the target could not be read; retried
                errors[t.name] = f"{t}: {sanitize(e)}"
        pending = [t for t in targets if errors[t.name] or set(acks[t.name]) - found[t.name]]
        if not pending or time.time() > deadline:
            break
        time.sleep(3)
    resources = {}
    for t in targets:
        a, f = acks[t.name], found[t.name]
        lost = sorted(set(a) - f) if f is not None else []
        resources[t.name] = {
            "acked": len(a),
            "acked_since": sum(1 for at in a.values() if since is not None and at >= since),
            "found": len(set(a) & f) if f is not None else None,
            "lost": len(lost) if f is not None else None,
            "unexpected": len(f - set(a)) if f is not None else None,
            "longest_gap_s": longest_gap(a.values()),
            "errors": count_lines(os.path.join(acks_dir, f"{t.name}.errors")),
            "lost_n": lost[:50],
            "error": errors[t.name],
        }
    result = {
        "run": run,
        "tag": tag,
        "resources": resources,
        "acked": sum(r["acked"] for r in resources.values()),
        "lost": sum(r["lost"] or 0 for r in resources.values()),
        "unreadable": [name for name, f in found.items() if f is None],
    }
    print(json.dumps(result))
    return 1 if result["lost"] or any(errors.values()) else 0


# ---- web outages --------------------------------------------------------------------------
def web_outages(acks_dir):
    nodes = {}
    for path in sorted(glob.glob(os.path.join(acks_dir, "web-*.probe"))):
        node = os.path.basename(path)[len("web-"):-len(".probe")]
        rows = []
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and parts[1] in ("0", "1"):
                    rows.append((float(parts[0]), parts[1] == "1"))
        worst, down_since = 0.0, None
        for t, ok in rows:
            if not ok and down_since is None:
                down_since = t
            elif ok and down_since is not None:
                worst, down_since = max(worst, t - down_since), None
        if down_since is not None:
            worst = max(worst, rows[-1][0] - down_since)
        nodes[node] = {"samples": len(rows), "failed": sum(1 for _, ok in rows if not ok),
                       "longest_s": round(worst, 1)}
    print(json.dumps({"nodes": nodes}))
    return 0


# ---- setup SQL ----------------------------------------------------------------------------
def sql_literal(value):
    if "\\" in value or any(ord(c) < 32 for c in value):
        fail(f"${PASSWORD_VAR}: no backslash or control character (it goes into an SQL literal)")
    return "'" + value.replace("'", "''") + "'"


def setup_sql(kind, db, user, host_pattern):
    for word in (db, user):
        if not SQL_NAME.fullmatch(word):
            fail(f"--db and --user: a letter or '_', then letters, digits, '_' (up to 32), not {word!r}")
    secret = password()
    if not secret:
        fail(f"${PASSWORD_VAR} is empty")
    pw = sql_literal(secret)
    if kind == "mysql":
        if "'" in host_pattern or "\\" in host_pattern:
            fail("--from: no quote or backslash")
        account = f"'{user}'@'{host_pattern}'"
        lines = [
            f"CREATE DATABASE IF NOT EXISTS `{db}`;",
            f"CREATE USER IF NOT EXISTS {account} IDENTIFIED BY {pw};",
            f"ALTER USER {account} IDENTIFIED BY {pw};",
            f"CREATE TABLE IF NOT EXISTS `{db}`.shapeload (run VARCHAR(64) NOT NULL, tag VARCHAR(64) NOT NULL, "
            "n INT NOT NULL, at DOUBLE NOT NULL, PRIMARY KEY (run, tag, n)) ENGINE=InnoDB;",
            f"GRANT SELECT, INSERT ON `{db}`.shapeload TO {account};",
        ]
    else:
        lines = [
            "\\set ON_ERROR_STOP on",
            "SET client_min_messages = warning;",
            f"SELECT 'CREATE ROLE {user} LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{user}')"
            " \\gexec",
            f"ALTER ROLE {user} WITH LOGIN PASSWORD {pw};",
            f"SELECT 'CREATE DATABASE {db}' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{db}')"
            " \\gexec",
            f"GRANT CONNECT ON DATABASE {db} TO {user};",
            f"\\connect {db}",
            "SET client_min_messages = warning;",
            "CREATE TABLE IF NOT EXISTS shapeload (run VARCHAR(64) NOT NULL, tag VARCHAR(64) NOT NULL, "
            "n INT NOT NULL, at DOUBLE PRECISION NOT NULL, PRIMARY KEY (run, tag, n));",
            f"GRANT SELECT, INSERT ON shapeload TO {user};",
        ]
    print("\n".join(lines))
    return 0


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        sys.exit(__doc__)
    action, args = sys.argv[1], sys.argv[2:]
    if action == "setup-sql":
        p = argparse.ArgumentParser(prog="shapeload.py setup-sql")
        p.add_argument("--kind", choices=("mysql", "postgresql"), required=True)
        p.add_argument("--db", required=True)
        p.add_argument("--user", required=True)
        p.add_argument("--from", dest="host_pattern", default="%")
        a = p.parse_args(args)
        sys.exit(setup_sql(a.kind, a.db, a.user, a.host_pattern))
    elif action == "load":
        p = argparse.ArgumentParser(prog="shapeload.py load")
        for name in ("run", "tag", "acks_dir", "stop"):
            p.add_argument(name)
        p.add_argument("targets", nargs="+", metavar="NAME=URL")
        p.add_argument("--web", action="append", default=[], metavar="NODE=URL")
        a = p.parse_intermixed_args(args)
        sys.exit(load(a.run, a.tag, a.acks_dir, a.stop, parse_targets(a.targets), a.web))
    elif action == "verify":
        p = argparse.ArgumentParser(prog="shapeload.py verify")
        for name in ("run", "tag", "acks_dir"):
            p.add_argument(name)
        p.add_argument("targets", nargs="+", metavar="NAME=URL")
        p.add_argument("--since", type=float)
        p.add_argument("--timeout", type=float, default=180)
        a = p.parse_intermixed_args(args)
        sys.exit(verify(a.run, a.tag, a.acks_dir, parse_targets(a.targets), a.since, a.timeout))
    elif action == "web-outages" and len(args) == 1:
        sys.exit(web_outages(args[0]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
