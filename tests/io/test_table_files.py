"""Text of scenario files: byte order marks, bad bytes located exactly, separators named."""

import codecs
from pathlib import Path

import pytest

from pickup_net.io.table_files import FileProblem, read_csv, read_text, text_encoding


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_marks_choose_the_encoding(tmp_path: Path, encoding: str) -> None:
    """UTF-8, UTF-16 and UTF-32 files with a byte order mark read back as the same text."""
    path = tmp_path / "a.yaml"
    path.write_text("name: Bogotá\n", encoding=encoding)
    assert read_text(path) == "name: Bogotá\n"


def test_bad_byte_far_into_a_file_is_located_exactly(tmp_path: Path) -> None:
    """A Latin-1 byte after 200,000 good bytes is named with its exact offset and line."""
    path = tmp_path / "orders.csv"
    good = b"id,name\n" + b"".join(b"%06d,ok\n" % i for i in range(20_000))
    path.write_bytes(good + b"999999,caf\xe9\n")
    with pytest.raises(FileProblem) as caught:
        list(read_csv(path))
    offset = len(good) + len(b"999999,caf")
    assert str(caught.value).startswith(
        f"not UTF-8 text: byte 0xe9 at offset {offset} (line 20002)"
    )


def test_plain_file_is_utf8(tmp_path: Path) -> None:
    """A file without a byte order mark is read as UTF-8."""
    path = tmp_path / "a.csv"
    path.write_bytes(b"id\n1\n")
    assert text_encoding(path) == "utf-8" and codecs.lookup(text_encoding(path)).name == "utf-8"


def test_tab_separated_header_is_named(tmp_path: Path) -> None:
    """A tab-separated file is answered with its separator."""
    path = tmp_path / "a.csv"
    path.write_text("id\tname\n1\tx\n", encoding="utf-8")
    with pytest.raises(FileProblem, match=r"looks like '\\t'-separated; use commas"):
        list(read_csv(path))
