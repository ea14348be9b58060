"""Upload checks for project attachments: type by extension and content, and size."""

import hashlib
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError

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


def check_upload(upload) -> tuple[str, str]:
    """Validate an uploaded file; return (storage name, sha256). Raises ValidationError."""
    name = PurePath(upload.name or "").name
    ext = PurePath(name).suffix.lower()
    if ext not in SIGNATURES:
        raise ValidationError(f"不支持的文件类型“{ext or '无扩展名'}”，仅支持 {ALLOWED_DISPLAY}")
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size == 0:
        raise ValidationError("文件为空")
    if upload.size > limit:
        raise ValidationError(
            f"文件大小 {upload.size / 1048576:.1f} MB，超过上限 {limit / 1048576:.0f} MB"
        )
    upload.seek(0)
    head = upload.read(16)
    if not head.startswith(SIGNATURES[ext]):
        raise ValidationError(f"文件内容与扩展名“{ext}”不符，请上传真实的 {ext[1:].upper()} 文件")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return f"{uuid.uuid4().hex}{ext}", digest.hexdigest()
