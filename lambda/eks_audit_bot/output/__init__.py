"""Output: one message per alert (text, document, chat, page) sized to SNS limits with
dangerous text defused, routing to the alert and page topics, publishing to SNS with retries,
and the dedup ledger. Imports the core and settings; reads every alert through its view."""
