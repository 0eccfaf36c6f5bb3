#!/usr/bin/env python3
"""Mail load for the fault suite (stdlib only; runs inside the lab namespace).

  mailload.py load HOST TAG ACKS STOP
      Delivers numbered mails (subject TAG-N) over SMTP to HOST until the file STOP exists.
      Every mail the server acknowledged (250 after DATA) is appended to ACKS at once, so
      a fault in the middle of a session loses no record. A refused or broken session is
      retried with the next number after a short pause.
  mailload.py verify HOST TAG ACKS [TIMEOUT]
      Reads the mailbox over IMAP through HOST until every acknowledged TAG-N is there or
      TIMEOUT seconds passed; prints one JSON line {"acked", "found", "lost": [...]};
      exit 1 when an acknowledged mail is missing.
  mailload.py wait-login HOST SINCE [TIMEOUT]
      Tries an IMAP login every half second; prints the seconds from SINCE (epoch seconds)
      to the first that succeeds. Exit 1 on timeout.
"""
import imaplib
import json
import os
import re
import smtplib
import sys
import time
from email.message import EmailMessage

USER, PASSWORD, ADDRESS = "test", "labpass", "test@public.zimbraha.lan"


def load(host, tag, acks_path, stop_path):
    n = attempts = acked = 0
    smtp = None
    with open(acks_path, "a", buffering=1) as acks:
        while not os.path.exists(stop_path):
            n += 1
            attempts += 1
            msg = EmailMessage()
            msg["From"] = "load@lab.invalid"
            msg["To"] = ADDRESS
            msg["Subject"] = f"{tag}-{n}"
            msg.set_content(f"zimbra-ha fault suite mail {tag}-{n}\n")
            try:
                if smtp is None:
                    smtp = smtplib.SMTP(host, 25, timeout=10)
                smtp.send_message(msg)
                acks.write(f"{n}\n")
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


def mailbox_numbers(host, tag):
    imap = imaplib.IMAP4(host, 143, timeout=20)
    try:
        imap.login(USER, PASSWORD)
        imap.select("INBOX", readonly=True)
        typ, data = imap.search(None, "SUBJECT", f'"{tag}-"')
        ids = data[0].split() if typ == "OK" else []
        found = set()
        for start in range(0, len(ids), 500):
            chunk = b",".join(ids[start:start + 500])
            typ, parts = imap.fetch(chunk, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            for part in parts:
                if isinstance(part, tuple):
                    m = re.search(rf"{re.escape(tag)}-(\d+)", part[1].decode(errors="replace"))
                    if m:
                        found.add(int(m.group(1)))
        return found
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def verify(host, tag, acks_path, timeout):
    with open(acks_path) as f:
        acked = {int(line) for line in f if line.strip()}
    deadline = time.time() + timeout
    found = set()
    while True:
        try:
            found = mailbox_numbers(host, tag)
        except (OSError, imaplib.IMAP4.error):
            pass
        lost = sorted(acked - found)
        if not lost or time.time() > deadline:
            break
        time.sleep(3)
    print(json.dumps({"acked": len(acked), "found": len(found & acked), "lost": lost}))
    return 1 if lost else 0


def wait_login(host, since, timeout):
    deadline = since + timeout
    while time.time() < deadline:
        try:
            imap = imaplib.IMAP4(host, 143, timeout=5)
            imap.login(USER, PASSWORD)
            done = time.time()
            imap.logout()
            print(f"{done - since:.1f}")
            return 0
        except (OSError, imaplib.IMAP4.error):
            time.sleep(0.5)
    return 1


if __name__ == "__main__":
    action = sys.argv[1]
    if action == "load":
        load(*sys.argv[2:6])
    elif action == "verify":
        sys.exit(verify(*sys.argv[2:5], float(sys.argv[5]) if len(sys.argv) > 5 else 180))
    elif action == "wait-login":
        sys.exit(wait_login(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]) if len(sys.argv) > 4 else 600))
    else:
        sys.exit(__doc__)
