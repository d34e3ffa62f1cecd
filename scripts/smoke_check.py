"""The checks of scripts/smoke-runtime.sh, in the runtime-only venv (standard library and
requirements.txt only).

    smoke_check.py pins         the venv holds nothing requirements.txt does not pin
    smoke_check.py imports      every module of bimtek/ imports
    smoke_check.py serve URL    the served app answers as an organiser expects
"""
from __future__ import annotations

import http.cookiejar
import importlib
import io
import pkgutil
import re
import subprocess
import sys
import time
import traceback
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COURSE = "KSP-KUTIM-2024"
ORGANISER = "organiser@bimtek.test"
DEMO_PASSWORD = "bimtek-demo"


def fail(message: str) -> None:
    print(f"Runtime smoke run failed: {message}", file=sys.stderr)
    sys.exit(1)


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def check_pins() -> None:
    root = Path(__file__).resolve().parent.parent
    pinned = {normalised(match) for match in re.findall(
        r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==", (root / "requirements.txt").read_text(),
        re.MULTILINE)}
    frozen = subprocess.run([sys.executable, "-m", "pip", "freeze"], check=True,
                            capture_output=True, text=True).stdout
    installed = {normalised(line.split("==")[0]) for line in frozen.splitlines() if "==" in line}
    if installed - pinned:
        fail(f"installed but not pinned in requirements.txt: {sorted(installed - pinned)}")
    print(f"{len(installed)} installed packages, each pinned in requirements.txt.")


def importer(error: ModuleNotFoundError) -> str:
    """The project's file and line that asked for the missing module."""
    root = Path(__file__).resolve().parent.parent
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if Path(frame.filename).resolve().is_relative_to(root)]
    last = frames[-1]
    return f"{Path(last.filename).resolve().relative_to(root)}:{last.lineno}"


def check_imports() -> None:
    """Modules imported only inside a function (the task worker, PDF joins) count too."""
    import bimtek

    names = ["app"] + [module.name for module in pkgutil.walk_packages(
        bimtek.__path__, prefix="bimtek.")]
    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            fail(f"{importer(error)} imports {error.name!r}, which requirements.txt does not "
                 "install.")
    print(f"{len(names)} modules import with requirements.txt alone.")


class Client:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str, *, expect: str) -> bytes:
        with self.opener.open(self.base_url + path, timeout=60) as response:
            body = response.read()
            kind = response.headers.get_content_type()
        if kind != expect:
            fail(f"GET {path} answered {kind}, not {expect}.")
        return body

    def post(self, path: str, fields: dict) -> str:
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(self.base_url + path, data=data, timeout=60) as response:
            return response.geturl()


def wait_until_up(client: Client) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            health = client.get("/healthz", expect="application/json")
        except OSError:
            if time.monotonic() > deadline:
                fail("gunicorn did not answer /healthz within 60 s.")
            time.sleep(0.3)
            continue
        if b'"ok"' not in health:
            fail(f"/healthz answered {health!r}.")
        return


def pdf_text(data: bytes, what: str) -> str:
    from pypdf import PdfReader

    if not data.startswith(b"%PDF-"):
        fail(f"{what} is not a PDF.")
    # Letter-spaced headings come back with spaces between letters: compare without any.
    return "".join("".join(page.extract_text().split())
                   for page in PdfReader(io.BytesIO(data)).pages)


def check_served(base_url: str) -> None:
    client = Client(base_url)
    wait_until_up(client)
    print("/healthz: ok")
    login_page = client.get("/login", expect="text/html").decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
    if token is None:
        fail("the login page has no CSRF token.")
    landed = client.post("/login", {"csrf_token": token.group(1), "email": ORGANISER,
                                    "password": DEMO_PASSWORD})
    if urllib.parse.urlsplit(landed).path == "/login":
        fail(f"the demo login {ORGANISER} was refused.")
    print(f"Logged in as {ORGANISER}.")
    agenda = pdf_text(client.get(f"/courses/{COURSE}/agenda.pdf", expect="application/pdf"),
                      "The agenda")
    if "Mitigasi" not in agenda or "ISHOMA" not in agenda:
        fail("the agenda PDF lacks the course's title or its sessions.")
    print("Agenda PDF: read back.")
    preview = pdf_text(client.get(f"/courses/{COURSE}/certificates/preview.pdf",
                                  expect="application/pdf"), "The certificate preview")
    if "SERTIFIKAT" not in preview.upper() or "MitigasidanPenanganan" not in preview:
        fail(f"the certificate preview lacks its heading or the course: {preview[:300]!r}")
    print("Certificate preview PDF: read back.")


if __name__ == "__main__":
    if sys.argv[1:] == ["pins"]:
        check_pins()
    elif sys.argv[1:] == ["imports"]:
        check_imports()
    elif len(sys.argv) == 3 and sys.argv[1] == "serve":
        check_served(sys.argv[2])
    else:
        fail(__doc__)
