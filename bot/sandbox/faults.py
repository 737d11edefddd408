"""Faults the sandbox can inject, for tests of what the bot does when the cloud misbehaves."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Fault:
    """One injected misbehaviour; ``action`` empty means every action."""

    action: str = ""
    latency: float = 0.0  # seconds before answering
    http_status: int = 0  # answer with this HTTP status and no JSON body
    error_code: str = ""  # answer with this cloud error Code
    count: int | None = None  # how many requests it applies to; None = until cleared

    def applies_to(self, action: str) -> bool:
        return (not self.action or self.action == action) and (self.count is None or self.count > 0)


@dataclass
class Faults:
    """The set of active faults; the first that applies to a request is used (and counted down)."""

    active: list[Fault] = field(default_factory=list)

    def add(self, fault: Fault) -> Fault:
        self.active.append(fault)
        return fault

    def clear(self) -> None:
        self.active.clear()

    def take(self, action: str) -> Fault | None:
        """The fault to apply to this request, if any."""
        for fault in self.active:
            if fault.applies_to(action):
                if fault.count is not None:
                    fault.count -= 1
                return fault
        return None
