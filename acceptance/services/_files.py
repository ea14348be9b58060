"""Storing a checked upload on a row (``core.uploads.check_upload``: type, size, zip bombs)."""

from core.uploads import check_upload


def stored(upload) -> dict:
    """The StoredFile fields for ``upload`` after its checks (raises WorkflowError)."""
    storage_name, digest = check_upload(upload)
    original = upload.name
    upload.name = storage_name
    return {
        "document": upload,
        "original_name": original[:200],
        "size": upload.size,
        "sha256": digest,
    }
