"""Agents written in Python, checked against outcomes worked out by hand."""

import pytest

import impasse
from conftest import DATA, GENIUS

ORACLE = DATA / "oracle.toml"


class Descending(impasse.Agent):
    """Proposes price 4, 3, 2, ... (one lower each step); accepts nothing below `floor`."""

    def __init__(self, floor=0.9):
        self.floor = floor
        self.seen = []

    def propose(self, state):
        self.seen.append((state.step, state.relative_time, list(state.offers)))
        return {"price": max(0, 4 - state.step)}

    def respond(self, state, offer):
        return "accept" if state.utility(offer) >= self.floor else "reject"


class Threshold(impasse.Agent):
    """Accepts any offer worth at least `x` to it; always proposes `ask`."""

    def __init__(self, x, ask):
        self.x, self.ask = x, ask

    def propose(self, state):
        return self.ask

    def respond(self, state, offer):
        return "accept" if state.utility(offer) >= self.x else "reject"


def test_hand_computed_agreement():
    # By hand: u_seller = p/4, u_buyer = 1 - p/4. Step 0: the seller offers 4 (buyer: 0 < 0.5,
    # reject) and the buyer offers 0 (seller: 0 < 0.9, reject). Step 1: the seller offers 3
    # (buyer: 0.25, reject); the buyer offers 0 again. Step 2: the seller offers 2 (buyer: 0.5,
    # accept). So the agreement is price 2, utilities (0.5, 0.5), after 5 offers, and NegMAS's
    # step count is the agreement's step plus one: 3.
    seller = Descending()
    result = impasse.negotiate(ORACLE, agents=[seller, Threshold(0.5, {"price": 0})], steps=10)
    assert result.agreement == {"price": 2}
    assert result.end == "agreement"
    assert result.steps == 3
    assert result.offers == 5
    assert result.utilities == {"seller": 0.5, "buyer": 0.5}
    assert [(t["proposer"], t["outcome"]["price"]) for t in result.trace] == [
        ("seller", 4), ("buyer", 0), ("seller", 3), ("buyer", 0), ("seller", 2)]
    assert result.agents == {"seller": "Descending", "buyer": "Threshold"}
    # What the seller saw: relative time (step + 1) / (n_steps + 1), and every offer so far.
    assert [(step, t) for step, t, _ in seller.seen] == [(0, 1 / 11), (1, 2 / 11), (2, 3 / 11)]
    assert seller.seen[2][2] == [("seller", {"price": 4}), ("buyer", {"price": 0}),
                                 ("seller", {"price": 3}), ("buyer", {"price": 0})]


def test_python_agent_against_built_in():
    # The built-in responder accepts its own best outcome at once: the seller asks for price 4,
    # the conceder-buyer... so give the buyer's ideal instead: a Python seller that offers price 0
    # is accepted by any time-based agent at step 0 (utility 1 is above every aspiration).
    result = impasse.negotiate(ORACLE, agents=[Threshold(2.0, {"price": 0}), "boulware"])
    assert result.agreement == {"price": 0}
    assert result.steps == 1
    assert result.utilities == {"seller": 0.0, "buyer": 1.0}


def test_state_api():
    seen = {}

    class Probe(impasse.Agent):
        def propose(self, state):
            seen["party"] = state.party
            seen["reservation"] = state.reservation
            seen["outcomes"] = state.outcomes()
            seen["n_steps"] = state.n_steps
            seen["u"] = [state.utility(o) for o in state.outcomes()]
            return None  # end the negotiation

        def respond(self, state, offer):
            return "end"

    result = impasse.negotiate(ORACLE, agents=[Probe(), "linear"], steps=7)
    assert result.agreement is None and result.end == "ended" and result.ended_by == "seller"
    assert seen["party"] == "seller"
    assert seen["reservation"] == 0.0
    assert seen["n_steps"] == 7
    assert seen["outcomes"] == [{"price": p} for p in range(5)]
    assert seen["u"] == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_two_python_agents_on_a_genius_domain():
    # Both insist on their own best package: no agreement before the deadline.
    scenario = impasse.load(GENIUS / "y2012" / "CameraB")

    class Greedy(impasse.Agent):
        def best(self, state):
            if not hasattr(self, "_best"):
                self._best = max(state.outcomes(), key=state.utility)
            return self._best

        def propose(self, state):
            return self.best(state)

        def respond(self, state, offer):
            return "accept" if state.utility(offer) >= state.utility(self.best(state)) else "reject"

    result = impasse.negotiate(scenario, agents=[Greedy(), Greedy()], steps=20)
    assert result.agreement is None and result.end == "deadline" and result.steps == 20
    assert len(result.trace) == 40


def test_errors_in_python_agents_propagate():
    class Broken(impasse.Agent):
        def propose(self, state):
            raise RuntimeError("boom")

        def respond(self, state, offer):
            return "reject"

    with pytest.raises(RuntimeError, match="boom"):
        impasse.negotiate(ORACLE, agents=[Broken(), "linear"])

    class BadOffer(Broken):
        def propose(self, state):
            return {"price": 99}

    with pytest.raises(ValueError, match="not a value of issue 'price'"):
        impasse.negotiate(ORACLE, agents=[BadOffer(), "linear"])

    class BadAnswer(Broken):
        def propose(self, state):
            return {"price": 1}

        def respond(self, state, offer):
            return "maybe"

    with pytest.raises(ValueError, match="'maybe'"):
        impasse.negotiate(ORACLE, agents=["boulware", BadAnswer()])


def test_keyboard_interrupt_cancels():
    class Interrupting(impasse.Agent):
        def propose(self, state):
            raise KeyboardInterrupt

        def respond(self, state, offer):
            return "reject"

    with pytest.raises(KeyboardInterrupt):
        impasse.negotiate(ORACLE, agents=[Interrupting(), "linear"])


def test_mediated_vote():
    class Voter(impasse.Agent):
        votes = 0

        def propose(self, state):
            return None

        def respond(self, state, offer):
            return "reject"

        def vote(self, state, current, proposal):
            Voter.votes += 1
            return super().vote(state, current, proposal)

    result = impasse.negotiate(ORACLE, agents=[Voter(), "linear"], protocol="mediated", steps=20)
    assert Voter.votes > 0
    assert result.protocol == "mediated"


def test_repetitions_give_throughput():
    result = impasse.negotiate(ORACLE, agents=[Threshold(0.5, {"price": 2}), "linear"],
                               repetitions=5)
    assert result.throughput["repetitions"] == 5
    assert result.throughput["agreement_rate"] == 1.0


def test_ctrl_c_cancels_a_long_run_of_built_in_agents():
    # A real SIGINT while the GIL is released: checked between repetitions.
    import os
    import signal
    import threading
    import time

    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    start = time.perf_counter()
    try:
        with pytest.raises(KeyboardInterrupt):
            impasse.negotiate(GENIUS / "y2012" / "CameraB", agents=["boulware", "linear"],
                              repetitions=10_000_000)
    finally:
        timer.cancel()
    assert time.perf_counter() - start < 30


def test_ctrl_c_cancels_a_python_agent():
    import os
    import signal

    class Slow(impasse.Agent):
        calls = 0

        def propose(self, state):
            Slow.calls += 1
            if Slow.calls == 3:
                os.kill(os.getpid(), signal.SIGINT)
            return {"price": 4}

        def respond(self, state, offer):
            return "reject"

    with pytest.raises(KeyboardInterrupt):
        impasse.negotiate(ORACLE, agents=[Slow(), "boulware"], steps=1000)
    assert Slow.calls < 10
