"""Password rules beside Django's validators: mixed character classes, a Chinese length message."""

import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

CHARACTER_CLASSES_MESSAGE = "密码须至少包含大写字母、小写字母、数字、符号中的三类"


class CharacterClassesValidator:
    """At least ``min_classes`` of: upper-case letter, lower-case letter, digit, symbol."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not (c.isalnum() or c.isspace()) for c in password),
        )
        if sum(classes) < self.min_classes:
            raise ValidationError(CHARACTER_CLASSES_MESSAGE, code="password_too_simple")

    def get_help_text(self):
        return CHARACTER_CLASSES_MESSAGE


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a Chinese message (Django 5.2's zh-hans catalogue lacks this one)."""

    def get_error_message(self):
        return f"密码长度太短，至少需要 {self.min_length} 个字符"
