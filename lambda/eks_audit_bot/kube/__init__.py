"""The Kubernetes audit-log feed: its sources (CloudWatch Logs subscription payloads and Kinesis
records), the audit event model, the screen, one action per request, who acted, the rules and
predicates with their content readers (`readers/`), what changed, noise control, and how its
alerts read (text, document, digest).

Imports the core, the output package's rendering helpers and settings; never another feed.
"""
