"""The shared core every feed and the output build on: severity, the actor, the outcome and
location of an alert, skip reasons, the outgoing message, safe JSON readers, the rule-schema
helpers and the setters of nested fields. Imports nothing of ours but itself."""
