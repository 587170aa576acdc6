"""The screen: what the full judgement would drop anyway, decided from the decoded JSON.

Most of an audit log is automation at work (kubelets renewing leases, controllers watching,
Argo CD patching) and people reading ordinary objects: no rule can match them. The screen
reads an event's shape (who, by kind; the verb; the object reference; the outcome), asks the
catalog whether any rule could match an event of that shape whatever its name, bodies, URI
and addresses (`RuleCatalog.could_match`), and if none can, drops it with the reason and the
count the full path would give, without building the model. Shapes repeat, so each is asked
once per batch, on the model of its first event; identities repeat too, so each is read once.

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
from eks_audit_bot.kube.alert import outcome_of
from eks_audit_bot.kube.audit import DECISION_ANNOTATION, checked_event, shape_of, user_info
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


class _Verdict(NamedTuple):
    """A shape's answer: the drop reason (None: judge in full), and whether an event of the
    shape from an untrusted address must be judged in full all the same."""

    dropped: Dropped | None
    networks_matter: bool = False


_FULL = _Verdict(None)


class _Identity(NamedTuple):
    actor: Actor
    audience: Audience | None  # None: it depends on the user agent (listed agents)
    spared: tuple[int, ...]  # the exemptions that spare it (whose job it is)


class Screen:
    """One batch's screen; `drop` is asked once per event that may speak for an action."""

    __slots__ = ("addresses", "catalog", "events", "identities", "settings", "verdicts")

    def __init__(self, settings: Settings, catalog: RuleCatalog) -> None:
        self.settings = settings
        self.catalog = catalog
        # Answers by event key (who, what, outcome as logged), by shape (who by kind and
        # audience, what, outcome as the model reads it), and identities.
        self.events: dict[tuple[object, ...], _Verdict] = {}
        self.verdicts: dict[tuple[object, ...], tuple[str | None, bool]] = {}
        self.identities: dict[object, _Identity] = {}
        self.addresses: dict[tuple[object, ...], bool] = {}  # address list -> all trusted

    def drop(self, raw: dict[str, Any], cut: bool) -> Dropped | None:
        """What the full path would drop `raw` as (it passed `invalid_reason`), or None when
        it must be judged in full."""
        uri = raw.get("requestURI")
        if cut or "impersonatedUser" in raw or type(uri) is not str or "dryRun" in uri:
            return None
        # The event's key: everything the answer depends on, as logged: who (and with which
        # user agent, when that matters), the verb, the object reference, the response code
        # and the decision. Equal keys read as equal models (the code is the one value whose
        # type tells: 403.0 == 403, but only an integer is a response code to the model).
        user, ref = raw["user"], raw.get("objectRef")
        status, notes = raw.get("responseStatus"), raw.get("annotations")
        get = ref.get if type(ref) is dict else _NOTHING.get
        code = status.get("code") if type(status) is dict else None
        key = (
            user["username"] if "extra" not in user else _identity_key(user),
            raw.get("userAgent") if self.settings.automation_user_agents else None,
            raw["verb"],
            get("resource"),
            get("subresource"),
            get("namespace"),
            get("apiGroup"),
            code if type(code) is int else None,
            notes.get(DECISION_ANNOTATION) if type(notes) is dict else None,
        )
        try:
            found = self.events[key]
        except KeyError:
            found = self._screen(raw)
            if len(self.events) < _MAX:
                self.events[key] = found
        except TypeError:  # a value no dictionary takes (a list where text belongs)
            found = self._screen(raw)
        if found.networks_matter and not self._trusted(raw.get("sourceIPs")):
            return None
        return found.dropped

    def _trusted(self, ips: object) -> bool:
        """Every source address lies in a trusted network (remembered per address list)."""
        if type(ips) is not list or not all(type(ip) is str for ip in ips):
            return False
        key = tuple(ips)
        found = self.addresses.get(key)
        if found is None:
            found = not self.catalog.context.untrusted_addresses(key)
            if len(self.addresses) < _MAX:
                self.addresses[key] = found
        return found

    def _screen(self, raw: dict[str, Any]) -> _Verdict:
        actor, audience, spared = self._identity(raw["user"])
        if actor.kind is ActorKind.ANONYMOUS:
            return _FULL
        if audience is None:
            agent = raw.get("userAgent")
            audience = audience_for(actor, agent if type(agent) is str else "", self.settings)
        key = (actor.kind, audience, spared, *shape_of(raw))
        try:
            reason, networks_matter = self.verdicts[key]
        except KeyError:
            reason, networks_matter = self.verdicts[key] = self._verdict(raw, actor, audience)
        return (
            _FULL
            if reason is None
            else _Verdict(Dropped(reason, actor.display_name), networks_matter)
        )

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
    `extra` it takes names and ARNs from."""
    extra = user.get("extra")
    if extra is None:
        return user["username"]
    get = extra.get if type(extra) is dict else _NOTHING.get
    username: str = user["username"]
    return username, _frozen(get("arn")), _frozen(get("canonicalArn")), _frozen(get("sessionName"))


def _frozen(value: object) -> object:
    return tuple(value) if type(value) is list else None
