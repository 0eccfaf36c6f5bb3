#!/usr/bin/env python3
"""Mail load for the fault suite (stdlib only; runs inside the lab namespace).

Every mail is identified by its suite run, its tag and its number: subject "RUN TAG-N",
Message-ID <RUN.TAG.N@zimbra-ha.lab>. The read-back matches Message-IDs exactly and ignores
every message the mailbox held before the load began (its UIDs, recorded by `snapshot`), so
mail from an earlier run or fault never stands in for a lost one.

  mailload.py snapshot HOST OUT
      Records the mailbox's UIDVALIDITY and every UID in it (JSON) before a load starts.
  mailload.py load HOST RUN TAG ACKS STOP
      Delivers numbered mails over SMTP to HOST until the file STOP exists. Every mail the
      server acknowledged (250 after DATA) is appended to ACKS at once as "N EPOCH", so a
      fault in the middle of a session loses no record. A refused or broken session is
      retried with the next number after a short pause.
  mailload.py verify HOST RUN TAG ACKS SNAPSHOT [--since EPOCH] [--timeout SECONDS]
      Reads back over IMAP through HOST until every acknowledged mail is there or TIMEOUT
      (default 180) passed; prints one JSON line {"acked", "acked_since", "found", "lost",
      "duplicated", "unexpected", "before"}: lost = acknowledged and absent, duplicated =
      delivered more than once, unexpected = delivered but never acknowledged (the 250 was
      lost with its connection). acked_since counts the acknowledgements timestamped at or
      after EPOCH (the fault's start). Exit 1 when a mail is lost or the mailbox cannot be read.
  mailload.py remove HOST RUN TAG N
      Deletes mail RUN.TAG.N from the mailbox (the fault suite's self-test: a lost mail).
  mailload.py probe HOST OUT STOP
      Until the file STOP exists, once a second: SMTP and IMAP through HOST, each its greeting
      and a NOOP, appended to OUT as "EPOCH SMTP IMAP" (1 answered, 0 not).
  mailload.py outages OUT
      Prints {"samples", "smtp_longest_s", "imap_longest_s"}: the longest time, from the
      probes in OUT, in which each did not answer (first failed probe to next answered one).
  mailload.py wait-login HOST SINCE [TIMEOUT] [after-outage]
      Tries an IMAP login every half second; prints the seconds from SINCE (epoch seconds)
      to the first that succeeds (after-outage: the first after 3 s or more without one,
      for a planned move, where the old node answers until its IMAP stops). Exit 1 on
      timeout.
"""
import argparse
import collections
import imaplib
import json
import os
import re
import smtplib
import sys
import time
from email.message import EmailMessage

USER, PASSWORD, ADDRESS = "test", "labpass", "test@public.zimbraha.lan"
DOMAIN = "zimbra-ha.lab"


def message_id(run, tag, n):
    return f"<{run}.{tag}.{n}@{DOMAIN}>"


def load(host, run, tag, acks_path, stop_path):
    n = attempts = acked = 0
    smtp = None
    with open(acks_path, "a", buffering=1) as acks:
        while not os.path.exists(stop_path):
            n += 1
            attempts += 1
            msg = EmailMessage()
            msg["From"] = "load@lab.invalid"
            msg["To"] = ADDRESS
            msg["Subject"] = f"{run} {tag}-{n}"
            msg["Message-ID"] = message_id(run, tag, n)
            msg.set_content(f"zimbra-ha fault suite mail {run} {tag}-{n}\n")
            try:
                if smtp is None:
                    smtp = smtplib.SMTP(host, 25, timeout=10)
                smtp.send_message(msg)
                acks.write(f"{n} {time.time():.3f}\n")
                acked += 1
                time.sleep(0.2)
            except (OSError, smtplib.SMTPException):
                try:
                    if smtp is not None:
                        smtp.close()
                finally:
                    smtp = None
                time.sleep(0.5)
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    print(json.dumps({"attempts": attempts, "acked": acked}))


def imap_session(host):
    imap = imaplib.IMAP4(host, 143, timeout=20)
    imap.login(USER, PASSWORD)
    typ, _ = imap.select("INBOX", readonly=True)
    if typ != "OK":
        raise imaplib.IMAP4.error("cannot select INBOX")
    return imap


def uidvalidity(imap):
    typ, data = imap.status("INBOX", "(UIDVALIDITY)")
    m = re.search(rb"UIDVALIDITY (\d+)", data[0] or b"") if typ == "OK" else None
    if not m:
        raise imaplib.IMAP4.error("no UIDVALIDITY")
    return int(m.group(1))


def uid_search(imap, *criteria):
    typ, data = imap.uid("SEARCH", None, *criteria)
    if typ != "OK":
        raise imaplib.IMAP4.error(f"UID SEARCH {criteria} failed")
    return [int(u) for u in data[0].split()]


def snapshot(host, out_path):
    imap = imap_session(host)
    try:
        state = {"uidvalidity": uidvalidity(imap), "uids": uid_search(imap, "ALL"), "at": time.time()}
    finally:
        imap.logout()
    with open(out_path, "w") as out:
        json.dump(state, out)
    print(json.dumps({"messages": len(state["uids"])}))


