"""What rules need from the settings: protected namespaces, trusted networks, listed principals.

Built once per catalog (at cold start) so predicates stay pure functions of an event.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from eks_audit_bot.core.actor import Actor, matches_principal
from eks_audit_bot.settings import DEFAULT_PROTECTED_NAMESPACES, Network, Settings

# The API server's own host: requests from it never cross a network.
LOOPBACK: tuple[Network, ...] = (
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
)


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What the predicates know besides the event: protected namespaces, and who automation
    is and where it calls from."""

    protected_namespaces: frozenset[str] = frozenset(DEFAULT_PROTECTED_NAMESPACES)
    # Empty: where automation calls from is not checked.
    trusted_networks: tuple[Network, ...] = ()
    automation_principals: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> RuleContext:
        return cls(
            protected_namespaces=frozenset(settings.protected_namespaces),
            trusted_networks=settings.trusted_source_cidrs,
            automation_principals=settings.automation_principals,
        )

    def is_protected(self, namespace: str) -> bool:
        return namespace in self.protected_namespaces

    def untrusted_addresses(self, source_ips: tuple[str, ...]) -> list[str]:
        """Source IPs outside every trusted network (all of them count: the API server puts
        client-chosen X-Forwarded-For entries first and the real peer last). Empty when no
        networks are configured. An address that does not parse is untrusted."""
        if not self.trusted_networks:
            return []
        return [ip for ip in source_ips if not _within(ip, self.trusted_networks + LOOPBACK)]

    def lists(self, actor: Actor) -> bool:
        """The identity matches `automation_principals`: its behaviour is expected."""
        return matches_principal(actor, self.automation_principals)


def _within(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip.version == network.version and ip in network for network in networks)
