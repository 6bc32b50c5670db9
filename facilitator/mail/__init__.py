"""E-mail (issue 17, docs/mail.md): addresses with consent per purpose, campaigns composed
and previewed by the animateur, an outbox table, and a worker that sends it over SMTP at
most once per (campaign, person), with retries, backoff and a rate cap.

Modules: ``models`` (tables), ``addresses`` (validation, consent, unsubscribe, CSV import,
erasure), ``links`` (signed personal and unsubscribe links), ``render`` (French HTML + plain
text, the MIME message), ``compose`` (campaign kinds, recipients, queueing), ``outbox``
(claiming, outcomes, backoff, rate cap), ``smtp`` (SMTP_URL, one connection), ``worker``
(the ``mail-worker`` loop, reminders). The pages live in ``facilitator/web/mail_pages.py``."""
