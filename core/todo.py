"""To-do items (待办): each app registers providers; the navigation shows their counts."""

from dataclasses import dataclass

_providers = []


@dataclass(frozen=True)
class TodoItem:
    label: str
    count: int
    url: str
    icon: str = "bi-inbox"


def todo_provider(func):
    """Register ``func(user) -> list[TodoItem]``; providers should run one COUNT each."""
    _providers.append(func)
    return func


def todos_for(user) -> list[TodoItem]:
    if not user.is_authenticated:
        return []
    items = [item for provider in _providers for item in provider(user)]
    return [item for item in items if item.count]
