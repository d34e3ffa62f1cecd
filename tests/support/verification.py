"""A certificate's file checked on the public verify page by upload."""
from __future__ import annotations

import io

from tests.support.web import csrf_token


def upload(client, data: bytes, name: str = "sertifikat.pdf"):
    token = csrf_token(client)
    return client.post("/verify/file", data={"csrf_token": token,
                                             "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def result(response) -> str:
    html = response.get_data(as_text=True)
    marker = 'data-testid="upload-result" data-result="'
    return html[html.index(marker) + len(marker):].split('"', 1)[0] if marker in html else ""
