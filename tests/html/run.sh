#!/usr/bin/env bash
# The HTML report in a real browser. For each case it writes --format html,
# checks that nothing in the page can load from the network, renders it in
# headless Chromium (a screenshot, then the DOM after the script ran) and
# checks the screenshot, the verdict's key text, the pictures, and that the
# script ran to its end without an error; on the mission case it also runs
# the group filter (#filter=WORD), and a dump whose names carry markup must
# add no element to the page.
#
#   tests/html/run.sh BINARY     e.g. build/stackblame
#
# Prints one line per check and "html: N passed, M failed"; exits 1 on any
# failure, and when Chromium is missing (CI installs it: scripts/setup-deps.sh),
# 2 on a usage error. Needs python3 (stdlib only).
set -uo pipefail
if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 BINARY   (a built stackblame, e.g. build/stackblame)" >&2
  exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/../.."
browser=
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
  echo "html: Chromium not found; install it (apt-get install chromium) to run these checks" >&2
  echo "html: 0 passed, 1 failed"
  exit 1
fi
command -v python3 >/dev/null || { echo "html: python3 not found" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# The checks that read files, in Python: py WHAT ARGS... prints what it
# found and exits 1 when a check fails.
cat >"$tmp/check.py" <<'PY'
import re, struct, sys, zlib
from html.parser import HTMLParser

LOADS = {"src", "href", "xlink:href", "action", "formaction", "poster", "srcset",
         "background", "data", "manifest", "ping", "codebase"}

class Page(HTMLParser):
    """What the checks need of a page: its elements, attributes and texts."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.body, self.stack = [], [], {}, []
        self.errors = None
        self.verdict = None
        self.groups = []  # [hidden, text]
        self.count = ""
        self.styles = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        self.attrs.extend((tag, k, v or "") for k, v in attrs)
        if tag == "body":
            self.body = a
        mark = None
        if a.get("id") == "sb-errors":
            self.errors, mark = "", "errors"
        elif tag == "section" and a.get("id") == "verdict":
            self.verdict, mark = "", "verdict"
        elif tag == "details" and "grp" in (a.get("class") or "").split():
            self.groups.append(["hidden" in a, ""])
            mark = "group"
        elif a.get("id") == "sb-count":
            mark = "count"
        elif tag == "style":
            self.styles.append("")
            mark = "style"
        if tag not in ("br", "meta", "input", "path", "rect"):
            self.stack.append((tag, mark))
    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
    def handle_data(self, d):
        marks = {m for _, m in self.stack if m}
        if "errors" in marks:
            self.errors += d
        if "verdict" in marks:
            self.verdict += d
        if "group" in marks:
            self.groups[-1][1] += d
        if "count" in marks:
            self.count += d
        if "style" in marks:
            self.styles[-1] += d

def parse(path):
    p = Page()
    p.feed(open(path, encoding="utf-8", errors="replace").read())
    p.close()
    return p

def static(path):
    """Nothing that loads: every URL-bearing attribute points into the page
    or is data:, no @import or url(), a CSP that forbids loads."""
    raw = open(path, encoding="utf-8", errors="replace").read()
    p = parse(path)
    bad = ["<%s %s=%r>" % (t, k, v) for t, k, v in p.attrs
           if k.lower() in LOADS and not (v.startswith("#") or v.startswith("data:"))]
    bad += ["<%s>" % t for t, _ in p.tags if t in ("link", "base", "iframe", "frame", "object",
                                                    "embed", "img", "audio", "video", "source")]
    styles = " ".join(p.styles) + " ".join(v for _, k, v in p.attrs if k == "style")
    for pat in (r"@import", r"url\s*\("):
        if re.search(pat, styles, re.I):
            bad.append("style: " + pat)
    m = re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", raw, re.I)
    if m:
        bad.append("raw: " + raw[m.start():m.start() + 60])
    m = re.search(r"""url\(\s*["']?\s*https?:""", raw, re.I)
    if m:
        bad.append("raw: " + raw[m.start():m.start() + 60])
    csp = [a.get("content", "") for t, a in p.tags
           if t == "meta" and a.get("http-equiv", "").lower() == "content-security-policy"]
    if not csp or "default-src 'none'" not in csp[0]:
        bad.append("no Content-Security-Policy with default-src 'none'")
    scripts = [a for t, a in p.tags if t == "script"]
    if any("src" in a for a in scripts):
        bad.append("a <script src>")
    if bad:
        print("loads from outside the page: " + "; ".join(bad[:5]))
        return 1
    print("self-contained (%d bytes, %d inline scripts, CSP default-src 'none')"
          % (len(raw), len(scripts)))
    return 0

def png(path, width, height):
    """A PNG of the window's size whose pixels are not all one colour."""
    try:
        data = open(path, "rb").read()
    except OSError:
        print("no screenshot written")
        return 1
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        print("not a PNG")
        return 1
    w, h = struct.unpack(">II", data[16:24])
    idat, i = b"", 8
    while i + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[i:i + 8])
        if kind == b"IDAT":
            idat += data[i + 8:i + 8 + n]
        i += 12 + n
    pixels = zlib.decompress(idat)
    distinct = len(set(pixels[:2000000]))
    ok = (w, h) == (int(width), int(height)) and len(data) > 20000 and distinct > 16
    print("screenshot %dx%d, %d bytes, %d distinct byte values" % (w, h, len(data), distinct))
    return 0 if ok else 1

def ran_clean(p):
    """The script reached its end (data-ok) and recorded no error."""
    errs = []
    if p.body.get("data-ok") != "1":
        errs.append('no data-ok="1" on <body>: the script did not finish')
    if p.errors is None:
        errs.append("no #sb-errors element")
    elif p.errors.strip():
        errs.append("script error: " + p.errors.strip()[:200])
    return errs

def dom(path, words, min_pics, min_cycles):
    """The page after its script: clean, the verdict's words, the pictures."""
    p = parse(path)
    errs = ran_clean(p)
    verdict = re.sub(r"\s+", " ", p.verdict or "")
    for w in filter(None, words.split("|")):
        if w.lower() not in verdict.lower():
            errs.append("verdict lacks %r: %r" % (w, verdict[:160]))
    svgs = [a for t, a in p.tags if t == "svg" and "graph" in (a.get("class") or "").split()]
    cycles = [a for a in svgs if "cyc" in a.get("class", "").split()]
    if len(svgs) < int(min_pics) or len(cycles) < int(min_cycles):
        errs.append("%d pictures (%d cycles), want >= %s (%s)" % (len(svgs), len(cycles),
                                                                min_pics, min_cycles))
    roots = sum(1 for t, a in p.tags if t == "g" and a.get("class") == "root")
    if len(svgs) > len(cycles) and not roots:
        errs.append("a chain drawn without its root highlighted")
    if not p.groups:
        errs.append("no goroutine groups")
    if errs:
        print("; ".join(errs))
        return 1
    said = ", ".join(repr(w) for w in filter(None, words.split("|")))
    print('ran clean (data-ok="1", no script error); verdict says %s; %d pictures '
          "(%d cycles), %d groups" % (said, len(svgs), len(cycles), len(p.groups)))
    return 0

def filtered(path, word):
    """#filter=WORD: the groups shown are exactly those whose text has it."""
    p = parse(path)
    errs = ran_clean(p)
    shown = [t for hidden, t in p.groups if not hidden]
    hidden = [t for h, t in p.groups if h]
    if not shown or not hidden:
        errs.append("%d shown, %d hidden: the filter did nothing" % (len(shown), len(hidden)))
    if any(word.lower() not in t.lower() for t in shown):
        errs.append("a group without %r is shown" % word)
    if any(word.lower() in t.lower() for t in hidden):
        errs.append("a group with %r is hidden" % word)
    want = "%d of %d groups" % (len(shown), len(p.groups))
    if p.count.strip() != want:
        errs.append("count says %r, want %r" % (p.count.strip(), want))
    if errs:
        print("; ".join(errs))
        return 1
    print("filter %r: %s" % (word, want))
    return 0

def inert(path):
    """Markup from the input is text: the page has only its own elements."""
    p = parse(path)
    raw = open(path, encoding="utf-8", errors="replace").read()
    errs = ran_clean(p)
    scripts = sum(1 for t, _ in p.tags if t == "script")
    if scripts != 2:
        errs.append("%d <script> elements, want the page's own 2" % scripts)
    if any(t in ("img", "u") for t, _ in p.tags):
        errs.append("an element from the input")
    handlers = [k for _, k, _ in p.attrs if k.lower().startswith("on")]
    if handlers or "data-pwned" in p.body:
        errs.append("an event handler from the input: %r" % handlers[:3])
    if "&lt;script&gt;alert" not in raw or "&lt;u&gt;" not in raw:
        errs.append("the hostile text is not shown at all (check is vacuous)")
    if errs:
        print("; ".join(errs))
        return 1
    print("markup in the input stays text (2 scripts, no <img> or <u>, no handler)")
    return 0

what = sys.argv[1]
sys.exit({"static": static, "png": png, "dom": dom, "filtered": filtered,
          "inert": inert}[what](*sys.argv[2:]))
PY
py() { python3 "$tmp/check.py" "$@"; }
check() { # check LABEL COMMAND...: one line, ok or FAIL, with what the command printed
  local label=$1 msg
  shift
  if msg=$("$@" 2>&1); then ok "$label: $msg"; else bad "$label: ${msg:-failed}"; fi
}
chrome() {
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$tmp/profile" "$@" 2>>"$tmp/chromium.log"
}

# run_case NAME VERDICT_WORDS MIN_PICTURES MIN_CYCLES FILTER_WORD FILE...
# VERDICT_WORDS: '|'-separated, each must be in the verdict section.
run_case() {
  local name=$1 words=$2 pics=$3 cycles=$4 word=$5 html=$tmp/$1.html rc
  shift 5
  "$bin" --format html "$@" >"$html" 2>"$tmp/$name.err"
  rc=$?
  if [ "$rc" -gt 1 ] || [ ! -s "$html" ]; then
    bad "$name: --format html exited $rc: $(head -c 200 "$tmp/$name.err")"
    return
  fi
  check "$name: static" py static "$html"
  rm -f "$tmp/$name.png"
  chrome --screenshot="$tmp/$name.png" --window-size=1280,2000 "file://$html" >/dev/null
  check "$name: screenshot" py png "$tmp/$name.png" 1280 2000
  chrome --dump-dom "file://$html" >"$tmp/$name.dom"
  check "$name: DOM" py dom "$tmp/$name.dom" "$words" "$pics" "$cycles"
  if [ -n "$word" ]; then
    chrome --dump-dom "file://$html#filter=$word" >"$tmp/$name.filtered.dom"
    check "$name: filter" py filtered "$tmp/$name.filtered.dom" "$word"
  fi
}

m=fixtures/mission
run_case mission 'NetlinkSocket|PLEG relist|Suspected root' 1 0 NetlinkSocket \
  $m/kubelet.sigquit.txt $m/terway.sigquit.txt $m/terwayd.sigquit.txt
run_case deadlock 'cycle' 2 2 '' fixtures/deadlock/deadlock.sigquit.txt
crash=../shared/corpus/real/mhub-mqtt-broker-panic-closed-channel-go13.txt
if [ -f "$crash" ]; then
  run_case crash 'Crash|send on closed channel' 0 0 '' "$crash"
else
  echo "skip crash: $crash not present"
fi
run_case healthy 'Nothing is surely stuck' 0 0 '' fixtures/healthy/healthy.sigquit.txt

# Markup in function names, a file and a state: it must stay text. (No
# spaces in the function name: the parser takes a name up to a space.)
evil='<script>alert(1)</script>"><img/src=x/onerror=document.body.dataset.pwned=1>'
sed -e "s|account.(\*Account).credit(|account.(*Account).credit$evil(|" \
  -e "s|/usr/lib/go-1.19/src/runtime/proc.go|/src/<u>x</u>'\"/proc.go|" \
  -e "s|\[semacquire, 2 minutes\]|[semacquire<u>'\", 2 minutes]|" \
  fixtures/deadlock/deadlock.sigquit.txt >"$tmp/markup.txt"
if "$bin" --format html "$tmp/markup.txt" >"$tmp/markup.html" 2>/dev/null || [ $? -eq 1 ]; then
  check "markup: static" py static "$tmp/markup.html"
  chrome --dump-dom "file://$tmp/markup.html" >"$tmp/markup.dom"
  check "markup: DOM" py inert "$tmp/markup.dom"
else
  bad "markup: --format html failed"
fi

if [ "$fail" -gt 0 ] && [ -s "$tmp/chromium.log" ]; then
  echo "chromium's messages (last 10 lines):"
  tail -n 10 "$tmp/chromium.log"
fi
echo "html: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
