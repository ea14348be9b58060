"""System checks for settings that only production must get right."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def audit_hmac_key_check(app_configs, **kwargs):
    """The audit chain is only anchored if its key is secret: refuse the development default."""
    key = settings.AUDIT_HMAC_KEY
    if key == settings.DEV_AUDIT_HMAC_KEY or len(key) < 32:
        return [
            Error(
                "AUDIT_HMAC_KEY 未设置或过短：生产环境须从环境变量提供至少 32 个字符的审计链密钥，"
                "并在数据库之外保管。",
                id="core.E001",
            )
        ]
    return []
