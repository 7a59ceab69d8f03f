"""The community listens to the portfolio: when a dwelling's tenancy or care lease ends, the
residents registered at that dwelling leave the community (and the board)."""

from __future__ import annotations

from typing import Any

from doorstroom.portfolio.signals import dwelling_released


def on_dwelling_released(sender: Any, dwelling: Any, available_from: Any, **kwargs: Any) -> None:
    from doorstroom.community.residents import leave_for_dwelling

    leave_for_dwelling(
        dwelling=dwelling, left_on=available_from, acting_user=kwargs.get("acting_user")
    )


dwelling_released.connect(on_dwelling_released, dispatch_uid="community-released")
