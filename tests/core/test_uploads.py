"""core.uploads.check_upload: the one upload check for project and review attachments."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import uploads
from core.permissions import WorkflowError
from core.uploads import (
    EMPTY_MESSAGE,
    NAME_MESSAGE,
    ZIP_BOMB_MESSAGE,
    ZIP_BROKEN_MESSAGE,
    check_upload,
)
from review import services as review_services
from review.models import Opinion
from tests.factories import PDF, Actors, draft_project, office_file, project_in

pytestmark = pytest.mark.django_db


def _file(name, content):
    return SimpleUploadedFile(name, content)


def _zip(parts, method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """64 MB of zeros that deflate to about 64 KB: over the size and the ratio limits."""
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": bytes(64 << 20)})


@pytest.mark.parametrize("name", ["bomb.docx", "bomb.xlsx"])
def test_zip_bomb_office_file_is_refused(name):
    content = zip_bomb()
    assert len(content) < 1 << 20  # small on the wire, which is the point
    with pytest.raises(WorkflowError, match=ZIP_BOMB_MESSAGE):
        check_upload(_file(name, content))


def test_total_uncompressed_size_is_limited_without_a_suspicious_ratio(monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_UNCOMPRESSED_BYTES", 100_000)
    stored = _zip({f"xl/media/image{i}.png": bytes(30_000) for i in range(4)}, zipfile.ZIP_STORED)
    with pytest.raises(WorkflowError, match=ZIP_BOMB_MESSAGE):
        check_upload(_file("many.xlsx", stored))


def test_entry_count_is_limited(monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_ENTRIES", 10)
    content = _zip({f"word/part{i}.xml": b"<p/>" for i in range(11)})
    with pytest.raises(WorkflowError, match=ZIP_BOMB_MESSAGE):
        check_upload(_file("parts.docx", content))


def test_valid_docx_and_xlsx_pass():
    for name in ["方案.docx", "预算.xlsx"]:
        storage_name, digest = check_upload(_file(name, office_file()))
        assert storage_name.endswith(name[-5:]) and len(digest) == 64


def test_renamed_non_zip_is_refused():
    with pytest.raises(WorkflowError, match="文件内容与扩展名“.docx”不符"):
        check_upload(_file("方案.docx", PDF))


def test_zip_signature_without_a_zip_is_refused():
    with pytest.raises(WorkflowError, match=ZIP_BROKEN_MESSAGE):
        check_upload(_file("方案.docx", b"PK\x03\x04" + bytes(100)))


def test_names_and_empty_files():
    with pytest.raises(WorkflowError, match=NAME_MESSAGE):
        check_upload(_file("a\x01b.pdf", PDF))
    with pytest.raises(WorkflowError, match=NAME_MESSAGE):
        check_upload(_file("长" * 200 + ".pdf", PDF))
    with pytest.raises(WorkflowError, match=EMPTY_MESSAGE):
        check_upload(_file("a.pdf", b""))


def test_project_upload_refuses_a_zip_bomb_and_stores_nothing(client):
    actors = Actors()
    project = draft_project(actors, complete=False, name="草稿")
    client.force_login(actors.officer)
    response = client.post(
        reverse("projects:attachment_upload", args=[project.pk]),
        {"kind": "proposal", "file": _file("方案.docx", zip_bomb())},
        follow=True,
    )
    assert ZIP_BOMB_MESSAGE in response.content.decode()
    assert not project.attachments.exists()


def test_review_opinion_attachment_goes_through_the_same_check():
    actors = Actors()
    review = project_in(actors, "in_review").reviews.get()
    task = review.tasks.exclude(function="fiscal").first()
    with pytest.raises(WorkflowError, match=ZIP_BOMB_MESSAGE):
        review_services.opinion_sign(
            task=task,
            conclusion="agree",
            text="同意",
            attachment=_file("意见.xlsx", zip_bomb()),
            by=actors.reviewers[task.function],
            version=0,
        )
    assert not Opinion.objects.filter(task=task).exists()
