"""The shared core every feed and the output build on: severity, the actor, the outcome and
location of an alert, skip reasons, the outgoing message, safe JSON readers and the rule-schema
helpers. Imports nothing of ours but itself."""
