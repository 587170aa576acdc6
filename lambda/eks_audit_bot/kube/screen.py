"""The screen: what the full judgement would drop anyway, decided from the decoded JSON.

Most of an audit log is automation at work (kubelets renewing leases, controllers watching,
Argo CD patching) and people reading ordinary objects: no rule can match them. The screen
reads an event's shape (who, by kind; the verb; the object reference; the outcome), asks the
catalog whether any rule could match an event of that shape whatever its name, bodies, URI
and addresses (`RuleCatalog.could_match`), and if none can, drops it with the reason and the
count the full path would give, without building the model. Shapes repeat, so each is asked
once per batch, on the model of its first event; identities repeat too, so each is read once.
The same answer, remembered per event key, says whether the object is an audit event at all
(`invalid_reason`) and the rank of its stage (`actions.rank_of`): each event's JSON is read
once, by one dictionary lookup (`Screen.read`).

The screen never decides that something is harmless by itself: the catalog does, and every
rule that might care keeps the event on the full path. What it cannot read plainly takes the
full path too: anonymous requests, impersonation, a URI that may be a dry run, lines CloudWatch
Logs cut, and requests the batch rules count. Addresses are not part of a shape: a shape some
rule could match only from outside the trusted networks (`automation-outside-trusted-networks`)
is dropped only for events whose every source address is trusted, asked once per address list.
Who is spared by which exemptions (whose job it is) is part of the shape's key: a controller
and a stolen token of the same kind differ.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from eks_audit_bot.core.actor import Actor, ActorKind
from eks_audit_bot.kube.actions import rank_of, stage_reason
from eks_audit_bot.kube.alert import outcome_of
from eks_audit_bot.kube.audit import (
    DECISION_ANNOTATION,
    checked_event,
    invalid_reason,
    shape_of,
    user_info,
)
from eks_audit_bot.kube.identity import actor_for
from eks_audit_bot.kube.rules import Audience, RuleCatalog, audience_for, drop_reason
from eks_audit_bot.settings import Settings

# Event keys remembered per batch (a batch holds at most 10,000 events, far fewer keys).
_MAX = 10_000
_NOTHING: dict[str, Any] = {}


class Dropped(NamedTuple):
    """What the screen decided: the drop reason, and who made the request (a name)."""

    reason: str
    who: str


class Read(NamedTuple):
    """One pass over an event's decoded JSON: the rank of its stage (`actions.rank_of`; None
    for a stage that never speaks for an action) and what the full judgement would drop it as
    (None: judge it in full). Both None: not an audit event (`invalid_reason` says why)."""

    rank: int | None
    dropped: Dropped | None
    networks_matter: bool = False  # an untrusted source address sends it to the full path


_INVALID = Read(None, None)


class _Identity(NamedTuple):
    actor: Actor
    audience: Audience | None  # None: it depends on the user agent (listed agents)
    spared: tuple[int, ...]  # the exemptions that spare it (whose job it is)


class Screen:
    """One batch's screen; `read` is asked once per event."""

    __slots__ = ("addresses", "by_agent", "catalog", "events", "identities", "settings", "verdicts")

    def __init__(self, settings: Settings, catalog: RuleCatalog) -> None:
        self.settings = settings
        self.catalog = catalog
        self.by_agent = bool(settings.automation_user_agents)  # the user agent is in the key
        # Answers by event key (who, what, stage, outcome as logged), by shape (who by kind and
        # audience, what, outcome as the model reads it), and identities.
        self.events: dict[tuple[object, ...], Read] = {}
        self.verdicts: dict[tuple[object, ...], tuple[str | None, bool]] = {}
        self.identities: dict[object, _Identity] = {}
        self.addresses: dict[object, bool] = {}  # address list (or its one address) -> all trusted

    def read(self, raw: dict[str, Any]) -> Read:
        """Whether `raw` is an audit event, the rank of its stage, and what the full path would
        drop it as: one pass, answered once per event key. (What survived of a cut line, a
        `line.CutLine`, is no plain dict: it is judged in full.)"""
        uri = raw.get("requestURI")
        if (
            type(raw) is not dict
            or "impersonatedUser" in raw
            or type(uri) is not str
            or "dryRun" in uri
        ):
            return self._unscreened(raw)
        # The event's key: everything the answer depends on, as logged: the fields that make it
        # an audit event (their types), who (and with which user agent, when that matters), the
        # verb, the stage, the object reference, the response code and the decision. Equal keys
        # read as equal models (the code is the one value whose type tells: 403.0 == 403, but
        # only an integer is a response code to the model). What no key can hold (a missing
        # user, stage or auditID, a list where text belongs) is read the long way.
        try:
            user, ref = raw["user"], raw.get("objectRef")
            status, notes = raw.get("responseStatus"), raw.get("annotations")
            if type(ref) is not dict:  # a request for a path, not an object
                ref = _NOTHING
            code = status.get("code") if type(status) is dict else None
            key = (
                user["username"] if "extra" not in user else _identity_key(user),
                raw.get("userAgent") if self.by_agent else None,
                raw["verb"],
                raw["stage"],
                type(raw["auditID"]),
                raw.get("kind"),
                ref.get("resource"),
                ref.get("subresource"),
                ref.get("namespace"),
                ref.get("apiGroup"),
                code if type(code) is int else None,
                notes.get(DECISION_ANNOTATION) if type(notes) is dict else None,
            )
            found = self.events.get(key)
        except (KeyError, TypeError):
            return self._unscreened(raw)
        if found is None:
            found = self._first(raw)
            if len(self.events) < _MAX:
                self.events[key] = found
        if found.networks_matter and not self._trusted(raw.get("sourceIPs")):
            return Read(found.rank, None)
        return found

    def _unscreened(self, raw: dict[str, Any]) -> Read:
        """`read` without the screen: the full path judges it, unless it is no audit event or
        its stage never speaks for an action."""
        if invalid_reason(raw) is not None:
            return _INVALID
        stage, ref = raw["stage"], raw.get("objectRef")
        rank = rank_of(stage, ref.get("subresource") if type(ref) is dict else None)
        if rank is None:
            return Read(None, Dropped(stage_reason(stage), self.who(raw["user"])))
        return Read(rank, None)

    def _first(self, raw: dict[str, Any]) -> Read:
        """The answer for the first event of its key."""
        found = self._unscreened(raw)
        if found.rank is None:
            return found
        dropped, networks_matter = self._screen(raw)
        return Read(found.rank, dropped, networks_matter)

    def _trusted(self, ips: object) -> bool:
        """Every source address lies in a trusted network (remembered per address list)."""
        if type(ips) is not list:
            return False
        try:
            # Most requests come from one address: it is its own key (text never equals a tuple).
            key = ips[0] if len(ips) == 1 else tuple(ips)
            found = self.addresses.get(key)
        except TypeError:  # a list or an object among the addresses
            return False
        if found is None:
            texts = tuple([ip for ip in ips if type(ip) is str])
            found = len(texts) == len(ips) and not self.catalog.context.untrusted_addresses(texts)
            if len(self.addresses) < _MAX:
                self.addresses[key] = found
        return found

    def _screen(self, raw: dict[str, Any]) -> tuple[Dropped | None, bool]:
        actor, audience, spared = self._identity(raw["user"])
        if actor.kind is ActorKind.ANONYMOUS:
            return None, False
        if audience is None:
            agent = raw.get("userAgent")
            audience = audience_for(actor, agent if type(agent) is str else "", self.settings)
        key = (actor.kind, audience, spared, *shape_of(raw))
        try:
            reason, networks_matter = self.verdicts[key]
        except KeyError:
            reason, networks_matter = self.verdicts[key] = self._verdict(raw, actor, audience)
        if reason is None:
            return None, False
        return Dropped(reason, actor.display_name), networks_matter

    def who(self, user: dict[str, Any]) -> str:
        """The name of the user of an object `invalid_reason` accepted (not whom it
        impersonates: `Actor.label` says that)."""
        return self._identity(user).actor.display_name

    def _verdict(
        self, raw: dict[str, Any], actor: Actor, audience: Audience
    ) -> tuple[str | None, bool]:
        """Asked on the model of the shape's first event: the shape decides the answer (the
        drop reason when every address is trusted, and whether addresses could change it)."""
        event = checked_event(raw)
        if outcome_of(event) in self.catalog.batch_outcomes:
            return None, False  # `probing` counts it: the full path keeps it for the batch rules
        if self.catalog.could_match(event, actor, audience, trusted=True):
            return None, False
        return drop_reason(event, audience), self.catalog.could_match(event, actor, audience)

    def _identity(self, user: dict[str, Any]) -> _Identity:
        key = _identity_key(user)
        try:
            found = self.identities.get(key)
        except TypeError:  # an unhashable value in `extra`: read it every time
            return self._read_identity(user)
        if found is None:
            found = self._read_identity(user)
            if len(self.identities) < _MAX:
                self.identities[key] = found
        return found

    def _read_identity(self, user: dict[str, Any]) -> _Identity:
        actor = actor_for(user_info(user))
        spared = self.catalog.context.exemptions.of(actor)
        if self.settings.automation_user_agents:
            return _Identity(actor, None, spared)
        return _Identity(actor, audience_for(actor, "", self.settings), spared)


def _identity_key(user: dict[str, Any]) -> object:
    """What `actor_for` reads of a user besides its groups: the username, and the lists under
    `extra` it takes names and ARNs from (as tuples; anything else as None)."""
    extra = user.get("extra")
    if extra is None:
        return user["username"]
    if type(extra) is not dict:
        return user["username"], None, None, None
    arn, canonical, session = extra.get("arn"), extra.get("canonicalArn"), extra.get("sessionName")
    return (
        user["username"],
        tuple(arn) if type(arn) is list else None,
        tuple(canonical) if type(canonical) is list else None,
        tuple(session) if type(session) is list else None,
    )