def delivered(host, run, tag, before):
    """Counts per number N of this run's and tag's messages that arrived after the snapshot."""
    imap = imap_session(host)
    try:
        if uidvalidity(imap) != before["uidvalidity"]:
            raise RuntimeError("the mailbox's UIDVALIDITY changed since the snapshot: its messages cannot be told apart")
        old = set(before["uids"])
        uids = [u for u in uid_search(imap, "HEADER", "Message-ID", f'"{run}.{tag}."') if u not in old]
        pattern = re.compile(rf"<{re.escape(run)}\.{re.escape(tag)}\.(\d+)@{re.escape(DOMAIN)}>")
        counts = collections.Counter()
        for start in range(0, len(uids), 500):
            chunk = ",".join(str(u) for u in uids[start:start + 500])
            typ, parts = imap.uid("FETCH", chunk, "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            if typ != "OK":
                raise imaplib.IMAP4.error("UID FETCH failed")
            for part in parts:
                if isinstance(part, tuple):
                    m = pattern.search(part[1].decode(errors="replace"))
                    if m:
                        counts[int(m.group(1))] += 1
        return counts
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def verify(host, run, tag, acks_path, snapshot_path, since, timeout):
    with open(acks_path) as f:
        acks = {int(n): float(t) for n, t in (line.split() for line in f if line.strip())}
    with open(snapshot_path) as f:
        before = json.load(f)
    deadline = time.time() + timeout
    counts, error = collections.Counter(), None
    while True:
        try:
            counts, error = delivered(host, run, tag, before), None
        except (OSError, imaplib.IMAP4.error) as e:
            error = f"IMAP through {host}: {e or type(e).__name__}"
        except RuntimeError as e:
            error = str(e)
            break
        lost = sorted(set(acks) - set(counts))
        if not lost and error is None or time.time() > deadline:
            break
        time.sleep(3)
    result = {
        "run": run,
        "tag": tag,
        "acked": len(acks),
        "acked_since": sum(1 for t in acks.values() if since is not None and t >= since),
        "found": sum(1 for n in acks if counts[n]),
        "lost": sorted(set(acks) - set(counts)),
        "duplicated": sorted(n for n, c in counts.items() if c > 1),
        "unexpected": sorted(set(counts) - set(acks)),
        "before": len(before["uids"]),
        "error": error,
    }
    print(json.dumps(result))
    return 1 if result["lost"] or error else 0


def remove(host, run, tag, n):
    imap = imaplib.IMAP4(host, 143, timeout=20)
    try:
        imap.login(USER, PASSWORD)
        imap.select("INBOX")
        uids = uid_search(imap, "HEADER", "Message-ID", f'"{message_id(run, tag, n)}"')
        for uid in uids:
            imap.uid("STORE", str(uid), "+FLAGS", "(\\Deleted)")
        imap.expunge()
    finally:
        imap.logout()
    print(json.dumps({"removed": len(uids)}))
    return 0 if uids else 1


def wait_login(host, since, timeout, after_outage=False):
    """after_outage: only a login after at least 3 s without one counts (one slow answer
    from a busy node is not the outage of a move)."""
    deadline = since + timeout
    failing_since = None
    outage = not after_outage
    while time.time() < deadline:
        try:
            imap = imaplib.IMAP4(host, 143, timeout=5)
            imap.login(USER, PASSWORD)
            done = time.time()
            imap.logout()
            if outage:
                print(f"{done - since:.1f}")
                return 0
            failing_since = None
        except (OSError, imaplib.IMAP4.error):
            failing_since = failing_since or time.time()
            outage = outage or time.time() - failing_since >= 3
        time.sleep(0.5)
    return 1


def probe(host, out_path, stop_path):
    def smtp_ok():
        try:
            with smtplib.SMTP(host, 25, timeout=3) as smtp:
                return smtp.noop()[0] == 250
        except (OSError, smtplib.SMTPException):
            return False

    # The greeting and a NOOP only: a login a second would load the emulated node more than
    # the mail load itself does (the load's read-back logs in).
    def imap_ok():
        try:
            imap = imaplib.IMAP4(host, 143, timeout=3)
            ok = imap.noop()[0] == "OK"
            imap.logout()
            return ok
        except (OSError, imaplib.IMAP4.error):
            return False

    with open(out_path, "a") as out:
        while not os.path.exists(stop_path):
            began = time.time()
            out.write(f"{began:.1f} {int(smtp_ok())} {int(imap_ok())}\n")
            out.flush()
            time.sleep(max(0.0, 1.0 - (time.time() - began)))


def outages(out_path):
    rows = [line.split() for line in open(out_path) if line.strip()]
    longest = {}
    for column, name in ((1, "smtp"), (2, "imap")):
        worst, down_since = 0.0, None
        for row in rows:
            t, ok = float(row[0]), row[column] == "1"
            if not ok and down_since is None:
                down_since = t
            elif ok and down_since is not None:
                worst, down_since = max(worst, t - down_since), None
        if down_since is not None:
            worst = max(worst, float(rows[-1][0]) - down_since)
        longest[f"{name}_longest_s"] = round(worst, 1)
    print(json.dumps({"samples": len(rows), **longest}))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    action, args = sys.argv[1], sys.argv[2:]
    if action == "snapshot":
        snapshot(*args[:2])
    elif action == "load":
        load(*args[:5])
    elif action == "verify":
        p = argparse.ArgumentParser(prog="mailload.py verify")
        for name in ("host", "run", "tag", "acks", "snapshot"):
            p.add_argument(name)
        p.add_argument("--since", type=float)
        p.add_argument("--timeout", type=float, default=180)
        a = p.parse_args(args)
        sys.exit(verify(a.host, a.run, a.tag, a.acks, a.snapshot, a.since, a.timeout))
    elif action == "remove":
        sys.exit(remove(*args[:3], int(args[3])))
    elif action == "probe":
        probe(*args[:3])
    elif action == "outages":
        outages(args[0])
    elif action == "wait-login":
        sys.exit(wait_login(args[0], float(args[1]), float(args[2]) if len(args) > 2 else 600, args[3:4] == ["after-outage"]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
