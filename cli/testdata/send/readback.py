"""Reads a stored message with Python's email package (an independent MIME
parser) and prints what a test compares, as JSON: the decoded Subject, the
address headers, the text body, every attachment (decoded file name, SHA-256
and length of its bytes), whether a Bcc header exists, and the longest line
in octets.

usage: readback.py FILE.eml
"""
import email
import email.policy
import hashlib
import json
import sys

raw = open(sys.argv[1], "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.default)
out = {
    "subject": str(m["Subject"]),
    "from": str(m["From"]),
    "to": str(m["To"]),
    "cc": str(m["Cc"]) if m["Cc"] else None,
    "has_bcc": "Bcc" in m,
    "longest_line": max(len(l) for l in raw.split(b"\r\n")),
    "bare_lf": b"\n" in raw.replace(b"\r\n", b""),
    "defects": [str(d) for d in m.defects],
    "attachments": [],
}
body = m.get_body(preferencelist=("plain",))
out["text"] = body.get_content().replace("\r\n", "\n") if body else None
for part in m.iter_attachments():
    data = part.get_payload(decode=True)
    out["attachments"].append({
        "filename": part.get_filename(),
        "content_type": part.get_content_type(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "length": len(data),
    })
print(json.dumps(out))
