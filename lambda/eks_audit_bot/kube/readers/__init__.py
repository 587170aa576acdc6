"""Readers of request and response bodies the content predicates need (RBAC, workloads,
exposure, credentials, aws-auth). Loaded only when a predicate asks. Imports the core only."""
