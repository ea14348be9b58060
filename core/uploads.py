"""Upload checks for every uploaded file: type by extension and content, size, zip bombs."""

import hashlib
import uuid
import zipfile
from pathlib import PurePath

from django.conf import settings

from .forms import CONTROL_CHARACTERS
from .permissions import WorkflowError

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".doc": (OLE,),
    ".xls": (OLE,),
    ".wps": (OLE,),
    ".docx": (ZIP,),
    ".xlsx": (ZIP,),
    ".ofd": (ZIP,),
    ".zip": (ZIP,),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
ALLOWED_DISPLAY = "PDF、Word（doc/docx）、Excel（xls/xlsx）、WPS、OFD、ZIP、PNG、JPG"
NAME_MAX_LENGTH = 200

# Zip containers (docx, xlsx, ofd, zip) are read from their central directory, never extracted.
ZIP_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_RATIO = 100  # uncompressed / compressed, for an entry past ZIP_RATIO_GRACE_BYTES
ZIP_RATIO_GRACE_BYTES = 100 * 1024  # small repetitive XML parts may compress better than that

NAME_MESSAGE = f"文件名须在{NAME_MAX_LENGTH}字以内，且不能包含控制字符"
EMPTY_MESSAGE = "文件为空"
ZIP_BROKEN_MESSAGE = "文件已损坏或不是有效的压缩包格式，无法读取"
ZIP_BOMB_MESSAGE = "文件解压后过大或压缩比异常（疑似压缩炸弹），已拒绝"


def check_upload(upload) -> tuple[str, str]:
    """Validate an uploaded file; return (storage name, sha256). Raises WorkflowError."""
    name = PurePath(upload.name or "").name
    if len(name) > NAME_MAX_LENGTH or CONTROL_CHARACTERS.search(name):
        raise WorkflowError(NAME_MESSAGE)
    ext = PurePath(name).suffix.lower()
    if ext not in SIGNATURES:
        raise WorkflowError(f"不支持的文件类型“{ext or '无扩展名'}”，仅支持 {ALLOWED_DISPLAY}")
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size == 0:
        raise WorkflowError(EMPTY_MESSAGE)
    if upload.size > limit:
        raise WorkflowError(
            f"文件大小 {upload.size / 1048576:.1f} MB，超过上限 {limit / 1048576:.0f} MB"
        )
    upload.seek(0)
    head = upload.read(16)
    if not head.startswith(SIGNATURES[ext]):
        raise WorkflowError(f"文件内容与扩展名“{ext}”不符，请上传真实的 {ext[1:].upper()} 文件")
    if ZIP in SIGNATURES[ext]:
        _check_zip(upload)
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return f"{uuid.uuid4().hex}{ext}", digest.hexdigest()


def _check_zip(upload) -> None:
    """Refuse a zip whose declared uncompressed size, entry count or ratio is excessive."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise WorkflowError(ZIP_BROKEN_MESSAGE) from None
    total = sum(entry.file_size for entry in entries)
    too_compressed = any(
        entry.file_size > ZIP_RATIO_GRACE_BYTES
        and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    if len(entries) > ZIP_MAX_ENTRIES or total > ZIP_MAX_UNCOMPRESSED_BYTES or too_compressed:
        raise WorkflowError(ZIP_BOMB_MESSAGE)
