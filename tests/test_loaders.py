"""Every supported format loads; every kind of bad file gets a one-line reason."""

import pytest

from ingest.loaders import LoadError, decode_bytes, read_file

MB = 1_000_000


def test_gbk_and_gb18030_are_decoded(tmp_path):
    text = "互联网用户公众账号信息服务管理规定\n第一条 为规范互联网用户公众账号信息服务，制定本规定。\n"
    for encoding in ("gbk", "gb18030", "utf-8", "utf-8-sig"):
        path = tmp_path / f"doc-{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        assert read_file(path, 20 * MB) == text


def test_latin_text_in_another_encoding(tmp_path):
    path = tmp_path / "cp1252.txt"
    path.write_bytes("Article 1: Café owners’ duties are set out here in some detail.\n".encode("cp1252"))
    assert "Caf" in read_file(path, 20 * MB)


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n ", "no text"),
    ("image.txt", bytes(range(256)) * 40, "binary data"),
    ("table.csv", b"a,b\n1,2\n", "unsupported file type '.csv'"),
    ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "not a readable PDF"),
    ("broken.docx", b"PK not a zip", "not a readable .docx"),
])
def test_bad_files_get_a_clear_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read_file(path, 20 * MB)


def test_undecodable_bytes(tmp_path):
    with pytest.raises(LoadError, match="undecodable"):
        decode_bytes(bytes([0x81, 0x30, 0xFF, 0xFE, 0x80]) * 50 + b"\x9f\x9f\xff")


def test_a_50_mb_file_is_refused_by_size(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * MB)
    with pytest.raises(LoadError, match=r"50\.0 MB is over the 20 MB limit"):
        read_file(path, 20 * MB)


def test_missing_path(tmp_path):
    with pytest.raises(LoadError, match="no such file"):
        read_file(tmp_path / "nope.txt", MB)


def test_html_markdown_pdf_docx(tmp_path):
    html = tmp_path / "page.html"
    html.write_text("<html><head><script>var x=1;</script></head><body><nav>Home</nav>"
                    "<h1>Forum Rules</h1><p>Article 1: Forums shall register.</p></body></html>")
    text = read_file(html, MB)
    assert "Article 1: Forums shall register." in text
    assert "var x" not in text
    assert "Home" not in text

    md = tmp_path / "rules.md"
    md.write_text("# Forum Rules\n\n**Article 1**: Forums shall [register](http://x).\n")
    assert read_file(md, MB).splitlines()[0] == "Forum Rules"
    assert "Article 1: Forums shall register." in read_file(md, MB)

    from docx import Document

    doc = Document()
    doc.add_paragraph("Forum Rules")
    doc.add_paragraph("Article 1: Forums shall register.")
    doc.save(tmp_path / "rules.docx")
    assert "Article 1: Forums shall register." in read_file(tmp_path / "rules.docx", MB)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    with PdfPages(tmp_path / "rules.pdf") as pdf:
        fig = plt.figure()
        fig.text(0.1, 0.8, "Article 1: Forums shall register.")
        pdf.savefig(fig)
        plt.close(fig)
    assert "Article 1: Forums shall register." in read_file(tmp_path / "rules.pdf", MB)
