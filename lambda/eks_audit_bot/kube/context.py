"""What rules need from the settings: protected namespaces, trusted networks, listed principals.

Built once per catalog (at cold start) so predicates stay pure functions of an event.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from eks_audit_bot.core.actor import Actor, matches_principal
from eks_audit_bot.kube.networks import TrustedNetworks
from eks_audit_bot.settings import DEFAULT_PROTECTED_NAMESPACES, Network, Settings


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What the predicates know besides the event: protected namespaces, and who automation
    is and where it calls from."""

    protected_namespaces: frozenset[str] = frozenset(DEFAULT_PROTECTED_NAMESPACES)
    # `trusted_source_cidrs`; empty: the defaults (private ranges and AWS's of `region`).
    trusted_networks: tuple[Network, ...] = ()
    automation_principals: tuple[str, ...] = ()
    # The cluster's region, whose AWS ranges are trusted by default ("": every region's).
    region: str = ""
    trusted: TrustedNetworks = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        networks = self.trusted_networks
        trusted = (
            TrustedNetworks.listed(networks) if networks else TrustedNetworks.default(self.region)
        )
        object.__setattr__(self, "trusted", trusted)

    @classmethod
    def from_settings(cls, settings: Settings) -> RuleContext:
        return cls(
            protected_namespaces=frozenset(settings.protected_namespaces),
            trusted_networks=settings.trusted_source_cidrs,
            automation_principals=settings.automation_principals,
            region=settings.region,
        )

    def in_region(self, region: str) -> RuleContext:
        """The same context for a cluster in `region` (its AWS ranges trusted)."""
        return self if region == self.region else replace(self, region=region)

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
