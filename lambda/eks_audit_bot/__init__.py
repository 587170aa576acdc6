"""eks-audit-bot: alerts on manual actions in Amazon EKS clusters."""

__version__ = "0.2.2"
