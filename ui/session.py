"""Who is asking, and the one Gradio convention handlers need, without importing Gradio: the
event adapters turn a ``gr.Request`` into a ``Caller``; handlers take the ``Caller``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.users import Users, proxied


@dataclass(frozen=True)
class Caller:
    """The person behind one UI event: the signed-in user name (None in local mode) and whether
    they may add documents and download feedback."""

    user: str | None = None
    admin: bool = False

    @property
    def label(self) -> str:
        return f"Signed in as **{self.user or 'local user'}**" + (" (admin)" if self.admin else "")


def caller_of(request: Any, users: Users) -> Caller:
    """The caller of a Gradio event (``request`` is its ``gr.Request``, or None)."""
    user = getattr(request, "username", None) if request else None
    headers = getattr(request, "headers", None) or {}
    return Caller(user, users.is_admin(user, proxied=proxied(headers)))


def update(**changes: Any) -> dict[str, Any]:
    """A change to some properties of a component (what ``gr.update`` returns); no arguments: leave
    the component as it is."""
    return {"__type__": "update", **changes}
