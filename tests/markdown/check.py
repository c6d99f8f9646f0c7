#!/usr/bin/env python3
"""check.py MARKDOWN-FILE HTML-FILE: the Markdown stackblame wrote, and
cmark-gfm's rendering of it (GitHub's renderer, --unsafe so that <details>
stays as GitHub keeps it). Checks what a reader of the ticket sees:
  - no literal markup in the rendered text (outside the <pre> stacks):
    no **, no backticks, no backslash escapes, no <details> as text;
  - every <details> opened is closed, and each holds a <pre>;
  - each numbered chain or deadlock list has one <li> per link: a link
    line never runs into the next one.
Prints one line per failure; exits 1 on any."""
import html
import re
import sys

md = open(sys.argv[1], encoding="utf-8").read()
out = open(sys.argv[2], encoding="utf-8").read()
bad = []
text = html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<pre>.*?</pre>", "", out, flags=re.S)))
for lit in ("**", "`", "\\(", "\\*", "\\_", "\\[", "<details>", "</details>", "<pre>"):
    if lit in text:
        i = text.index(lit)
        bad.append("literal %r in the rendered text: ...%s..." % (lit, text[max(0, i - 60):i + 30].replace("\n", " | ")))
if out.count("<details>") != out.count("</details>"):
    bad.append("%d <details> opened, %d closed" % (out.count("<details>"), out.count("</details>")))
if out.count("<details>") != out.count("<pre>"):
    bad.append("%d <details>, %d <pre>" % (out.count("<details>"), out.count("<pre>")))
# Links per chain in the Markdown: the numbered items under each heading.
for head, body in re.findall(r"^### ((?:Chain|Deadlock) [^\n]*)\n(.*?)(?=^### |\Z)", md, flags=re.S | re.M):
    want = len(re.findall(r"^\d+\. ", body, flags=re.M))
    i = out.find(html.escape(head.split(",")[0], quote=False))
    j = out.find("<h3>", i + 1)
    seg = out[i:j if j > 0 else len(out)]
    lists = len(re.findall(r"<ol[^>]*>", seg))
    # Top-level items: those left when the nested evidence lists are removed.
    top = len(re.findall(r"<li>", re.sub(r"<ul>.*?</ul>", "", seg, flags=re.S)))
    if top != want or lists != 1:
        bad.append("%s: %d links written, %d list items rendered in %d list(s)" % (head, want, top, lists))
for b in bad:
    print("FAIL " + b)
sys.exit(1 if bad else 0)
