"""Input hygiene in one place: every text input refuses control characters and has a limit.

Forms in projects, review and budget derive from ``CleanForm`` or ``CleanModelForm``; a raw value
that a view reads from ``request.POST``/``GET`` goes through ``clean_text``.
"""

import re

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError

from .permissions import WorkflowError

LINE_MAX_LENGTH = 200  # a single-line text input without a model limit
TEXT_MAX_LENGTH = 2000  # a textarea without a model limit

# C0 control characters (NUL included) and DEL; tab, line feed and carriage return are text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARACTERS_MESSAGE = "不能包含控制字符（如 NUL 空字符），请删除后重新输入"
TOO_LONG_MESSAGE = "最多 {limit} 字，当前 {length} 字"


class TextValidator:
    """Replaces Django's MaxLength and ProhibitNullCharacters validators on a text field."""

    def __init__(self, max_length: int):
        self.max_length = max_length

    def __call__(self, value):
        value = str(value)
        if CONTROL_CHARACTERS.search(value):
            raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")
        if len(value) > self.max_length:
            message = TOO_LONG_MESSAGE.format(limit=self.max_length, length=len(value))
            raise ValidationError(message, code="max_length")


def clean_text(value, *, max_length: int = TEXT_MAX_LENGTH, label: str = "") -> str:
    """A raw request value checked like a form field; raises WorkflowError naming ``label``."""
    value = "" if value is None else str(value)
    try:
        TextValidator(max_length)(value)
    except ValidationError as error:
        raise WorkflowError(f"{label}：{error.message}" if label else error.message) from None
    return value


def harden_text_field(field: forms.Field) -> None:
    """Give a CharField a stated maximum length (shown as maxlength) and the text validator."""
    if not isinstance(field, forms.CharField):
        return
    if field.max_length is None:
        multiline = isinstance(field.widget, forms.Textarea)
        field.max_length = TEXT_MAX_LENGTH if multiline else LINE_MAX_LENGTH
    replaced = (
        validators.MaxLengthValidator,
        validators.ProhibitNullCharactersValidator,
        TextValidator,
    )
    field.validators = [v for v in field.validators if not isinstance(v, replaced)]
    field.validators.append(TextValidator(field.max_length))
    if not field.widget.is_hidden:
        field.widget.attrs["maxlength"] = str(field.max_length)


class TextHygieneMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.harden_text_fields()

    def harden_text_fields(self):
        for field in self.fields.values():
            harden_text_field(field)

    def full_clean(self):
        self.harden_text_fields()  # again, for fields a subclass added after __init__
        super().full_clean()


class CleanForm(TextHygieneMixin, forms.Form):
    """Base of every plain form in the apps."""


class CleanModelForm(TextHygieneMixin, forms.ModelForm):
    """Base of every model form in the apps."""
