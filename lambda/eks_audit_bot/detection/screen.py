"""The screen: what the full judgement would drop anyway, decided from the decoded JSON.

Most of an audit log is automation at work (kubelets renewing leases, controllers watching,
Argo CD patching) and people reading ordinary objects: no rule can match them. The screen
reads an event's shape (who, by kind; the verb; the object reference; the outcome), asks the
catalog whether any rule could match an event of that shape whatever its name, bodies, URI
and addresses (`RuleCatalog.could_match`), and if none can, drops it with the reason and the
count the full path would give, without building the model. Shapes repeat, so each is asked
once per batch, on the model of its first event.

The screen never decides that something is harmless by itself: the catalog does, and every
rule that might care keeps the event on the full path. What it cannot read plainly takes the
full path too: anonymous requests, impersonation, a URI that may be a dry run, lines CloudWatch
Logs cut, and requests the batch rules count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eks_audit_bot.detection.rules import Audience, RuleCatalog, audience_for, drop_reason
from eks_audit_bot.model.alert import outcome_of
from eks_audit_bot.model.audit import Shape, checked_event, shape_of, user_info
from eks_audit_bot.model.identity import Actor, ActorKind, actor_for
from eks_audit_bot.settings import Settings

# Shapes remembered per batch: a batch holds at most 10,000 events, a cluster far fewer shapes.
MAX_SHAPES = 4096


@dataclass(slots=True)
class Screen:
    """One batch's screen; `drop_reason` is asked once per event that may speak for an action."""

    settings: Settings
    catalog: RuleCatalog
    # The actor of a username logged without `extra` (automation, mostly: there are many).
    actors: dict[str, Actor] = field(default_factory=dict)
    verdicts: dict[tuple[ActorKind, Audience, Shape], str | None] = field(default_factory=dict)

    def drop_reason(self, raw: dict[str, Any], *, cut: bool) -> str | None:
        """The reason the full path would drop `raw` with (it passed `invalid_reason`), or
        None when it must be judged in full."""
        uri = raw.get("requestURI")
        if cut or "impersonatedUser" in raw or type(uri) is not str or "dryRun" in uri:
            return None
        actor = self._actor(raw["user"])
        if actor.kind is ActorKind.ANONYMOUS:
            return None
        agent = raw.get("userAgent")
        audience = audience_for(actor, agent if type(agent) is str else "", self.settings)
        key = (actor.kind, audience, shape_of(raw))
        try:
            return self.verdicts[key]
        except KeyError:
            verdict = self._verdict(raw, actor, audience)
        if len(self.verdicts) < MAX_SHAPES:
            self.verdicts[key] = verdict
        return verdict

    def _verdict(self, raw: dict[str, Any], actor: Actor, audience: Audience) -> str | None:
        """Asked on the model of the shape's first event: the shape decides the answer."""
        event = checked_event(raw)
        if outcome_of(event) in self.catalog.batch_outcomes:
            return None  # `probing` counts it: the full path keeps it for the batch rules
        if self.catalog.could_match(event, actor, audience):
            return None
        return drop_reason(event, audience)

    def _actor(self, user: dict[str, Any]) -> Actor:
        if "extra" in user:
            return actor_for(user_info(user))
        username: str = user["username"]
        actor = self.actors.get(username)
        if actor is None:
            actor = self.actors[username] = actor_for(user_info(user))
        return actor
