"""WARC archive: request/response pairs with digests, offsets the database can point at,
rotation, and reading back past a torn tail."""
from __future__ import annotations

import base64
import hashlib
import os

from warcio.archiveiterator import ArchiveIterator

from pipeline.harvest.archive import WarcArchive, iter_responses, read_response


def write(archive, n, body=b"<html>trang</html>", headers=None):
    return archive.write_exchange(
        url=f"https://baolaocai.vn/a-post{n}.html", request_headers={"User-Agent": "DTIHarvesterTest/1.0"},
        status=200, reason="OK", body=body,
        response_headers=headers or [("Content-Type", "text/html; charset=utf-8"), ("ETag", f'"{n}"')])


def test_pairs_with_digests_and_offsets(tmp_path):
    a = WarcArchive(tmp_path)
    body = "Lào Cai xếp thứ 14/34".encode()
    file, offset = write(a, 1, body, [("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
                                       ("Content-Length", "7"), ("Transfer-Encoding", "chunked")])
    a.close()
    rec = read_response(tmp_path, file, offset)
    assert rec.body == body and rec.status == 200 and rec.url == "https://baolaocai.vn/a-post1.html"
    # the stored body is decoded; the original encoding is kept under the pywb name
    assert rec.headers["x-archive-orig-content-encoding"] == "gzip"
    assert rec.headers["content-length"] == str(len(body)) and "transfer-encoding" not in rec.headers
    with open(tmp_path / file, "rb") as f:
        records = list((r.rec_type, r.rec_headers.get_header("WARC-Payload-Digest"),
                        r.rec_headers.get_header("WARC-Concurrent-To"), r.rec_headers.get_header("WARC-Record-ID"))
                       for r in ArchiveIterator(f))
    assert [r[0] for r in records] == ["warcinfo", "request", "response"]
    expected = "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()
    assert records[2][1] == expected
    assert records[1][2] == records[2][3]  # the request points at its response


def test_each_run_gets_its_own_files_and_rotation(tmp_path):
    a = WarcArchive(tmp_path, max_size=2000)
    refs = [write(a, n, os.urandom(3000)) for n in range(3)]  # incompressible
    a.close()
    assert len({f for f, _ in refs}) == 3  # rotated past max_size
    b = WarcArchive(tmp_path, prefix="other")
    write(b, 9)
    b.close()
    assert len(list(tmp_path.glob("*.warc.gz"))) == 4
    assert sorted(r.url for _, _, r in iter_responses(tmp_path))[-1] == "https://baolaocai.vn/a-post9.html"


def test_torn_tail_is_skipped_when_reading_everything(tmp_path):
    a = WarcArchive(tmp_path)
    write(a, 1)
    file, offset = write(a, 2)
    a.close()
    path = tmp_path / file
    data = path.read_bytes()
    path.write_bytes(data[:offset + 40])  # killed while writing the second response
    got = [r.url for _, _, r in iter_responses(tmp_path)]
    assert got == ["https://baolaocai.vn/a-post1.html"]
