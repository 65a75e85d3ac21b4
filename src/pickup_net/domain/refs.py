"""Typed references to the scenario's things, in place of ids with string prefixes."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

RefKind = Literal["customer", "shop", "depot"]


class Ref(BaseModel):
    """A customer, shop or depot by the caller's own id; hashable, so it can key matrices."""

    model_config = ConfigDict(frozen=True)

    kind: RefKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"
