"""What rules need from the settings: protected namespaces, trusted networks, listed principals.

Built once per catalog (at cold start) so predicates stay pure functions of an event.
"""

from __future__ import annotations

from copy import copy

from eks_audit_bot.core.actor import Actor, matches_principal
from eks_audit_bot.kube.classify import matches_user_agent
from eks_audit_bot.kube.exemptions import Exemptions, builtin_exemptions
from eks_audit_bot.kube.networks import TrustedNetworks
from eks_audit_bot.settings import DEFAULT_PROTECTED_NAMESPACES, Network, Settings


class RuleContext:
    """What the predicates know besides the event: protected namespaces, and who automation
    is and where it calls from."""

    __slots__ = (
        "alert_on_automation",
        "automation_principals",
        "automation_user_agents",
        "exemptions",
        "protected_namespaces",
        "region",
        "trusted",
        "trusted_networks",
    )

    def __init__(
        self,
        *,
        protected_namespaces: frozenset[str] = frozenset(DEFAULT_PROTECTED_NAMESPACES),
        trusted_networks: tuple[Network, ...] = (),
        automation_principals: tuple[str, ...] = (),
        automation_user_agents: tuple[str, ...] = (),
        alert_on_automation: bool = False,
        exemptions: Exemptions | None = None,
        region: str = "",
    ) -> None:
        self.protected_namespaces = protected_namespaces
        # `trusted_source_cidrs`; empty: the defaults (private ranges and AWS's of `region`).
        self.trusted_networks = trusted_networks
        self.automation_principals = automation_principals
        self.automation_user_agents = automation_user_agents
        self.alert_on_automation = alert_on_automation
        # Whose job it is: who the rules about dangerous actions spare, and where (None: the
        # built-in exemptions).
        self.exemptions = Exemptions(builtin_exemptions()) if exemptions is None else exemptions
        # The cluster's region, whose AWS ranges are trusted by default ("": every region's).
        self.region = region
        self.trusted = _trusted(trusted_networks, region)

    @classmethod
    def from_settings(cls, settings: Settings, exemptions: Exemptions) -> RuleContext:
        return cls(
            protected_namespaces=frozenset(settings.protected_namespaces),
            trusted_networks=settings.trusted_source_cidrs,
            automation_principals=settings.automation_principals,
            region=settings.region,
            automation_user_agents=settings.automation_user_agents,
            alert_on_automation=settings.alert_on_automation,
            exemptions=exemptions,
        )

    def in_region(self, region: str) -> RuleContext:
        """The same context for a cluster in `region` (its AWS ranges trusted)."""
        if region == self.region:
            return self
        regional = copy(self)
        regional.region = region
        regional.trusted = _trusted(self.trusted_networks, region)
        return regional

    def is_protected(self, namespace: str) -> bool:
        return namespace in self.protected_namespaces

    def untrusted_addresses(self, source_ips: tuple[str, ...]) -> list[str]:
        """Source IPs outside every trusted network (all of them count: the API server puts
        client-chosen X-Forwarded-For entries first and the real peer last). An address that
        does not parse is untrusted."""
        return [ip for ip in source_ips if not self.trusted.contains(ip)]

    def lists(self, actor: Actor) -> bool:
        """The identity matches `automation_principals`: its behaviour is expected."""
        return matches_principal(actor, self.automation_principals)

    def listed_automation(self, actor: Actor, user_agent: str) -> bool:
        """The identity is automation by `automation_principals` (with one of the
        `automation_user_agents`, when any are set) and automation is not alerted on."""
        if self.alert_on_automation or not self.lists(actor):
            return False
        agents = self.automation_user_agents
        return not agents or matches_user_agent(user_agent, agents)


def _trusted(listed: tuple[Network, ...], region: str) -> TrustedNetworks:
    """The user's networks when there are any, else the defaults with AWS's of `region`."""
    return TrustedNetworks.listed(listed) if listed else TrustedNetworks.default(region)
