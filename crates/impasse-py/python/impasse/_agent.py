"""The base class of agents written in Python."""

from __future__ import annotations

from typing import Any, Dict, Optional

from ._impasse import State

Outcome = Dict[str, Any]


class Agent:
    """Base class of negotiation agents written in Python.

    Subclass it and implement ``propose`` and ``respond``; pass an instance in ``agents=`` of
    ``negotiate``, beside built-in agent names. Outcomes are ``{issue: value}`` dicts.
    """

    def propose(self, state: State) -> Optional[Outcome]:
        """The offer to make, or ``None`` to end the negotiation without agreement."""
        raise NotImplementedError

    def respond(self, state: State, offer: Outcome) -> str:
        """``"accept"``, ``"reject"`` (then ``propose`` is called) or ``"end"``."""
        raise NotImplementedError

    def vote(self, state: State, current: Outcome, proposal: Outcome) -> bool:
        """Under the mediated protocol: move from the current text to the proposal? The default
        accepts a proposal at least as good as the current text."""
        return state.utility(proposal) >= state.utility(current)
